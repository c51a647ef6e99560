#pragma once

// Shared by the benchmarks that drive a server over REST: start it, wait until it is healthy, log in as the admin.

#include "benchsupport.h"
#include "restclient.h"

#include <QtCore/QFile>
#include <QtCore/QUrl>

#include <cstdio>
#include <memory>
#include <optional>

namespace Fleetdeck::Bench {

/// A healthy fleetdeck-server child with the admin logged in.
struct AdminSession
{
    QUrl base;
    QString caFile;
    QString password; ///< the admin's (FLEETDECK_ADMIN_PASSWORD, or what the server generated)
    QString token;
    std::unique_ptr<Sim::RestClient> rest; ///< carries the token
};

/// Starts `server` and logs in as admin@localhost. On failure says why on stderr (with where the server's log is),
/// stops the server and returns nullopt.
inline std::optional<AdminSession> startAndLogIn(ServerProcess &server, const QByteArray &adminPassword)
{
    if (!server.start()) {
        std::fprintf(stderr, "cannot start %s\n", FLEETDECK_SERVER_BINARY);
        return std::nullopt;
    }
    const auto failed = [&](const char *what) -> std::optional<AdminSession> {
        std::fprintf(stderr, "%s; server log: %s-server.log\n", what, qPrintable(server.dataDir));
        server.stop();
        return std::nullopt;
    };
    AdminSession s;
    s.caFile = server.dataDir + QStringLiteral("/pki/ca.crt");
    s.base = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server.httpPort));
    if (!waitUntil([&] { return QFile::exists(s.caFile); }, 10000))
        return failed("the server made no CA");
    s.rest = std::make_unique<Sim::RestClient>(s.base, s.caFile);
    if (!waitUntil([&] { return s.rest->loadCa().has_value(); }, 10000))
        return failed("cannot read the server's CA");
    if (!waitUntil([&] { return server.process.state() == QProcess::Running && s.rest->requestSync("GET", QStringLiteral("/v1/health")).status == 200; }, 20000))
        return failed("the server did not become healthy");
    // FLEETDECK_ADMIN_PASSWORD only counts when the admin is created; a server that generated one wrote it here.
    s.password = QString::fromLatin1(adminPassword);
    if (QFile f(server.dataDir + QStringLiteral("/admin-password")); f.open(QIODevice::ReadOnly))
        s.password = QString::fromUtf8(f.readAll().trimmed());
    const Sim::RestReply login = s.rest->requestSync("POST", QStringLiteral("/v1/auth/login"),
                                                     {{QStringLiteral("email"), QStringLiteral("admin@localhost")}, {QStringLiteral("password"), s.password}});
    if (login.status != 200) {
        std::fprintf(stderr, "login failed: HTTP %d %s\n", login.status, qPrintable(login.error));
        return failed("cannot log in as the admin");
    }
    s.token = login.body.value(QStringLiteral("token")).toString();
    s.rest->setToken(s.token);
    return s;
}

} // namespace Fleetdeck::Bench
