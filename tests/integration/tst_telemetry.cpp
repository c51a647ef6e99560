// The telemetry pipeline end to end against a real server and broker, on SQLite and PostgreSQL: ingest with
// acknowledgements after commit, de-duplication of re-sends, refusals, rollups against raw data, history and
// latest queries, and state that survives a restart.
#include "runtime/application.h"
#include "storage/database.h"
#include "mqtt/mqttclient.h"
#include "pki/certificateauthority.h"
#include "protocol/messages.h"
#include "protocol/telemetry.h"
#include "protocol/topics.h"
#include "telemetry/latestvalues.h"
#include "telemetry/telemetryhistory.h"
#include "telemetry/telemetryingest.h"
#include "telemetry/telemetryretention.h"
#include "telemetry/telemetryschemas.h"
#include "testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QRandomGenerator>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QSslSocket>
#include <QtTest/QtTest>

#include <map>
#include <numeric>

#include <cmath>
#include <map>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

class TestTelemetry : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_files;
    QString m_id;
    QString m_tenant;
    std::unique_ptr<MqttClient> m_client;
    qint64 m_lastAck = 0;
    int m_serial = 0;

    QByteArray token() { return m_server->adminToken(); }

    /// Registers a device and connects it, listening to its acks.
    void connectDevice()
    {
        auto kc = Pki::makeKeyAndRequest(QStringLiteral("x"));
        QVERIFY(kc.has_value());
        const HttpReply r = m_server->requestJson("POST", QStringLiteral("/v1/devices"),
                                                  {{QStringLiteral("serial_number"), QStringLiteral("TEL-%1").arg(++m_serial)},
                                                   {QStringLiteral("device_type"), QStringLiteral("sensor")},
                                                   {QStringLiteral("csr"), QString::fromLatin1(kc->second)}}, token());
        QCOMPARE(r.status, 201);
        m_id = r.json().value(QStringLiteral("device_id")).toString();
        m_tenant = r.json().value(QStringLiteral("tenant_id")).toString();
        QFile c(m_files.filePath(m_id + QStringLiteral(".crt"))), k(m_files.filePath(m_id + QStringLiteral(".key")));
        QVERIFY(c.open(QIODevice::WriteOnly) && k.open(QIODevice::WriteOnly));
        c.write(r.json().value(QStringLiteral("certificate")).toString().toLatin1());
        k.write(kc->first);
        c.close();
        k.close();
        reconnect();
    }

    void reconnect()
    {
        MqttClientOptions o;
        o.host = QStringLiteral("localhost");
        o.port = m_server->mqttPort();
        o.clientId = m_id;
        o.caFile = m_server->caFile();
        o.certFile = m_files.filePath(m_id + QStringLiteral(".crt"));
        o.keyFile = m_files.filePath(m_id + QStringLiteral(".key"));
        m_client = std::make_unique<MqttClient>(o);
        connect(m_client.get(), &MqttClient::messageReceived, this, [this](const QString &topic, const QByteArray &payload) {
            if (topic == Topics::telemetryAck(m_id))
                m_lastAck = std::max(m_lastAck, Telemetry::decodeAck(payload).value_or(0));
        });
        connect(m_client.get(), &MqttClient::connected, this, [this] { (void)m_client->subscribe(Topics::telemetryAck(m_id), 1); });
        QVERIFY(m_client->start().has_value());
        QVERIFY(waitFor([&] { return m_client->state() == MqttClient::State::Connected; }, 10000));
        waitFor([] { return false; }, 100); // the SUBACK
    }

    void publish(const QByteArray &payload) { QVERIFY(m_client->publish(Topics::telemetry(m_id), payload, 1).has_value()); }

    static QByteArray message(qint64 seq, qint64 ts, const QJsonObject &metrics)
    {
        return QJsonDocument(QJsonObject{{QStringLiteral("seq"), seq}, {QStringLiteral("ts"), ts}, {QStringLiteral("metrics"), metrics}}).toJson(QJsonDocument::Compact);
    }

    QJsonObject health() { return m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, m_server->adminToken()).json().value(QStringLiteral("telemetry")).toObject(); }

    QJsonArray points(const QString &query)
    {
        const HttpReply r = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?%2").arg(m_id, query), {}, {}, token());
        if (r.status != 200)
            qWarning() << r.status << r.body;
        return r.json().value(QStringLiteral("series")).toArray().at(0).toObject().value(QStringLiteral("points")).toArray();
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend == u"postgresql" && !PgDatabase::available())
            QSKIP("FLEETDECK_TEST_PG_URL is not set (./test.sh starts PostgreSQL and sets it)");
        m_server = std::make_unique<TestServer>(backend);
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        m_lastAck = 0;
        connectDevice();
    }

    void cleanup()
    {
        m_client.reset();
        m_server.reset();
    }

    void acknowledgedMeansDurable()
    {
        // Acks go out after COMMIT; on SQLite that commit must also survive power loss (synchronous=FULL), read
        // back from the writer's own connection. The trade-off is an option.
        QFETCH_GLOBAL(QString, backend);
        QVERIFY(waitFor([&] { return !health().value(QStringLiteral("durability")).toString().isEmpty(); }, 5000));
        const QString durable = health().value(QStringLiteral("durability")).toString();
        if (backend == u"sqlite") {
            QCOMPARE(durable, QStringLiteral("sqlite synchronous=full"));
            TestServer faster(backend, [](ServerOptions &o) { o.sqliteFullSync = false; });
            QVERIFY2(faster.start(), qPrintable(faster.error()));
            const auto durability = [&] {
                return faster.request("GET", QStringLiteral("/v1/health"), {}, {}, faster.adminToken()).json().value(QStringLiteral("telemetry"))
                    .toObject().value(QStringLiteral("durability")).toString();
            };
            QVERIFY(waitFor([&] { return !durability().isEmpty(); }, 5000));
            QCOMPARE(durability(), QStringLiteral("sqlite synchronous=normal"));
        } else {
            QCOMPARE(durable, QStringLiteral("postgresql synchronous_commit=on"));
        }
    }

    void ingestIsAcknowledgedAfterCommitAndQueryable()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        publish(message(1, now - 3000, {{QStringLiteral("temp"), 21.5}, {QStringLiteral("door"), QStringLiteral("open")}, {QStringLiteral("alarm"), false}}));
        publish(message(2, now - 2000, {{QStringLiteral("temp"), 22.5}, {QStringLiteral("door"), QStringLiteral("closed")}, {QStringLiteral("alarm"), true}}));
        // An array of messages, one without ts (server time).
        publish(QByteArray(R"([{"seq":3,"metrics":{"temp":23.5}},{"seq":4,"ts":)") + QByteArray::number(now - 1000) + R"(,"metrics":{"temp":24.5}}])");
        QVERIFY(waitFor([&] { return m_lastAck == 4; }, 5000));
        // Acknowledged means stored: the history has all of it.
        const QJsonArray temp = points(QStringLiteral("metric=temp"));
        QCOMPARE(temp.size(), 4);
        QCOMPARE(temp.at(0).toArray().at(1).toDouble(), 21.5);
        // Ordered by time: the message without ts got the server's clock, later than the others.
        QCOMPARE(temp.at(2).toArray().at(1).toDouble(), 24.5);
        QCOMPARE(temp.at(3).toArray().at(1).toDouble(), 23.5);
        QVERIFY(temp.at(3).toArray().at(0).toInteger() >= now);
        const QJsonArray door = points(QStringLiteral("metric=door"));
        QCOMPARE(door.size(), 2);
        QCOMPARE(door.at(1).toArray().at(1).toString(), QStringLiteral("closed"));
        QCOMPARE(points(QStringLiteral("metric=alarm")).at(1).toArray().at(1).toDouble(), 1.0);
        // Latest values from memory.
        const QJsonObject latest = m_server->request("GET", QStringLiteral("/v1/tenants/%1/telemetry/latest").arg(m_tenant), {}, {}, token()).json();
        const QJsonObject metrics = latest.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("metrics")).toObject();
        QCOMPARE(metrics.value(QStringLiteral("door")).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("closed"));
        QVERIFY(metrics.contains(QStringLiteral("temp")));
        QCOMPARE(health().value(QStringLiteral("stored_messages")).toInt(), 4);
        // last_seen_at moved.
        QVERIFY(!m_server->request("GET", QStringLiteral("/v1/devices/") + m_id, {}, {}, token()).json().value(QStringLiteral("last_seen_at")).isNull());
    }

    void csvOnRequest()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        publish(message(1, now - 1000, {{QStringLiteral("temp"), 20.25}, {QStringLiteral("note"), QStringLiteral("a \"quoted\", text")}}));
        QVERIFY(waitFor([&] { return m_lastAck == 1; }, 5000));
        QNetworkAccessManager nam;
        QNetworkRequest req(QUrl(QStringLiteral("https://localhost:%1/v1/devices/%2/telemetry?metric=temp,note").arg(m_server->app().httpPort()).arg(m_id)));
        req.setSslConfiguration(m_server->sslConfiguration());
        req.setRawHeader("Authorization", "Bearer " + token());
        req.setRawHeader("Accept", "text/csv");
        QNetworkReply *reply = nam.get(req);
        QVERIFY(waitFor([&] { return reply->isFinished(); }, 10000));
        QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QStringLiteral("text/csv")));
        const QList<QByteArray> lines = reply->readAll().split('\n');
        QCOMPARE(lines.value(0).trimmed(), QByteArray("metric,ts,time,value"));
        QVERIFY(lines.value(1).startsWith("temp," + QByteArray::number(now - 1000) + ","));
        QVERIFY(lines.value(1).trimmed().endsWith(",20.25"));
        QVERIFY2(lines.value(2).trimmed().endsWith(R"("a ""quoted"", text")"), lines.value(2).constData());
        delete reply;
    }

    void resentReadingsAreStoredOnce()
    {
        const qint64 base = QDateTime::currentMSecsSinceEpoch() - 60000;
        for (int seq = 1; seq <= 5; ++seq)
            publish(message(seq, base + seq, {{QStringLiteral("v"), double(seq)}}));
        QVERIFY(waitFor([&] { return m_lastAck == 5; }, 5000));
        // The device lost the ack for 3..5 and reconnects: it sends 3..7 again (with the same ts, as it buffered them).
        m_client->abort();
        reconnect();
        for (int seq = 3; seq <= 7; ++seq)
            publish(message(seq, base + seq, {{QStringLiteral("v"), double(seq)}}));
        QVERIFY(waitFor([&] { return m_lastAck == 7; }, 5000));
        const QJsonArray v = points(QStringLiteral("metric=v&from=") + QString::number(base - 1));
        QCOMPARE(v.size(), 7);
        for (int i = 0; i < 7; ++i)
            QCOMPARE(v.at(i).toArray().at(1).toDouble(), double(i + 1));
        QCOMPARE(health().value(QStringLiteral("duplicates")).toInt(), 3);
        // A pure re-send of stored readings is acknowledged again at once.
        m_lastAck = 0;
        publish(message(2, base + 2, {{QStringLiteral("v"), 2.0}}));
        QVERIFY(waitFor([&] { return m_lastAck == 7; }, 5000));
        QCOMPARE(points(QStringLiteral("metric=v&from=") + QString::number(base - 1)).size(), 7);
    }

    void aGapHoldsTheAckUntilItIsFilled()
    {
        // seq 3 goes missing (as when a server dies with it in memory and the broker then delivers 4 and 5 first):
        // 4 and 5 are stored but the ack stays at 2 until 3 arrives, so that the device keeps and resends 3.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        publish(message(1, now - 5000, {{QStringLiteral("g"), 1.0}}));
        publish(message(2, now - 4000, {{QStringLiteral("g"), 2.0}}));
        QVERIFY(waitFor([&] { return m_lastAck == 2; }, 5000));
        publish(message(4, now - 2000, {{QStringLiteral("g"), 4.0}}));
        publish(message(5, now - 1000, {{QStringLiteral("g"), 5.0}}));
        QVERIFY(waitFor([&] { return points(QStringLiteral("metric=g")).size() == 4; }, 5000));
        waitFor([] { return false; }, 300);
        QCOMPARE(m_lastAck, 2);
        publish(message(3, now - 3000, {{QStringLiteral("g"), 3.0}}));
        QVERIFY(waitFor([&] { return m_lastAck == 5; }, 5000));
        publish(message(4, now - 2000, {{QStringLiteral("g"), 4.0}})); // a resend of a message held ahead
        waitFor([] { return false; }, 300);
        QCOMPARE(points(QStringLiteral("metric=g")).size(), 5);
    }

    void aCounterThatJumpsAtReconnectIsAcknowledgedAtOnce()
    {
        // A device that restarted counts on from far ahead (the simulator from its clock). Its first message after it
        // came online is the oldest it holds, so nothing below it can come: no 30 s wait for a resend.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        publish(message(1, now - 5000, {{QStringLiteral("j"), 1.0}}));
        publish(message(2, now - 4000, {{QStringLiteral("j"), 2.0}}));
        QVERIFY(waitFor([&] { return m_lastAck == 2; }, 5000));
        // The same session: a jump is a gap, and holds the ack.
        publish(message(10, now - 3000, {{QStringLiteral("j"), 10.0}}));
        QVERIFY(waitFor([&] { return points(QStringLiteral("metric=j")).size() == 3; }, 5000));
        waitFor([] { return false; }, 300);
        QCOMPARE(m_lastAck, 2);
        // It comes online again (as a restarted device does, before its telemetry) and continues at 1,000,000.
        reconnect();
        Messages::DeviceStatus online;
        online.state = Messages::DeviceStatus::State::Online;
        QVERIFY(m_client->publish(Topics::status(m_id), Messages::encode(online), 1, true).has_value());
        publish(message(1000000, now - 2000, {{QStringLiteral("j"), 4.0}}));
        publish(message(1000001, now - 1000, {{QStringLiteral("j"), 5.0}}));
        QVERIFY(waitFor([&] { return m_lastAck == 1000001; }, 5000));
        QCOMPARE(points(QStringLiteral("metric=j")).size(), 5);
        // Later in that session a gap holds the ack again.
        publish(message(1000005, now - 500, {{QStringLiteral("j"), 6.0}}));
        QVERIFY(waitFor([&] { return points(QStringLiteral("metric=j")).size() == 6; }, 5000));
        waitFor([] { return false; }, 300);
        QCOMPARE(m_lastAck, 1000001);
    }

    void refusedReadingsAreCountedAndAcknowledged()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        publish(message(1, now, {{QStringLiteral("bad name"), 1}}));                       // bad metric name, seq readable
        publish(message(2, now + 3600000, {{QStringLiteral("t"), 1}}));                    // an hour in the future
        publish("not json at all");                                                         // no seq: cannot be acknowledged
        publish(message(3, now, {{QStringLiteral("t"), 3}}));
        QVERIFY(waitFor([&] { return m_lastAck == 3; }, 5000));
        const QJsonObject h = health();
        const QJsonObject rejected = h.value(QStringLiteral("rejected")).toObject();
        QCOMPARE(rejected.value(QStringLiteral("bad_metric_name")).toInt(), 1);
        QCOMPARE(rejected.value(QStringLiteral("future_timestamp")).toInt(), 1);
        QCOMPARE(rejected.value(QStringLiteral("malformed")).toInt(), 1);
        QCOMPARE(h.value(QStringLiteral("stored_messages")).toInt(), 1);
        QCOMPARE(points(QStringLiteral("metric=t")).size(), 1);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/health")).status, 200);
        // The same, for this device alone, with the last refusal's detail.
        const HttpReply mine = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry/rejects").arg(m_id), {}, {}, token());
        QCOMPARE(mine.status, 200);
        const QJsonObject counts = mine.json().value(QStringLiteral("rejected")).toObject();
        QCOMPARE(counts.value(QStringLiteral("bad_metric_name")).toInt(), 1);
        QCOMPARE(counts.value(QStringLiteral("future_timestamp")).toInt(), 1);
        QCOMPARE(counts.value(QStringLiteral("malformed")).toInt(), 1);
        QCOMPARE(mine.json().value(QStringLiteral("total")).toInt(), 3);
        const QJsonObject last = mine.json().value(QStringLiteral("last")).toObject();
        QCOMPARE(last.value(QStringLiteral("reason")).toString(), QStringLiteral("malformed"));
        QVERIFY(last.value(QStringLiteral("seq")).isNull());
        QVERIFY(last.value(QStringLiteral("detail")).toString().contains(QStringLiteral("malformed JSON")));
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices/not-a-uuid/telemetry/rejects"), {}, {}, token()).status, 404);
    }

    void aDeviceTypeSchemaRefusesWhatBreaksIt()
    {
        const QString path = QStringLiteral("/v1/device-types/sensor/telemetry-schema");
        // No schema yet: an empty, permissive one; an unknown type is 404.
        HttpReply r = m_server->request("GET", path, {}, {}, token());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("version")).toInt(), 0);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/device-types/no-such-type/telemetry-schema"), {}, {}, token()).status, 404);
        QCOMPARE(m_server->request("PUT", QStringLiteral("/v1/device-types/no-such-type/telemetry-schema"), R"({"metrics":{}})", "application/json", token()).status, 404);

        // Bad documents are named.
        const QList<std::pair<QByteArray, QString>> bad = {
            {R"({})", QStringLiteral("\"metrics\" must be an object")},
            {R"({"metrics":{},"extra":1})", QStringLiteral("unknown field \"extra\"")},
            {R"({"metrics":{"temp":{"type":"float"}}})", QStringLiteral("\"type\" must be")},
            {R"({"metrics":{"temp":{"type":"number","min":5,"max":1}}})", QStringLiteral("above \"max\"")},
            {R"({"metrics":{"door":{"type":"string","min":0}}})", QStringLiteral("only for numbers")},
            {R"({"metrics":{"t e":{"type":"number"}}})", QStringLiteral("is not 1-64")},
            {R"({"metrics":{"temp":{"type":"number","colour":"red"}}})", QStringLiteral("unknown field \"colour\"")},
            {R"({"metrics":{},"allow_unknown":"no"})", QStringLiteral("\"allow_unknown\" must be")},
        };
        for (const auto &[body, detail] : bad) {
            r = m_server->request("PUT", path, body, "application/json", token());
            QVERIFY2(r.status == 422 || r.status == 400, qPrintable(QString::number(r.status) + QString::fromUtf8(r.body)));
            QVERIFY2(r.json().value(QStringLiteral("detail")).toString().contains(detail), r.body.constData());
        }

        r = m_server->request("PUT", path,
                              QJsonDocument(QJsonObject{{QStringLiteral("metrics"),
                                                         QJsonObject{{QStringLiteral("temp"), QJsonObject{{QStringLiteral("type"), QStringLiteral("number")},
                                                                                                         {QStringLiteral("unit"), QStringLiteral("°C")},
                                                                                                         {QStringLiteral("min"), -40},
                                                                                                         {QStringLiteral("max"), 125}}},
                                                                     {QStringLiteral("door"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                                                                     {QStringLiteral("alarm"), QJsonObject{{QStringLiteral("type"), QStringLiteral("boolean")}}}}},
                                                        {QStringLiteral("allow_unknown"), false}})
                                  .toJson(),
                              "application/json", token());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(r.json().value(QStringLiteral("metrics")).toObject().size(), 3);

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        publish(message(1, now - 5000, {{QStringLiteral("temp"), 21.5}, {QStringLiteral("door"), QStringLiteral("open")}, {QStringLiteral("alarm"), false}}));
        publish(message(2, now - 4000, {{QStringLiteral("temp"), 200}}));                         // above max
        publish(message(3, now - 3000, {{QStringLiteral("door"), 1}}));                           // a number for a string
        publish(message(4, now - 2000, {{QStringLiteral("alarm"), 1}}));                          // a number for a boolean
        publish(message(5, now - 1000, {{QStringLiteral("temp"), 22}, {QStringLiteral("humidity"), 40}})); // not in the schema
        publish(message(6, now - 500, {{QStringLiteral("temp"), -40}}));                          // the bound itself is fine
        QVERIFY(waitFor([&] { return m_lastAck == 6; }, 5000));                                   // refusals are acknowledged
        const QJsonObject rejected = health().value(QStringLiteral("rejected")).toObject();
        QCOMPARE(rejected.value(QStringLiteral("out_of_range")).toInt(), 1);
        QCOMPARE(rejected.value(QStringLiteral("wrong_type")).toInt(), 2);
        QCOMPARE(rejected.value(QStringLiteral("unknown_metric")).toInt(), 1);
        const HttpReply series = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?metric=temp&from=%2").arg(m_id).arg(now - 10000), {}, {}, token());
        const QJsonObject temp = series.json().value(QStringLiteral("series")).toArray().at(0).toObject();
        QCOMPARE(temp.value(QStringLiteral("unit")).toString(), QStringLiteral("°C"));
        QCOMPARE(temp.value(QStringLiteral("points")).toArray().size(), 2); // seq 1 and 6
        QCOMPARE(points(QStringLiteral("metric=humidity&from=") + QString::number(now - 10000)).size(), 0);

        // Removed: everything well-formed is taken again.
        QCOMPARE(m_server->request("DELETE", path, {}, {}, token()).status, 204);
        publish(message(7, now - 100, {{QStringLiteral("humidity"), 41}, {QStringLiteral("temp"), 500}}));
        QVERIFY(waitFor([&] { return m_lastAck == 7; }, 5000));
        QCOMPARE(points(QStringLiteral("metric=humidity&from=") + QString::number(now - 10000)).size(), 1);
        QCOMPARE(m_server->request("GET", path, {}, {}, token()).json().value(QStringLiteral("version")).toInt(), 0);
    }

    void aSchemaSurvivesARestart()
    {
        const QString path = QStringLiteral("/v1/device-types/sensor/telemetry-schema");
        QCOMPARE(m_server->request("PUT", path, R"({"metrics":{"temp":{"type":"number","max":10,"unit":"K"}}})", "application/json", token()).status, 200);
        QCOMPARE(m_server->request("PUT", path, R"({"metrics":{"temp":{"type":"number","max":50,"unit":"K"}}})", "application/json", token()).status, 200);
        m_client.reset();
        const auto second = restartInProcess(*m_server);
        QVERIFY(second);
        Principal viewer;
        viewer.tenantId = m_tenant;
        const TelemetrySchema schema = second->schemas().schema(viewer, QStringLiteral("sensor")).value_or(TelemetrySchema{});
        QCOMPARE(schema.version, 2);
        QCOMPARE(schema.metrics.value(QStringLiteral("temp")).max.value_or(0), 50.0);
        reconnect();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        publish(message(1, now - 1000, {{QStringLiteral("temp"), 60}}));
        publish(message(2, now - 500, {{QStringLiteral("temp"), 40}}));
        QVERIFY(waitFor([&] { return m_lastAck == 2; }, 5000));
        QCOMPARE(second->ingest().health().value(QStringLiteral("rejected")).toObject().value(QStringLiteral("out_of_range")).toInt(), 1);
        m_client.reset();
        second->stop();
    }

    void rollupsMatchRawData()
    {
        // 3 hours of readings every 20 s, in the past, with seeded random values; sent in arrays of 30.
        const qint64 start = (QDateTime::currentMSecsSinceEpoch() / 3600000 - 4) * 3600000 + 7000;
        QRandomGenerator rng(42);
        std::vector<std::pair<qint64, double>> raw;
        QJsonArray batch;
        qint64 seq = 0;
        for (qint64 ts = start; ts < start + 3 * 3600000; ts += 20000) {
            const double v = std::round(rng.bounded(1000.0)) / 10.0;
            raw.emplace_back(ts, v);
            batch.append(QJsonObject{{QStringLiteral("seq"), ++seq}, {QStringLiteral("ts"), ts}, {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("p"), v}}}});
            if (batch.size() == 30) {
                publish(QJsonDocument(batch).toJson(QJsonDocument::Compact));
                batch = QJsonArray();
            }
        }
        if (!batch.isEmpty())
            publish(QJsonDocument(batch).toJson(QJsonDocument::Compact));
        QVERIFY(waitFor([&] { return m_lastAck == seq; }, 15000));

        const QString range = QStringLiteral("&from=%1&to=%2").arg(start - start % 3600000).arg(start + 4 * 3600000);
        for (const qint64 interval : {qint64(30000), qint64(60000), qint64(300000), qint64(3600000)}) {
            std::map<qint64, std::vector<std::pair<qint64, double>>> buckets;
            for (const auto &[ts, v] : raw)
                buckets[ts / interval * interval].emplace_back(ts, v);
            for (const QString &agg : {QStringLiteral("avg"), QStringLiteral("min"), QStringLiteral("max"), QStringLiteral("sum"), QStringLiteral("count"), QStringLiteral("last")}) {
                const QJsonArray got = points(QStringLiteral("metric=p&interval=%1&agg=%2&limit=100000").arg(interval).arg(agg) + range);
                QCOMPARE(got.size(), int(buckets.size()));
                int i = 0;
                for (const auto &[bucket, values] : buckets) {
                    double expected = 0;
                    if (agg == u"count") {
                        expected = double(values.size());
                    } else if (agg == u"last") {
                        expected = values.back().second;
                    } else {
                        double sum = 0, mn = values.front().second, mx = mn;
                        for (const auto &[ts, v] : values) {
                            sum += v;
                            mn = std::min(mn, v);
                            mx = std::max(mx, v);
                        }
                        expected = agg == u"sum" ? sum : agg == u"min" ? mn : agg == u"max" ? mx : sum / double(values.size());
                    }
                    const QJsonArray p = got.at(i++).toArray();
                    QCOMPARE(p.at(0).toInteger(), bucket);
                    QVERIFY2(std::fabs(p.at(1).toDouble() - expected) < 1e-6,
                             qPrintable(QStringLiteral("%1 %2 at %3: got %4, expected %5").arg(agg).arg(interval).arg(bucket).arg(p.at(1).toDouble()).arg(expected)));
                }
            }
        }
        // Where each interval is answered from.
        const HttpReply hourly = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?metric=p&interval=1h") .arg(m_id) + range, {}, {}, token());
        QCOMPARE(hourly.json().value(QStringLiteral("source")).toString(), QStringLiteral("1h"));
        const HttpReply minutes = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?metric=p&interval=5m").arg(m_id) + range, {}, {}, token());
        QCOMPARE(minutes.json().value(QStringLiteral("source")).toString(), QStringLiteral("1m"));
        // Raw with a limit says it was cut.
        const HttpReply cut = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?metric=p&limit=10").arg(m_id) + range, {}, {}, token());
        QCOMPARE(cut.json().value(QStringLiteral("series")).toArray().at(0).toObject().value(QStringLiteral("points")).toArray().size(), 10);
        QVERIFY(cut.json().value(QStringLiteral("series")).toArray().at(0).toObject().value(QStringLiteral("truncated")).toBool());
        // So does an aggregate from a rollup, and it keeps the first buckets.
        const HttpReply cutAgg = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?metric=p&interval=5m&agg=max&limit=3").arg(m_id) + range, {}, {}, token());
        const QJsonObject aggSeries = cutAgg.json().value(QStringLiteral("series")).toArray().at(0).toObject();
        QCOMPARE(aggSeries.value(QStringLiteral("points")).toArray().size(), 3);
        QVERIFY(aggSeries.value(QStringLiteral("truncated")).toBool());
        QCOMPARE(aggSeries.value(QStringLiteral("points")).toArray().at(0).toArray().at(0).toInteger(), start / 300000 * 300000);
        const HttpReply whole = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?metric=p&interval=1h&agg=count&limit=3").arg(m_id) + range, {}, {}, token());
        QVERIFY(!whole.json().value(QStringLiteral("series")).toArray().at(0).toObject().value(QStringLiteral("truncated")).toBool());
        // Bands: each bucket's aggregate with its extremes, the same as agg=min and agg=max give, from the rollup too.
        for (const QString &interval : {QStringLiteral("5m"), QStringLiteral("90s")}) {
            const QString q = QStringLiteral("metric=p&interval=%1&limit=100000").arg(interval) + range;
            const QJsonArray banded = points(q + QStringLiteral("&bands=true"));
            const QJsonArray avg = points(q), mins = points(q + QStringLiteral("&agg=min")), maxs = points(q + QStringLiteral("&agg=max"));
            QVERIFY(!banded.isEmpty());
            QCOMPARE(banded.size(), avg.size());
            for (qsizetype i = 0; i < banded.size(); ++i) {
                const QJsonArray b = banded.at(i).toArray();
                QCOMPARE(b.size(), 4);
                QCOMPARE(b.at(0).toInteger(), avg.at(i).toArray().at(0).toInteger());
                QCOMPARE(b.at(1).toDouble(), avg.at(i).toArray().at(1).toDouble());
                QCOMPARE(b.at(2).toDouble(), mins.at(i).toArray().at(1).toDouble());
                QCOMPARE(b.at(3).toDouble(), maxs.at(i).toArray().at(1).toDouble());
            }
        }
    }

    void rawQueriesOfSeveralMetricsKeepEachSeriesApart()
    {
        // Messages carry different subsets of the metrics (SQLite stores a row per message, the readings packed).
        const qint64 t0 = (QDateTime::currentMSecsSinceEpoch() / 60000 - 30) * 60000;
        publish(message(1, t0 + 1000, {{QStringLiteral("a"), 1.0}, {QStringLiteral("b"), 10.0}}));
        publish(message(2, t0 + 2000, {{QStringLiteral("a"), 2.0}}));
        publish(message(3, t0 + 3000, {{QStringLiteral("b"), 30.0}, {QStringLiteral("c"), QStringLiteral("on")}}));
        publish(message(4, t0 + 31000, {{QStringLiteral("c"), QStringLiteral("off")}, {QStringLiteral("a"), 4.0}, {QStringLiteral("b"), true}}));
        publish(message(5, t0 + 32000, {{QStringLiteral("a"), 5.0}}));
        QVERIFY(waitFor([&] { return m_lastAck == 5; }, 5000));
        const QString range = QStringLiteral("&from=%1&to=%2").arg(t0).arg(t0 + 60000);
        const auto seriesOf = [&](const QString &query) {
            const HttpReply r = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?%2").arg(m_id, query) + range, {}, {}, token());
            QMap<QString, QString> out;
            for (const QJsonValue &s : r.json().value(QStringLiteral("series")).toArray()) {
                QStringList points;
                for (const QJsonValue &p : s.toObject().value(QStringLiteral("points")).toArray())
                    points << QStringLiteral("%1=%2").arg((p.toArray().at(0).toInteger() - t0) / 1000).arg(p.toArray().at(1).toVariant().toString());
                out.insert(s.toObject().value(QStringLiteral("metric")).toString(),
                           points.join(u' ') + (s.toObject().value(QStringLiteral("truncated")).toBool() ? QStringLiteral(" …") : QString()));
            }
            return out;
        };
        QMap<QString, QString> raw = seriesOf(QStringLiteral("metric=c,a,b,nothing"));
        QCOMPARE(raw.value(QStringLiteral("a")), QStringLiteral("1=1 2=2 31=4 32=5"));
        QCOMPARE(raw.value(QStringLiteral("b")), QStringLiteral("1=10 3=30 31=1"));
        QCOMPARE(raw.value(QStringLiteral("c")), QStringLiteral("3=on 31=off"));
        QCOMPARE(raw.value(QStringLiteral("nothing")), QString());
        QCOMPARE(raw.size(), 4);
        // The limit is per series: one that is full does not cut the others short.
        raw = seriesOf(QStringLiteral("metric=a,b,c&limit=2"));
        QCOMPARE(raw.value(QStringLiteral("a")), QStringLiteral("1=1 2=2 …"));
        QCOMPARE(raw.value(QStringLiteral("b")), QStringLiteral("1=10 3=30 …"));
        QCOMPARE(raw.value(QStringLiteral("c")), QStringLiteral("3=on 31=off"));
        // Raw aggregates (30 s buckets are under the 1-minute rollup) per metric; text readings are not numbers.
        raw = seriesOf(QStringLiteral("metric=a,b,c&interval=30s&agg=sum"));
        QCOMPARE(raw.value(QStringLiteral("a")), QStringLiteral("0=3 30=9"));
        QCOMPARE(raw.value(QStringLiteral("b")), QStringLiteral("0=40 30=1"));
        QCOMPARE(raw.value(QStringLiteral("c")), QString());
        raw = seriesOf(QStringLiteral("metric=a,b&interval=30s&agg=last&limit=1"));
        QCOMPARE(raw.value(QStringLiteral("a")), QStringLiteral("0=2 …"));
        QCOMPARE(raw.value(QStringLiteral("b")), QStringLiteral("0=30 …"));
    }

    void historyReadElsewhereKeepsTheConnectionsOrder()
    {
        // History is read on a thread of its own and answered later; HTTP/1.1 answers in request order, so a
        // request pipelined behind it on the same connection waits for it. A client gone first is no harm.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int seq = 1; seq <= 20; ++seq)
            publish(message(seq, now - 30000 + seq * 1000, {{QStringLiteral("o"), double(seq)}}));
        QVERIFY(waitFor([&] { return m_lastAck == 20; }, 5000));
        const auto open = [&](QSslSocket &socket) {
            QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
            ssl.setCaCertificates(QSslCertificate::fromPath(m_server->caFile()));
            socket.setSslConfiguration(ssl);
            socket.connectToHostEncrypted(QStringLiteral("localhost"), m_server->app().httpPort());
            return waitFor([&] { return socket.isEncrypted(); }, 5000); // the server runs on this thread: no blocking waits
        };
        const QByteArray history = "GET /v1/devices/" + m_id.toLatin1() + "/telemetry?metric=o&from=" + QByteArray::number(now - 60000)
            + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token() + "\r\n\r\n";
        const QByteArray health = "GET /v1/health HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token() + "\r\n\r\n";
        {
            QSslSocket socket;
            QVERIFY(open(socket));
            socket.write(history + health + history);
            // The complete responses so far, in the order they came: status line and body by Content-Length.
            QByteArray got;
            QList<QPair<QByteArray, QJsonObject>> responses;
            QVERIFY(waitFor([&] {
                got += socket.readAll();
                for (;;) {
                    const qsizetype end = got.indexOf("\r\n\r\n");
                    const qsizetype at = got.toLower().indexOf("content-length: ");
                    if (end < 0 || at < 0 || at > end)
                        break;
                    const qsizetype length = got.mid(at + 16, got.indexOf("\r\n", at) - at - 16).toLongLong();
                    if (got.size() < end + 4 + length)
                        break;
                    responses.append({got.left(got.indexOf("\r\n")), QJsonDocument::fromJson(got.mid(end + 4, length)).object()});
                    got.remove(0, end + 4 + length);
                }
                return responses.size() == 3;
            }, 10000));
            for (const auto &r : std::as_const(responses))
                QCOMPARE(r.first, QByteArray("HTTP/1.1 200 OK"));
            QCOMPARE(responses[0].second.value(QStringLiteral("device_id")).toString(), m_id);
            QVERIFY(responses[1].second.contains(QStringLiteral("telemetry"))); // the health answer, second as asked
            QCOMPARE(responses[2].second.value(QStringLiteral("device_id")).toString(), m_id);
            for (const int i : {0, 2})
                QCOMPARE(responses[i].second.value(QStringLiteral("series")).toArray().at(0).toObject().value(QStringLiteral("points")).toArray().size(), 20);
        }
        {
            QSslSocket gone;
            QVERIFY(open(gone));
            gone.write(history);
            QVERIFY(waitFor([&] { return gone.encryptedBytesToWrite() == 0 && gone.bytesToWrite() == 0; }, 5000));
            gone.abort(); // before the answer
        }
        waitFor([] { return false; }, 300);
        QCOMPARE(points(QStringLiteral("metric=o&from=%1").arg(now - 60000)).size(), 20);
    }

    void retentionDropsOldRawDataBeforeRollups()
    {
        // Readings 3 days old and fresh ones; the tenant keeps raw data for 2 days.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 old = (now - 3 * 86400000LL) / 60000 * 60000 + 5000; // both old readings in one minute
        publish(message(1, old, {{QStringLiteral("r"), 1.0}}));
        publish(message(2, old + 1000, {{QStringLiteral("r"), 2.0}}));
        publish(message(3, now - 1000, {{QStringLiteral("r"), 3.0}}));
        QVERIFY(waitFor([&] { return m_lastAck == 3; }, 5000));
        QVERIFY(m_server->app().database().exec(QStringLiteral("UPDATE tenants SET retention_days = 2 WHERE id = :t"), {{QStringLiteral("t"), m_tenant}}).has_value());
        const QString range = QStringLiteral("&from=%1&to=%2").arg(old - 3600000).arg(now + 1000);
        QCOMPARE(points(QStringLiteral("metric=r") + range).size(), 3);
        auto report = m_server->app().retention().applyRetention(now);
        QVERIFY2(report.has_value(), report ? "" : qPrintable(report.error().message));
        QCOMPARE(report->rawRows, qint64(2));
        QCOMPARE(report->minuteRows, qint64(0));
        // Raw: only the fresh reading; the minute rollups still cover the old ones.
        QCOMPARE(points(QStringLiteral("metric=r") + range).size(), 1);
        const QJsonArray minutes = points(QStringLiteral("metric=r&interval=1m&agg=count") + range);
        QCOMPARE(minutes.size(), 2);
        QCOMPARE(minutes.at(0).toArray().at(1).toDouble(), 2.0);
        // Running it again removes nothing more.
        QCOMPARE(m_server->app().retention().applyRetention(now)->rawRows, qint64(0));

        QFETCH_GLOBAL(QString, backend);
        if (backend == u"postgresql") {
            // Today's reading went to today's partition, made ahead at start; a partition older than every tenant's
            // retention is dropped whole.
            Storage::Database &db = m_server->app().database();
            const QString today = QStringLiteral("telemetry_p") + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd"));
            auto q = db.exec(QStringLiteral("SELECT COUNT(*) FROM ") + today);
            QVERIFY2(q.has_value() && q->next(), q ? "" : qPrintable(q.error().message));
            QCOMPARE(q->value(0).toInt(), 1);
            const qint64 day = 86400000;
            const qint64 tenDaysAgo = (now / day - 10) * day;
            const QString oldName = QStringLiteral("telemetry_p") + QDateTime::fromMSecsSinceEpoch(tenDaysAgo, Qt::UTC).toString(QStringLiteral("yyyyMMdd"));
            QVERIFY(db.exec(QStringLiteral("CREATE TABLE %1 PARTITION OF telemetry FOR VALUES FROM (%2) TO (%3)").arg(oldName).arg(tenDaysAgo).arg(tenDaysAgo + day)).has_value());
            QVERIFY(db.exec(QStringLiteral("UPDATE tenants SET retention_days = 2")).has_value());
            QCOMPARE(m_server->app().retention().applyRetention(now)->partitionsDropped, qint64(1));
            QVERIFY(!db.exec(QStringLiteral("SELECT 1 FROM pg_class WHERE relname = :n"), {{QStringLiteral("n"), oldName}})->next());
        }
    }

    void tenantQuotaDropsWhatIsOverTheRate()
    {
        QVERIFY(m_server->app().database().exec(QStringLiteral("UPDATE tenants SET max_telemetry_msgs_per_s = 5 WHERE id = :t"),
                                                {{QStringLiteral("t"), m_tenant}}).has_value());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QJsonArray burst;
        for (int seq = 1; seq <= 20; ++seq)
            burst.append(QJsonObject{{QStringLiteral("seq"), seq}, {QStringLiteral("ts"), now - 1000 + seq}, {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("q"), seq}}}});
        publish(QJsonDocument(burst).toJson(QJsonDocument::Compact));
        // All 20 are handled (acknowledged); only the first 5 fit the one-second burst of a 5 msg/s quota.
        QVERIFY(waitFor([&] { return m_lastAck == 20; }, 5000));
        QCOMPARE(points(QStringLiteral("metric=q")).size(), 5);
        const QJsonObject h = health();
        QCOMPARE(h.value(QStringLiteral("rate_limited")).toInt(), 15);
        QCOMPARE(h.value(QStringLiteral("rate_limited_by_tenant")).toObject().value(m_tenant).toInt(), 15);
        // After a second the bucket has refilled.
        waitFor([] { return false; }, 1100);
        publish(message(21, now + 100, {{QStringLiteral("q"), 21}}));
        QVERIFY(waitFor([&] { return m_lastAck == 21; }, 5000));
        QCOMPARE(points(QStringLiteral("metric=q")).size(), 6);
    }

    void aTenantsMetricNamesAreAQuota()
    {
        // Three names allowed: a message naming a fourth is refused whole (acknowledged, counted), the known ones go on.
        HttpReply r = m_server->requestJson("PATCH", QStringLiteral("/v1/tenants/%1").arg(m_tenant),
                                            {{QStringLiteral("quotas"), QJsonObject{{QStringLiteral("max_metrics"), 3}}}}, token());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("quotas")).toObject().value(QStringLiteral("max_metrics")).toInt(), 3);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        publish(message(1, now - 4000, {{QStringLiteral("a"), 1}, {QStringLiteral("b"), 1}}));
        publish(message(2, now - 3000, {{QStringLiteral("c"), 2}}));
        publish(message(3, now - 2000, {{QStringLiteral("a"), 3}, {QStringLiteral("d"), 3}})); // d would be the fourth
        publish(message(4, now - 1000, {{QStringLiteral("a"), 4}, {QStringLiteral("b"), 4}, {QStringLiteral("c"), 4}}));
        QVERIFY(waitFor([&] { return m_lastAck == 4; }, 5000));
        QCOMPARE(health().value(QStringLiteral("rejected")).toObject().value(QStringLiteral("metric_quota")).toInt(), 1);
        r = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry/rejects").arg(m_id), {}, {}, token());
        QVERIFY2(r.json().value(QStringLiteral("last")).toObject().value(QStringLiteral("detail")).toString().contains(QStringLiteral("max_metrics quota")), r.body.constData());
        QCOMPARE(points(QStringLiteral("metric=a&from=%1").arg(now - 10000)).size(), 2); // seq 3 was refused whole
        QCOMPARE(points(QStringLiteral("metric=d&from=%1").arg(now - 10000)).size(), 0);
        r = m_server->request("GET", QStringLiteral("/v1/tenants/%1").arg(m_tenant), {}, {}, token());
        QCOMPARE(r.json().value(QStringLiteral("usage")).toObject().value(QStringLiteral("metrics")).toInt(), 3);

        // The names were stored by the writer with the rows (not on the ingest path): after a restart they are still
        // known by name, and still counted against the quota.
        m_client.reset();
        const auto second = restartInProcess(*m_server);
        QVERIFY(second);
        QStringList stored;
        for (auto q = second->database().exec(QStringLiteral("SELECT name FROM metrics ORDER BY name")); q && q->next();)
            stored << q->value(0).toString();
        QCOMPARE(stored, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
        reconnect();
        publish(message(5, now - 500, {{QStringLiteral("e"), 5}}));
        publish(message(6, now - 400, {{QStringLiteral("b"), 6}}));
        QVERIFY(waitFor([&] { return m_lastAck == 6; }, 5000));
        QCOMPARE(second->ingest().health().value(QStringLiteral("rejected")).toObject().value(QStringLiteral("metric_quota")).toInt(), 1);
        Principal viewer;
        viewer.tenantId = m_tenant;
        const QJsonObject latest = second->latestValues().latest(viewer, m_tenant, {}, {}, 10).value_or(QJsonObject());
        const QJsonObject values = latest.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("metrics")).toObject();
        QCOMPARE(values.value(QStringLiteral("b")).toObject().value(QStringLiteral("value")).toDouble(), 6.0);
        QVERIFY(!values.contains(QStringLiteral("e")));
        m_client.reset();
        second->stop();
    }

    void sizeLimitRemovesTheOldestDaysButNeverToday()
    {
        const qint64 day = 86400000;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 today = now / day * day;
        publish(message(1, today - 3 * day + 1000, {{QStringLiteral("s"), 1.0}}));
        publish(message(2, today - 2 * day + 1000, {{QStringLiteral("s"), 2.0}}));
        publish(message(3, std::max(today + 1, now - 1000), {{QStringLiteral("s"), 3.0}}));
        QVERIFY(waitFor([&] { return m_lastAck == 3; }, 5000));
        TelemetryRetention &t = m_server->app().retention();
        auto untouched = t.applySizeRetention(now);
        QVERIFY(untouched.has_value());
        QCOMPARE(untouched->daysRemoved, qint64(0)); // no limit set
        t.setSizeLimit(1); // any database is over one byte: everything but today goes
        auto report = t.applySizeRetention(now);
        QVERIFY2(report.has_value(), report ? "" : qPrintable(report.error().message));
        QCOMPARE(report->daysRemoved, qint64(2));
        const QJsonArray left = points(QStringLiteral("metric=s&from=%1&to=%2").arg(today - 4 * day).arg(now + 1000));
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.at(0).toArray().at(1).toDouble(), 3.0);
    }

    void aggregatesStayInsideTheRange()
    {
        // 1,000 readings a second apart from 17 s into an hour, then the range [from, to) cuts a minute (and the
        // hour) at both ends: every aggregate of every bucket must come from the readings inside the range only,
        // whether it is served from raw rows, the 1-minute or the 1-hour rollup.
        const qint64 hour = 3600000;
        const qint64 base = (QDateTime::currentMSecsSinceEpoch() - 3 * hour) / hour * hour + 17000;
        struct Reading { qint64 ts; double v; };
        std::vector<Reading> readings;
        for (int i = 0; i < 1000; ++i)
            readings.push_back({base + i * 1000, double((i * 37) % 101) + i / 10.0});
        // In messages of 50 readings' worth (arrays): quicker than one publish each.
        for (int i = 0; i < 1000; i += 50) {
            QByteArray batch = "[";
            for (int k = i; k < i + 50; ++k)
                batch += (k > i ? "," : "") + message(k + 1, readings[size_t(k)].ts, {{QStringLiteral("v"), readings[size_t(k)].v}});
            publish(batch + "]");
        }
        QVERIFY(waitFor([&] { return m_lastAck == 1000; }, 10000));
        const qint64 from = base + 123500, to = base + 900000; // to is a reading's time: that reading is outside

        for (const QString &agg : {QStringLiteral("avg"), QStringLiteral("min"), QStringLiteral("max"), QStringLiteral("sum"),
                                   QStringLiteral("count"), QStringLiteral("last")}) {
            for (const qint64 interval : {qint64(60000), qint64(30000), hour}) { // 1-minute rollup, raw, 1-hour rollup
                std::map<qint64, std::vector<double>> buckets;
                for (const Reading &r : readings)
                    if (r.ts >= from && r.ts < to)
                        buckets[r.ts / interval * interval].push_back(r.v);
                const QJsonArray got = points(QStringLiteral("metric=v&from=%1&to=%2&interval=%3&agg=%4").arg(from).arg(to).arg(interval).arg(agg));
                QCOMPARE(got.size(), qsizetype(buckets.size()));
                qsizetype n = 0;
                for (const auto &[start, values] : buckets) {
                    double expected = 0;
                    if (agg == u"avg")
                        expected = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
                    else if (agg == u"min")
                        expected = *std::min_element(values.begin(), values.end());
                    else if (agg == u"max")
                        expected = *std::max_element(values.begin(), values.end());
                    else if (agg == u"sum")
                        expected = std::accumulate(values.begin(), values.end(), 0.0);
                    else if (agg == u"count")
                        expected = double(values.size());
                    else
                        expected = values.back();
                    const QJsonArray point = got.at(n++).toArray();
                    QCOMPARE(point.at(0).toInteger(), start);
                    QVERIFY2(std::abs(point.at(1).toDouble() - expected) < 1e-6 * std::max(1.0, std::abs(expected)),
                             qPrintable(QStringLiteral("%1 over %2 ms, bucket %3: %4, expected %5").arg(agg).arg(interval).arg(start)
                                            .arg(point.at(1).toDouble()).arg(expected)));
                }
            }
        }
        // Raw points over the same range agree: from inclusive, to exclusive.
        const QJsonArray raw = points(QStringLiteral("metric=v&from=%1&to=%2&limit=100000").arg(from).arg(to));
        QCOMPARE(raw.size(), qsizetype(std::count_if(readings.begin(), readings.end(), [&](const Reading &r) { return r.ts >= from && r.ts < to; })));
        QCOMPARE(raw.first().toArray().at(0).toInteger(), base + 124000);
        QCOMPARE(raw.last().toArray().at(0).toInteger(), to - 1000);
    }

    void sizeLimitTakesFromTheTenantHoldingTheMost()
    {
        // Two tenants' devices (the second device is registered normally and its telemetry rows filed under another
        // tenant id, which is what size retention groups by); rows written directly, sized exactly.
        const qint64 day = 86400000;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 today = now / day * day;
        const HttpReply quietDevice = m_server->requestJson("POST", QStringLiteral("/v1/devices"),
                                                            {{QStringLiteral("serial_number"), QStringLiteral("QUIET-1")},
                                                             {QStringLiteral("device_type"), QStringLiteral("sensor")}}, token());
        QCOMPARE(quietDevice.status, 201);
        Storage::Database &db = m_server->app().database();
        const auto keyOf = [&](const QString &device, const QString &tenant) -> qint64 {
            if (!db.exec(QStringLiteral("INSERT INTO telemetry_devices (device_id, tenant_id) VALUES (:d, :t)"),
                         {{QStringLiteral("d"), device}, {QStringLiteral("t"), tenant}}))
                return 0;
            auto q = db.exec(QStringLiteral("SELECT device_key FROM telemetry_devices WHERE device_id = :d"), {{QStringLiteral("d"), device}});
            return q && q->next() ? q->value(0).toLongLong() : 0;
        };
        const qint64 flood = keyOf(m_id, QStringLiteral("tenant-flood"));
        const qint64 quiet = keyOf(quietDevice.json().value(QStringLiteral("device_id")).toString(), QStringLiteral("tenant-quiet"));
        QVERIFY(flood && quiet);
        qint64 seq = 0;
        const auto noise = [](int bytes) { // incompressible: PostgreSQL stores (and counts) repetitive bytes compressed
            QByteArray b(bytes, Qt::Uninitialized);
            QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(b.data()), bytes / 4);
            return b;
        };
        const auto rows = [&](qint64 key, qint64 dayStart, int n, int bytes) {
            for (int i = 0; i < n; ++i)
                if (!db.exec(QStringLiteral("INSERT INTO telemetry (device_key, ts, seq, readings) VALUES (:k, :ts, :s, :r)"),
                             {{QStringLiteral("k"), key}, {QStringLiteral("ts"), dayStart + 1000 + i}, {QStringLiteral("s"), ++seq},
                              {QStringLiteral("r"), noise(bytes)}}))
                    return false;
            return true;
        };
        for (int d = 5; d >= 1; --d)
            QVERIFY(rows(flood, today - d * day, 50, 2000)); // 5 old days of ~100 kB
        QVERIFY(rows(flood, today, 1, 2000));
        QVERIFY(rows(quiet, today - 3 * day, 10, 100));      // one small old day
        QVERIFY(rows(quiet, today, 1, 100));
        TelemetryRetention &t = m_server->app().retention();
        t.setSizeLimit(300000);
        auto report = t.applySizeRetention(now);
        QVERIFY2(report.has_value(), report ? "" : qPrintable(report.error().message));
        // ~510 kB over 300 kB: three of the flooding tenant's days go; the quiet tenant's old day stays.
        QCOMPARE(report->daysRemovedByTenant, (QMap<QString, qint64>{{QStringLiteral("tenant-flood"), 3}}));
        QVERIFY(report->bytesAfter <= 300000);
        const auto count = [&](qint64 key) {
            auto q = db.exec(QStringLiteral("SELECT COUNT(*) FROM telemetry WHERE device_key = :k"), {{QStringLiteral("k"), key}});
            return q && q->next() ? q->value(0).toInt() : -1;
        };
        QCOMPARE(count(flood), 2 * 50 + 1);
        QCOMPARE(count(quiet), 11);
        // The scheduled run does the same on its own thread and connection: down to today only with a 1-byte limit.
        t.setSizeLimit(1);
        t.retentionLater(now);
        QVERIFY(waitFor([&] { return count(flood) == 1 && count(quiet) == 1; }, 10000));
    }

    void historyQueriesAreBoundedPerTenant()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QJsonObject many;
        for (int i = 0; i < 25; ++i)
            many.insert(QStringLiteral("m%1").arg(i, 2, 10, QLatin1Char('0')), i);
        publish(message(1, now - 1000, many));
        QVERIFY(waitFor([&] { return m_lastAck == 1; }, 5000));
        // Named: at most 20 metrics. All of a device's: the first 20 by name, and the answer says there are more.
        QStringList names;
        for (int i = 0; i < 21; ++i)
            names << QStringLiteral("m%1").arg(i, 2, 10, QLatin1Char('0'));
        const HttpReply tooMany = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?metric=%2").arg(m_id, names.join(u',')), {}, {}, token());
        QCOMPARE(tooMany.status, 400);
        QVERIFY2(tooMany.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("at most 20 metrics")), tooMany.body.constData());
        const HttpReply all = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?limit=100000").arg(m_id), {}, {}, token());
        QCOMPARE(all.status, 200);
        QCOMPARE(all.json().value(QStringLiteral("series")).toArray().size(), 20);
        QCOMPARE(all.json().value(QStringLiteral("more_metrics")).toBool(), true);
        QCOMPARE(all.json().value(QStringLiteral("limit")).toInt(), 50000); // 20 series x 50,000 = the 1,000,000 points a query may hold

        // Queued reads: four per tenant at a time; the fifth is refused at once, another tenant's still goes in.
        TelemetryHistory &t = m_server->app().history();
        Principal mine;
        mine.tenantId = m_tenant;
        TelemetryQuery q;
        q.fromMs = now - 60000;
        q.toMs = now + 1;
        int answered = 0, refused = 0;
        QString refusal;
        for (int i = 0; i < 5; ++i)
            t.historyLater(mine, m_id, q, [&](Result<HistoryResult> r) -> std::function<void()> {
                if (!r) {
                    refusal = r.error().message;
                    return [&] { ++refused; };
                }
                const bool itsHistory = r->deviceId == m_id && r->source == u"raw" && r->fromMs == q.fromMs && r->toMs == q.toMs;
                return [&answered, itsHistory] { answered += itsHistory ? 1 : 0; };
            });
        QCOMPARE(refused, 1); // at once, before any read ran
        QVERIFY2(refusal.contains(QStringLiteral("of this organisation")), qPrintable(refusal));
        Principal other;
        other.tenantId = QStringLiteral("another-tenant");
        bool otherAnswered = false;
        t.historyLater(other, m_id, q, [&](Result<HistoryResult> r) -> std::function<void()> {
            const bool notFound = !r && r.error().code == ErrorCode::NotFound; // not its device, but not refused as busy
            return [&otherAnswered, notFound] { otherAnswered = notFound; };
        });
        QVERIFY(otherAnswered);
        QVERIFY(waitFor([&] { return answered == 4; }, 10000));
        QCOMPARE(health().value(QStringLiteral("history_reads")).toObject().value(QStringLiteral("refused")).toInt(), 1);
        QCOMPARE(health().value(QStringLiteral("history_reads")).toObject().value(QStringLiteral("running")).toInt(), 0);
    }

    void databaseConnectionLossDelaysAcksButLosesNothing()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != u"postgresql")
            QSKIP("cutting the database connections is a PostgreSQL test");
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int seq = 1; seq <= 50; ++seq)
            publish(message(seq, now - 5000 + seq, {{QStringLiteral("k"), double(seq)}}));
        QVERIFY(waitFor([&] { return m_lastAck == 50; }, 5000));
        // Every other connection of this database is terminated, the writer's included.
        Storage::Database &db = m_server->app().database();
        auto killed = db.exec(QStringLiteral("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                             "WHERE datname = current_database() AND pid <> pg_backend_pid()"));
        QVERIFY2(killed.has_value(), killed ? "" : qPrintable(killed.error().message));
        QVERIFY(killed->next() && killed->value(0).toInt() >= 1);
        // The API's own connection was cut too: the next request reconnects instead of failing.
        const HttpReply list = m_server->request("GET", QStringLiteral("/v1/devices"), {}, {}, token());
        QCOMPARE(list.status, 200);
        for (int seq = 51; seq <= 100; ++seq)
            publish(message(seq, now - 5000 + seq, {{QStringLiteral("k"), double(seq)}}));
        // The writer reconnects and commits; only then are the devices acknowledged.
        QVERIFY(waitFor([&] { return m_lastAck == 100; }, 15000));
        QCOMPARE(points(QStringLiteral("metric=k&from=") + QString::number(now - 10000)).size(), 100);
    }

    void badQueriesGetClearErrors_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("detail");
        QTest::newRow("bad from") << QStringLiteral("from=yesterday") << QStringLiteral("\"from\"");
        QTest::newRow("from after to") << QStringLiteral("from=2000&to=1000") << QStringLiteral("before");
        QTest::newRow("bad interval") << QStringLiteral("interval=fast") << QStringLiteral("\"interval\"");
        QTest::newRow("tiny interval") << QStringLiteral("interval=10ms") << QStringLiteral("at least 1 s");
        QTest::newRow("too many buckets") << QStringLiteral("from=0&to=31536000000&interval=1s") << QStringLiteral("buckets");
        QTest::newRow("agg without interval") << QStringLiteral("agg=max") << QStringLiteral("needs an \"interval\"");
        QTest::newRow("bands without interval") << QStringLiteral("bands=true") << QStringLiteral("\"bands\" needs an \"interval\"");
        QTest::newRow("bands not a boolean") << QStringLiteral("interval=1m&bands=yes") << QStringLiteral("\"bands\" must be true or false");
        QTest::newRow("unknown agg") << QStringLiteral("interval=1m&agg=median") << QStringLiteral("\"agg\"");
        QTest::newRow("bad limit") << QStringLiteral("limit=0") << QStringLiteral("\"limit\"");
        QTest::newRow("range too long") << QStringLiteral("from=0&to=99999999999999") << QStringLiteral("400 days");
    }

    void badQueriesGetClearErrors()
    {
        QFETCH(QString, query);
        QFETCH(QString, detail);
        const HttpReply r = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?%2").arg(m_id, query), {}, {}, token());
        QCOMPARE(r.status, 400);
        QVERIFY2(r.json().value(QStringLiteral("detail")).toString().contains(detail), r.body.constData());
    }

    void otherTenantsAndUnknownDevices()
    {
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices/6b0f3d1e-0000-4000-8000-000000000000/telemetry"), {}, {}, token()).status, 404);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/tenants/someone-else/telemetry/latest"), {}, {}, token()).status, 404);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry").arg(m_id)).status, 401);
    }

    void progressAndLatestSurviveARestart()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int seq = 1; seq <= 3; ++seq)
            publish(message(seq, now - 10000 + seq, {{QStringLiteral("x"), double(seq)}}));
        QVERIFY(waitFor([&] { return m_lastAck == 3; }, 5000));
        m_client.reset();
        const auto second = restartInProcess(*m_server);
        QVERIFY(second);
        Principal viewer;
        viewer.tenantId = m_tenant;
        const QJsonObject latest = second->latestValues().latest(viewer, m_tenant, {}, {}, 10).value_or(QJsonObject());
        QCOMPARE(latest.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("metrics")).toObject()
                     .value(QStringLiteral("x")).toObject().value(QStringLiteral("value")).toDouble(), 3.0);
        // The high-water mark came back from storage: a re-send is recognised.
        m_lastAck = 0;
        reconnect();
        publish(message(2, now - 10000 + 2, {{QStringLiteral("x"), 2.0}}));
        QVERIFY(waitFor([&] { return m_lastAck == 3; }, 5000));
        QCOMPARE(second->ingest().health().value(QStringLiteral("duplicates")).toInt(), 1);
        m_client.reset();
        second->stop();
    }
};

QTEST_GUILESS_MAIN(TestTelemetry)
#include "tst_telemetry.moc"
