// Tenants, users, sessions, API tokens, throttling, quotas, the audit log and personal data, against a real server
// on SQLite and on PostgreSQL; and that no secret reaches a log line.
#include "auth/authservice.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QStandardPaths>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString detail() const { return json().value(QStringLiteral("detail")).toString(); }
};

QStringList g_log;
QtMessageHandler g_previous = nullptr;
void captureLog(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    g_log << QStringLiteral("%1: %2").arg(QString::fromLatin1(ctx.category ? ctx.category : "default"), msg);
    if (g_previous && type != QtDebugMsg)
        g_previous(type, ctx, msg);
}

} // namespace

class TestTenants : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QNetworkAccessManager m_nam;
    QByteArray m_admin;
    int m_seq = 0;

    Reply call(TestServer &server, const QByteArray &method, const QString &path, const QByteArray &token, const QJsonObject &body = {},
               const QString &tenant = {})
    {
        QNetworkRequest req(QUrl(QStringLiteral("https://localhost:%1%2").arg(server.app().httpPort()).arg(path)));
        req.setSslConfiguration(server.sslConfiguration());
        req.setRawHeader("Content-Type", "application/json");
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token);
        if (!tenant.isEmpty())
            req.setRawHeader("X-Fleetdeck-Tenant", tenant.toLatin1());
        const QByteArray payload = method == "GET" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, payload);
        bool done = false;
        connect(reply, &QNetworkReply::finished, this, [&] { done = true; });
        waitFor([&] { return done; }, 30000);
        Reply out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        for (const auto &h : reply->rawHeaderPairs())
            out.headers.insert(h.first.toLower(), h.second);
        reply->deleteLater();
        return out;
    }
    Reply call(const QByteArray &method, const QString &path, const QByteArray &token, const QJsonObject &body = {}, const QString &tenant = {})
    {
        return call(*m_server, method, path, token, body, tenant);
    }
    Reply login(const QString &email, const QString &password)
    {
        return call("POST", QStringLiteral("/v1/auth/login"), {}, {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    }
    QByteArray tokenOf(const Reply &r) { return r.json().value(QStringLiteral("token")).toString().toLatin1(); }

    QString makeTenant(const QJsonObject &extra = {})
    {
        QJsonObject body{{QStringLiteral("name"), QStringLiteral("tenant-%1").arg(++m_seq)}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        const Reply r = call("POST", QStringLiteral("/v1/tenants"), m_admin, body);
        if (r.status != 201)
            qWarning() << "tenant:" << r.status << r.body;
        return r.json().value(QStringLiteral("tenant_id")).toString();
    }
    /// A user in `tenant`; returns {user_id, token}.
    std::pair<QString, QByteArray> makeUser(const QString &tenant, const QString &role, const QString &email, const QString &password)
    {
        const Reply r = call("POST", QStringLiteral("/v1/users"), m_admin,
                             {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}, {QStringLiteral("role"), role},
                              {QStringLiteral("tenant_id"), tenant}, {QStringLiteral("display_name"), QStringLiteral("Person %1").arg(++m_seq)}});
        if (r.status != 201)
            qWarning() << "user:" << r.status << r.body;
        return {r.json().value(QStringLiteral("user_id")).toString(), tokenOf(login(email, password))};
    }
    QJsonArray auditItems(const QString &query, const QString &tenant)
    {
        const Reply r = call("GET", QStringLiteral("/v1/audit?") + query, m_admin, {}, tenant);
        if (r.status != 200)
            qWarning() << "audit:" << r.status << r.body;
        return r.json().value(QStringLiteral("items")).toArray();
    }
    struct Direct
    {
        bool answered = false;
        bool ok = false;
        LoginThrottle throttle;
        QString message;
    };
    /// A login straight through AuthService with a chosen source address (loopback cannot come from many networks).
    std::shared_ptr<Direct> startLogin(const QString &email, const QString &password, const QString &source)
    {
        auto out = std::make_shared<Direct>();
        m_server->app().auth().login(email, password, source, [out](Result<Session> s, LoginThrottle t) {
            out->answered = true;
            out->ok = bool(s);
            out->throttle = t;
            out->message = s ? QString() : s.error().message;
        });
        return out;
    }
    Direct loginFrom(const QString &email, const QString &password, const QString &source)
    {
        auto d = startLogin(email, password, source);
        waitFor([&] { return d->answered; }, 30000);
        return *d;
    }
    QSet<QString> auditActions(const QString &tenant)
    {
        QSet<QString> actions;
        for (const QJsonValue &v : auditItems(QStringLiteral("limit=1000"), tenant))
            actions << v.toObject().value(QStringLiteral("action")).toString();
        return actions;
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend == u"postgresql" && !PgDatabase::available())
            QSKIP("FLEETDECK_TEST_PG_URL is not set (./test.sh starts PostgreSQL and sets it)");
        m_server = std::make_unique<TestServer>(backend);
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        m_admin = tokenOf(login(QStringLiteral("admin@localhost"), m_server->adminPassword()));
        QVERIFY(!m_admin.isEmpty());
    }

    void cleanup() { m_server.reset(); }

    void lockoutPerAccountAndPerAddress()
    {
        m_server->app().auth().setThrottlePolicy({3, 6, 60, 2});
        const QString tenant = makeTenant();
        makeUser(tenant, QStringLiteral("operator"), QStringLiteral("locky@t.test"), QStringLiteral("the right password"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(login(QStringLiteral("locky@t.test"), QStringLiteral("a wrong password")).status, 401);
        // Locked: even the right password is refused, with the time to wait.
        Reply locked = login(QStringLiteral("Locky@T.test"), QStringLiteral("the right password"));
        QCOMPARE(locked.status, 423);
        QVERIFY(locked.headers.value("content-type").startsWith("application/problem+json"));
        QVERIFY2(locked.detail().contains(QStringLiteral("temporarily locked")), qPrintable(locked.detail()));
        const int retry = locked.headers.value("retry-after").toInt();
        QVERIFY2(retry >= 1 && retry <= 2, locked.headers.value("retry-after").constData());
        QTest::qWait(2100);
        QCOMPARE(login(QStringLiteral("locky@t.test"), QStringLiteral("the right password")).status, 200);
        // A success resets the account's count: two more failures do not lock it.
        for (int i = 0; i < 2; ++i)
            QCOMPARE(login(QStringLiteral("locky@t.test"), QStringLiteral("a wrong password")).status, 401);
        QCOMPARE(login(QStringLiteral("locky@t.test"), QStringLiteral("the right password")).status, 200);

        // Per address: failures spread over accounts (3 + 2 above + 1 here = 6) throttle the address for every account.
        QCOMPARE(login(QStringLiteral("nobody@t.test"), QStringLiteral("guess")).status, 401);
        Reply throttled = login(QStringLiteral("admin@localhost"), m_server->adminPassword());
        QCOMPARE(throttled.status, 429);
        QVERIFY(throttled.headers.value("retry-after").toInt() >= 1);
        QVERIFY2(throttled.detail().contains(QStringLiteral("your network")), qPrintable(throttled.detail()));
        QTest::qWait(2100);
        QCOMPARE(login(QStringLiteral("admin@localhost"), m_server->adminPassword()).status, 200);

        const QSet<QString> actions = auditActions(QString());
        QVERIFY(actions.contains(QStringLiteral("auth.lockout")));
        QVERIFY(actions.contains(QStringLiteral("auth.login_refused")));
        QVERIFY(actions.contains(QStringLiteral("auth.login_failed")));
    }

    void strangersCannotLockTheOwnerOut()
    {
        m_server->app().auth().setThrottlePolicy({3, 100, 600, 600, 600, 90});
        const QString tenant = makeTenant();
        makeUser(tenant, QStringLiteral("operator"), QStringLiteral("owner@t.test"), QStringLiteral("the owner's password"));
        const QString home = QStringLiteral("198.51.100.7");
        QVERIFY(loginFrom(QStringLiteral("owner@t.test"), QStringLiteral("the owner's password"), home).ok); // home is now known

        // Strangers on other networks fail on the account until it backs off for them...
        for (const QString &net : {QStringLiteral("203.0.113.5"), QStringLiteral("2001:db8:1::5"), QStringLiteral("2001:db8:2::5")})
            QVERIFY(!loginFrom(QStringLiteral("owner@t.test"), QStringLiteral("a guess"), net).ok);
        const Direct stranger = loginFrom(QStringLiteral("owner@t.test"), QStringLiteral("the owner's password"), QStringLiteral("192.0.2.9"));
        QVERIFY(!stranger.ok);
        QCOMPARE(stranger.throttle.kind, LoginThrottle::Kind::Account);
        QCOMPARE(stranger.throttle.retryAfterS, qint64(600));
        // ...while the owner, from the network they logged in from before, still gets in.
        QVERIFY(loginFrom(QStringLiteral("owner@t.test"), QStringLiteral("the owner's password"), home).ok);
        // Failures from the known network count on their own.
        for (int i = 0; i < 3; ++i)
            QVERIFY(!loginFrom(QStringLiteral("owner@t.test"), QStringLiteral("a typo"), home).ok);
        QCOMPARE(loginFrom(QStringLiteral("owner@t.test"), QStringLiteral("the owner's password"), home).throttle.kind, LoginThrottle::Kind::Account);

        // An IPv6 source is its /64: another address in the same /64 is the same network, a known one included.
        QCOMPARE(AuthService::sourceNetwork(QStringLiteral("2001:db8:1:2:aaaa::1")), QStringLiteral("2001:db8:1:2::/64"));
        QCOMPARE(AuthService::sourceNetwork(QStringLiteral("::ffff:192.0.2.1")), QStringLiteral("192.0.2.1"));
        makeUser(tenant, QStringLiteral("viewer"), QStringLiteral("v6@t.test"), QStringLiteral("the v6 password"));
        QVERIFY(loginFrom(QStringLiteral("v6@t.test"), QStringLiteral("the v6 password"), QStringLiteral("2001:db8:5:5::1")).ok);
        for (int i = 0; i < 3; ++i)
            QVERIFY(!loginFrom(QStringLiteral("v6@t.test"), QStringLiteral("wrong"), QStringLiteral("2001:db8:5:5::%1").arg(i + 100)).ok);
        QCOMPARE(loginFrom(QStringLiteral("v6@t.test"), QStringLiteral("the v6 password"), QStringLiteral("2001:db8:5:5::1")).throttle.kind,
                 LoginThrottle::Kind::Account);
        QVERIFY(loginFrom(QStringLiteral("v6@t.test"), QStringLiteral("the v6 password"), QStringLiteral("2001:db8:6::1")).ok);
    }

    void failedLoginsBackOffStepByStep()
    {
        // Waits of 1, 2, 4 s, capped at 4 s.
        m_server->app().auth().setThrottlePolicy({2, 100, 600, 4, 1, 90});
        const QString tenant = makeTenant();
        makeUser(tenant, QStringLiteral("viewer"), QStringLiteral("slow@t.test"), QStringLiteral("the right password"));
        const QString net = QStringLiteral("203.0.113.77");
        QCOMPARE(loginFrom(QStringLiteral("slow@t.test"), QStringLiteral("wrong"), net).throttle.kind, LoginThrottle::Kind::None);
        QVERIFY(!loginFrom(QStringLiteral("slow@t.test"), QStringLiteral("wrong"), net).ok); // the 2nd: waits 1 s
        QCOMPARE(loginFrom(QStringLiteral("slow@t.test"), QStringLiteral("the right password"), net).throttle.retryAfterS, qint64(1));
        QTest::qWait(1100);
        QVERIFY(!loginFrom(QStringLiteral("slow@t.test"), QStringLiteral("wrong"), net).ok); // the 3rd: 2 s
        QCOMPARE(loginFrom(QStringLiteral("slow@t.test"), QStringLiteral("the right password"), net).throttle.retryAfterS, qint64(2));
        QTest::qWait(2100);
        QVERIFY(!loginFrom(QStringLiteral("slow@t.test"), QStringLiteral("wrong"), net).ok); // the 4th: 4 s
        const Direct waiting = loginFrom(QStringLiteral("slow@t.test"), QStringLiteral("the right password"), net);
        QCOMPARE(waiting.throttle.kind, LoginThrottle::Kind::Account);
        QCOMPARE(waiting.throttle.retryAfterS, qint64(4));
        QVERIFY2(waiting.message.contains(QStringLiteral("try again in 4 s")), qPrintable(waiting.message));
    }

    void passwordsAreCheckedOffTheEventLoop()
    {
        auto &auth = m_server->app().auth();
        auth.setMaxHashing(2);
        const QString pw = m_server->adminPassword();
        auto first = startLogin(QStringLiteral("admin@localhost"), pw, QStringLiteral("192.0.2.50"));
        auto second = startLogin(QStringLiteral("nobody-here@t.test"), QStringLiteral("whatever"), QStringLiteral("192.0.2.51"));
        // Both are still being checked when login() returns: the hash runs on a worker, not inside the call.
        QVERIFY(!first->answered);
        QVERIFY(!second->answered);
        QCOMPARE(auth.hashing(), 2);
        // A third beyond the bound is refused at once, with when to retry.
        auto third = startLogin(QStringLiteral("admin@localhost"), pw, QStringLiteral("192.0.2.52"));
        QVERIFY(third->answered);
        QCOMPARE(third->throttle.kind, LoginThrottle::Kind::Busy);
        QCOMPARE(third->throttle.retryAfterS, qint64(1));
        waitFor([&] { return first->answered && second->answered; }, 30000);
        QVERIFY(first->ok);
        QVERIFY(!second->ok);
        QCOMPARE(auth.hashing(), 0);
        // Over HTTPS the busy answer is a 503 with Retry-After; an idle server answers the login itself.
        QCOMPARE(login(QStringLiteral("admin@localhost"), pw).status, 200);
        auth.setMaxHashing(0);
        const Reply busy = login(QStringLiteral("admin@localhost"), pw);
        QCOMPARE(busy.status, 503);
        QCOMPARE(busy.headers.value("retry-after"), QByteArray("1"));
        QVERIFY(busy.headers.value("content-type").startsWith("application/problem+json"));
    }

    void sessionsExpireRefreshAndLogOut()
    {
        m_server->app().auth().setSessionLifetime(2);
        const QByteArray first = tokenOf(login(QStringLiteral("admin@localhost"), m_server->adminPassword()));
        QCOMPARE(call("GET", QStringLiteral("/v1/auth/me"), first).status, 200);
        const Reply refreshed = call("POST", QStringLiteral("/v1/auth/refresh"), first);
        QCOMPARE(refreshed.status, 200);
        const QByteArray second = tokenOf(refreshed);
        QVERIFY(!second.isEmpty() && second != first);
        QCOMPARE(call("GET", QStringLiteral("/v1/auth/me"), first).status, 401);
        QCOMPARE(call("GET", QStringLiteral("/v1/auth/me"), second).status, 200);
        QCOMPARE(call("POST", QStringLiteral("/v1/auth/logout"), second).status, 204);
        const Reply afterLogout = call("GET", QStringLiteral("/v1/auth/me"), second);
        QCOMPARE(afterLogout.status, 401);
        QVERIFY(afterLogout.detail().contains(QStringLiteral("revoked")));
        // Expiry.
        const QByteArray third = tokenOf(login(QStringLiteral("admin@localhost"), m_server->adminPassword()));
        QCOMPARE(call("GET", QStringLiteral("/v1/auth/me"), third).status, 200);
        QTest::qWait(2200);
        const Reply expired = call("GET", QStringLiteral("/v1/auth/me"), third);
        QCOMPARE(expired.status, 401);
        QVERIFY(expired.detail().contains(QStringLiteral("expired")));
        QCOMPARE(call("POST", QStringLiteral("/v1/auth/refresh"), third).status, 401);
        const QSet<QString> actions = auditActions(QString());
        QVERIFY(actions.contains(QStringLiteral("auth.refresh")));
        QVERIFY(actions.contains(QStringLiteral("auth.logout")));
    }

    void apiTokensAreScopedShownOnceHashedAndRevocable()
    {
        const QString tenant = makeTenant();
        const auto [opId, op] = makeUser(tenant, QStringLiteral("operator"), QStringLiteral("op@tok.test"), QStringLiteral("operator password"));
        const auto [op2Id, op2] = makeUser(tenant, QStringLiteral("operator"), QStringLiteral("op2@tok.test"), QStringLiteral("operator password"));
        QCOMPARE(call("POST", QStringLiteral("/v1/tokens"), op, {{QStringLiteral("name"), QStringLiteral("too big")}, {QStringLiteral("role"), QStringLiteral("tenant-admin")}}).status, 403);
        const Reply created = call("POST", QStringLiteral("/v1/tokens"), op,
                                   {{QStringLiteral("name"), QStringLiteral("read-only script")}, {QStringLiteral("role"), QStringLiteral("viewer")},
                                    {QStringLiteral("expires_in_days"), 7}});
        QCOMPARE(created.status, 201);
        const QByteArray secret = tokenOf(created);
        const QString id = created.json().value(QStringLiteral("token_id")).toString();
        QVERIFY(secret.startsWith("fdt_"));
        QCOMPARE(created.json().value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        // Scoped to viewer although its owner is an operator.
        QCOMPARE(call("GET", QStringLiteral("/v1/devices"), secret).status, 200);
        QCOMPARE(call("POST", QStringLiteral("/v1/devices"), secret, {{QStringLiteral("serial_number"), QStringLiteral("X")}, {QStringLiteral("device_type"), QStringLiteral("x")}}).status, 403);
        QCOMPARE(call("GET", QStringLiteral("/v1/auth/me"), secret).json().value(QStringLiteral("credential")).toString(), QStringLiteral("api-token"));
        // Listed without the secret, never shown again; stored as a hash only.
        const Reply list = call("GET", QStringLiteral("/v1/tokens"), op);
        QCOMPARE(list.json().value(QStringLiteral("items")).toArray().size(), 1);
        QVERIFY(!list.body.contains(secret));
        QVERIFY(!list.json().value(QStringLiteral("items")).toArray().first().toObject().contains(QStringLiteral("token")));
        auto row = m_server->app().database().exec(QStringLiteral("SELECT token_hash FROM api_tokens WHERE id = :id"), {{QStringLiteral("id"), id}});
        QVERIFY(row && row->next());
        QCOMPARE(row->value(0).toString(), tokenHash(QString::fromLatin1(secret)));
        QVERIFY(!row->value(0).toString().contains(QString::fromLatin1(secret.mid(4))));
        // Another operator neither sees nor revokes it; the owner does.
        QCOMPARE(call("GET", QStringLiteral("/v1/tokens"), op2).json().value(QStringLiteral("items")).toArray().size(), 0);
        QCOMPARE(call("DELETE", QStringLiteral("/v1/tokens/") + id, op2).status, 404);
        QCOMPARE(call("DELETE", QStringLiteral("/v1/tokens/") + id, op).status, 204);
        const Reply revoked = call("GET", QStringLiteral("/v1/devices"), secret);
        QCOMPARE(revoked.status, 401);
        QVERIFY(revoked.detail().contains(QStringLiteral("revoked")));
        // Expiry.
        const Reply second = call("POST", QStringLiteral("/v1/tokens"), op, {{QStringLiteral("name"), QStringLiteral("short")}});
        QCOMPARE(second.status, 201);
        QCOMPARE(second.json().value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
        QVERIFY(m_server->app().database().exec(QStringLiteral("UPDATE api_tokens SET expires_at = 1 WHERE id = :id"),
                                                {{QStringLiteral("id"), second.json().value(QStringLiteral("token_id")).toString()}}).has_value());
        const Reply expired = call("GET", QStringLiteral("/v1/devices"), tokenOf(second));
        QCOMPARE(expired.status, 401);
        QVERIFY(expired.detail().contains(QStringLiteral("expired")));
        // A demoted owner demotes the token; a deactivated owner stops it.
        const Reply third = call("POST", QStringLiteral("/v1/tokens"), op, {{QStringLiteral("name"), QStringLiteral("third")}});
        QCOMPARE(call("PATCH", QStringLiteral("/v1/users/") + opId, m_admin, {{QStringLiteral("role"), QStringLiteral("viewer")}}, tenant).status, 200);
        QCOMPARE(call("POST", QStringLiteral("/v1/devices"), tokenOf(third), {{QStringLiteral("serial_number"), QStringLiteral("Y")}, {QStringLiteral("device_type"), QStringLiteral("x")}}).status, 403);
        const QSet<QString> actions = auditActions(tenant);
        QVERIFY(actions.contains(QStringLiteral("token.create")));
        QVERIFY(actions.contains(QStringLiteral("token.revoke")));
    }

    void deviceQuotaIsEnforcedAtRegistration()
    {
        const QString tenant = makeTenant({{QStringLiteral("plan"), QStringLiteral("free")},
                                           {QStringLiteral("quotas"), QJsonObject{{QStringLiteral("max_devices"), 2}}}});
        const Reply shown = call("GET", QStringLiteral("/v1/tenants/") + tenant, m_admin);
        QCOMPARE(shown.json().value(QStringLiteral("quotas")).toObject().value(QStringLiteral("max_devices")).toInt(), 2);
        QCOMPARE(shown.json().value(QStringLiteral("quotas")).toObject().value(QStringLiteral("max_telemetry_msgs_per_s")).toInt(), 10); // from the plan
        QCOMPARE(shown.json().value(QStringLiteral("quotas")).toObject().value(QStringLiteral("retention_days")).toInt(), 7);
        const auto [taId, ta] = makeUser(tenant, QStringLiteral("tenant-admin"), QStringLiteral("ta@quota.test"), QStringLiteral("tenant admin password"));
        auto reg = [&](const QString &serial) {
            return call("POST", QStringLiteral("/v1/devices"), ta, {{QStringLiteral("serial_number"), serial}, {QStringLiteral("device_type"), QStringLiteral("x")}});
        };
        const Reply a = reg(QStringLiteral("Q-1"));
        QCOMPARE(a.status, 201);
        QCOMPARE(reg(QStringLiteral("Q-2")).status, 201);
        const Reply over = reg(QStringLiteral("Q-3"));
        QCOMPARE(over.status, 409);
        QVERIFY2(over.detail().contains(QStringLiteral("device quota reached")) && over.detail().contains(QStringLiteral("2 of 2")), qPrintable(over.detail()));
        // A platform admin registering into the tenant meets the same quota.
        QCOMPARE(call("POST", QStringLiteral("/v1/devices"), m_admin, {{QStringLiteral("serial_number"), QStringLiteral("Q-4")}, {QStringLiteral("device_type"), QStringLiteral("x")},
                                                                        {QStringLiteral("tenant_id"), tenant}}).status, 409);
        QCOMPARE(call("GET", QStringLiteral("/v1/tenants/") + tenant, ta).json().value(QStringLiteral("usage")).toObject().value(QStringLiteral("devices")).toInt(), 2);
        // Decommissioned devices do not count; raising the quota helps too.
        QCOMPARE(call("POST", QStringLiteral("/v1/devices/%1/decommission").arg(a.json().value(QStringLiteral("device_id")).toString()), ta).status, 200);
        QCOMPARE(reg(QStringLiteral("Q-3")).status, 201);
        QCOMPARE(reg(QStringLiteral("Q-5")).status, 409);
        QCOMPARE(call("PATCH", QStringLiteral("/v1/tenants/") + tenant, m_admin, {{QStringLiteral("quotas"), QJsonObject{{QStringLiteral("max_devices"), QJsonValue::Null}}}}).status, 200);
        QCOMPARE(reg(QStringLiteral("Q-5")).status, 201);
        // A tenant admin may not change its own quota.
        QCOMPARE(call("PATCH", QStringLiteral("/v1/tenants/") + tenant, ta, {{QStringLiteral("quotas"), QJsonObject{{QStringLiteral("max_devices"), 100}}}}).status, 403);
    }

    void everyKindOfChangeIsAudited()
    {
        const QString tenant = makeTenant({{QStringLiteral("contact_email"), QStringLiteral("ops@audit.test")}});
        QCOMPARE(call("PATCH", QStringLiteral("/v1/tenants/") + tenant, m_admin, {{QStringLiteral("plan"), QStringLiteral("enterprise")}}).status, 200);
        const auto [taId, ta] = makeUser(tenant, QStringLiteral("tenant-admin"), QStringLiteral("ta@audit.test"), QStringLiteral("tenant admin password"));
        const Reply u = call("POST", QStringLiteral("/v1/users"), ta, {{QStringLiteral("email"), QStringLiteral("v@audit.test")}, {QStringLiteral("password"), QStringLiteral("viewer password 1")},
                                                                      {QStringLiteral("role"), QStringLiteral("viewer")}});
        QCOMPARE(u.status, 201);
        const QString viewer = u.json().value(QStringLiteral("user_id")).toString();
        // A tenant admin cannot make a platform admin, nor name another tenant.
        QCOMPARE(call("POST", QStringLiteral("/v1/users"), ta, {{QStringLiteral("email"), QStringLiteral("pa@audit.test")}, {QStringLiteral("password"), QStringLiteral("viewer password 1")},
                                                               {QStringLiteral("role"), QStringLiteral("platform-admin")}}).status, 403);
        QCOMPARE(call("PATCH", QStringLiteral("/v1/users/") + viewer, ta, {{QStringLiteral("role"), QStringLiteral("operator")}}).status, 200);
        const Reply reset = call("POST", QStringLiteral("/v1/users/%1/password").arg(viewer), ta);
        QCOMPARE(reset.status, 200);
        const QString generated = reset.json().value(QStringLiteral("password")).toString();
        QVERIFY(generated.size() >= 12);
        const QByteArray vt = tokenOf(login(QStringLiteral("v@audit.test"), generated));
        QVERIFY(!vt.isEmpty());
        QCOMPARE(call("POST", QStringLiteral("/v1/auth/password"), vt, {{QStringLiteral("current_password"), QStringLiteral("wrong")}, {QStringLiteral("new_password"), QStringLiteral("my own new password")}}).status, 403);
        QCOMPARE(call("POST", QStringLiteral("/v1/auth/password"), vt, {{QStringLiteral("current_password"), generated}, {QStringLiteral("new_password"), QStringLiteral("short")}}).status, 422);
        QCOMPARE(call("POST", QStringLiteral("/v1/auth/password"), vt, {{QStringLiteral("current_password"), generated}, {QStringLiteral("new_password"), QStringLiteral("my own new password")}}).status, 204);
        QCOMPARE(login(QStringLiteral("v@audit.test"), QStringLiteral("my own new password")).status, 200);
        const Reply tok = call("POST", QStringLiteral("/v1/tokens"), ta, {{QStringLiteral("name"), QStringLiteral("t")}});
        QCOMPARE(call("DELETE", QStringLiteral("/v1/tokens/") + tok.json().value(QStringLiteral("token_id")).toString(), ta).status, 204);
        QCOMPARE(call("POST", QStringLiteral("/v1/devices"), ta, {{QStringLiteral("serial_number"), QStringLiteral("A-1")}, {QStringLiteral("device_type"), QStringLiteral("x")}}).status, 201);
        QCOMPARE(login(QStringLiteral("ta@audit.test"), QStringLiteral("not it")).status, 401);
        QCOMPARE(call("POST", QStringLiteral("/v1/auth/logout"), ta).status, 204);
        QCOMPARE(call("DELETE", QStringLiteral("/v1/users/") + viewer, m_admin, {}, tenant).status, 204);
        QCOMPARE(call("GET", QStringLiteral("/v1/users/") + viewer, m_admin, {}, tenant).status, 404);
        QCOMPARE(call("POST", QStringLiteral("/v1/tenants/%1/deactivate").arg(tenant), m_admin).status, 200);
        const Reply refused = login(QStringLiteral("ta@audit.test"), QStringLiteral("tenant admin password"));
        QCOMPARE(refused.status, 401);
        QVERIFY(refused.detail().contains(QStringLiteral("deactivated")));
        QCOMPARE(call("POST", QStringLiteral("/v1/devices"), m_admin, {{QStringLiteral("serial_number"), QStringLiteral("A-2")}, {QStringLiteral("device_type"), QStringLiteral("x")}}, tenant).status, 409);

        const QSet<QString> actions = auditActions(tenant);
        for (const char *expected : {"tenant.create", "tenant.update", "tenant.deactivate", "user.create", "user.update", "user.password_reset",
                                     "user.password_change", "user.password_change_failed", "user.delete", "token.create", "token.revoke",
                                     "device.register", "auth.login", "auth.login_failed", "auth.logout"})
            QVERIFY2(actions.contains(QString::fromLatin1(expected)), expected);

        // Entries say who, from where, what, on which object.
        const QJsonArray creates = auditItems(QStringLiteral("action=user.create&actor=ta@audit.test"), tenant);
        QCOMPARE(creates.size(), 1);
        const QJsonObject e = creates.first().toObject();
        QCOMPARE(e.value(QStringLiteral("actor_id")).toString(), taId);
        QCOMPARE(e.value(QStringLiteral("object_id")).toString(), viewer);
        QCOMPARE(e.value(QStringLiteral("source")).toString(), QStringLiteral("127.0.0.1"));
        QVERIFY(e.value(QStringLiteral("summary")).toString().contains(QStringLiteral("viewer")));
        QCOMPARE(auditItems(QStringLiteral("object_type=user&object_id=") + viewer, tenant).size() >= 4, true);
        QCOMPARE(auditItems(QStringLiteral("action=auth."), tenant).isEmpty(), false);
        QCOMPARE(auditItems(QStringLiteral("to=2000-01-01T00:00:00Z"), tenant).size(), 0);
        QVERIFY(auditItems(QStringLiteral("from=2000-01-01T00:00:00Z"), tenant).size() > 10);
        QCOMPARE(call("GET", QStringLiteral("/v1/audit?from=yesterday"), m_admin, {}, tenant).status, 400);
        // Cursor pagination walks everything once, newest first.
        const int total = auditItems(QStringLiteral("limit=1000"), tenant).size();
        QSet<qint64> seen;
        QString cursor;
        qint64 previous = std::numeric_limits<qint64>::max();
        int pages = 0;
        do {
            const Reply r = call("GET", QStringLiteral("/v1/audit?limit=3") + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor), m_admin, {}, tenant);
            QCOMPARE(r.status, 200);
            for (const QJsonValue &v : r.json().value(QStringLiteral("items")).toArray()) {
                const qint64 id = v.toObject().value(QStringLiteral("id")).toInteger();
                QVERIFY(id < previous);
                previous = id;
                seen.insert(id);
            }
            cursor = r.json().value(QStringLiteral("next_cursor")).toString();
        } while (!cursor.isEmpty() && ++pages < 100);
        QCOMPARE(seen.size(), total);

        // Append-only, enforced by the database itself.
        Storage::Database &db = m_server->app().database();
        QVERIFY(!db.exec(QStringLiteral("DELETE FROM audit_log")).has_value());
        QVERIFY(!db.exec(QStringLiteral("UPDATE audit_log SET action = 'nothing'")).has_value());
        QCOMPARE(auditItems(QStringLiteral("limit=1000"), tenant).size(), total);
    }

    void personalDataExportAndErasure()
    {
        const QString tenant = makeTenant();
        const auto [id, token] = makeUser(tenant, QStringLiteral("operator"), QStringLiteral("Erin.Erasable@pd.test"), QStringLiteral("erin's password 1"));
        QCOMPARE(login(QStringLiteral("erin.erasable@pd.test"), QStringLiteral("a wrong one")).status, 401);
        QCOMPARE(call("POST", QStringLiteral("/v1/tokens"), token, {{QStringLiteral("name"), QStringLiteral("nightly script")}}).status, 201);
        const Reply exported = call("GET", QStringLiteral("/v1/users/%1/export").arg(id), m_admin, {}, tenant);
        QCOMPARE(exported.status, 200);
        const QJsonObject x = exported.json();
        QCOMPARE(x.value(QStringLiteral("user")).toObject().value(QStringLiteral("email")).toString(), QStringLiteral("erin.erasable@pd.test"));
        QVERIFY(x.value(QStringLiteral("sessions")).toArray().size() >= 1);
        QCOMPARE(x.value(QStringLiteral("api_tokens")).toArray().size(), 1);
        QVERIFY(x.value(QStringLiteral("audit")).toArray().size() >= 3);
        QVERIFY(!exported.body.contains("argon2"));
        QVERIFY(!exported.body.contains("fdt_"));

        const Reply erased = call("POST", QStringLiteral("/v1/users/%1/erase").arg(id), m_admin, {}, tenant);
        QCOMPARE(erased.status, 200);
        QCOMPARE(erased.json().value(QStringLiteral("email")).toString(), QStringLiteral("erased-%1@erased.invalid").arg(id));
        QVERIFY(erased.json().value(QStringLiteral("display_name")).isNull());
        QCOMPARE(erased.json().value(QStringLiteral("active")).toBool(), false);
        // Gone everywhere: account, audit log (actor and summaries), and the credentials stop working.
        const Reply audit = call("GET", QStringLiteral("/v1/audit?limit=1000"), m_admin, {}, tenant);
        QVERIFY(!audit.body.toLower().contains("erin"));
        QVERIFY(audit.body.contains("user.erase"));
        auto raw = m_server->app().database().exec(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE actor LIKE '%rin.erasable%' OR summary LIKE '%rin.erasable%'"));
        QVERIFY(raw && raw->next());
        QCOMPARE(raw->value(0).toInt(), 0);
        // The networks Erin logged in from and her throttle counts are gone too.
        auto throttle = m_server->app().database().exec(QStringLiteral("SELECT COUNT(*) FROM login_throttle WHERE throttle_key LIKE '%rin.erasable%'"));
        QVERIFY(throttle && throttle->next());
        QCOMPARE(throttle->value(0).toInt(), 0);
        QCOMPARE(call("GET", QStringLiteral("/v1/auth/me"), token).status, 401);
        QCOMPARE(login(QStringLiteral("erin.erasable@pd.test"), QStringLiteral("erin's password 1")).status, 401);
        QVERIFY(!call("GET", QStringLiteral("/v1/users/%1/export").arg(id), m_admin, {}, tenant).body.toLower().contains("erin"));
    }

    void aTenantAdminsExportAndErasureStayInTheTenant()
    {
        const QString home = makeTenant(), other = makeTenant();
        const auto [adminId, adminToken] = makeUser(home, QStringLiteral("tenant-admin"), QStringLiteral("boss@home.test"), QStringLiteral("the boss password"));
        const auto [id, token] = makeUser(home, QStringLiteral("viewer"), QStringLiteral("frank@home.test"), QStringLiteral("frank's password 1"));
        Q_UNUSED(adminId);
        Q_UNUSED(token);
        // Another tenant's audit log names the same e-mail address (its own record of something Frank was part of).
        Principal elsewhere;
        elsewhere.email = QStringLiteral("someone@other.test");
        elsewhere.tenantId = other;
        audit(m_server->app().database(), &elsewhere, QStringLiteral("note"), QStringLiteral("device"), QString(),
              QStringLiteral("frank@home.test asked for access"), other);
        const Reply exported = call("GET", QStringLiteral("/v1/users/%1/export").arg(id), adminToken);
        QCOMPARE(exported.status, 200);
        QVERIFY2(!exported.body.contains("asked for access"), exported.body.constData());
        QCOMPARE(call("POST", QStringLiteral("/v1/users/%1/erase").arg(id), adminToken).status, 200);
        // The home tenant forgets Frank; the other tenant's log is not the home admin's to rewrite.
        auto mine = m_server->app().database().exec(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE tenant_id = :t AND summary LIKE '%frank@home.test%'"),
                                                    {{QStringLiteral("t"), home}});
        QVERIFY(mine && mine->next());
        QCOMPARE(mine->value(0).toInt(), 0);
        auto theirs = m_server->app().database().exec(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE tenant_id = :t AND summary = 'frank@home.test asked for access'"),
                                                      {{QStringLiteral("t"), other}});
        QVERIFY(theirs && theirs->next());
        QCOMPARE(theirs->value(0).toInt(), 1);
    }

    void lastPlatformAdminIsKept()
    {
        const QJsonObject me = call("GET", QStringLiteral("/v1/auth/me"), m_admin).json();
        const QString self = me.value(QStringLiteral("user_id")).toString();
        QCOMPARE(call("PATCH", QStringLiteral("/v1/users/") + self, m_admin, {{QStringLiteral("role"), QStringLiteral("viewer")}}).status, 409);
        QCOMPARE(call("DELETE", QStringLiteral("/v1/users/") + self, m_admin).status, 409);
        QCOMPARE(call("POST", QStringLiteral("/v1/tenants/%1/deactivate").arg(me.value(QStringLiteral("tenant_id")).toString()), m_admin).status, 409);
        QCOMPARE(call("GET", QStringLiteral("/v1/auth/me"), m_admin).json().value(QStringLiteral("role")).toString(), QStringLiteral("platform-admin"));
    }

    void noSecretReachesTheLog()
    {
        QFETCH_GLOBAL(QString, backend);
        QLoggingCategory::setFilterRules(QStringLiteral("fleetdeck.*=true"));
        g_log.clear();
        g_previous = qInstallMessageHandler(captureLog);
        QStringList secrets;
        {
            const QString passphrase = QStringLiteral("ca key passphrase 8c1f");
            secrets << passphrase;
            TestServer server(backend, [&](ServerOptions &o) { o.keyPassphrase = passphrase; });
            QVERIFY2(server.start(), qPrintable(server.error()));
            secrets << server.adminPassword();
            QCOMPARE(call(server, "POST", QStringLiteral("/v1/auth/login"), {}, {{QStringLiteral("email"), QStringLiteral("admin@localhost")}, {QStringLiteral("password"), QStringLiteral("wrong secret 77")}}).status, 401);
            secrets << QStringLiteral("wrong secret 77");
            const Reply l = call(server, "POST", QStringLiteral("/v1/auth/login"), {}, {{QStringLiteral("email"), QStringLiteral("admin@localhost")}, {QStringLiteral("password"), server.adminPassword()}});
            const QByteArray admin = tokenOf(l);
            secrets << QString::fromLatin1(admin);
            const QString tenant = call(server, "POST", QStringLiteral("/v1/tenants"), admin, {{QStringLiteral("name"), QStringLiteral("log-test")}}).json().value(QStringLiteral("tenant_id")).toString();
            const Reply u = call(server, "POST", QStringLiteral("/v1/users"), admin, {{QStringLiteral("email"), QStringLiteral("l@log.test")}, {QStringLiteral("password"), QStringLiteral("user secret password 5")},
                                                                                     {QStringLiteral("role"), QStringLiteral("tenant-admin")}, {QStringLiteral("tenant_id"), tenant}});
            secrets << QStringLiteral("user secret password 5");
            const QString uid = u.json().value(QStringLiteral("user_id")).toString();
            const QString generated = call(server, "POST", QStringLiteral("/v1/users/%1/password").arg(uid), admin, {}, tenant).json().value(QStringLiteral("password")).toString();
            QVERIFY(!generated.isEmpty());
            secrets << generated;
            const QByteArray user = tokenOf(call(server, "POST", QStringLiteral("/v1/auth/login"), {}, {{QStringLiteral("email"), QStringLiteral("l@log.test")}, {QStringLiteral("password"), generated}}));
            secrets << QString::fromLatin1(user);
            QCOMPARE(call(server, "POST", QStringLiteral("/v1/auth/password"), user, {{QStringLiteral("current_password"), generated}, {QStringLiteral("new_password"), QStringLiteral("changed secret password 6")}}).status, 204);
            secrets << QStringLiteral("changed secret password 6");
            const Reply t = call(server, "POST", QStringLiteral("/v1/tokens"), user, {{QStringLiteral("name"), QStringLiteral("script")}});
            secrets << t.json().value(QStringLiteral("token")).toString();
            QCOMPARE(call(server, "GET", QStringLiteral("/v1/devices"), tokenOf(t)).status, 200);
            const Reply d = call(server, "POST", QStringLiteral("/v1/devices"), tokenOf(t), {{QStringLiteral("serial_number"), QStringLiteral("L-1")}, {QStringLiteral("device_type"), QStringLiteral("x")}});
            QCOMPARE(d.status, 201);
            const QString deviceKey = d.json().value(QStringLiteral("private_key")).toString();
            QVERIFY(deviceKey.contains(QStringLiteral("PRIVATE KEY")));
            secrets << deviceKey.section(u'\n', 1, 1); // a line of the key's base64
            QCOMPARE(call(server, "POST", QStringLiteral("/v1/auth/logout"), user).status, 204); // changing the password kept this session
            QFile serverKey(server.dataDir() + QStringLiteral("/pki/server.key"));
            QVERIFY(serverKey.open(QIODevice::ReadOnly));
            secrets << QString::fromLatin1(serverKey.readAll().split('\n').value(1));
            server.app().stop();
        }
        qInstallMessageHandler(g_previous);
        QLoggingCategory::setFilterRules(QString());
        QVERIFY(g_log.size() > 5);
        const QString all = g_log.join(u'\n');
        QVERIFY(!all.contains(QStringLiteral("PRIVATE KEY")));
        for (const QString &s : std::as_const(secrets)) {
            QVERIFY(s.size() >= 10);
            QVERIFY2(!all.contains(s), qPrintable(QStringLiteral("a secret appears in the log: %1...").arg(s.left(4))));
        }
    }
};

QTEST_GUILESS_MAIN(TestTenants)
#include "tst_tenants.moc"
