// The router: matching, path parameters, 404/405, authentication and the role check in one place.
#include "api/router.h"

#include <QtCore/QJsonDocument>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Api;

class TestRouter : public QObject
{
    Q_OBJECT
    Router m_router;
    QString m_lastId;

    Request request(const QByteArray &method, const QString &path, const QByteArray &auth = {})
    {
        Request r;
        r.method = method;
        r.path = path;
        if (!auth.isEmpty())
            r.headers.insert("authorization", auth);
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_router.setAuthenticator([](const QString &token) -> Result<Principal> {
            if (token == u"viewer-token")
                return Principal{QStringLiteral("u1"), QStringLiteral("v@x"), QStringLiteral("t1"), Role::Viewer, {}};
            if (token == u"operator-token")
                return Principal{QStringLiteral("u2"), QStringLiteral("o@x"), QStringLiteral("t1"), Role::Operator, {}};
            return fail(Error::unauthorized(QStringLiteral("unknown bearer token")));
        });
        m_router.add("GET", QStringLiteral("/v1/public"), Access::Public, QStringLiteral("p"), [](Request &) { return Response::json({{QStringLiteral("ok"), true}}); });
        m_router.add("GET", QStringLiteral("/v1/things/{thing_id}"), Access::Read, QStringLiteral("r"), [this](Request &r) {
            m_lastId = r.arg(QStringLiteral("thing_id"));
            return Response::json({{QStringLiteral("tenant"), r.who().tenantId}});
        });
        m_router.add("POST", QStringLiteral("/v1/things/{thing_id}/poke"), Access::Write, QStringLiteral("w"), [](Request &) { return Response::noContent(); });
        m_router.add("DELETE", QStringLiteral("/v1/things/{thing_id}"), Access::Admin, QStringLiteral("a"), [](Request &) { return Response::noContent(); });
    }

    void publicRoutesNeedNoToken()
    {
        Request r = request("GET", QStringLiteral("/v1/public"));
        QCOMPARE(m_router.dispatch(r).status, 200);
    }

    void parametersAreExtracted()
    {
        Request r = request("GET", QStringLiteral("/v1/things/abc-123"), "Bearer viewer-token");
        const Response resp = m_router.dispatch(r);
        QCOMPARE(resp.status, 200);
        QCOMPARE(m_lastId, QStringLiteral("abc-123"));
        QCOMPARE(QJsonDocument::fromJson(resp.body).object().value(QStringLiteral("tenant")).toString(), QStringLiteral("t1"));
    }

    void authenticationAndRoles_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("auth");
        QTest::addColumn<int>("status");
        QTest::newRow("no header") << QByteArray("GET") << QStringLiteral("/v1/things/a") << QByteArray() << 401;
        QTest::newRow("basic scheme") << QByteArray("GET") << QStringLiteral("/v1/things/a") << QByteArray("Basic dXNlcg==") << 401;
        QTest::newRow("unknown token") << QByteArray("GET") << QStringLiteral("/v1/things/a") << QByteArray("Bearer nope") << 401;
        QTest::newRow("lower-case scheme") << QByteArray("GET") << QStringLiteral("/v1/things/a") << QByteArray("bearer viewer-token") << 200;
        QTest::newRow("viewer may not write") << QByteArray("POST") << QStringLiteral("/v1/things/a/poke") << QByteArray("Bearer viewer-token") << 403;
        QTest::newRow("operator may write") << QByteArray("POST") << QStringLiteral("/v1/things/a/poke") << QByteArray("Bearer operator-token") << 204;
        QTest::newRow("operator is no admin") << QByteArray("DELETE") << QStringLiteral("/v1/things/a") << QByteArray("Bearer operator-token") << 403;
    }

    void authenticationAndRoles()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, auth);
        QFETCH(int, status);
        Request r = request(method, path, auth);
        const Response resp = m_router.dispatch(r);
        QCOMPARE(resp.status, status);
        if (status == 401) {
            QCOMPARE(resp.contentType, QByteArray("application/problem+json"));
            bool challenged = false;
            for (const auto &h : resp.headers)
                challenged |= h.first == "WWW-Authenticate";
            QVERIFY(challenged);
        }
    }

    void unknownPathsAndMethods()
    {
        Request missing = request("GET", QStringLiteral("/v1/nothing/here"));
        QCOMPARE(m_router.dispatch(missing).status, 404);
        Request deeper = request("GET", QStringLiteral("/v1/things/a/b/c"));
        QCOMPARE(m_router.dispatch(deeper).status, 404);
        Request wrong = request("PUT", QStringLiteral("/v1/things/a"));
        const Response resp = m_router.dispatch(wrong);
        QCOMPARE(resp.status, 405);
        QByteArray allow;
        for (const auto &h : resp.headers)
            if (h.first == "Allow")
                allow = h.second;
        QVERIFY(allow.contains("GET") && allow.contains("DELETE"));
    }

    void problemDocuments()
    {
        const Response r = Response::fromError(Error::conflict(QStringLiteral("already there")));
        QCOMPARE(r.status, 409);
        const QJsonObject o = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(o.value(QStringLiteral("title")).toString(), QStringLiteral("Conflict"));
        QCOMPARE(o.value(QStringLiteral("detail")).toString(), QStringLiteral("already there"));
        QCOMPARE(o.value(QStringLiteral("status")).toInt(), 409);
        // Internal details never reach the client.
        const Response internal = Response::fromError(Error::internal(QStringLiteral("secret path /etc/x")));
        QVERIFY(!internal.body.contains("secret"));
        QCOMPARE(internal.status, 500);
    }
};

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
