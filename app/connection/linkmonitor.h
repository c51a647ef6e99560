#pragma once

#include <QDateTime>
#include <QObject>

/// The state of the link to the server, derived from the outcome of the periodic
/// requests: one failure makes it Reconnecting (since the first failure), failures for
/// longer than lostAfter make it Lost. A 401 makes it SignedOut: the server is there but
/// the session is not, so the data is just as stale.
class LinkMonitor : public QObject
{
    Q_OBJECT

public:
    enum class State { Connecting, Connected, Reconnecting, Lost, SignedOut };
    Q_ENUM(State)

    explicit LinkMonitor(int lostAfterSeconds, QObject *parent = nullptr);

    void recordSuccess(const QDateTime &at);
    void recordFailure(const QDateTime &at, const QString &reason);
    void recordSignedOut(const QDateTime &at, const QString &reason);
    /// Re-evaluates the time-based transition (Reconnecting -> Lost) without a new event.
    void evaluate(const QDateTime &now);

    State state() const { return m_state; }
    QDateTime lastSuccess() const { return m_lastSuccess; }
    QDateTime failingSince() const { return m_failingSince; }
    QString lastError() const { return m_lastError; }
    /// True whenever what is on screen may no longer match the server.
    bool isStale() const { return m_state != State::Connected; }

    /// "Connected", "Reconnecting since 12:01:33", "Link lost since 12:01:33", ...
    QString describe() const;

Q_SIGNALS:
    void stateChanged(LinkMonitor::State state);

private:
    void setState(State state);

    int m_lostAfterSeconds;
    State m_state = State::Connecting;
    QDateTime m_lastSuccess;
    QDateTime m_failingSince;
    QString m_lastError;
};
