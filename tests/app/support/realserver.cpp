#include "realserver.h"

#include "pki/certificateauthority.h"
#include "storage/database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSqlQuery>

using namespace Qt::StringLiterals;
using Fleetdeck::Test::HttpReply;

namespace ConsoleTest {

QString adminEmail()
{
    return u"admin@localhost"_s;
}

QUrl serverUrl(TestServer &server)
{
    return QUrl(u"https://localhost:%1"_s.arg(server.app().httpPort()));
}

QSslCertificate platformCa(const TestServer &server)
{
    const QList<QSslCertificate> certs = QSslCertificate::fromPath(server.caFile(), QSsl::Pem);
    return certs.isEmpty() ? QSslCertificate() : certs.constFirst();
}

SessionInfo adminSession(TestServer &server)
{
    const HttpReply r = server.requestJson("POST", u"/v1/auth/login"_s,
                                           {{u"email"_s, adminEmail()}, {u"password"_s, server.adminPassword()}}, {});
    if (r.status != 200)
        qWarning() << "admin sign-in failed:" << r.status << r.body;
    const QJsonObject o = r.json();
    return SessionInfo{serverUrl(server), adminEmail(), o.value(u"token"_s).toString(),
                       QDateTime::fromString(o.value(u"expires_at"_s).toString(), Qt::ISODate), platformCa(server)};
}

QJsonObject registerDevice(TestServer &server, const QString &serial, const QString &type, const QString &name)
{
    QJsonObject body{{u"serial_number"_s, serial}, {u"device_type"_s, type}};
    if (!name.isEmpty())
        body.insert(u"name"_s, name);
    const HttpReply r = server.requestJson("POST", u"/v1/devices"_s, body, server.adminToken());
    if (r.status != 201) {
        qWarning() << "registration of" << serial << "failed:" << r.status << r.body;
        return {};
    }
    return r.json();
}

EnrolledDevice enrollDevice(TestServer &server, const QString &dir, const QString &serial, const QString &type,
                            const QString &name, const QStringList &tags)
{
    auto keyAndCsr = Fleetdeck::Pki::makeKeyAndRequest(serial);
    if (!keyAndCsr) {
        qWarning() << "no key for" << serial;
        return {};
    }
    QJsonObject body{{u"serial_number"_s, serial}, {u"device_type"_s, type}, {u"csr"_s, QString::fromLatin1(keyAndCsr->second)}};
    if (!name.isEmpty())
        body.insert(u"name"_s, name);
    if (!tags.isEmpty())
        body.insert(u"tags"_s, QJsonArray::fromStringList(tags));
    const HttpReply r = server.requestJson("POST", u"/v1/devices"_s, body, server.adminToken());
    if (r.status != 201) {
        qWarning() << "registration of" << serial << "failed:" << r.status << r.body;
        return {};
    }
    EnrolledDevice d;
    const QString id = r.json().value(u"device_id"_s).toString();
    d.certFile = QDir(dir).filePath(id + u".crt"_s);
    d.keyFile = QDir(dir).filePath(id + u".key"_s);
    QFile cert(d.certFile), key(d.keyFile);
    if (!cert.open(QIODevice::WriteOnly) || !key.open(QIODevice::WriteOnly)
        || cert.write(r.json().value(u"certificate"_s).toString().toLatin1()) <= 0 || key.write(keyAndCsr->first) <= 0) {
        qWarning() << "cannot write the certificate or key of" << serial << "into" << dir;
        return {};
    }
    d.deviceId = id;
    return d;
}

int deviceAction(TestServer &server, const QString &deviceId, const QString &verb)
{
    return server.request("POST", u"/v1/devices/%1/%2"_s.arg(deviceId, verb), {}, {}, server.adminToken()).status;
}

bool revokeAllSessions(TestServer &server)
{
    const auto r = server.app().database().exec(u"UPDATE sessions SET revoked_at = :t WHERE revoked_at IS NULL"_s,
                                                {{u"t"_s, QDateTime::currentMSecsSinceEpoch()}});
    if (!r)
        qWarning() << "revoking sessions failed:" << r.error().message;
    return r.has_value();
}

int auditCount(TestServer &server, const QString &action)
{
    auto r = server.app().database().exec(u"SELECT COUNT(*) FROM audit_log WHERE action = :a"_s, {{u"a"_s, action}});
    if (!r || !r->next()) {
        qWarning() << "reading the audit log failed";
        return -1;
    }
    return r->value(0).toInt();
}

std::unique_ptr<Fleetdeck::Application> startServer(const Fleetdeck::ServerOptions &options, QString *error)
{
    auto app = std::make_unique<Fleetdeck::Application>(options);
    bool ready = false;
    QObject::connect(app.get(), &Fleetdeck::Application::ready, app.get(), [&ready] { ready = true; });
    if (auto st = app->start(); !st) {
        *error = st.error().message;
        return nullptr;
    }
    if (!Fleetdeck::Test::waitFor([&] { return ready; }, 15000)) {
        *error = u"server not ready within 15 s"_s;
        return nullptr;
    }
    return app;
}

} // namespace ConsoleTest
