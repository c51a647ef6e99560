#pragma once

// The console's tests run against the real server: Fleetdeck::Test::TestServer starts the real Application (HTTPS
// API, embedded mosquitto, SQLite) in the test process. These helpers add what the console tests need on top.

#include "connection/sessioninfo.h"
#include "testsupport.h"

#include <QJsonObject>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

namespace ConsoleTest {

using Fleetdeck::Test::TestServer;

/// The platform admin every TestServer creates.
QString adminEmail();

/// The address an operator types for this server: https://localhost:<port>.
QUrl serverUrl(TestServer &server);

/// The server's platform CA, read from TestServer::caFile() (DATA_DIR/pki/ca.crt).
QSslCertificate platformCa(const TestServer &server);

/// Signs in as the admin through the REST API. A fresh session every call (TestServer::adminToken() caches one).
SessionInfo adminSession(TestServer &server);

/// Registers a device through the REST API as the admin (the server makes its key); the response, or an empty
/// object after a warning.
QJsonObject registerDevice(TestServer &server, const QString &serial, const QString &type, const QString &name = {});

/// A device registered as a real one is: its key made and kept here, the server signing its request (CSR). The
/// certificate and key are written into `dir` as <device id>.crt / .key; deviceId is empty after a warning.
struct EnrolledDevice
{
    QString deviceId;
    QString certFile;
    QString keyFile;
};
EnrolledDevice enrollDevice(TestServer &server, const QString &dir, const QString &serial, const QString &type,
                            const QString &name = {}, const QStringList &tags = {});

/// POST /v1/devices/{id}/{verb} (suspend, resume, decommission) as the admin; the HTTP status.
int deviceAction(TestServer &server, const QString &deviceId, const QString &verb);

/// Revokes every session on the server. There is no logout endpoint yet; this sets the column the server's own
/// authentication checks (sessions.revoked_at), which is what a logout will do.
bool revokeAllSessions(TestServer &server);

/// Number of entries with this action (e.g. "auth.login", "auth.login_failed") in the server's audit log.
int auditCount(TestServer &server, const QString &action);

/// Starts another real server in this process and waits until it is ready; null with a message on failure.
/// Used to restart a stopped TestServer on its data dir and ports, or to put a server with a fresh data dir
/// (hence another CA) on a known address. Only one server may run at a time: they share the database
/// connection name.
std::unique_ptr<Fleetdeck::Application> startServer(const Fleetdeck::ServerOptions &options, QString *error);

} // namespace ConsoleTest
