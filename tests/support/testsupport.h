#pragma once

#include "runtime/application.h"

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QSslConfiguration>
#include <memory>

namespace Fleetdeck::Test {

/// A TCP port that was free a moment ago (bound to port 0 and released).
quint16 freePort();

/// A fresh PostgreSQL database on the server named by FLEETDECK_TEST_PG_URL (postgresql://user:pass@host:port/postgres),
/// dropped again by the destructor. Empty url() when the variable is not set.
class PgDatabase
{
public:
    PgDatabase();
    ~PgDatabase();
    QString url() const { return m_url; }
    static bool available();
    QString error() const { return m_error; }

private:
    QString m_url;
    QString m_name;
    QString m_error;
};

struct HttpReply
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QJsonObject json() const;
};

/// A real fleetdeck server (Application) in this process, with the embedded mosquitto on free ports.
class TestServer
{
public:
    /// backend: "sqlite" or "postgresql"
    explicit TestServer(const QString &backend = QStringLiteral("sqlite"), const std::function<void(ServerOptions &)> &tweak = {});
    ~TestServer();

    /// Starts and waits until the broker link is up. False with a message in error().
    bool start(int timeoutMs = 15000);
    QString error() const { return m_error; }
    Application &app() { return *m_app; }
    QString dataDir() const { return m_dir.path(); }
    quint16 mqttPort() const { return m_mqttPort; }
    QString caFile() const { return m_dir.path() + QStringLiteral("/pki/ca.crt"); }
    QString adminPassword() const { return m_password; }

    /// HTTPS request trusting the platform CA. `contentType` empty = no body header.
    HttpReply request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                      const QByteArray &contentType = "application/json", const QByteArray &token = {});
    HttpReply requestJson(const QByteArray &method, const QString &path, const QJsonObject &body, const QByteArray &token);
    /// Logs in as the platform admin and returns the token.
    QByteArray adminToken();
    /// Bytes written as-is on a TLS connection; returns what the server answered before closing or timing out.
    QByteArray rawExchange(const QByteArray &bytes, int timeoutMs = 5000);

    QSslConfiguration sslConfiguration() const;

private:
    QTemporaryDir m_dir;
    std::unique_ptr<PgDatabase> m_pg;
    std::unique_ptr<Application> m_app;
    quint16 m_mqttPort = 0;
    QString m_password;
    QString m_error;
    QByteArray m_token;
};

/// Runs the event loop until `predicate` holds or the timeout passes; returns the predicate's last value.
bool waitFor(const std::function<bool()> &predicate, int timeoutMs);

/// Stops the server's Application and starts a second one on the same data and ports, as a restart would; waits until
/// it is ready. Null (and a failed QVERIFY message in the log) when it does not come up within 10 s.
std::unique_ptr<Application> restartInProcess(TestServer &server);

} // namespace Fleetdeck::Test
