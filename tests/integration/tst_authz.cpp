// The authorisation matrix: every route of the running server's router, for every role of one tenant, for an admin
// of another tenant and for a caller without a token, checked against the policy table (auth/policy.h).
//
// Generic by construction: routes are read from app().router().routes(); path parameters are filled with real
// objects by parameter name (device_id, device_type, tenant_id, user_id, token_id, command_id, job_id, rule_id, alert_id, channel_id, policy_id, delivery_id, window_id, firmware_id, rollout_id); request bodies are the examples of
// resources/openapi.json. A route whose action has no policy, or whose path parameter has no fixture here, fails
// the test, so a new route cannot slip through unchecked. Runs on SQLite and on PostgreSQL.
#include "auth/policy.h"
#include "firmware/firmwarerepository.h"
#include "api/restapi.h"
#include "api/router.h"
#include "testsupport.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QStandardPaths>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

namespace {

struct Actor
{
    QString name;
    Role role = Role::Viewer;
    bool foreign = false;   ///< belongs to tenant B; every object below is in tenant A
    QByteArray token;
    QString userId;
};

struct World
{
    QString tenantA;
    QString tenantB;
    QList<Actor> actors;    ///< platform admin, A's tenant-admin, operator, viewer, B's tenant-admin
    QSet<QString> idsOfA;   ///< ids that must never appear in an answer to B
};

} // namespace

