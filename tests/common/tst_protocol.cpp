// Device protocol v1: topic builders/parsers and payload codecs shared by server and simulator.
#include "protocol/messages.h"
#include "protocol/topics.h"

#include <QtTest/QtTest>

using namespace Fleetdeck;

class TestProtocol : public QObject
{
    Q_OBJECT
    const QString id = QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e");

private Q_SLOTS:
    void buildersAndParserAgree_data()
    {
        QTest::addColumn<QString>("topic");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("commandId");
        QTest::newRow("status") << Topics::status(id) << int(Topics::Kind::Status) << QString();
        QTest::newRow("telemetry") << Topics::telemetry(id) << int(Topics::Kind::Telemetry) << QString();
        QTest::newRow("telemetry ack") << Topics::telemetryAck(id) << int(Topics::Kind::TelemetryAck) << QString();
        QTest::newRow("command") << Topics::command(id, QStringLiteral("c-1")) << int(Topics::Kind::Command) << QStringLiteral("c-1");
        QTest::newRow("command reply") << Topics::commandReply(id, QStringLiteral("c-1")) << int(Topics::Kind::CommandReply) << QStringLiteral("c-1");
        QTest::newRow("config desired") << Topics::configDesired(id) << int(Topics::Kind::ConfigDesired) << QString();
        QTest::newRow("config reported") << Topics::configReported(id) << int(Topics::Kind::ConfigReported) << QString();
        QTest::newRow("firmware job") << Topics::firmwareJob(id) << int(Topics::Kind::FirmwareJob) << QString();
        QTest::newRow("firmware progress") << Topics::firmwareProgress(id) << int(Topics::Kind::FirmwareProgress) << QString();
    }

    void buildersAndParserAgree()
    {
        QFETCH(QString, topic);
        QFETCH(int, kind);
        QFETCH(QString, commandId);
        QVERIFY(topic.startsWith(QStringLiteral("devices/") + id + QStringLiteral("/")));
        const auto parsed = Topics::parse(topic);
        QVERIFY(parsed.has_value());
        QCOMPARE(parsed->deviceId, id);
        QCOMPARE(int(parsed->kind), kind);
        QCOMPARE(parsed->commandId, commandId);
    }

    void foreignTopicsAreNotParsed_data()
    {
        QTest::addColumn<QString>("topic");
        QTest::newRow("empty") << QString();
        QTest::newRow("other root") << QStringLiteral("things/%1/status").arg(id);
        QTest::newRow("upper-case id") << QStringLiteral("devices/%1/status").arg(id.toUpper());
        QTest::newRow("short id") << QStringLiteral("devices/1234/status");
        QTest::newRow("wildcard id") << QStringLiteral("devices/+/status");
        QTest::newRow("unknown leaf") << QStringLiteral("devices/%1/secrets").arg(id);
        QTest::newRow("too deep") << QStringLiteral("devices/%1/status/extra").arg(id);
        QTest::newRow("command without id") << QStringLiteral("devices/%1/commands/").arg(id);
        QTest::newRow("command bad tail") << QStringLiteral("devices/%1/commands/c1/nope").arg(id);
        QTest::newRow("trailing slash") << QStringLiteral("devices/%1/status/").arg(id);
    }

    void foreignTopicsAreNotParsed()
    {
        QFETCH(QString, topic);
        QVERIFY(!Topics::parse(topic).has_value());
    }

    void subscriptionFilters()
    {
        QCOMPARE(Topics::allDevices(Topics::Kind::Status), QStringLiteral("devices/+/status"));
        QCOMPARE(Topics::allDevices(Topics::Kind::CommandReply), QStringLiteral("devices/+/commands/+/reply"));
        QCOMPARE(Topics::deviceFilter(id), QStringLiteral("devices/%1/#").arg(id));
    }

    void statusRoundTrip()
    {
        const Messages::DeviceStatus s{Messages::DeviceStatus::State::Online, QStringLiteral("1.4.2")};
        const auto decoded = Messages::decodeStatus(Messages::encode(s));
        QVERIFY(decoded.has_value());
        QCOMPARE(decoded->state, Messages::DeviceStatus::State::Online);
        QCOMPARE(decoded->firmwareVersion, QStringLiteral("1.4.2"));
        QCOMPARE(Messages::encode({Messages::DeviceStatus::State::Offline, {}}), QByteArray(R"({"state":"offline"})"));
    }

    void badStatusPayloads_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not json") << QByteArray("online") << QStringLiteral("malformed JSON");
        QTest::newRow("array") << QByteArray("[]") << QStringLiteral("object");
        QTest::newRow("missing state") << QByteArray("{}") << QStringLiteral("\"state\"");
        QTest::newRow("unknown state") << QByteArray(R"({"state":"sleeping"})") << QStringLiteral("\"state\"");
        QTest::newRow("firmware number") << QByteArray(R"({"state":"online","firmware_version":3})") << QStringLiteral("firmware_version");
        QTest::newRow("firmware huge") << (QByteArray(R"({"state":"online","firmware_version":")") + QByteArray(100, 'x') + "\"}") << QStringLiteral("64");
        QTest::newRow("oversize") << QByteArray(5000, ' ') << QStringLiteral("exceeds");
    }

    void badStatusPayloads()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, reason);
        const auto r = Messages::decodeStatus(payload);
        QVERIFY(!r.has_value());
        QVERIFY2(r.error().message.contains(reason), qPrintable(r.error().message));
    }
};

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
