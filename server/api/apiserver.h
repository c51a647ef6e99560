#pragma once

#include "api/router.h"
#include "api/connectionlimiter.h"
#include "core/result.h"

#include <QtHttpServer/QAbstractHttpServer>
#include <QtNetwork/QHostAddress>
#include <QtNetwork/QSslConfiguration>

class QSslServer;
class QSslSocket;

namespace Fleetdeck::Api {

/// The server side of TLS 1.2+ with the certificate chain (server certificate first) and its EC key: shared by the
/// HTTPS API and the WebSocket API.
[[nodiscard]] Result<QSslConfiguration> serverTlsConfiguration(const QString &chainPemFile, const QString &keyPemFile);

/// HTTPS server for the REST API (and later the WebSocket API): QtHttpServer's connection handling with our own
/// router, request-size limits enforced before a body is buffered, and problem+json for every error.
class ApiServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    explicit ApiServer(Router &router, QObject *parent = nullptr);
    ~ApiServer() override;

    void setMaxBodyBytes(qint64 bytes) { m_maxBodyBytes = bytes; }
    /// A connection that sends nothing for this long is closed: 408 when a request was cut short (slow-loris),
    /// quietly when it was idle between requests.
    void setIdleTimeout(int ms) { m_idleTimeoutMs = ms; }
    qint64 maxBodyBytes() const { return m_maxBodyBytes; }
    /// Open HTTPS connections allowed overall and per source (IPv4 address, IPv6 /64); beyond them a new connection
    /// gets 503 and is closed. 0 = no limit.
    void setConnectionLimits(int total, int perSource) { m_limiter.setLimits(total, perSource); }
    const ConnectionLimiter &connections() const { return m_limiter; }

    /// Loads the chain (server certificate first, then the CA) and the key, and listens. Port 0 picks a free port.
    [[nodiscard]] Result<quint16> listenTls(const QHostAddress &address, quint16 port, const QString &chainPemFile, const QString &keyPemFile);
    quint16 port() const { return m_port; }
    qint64 requestCount() const { return m_requests; }
    qint64 rejectedCount() const { return m_rejected; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void guard(QSslSocket *socket);

    Router &m_router;
    QSslServer *m_server = nullptr;
    quint16 m_port = 0;
    qint64 m_maxBodyBytes = 1024 * 1024;
    int m_idleTimeoutMs = 60000;
    qint64 m_requests = 0;
    qint64 m_rejected = 0;
    ConnectionLimiter m_limiter{2000, 200};
};

} // namespace Fleetdeck::Api
