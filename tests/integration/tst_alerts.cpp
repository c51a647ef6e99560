// Rules and alerts end to end against a real server and broker, on SQLite and PostgreSQL: a rule made over the API
// raises one alert per (rule, device) from committed telemetry, counts repeats, clears, and follows the ISA-18.2
// states (an acknowledgement never carries over to a new occurrence); shelving; refused rules name the JSON path;
// a restart neither raises again nor forgets; a backtest over stored history finds the same firings.
#include "runtime/application.h"
#include "scheduler/scheduler.h"
#include "alerts/alertservice.h"
#include "storage/database.h"
#include "mqtt/mqttclient.h"
#include "pki/certificateauthority.h"
#include "protocol/telemetry.h"
#include "protocol/topics.h"
#include "testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

class TestAlerts : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_files;
    QString m_id;
    std::unique_ptr<MqttClient> m_client;
    qint64 m_lastAck = 0;
    qint64 m_seq = 0;
    int m_serial = 0;

    QByteArray token() { return m_server->adminToken(); }

    HttpReply post(const QString &path, const QJsonObject &body) { return m_server->requestJson("POST", path, body, token()); }
    HttpReply get(const QString &path) { return m_server->request("GET", path, {}, {}, token()); }

    void connectDevice(const QString &name)
    {
        auto kc = Pki::makeKeyAndRequest(QStringLiteral("x"));
        QVERIFY(kc.has_value());
        const HttpReply r = post(QStringLiteral("/v1/devices"), {{QStringLiteral("serial_number"), QStringLiteral("ALR-%1").arg(++m_serial)},
                                                                 {QStringLiteral("device_type"), QStringLiteral("sensor")},
                                                                 {QStringLiteral("name"), name},
                                                                 {QStringLiteral("csr"), QString::fromLatin1(kc->second)}});
        QCOMPARE(r.status, 201);
        m_id = r.json().value(QStringLiteral("device_id")).toString();
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

    /// Sends one reading and waits for its acknowledgement (after commit, so the rule engine has seen it).
    void send(double temp, qint64 ts = 0)
    {
        const qint64 seq = ++m_seq;
        const QByteArray payload = QJsonDocument(QJsonObject{{QStringLiteral("seq"), seq},
                                                             {QStringLiteral("ts"), ts ? ts : QDateTime::currentMSecsSinceEpoch()},
                                                             {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temp"), temp}}}})
                                       .toJson(QJsonDocument::Compact);
        QVERIFY(m_client->publish(Topics::telemetry(m_id), payload, 1).has_value());
        QVERIFY2(waitFor([&] { return m_lastAck >= seq; }, 5000), "telemetry not acknowledged");
        waitFor([] { return false; }, 20); // the event after the commit
    }

    QJsonArray alerts(const QString &query = {})
    {
        const HttpReply r = get(QStringLiteral("/v1/alerts?device_id=%1&%2").arg(m_id, query));
        if (r.status != 200)
            qWarning() << r.status << r.body;
        return r.json().value(QStringLiteral("items")).toArray();
    }

    QString makeRule(const QJsonObject &extra = {})
    {
        QJsonObject rule{{QStringLiteral("name"), QStringLiteral("Hot")},
                         {QStringLiteral("scope"), QJsonObject{{QStringLiteral("device_type"), QStringLiteral("sensor")}}},
                         {QStringLiteral("condition"), QJsonObject{{QStringLiteral("type"), QStringLiteral("threshold")}, {QStringLiteral("metric"), QStringLiteral("temp")},
                                                                   {QStringLiteral("op"), QStringLiteral(">")}, {QStringLiteral("value"), 80}}},
                         {QStringLiteral("actions"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("alert")}, {QStringLiteral("severity"), QStringLiteral("major")},
                                                                            {QStringLiteral("message"), QStringLiteral("{device.name} at {value} °C")}}}}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            rule.insert(it.key(), it.value());
        const HttpReply r = post(QStringLiteral("/v1/rules"), rule);
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return r.json().value(QStringLiteral("id")).toString();
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
        m_seq = 0;
        m_lastAck = 0;
    }

    void cleanup()
    {
        m_client.reset();
        m_server.reset();
    }

    void badRulesNameTheJsonPath()
    {
        const HttpReply r = m_server->request("POST", QStringLiteral("/v1/rules"),
                                              R"({"name":"x","condition":{"type":"threshold","metric":"temp","op":"=>","value":1},"actions":[{"type":"alert","severity":"major"}]})",
                                              "application/json", token());
        QCOMPARE(r.status, 422);
        QVERIFY2(r.json().value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("/condition/op: unknown operator \"=>\"")), r.body.constData());
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/rules"), "{", "application/json", token()).status, 400);
        QCOMPARE(get(QStringLiteral("/v1/rules")).json().value(QStringLiteral("count")).toInt(), 0);
        QCOMPARE(get(QStringLiteral("/v1/rules/00000000-0000-4000-8000-000000000000")).status, 404);
    }

    void validateAnswersAsCreateWouldWithoutSaving()
    {
        const QByteArray bad = R"({"name":"x","condition":{"type":"all","conditions":[{"type":"range","metric":"temp","min":5,"max":1}]},"actions":[{"type":"alert","severity":"major"}]})";
        const HttpReply v = m_server->request("POST", QStringLiteral("/v1/rules/validate"), bad, "application/json", token());
        const HttpReply c = m_server->request("POST", QStringLiteral("/v1/rules"), bad, "application/json", token());
        QCOMPARE(v.status, 422);
        QCOMPARE(c.status, 422);
        QCOMPARE(v.json().value(QStringLiteral("detail")).toString(), c.json().value(QStringLiteral("detail")).toString());
        QVERIFY2(v.json().value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("/condition/conditions/0/max:")), v.body.constData());
        const HttpReply ok = m_server->request("POST", QStringLiteral("/v1/rules/validate"),
                                               R"({"name":"x","condition":{"type":"threshold","metric":"temp","op":">","value":1},"actions":[{"type":"alert","severity":"major"}]})",
                                               "application/json", token());
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.json().value(QStringLiteral("valid")).toBool(), true);
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/rules/validate"), "{", "application/json", token()).status, 400);
        QCOMPARE(get(QStringLiteral("/v1/rules")).json().value(QStringLiteral("count")).toInt(), 0); // nothing was saved
    }

    void alertLifecycle()
    {
        const QString rule = makeRule();
        QVERIFY(!rule.isEmpty());
        connectDevice(QStringLiteral("Boiler 3"));
        send(70);
        QCOMPARE(alerts().size(), 0);
        send(85);
        QJsonArray list = alerts();
        QCOMPARE(list.size(), 1);
        const QJsonObject first = list.at(0).toObject();
        const QString alertId = first.value(QStringLiteral("id")).toString();
        QCOMPARE(first.value(QStringLiteral("state")).toString(), QStringLiteral("active_unacknowledged"));
        QCOMPARE(first.value(QStringLiteral("message")).toString(), QStringLiteral("Boiler 3 at 85 °C"));
        QCOMPARE(first.value(QStringLiteral("value")).toDouble(), 85.0);
        QCOMPARE(first.value(QStringLiteral("rule_id")).toString(), rule);

        send(90); // still active: nothing new
        list = alerts();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("occurrences")).toInt(), 1);
        send(60); // returned to normal, not acknowledged
        QCOMPARE(alerts().at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("cleared_unacknowledged"));
        send(95); // again before anyone acknowledged: the same alert, counted
        list = alerts();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("id")).toString(), alertId);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("occurrences")).toInt(), 2);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("active_unacknowledged"));

        HttpReply ack = post(QStringLiteral("/v1/alerts/%1/acknowledge").arg(alertId), {{QStringLiteral("note"), QStringLiteral("crew sent")}});
        QCOMPARE(ack.status, 200);
        QCOMPARE(ack.json().value(QStringLiteral("state")).toString(), QStringLiteral("active_acknowledged"));
        QCOMPARE(ack.json().value(QStringLiteral("acknowledge_note")).toString(), QStringLiteral("crew sent"));
        QCOMPARE(post(QStringLiteral("/v1/alerts/%1/acknowledge").arg(alertId), {}).status, 409);
        QCOMPARE(post(QStringLiteral("/v1/alerts/%1/clear").arg(alertId), {}).status, 409); // still active

        send(50); // cleared and acknowledged: closed
        QCOMPARE(alerts().size(), 0);
        const QJsonObject closed = get(QStringLiteral("/v1/alerts/%1").arg(alertId)).json();
        QCOMPARE(closed.value(QStringLiteral("state")).toString(), QStringLiteral("cleared_acknowledged"));
        QVERIFY(closed.value(QStringLiteral("closed")).toBool());
        QStringList kinds;
        for (const QJsonValue &e : closed.value(QStringLiteral("history")).toArray())
            kinds << e.toObject().value(QStringLiteral("kind")).toString();
        QCOMPARE(kinds, (QStringList{QStringLiteral("raised"), QStringLiteral("cleared"), QStringLiteral("raised_again"), QStringLiteral("acknowledged"),
                                     QStringLiteral("cleared_and_closed")}));

        send(99); // a new occurrence: a new alert, not acknowledged
        list = alerts();
        QCOMPARE(list.size(), 1);
        QVERIFY(list.at(0).toObject().value(QStringLiteral("id")).toString() != alertId);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("active_unacknowledged"));
        QCOMPARE(alerts(QStringLiteral("state=all")).size(), 2);
        QCOMPARE(alerts(QStringLiteral("state=closed")).size(), 1);
        QCOMPARE(alerts(QStringLiteral("severity=critical")).size(), 0);
        QCOMPARE(get(QStringLiteral("/v1/alerts?state=sideways")).status, 400);

        // Shelving: a note is required, times are bounded, and it ends by hand or on its own.
        const QString second = list.at(0).toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(post(QStringLiteral("/v1/alerts/%1/shelve").arg(second), {{QStringLiteral("duration_s"), 600}}).status, 422);
        QCOMPARE(post(QStringLiteral("/v1/alerts/%1/shelve").arg(second), {{QStringLiteral("duration_s"), 999999}, {QStringLiteral("note"), QStringLiteral("x")}}).status, 422);
        HttpReply shelved = post(QStringLiteral("/v1/alerts/%1/shelve").arg(second), {{QStringLiteral("duration_s"), 600}, {QStringLiteral("note"), QStringLiteral("sensor swap")}});
        QCOMPARE(shelved.status, 200);
        QCOMPARE(shelved.json().value(QStringLiteral("shelved")).toObject().value(QStringLiteral("note")).toString(), QStringLiteral("sensor swap"));
        QCOMPARE(alerts(QStringLiteral("state=shelved")).size(), 1);
        // The expiry is a scheduler job: run it as if 10 minutes had passed.
        m_server->app().scheduler().runDue(QDateTime::currentMSecsSinceEpoch() + 601000);
        QCOMPARE(alerts(QStringLiteral("state=shelved")).size(), 0);
        QCOMPARE(post(QStringLiteral("/v1/alerts/%1/unshelve").arg(second), {}).status, 409);

        // Deleting the rule closes its alerts.
        QCOMPARE(m_server->request("DELETE", QStringLiteral("/v1/rules/%1").arg(rule), {}, {}, token()).status, 204);
        QCOMPARE(alerts().size(), 0);
    }

    void commandActionsAreRateLimited()
    {
        const QString rule = makeRule({{QStringLiteral("actions"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("command")},
                                                                                         {QStringLiteral("command"), QStringLiteral("fan.on")},
                                                                                         {QStringLiteral("params"), QJsonObject{{QStringLiteral("speed"), 3}}},
                                                                                         {QStringLiteral("min_interval_s"), 600}}}}});
        QVERIFY(!rule.isEmpty());
        connectDevice(QStringLiteral("Fan"));
        const auto commands = [&] { return get(QStringLiteral("/v1/devices/%1/commands").arg(m_id)).json().value(QStringLiteral("items")).toArray(); };
        send(85); // raised: the command goes out as the rule's
        QJsonArray list = commands();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("fan.on"));
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("payload")).toObject().value(QStringLiteral("speed")).toInt(), 3);
        QVERIFY(list.at(0).toObject().value(QStringLiteral("created_by")).toString().contains(QStringLiteral("Hot")));
        send(20);
        send(90); // raised again within min_interval_s: held back, never a loop
        QCOMPARE(commands().size(), 1);
        QCOMPARE(alerts().size(), 0); // a rule without an alert action raises none
    }

    void anAlertTheDatabaseRefusedIsRaisedWhenItRecovers()
    {
        const QString rule = makeRule();
        connectDevice(QStringLiteral("Tank"));
        // The database refuses every new alert row for a while (a full disk, a lost connection).
        Storage::Database &db = m_server->app().database();
        const bool pg = db.dialect() == Storage::Dialect::Postgres;
        if (pg) {
            QVERIFY(db.exec(QStringLiteral("CREATE FUNCTION fd_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$")));
            QVERIFY(db.exec(QStringLiteral("CREATE TRIGGER fd_test_refuse BEFORE INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION fd_test_refuse()")));
        } else {
            QVERIFY(db.exec(QStringLiteral("CREATE TRIGGER fd_test_refuse BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'injected failure'); END")));
        }
        send(85);
        waitFor([] { return false; }, 1500); // a retry or so, refused too
        QCOMPARE(alerts().size(), 0);
        if (pg) {
            QVERIFY(db.exec(QStringLiteral("DROP TRIGGER fd_test_refuse ON alerts")));
            QVERIFY(db.exec(QStringLiteral("DROP FUNCTION fd_test_refuse()")));
        } else {
            QVERIFY(db.exec(QStringLiteral("DROP TRIGGER fd_test_refuse")));
        }
        // No new reading: the engine's own retry raises it, once.
        QVERIFY(waitFor([&] { return alerts().size() == 1; }, 5000));
        QCOMPARE(alerts().at(0).toObject().value(QStringLiteral("rule_id")).toString(), rule);
        QCOMPARE(alerts().at(0).toObject().value(QStringLiteral("occurrences")).toInt(), 1);
    }

    void restartNeitherRefiresNorForgets()
    {
        const QString rule = makeRule({{QStringLiteral("off_delay_s"), 0}});
        connectDevice(QStringLiteral("Pump"));
        send(85);
        QJsonArray list = alerts();
        QCOMPARE(list.size(), 1);
        const QString alertId = list.at(0).toObject().value(QStringLiteral("id")).toString();
        waitFor([] { return false; }, 400); // rule states are stored within 200 ms (and at stop)
        m_client.reset();
        const auto second = restartInProcess(*m_server);
        QVERIFY(second);
        reconnect();
        send(90); // still hot after the restart: the same alert, not raised again
        std::optional<Alert> open = second->alerts().openAlert(rule, m_id);
        QVERIFY(open);
        QCOMPARE(open->id, alertId);
        QCOMPARE(open->occurrences, 1);
        QVERIFY(open->active);
        send(20); // and not forgotten: it clears
        open = second->alerts().openAlert(rule, m_id);
        QVERIFY(open);
        QCOMPARE(open->state(), QStringLiteral("cleared_unacknowledged"));
        m_client.reset();
        second->stop();
    }

    void backtestFindsTheFirings()
    {
        connectDevice(QStringLiteral("Hist"));
        // An hour of readings a minute apart, hot twice: minutes 10-14 and 40-41.
        const qint64 start = (QDateTime::currentMSecsSinceEpoch() / 60000 - 120) * 60000;
        for (int i = 0; i < 60; ++i)
            send((i >= 10 && i < 15) || (i >= 40 && i < 42) ? 90 : 20, start + i * 60000);
        QJsonObject unsaved{{QStringLiteral("name"), QStringLiteral("Hot")},
                            {QStringLiteral("condition"), QJsonObject{{QStringLiteral("type"), QStringLiteral("threshold")}, {QStringLiteral("metric"), QStringLiteral("temp")},
                                                                      {QStringLiteral("op"), QStringLiteral(">")}, {QStringLiteral("value"), 80}}},
                            {QStringLiteral("actions"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("alert")}, {QStringLiteral("severity"), QStringLiteral("minor")}}}}};
        HttpReply r = post(QStringLiteral("/v1/rules/backtest"), {{QStringLiteral("rule"), unsaved}, {QStringLiteral("device_id"), m_id},
                                                                  {QStringLiteral("from"), start}, {QStringLiteral("to"), start + 3600000}});
        QCOMPARE(r.status, 200);
        QJsonArray firings = r.json().value(QStringLiteral("firings")).toArray();
        QCOMPARE(firings.size(), 2);
        QCOMPARE(firings.at(0).toObject().value(QStringLiteral("raised_at_ms")).toInteger(), start + 10 * 60000);
        QCOMPARE(firings.at(0).toObject().value(QStringLiteral("cleared_at_ms")).toInteger(), start + 15 * 60000);
        QCOMPARE(firings.at(1).toObject().value(QStringLiteral("raised_at_ms")).toInteger(), start + 40 * 60000);
        QCOMPARE(r.json().value(QStringLiteral("readings")).toInt(), 60);
        // "For 3 minutes" only holds the first time.
        QJsonObject cond = unsaved.value(QStringLiteral("condition")).toObject();
        cond.insert(QStringLiteral("for_s"), 180);
        unsaved.insert(QStringLiteral("condition"), cond);
        r = post(QStringLiteral("/v1/rules/backtest"), {{QStringLiteral("rule"), unsaved}, {QStringLiteral("device_id"), m_id},
                                                        {QStringLiteral("from"), start}, {QStringLiteral("to"), start + 3600000}});
        firings = r.json().value(QStringLiteral("firings")).toArray();
        QCOMPARE(firings.size(), 1);
        QCOMPARE(firings.at(0).toObject().value(QStringLiteral("raised_at_ms")).toInteger(), start + 13 * 60000);
        // Bad requests say which field.
        r = post(QStringLiteral("/v1/rules/backtest"), {{QStringLiteral("rule"), unsaved}, {QStringLiteral("device_id"), m_id}, {QStringLiteral("from"), start}});
        QCOMPARE(r.status, 422);
        QVERIFY2(r.json().value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("/to:")), r.body.constData());
        cond.insert(QStringLiteral("op"), QStringLiteral("~"));
        unsaved.insert(QStringLiteral("condition"), cond);
        r = post(QStringLiteral("/v1/rules/backtest"), {{QStringLiteral("rule"), unsaved}, {QStringLiteral("device_id"), m_id},
                                                        {QStringLiteral("from"), start}, {QStringLiteral("to"), start + 3600000}});
        QCOMPARE(r.status, 422);
        QVERIFY2(r.json().value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("/rule/condition/op:")), r.body.constData());
    }
};

QTEST_MAIN(TestAlerts)
#include "tst_alerts.moc"
