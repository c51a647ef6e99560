#include "fleetpoller.h"

#include "connection/apiclient.h"
#include "base/logcategories.h"

using namespace Qt::StringLiterals;

FleetPoller::FleetPoller(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
{
    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, &FleetPoller::tick);
}

void FleetPoller::setIntervalSeconds(int seconds)
{
    m_timer.setInterval(seconds * 1000);
}

void FleetPoller::start()
{
    m_timer.start();
    refreshNow();
}

void FleetPoller::stop()
{
    m_timer.stop();
}

void FleetPoller::tick()
{
    if (++m_ticks % m_deviceListEvery == 0) {
        refreshNow();
        return;
    }
    if (!m_healthBusy)
        fetchHealth();
    if (!m_sessionBusy && !m_devicesBusy)
        checkSession();
}

void FleetPoller::checkSession()
{
    m_sessionBusy = true;
    m_api->get(u"/v1/auth/me"_s, {}, ApiClient::Auth::Bearer, this, [this](const ApiResult<QJsonDocument> &result) {
        m_sessionBusy = false;
        if (result)
            Q_EMIT sessionChecked(QDateTime::currentDateTimeUtc());
        else if (result.error().kind != ApiError::Kind::Cancelled)
            Q_EMIT devicesFailed(result.error());
    });
}

void FleetPoller::refreshNow()
{
    if (!m_healthBusy)
        fetchHealth();
    if (m_devicesBusy)
        return;
    m_devicesBusy = true;
    m_ticks = 0;
    m_collecting.clear();
    m_seenCursors.clear();
    fetchPage({});
}

void FleetPoller::fetchPage(const QString &cursor)
{
    QUrlQuery query;
    query.addQueryItem(u"limit"_s, QString::number(m_pageSize));
    if (!cursor.isEmpty())
        query.addQueryItem(u"cursor"_s, QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    m_api->get(u"/v1/devices"_s, query, ApiClient::Auth::Bearer, this, [this](const ApiResult<QJsonDocument> &result) {
        if (!result) {
            m_devicesBusy = false;
            Q_EMIT devicesFailed(result.error());
            return;
        }
        auto page = parseDevicePage(*result);
        if (!page) {
            m_devicesBusy = false;
            qCWarning(lcAppFleet) << "Unusable device list:" << page.error();
            Q_EMIT devicesFailed(ApiError{ApiError::Kind::Protocol, 200,
                                          tr("The server sent a device list the console does not understand."),
                                          {}, {}});
            return;
        }
        if (page->skipped > 0)
            qCWarning(lcAppFleet) << "Skipped" << page->skipped << "malformed devices";
        m_collecting.append(std::move(page->items));
        const QString next = page->nextCursor;
        if (!next.isEmpty() && !m_seenCursors.contains(next) && m_seenCursors.size() < maxPages) {
            m_seenCursors.append(next);
            Q_EMIT devicesLoading(int(m_collecting.size()));
            fetchPage(next);
            return;
        }
        if (!next.isEmpty())
            qCWarning(lcAppFleet) << "Stopped following next_cursor after" << m_seenCursors.size() << "pages";
        m_devicesBusy = false;
        Q_EMIT devicesRefreshed(std::exchange(m_collecting, {}), QDateTime::currentDateTimeUtc());
    });
}

void FleetPoller::fetchHealth()
{
    m_healthBusy = true;
    // With the token: the details (database, broker, version, live socket URL) are for signed-in callers.
    m_api->get(u"/v1/health"_s, {}, ApiClient::Auth::Bearer, this, [this](const ApiResult<QJsonDocument> &result) {
        m_healthBusy = false;
        // A degraded server may answer 503 with a health body: that is still an answer.
        const QJsonDocument doc = result ? *result : result.error().body;
        if (const auto health = parseHealth(doc)) {
            Q_EMIT healthRefreshed(*health, QDateTime::currentDateTimeUtc());
            return;
        }
        Q_EMIT healthFailed(result ? ApiError{ApiError::Kind::Protocol, 200,
                                              tr("The server's health report could not be read."), {}, {}}
                                   : result.error());
    });
}
