// One hostile device against a real server and its embedded broker: oversized, malformed, misaddressed and flooding
// messages from it must cost it alone. Another device's readings keep being stored and acknowledged throughout, the
// server's broker link never drops, and every refusal is counted where an operator looks (/v1/health).
#include "mqtt/mqttconnection.h"
#include "pki/certificateauthority.h"
#include "protocol/messages.h"
#include "protocol/telemetry.h"
#include "protocol/topics.h"
#include "broker/brokerlink.h"
#include "events/eventbus.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUuid>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

namespace {

struct Device
{
    QString id;
    std::unique_ptr<MqttConnection> client;
    QString certFile, keyFile;
    qint64 lastAck = 0;
    int connects = 0;
    QStringList drops; ///< why its connections ended
};

QByteArray message(qint64 seq, const QJsonObject &metrics)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("seq"), seq}, {QStringLiteral("ts"), QDateTime::currentMSecsSinceEpoch()},
                                     {QStringLiteral("metrics"), metrics}}).toJson(QJsonDocument::Compact);
}

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_files;
    int m_serial = 0;

    std::unique_ptr<Device> enrol()
    {
        auto d = std::make_unique<Device>();
        auto kc = Pki::makeKeyAndRequest(QStringLiteral("x"));
        if (!kc)
            return nullptr;
        const HttpReply r = m_server->requestJson("POST", QStringLiteral("/v1/devices"),
                                                  {{QStringLiteral("serial_number"), QStringLiteral("HOSTILE-%1").arg(++m_serial)},
                                                   {QStringLiteral("device_type"), QStringLiteral("sensor")},
                                                   {QStringLiteral("csr"), QString::fromLatin1(kc->second)}}, m_server->adminToken());
        if (r.status != 201)
            return nullptr;
        d->id = r.json().value(QStringLiteral("device_id")).toString();
        QFile c(m_files.filePath(d->id + QStringLiteral(".crt"))), k(m_files.filePath(d->id + QStringLiteral(".key")));
        if (!c.open(QIODevice::WriteOnly) || !k.open(QIODevice::WriteOnly))
            return nullptr;
        c.write(r.json().value(QStringLiteral("certificate")).toString().toLatin1());
        k.write(kc->first);
        c.close();
        k.close();
        d->certFile = c.fileName();
        d->keyFile = k.fileName();
        if (!connectClient(*d))
            return nullptr;
        return d;
    }

    /// A new client (a fresh libmosquitto instance) for the device, connected and subscribed to its acks.
    bool connectClient(Device &d)
    {
        MqttClientOptions o;
        o.host = QStringLiteral("localhost");
        o.port = m_server->mqttPort();
        o.clientId = d.id;
        o.caFile = m_server->caFile();
        o.certFile = d.certFile;
        o.keyFile = d.keyFile;
        o.reconnectMinMs = 100;
        o.reconnectMaxMs = 500;
        o.maxInflight = 1000;
        d.client = std::make_unique<MqttConnection>(o);
        Device *raw = &d;
        connect(raw->client.get(), &MqttConnection::messageReceived, this, [raw](const QString &topic, const QByteArray &payload) {
            if (topic == Topics::telemetryAck(raw->id))
                raw->lastAck = std::max(raw->lastAck, Telemetry::decodeAck(payload).value_or(0));
        });
        connect(raw->client.get(), &MqttConnection::disconnected, this, [raw](const QString &why) { raw->drops << why; });
        connect(raw->client.get(), &MqttConnection::connected, this, [raw] {
            ++raw->connects;
            (void)raw->client->subscribe(Topics::telemetryAck(raw->id), 1);
        });
        if (!raw->client->start().has_value())
            return false;
        if (!waitFor([&] { return raw->client->state() == MqttConnection::State::Connected; }, 10000))
            return false;
        waitFor([] { return false; }, 100); // the SUBACK
        return true;
    }

    QString brokerLog()
    {
        QFile f(m_server->dataDir() + QStringLiteral("/broker/mosquitto.log"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll().right(1500)) : f.errorString();
    }

    QJsonObject health(const char *part)
    {
        return m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, m_server->adminToken()).json().value(QLatin1String(part)).toObject();
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    }

    void cleanup() { m_server.reset(); }

    void theBrokerConfigurationBoundsPackets()
    {
        QFile conf(m_server->dataDir() + QStringLiteral("/broker/mosquitto.conf"));
        QVERIFY(conf.open(QIODevice::ReadOnly));
        const QByteArray text = conf.readAll();
        QVERIFY(text.contains("\nmax_packet_size " + QByteArray::number(Messages::kMaxBrokerPacketBytes) + "\n"));
        QVERIFY(text.contains("\nplugin_opt_max_device_payload " + QByteArray::number(Messages::kMaxDevicePayloadBytes) + "\n"));
    }

    void aBlockListLargerThanThePacketCapStillReachesTheBroker()
    {
        // max_packet_size applies to the server's own publishes too: 40,000 blocked ids (1.5 MB) go in parts.
        auto device = enrol();
        QVERIFY(device);
        QStringList ids;
        for (int i = 0; i < 40000; ++i)
            ids << QUuid::createUuid().toString(QUuid::WithoutBraces);
        ids << device->id;
        BrokerLink &link = m_server->app().brokerLink();
        link.setBlockListProvider([ids] { return ids; });
        link.client().abort(); // the whole list goes again at the next connect
        QVERIFY(link.start().has_value());
        QVERIFY(waitFor([&] { return link.isConnected(); }, 10000));
        QVERIFY2(waitFor([&] { return brokerLog().contains(QStringLiteral("block list set, 40001 devices")); }, 10000), qPrintable(brokerLog()));
        // The last id of the last part is in force: that device is put off and stays off.
        QVERIFY(waitFor([&] { return device->client->state() != MqttConnection::State::Connected; }, 5000));
        waitFor([] { return false; }, 1000);
        QVERIFY(device->client->state() != MqttConnection::State::Connected);
        QVERIFY(link.isConnected());
        device->client->stop();
    }

    void connectionEventsFollowWhatTheRegistryStored()
    {
        auto d = enrol();
        QVERIFY(d);
        QObject scope;
        QStringList seen; // "online:<stored connection>" at the moment of each event
        connect(&m_server->app().events(), &EventBus::connectionChanged, &scope, [&](const ConnectionEvent &e) {
            if (e.deviceId != d->id)
                return;
            auto q = m_server->app().database().exec(QStringLiteral("SELECT connection FROM devices WHERE id = :id"), {{QStringLiteral("id"), d->id}});
            seen << QStringLiteral("%1:%2").arg(e.online ? QStringLiteral("online") : QStringLiteral("offline"),
                                                q && q->next() ? q->value(0).toString() : QStringLiteral("?"));
        });
        Messages::DeviceStatus st;
        st.state = Messages::DeviceStatus::State::Offline;
        (void)d->client->publish(Topics::status(d->id), Messages::encode(st), 1, true);
        QVERIFY(waitFor([&] { return seen.size() == 1; }, 5000));
        st.state = Messages::DeviceStatus::State::Online;
        st.firmwareVersion = QStringLiteral("2.0.0");
        (void)d->client->publish(Topics::status(d->id), Messages::encode(st), 1, true);
        QVERIFY(waitFor([&] { return seen.size() == 2; }, 5000));
        // Each event came after its row was written.
        QCOMPARE(seen, (QStringList{QStringLiteral("offline:offline"), QStringLiteral("online:online")}));
        // A malformed status is counted once, by the one owner, and makes no event.
        (void)d->client->publish(Topics::status(d->id), "not a status", 1, true);
        QVERIFY(waitFor([&] { return health("mqtt").value(QStringLiteral("rejected_status_messages")).toInt() == 1; }, 5000));
        QCOMPARE(seen.size(), 2);
        // A suspended device's status changes nothing and makes no event.
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/devices/%1/suspend").arg(d->id), {}, {}, m_server->adminToken()).status, 200);
        waitFor([] { return false; }, 300);
        const int before = int(seen.size());
        (void)d->client->publish(Topics::status(d->id), Messages::encode(st), 1, true);
        waitFor([] { return false; }, 500);
        QCOMPARE(int(seen.size()), before);
        d->client->stop();
    }

    void aStatusFloodIsCoalescedAndItsLastWordKept()
    {
        m_server->app().brokerLink().setStatusRateLimit(3, 1500);
        auto quiet = enrol();
        auto hostile = enrol();
        QVERIFY(quiet && hostile);
        QObject scope;
        QList<QByteArray> seen;
        int quietSeen = 0;
        connect(&m_server->app().brokerLink(), &BrokerLink::statusMessage, &scope, [&](const QString &device, const QByteArray &payload, bool) {
            if (device == hostile->id)
                seen << payload;
            else if (device == quiet->id)
                ++quietSeen;
        });
        waitFor([] { return false; }, 200);
        const int quietBefore = quietSeen;
        // 200 status messages as fast as the client can send them, flapping, each with its own firmware version.
        QByteArray last;
        for (int i = 0; i < 200; ++i) {
            Messages::DeviceStatus st;
            st.state = i % 2 ? Messages::DeviceStatus::State::Online : Messages::DeviceStatus::State::Offline;
            st.firmwareVersion = QStringLiteral("1.0.%1").arg(i);
            last = Messages::encode(st);
            (void)hostile->client->publish(Topics::status(hostile->id), last, 1, true);
        }
        // A few pass at once, the latest waits for the end of the window and then passes: the last word is kept.
        QVERIFY2(waitFor([&] { return !seen.isEmpty() && seen.last() == last; }, 10000), qPrintable(QString::number(seen.size())));
        QVERIFY2(seen.size() <= 3 + 2, qPrintable(QStringLiteral("%1 status messages passed on").arg(seen.size())));
        const HttpReply device = m_server->request("GET", QStringLiteral("/v1/devices/") + hostile->id, {}, {}, m_server->adminToken());
        QVERIFY2(device.json().value(QStringLiteral("firmware_version")).toString() == QStringLiteral("1.0.199"), device.body.constData());
        const QJsonObject counts = health("broker").value(QStringLiteral("status_messages")).toObject();
        QVERIFY2(counts.value(QStringLiteral("superseded")).toInt() >= 150, QJsonDocument(counts).toJson().constData());
        QVERIFY(counts.value(QStringLiteral("delayed")).toInt() >= 1);
        // Another device's status is not held back by it.
        Messages::DeviceStatus online;
        online.state = Messages::DeviceStatus::State::Online;
        (void)quiet->client->publish(Topics::status(quiet->id), Messages::encode(online), 1, true);
        QVERIFY(waitFor([&] { return quietSeen > quietBefore; }, 1000));
        hostile->client->stop();
        quiet->client->stop();
    }

    void oneHostileDeviceCostsOnlyItself()
    {
        auto victim = enrol();
        auto hostile = enrol();
        QVERIFY(victim && hostile);
        QObject scope; // the lambdas below see this function's locals: they must not outlive it
        int linkDowns = 0;
        connect(&m_server->app().brokerLink(), &BrokerLink::linkDown, &scope, [&] { ++linkDowns; });
        QStringList oversizeDevices;
        connect(&m_server->app().brokerLink(), &BrokerLink::oversizeRefused, &scope,
                [&](const QString &device, qint64, bool byBroker) { if (byBroker) oversizeDevices << device; });

        // The victim sends a reading every 20 ms for the whole test and must get every one acknowledged.
        qint64 victimSeq = 0;
        QTimer steady;
        connect(&steady, &QTimer::timeout, &scope, [&] {
            if (victim->client->state() != MqttConnection::State::Connected)
                return;
            const qint64 seq = ++victimSeq;
            (void)victim->client->publish(Topics::telemetry(victim->id), message(seq, {{QStringLiteral("t"), double(seq)}}), 1);
        });
        steady.start(20);

        // 1. Oversized. 16 MiB (the size that took the platform down was 20 MB) and 2 MiB: over the broker's hard cap, the
        // device is disconnected before the broker reads it. Just over the device limit and 900 KB: refused by the
        // plugin, counted for this device; the device stays connected.
        const QString topic = Topics::telemetry(hostile->id);
        for (const qsizetype size : {qsizetype(MqttConnection::kMaxPacketBytes), qsizetype(2 * 1024 * 1024)}) {
            const int before = hostile->connects;
            (void)hostile->client->publish(topic, QByteArray(size, '{'), 0);
            QVERIFY2(waitFor([&] { return hostile->connects > before && hostile->client->state() == MqttConnection::State::Connected; }, 10000),
                     qPrintable(QStringLiteral("not disconnected for %1 bytes; broker log:\n%2").arg(size).arg(brokerLog())));
        }
        // Refused by the plugin. (mosquitto 2.0.11 with max_queued_messages 0 also drops a device's connection
        // after any refused QoS 1 publish, having sent its PUBACK: the device comes back and pays alone.)
        int pubacks = 0;
        connect(hostile->client.get(), &MqttConnection::published, &scope, [&] { ++pubacks; });
        for (const qsizetype size : {qsizetype(Messages::kMaxDevicePayloadBytes + 1), qsizetype(900 * 1000)}) {
            QVERIFY(waitFor([&] { return hostile->client->state() == MqttConnection::State::Connected; }, 10000));
            const int before = pubacks;
            const auto sent = hostile->client->publish(topic, QByteArray(size, ' '), 1);
            QVERIFY2(sent.has_value(), qPrintable(QStringLiteral("%1 bytes: %2").arg(size).arg(sent ? QString() : sent.error().message)));
            QVERIFY2(waitFor([&] { return pubacks > before; }, 5000), qPrintable(brokerLog()));
        }
        QVERIFY2(waitFor([&] { return oversizeDevices.size() >= 1; }, 5000),
                 qPrintable(QStringLiteral("the broker's plugin did not report the oversized messages; its log:\n") + brokerLog()));
        QVERIFY(oversizeDevices.contains(hostile->id));
        QVERIFY(!oversizeDevices.contains(victim->id));
        QVERIFY(waitFor([&] { return m_server->app().brokerLink().health().value(QStringLiteral("oversized_refused_by_broker")).toInt() == 2; }, 5000));

        // 2. Malformed and hostile shapes the broker lets through (each under the packet limit): refused and counted.
        QVERIFY(waitFor([&] { return hostile->client->state() == MqttConnection::State::Connected; }, 10000));
        QJsonObject manyMetrics;
        for (int i = 0; i < 10000; ++i)
            manyMetrics.insert(QStringLiteral("m%1").arg(i), i);
        QByteArray deep = QByteArray(5000, '[') + QByteArray(5000, ']');
        const QList<QByteArray> bad{
            "not json", QByteArray(200 * 1024, 'x'), deep, message(1, manyMetrics).left(250 * 1024),
            message(2, manyMetrics), "{\"seq\":3,\"metrics\":{\"t\":{\"nested\":1}}}", QByteArray("\xff\xfe\x00garbage", 10),
        };
        for (const QByteArray &payload : bad)
            (void)hostile->client->publish(topic, payload, 1);
        // Misaddressed: another device's telemetry, a topic outside its own tree, the server's control topic.
        (void)hostile->client->publish(Topics::telemetry(victim->id), message(999999, {{QStringLiteral("t"), -1}}), 1);
        (void)hostile->client->publish(QStringLiteral("devices"), "x", 1);
        (void)hostile->client->publish(QString::fromLatin1(BrokerLink::kControlTopic), "set\n", 1);
        (void)hostile->client->publish(QString::fromLatin1(BrokerLink::kRejectsTopic), "oversize " + victim->id.toLatin1() + " 99\n", 1);

        // 3. A flood: 20,000 small valid messages as fast as the client can push them.
        for (int seq = 10; seq < 20010; ++seq)
            (void)hostile->client->publish(topic, message(seq, {{QStringLiteral("f"), seq}}), 1);

        // Through all of it the victim's readings are stored and acknowledged.
        const qint64 target = victimSeq + 50;
        QVERIFY2(waitFor([&] { return victim->lastAck >= target; }, 30000),
                 qPrintable(QStringLiteral("victim acked to %1 of %2").arg(victim->lastAck).arg(target)));
        steady.stop();
        QVERIFY(waitFor([&] { return victim->lastAck == victimSeq; }, 10000));
        QCOMPARE(linkDowns, 0);

        const QJsonObject broker = health("broker");
        QCOMPARE(broker.value(QStringLiteral("status")).toString(), QStringLiteral("connected"));
        QVERIFY2(broker.value(QStringLiteral("oversized_refused_by_broker")).toInt() == 2, QJsonDocument(broker).toJson().constData());
        QCOMPARE(broker.value(QStringLiteral("oversized_skipped")).toInt(), 0); // the broker stopped them all
        QVERIFY(!oversizeDevices.contains(victim->id)); // a device cannot forge the plugin's report

        const QJsonObject telemetry = health("telemetry");
        const QJsonObject rejected = telemetry.value(QStringLiteral("rejected")).toObject();
        QVERIFY2(rejected.value(QStringLiteral("malformed")).toInt() >= 4, QJsonDocument(rejected).toJson().constData());
        // The forged reading for the victim never arrived: its highest stored seq is its own.
        const HttpReply stored = m_server->request("GET", QStringLiteral("/v1/devices/%1/telemetry?metric=t&limit=100000").arg(victim->id), {}, {}, m_server->adminToken());
        QCOMPARE(stored.status, 200);
        const QJsonArray points = stored.json().value(QStringLiteral("series")).toArray().at(0).toObject().value(QStringLiteral("points")).toArray();
        QCOMPARE(points.size(), qsizetype(victimSeq));
        for (const QJsonValue &p : points)
            QVERIFY2(p.toArray().at(1).toDouble() >= 1, QJsonDocument(p.toArray()).toJson().constData());
        hostile->client->stop();
        victim->client->stop();
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