class TestAuthz : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QNetworkAccessManager m_nam;
    int m_seq = 0;
    QJsonObject m_spec;

    HttpReply call(const QByteArray &method, const QString &path, const QByteArray &token, const QByteArray &body = {},
                   const QString &tenantHeader = {})
    {
        QNetworkRequest req(QUrl(QStringLiteral("https://localhost:%1%2").arg(m_server->app().httpPort()).arg(path)));
        req.setSslConfiguration(m_server->sslConfiguration());
        if (!body.isEmpty() || method != "GET")
            req.setRawHeader("Content-Type", "application/json");
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token);
        if (!tenantHeader.isEmpty())
            req.setRawHeader("X-Fleetdeck-Tenant", tenantHeader.toLatin1());
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, body);
        bool done = false;
        connect(reply, &QNetworkReply::finished, this, [&] { done = true; });
        waitFor([&] { return done; }, 30000);
        HttpReply out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        reply->deleteLater();
        return out;
    }
    HttpReply callJson(const QByteArray &method, const QString &path, const QByteArray &token, const QJsonObject &body, const QString &tenantHeader = {})
    {
        return call(method, path, token, QJsonDocument(body).toJson(QJsonDocument::Compact), tenantHeader);
    }

    QByteArray login(const QString &email, const QString &password)
    {
        const HttpReply r = callJson("POST", QStringLiteral("/v1/auth/login"), {}, {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
        if (r.status != 200)
            qWarning() << "login of" << email << "failed:" << r.status << r.body;
        return r.json().value(QStringLiteral("token")).toString().toLatin1();
    }

    /// A fresh tenant A with a user of each tenant role, a tenant B with its admin, all logged in.
    bool buildWorld(World &w)
    {
        w = World();
        const int n = ++m_seq;
        const QByteArray admin = login(QStringLiteral("admin@localhost"), m_server->adminPassword());
        if (admin.isEmpty())
            return false;
        auto tenant = [&](const QString &name) {
            return callJson("POST", QStringLiteral("/v1/tenants"), admin, {{QStringLiteral("name"), name}}).json().value(QStringLiteral("tenant_id")).toString();
        };
        w.tenantA = tenant(QStringLiteral("matrix-a-%1").arg(n));
        w.tenantB = tenant(QStringLiteral("matrix-b-%1").arg(n));
        if (w.tenantA.isEmpty() || w.tenantB.isEmpty())
            return false;
        w.idsOfA << w.tenantA;
        w.actors << Actor{QStringLiteral("platform-admin"), Role::PlatformAdmin, false, admin, {}};
        const QString password = QStringLiteral("matrix password %1").arg(n);
        for (const auto &[name, role, foreign] : {std::tuple{QStringLiteral("tenant-admin"), Role::TenantAdmin, false},
                                                  std::tuple{QStringLiteral("operator"), Role::Operator, false},
                                                  std::tuple{QStringLiteral("viewer"), Role::Viewer, false},
                                                  std::tuple{QStringLiteral("foreign tenant-admin"), Role::TenantAdmin, true}}) {
            const QString email = QStringLiteral("%1-%2@matrix.test").arg(QString(name).replace(u' ', u'-')).arg(n);
            const HttpReply u = callJson("POST", QStringLiteral("/v1/users"), admin,
                                         {{QStringLiteral("email"), email}, {QStringLiteral("password"), password},
                                          {QStringLiteral("role"), roleName(role)}, {QStringLiteral("tenant_id"), foreign ? w.tenantB : w.tenantA}});
            if (u.status != 201) {
                qWarning() << "user" << email << u.status << u.body;
                return false;
            }
            Actor a{name, role, foreign, login(email, password), u.json().value(QStringLiteral("user_id")).toString()};
            if (a.token.isEmpty())
                return false;
            if (!foreign)
                w.idsOfA << a.userId;
            w.actors << a;
        }
        return true;
    }

    const Actor &actorNamed(const World &w, const QString &name)
    {
        for (const Actor &a : w.actors)
            if (a.name == name)
                return a;
        return w.actors.first();
    }

    /// A real object of tenant A for a path parameter, made fresh for each request (the request may delete it).
    std::optional<QString> fixture(World &w, const QString &param, const Actor &actor)
    {
        const Actor &admin = w.actors.first();
        if (param == u"tenant_id")
            return w.tenantA;
        if (param == u"device_id") {
            const HttpReply r = callJson("POST", QStringLiteral("/v1/devices"), admin.token,
                                         {{QStringLiteral("serial_number"), QStringLiteral("MX-%1").arg(++m_seq)}, {QStringLiteral("device_type"), QStringLiteral("matrix")}},
                                         w.tenantA);
            const QString id = r.json().value(QStringLiteral("device_id")).toString();
            w.idsOfA << id;
            return id;
        }
        if (param == u"device_type") {
            // A type of its own, made by registering a device of it in tenant A (in another tenant it does not exist).
            const QString type = QStringLiteral("matrix-type-%1").arg(++m_seq);
            const HttpReply r = callJson("POST", QStringLiteral("/v1/devices"), admin.token,
                                         {{QStringLiteral("serial_number"), QStringLiteral("MT-%1").arg(m_seq)}, {QStringLiteral("device_type"), type}},
                                         w.tenantA);
            if (r.status != 201)
                return QString();
            w.idsOfA << r.json().value(QStringLiteral("device_id")).toString();
            return type;
        }
        if (param == u"command_id" || param == u"job_id") {
            // A command to a fresh device of A (it stays queued: the device never connects), or a job of one.
            const auto device = fixture(w, QStringLiteral("device_id"), actor);
            if (!device)
                return std::nullopt;
            const bool job = param == u"job_id";
            const QJsonObject body = job ? QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")},
                                                       {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray{*device}}}}}
                                         : QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")}};
            const HttpReply r = callJson("POST", job ? QStringLiteral("/v1/commands") : QStringLiteral("/v1/devices/%1/commands").arg(*device),
                                         admin.token, body, w.tenantA);
            const QString id = r.json().value(job ? QStringLiteral("job_id") : QStringLiteral("command_id")).toString();
            w.idsOfA << id;
            return id;
        }
        if (param == u"rule_id" || param == u"alert_id") {
            // A rule of A over a fresh device of A that never connected: "offline for 0 s" raises its alert at once.
            const auto device = fixture(w, QStringLiteral("device_id"), actor);
            if (!device)
                return std::nullopt;
            const QJsonObject rule{{QStringLiteral("name"), QStringLiteral("matrix rule %1").arg(++m_seq)},
                                   {QStringLiteral("scope"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray{*device}}}},
                                   {QStringLiteral("condition"), QJsonObject{{QStringLiteral("type"), QStringLiteral("offline")}, {QStringLiteral("seconds"), 0}}},
                                   {QStringLiteral("actions"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("alert")}, {QStringLiteral("severity"), QStringLiteral("minor")}}}}};
            const HttpReply r = callJson("POST", QStringLiteral("/v1/rules"), admin.token, rule, w.tenantA);
            const QString ruleId = r.json().value(QStringLiteral("id")).toString();
            w.idsOfA << ruleId;
            if (param == u"rule_id" || ruleId.isEmpty())
                return ruleId;
            const HttpReply alerts = call("GET", QStringLiteral("/v1/alerts?rule_id=%1").arg(ruleId), admin.token, {}, w.tenantA);
            const QString id = alerts.json().value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("id")).toString();
            w.idsOfA << id;
            return id;
        }
        if (param == u"channel_id" || param == u"policy_id" || param == u"delivery_id") {
            // A webhook channel of A (to a closed loopback port: its test deliveries wait), a policy sending to it, a delivery of its test.
            const HttpReply c = callJson("POST", QStringLiteral("/v1/notification-channels"), admin.token,
                                         {{QStringLiteral("name"), QStringLiteral("matrix channel %1").arg(++m_seq)}, {QStringLiteral("kind"), QStringLiteral("webhook")},
                                          {QStringLiteral("config"), QJsonObject{{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:9/hook")}}}},
                                         w.tenantA);
            const QString channel = c.json().value(QStringLiteral("id")).toString();
            w.idsOfA << channel;
            if (param == u"channel_id" || channel.isEmpty())
                return channel;
            if (param == u"delivery_id") {
                const HttpReply t = callJson("POST", QStringLiteral("/v1/notification-channels/%1/test").arg(channel), admin.token, {}, w.tenantA);
                const QString id = t.json().value(QStringLiteral("id")).toString();
                w.idsOfA << id;
                return id;
            }
            const HttpReply p = callJson("POST", QStringLiteral("/v1/notification-policies"), admin.token,
                                         {{QStringLiteral("name"), QStringLiteral("matrix policy %1").arg(++m_seq)}, {QStringLiteral("channel_ids"), QJsonArray{channel}}},
                                         w.tenantA);
            const QString id = p.json().value(QStringLiteral("id")).toString();
            w.idsOfA << id;
            return id;
        }
        if (param == u"firmware_id") {
            // A firmware entry of A awaiting its image (the image itself travels on the transfer listener).
            const HttpReply r = callJson("POST", QStringLiteral("/v1/firmware"), admin.token,
                                         {{QStringLiteral("device_type"), QStringLiteral("matrix")},
                                          {QStringLiteral("version"), QStringLiteral("1.0.%1").arg(++m_seq)},
                                          {QStringLiteral("size"), 1024}},
                                         w.tenantA);
            const QString id = r.json().value(QStringLiteral("id")).toString();
            w.idsOfA << id;
            return id;
        }
        if (param == u"rollout_id") {
            // A rollout of A of a ready image to a fresh device of A that never connects (it stays pending). The image
            // is put in through the repository itself: its bytes travel on the transfer listener, not this API.
            const auto device = fixture(w, QStringLiteral("device_id"), actor);
            const auto firmware = fixture(w, QStringLiteral("firmware_id"), actor);
            if (!device || !firmware)
                return std::nullopt;
            Principal owner;
            owner.tenantId = w.tenantA;
            owner.role = Role::TenantAdmin;
            owner.email = QStringLiteral("matrix@fixture");
            auto upload = m_server->app().firmware().beginUpload(owner, *firmware, 1024);
            if (!upload || !(*upload)->write(QByteArray(1024, 'x')) || !m_server->app().firmware().finishUpload(std::move(*upload)))
                return std::nullopt;
            const HttpReply r = callJson("POST", QStringLiteral("/v1/firmware/updates"), admin.token,
                                         {{QStringLiteral("firmware_id"), *firmware}, {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray{*device}}}}},
                                         w.tenantA);
            const QString id = r.json().value(QStringLiteral("id")).toString();
            w.idsOfA << id;
            return id;
        }
        if (param == u"window_id") {
            // A maintenance window of A in the future, over a device type of its own (it suppresses nothing).
            const HttpReply r = callJson("POST", QStringLiteral("/v1/maintenance-windows"), admin.token,
                                         {{QStringLiteral("name"), QStringLiteral("matrix window %1").arg(++m_seq)},
                                          {QStringLiteral("starts_at"), QStringLiteral("2030-01-10T06:00:00Z")},
                                          {QStringLiteral("ends_at"), QStringLiteral("2030-01-10T10:00:00Z")},
                                          {QStringLiteral("scope"), QJsonObject{{QStringLiteral("device_type"), QStringLiteral("matrix")}}}},
                                         w.tenantA);
            const QString id = r.json().value(QStringLiteral("id")).toString();
            w.idsOfA << id;
            return id;
        }
        if (param == u"user_id") {
            const HttpReply r = callJson("POST", QStringLiteral("/v1/users"), admin.token,
                                         {{QStringLiteral("email"), QStringLiteral("fixture-%1@matrix.test").arg(++m_seq)},
                                          {QStringLiteral("password"), QStringLiteral("fixture password 1")}, {QStringLiteral("role"), QStringLiteral("viewer")}},
                                         w.tenantA);
            const QString id = r.json().value(QStringLiteral("user_id")).toString();
            w.idsOfA << id;
            return id;
        }
        if (param == u"token_id") {
            // The caller's own token when it lives in tenant A; otherwise one of A's admin.
            const Actor &owner = actor.foreign || actor.role == Role::PlatformAdmin ? actorNamed(w, QStringLiteral("tenant-admin")) : actor;
            const HttpReply r = callJson("POST", QStringLiteral("/v1/tokens"), owner.token,
                                         {{QStringLiteral("name"), QStringLiteral("matrix")}, {QStringLiteral("role"), QStringLiteral("viewer")}});
            const QString id = r.json().value(QStringLiteral("token_id")).toString();
            w.idsOfA << id;
            return id;
        }
        return std::nullopt;
    }

    /// The request body documented for a route (its OpenAPI example), or empty.
    QByteArray exampleBody(const Api::Route &route)
    {
        const QJsonObject content = m_spec.value(QStringLiteral("paths")).toObject().value(route.pattern).toObject()
                                        .value(QString::fromLatin1(route.method).toLower()).toObject()
                                        .value(QStringLiteral("requestBody")).toObject().value(QStringLiteral("content")).toObject()
                                        .value(QStringLiteral("application/json")).toObject();
        QJsonValue example = content.value(QStringLiteral("example"));
        if (example.isUndefined()) {
            const QJsonObject examples = content.value(QStringLiteral("examples")).toObject();
            if (!examples.isEmpty())
                example = (examples.end() - 1).value().toObject().value(QStringLiteral("value"));
        }
        return example.isObject() ? QJsonDocument(example.toObject()).toJson(QJsonDocument::Compact) : QByteArray();
    }

    static QStringList pathParameters(const Api::Route &route)
    {
        QStringList out;
        for (const QString &seg : route.segments)
            if (seg.startsWith(u'{') && seg.endsWith(u'}'))
                out << seg.mid(1, seg.size() - 2);
        return out;
    }

    static bool routerDenied(const HttpReply &r)
    {
        return r.status == 403 && r.json().value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("your role ("));
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_spec = QJsonDocument::fromJson(Api::RestApi::openApiDocument()).object();
        QVERIFY(!m_spec.isEmpty());
    }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend == u"postgresql" && !PgDatabase::available())
            QSKIP("FLEETDECK_TEST_PG_URL is not set (./test.sh starts PostgreSQL and sets it)");
        m_server = std::make_unique<TestServer>(backend);
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    }

    void cleanup() { m_server.reset(); }

    void everyRouteHasAPolicy()
    {
        const auto &routes = m_server->app().router().routes();
        QVERIFY(routes.size() >= 20);
        for (const Api::Route &r : routes)
            QVERIFY2(Policy::isKnown(r.action), qPrintable(QStringLiteral("%1 %2 names action \"%3\", which has no policy in auth/policy.cpp")
                                                                 .arg(QString::fromLatin1(r.method), r.pattern, r.action)));
    }

    void everyRouteHasTheIntendedRole()
    {
        // What each role is for, written out here and not derived from policy.cpp: the lowest role that may call
        // each route ("public" = no token; "self" = anyone signed in, for their own things). A route missing here
        // fails the test, so a new route gets a deliberate decision.
        static const QHash<QString, QString> lowest{
            {QStringLiteral("POST /v1/auth/login"), QStringLiteral("public")},
            {QStringLiteral("GET /v1/health"), QStringLiteral("public")},
            {QStringLiteral("GET /v1/openapi.json"), QStringLiteral("public")},
            {QStringLiteral("POST /v1/auth/logout"), QStringLiteral("self")},
            {QStringLiteral("POST /v1/auth/refresh"), QStringLiteral("self")},
            {QStringLiteral("GET /v1/auth/me"), QStringLiteral("self")},
            {QStringLiteral("POST /v1/auth/password"), QStringLiteral("self")},
            {QStringLiteral("GET /v1/tokens"), QStringLiteral("self")},
            {QStringLiteral("POST /v1/tokens"), QStringLiteral("self")},
            {QStringLiteral("DELETE /v1/tokens/{token_id}"), QStringLiteral("self")},
            // Viewers read.
            {QStringLiteral("GET /v1/tenants/{tenant_id}"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/devices"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/devices/{device_id}"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/devices/{device_id}/telemetry"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/devices/{device_id}/telemetry/rejects"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/tenants/{tenant_id}/telemetry/latest"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/device-types/{device_type}/telemetry-schema"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/devices/{device_id}/commands"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/commands/{command_id}"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/command-jobs"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/command-jobs/{job_id}"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/devices/{device_id}/config"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/rules"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/notification-channels"), QStringLiteral("operator")},
            {QStringLiteral("GET /v1/notification-channels/{channel_id}"), QStringLiteral("operator")},
            {QStringLiteral("GET /v1/notification-policies"), QStringLiteral("operator")},
            {QStringLiteral("GET /v1/notification-policies/{policy_id}"), QStringLiteral("operator")},
            {QStringLiteral("GET /v1/notification-deliveries"), QStringLiteral("operator")},
            {QStringLiteral("GET /v1/notification-deliveries/{delivery_id}"), QStringLiteral("operator")},
            {QStringLiteral("GET /v1/rules/{rule_id}"), QStringLiteral("viewer")},
            {QStringLiteral("POST /v1/rules/backtest"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/alerts"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/alerts/{alert_id}"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/alerts/kpis"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/maintenance-windows"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/maintenance-windows/{window_id}"), QStringLiteral("viewer")},
            // Operators plan maintenance (its alerts are suppressed by design, not hidden: they stay listed).
            {QStringLiteral("POST /v1/maintenance-windows"), QStringLiteral("operator")},
            {QStringLiteral("PATCH /v1/maintenance-windows/{window_id}"), QStringLiteral("operator")},
            {QStringLiteral("DELETE /v1/maintenance-windows/{window_id}"), QStringLiteral("operator")},
            // Operators answer alerts: acknowledge, clear what returned to normal, assign.
            {QStringLiteral("POST /v1/alerts/{alert_id}/acknowledge"), QStringLiteral("operator")},
            {QStringLiteral("POST /v1/alerts/{alert_id}/clear"), QStringLiteral("operator")},
            {QStringLiteral("POST /v1/alerts/{alert_id}/assign"), QStringLiteral("operator")},
            // Operators run the fleet: commands, the twin's desired state, suspending and resuming a device.
            {QStringLiteral("POST /v1/devices/{device_id}/commands"), QStringLiteral("operator")},
            {QStringLiteral("POST /v1/commands"), QStringLiteral("operator")},
            {QStringLiteral("POST /v1/commands/{command_id}/cancel"), QStringLiteral("operator")},
            {QStringLiteral("PUT /v1/devices/{device_id}/config"), QStringLiteral("operator")},
            {QStringLiteral("POST /v1/devices/{device_id}/suspend"), QStringLiteral("operator")},
            {QStringLiteral("POST /v1/devices/{device_id}/resume"), QStringLiteral("operator")},
            // Tenant admins shape it: registration, metadata, schemas, decommissioning (irreversible), people, audit.
            {QStringLiteral("POST /v1/devices"), QStringLiteral("tenant-admin")},
            {QStringLiteral("PATCH /v1/devices/{device_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/devices/{device_id}/decommission"), QStringLiteral("tenant-admin")},
            {QStringLiteral("PUT /v1/device-types/{device_type}/telemetry-schema"), QStringLiteral("tenant-admin")},
            {QStringLiteral("DELETE /v1/device-types/{device_type}/telemetry-schema"), QStringLiteral("tenant-admin")},
            {QStringLiteral("GET /v1/users"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/users"), QStringLiteral("tenant-admin")},
            {QStringLiteral("GET /v1/users/{user_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("PATCH /v1/users/{user_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("DELETE /v1/users/{user_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/users/{user_id}/password"), QStringLiteral("tenant-admin")},
            {QStringLiteral("GET /v1/users/{user_id}/export"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/users/{user_id}/erase"), QStringLiteral("tenant-admin")},
            {QStringLiteral("GET /v1/audit"), QStringLiteral("tenant-admin")},
            // Rules are the organisation's alarm philosophy; shelving takes a supervisor (ISA-18.2).
            {QStringLiteral("POST /v1/rules"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/rules/validate"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/notification-channels"), QStringLiteral("tenant-admin")},
            {QStringLiteral("PATCH /v1/notification-channels/{channel_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("DELETE /v1/notification-channels/{channel_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/notification-channels/{channel_id}/test"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/notification-policies"), QStringLiteral("tenant-admin")},
            {QStringLiteral("PATCH /v1/notification-policies/{policy_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("DELETE /v1/notification-policies/{policy_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/notification-deliveries/{delivery_id}/retry"), QStringLiteral("tenant-admin")},
            {QStringLiteral("PATCH /v1/rules/{rule_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("DELETE /v1/rules/{rule_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/alerts/{alert_id}/shelve"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/alerts/{alert_id}/unshelve"), QStringLiteral("tenant-admin")},
            // Firmware: everyone reads the repository; admins add, change and delete images and issue download links.
            {QStringLiteral("GET /v1/firmware"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/firmware/signing-key"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/firmware/{firmware_id}"), QStringLiteral("viewer")},
            {QStringLiteral("POST /v1/firmware"), QStringLiteral("tenant-admin")},
            {QStringLiteral("PATCH /v1/firmware/{firmware_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("DELETE /v1/firmware/{firmware_id}"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/firmware/{firmware_id}/download-url"), QStringLiteral("tenant-admin")},
            {QStringLiteral("GET /v1/firmware/updates"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/firmware/updates/{rollout_id}"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/firmware/updates/{rollout_id}/devices"), QStringLiteral("viewer")},
            {QStringLiteral("GET /v1/devices/{device_id}/firmware-history"), QStringLiteral("viewer")},
            {QStringLiteral("POST /v1/firmware/updates"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/firmware/updates/{rollout_id}/pause"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/firmware/updates/{rollout_id}/resume"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/firmware/updates/{rollout_id}/abort"), QStringLiteral("tenant-admin")},
            {QStringLiteral("POST /v1/firmware/updates/{rollout_id}/rollback"), QStringLiteral("tenant-admin")},
            // The platform's own administrators: tenants.
            {QStringLiteral("GET /v1/tenants"), QStringLiteral("platform-admin")},
            {QStringLiteral("POST /v1/tenants"), QStringLiteral("platform-admin")},
            {QStringLiteral("PATCH /v1/tenants/{tenant_id}"), QStringLiteral("platform-admin")},
            {QStringLiteral("POST /v1/tenants/{tenant_id}/deactivate"), QStringLiteral("platform-admin")},
        };
        for (const Api::Route &r : m_server->app().router().routes()) {
            const QString key = QString::fromLatin1(r.method) + u' ' + r.pattern;
            QVERIFY2(lowest.contains(key), qPrintable(QStringLiteral("%1 (action %2) has no intended role in this test").arg(key, r.action)));
            const QString min = lowest.value(key);
            if (min == u"public") {
                QCOMPARE(r.action, Policy::kPublic);
                continue;
            }
            for (const Role role : {Role::PlatformAdmin, Role::TenantAdmin, Role::Operator, Role::Viewer}) {
                const bool intended = min == u"self" || Policy::rank(role) >= Policy::rank(*roleFromName(min));
                QVERIFY2(Policy::allows(role, r.action) == intended,
                         qPrintable(QStringLiteral("%1 (action %2): %3 should %4 be allowed").arg(key, r.action, roleName(role), intended ? QString() : QStringLiteral("not"))));
            }
        }
    }

    void everyRouteForEveryRole()
    {
        World w;
        QVERIFY(buildWorld(w));
        int checked = 0;
        for (const Api::Route &route : m_server->app().router().routes()) {
            const QString label = QString::fromLatin1(route.method) + u' ' + route.pattern;
            QVERIFY2(Policy::isKnown(route.action), qPrintable(label + QStringLiteral(": no policy")));
            const QStringList params = pathParameters(route);
            const QByteArray body = exampleBody(route);

            // Nobody: public routes answer, everything else wants a token.
            {
                QString path = route.pattern;
                for (const QString &p : params)
                    path.replace(u'{' + p + u'}', QStringLiteral("00000000-0000-4000-8000-000000000000"));
                const HttpReply r = call(route.method, path, {}, route.action == Policy::kPublic ? QByteArray() : body);
                if (route.action == Policy::kPublic) {
                    QVERIFY2(r.status < 500 && !r.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("needs \"Authorization")),
                             qPrintable(label + QStringLiteral(" without a token: ") + QString::number(r.status)));
                    continue; // public routes are the same for everyone
                }
                QVERIFY2(r.status == 401, qPrintable(label + QStringLiteral(" without a token: %1").arg(r.status)));
            }

            for (int i = 0; i < w.actors.size(); ++i) {
                const Actor actor = w.actors.at(i);
                QString path = route.pattern;
                for (const QString &p : params) {
                    const auto id = fixture(w, p, actor);
                    QVERIFY2(id, qPrintable(QStringLiteral("%1: no fixture for path parameter {%2}; teach tst_authz.cpp to make one").arg(label, p)));
                    QVERIFY2(!id->isEmpty(), qPrintable(QStringLiteral("%1: making a {%2} failed").arg(label, p)));
                    path.replace(u'{' + p + u'}', *id);
                }
                const QString tenantHeader = actor.role == Role::PlatformAdmin ? w.tenantA : QString();
                const HttpReply r = call(route.method, path, actor.token, body, tenantHeader);
                const QString what = QStringLiteral("%1 as %2 (action %3): %4 %5").arg(label, actor.name, route.action).arg(r.status)
                                         .arg(QString::fromUtf8(r.body.left(300)));
                QVERIFY2(r.status < 500, qPrintable(what));
                QVERIFY2(r.status != 401, qPrintable(what));
                if (!Policy::allows(actor.role, route.action)) {
                    QVERIFY2(routerDenied(r), qPrintable(QStringLiteral("expected 403 from the policy: ") + what));
                } else if (actor.foreign) {
                    QVERIFY2(!routerDenied(r), qPrintable(what));
                    if (!params.isEmpty()) {
                        // Another tenant's object does not exist for this caller.
                        QVERIFY2(r.status == 404, qPrintable(QStringLiteral("expected 404 for another tenant's object: ") + what));
                    } else {
                        for (const QString &id : std::as_const(w.idsOfA))
                            QVERIFY2(!r.body.contains(id.toLatin1()), qPrintable(QStringLiteral("tenant A's id %1 leaked: ").arg(id) + what));
                    }
                } else {
                    QVERIFY2(!routerDenied(r) && r.status != 404 && r.status != 405, qPrintable(QStringLiteral("expected to be allowed: ") + what));
                }
                ++checked;
                // A change may have logged someone out, deactivated tenant A or deleted a fixture: start afresh.
                if (route.method != "GET" && r.status >= 200 && r.status < 300)
                    QVERIFY(buildWorld(w));
            }
        }
        qInfo() << "checked" << checked << "route x caller combinations";
        QVERIFY(checked > 100);
    }

    void platformAdminActsInAnotherTenantOnlyExplicitly()
    {
        World w;
        QVERIFY(buildWorld(w));
        const Actor &pa = w.actors.first();
        const QString device = *fixture(w, QStringLiteral("device_id"), pa);
        QCOMPARE(call("GET", QStringLiteral("/v1/devices/") + device, pa.token).status, 404);
        QCOMPARE(call("GET", QStringLiteral("/v1/devices/") + device, pa.token, {}, w.tenantA).status, 200);
        const HttpReply list = call("GET", QStringLiteral("/v1/devices"), pa.token, {}, w.tenantA);
        QCOMPARE(list.json().value(QStringLiteral("items")).toArray().size(), 1);
        // The header names an existing tenant, or 404.
        QCOMPARE(call("GET", QStringLiteral("/v1/devices"), pa.token, {}, QStringLiteral("5d7e0c1e-0000-4000-8000-000000000000")).status, 404);
        // Nobody else may use it to cross into another tenant.
        const Actor &foreign = w.actors.last();
        QVERIFY(foreign.foreign);
        QCOMPARE(call("GET", QStringLiteral("/v1/devices/") + device, foreign.token, {}, w.tenantA).status, 403);
        QCOMPARE(call("GET", QStringLiteral("/v1/devices"), foreign.token, {}, w.tenantB).status, 200); // naming one's own is fine
        // Me says where the request acted.
        const QJsonObject me = call("GET", QStringLiteral("/v1/auth/me"), pa.token, {}, w.tenantA).json();
        QCOMPARE(me.value(QStringLiteral("acting_tenant_id")).toString(), w.tenantA);
        QVERIFY(me.value(QStringLiteral("tenant_id")).toString() != w.tenantA);
    }
};

QTEST_GUILESS_MAIN(TestAuthz)
#include "tst_authz.moc"
