#pragma once

#include "testpki.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSslServer>

class QSslSocket;

/// A small HTTPS server that speaks the part of the Fleetdeck REST API the console uses,
/// on a loopback port chosen at run time. Tests and tools/screenshots.sh use it while
/// the real server is not available to them; it is not a reference for the API.
class FakeFleetServer : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QByteArray query;
        QByteArray authorization;
    };

    explicit FakeFleetServer(QObject *parent = nullptr);

    /// Presents [server certificate, CA] like the real server.
    void setPki(const TestPki &pki);
    bool listen(quint16 port = 0);
    void close();
    quint16 port() const { return m_server.serverPort(); }
    QString url() const;

    void setCredentials(const QString &email, const QString &password) { m_email = email; m_password = password; }
    void setDeviceCount(int count);
    void setPageSize(int size) { m_pageSize = size; }
    void setHealth(const QJsonObject &health, int httpStatus = 200) { m_health = health; m_healthStatus = httpStatus; }
    /// Tokens issued so far stop working (as after a server-side logout or expiry).
    void revokeTokens() { m_tokens.clear(); }

    const QList<Request> &requests() const { return m_requests; }

private:
    void onConnection();
    void onReadyRead(QSslSocket *socket);
    void handle(QSslSocket *socket, const Request &request, const QByteArray &body);
    void respond(QSslSocket *socket, int status, const QByteArray &contentType, const QByteArray &body);
    void problem(QSslSocket *socket, int status, const QString &title, const QString &detail);

    QSslServer m_server;
    QHash<QSslSocket *, QByteArray> m_buffers;
    QList<Request> m_requests;
    QString m_email = QStringLiteral("operator@example.com");
    QString m_password = QStringLiteral("secret");
    QStringList m_tokens;
    QList<QJsonObject> m_devices;
    int m_pageSize = 500;
    QJsonObject m_health;
    int m_healthStatus = 200;
};
