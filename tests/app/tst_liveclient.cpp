// The console's live link against the real server's WebSocket API: sign-in with the REST session, subscriptions
// made again after a reconnect, follow counting, and the failures an operator must be told about (a session the
// server no longer accepts, a server whose certificate does not come from the trusted CA).

#include "connection/liveclient.h"
#include "pki/certificateauthority.h"
#include "realserver.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace ConsoleTest;

class TestLiveClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void signsInAndFollowsDevices();
    void followsAreCountedAndRemadeAfterReconnect();
    void refusedSessionEndsIt();
    void foreignCaIsRefused();
    void callsFailWhenNotLive();

private:
    QUrl wsUrl() const;

    std::unique_ptr<TestServer> m_server;
};

QUrl TestLiveClient::wsUrl() const
{
    return QUrl(u"wss://localhost:%1/v1/ws"_s.arg(m_server->app().wsPort()));
}

void TestLiveClient::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
}

void TestLiveClient::cleanupTestCase()
{
    m_server.reset();
}

void TestLiveClient::signsInAndFollowsDevices()
{
    LiveClient live;
    live.setFollowDevices(true);
    QSignalSpy resynced(&live, &LiveClient::resynced);
    QSignalSpy changed(&live, &LiveClient::deviceChanged);
    const SessionInfo session = adminSession(*m_server);
    live.start(wsUrl(), session.token, session.trustedCa);
    QCOMPARE(live.state(), LiveClient::State::Connecting);
    QTRY_COMPARE_WITH_TIMEOUT(live.state(), LiveClient::State::Live, 10000);
    QCOMPARE(resynced.count(), 1);
    QVERIFY(live.lastError().isEmpty());

    // A registration is pushed (the subscription was made by the sign-in, not by the caller).
    const QJsonObject device = registerDevice(*m_server, u"LIVE-0001"_s, u"meter"_s);
    QVERIFY(!device.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(std::ranges::any_of(changed, [&](const QList<QVariant> &args) {
                                 return args.at(0).toString() == device.value(u"device_id").toString();
                             }), 10000);

    // A REST call through the same link answers like REST.
    bool answered = false;
    live.call(u"rest"_s, {{u"path"_s, u"/v1/devices/%1"_s.arg(device.value(u"device_id").toString())}}, this,
              [&](const ApiResult<QJsonValue> &result) {
        QVERIFY(result.has_value());
        QCOMPARE(result->toObject().value(u"status").toInt(), 200);
        QCOMPARE(result->toObject().value(u"body").toObject().value(u"serial_number").toString(), u"LIVE-0001"_s);
        answered = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 5000);

    // And a problem comes back readable, with its HTTP status.
    bool refused = false;
    live.call(u"rest"_s, {{u"path"_s, u"/v1/devices/not-a-uuid"_s}}, this, [&](const ApiResult<QJsonValue> &result) {
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().httpStatus, 404);
        QVERIFY2(result.error().message.contains(u"no device"_s), qPrintable(result.error().message));
        refused = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(refused, 5000);
    live.stop();
    QCOMPARE(live.state(), LiveClient::State::Disconnected);
}

void TestLiveClient::followsAreCountedAndRemadeAfterReconnect()
{
    const QJsonObject device = registerDevice(*m_server, u"LIVE-0002"_s, u"meter"_s);
    const QString id = device.value(u"device_id").toString();
    LiveClient live;
    live.followTelemetry(id);
    live.followTelemetry(id);   // two views of one device
    live.unfollowTelemetry(id);
    QCOMPARE(live.telemetryDevices(), QStringList{id});
    const SessionInfo session = adminSession(*m_server);
    live.start(wsUrl(), session.token, session.trustedCa);
    QTRY_COMPARE_WITH_TIMEOUT(live.state(), LiveClient::State::Live, 10000);

    // The server counts the connection's telemetry subscription: proof it was made at sign-in.
    auto subscribedDevices = [&]() {
        int n = -1;
        live.call(u"subscribe"_s, {{u"topic"_s, u"telemetry"_s}, {u"device_ids"_s, QJsonArray{id}}}, this,
                  [&](const ApiResult<QJsonValue> &r) { n = r ? r->toObject().value(u"devices").toInt() : -2; });
        (void)QTest::qWaitFor([&] { return n != -1; }, 5000);   // -1 stays: the caller compares it
        return n;
    };
    QCOMPARE(subscribedDevices(), 1);   // still one: it was already followed

    // The link breaks (the socket is cut under it): it comes back by itself and follows again.
    QSignalSpy resynced(&live, &LiveClient::resynced);
    QWebSocket *socket = live.findChild<QWebSocket *>();
    QVERIFY(socket);
    socket->abort();
    QTRY_VERIFY_WITH_TIMEOUT(live.state() != LiveClient::State::Live, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(live.state(), LiveClient::State::Live, 10000);
    QCOMPARE(resynced.count(), 1);
    QCOMPARE(subscribedDevices(), 1);
    live.unfollowTelemetry(id);
    QVERIFY(live.telemetryDevices().isEmpty());
}

void TestLiveClient::refusedSessionEndsIt()
{
    LiveClient live;
    QSignalSpy ended(&live, &LiveClient::sessionEnded);
    live.start(wsUrl(), u"not-a-token"_s, platformCa(*m_server));
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10000);
    QVERIFY(!live.lastError().isEmpty());
    // No retrying with a token the server refused: the owner signs in again first.
    QTest::qWait(2500);
    QCOMPARE(live.state(), LiveClient::State::Disconnected);
    QCOMPARE(ended.count(), 1);
    QCOMPARE(live.lastError(), ended.first().first().toString());   // the server's reason, not "the link closed"
}

void TestLiveClient::foreignCaIsRefused()
{
    // A CA of its own, as another installation would have: the server's certificate does not chain to it.
    QTemporaryDir dir;
    auto other = Fleetdeck::Pki::CertificateAuthority::loadOrCreate(dir.path(), u"Elsewhere"_s);
    QVERIFY2(other.has_value(), "a second CA");
    const QSslCertificate foreign(other->caCertificatePem());
    QVERIFY(!foreign.isNull());
    LiveClient live;
    live.start(wsUrl(), adminSession(*m_server).token, foreign);
    QTRY_VERIFY_WITH_TIMEOUT(live.lastError().contains(u"certificate"_s), 10000);
    QVERIFY(live.state() != LiveClient::State::Live);
    live.stop();
}

void TestLiveClient::callsFailWhenNotLive()
{
    LiveClient live;
    bool failed = false;
    live.call(u"ping"_s, {}, this, [&](const ApiResult<QJsonValue> &r) { failed = !r.has_value(); });
    QTRY_VERIFY_WITH_TIMEOUT(failed, 2000);
}

QTEST_MAIN(TestLiveClient)
#include "tst_liveclient.moc"
