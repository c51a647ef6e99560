// Command & control end to end against a real server and broker, on SQLite and PostgreSQL: every state transition
// with a scripted device (which replies only what a test tells it), the offline queue and its order, expiry,
// timeouts, cancel, rejections, the queue bound, a restart in the middle of commands, group commands and the twin,
// and bad input from operators and from devices.
#include "commands/commandservice.h"
#include "runtime/application.h"
#include "mqtt/mqttclient.h"
#include "pki/certificateauthority.h"
#include "protocol/commands.h"
#include "protocol/messages.h"
#include "protocol/topics.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

namespace {

/// A device whose every reply is scripted by the test: it records what the server sends it.
class ScriptedDevice : public QObject
{
public:
    QString id;
    QString certFile, keyFile, caFile;
    quint16 port = 0;
    std::unique_ptr<MqttClient> client;
    QList<Commands::CommandMessage> commands;
    QList<Commands::ConfigDocument> desired;

    bool connectNow(bool announceOnline = true)
    {
        MqttClientOptions o;
        o.host = QStringLiteral("localhost");
        o.port = port;
        o.clientId = id;
        o.caFile = caFile;
        o.certFile = certFile;
        o.keyFile = keyFile;
        o.cleanSession = false;
        o.willTopic = Topics::status(id);
        o.willPayload = Messages::encode(Messages::DeviceStatus{Messages::DeviceStatus::State::Offline, {}});
        client = std::make_unique<MqttClient>(o);
        bool subscribed = false;
        connect(client.get(), &MqttClient::connected, this, [this] {
            (void)client->subscribe(Topics::command(id, QStringLiteral("+")), 1);
            (void)client->subscribe(Topics::configDesired(id), 1);
        });
        connect(client.get(), &MqttClient::subscribed, this, [&subscribed] { subscribed = true; });
        connect(client.get(), &MqttClient::messageReceived, this, [this](const QString &topic, const QByteArray &payload) {
            const auto t = Topics::parse(topic);
            if (t && t->kind == Topics::Kind::Command)
                if (auto m = Commands::decodeCommand(payload))
                    commands.append(*m);
            if (t && t->kind == Topics::Kind::ConfigDesired)
                if (auto d = Commands::decodeDesired(payload))
                    desired.append(*d);
        });
        if (!client->start())
            return false;
        if (!waitFor([&] { return client->state() == MqttClient::State::Connected && subscribed; }, 10000))
            return false;
        waitFor([] { return false; }, 100); // both SUBACKs
        if (announceOnline)
            setOnline(true);
        return true;
    }

    void setOnline(bool online)
    {
        const auto state = online ? Messages::DeviceStatus::State::Online : Messages::DeviceStatus::State::Offline;
        (void)client->publish(Topics::status(id), Messages::encode(Messages::DeviceStatus{state, QStringLiteral("1.0.0")}), 1, true);
    }

    void disconnectNow()
    {
        if (client && client->state() == MqttClient::State::Connected) {
            setOnline(false);
            waitFor([] { return false; }, 100);
            client->stop();
        }
        client.reset();
    }

    void reply(const QString &commandId, Commands::Reply::Status status, const QJsonObject &result = {})
    {
        (void)client->publish(Topics::commandReply(id, commandId), Commands::encode(Commands::Reply{status, result}), 1);
    }
};

} // namespace

