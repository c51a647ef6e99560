// Device protocol v1: topic builders/parsers and payload codecs shared by server and simulator.
#include "protocol/messages.h"
#include "protocol/telemetry.h"
#include "protocol/topics.h"

#include <QtTest/QtTest>
#include <cstring>
#include <random>

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

    void telemetryDecodes()
    {
        const qint64 now = 1732600000000;
        const auto one = Telemetry::decode(R"({"seq":42,"ts":1732599999000,"metrics":{"temp":21.5,"door":"open","alarm":true}})", now);
        QCOMPARE(one.size(), 1);
        QVERIFY(one[0].message.has_value());
        const Telemetry::Message &m = *one[0].message;
        QCOMPARE(m.seq, 42);
        QCOMPARE(m.tsMs, 1732599999000);
        QVERIFY(!m.serverTime);
        QCOMPARE(m.readings.size(), 3);
        for (const Telemetry::Reading &r : m.readings) {
            if (r.metric == u"temp")
                QCOMPARE(r.value, 21.5);
            else if (r.metric == u"door")
                QVERIFY(r.isText && r.text == u"open");
            else
                QCOMPARE(r.value, 1.0);
        }
        // An array, one without ts (server time), and a round trip through the encoder.
        const auto many = Telemetry::decode(R"([{"seq":1,"metrics":{"a":1}},{"seq":2,"ts":1732600000000,"metrics":{"a":2}}])", now);
        QCOMPARE(many.size(), 2);
        QVERIFY(many[0].message->serverTime);
        QCOMPARE(many[0].message->tsMs, now);
        const QByteArray again = Telemetry::encode({*many[0].message, *many[1].message});
        QCOMPARE(Telemetry::decode(again, now).size(), 2);
        QCOMPARE(Telemetry::decodeAck(Telemetry::encodeAck(77)).value_or(0), 77);
    }

    void telemetryRejects_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("reject");
        QTest::addColumn<qint64>("seq");
        const auto row = [](const char *name, QByteArray p, Telemetry::Reject r, qint64 seq) { QTest::newRow(name) << p << int(r) << seq; };
        row("not json", "temp=21", Telemetry::Reject::Malformed, 0);
        row("NaN literal", R"({"seq":1,"metrics":{"t":NaN}})", Telemetry::Reject::Malformed, 0);
        row("number", "42", Telemetry::Reject::Malformed, 0);
        row("empty array", "[]", Telemetry::Reject::Malformed, 0);
        row("oversize", QByteArray(300 * 1024, ' '), Telemetry::Reject::TooLarge, 0);
        row("too many messages", "[" + QByteArray("{\"seq\":1,\"metrics\":{\"a\":1}},").repeated(500) + "{\"seq\":1,\"metrics\":{\"a\":1}}]", Telemetry::Reject::TooManyMessages, 0);
        row("no seq", R"({"metrics":{"a":1}})", Telemetry::Reject::BadSeq, 0);
        row("seq zero", R"({"seq":0,"metrics":{"a":1}})", Telemetry::Reject::BadSeq, 0);
        row("seq fraction", R"({"seq":1.5,"metrics":{"a":1}})", Telemetry::Reject::BadSeq, 0);
        row("seq string", R"({"seq":"7","metrics":{"a":1}})", Telemetry::Reject::BadSeq, 0);
        row("ts string", R"({"seq":3,"ts":"yesterday","metrics":{"a":1}})", Telemetry::Reject::BadTimestamp, 3);
        row("ts future", R"({"seq":3,"ts":1732601000000,"metrics":{"a":1}})", Telemetry::Reject::FutureTimestamp, 3);
        row("ts stale", R"({"seq":3,"ts":1000,"metrics":{"a":1}})", Telemetry::Reject::StaleTimestamp, 3);
        row("no metrics", R"({"seq":3})", Telemetry::Reject::NoMetrics, 3);
        row("empty metrics", R"({"seq":3,"metrics":{}})", Telemetry::Reject::NoMetrics, 3);
        row("bad name", R"({"seq":3,"metrics":{"t e m p":1}})", Telemetry::Reject::BadMetricName, 3);
        row("null value", R"({"seq":3,"metrics":{"a":null}})", Telemetry::Reject::BadValue, 3);
        row("object value", R"({"seq":3,"metrics":{"a":{"b":1}}})", Telemetry::Reject::BadValue, 3);
        row("infinite", R"({"seq":3,"metrics":{"a":1e999}})", Telemetry::Reject::Malformed, 0); // Qt refuses to parse it
        row("long text", "{\"seq\":3,\"metrics\":{\"a\":\"" + QByteArray(300, 'x') + "\"}}", Telemetry::Reject::TextTooLong, 3);
        QByteArray many = "{\"seq\":3,\"metrics\":{";
        for (int i = 0; i < 65; ++i)
            many += (i ? "," : "") + QByteArray("\"m") + QByteArray::number(i) + "\":1";
        row("too many metrics", many + "}}", Telemetry::Reject::TooManyMetrics, 3);
    }

    void telemetryRejects()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, reject);
        QFETCH(qint64, seq);
        const auto d = Telemetry::decode(payload, 1732600000000);
        QCOMPARE(d.size(), 1);
        QVERIFY(!d[0].message.has_value());
        QCOMPARE(Telemetry::rejectName(d[0].reject), Telemetry::rejectName(Telemetry::Reject(reject)));
        QCOMPARE(d[0].seq, seq); // a refusal with a readable seq can still be acknowledged
        QVERIFY(!d[0].detail.isEmpty());
    }

    void telemetryMixedArrayKeepsTheGoodOnes()
    {
        const auto d = Telemetry::decode(R"([{"seq":1,"metrics":{"a":1}},{"seq":2,"metrics":{"a":"x","b":null}},{"seq":3,"metrics":{"a":3}}])", 1732600000000);
        QCOMPARE(d.size(), 3);
        QVERIFY(d[0].message && !d[1].message && d[2].message);
        QCOMPARE(d[1].seq, 2);
    }

    /// decode() takes a fast scanner for plain payloads and QJsonDocument for the rest: on thousands of generated
    /// payloads (valid, refused, cut short, mutated) both give exactly the same entries.
    void telemetryFastPathAgreesWithQJson()
    {
        const qint64 now = 1732600000000;
        QRandomGenerator rng(20261201);
        const QList<QByteArray> numbers = {"0", "1", "42", "-3", "21.5", "-0.25", "1e3", "2E-2", "1.5e+2", "9007199254740993", "1e308", "1e999",
                                           "-0", "-0.0", "01", "1.", ".5", "+1", "0x10", "1e", "3.14159265358979323846", "123456789012345678901234"};
        const QList<QByteArray> strings = {"\"open\"", "\"\"", "\"a\\\"b\"", "\"caf\xc3\xa9\"", "\"\\u00e9\"", "\"tab\tin\"", "\"" + QByteArray(257, 'x') + "\"",
                                           "\"" + QByteArray(256, 'y') + "\""};
        const QList<QByteArray> names = {"temp", "door", "alarm", "a", "b/c", "x.y-z_1", "t e", "", "\\u0074emp", "temp", QByteArray(65, 'n'), QByteArray(64, 'm'), "\xc3\xa9"};
        const QList<QByteArray> space = {"", " ", "\n", " \t\r\n "};
        auto pick = [&](const QList<QByteArray> &l) { return l[int(rng.bounded(quint32(l.size())))]; };
        auto value = [&]() -> QByteArray {
            switch (rng.bounded(8)) {
            case 0: return "true";
            case 1: return "false";
            case 2: return "null";
            case 3: return pick(strings);
            case 4: return "{\"n\":1}";
            case 5: return "[1,2]";
            default: return pick(numbers);
            }
        };
        auto message = [&]() -> QByteArray {
            QList<QByteArray> members;
            if (rng.bounded(10) != 0)
                members << "\"seq\":" + (rng.bounded(6) == 0 ? value() : QByteArray::number(rng.bounded(1, 1000)));
            const quint32 tsKind = rng.bounded(6);
            if (tsKind == 1)
                members << "\"ts\":" + QByteArray::number(now - rng.bounded(100000));
            else if (tsKind == 2)
                members << "\"ts\":null";
            else if (tsKind == 3)
                members << "\"ts\":" + (rng.bounded(2) ? QByteArray::number(now + 10 * 60 * 1000) : value());
            if (rng.bounded(12) != 0) {
                QList<QByteArray> metrics;
                const int n = rng.bounded(8) == 0 ? 70 : int(rng.bounded(5));
                for (int i = 0; i < n; ++i)
                    metrics << "\"" + (n > 10 ? "m" + QByteArray::number(i) : pick(names)) + "\"" + pick(space) + ":" + pick(space)
                                   + (rng.bounded(3) ? pick(numbers) : value());
                members << "\"metrics\":{" + metrics.join(",") + "}";
            }
            if (rng.bounded(4) == 0)
                members << "\"extra\":" + value();
            if (rng.bounded(10) == 0)
                members << "\"seq\":7";
            std::shuffle(members.begin(), members.end(), std::mt19937(rng.generate()));
            return "{" + pick(space) + members.join("," + pick(space)) + pick(space) + "}";
        };
        int fastOnes = 0;
        for (int i = 0; i < 20000; ++i) {
            QByteArray payload;
            if (rng.bounded(3) == 0) {
                QList<QByteArray> list;
                for (int j = int(rng.bounded(4)); j >= 0; --j)
                    list << message();
                payload = pick(space) + "[" + list.join(",") + "]" + pick(space);
            } else {
                payload = message();
            }
            if (rng.bounded(10) == 0)
                payload.truncate(int(rng.bounded(quint32(payload.size()))));
            else if (rng.bounded(10) == 0 && !payload.isEmpty())
                payload[int(rng.bounded(quint32(payload.size())))] = char(rng.bounded(32, 127));
            const auto a = Telemetry::decode(payload, now);
            const auto b = Telemetry::decodeWithQJson(payload, now);
            QCOMPARE(a.size(), b.size());
            for (qsizetype k = 0; k < a.size(); ++k) {
                QVERIFY2(a[k].message.has_value() == b[k].message.has_value(), payload.constData());
                QCOMPARE(a[k].seq, b[k].seq);
                QCOMPARE(int(a[k].reject), int(b[k].reject));
                QCOMPARE(a[k].detail, b[k].detail);
                if (!a[k].message)
                    continue;
                ++fastOnes;
                const Telemetry::Message &x = *a[k].message, &y = *b[k].message;
                QCOMPARE(x.seq, y.seq);
                QCOMPARE(x.tsMs, y.tsMs);
                QCOMPARE(x.serverTime, y.serverTime);
                QCOMPARE(x.readings.size(), y.readings.size());
                for (qsizetype r = 0; r < x.readings.size(); ++r) {
                    QCOMPARE(x.readings[r].metric, y.readings[r].metric);
                    QCOMPARE(x.readings[r].isText, y.readings[r].isText);
                    QCOMPARE(x.readings[r].isBool, y.readings[r].isBool);
                    QCOMPARE(x.readings[r].text, y.readings[r].text);
                    QVERIFY2(std::memcmp(&x.readings[r].value, &y.readings[r].value, sizeof(double)) == 0, payload.constData());
                }
            }
        }
        QVERIFY2(fastOnes > 1000, qPrintable(QString::number(fastOnes))); // enough valid payloads among them
    }
};

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
