#pragma once

#include "device.h"
#include "health.h"

#include "connection/apierror.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <algorithm>

class ApiClient;

/// Polls the server: the whole device list (following next_cursor) and the health
/// endpoint. Polling for now; the WebSocket API will replace the device part.
class FleetPoller : public QObject
{
    Q_OBJECT

public:
    explicit FleetPoller(ApiClient *api, QObject *parent = nullptr);

    void setIntervalSeconds(int seconds);
    /// Devices per request; the list is followed through next_cursor whatever the size.
    void setPageSize(int size) { m_pageSize = std::clamp(size, 1, 1000); }
    void start();
    void stop();
    /// Starts a refresh now unless one is already running.
    void refreshNow();
    /// The health is fetched at every interval, the device list only at every n-th (the live link pushes device
    /// changes in between, so the full list is a resynchronisation, not the source of updates).
    void setDeviceListEvery(int n) { m_deviceListEvery = std::max(1, n); }
    int deviceListEvery() const { return m_deviceListEvery; }

    /// Guards against a server that never stops handing out cursors.
    static constexpr int maxPages = 2000;

Q_SIGNALS:
    void devicesRefreshed(const QList<Device> &devices, const QDateTime &at);
    void healthRefreshed(const HealthStatus &health, const QDateTime &at);
    void healthFailed(const ApiError &error);
    void devicesFailed(const ApiError &error);
    /// While a list of several pages comes in: devices received so far.
    void devicesLoading(int received);
    /// On the intervals without the list: the session is still valid (GET /v1/auth/me answered). A refused one
    /// comes as devicesFailed(), like a refused list, so that a revoked session is noticed within one interval.
    void sessionChecked(const QDateTime &at);

private:
    void tick();
    void fetchPage(const QString &cursor);
    void fetchHealth();
    void checkSession();

    ApiClient *m_api;
    QTimer m_timer;
    int m_pageSize = 500;
    int m_deviceListEvery = 1;
    int m_ticks = 0;
    bool m_devicesBusy = false;
    bool m_healthBusy = false;
    bool m_sessionBusy = false;
    QList<Device> m_collecting;
    QStringList m_seenCursors;
};
