#pragma once

#include "api/connectionlimiter.h"
#include "core/result.h"

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QTimer>
#include <functional>
#include <memory>

class QWebSocket;
class QWebSocketServer;
class QHostAddress;

namespace Fleetdeck {
struct Alert;
struct ConnectionEvent;

namespace Api { class Router; }
class DeviceDirectory;
struct DeviceSummary;
struct LatestValue;

/// The WebSocket API (docs/websocket-api.md): JSON-RPC 2.0 over wss://HOST:PORT/v1/ws. Every REST resource is
/// reachable through the `rest` method, which runs the same router with the caller's token (so the same
/// authorisation, in one place); subscriptions push device, telemetry, command and alert changes of the caller's tenant.
/// Live telemetry is coalesced per client (at most one update per device per interval); a client that does not read
/// fast enough never grows the server's memory: its updates are merged or dropped, counted, and it is told.
class LiveHub : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int telemetryIntervalMs = 100;          ///< at most one telemetry update per device and client per interval
        qint64 maxClientBacklogBytes = 2 << 20; ///< beyond this many unsent bytes a client is "slow"
        int maxQueuedEvents = 1000;             ///< device/command events kept for a slow client; older ones dropped
        int maxTelemetryDevices = 5000;         ///< devices one client may follow live
        qint64 maxMessageBytes = 1 << 20;       ///< largest JSON-RPC message accepted from a client
        int authTimeoutMs = 10000;              ///< a connection that does not authenticate in time is closed
        /// Unsent bytes beyond which a client that does not read its answers is closed (answers are never dropped).
        qint64 maxClientOutputBytes = 8 << 20;
        int maxConnections = 2000;              ///< open WebSocket connections, all sources
        int maxConnectionsPerSource = 100;      ///< per IPv4 address / IPv6 /64
    };

    LiveHub(Api::Router &router, const DeviceDirectory &devices, Options options, QObject *parent = nullptr);
    ~LiveHub() override;

    /// Listens with TLS on `port` (0 = any free port).
    [[nodiscard]] Result<quint16> listen(const QHostAddress &address, quint16 port, const QString &chainPemFile, const QString &keyPemFile);
    quint16 port() const { return m_port; }
    void stop();

    // Events after commit
    void onTelemetry(const QString &deviceId, const QHash<QString, Fleetdeck::LatestValue> &values);
    void onCommandChanged(const QString &commandId, const QString &deviceId, const QString &status);
    void onDeviceChanged(const Fleetdeck::DeviceSummary &device);
    void onConnection(const Fleetdeck::ConnectionEvent &e);
    void onAlertChanged(const Fleetdeck::Alert &alert);

    QJsonObject health() const;

    /// Checks every connection's right to see again, soon (after the change that prompted it has committed): a
    /// logout, a revoked token, a deactivated user or tenant, a changed role. Connections refused are closed.
    void recheckAccessSoon();

private:
    struct Client;
    void onNewConnection();
    void onText(Client *c, const QString &text);
    QJsonObject call(Client *c, const QString &method, const QJsonObject &params, QJsonObject *error);
    void notify(Client *c, const QString &method, const QJsonObject &params, bool droppable = false);
    /// The same notification, encoded once, for every client that gets it (fan-out encodes no JSON per client).
    void send(Client *c, const QString &text, bool droppable);
    static QString notification(const QString &method, const QJsonObject &params);
    void flushTelemetry();
    void drain(Client *c);
    void reauthenticate();
    /// Sends an answer, or closes the connection when the client is not reading what it was sent.
    void answer(Client *c, const QString &text);
    void closeClient(Client *c, const QString &reason);
    Result<QString> tenantOfDevice(const QString &deviceId);
    void broadcast(const QString &tenantId, const QString &topic, const QString &method, const QJsonObject &params);

    Api::Router &m_router;
    const DeviceDirectory &m_devices;
    Options m_options;
    QWebSocketServer *m_server = nullptr;
    quint16 m_port = 0;
    QHash<QWebSocket *, std::shared_ptr<Client>> m_clients;
    QHash<QString, QSet<Client *>> m_telemetryFollowers; ///< device id -> clients following it live
    QTimer m_telemetryTimer;
    QTimer m_authTimer;
    qint64 m_connections = 0;
    qint64 m_dropped = 0;
    qint64 m_merged = 0;
    qint64 m_rejectedMessages = 0;
    Api::ConnectionLimiter m_limiter;
    qint64 m_closedNotReading = 0;
    qint64 m_closedUnauthenticated = 0;
    qint64 m_closedRevoked = 0;
    bool m_recheckPending = false;
};

} // namespace Fleetdeck
