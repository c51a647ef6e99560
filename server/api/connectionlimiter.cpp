#include "api/connectionlimiter.h"

#include <QtCore/QObject>
#include <QtNetwork/QHostAddress>

namespace Fleetdeck::Api {

QString ConnectionLimiter::sourceOf(const QHostAddress &peer)
{
    bool mapped = false;
    const quint32 v4 = peer.toIPv4Address(&mapped);
    if (mapped)
        return QHostAddress(v4).toString();
    if (peer.protocol() != QAbstractSocket::IPv6Protocol)
        return peer.toString();
    Q_IPV6ADDR bytes = peer.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

bool ConnectionLimiter::admit(const QHostAddress &peer, QObject *connection, QString *why)
{
    const QString source = sourceOf(peer);
    Counts &c = *m_counts;
    if (m_maxTotal > 0 && c.open >= m_maxTotal) {
        ++m_refused;
        *why = QStringLiteral("the server has %1 connections open, its limit; try again later").arg(c.open);
        return false;
    }
    int &fromSource = c.bySource[source];
    if (m_maxPerSource > 0 && fromSource >= m_maxPerSource) {
        ++m_refused;
        *why = QStringLiteral("%1 connections from %2 are open, the limit per source; close some first").arg(fromSource).arg(source);
        return false;
    }
    ++fromSource;
    ++c.open;
    QObject::connect(connection, &QObject::destroyed, [counts = m_counts, source] {
        --counts->open;
        auto it = counts->bySource.find(source);
        if (it != counts->bySource.end() && --it.value() <= 0)
            counts->bySource.erase(it);
    });
    return true;
}

} // namespace Fleetdeck::Api
