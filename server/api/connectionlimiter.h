#pragma once

#include <QtCore/QHash>
#include <QtCore/QString>
#include <memory>

class QHostAddress;
class QObject;

namespace Fleetdeck::Api {

/// Caps open connections overall and per source network, for the HTTPS and the WebSocket listener alike. A source
/// is an IPv4 address, or an IPv6 /64 (one subscriber's prefix: counting single IPv6 addresses would cap nothing).
/// A connection counts from admit() until its object is destroyed.
class ConnectionLimiter
{
public:
    /// 0 = no limit.
    ConnectionLimiter(int maxTotal, int maxPerSource) : m_maxTotal(maxTotal), m_maxPerSource(maxPerSource) {}
    void setLimits(int maxTotal, int maxPerSource)
    {
        m_maxTotal = maxTotal;
        m_maxPerSource = maxPerSource;
    }

    /// Counts `connection` and answers true, or answers false with why (nothing counted) when a limit is reached.
    [[nodiscard]] bool admit(const QHostAddress &peer, QObject *connection, QString *why);
    /// The source a peer address is counted under: the address itself (IPv4, IPv4-mapped IPv6) or its /64.
    static QString sourceOf(const QHostAddress &peer);

    int open() const { return m_counts->open; }
    qint64 refused() const { return m_refused; }
    int maxTotal() const { return m_maxTotal; }
    int maxPerSource() const { return m_maxPerSource; }

private:
    int m_maxTotal;
    int m_maxPerSource;
    qint64 m_refused = 0;
    /// Shared with the connections' destroyed() handlers, which may outlive the limiter (children are deleted last).
    struct Counts
    {
        int open = 0;
        QHash<QString, int> bySource;
    };
    std::shared_ptr<Counts> m_counts = std::make_shared<Counts>();
};

} // namespace Fleetdeck::Api
