#include "linkmonitor.h"

#include "base/logcategories.h"

LinkMonitor::LinkMonitor(int lostAfterSeconds, QObject *parent)
    : QObject(parent)
    , m_lostAfterSeconds(lostAfterSeconds)
{
}

void LinkMonitor::recordSuccess(const QDateTime &at)
{
    m_lastSuccess = at;
    m_failingSince = {};
    m_lastError.clear();
    setState(State::Connected);
}

void LinkMonitor::recordFailure(const QDateTime &at, const QString &reason)
{
    m_lastError = reason;
    if (!m_failingSince.isValid())
        m_failingSince = at;
    if (m_state == State::Connected || m_state == State::SignedOut)
        setState(State::Reconnecting);
    evaluate(at);
}

void LinkMonitor::recordSignedOut(const QDateTime &at, const QString &reason)
{
    m_lastError = reason;
    if (!m_failingSince.isValid())
        m_failingSince = at;
    setState(State::SignedOut);
}

void LinkMonitor::evaluate(const QDateTime &now)
{
    if (m_state == State::SignedOut || !m_failingSince.isValid())
        return;
    if (m_failingSince.secsTo(now) >= m_lostAfterSeconds)
        setState(State::Lost);
    else if (m_state == State::Connected)
        setState(State::Reconnecting);
}

QString LinkMonitor::describe() const
{
    const QString since = m_failingSince.toLocalTime().toString(u"HH:mm:ss");
    switch (m_state) {
    case State::Connecting:
        return m_failingSince.isValid() ? tr("Connecting (failing since %1)").arg(since) : tr("Connecting…");
    case State::Connected:
        return tr("Connected");
    case State::Reconnecting:
        return tr("Reconnecting since %1").arg(since);
    case State::Lost:
        return tr("Link lost since %1").arg(since);
    case State::SignedOut:
        return tr("Signed out since %1").arg(since);
    }
    return {};
}

void LinkMonitor::setState(State state)
{
    if (state == m_state)
        return;
    qCInfo(lcAppConnection) << "Link" << m_state << "->" << state << m_lastError;
    m_state = state;
    Q_EMIT stateChanged(state);
}