class TestCommands : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_files;
    QString m_tenant;
    int m_serial = 0;
    std::vector<std::unique_ptr<ScriptedDevice>> m_devices;

    QByteArray token() { return m_server->adminToken(); }

    /// Registers a device (not yet connected).
    ScriptedDevice *makeDevice(const QString &type = QStringLiteral("controller"), const QStringList &tags = {})
    {
        auto kc = Pki::makeKeyAndRequest(QStringLiteral("x"));
        if (!kc)
            return nullptr;
        const HttpReply r = m_server->requestJson("POST", QStringLiteral("/v1/devices"),
                                                  {{QStringLiteral("serial_number"), QStringLiteral("CMD-%1").arg(++m_serial)},
                                                   {QStringLiteral("device_type"), type},
                                                   {QStringLiteral("tags"), QJsonArray::fromStringList(tags)},
                                                   {QStringLiteral("csr"), QString::fromLatin1(kc->second)}}, token());
        if (r.status != 201)
            return nullptr;
        auto d = std::make_unique<ScriptedDevice>();
        d->id = r.json().value(QStringLiteral("device_id")).toString();
        m_tenant = r.json().value(QStringLiteral("tenant_id")).toString();
        d->certFile = m_files.filePath(d->id + QStringLiteral(".crt"));
        d->keyFile = m_files.filePath(d->id + QStringLiteral(".key"));
        d->caFile = m_server->caFile();
        d->port = m_server->mqttPort();
        QFile c(d->certFile), k(d->keyFile);
        if (!c.open(QIODevice::WriteOnly) || !k.open(QIODevice::WriteOnly))
            return nullptr;
        c.write(r.json().value(QStringLiteral("certificate")).toString().toLatin1());
        k.write(kc->first);
        m_devices.push_back(std::move(d));
        return m_devices.back().get();
    }

    ScriptedDevice *onlineDevice(const QString &type = QStringLiteral("controller"), const QStringList &tags = {})
    {
        ScriptedDevice *d = makeDevice(type, tags);
        if (!d || !d->connectNow())
            return nullptr;
        if (!waitFor([&] { return deviceConnection(d->id) == u"online"; }, 5000))
            return nullptr;
        return d;
    }

    QString deviceConnection(const QString &id)
    {
        return m_server->request("GET", QStringLiteral("/v1/devices/") + id, {}, {}, token()).json().value(QStringLiteral("connection")).toString();
    }

    HttpReply send(const QString &deviceId, const QJsonObject &body)
    {
        return m_server->requestJson("POST", QStringLiteral("/v1/devices/%1/commands").arg(deviceId), body, token());
    }

    QJsonObject command(const QString &id) { return m_server->request("GET", QStringLiteral("/v1/commands/") + id, {}, {}, token()).json(); }
    QString status(const QString &id) { return command(id).value(QStringLiteral("status")).toString(); }
    bool reaches(const QString &id, const QString &state, int ms = 5000) { return waitFor([&] { return status(id) == state; }, ms); }

    QJsonObject commandsHealth()
    {
        return m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, m_server->adminToken()).json().value(QStringLiteral("commands")).toObject();
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
    }

    void cleanup()
    {
        m_devices.clear();
        m_server.reset();
    }

    void everyStateOfASucceedingCommand()
    {
        ScriptedDevice *d = onlineDevice();
        QVERIFY(d);
        const HttpReply r = send(d->id, {{QStringLiteral("type"), QStringLiteral("set_reporting_interval")},
                                         {QStringLiteral("payload"), QJsonObject{{QStringLiteral("interval_s"), 5}}},
                                         {QStringLiteral("timeout_s"), 20}});
        QCOMPARE(r.status, 201);
        const QString id = r.json().value(QStringLiteral("command_id")).toString();
        QVERIFY(!QUuid::fromString(id).isNull());
        QVERIFY(QStringList({QStringLiteral("queued"), QStringLiteral("sent")}).contains(r.json().value(QStringLiteral("status")).toString()));
        // Sent: the broker has it, and the device gets exactly what was asked.
        QVERIFY(reaches(id, QStringLiteral("sent")));
        QVERIFY(waitFor([&] { return d->commands.size() == 1; }, 5000));
        QCOMPARE(d->commands.first().commandId, id);
        QCOMPARE(d->commands.first().type, QStringLiteral("set_reporting_interval"));
        QCOMPARE(d->commands.first().payload.value(QStringLiteral("interval_s")).toInt(), 5);
        QCOMPARE(d->commands.first().timeoutS, 20);
        QVERIFY(d->commands.first().expiresAtMs > QDateTime::currentMSecsSinceEpoch() + 3500 * 1000);
        QVERIFY(command(id).value(QStringLiteral("delivered_at")).isNull());

        d->reply(id, Commands::Reply::Status::Delivered);
        QVERIFY(reaches(id, QStringLiteral("delivered")));
        d->reply(id, Commands::Reply::Status::Succeeded, {{QStringLiteral("interval_s"), 5}});
        QVERIFY(reaches(id, QStringLiteral("succeeded")));
        const QJsonObject c = command(id);
        QCOMPARE(c.value(QStringLiteral("result")).toObject().value(QStringLiteral("interval_s")).toInt(), 5);
        QCOMPARE(c.value(QStringLiteral("final")).toBool(), true);
        QCOMPARE(c.value(QStringLiteral("device_id")).toString(), d->id);
        const QJsonArray history = c.value(QStringLiteral("history")).toArray();
        QCOMPARE(history.size(), 4);
        QStringList states;
        for (const QJsonValue &h : history) {
            states << h.toObject().value(QStringLiteral("status")).toString();
            QVERIFY(h.toObject().value(QStringLiteral("at")).isString());
        }
        QCOMPARE(states, QStringList({QStringLiteral("queued"), QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("succeeded")}));
        const auto at = [&](const char *key) { return QDateTime::fromString(c.value(QString::fromLatin1(key)).toString(), Qt::ISODateWithMs); };
        QVERIFY(at("created_at") <= at("sent_at") && at("sent_at") <= at("delivered_at") && at("delivered_at") <= at("finished_at"));

        // A reply after the end changes nothing; it is kept as a late reply.
        d->reply(id, Commands::Reply::Status::Failed, {{QStringLiteral("error"), QStringLiteral("too late")}});
        QVERIFY(waitFor([&] { return !command(id).value(QStringLiteral("late_reply")).isNull(); }, 5000));
        QCOMPARE(status(id), QStringLiteral("succeeded"));

        // The history of the device lists it; filters work.
        const QJsonObject list = m_server->request("GET", QStringLiteral("/v1/devices/%1/commands?status=succeeded").arg(d->id), {}, {}, token()).json();
        QCOMPARE(list.value(QStringLiteral("items")).toArray().size(), 1);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices/%1/commands?status=failed").arg(d->id), {}, {}, token())
                     .json().value(QStringLiteral("items")).toArray().size(), 0);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices/%1/commands?status=nonsense").arg(d->id), {}, {}, token()).status, 400);
    }

    void aTransitionIsShownOnlyOnceStored()
    {
        ScriptedDevice *d = onlineDevice();
        QVERIFY(d);
        QObject scope;
        QStringList announced;
        QString watched;
        connect(&m_server->app().commands(), &CommandService::commandChanged, &scope,
                [&](const QString &id, const QString &, const QString &state) { if (id == watched) announced << state; });
        // The database refuses every change of a command row from now on (an injected failure: a full disk, a lost
        // connection); creating commands still works.
        Storage::Database &db = m_server->app().database();
        const bool pg = db.dialect() == Storage::Dialect::Postgres;
        if (pg) {
            QVERIFY(db.exec(QStringLiteral("CREATE FUNCTION fd_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$")));
            QVERIFY(db.exec(QStringLiteral("CREATE TRIGGER fd_test_refuse BEFORE UPDATE ON commands FOR EACH ROW EXECUTE FUNCTION fd_test_refuse()")));
        } else {
            QVERIFY(db.exec(QStringLiteral("CREATE TRIGGER fd_test_refuse BEFORE UPDATE ON commands BEGIN SELECT RAISE(ABORT, 'injected failure'); END")));
        }
        const HttpReply r = send(d->id, {{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("timeout_s"), 60}});
        QCOMPARE(r.status, 201);
        watched = r.json().value(QStringLiteral("command_id")).toString();
        QVERIFY(waitFor([&] { return d->commands.size() == 1; }, 5000));
        d->reply(watched, Commands::Reply::Status::Succeeded, {{QStringLiteral("pong"), true}});
        waitFor([] { return false; }, 500);
        // Memory moved on, the rows could not: nothing is shown that is not stored.
        QCOMPARE(status(watched), QStringLiteral("queued"));
        QVERIFY2(announced.isEmpty(), qPrintable(announced.join(u',')));
        const QJsonObject h = commandsHealth();
        QVERIFY2(h.value(QStringLiteral("unsaved_transitions")).toInt() == 2, QJsonDocument(h).toJson().constData());
        QVERIFY(h.value(QStringLiteral("write_failures")).toInt() >= 1);
        // The database recovers: the waiting transitions are stored in order, then shown.
        if (pg) {
            QVERIFY(db.exec(QStringLiteral("DROP TRIGGER fd_test_refuse ON commands")));
            QVERIFY(db.exec(QStringLiteral("DROP FUNCTION fd_test_refuse()")));
        } else {
            QVERIFY(db.exec(QStringLiteral("DROP TRIGGER fd_test_refuse")));
        }
        QVERIFY(reaches(watched, QStringLiteral("succeeded"), 10000));
        const QJsonObject c = command(watched);
        QVERIFY(!c.value(QStringLiteral("sent_at")).isNull());
        QCOMPARE(c.value(QStringLiteral("result")).toObject().value(QStringLiteral("pong")).toBool(), true);
        QVERIFY(waitFor([&] { return announced.size() == 2; }, 2000));
        QCOMPARE(announced, QStringList({QStringLiteral("sent"), QStringLiteral("succeeded")}));
        QCOMPARE(commandsHealth().value(QStringLiteral("unsaved_transitions")).toInt(), 0);
    }

    void failedAndRejectedCarryTheDevicesReason()
    {
        ScriptedDevice *d = onlineDevice();
        QVERIFY(d);
        const QString a = send(d->id, {{QStringLiteral("type"), QStringLiteral("reboot")}}).json().value(QStringLiteral("command_id")).toString();
        const QString b = send(d->id, {{QStringLiteral("type"), QStringLiteral("selfdestruct")}}).json().value(QStringLiteral("command_id")).toString();
        QVERIFY(waitFor([&] { return d->commands.size() == 2; }, 5000));
        // A final reply without "delivered" first is fine: delivered_at stays empty.
        d->reply(a, Commands::Reply::Status::Failed, {{QStringLiteral("error"), QStringLiteral("battery too low to reboot")}});
        d->reply(b, Commands::Reply::Status::Rejected, {{QStringLiteral("error"), QStringLiteral("unknown command type")}});
        QVERIFY(reaches(a, QStringLiteral("failed")));
        QVERIFY(reaches(b, QStringLiteral("rejected")));
        QCOMPARE(command(a).value(QStringLiteral("error")).toString(), QStringLiteral("battery too low to reboot"));
        QCOMPARE(command(b).value(QStringLiteral("error")).toString(), QStringLiteral("unknown command type"));
        QVERIFY(command(a).value(QStringLiteral("delivered_at")).isNull());
    }

    void offlineDeviceGetsItsQueueInOrderWhenOnline()
    {
        ScriptedDevice *d = makeDevice();
        QVERIFY(d);
        QStringList ids;
        for (int i = 0; i < 6; ++i) {
            const HttpReply r = send(d->id, {{QStringLiteral("type"), QStringLiteral("step")}, {QStringLiteral("payload"), QJsonObject{{QStringLiteral("n"), i}}}});
            QCOMPARE(r.status, 201);
            QCOMPARE(r.json().value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
            ids << r.json().value(QStringLiteral("command_id")).toString();
        }
        waitFor([] { return false; }, 300);
        for (const QString &id : std::as_const(ids))
            QCOMPARE(status(id), QStringLiteral("queued"));
        QVERIFY(d->connectNow());
        // At most 4 commands are out before the device says it has them (the window); all come, in order.
        QVERIFY(waitFor([&] { return d->commands.size() == 4; }, 5000));
        waitFor([] { return false; }, 300);
        QCOMPARE(d->commands.size(), 4);
        QCOMPARE(status(ids[4]), QStringLiteral("queued"));
        for (const auto &c : std::as_const(d->commands))
            d->reply(c.commandId, Commands::Reply::Status::Delivered);
        QVERIFY(waitFor([&] { return d->commands.size() == 6; }, 5000));
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(d->commands[i].commandId, ids[i]);
            QCOMPARE(d->commands[i].payload.value(QStringLiteral("n")).toInt(), i);
        }
        QVERIFY(reaches(ids[5], QStringLiteral("sent")));
    }

    void queuedCommandsExpireAfterTheirTtl()
    {
        ScriptedDevice *d = makeDevice();
        QVERIFY(d);
        const QString id = send(d->id, {{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("ttl_s"), 1}}).json().value(QStringLiteral("command_id")).toString();
        QCOMPARE(status(id), QStringLiteral("queued"));
        QVERIFY(reaches(id, QStringLiteral("expired"), 4000));
        QVERIFY(command(id).value(QStringLiteral("error")).toString().contains(QStringLiteral("ttl")));
        QVERIFY(command(id).value(QStringLiteral("sent_at")).isNull());
        // It never reaches the device.
        QVERIFY(d->connectNow());
        waitFor([] { return false; }, 500);
        QCOMPARE(d->commands.size(), 0);
    }

    void sentCommandsTimeOutWithoutAFinalReply()
    {
        ScriptedDevice *d = onlineDevice();
        QVERIFY(d);
        const QString id = send(d->id, {{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("timeout_s"), 1}}).json().value(QStringLiteral("command_id")).toString();
        QVERIFY(waitFor([&] { return d->commands.size() == 1; }, 5000));
        d->reply(id, Commands::Reply::Status::Delivered); // delivered is not final: the timeout still runs
        QVERIFY(reaches(id, QStringLiteral("delivered")));
        QVERIFY(reaches(id, QStringLiteral("timed_out"), 4000));
        const QJsonObject c = command(id);
        QVERIFY(c.value(QStringLiteral("error")).toString().contains(QStringLiteral("1 s")));
        const qint64 waited = QDateTime::fromString(c.value(QStringLiteral("sent_at")).toString(), Qt::ISODateWithMs)
                                  .msecsTo(QDateTime::fromString(c.value(QStringLiteral("finished_at")).toString(), Qt::ISODateWithMs));
        QVERIFY2(waited >= 1000 && waited < 2500, qPrintable(QString::number(waited)));
        d->reply(id, Commands::Reply::Status::Succeeded);
        QVERIFY(waitFor([&] { return command(id).value(QStringLiteral("late_reply")).toObject().value(QStringLiteral("status")).toString() == u"succeeded"; }, 5000));
        QCOMPARE(status(id), QStringLiteral("timed_out"));
        QVERIFY(commandsHealth().value(QStringLiteral("late_replies")).toInt() >= 1);
    }

    void cancel()
    {
        ScriptedDevice *offline = makeDevice();
        QVERIFY(offline);
        const QString queued = send(offline->id, {{QStringLiteral("type"), QStringLiteral("ping")}}).json().value(QStringLiteral("command_id")).toString();
        HttpReply r = m_server->request("POST", QStringLiteral("/v1/commands/%1/cancel").arg(queued), {}, {}, token());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
        QVERIFY(r.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("before it was sent")));
        // A cancelled command is final: cancelling again is a conflict, and the device never gets it.
        r = m_server->request("POST", QStringLiteral("/v1/commands/%1/cancel").arg(queued), {}, {}, token());
        QCOMPARE(r.status, 409);
        QVERIFY(r.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("already finished: cancelled")));
        QVERIFY(offline->connectNow());
        waitFor([] { return false; }, 500);
        QCOMPARE(offline->commands.size(), 0);

        // Cancelling a finished command is refused with the reason.
        const QString done = send(offline->id, {{QStringLiteral("type"), QStringLiteral("ping")}}).json().value(QStringLiteral("command_id")).toString();
        QVERIFY(waitFor([&] { return offline->commands.size() == 1; }, 5000));
        offline->reply(done, Commands::Reply::Status::Succeeded);
        QVERIFY(reaches(done, QStringLiteral("succeeded")));
        r = m_server->request("POST", QStringLiteral("/v1/commands/%1/cancel").arg(done), {}, {}, token());
        QCOMPARE(r.status, 409);
        QVERIFY(r.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("already finished: succeeded")));
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/commands/%1/cancel").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)), {}, {}, token()).status, 404);
    }

    void perDeviceQueueIsBounded()
    {
        ScriptedDevice *d = makeDevice();
        QVERIFY(d);
        for (int i = 0; i < 100; ++i)
            QCOMPARE(send(d->id, {{QStringLiteral("type"), QStringLiteral("ping")}}).status, 201);
        const HttpReply r = send(d->id, {{QStringLiteral("type"), QStringLiteral("ping")}});
        QCOMPARE(r.status, 409);
        QVERIFY(r.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("queue of device")));
        QCOMPARE(commandsHealth().value(QStringLiteral("queued")).toInt(), 100);
    }

    void badInputGetsAClearAnswer_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("detail");
        QTest::newRow("malformed JSON") << QByteArray("{\"type\":") << 400 << QString();
        QTest::newRow("no type") << QByteArray("{}") << 422 << QStringLiteral("\"type\" is required");
        QTest::newRow("type not a string") << QByteArray("{\"type\":5}") << 422 << QStringLiteral("\"type\"");
        QTest::newRow("type with spaces") << QByteArray("{\"type\":\"do it\"}") << 422 << QStringLiteral("a-z");
        QTest::newRow("payload not an object") << QByteArray("{\"type\":\"ping\",\"payload\":[1]}") << 422 << QStringLiteral("\"payload\" must be a JSON object");
        QTest::newRow("timeout zero") << QByteArray("{\"type\":\"ping\",\"timeout_s\":0}") << 422 << QStringLiteral("\"timeout_s\" must be an integer from 1");
        QTest::newRow("timeout text") << QByteArray("{\"type\":\"ping\",\"timeout_s\":\"10\"}") << 422 << QStringLiteral("\"timeout_s\"");
        QTest::newRow("ttl fraction") << QByteArray("{\"type\":\"ping\",\"ttl_s\":1.5}") << 422 << QStringLiteral("\"ttl_s\"");
        QTest::newRow("unknown field") << QByteArray("{\"type\":\"ping\",\"priority\":1}") << 422 << QStringLiteral("unknown field \"priority\"");
        QTest::newRow("oversize payload") << (QByteArray("{\"type\":\"ping\",\"payload\":{\"blob\":\"") + QByteArray(17000, 'x') + "\"}}") << 413 << QStringLiteral("exceeds");
    }

    void badInputGetsAClearAnswer()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, detail);
        ScriptedDevice *d = makeDevice();
        QVERIFY(d);
        const HttpReply r = m_server->request("POST", QStringLiteral("/v1/devices/%1/commands").arg(d->id), body, "application/json", token());
        QCOMPARE(r.status, status);
        QCOMPARE(r.contentType, QByteArray("application/problem+json"));
        QVERIFY2(r.json().value(QStringLiteral("detail")).toString().contains(detail), r.body.constData());
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/health")).status, 200);
    }

    void unknownAndRetiredDevices()
    {
        const QString nobody = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QCOMPARE(send(nobody, {{QStringLiteral("type"), QStringLiteral("ping")}}).status, 404);
        QCOMPARE(send(QStringLiteral("not-a-uuid"), {{QStringLiteral("type"), QStringLiteral("ping")}}).status, 404);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/commands/") + nobody, {}, {}, token()).status, 404);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices/%1/commands").arg(nobody), {}, {}, token()).status, 404);
        ScriptedDevice *d = makeDevice();
        QVERIFY(d);
        const QString queued = send(d->id, {{QStringLiteral("type"), QStringLiteral("ping")}}).json().value(QStringLiteral("command_id")).toString();
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/devices/%1/suspend").arg(d->id), {}, {}, token()).status, 200);
        HttpReply r = send(d->id, {{QStringLiteral("type"), QStringLiteral("ping")}});
        QCOMPARE(r.status, 409);
        QVERIFY(r.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("suspended")));
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/devices/%1/decommission").arg(d->id), {}, {}, token()).status, 200);
        r = send(d->id, {{QStringLiteral("type"), QStringLiteral("ping")}});
        QCOMPARE(r.status, 409);
        QVERIFY(r.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("decommissioned")));
        // What waited for it is cancelled, with the reason.
        QVERIFY(reaches(queued, QStringLiteral("cancelled")));
        QVERIFY(command(queued).value(QStringLiteral("error")).toString().contains(QStringLiteral("decommissioned")));
    }

    void badMessagesFromDevicesAreCountedNotApplied()
    {
        ScriptedDevice *d = onlineDevice();
        QVERIFY(d);
        const QString id = send(d->id, {{QStringLiteral("type"), QStringLiteral("ping")}}).json().value(QStringLiteral("command_id")).toString();
        QVERIFY(waitFor([&] { return d->commands.size() == 1; }, 5000));
        (void)d->client->publish(Topics::commandReply(d->id, id), "not json", 1);
        (void)d->client->publish(Topics::commandReply(d->id, id), R"({"status":"done"})", 1);
        (void)d->client->publish(Topics::commandReply(d->id, id), R"({"status":"succeeded","result":[1,2]})", 1);
        (void)d->client->publish(Topics::commandReply(d->id, QUuid::createUuid().toString(QUuid::WithoutBraces)), R"({"status":"succeeded"})", 1);
        (void)d->client->publish(Topics::commandReply(d->id, id), QByteArray(20000, ' '), 1);
        (void)d->client->publish(Topics::configReported(d->id), R"({"reported":5})", 1);
        QVERIFY(waitFor([&] { return commandsHealth().value(QStringLiteral("rejected_replies")).toInt() == 5; }, 5000));
        QVERIFY(waitFor([&] { return commandsHealth().value(QStringLiteral("rejected_reports")).toInt() == 1; }, 5000));
        QCOMPARE(status(id), QStringLiteral("sent"));
        // The command still works afterwards.
        d->reply(id, Commands::Reply::Status::Succeeded);
        QVERIFY(reaches(id, QStringLiteral("succeeded")));
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/health")).status, 200);
    }

    void aRestartResumesEveryTimerAndInventsNoReply()
    {
        ScriptedDevice *online = onlineDevice();
        ScriptedDevice *offline = makeDevice();
        QVERIFY(online && offline);
        const QString sent = send(online->id, {{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("timeout_s"), 4}}).json().value(QStringLiteral("command_id")).toString();
        const QString replied = send(online->id, {{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("timeout_s"), 30}}).json().value(QStringLiteral("command_id")).toString();
        const QString queued = send(offline->id, {{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("ttl_s"), 3}}).json().value(QStringLiteral("command_id")).toString();
        const QString later = send(offline->id, {{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("ttl_s"), 600}}).json().value(QStringLiteral("command_id")).toString();
        QVERIFY(waitFor([&] { return online->commands.size() == 2; }, 5000));
        QVERIFY(reaches(replied, QStringLiteral("sent")));
        const QDateTime sentAt = QDateTime::fromString(command(sent).value(QStringLiteral("sent_at")).toString(), Qt::ISODateWithMs);
        online->disconnectNow();

        const auto second = restartInProcess(*m_server);
        QVERIFY(second);
        Principal admin;
        admin.tenantId = m_tenant;
        admin.email = QStringLiteral("admin@localhost");
        const auto statusIn = [&](const QString &id) {
            const auto c = second->commands().get(admin, id);
            return c ? States::name(c->state) : QString();
        };
        // Nothing moved while the server was down; no reply was made up.
        QCOMPARE(statusIn(sent), QStringLiteral("sent"));
        QCOMPARE(statusIn(replied), QStringLiteral("sent"));
        QCOMPARE(statusIn(queued), QStringLiteral("queued"));

        // The device replies to one after the restart: the new server takes it.
        QVERIFY(online->connectNow());
        online->reply(replied, Commands::Reply::Status::Succeeded);
        QVERIFY(waitFor([&] { return statusIn(replied) == u"succeeded"; }, 5000));
        // The timeout counts from when it was sent before the restart, not from the restart.
        QVERIFY(waitFor([&] { return statusIn(sent) == u"timed_out"; }, 8000));
        const QDateTime finished = QDateTime::fromMSecsSinceEpoch(second->commands().get(admin, sent)->finishedMs.value_or(0), Qt::UTC);
        QVERIFY2(sentAt.msecsTo(finished) >= 4000 && sentAt.msecsTo(finished) < 6000, qPrintable(QString::number(sentAt.msecsTo(finished))));
        QVERIFY(waitFor([&] { return statusIn(queued) == u"expired"; }, 5000));
        QCOMPARE(statusIn(later), QStringLiteral("queued"));
        // The queue survived too: the offline device gets the rest when it comes.
        QVERIFY(offline->connectNow());
        QVERIFY(waitFor([&] { return offline->commands.size() == 1; }, 5000));
        QCOMPARE(offline->commands.first().commandId, later);
        m_devices.clear();
        second->stop();
    }

    void groupCommandsFanOutWithLiveCounts()
    {
        QList<ScriptedDevice *> group;
        for (int i = 0; i < 3; ++i) {
            group << onlineDevice(QStringLiteral("valve"), {QStringLiteral("site-a")});
            QVERIFY(group.last());
        }
        ScriptedDevice *suspended = makeDevice(QStringLiteral("valve"), {QStringLiteral("site-a")});
        ScriptedDevice *other = onlineDevice(QStringLiteral("pump"), {QStringLiteral("site-b")});
        QVERIFY(suspended && other);
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/devices/%1/suspend").arg(suspended->id), {}, {}, token()).status, 200);

        HttpReply r = m_server->requestJson("POST", QStringLiteral("/v1/commands"),
                                            {{QStringLiteral("type"), QStringLiteral("close")}, {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_type"), QStringLiteral("valve")}}}},
                                            token());
        QCOMPARE(r.status, 201);
        const QString job = r.json().value(QStringLiteral("job_id")).toString();
        QCOMPARE(r.json().value(QStringLiteral("total")).toInt(), 3);
        QCOMPARE(r.json().value(QStringLiteral("skipped")).toArray().size(), 1);
        QCOMPARE(r.json().value(QStringLiteral("skipped")).toArray().first().toObject().value(QStringLiteral("device_id")).toString(), suspended->id);
        for (ScriptedDevice *d : std::as_const(group))
            QVERIFY(waitFor([&] { return d->commands.size() == 1; }, 5000));
        QCOMPARE(other->commands.size(), 0);
        const auto counts = [&] { return m_server->request("GET", QStringLiteral("/v1/command-jobs/") + job, {}, {}, token()).json(); };
        QVERIFY(waitFor([&] { return counts().value(QStringLiteral("counts")).toObject().value(QStringLiteral("sent")).toInt() == 3; }, 5000));
        group[0]->reply(group[0]->commands.first().commandId, Commands::Reply::Status::Succeeded);
        group[1]->reply(group[1]->commands.first().commandId, Commands::Reply::Status::Failed, {{QStringLiteral("error"), QStringLiteral("stuck")}});
        QVERIFY(waitFor([&] {
            const QJsonObject c = counts().value(QStringLiteral("counts")).toObject();
            return c.value(QStringLiteral("succeeded")).toInt() == 1 && c.value(QStringLiteral("failed")).toInt() == 1 && c.value(QStringLiteral("sent")).toInt() == 1;
        }, 5000));
        QCOMPARE(counts().value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        group[2]->reply(group[2]->commands.first().commandId, Commands::Reply::Status::Succeeded);
        QVERIFY(waitFor([&] { return counts().value(QStringLiteral("status")).toString() == u"finished"; }, 5000));
        QCOMPARE(counts().value(QStringLiteral("counts")).toObject().value(QStringLiteral("succeeded")).toInt(), 2);
        QVERIFY(counts().value(QStringLiteral("finished_at")).isString());
        // Each command of the job is an ordinary command too.
        QCOMPARE(command(group[0]->commands.first().commandId).value(QStringLiteral("job_id")).toString(), job);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/command-jobs"), {}, {}, token()).json().value(QStringLiteral("items")).toArray().size(), 1);

        // By tags (all of them) and by ids.
        r = m_server->requestJson("POST", QStringLiteral("/v1/commands"),
                                  {{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("target"), QJsonObject{{QStringLiteral("tags"), QJsonArray{QStringLiteral("site-b")}}}}}, token());
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(QStringLiteral("total")).toInt(), 1);
        QVERIFY(waitFor([&] { return other->commands.size() == 1; }, 5000));
        r = m_server->requestJson("POST", QStringLiteral("/v1/commands"),
                                  {{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray{group[0]->id, other->id}}}}}, token());
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(QStringLiteral("total")).toInt(), 2);

        // Bad targets.
        const auto bad = [&](const QJsonObject &body, int status, const QString &detail) {
            const HttpReply b = m_server->requestJson("POST", QStringLiteral("/v1/commands"), body, token());
            if (b.status != status || !b.json().value(QStringLiteral("detail")).toString().contains(detail))
                qWarning() << b.status << b.body;
            return b.status == status && b.json().value(QStringLiteral("detail")).toString().contains(detail);
        };
        QVERIFY(bad({{QStringLiteral("type"), QStringLiteral("ping")}}, 422, QStringLiteral("\"target\" is required")));
        QVERIFY(bad({{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_type"), QStringLiteral("valve")}, {QStringLiteral("tags"), QJsonArray{QStringLiteral("x")}}}}},
                    422, QStringLiteral("exactly one")));
        QVERIFY(bad({{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray{QUuid::createUuid().toString(QUuid::WithoutBraces)}}}}},
                    422, QStringLiteral("not devices of this tenant")));
        QVERIFY(bad({{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_type"), QStringLiteral("no-such-type")}}}},
                    422, QStringLiteral("matches no device")));
        QVERIFY(bad({{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray{}}}}},
                    422, QStringLiteral("array of 1 to")));
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/command-jobs/") + QUuid::createUuid().toString(QUuid::WithoutBraces), {}, {}, token()).status, 404);
    }

    void deviceTwin()
    {
        ScriptedDevice *d = makeDevice();
        QVERIFY(d);
        const QString path = QStringLiteral("/v1/devices/%1/config").arg(d->id);
        QJsonObject twin = m_server->request("GET", path, {}, {}, token()).json();
        QCOMPARE(twin.value(QStringLiteral("desired_version")).toInt(), 0);
        QVERIFY(twin.value(QStringLiteral("reported")).isNull());

        // Set while the device is offline: retained, so it gets it when it connects.
        HttpReply r = m_server->requestJson("PUT", path, {{QStringLiteral("desired"), QJsonObject{{QStringLiteral("reporting_interval_s"), 10}, {QStringLiteral("led"), QStringLiteral("on")}}}}, token());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("desired_version")).toInt(), 1);
        QCOMPARE(r.json().value(QStringLiteral("in_sync")).toBool(), false);
        QCOMPARE(r.json().value(QStringLiteral("delta")).toObject().size(), 2);
        QVERIFY(d->connectNow());
        QVERIFY(waitFor([&] { return !d->desired.isEmpty(); }, 5000));
        QCOMPARE(d->desired.last().version, 1);
        QCOMPARE(d->desired.last().values.value(QStringLiteral("led")).toString(), QStringLiteral("on"));

        // The device applies part of it: the delta names what is left.
        (void)d->client->publish(Topics::configReported(d->id), Commands::encodeReported({1, {{QStringLiteral("reporting_interval_s"), 10}, {QStringLiteral("led"), QStringLiteral("off")}}}), 1);
        QVERIFY(waitFor([&] { return m_server->request("GET", path, {}, {}, token()).json().value(QStringLiteral("reported_version")).toInt() == 1; }, 5000));
        twin = m_server->request("GET", path, {}, {}, token()).json();
        QCOMPARE(twin.value(QStringLiteral("in_sync")).toBool(), false);
        QCOMPARE(twin.value(QStringLiteral("delta")).toObject(), QJsonObject({{QStringLiteral("led"), QStringLiteral("on")}}));
        (void)d->client->publish(Topics::configReported(d->id), Commands::encodeReported({1, {{QStringLiteral("reporting_interval_s"), 10}, {QStringLiteral("led"), QStringLiteral("on")}}}), 1);
        QVERIFY(waitFor([&] { return m_server->request("GET", path, {}, {}, token()).json().value(QStringLiteral("in_sync")).toBool(); }, 5000));

        // An online device gets a change at once; a change based on an old version is refused.
        r = m_server->requestJson("PUT", path, {{QStringLiteral("desired"), QJsonObject{{QStringLiteral("led"), QStringLiteral("blink")}}}, {QStringLiteral("version"), 1}}, token());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("desired_version")).toInt(), 2);
        QVERIFY(waitFor([&] { return d->desired.last().version == 2; }, 5000));
        r = m_server->requestJson("PUT", path, {{QStringLiteral("desired"), QJsonObject{{QStringLiteral("led"), QStringLiteral("off")}}}, {QStringLiteral("version"), 1}}, token());
        QCOMPARE(r.status, 409);
        QVERIFY(r.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("version 2")));

        // Bad input.
        QCOMPARE(m_server->requestJson("PUT", path, {{QStringLiteral("desired"), 5}}, token()).status, 422);
        QCOMPARE(m_server->requestJson("PUT", path, {{QStringLiteral("wanted"), QJsonObject()}}, token()).status, 422);
        QCOMPARE(m_server->requestJson("PUT", path, {{QStringLiteral("desired"), QJsonObject{{QStringLiteral("blob"), QString(70000, u'x')}}}}, token()).status, 413);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices/%1/config").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)), {}, {}, token()).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestCommands)
#include "tst_commands.moc"
