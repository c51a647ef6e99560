// Device-health alerts, maintenance windows and alarm KPIs end to end against a real server and broker, on SQLite
// and PostgreSQL: a device offline longer than the threshold raises health:offline (also when the restart came in
// between) and its reconnection clears it; an expiring certificate raises health:certificate with a severity that
// follows the days left; K failed commands in a row raise health:commands and a success clears it; a maintenance
// window suppresses its devices' alerts (old and new) until its end, across a restart; KPIs over a known history.
#include "alerts/alertservice.h"
#include "devices/deviceservice.h"
#include "events/eventbus.h"
#include "health/devicehealth.h"
#include "mqtt/mqttclient.h"
#include "pki/certificateauthority.h"
#include "protocol/messages.h"
#include "protocol/topics.h"
#include "runtime/application.h"
#include "scheduler/scheduler.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

class TestHealthAlerts : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_files;
    QString m_id;
    std::unique_ptr<MqttClient> m_client;
    int m_serial = 0;
    static constexpr qint64 kMinute = 60 * 1000;

    QByteArray token() { return m_server->adminToken(); }
    HttpReply post(const QString &path, const QJsonObject &body) { return m_server->requestJson("POST", path, body, token()); }
    HttpReply get(const QString &path) { return m_server->request("GET", path, {}, {}, token()); }

    void registerDevice(const QString &name)
    {
        auto kc = Pki::makeKeyAndRequest(QStringLiteral("x"));
        QVERIFY(kc.has_value());
        const HttpReply r = post(QStringLiteral("/v1/devices"), {{QStringLiteral("serial_number"), QStringLiteral("HLT-%1").arg(++m_serial)},
                                                                 {QStringLiteral("device_type"), QStringLiteral("pump")},
                                                                 {QStringLiteral("name"), name},
                                                                 {QStringLiteral("csr"), QString::fromLatin1(kc->second)}});
        QCOMPARE(r.status, 201);
        m_id = r.json().value(QStringLiteral("device_id")).toString();
        QFile c(m_files.filePath(m_id + QStringLiteral(".crt"))), k(m_files.filePath(m_id + QStringLiteral(".key")));
        QVERIFY(c.open(QIODevice::WriteOnly) && k.open(QIODevice::WriteOnly));
        c.write(r.json().value(QStringLiteral("certificate")).toString().toLatin1());
        k.write(kc->first);
    }

    void setOnline(Application &app, bool online)
    {
        if (online && !m_client) {
            MqttClientOptions o;
            o.host = QStringLiteral("localhost");
            o.port = m_server->mqttPort();
            o.clientId = m_id;
            o.caFile = m_server->caFile();
            o.certFile = m_files.filePath(m_id + QStringLiteral(".crt"));
            o.keyFile = m_files.filePath(m_id + QStringLiteral(".key"));
            o.willTopic = Topics::status(m_id);
            o.willPayload = Messages::encode(Messages::DeviceStatus{Messages::DeviceStatus::State::Offline, {}});
            m_client = std::make_unique<MqttClient>(o);
            QVERIFY(m_client->start().has_value());
            QVERIFY(waitFor([&] { return m_client->state() == MqttClient::State::Connected; }, 10000));
        }
        QVERIFY(m_client);
        const auto state = online ? Messages::DeviceStatus::State::Online : Messages::DeviceStatus::State::Offline;
        QVERIFY(m_client->publish(Topics::status(m_id), Messages::encode(Messages::DeviceStatus{state, QStringLiteral("1.0.0")}), 1, true).has_value());
        const auto want = online ? States::Connection::Online : States::Connection::Offline;
        QVERIFY(waitFor([&] { const auto d = app.devices().directory().find(m_id); return d && d->connection == want; }, 5000));
        waitFor([] { return false; }, 50); // the connection event after the store
        if (!online) {
            m_client->stop();
            m_client.reset();
        }
    }

    std::optional<Alert> open(Application &app, const QString &source) { return app.alerts().openAlert(source, m_id); }

    void commandEnds(Application &app, const QString &status)
    {
        static int n = 0;
        Q_EMIT app.events().commandChanged(QStringLiteral("cmd-%1").arg(++n), m_id, status);
    }

    QString tenantId() { return get(QStringLiteral("/v1/auth/me")).json().value(QStringLiteral("tenant_id")).toString(); }

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
    }

    void cleanup()
    {
        m_client.reset();
        m_server.reset();
    }

    void offlineTooLongRaisesAndReconnectClears()
    {
        Application &app = m_server->app();
        registerDevice(QStringLiteral("Pump 1"));
        setOnline(app, true);
        setOnline(app, false);
        const qint64 wentOffline = QDateTime::currentMSecsSinceEpoch();
        app.scheduler().runDue(wentOffline + 5 * kMinute); // under the 15 minutes: nothing yet
        QVERIFY(!open(app, QStringLiteral("health:offline")));
        app.scheduler().runDue(wentOffline + 16 * kMinute);
        auto a = open(app, QStringLiteral("health:offline"));
        QVERIFY(a);
        QVERIFY(a->active);
        QVERIFY(a->ruleId.isEmpty());
        QVERIFY2(a->message.contains(QStringLiteral("Pump 1")), qPrintable(a->message));
        const QJsonArray listed = get(QStringLiteral("/v1/alerts?device_id=%1").arg(m_id)).json().value(QStringLiteral("items")).toArray();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).toObject().value(QStringLiteral("source")).toString(), QStringLiteral("health:offline"));
        setOnline(app, true);
        a = open(app, QStringLiteral("health:offline"));
        QVERIFY(a);
        QCOMPARE(a->state(), QStringLiteral("cleared_unacknowledged"));
    }

    void offlineCheckSurvivesARestart()
    {
        registerDevice(QStringLiteral("Pump 2"));
        setOnline(m_server->app(), true);
        setOnline(m_server->app(), false); // the check is a stored job now
        const auto second = restartInProcess(*m_server);
        QVERIFY(second);
        waitFor([] { return false; }, 500); // the broker's replay of the retained status
        const qint64 t = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(!open(*second, QStringLiteral("health:offline")));
        second->scheduler().runDue(t + 16 * kMinute);
        auto a = open(*second, QStringLiteral("health:offline"));
        QVERIFY(a);
        QVERIFY(a->active);
        setOnline(*second, true);
        QCOMPARE(open(*second, QStringLiteral("health:offline"))->state(), QStringLiteral("cleared_unacknowledged"));
        m_client.reset();
        second->stop();
    }

    void expiringCertificateRaises()
    {
        Application &app = m_server->app();
        registerDevice(QStringLiteral("Pump 3"));
        const auto expireIn = [&](qint64 ms) {
            QVERIFY(app.database().exec(QStringLiteral("UPDATE device_certificates SET expires_at = :e WHERE device_id = :d"),
                                        {{QStringLiteral("e"), QDateTime::currentMSecsSinceEpoch() + ms}, {QStringLiteral("d"), m_id}}).has_value());
            QVERIFY(app.deviceHealth().checkCertificates().has_value());
        };
        QVERIFY(app.deviceHealth().checkCertificates().has_value()); // a fresh certificate: nothing
        QVERIFY(!open(app, QStringLiteral("health:certificate")));
        const qint64 day = 24 * 3600 * 1000LL;
        expireIn(20 * day);
        auto a = open(app, QStringLiteral("health:certificate"));
        QVERIFY(a);
        QCOMPARE(a->severity, Rules::Severity::Warning);
        const QString id = a->id;
        expireIn(5 * day);
        a = open(app, QStringLiteral("health:certificate"));
        QCOMPARE(a->id, id); // the same alert, worse
        QCOMPARE(a->severity, Rules::Severity::Major);
        expireIn(-day);
        QCOMPARE(open(app, QStringLiteral("health:certificate"))->severity, Rules::Severity::Critical);
        expireIn(400 * day); // renewed
        QCOMPARE(open(app, QStringLiteral("health:certificate"))->state(), QStringLiteral("cleared_unacknowledged"));
    }

    void failedCommandsRaiseAndASuccessClears()
    {
        Application &app = m_server->app();
        registerDevice(QStringLiteral("Pump 4"));
        commandEnds(app, QStringLiteral("failed"));
        commandEnds(app, QStringLiteral("timed_out"));
        QVERIFY(!open(app, QStringLiteral("health:commands")));
        commandEnds(app, QStringLiteral("expired")); // never delivered: says nothing of the device
        commandEnds(app, QStringLiteral("delivered")); // not final
        QVERIFY(!open(app, QStringLiteral("health:commands")));
        commandEnds(app, QStringLiteral("rejected"));
        auto a = open(app, QStringLiteral("health:commands"));
        QVERIFY(a);
        QVERIFY(a->active);
        QCOMPARE(a->severity, Rules::Severity::Minor);
        commandEnds(app, QStringLiteral("succeeded"));
        QCOMPARE(open(app, QStringLiteral("health:commands"))->state(), QStringLiteral("cleared_unacknowledged"));
        // The count starts again after a success.
        commandEnds(app, QStringLiteral("failed"));
        commandEnds(app, QStringLiteral("failed"));
        QVERIFY(!open(app, QStringLiteral("health:commands"))->active);
    }

    void maintenanceWindowSuppressesUntilItsEnd()
    {
        registerDevice(QStringLiteral("Pump 5"));
        Application &app = m_server->app();
        for (int i = 0; i < 3; ++i)
            commandEnds(app, QStringLiteral("failed"));
        QVERIFY(open(app, QStringLiteral("health:commands")));
        QVERIFY(open(app, QStringLiteral("health:commands"))->suppressedReason.isEmpty());

        const qint64 t = QDateTime::currentMSecsSinceEpoch();
        QJsonObject body{{QStringLiteral("name"), QStringLiteral("Pump swap")},
                         {QStringLiteral("starts_at"), t - kMinute},
                         {QStringLiteral("ends_at"), t + 60 * kMinute},
                         {QStringLiteral("scope"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray{m_id}}}},
                         {QStringLiteral("note"), QStringLiteral("crew 2")}};
        // Bad input names the field.
        QJsonObject bad = body;
        bad.insert(QStringLiteral("ends_at"), t - 2 * kMinute);
        HttpReply r = post(QStringLiteral("/v1/maintenance-windows"), bad);
        QCOMPARE(r.status, 422);
        QVERIFY2(r.json().value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("/ends_at:")), r.body.constData());
        bad = body;
        bad.insert(QStringLiteral("scope"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray{QStringLiteral("nope")}}});
        r = post(QStringLiteral("/v1/maintenance-windows"), bad);
        QCOMPARE(r.status, 422);
        QVERIFY2(r.json().value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("/scope/device_ids/0:")), r.body.constData());
        bad = body;
        bad.remove(QStringLiteral("name"));
        QCOMPARE(post(QStringLiteral("/v1/maintenance-windows"), bad).status, 422);

        r = post(QStringLiteral("/v1/maintenance-windows"), body);
        QCOMPARE(r.status, 201);
        const QString window = r.json().value(QStringLiteral("id")).toString();
        QCOMPARE(r.json().value(QStringLiteral("state")).toString(), QStringLiteral("active"));
        const QString reason = QStringLiteral("maintenance window Pump swap");
        QCOMPARE(open(app, QStringLiteral("health:commands"))->suppressedReason, reason); // the open one
        QCOMPARE(get(QStringLiteral("/v1/maintenance-windows")).json().value(QStringLiteral("count")).toInt(), 1);
        // A new one raised meanwhile carries it too.
        QVERIFY(app.database().exec(QStringLiteral("UPDATE device_certificates SET expires_at = :e WHERE device_id = :d"),
                                    {{QStringLiteral("e"), t + 3 * 24 * 3600 * 1000LL}, {QStringLiteral("d"), m_id}}).has_value());
        QVERIFY(app.deviceHealth().checkCertificates().has_value());
        QCOMPARE(open(app, QStringLiteral("health:certificate"))->suppressedReason, reason);

        // Across a restart: still in force, for old and new alerts.
        const auto second = restartInProcess(*m_server);
        QVERIFY(second);
        QCOMPARE(open(*second, QStringLiteral("health:commands"))->suppressedReason, reason);
        commandEnds(*second, QStringLiteral("succeeded"));
        for (int i = 0; i < 3; ++i)
            commandEnds(*second, QStringLiteral("failed")); // raised again after the restart, inside the window
        QVERIFY(open(*second, QStringLiteral("health:commands"))->active);
        QCOMPARE(open(*second, QStringLiteral("health:commands"))->suppressedReason, reason);

        // Its end (a scheduler job) lifts it.
        second->scheduler().runDue(t + 61 * kMinute);
        QVERIFY(open(*second, QStringLiteral("health:commands"))->suppressedReason.isEmpty());
        QVERIFY(open(*second, QStringLiteral("health:certificate"))->suppressedReason.isEmpty());
        auto state = second->database().exec(QStringLiteral("SELECT state FROM maintenance_windows WHERE id = :id"), {{QStringLiteral("id"), window}});
        QVERIFY(state && state->next());
        QCOMPARE(state->value(0).toString(), QStringLiteral("ended"));
        second->stop();
    }

    void kpisOnAKnownSet()
    {
        Application &app = m_server->app();
        Storage::Database &db = app.database();
        const QString tenant = tenantId();
        QVERIFY(!tenant.isEmpty());
        const qint64 base = (QDateTime::currentMSecsSinceEpoch() / (10 * kMinute) - 6 * 24 * 2) * 10 * kMinute; // two days ago, on an interval
        const bool pg = db.dialect() == Storage::Dialect::Postgres;
        const QString yes = pg ? QStringLiteral("TRUE") : QStringLiteral("1"), no = pg ? QStringLiteral("FALSE") : QStringLiteral("0");
        int n = 0;
        const auto alert = [&](const QString &source, const QString &device, const QString &severity, bool active, qint64 lastRaised) {
            const QString id = QStringLiteral("00000000-0000-4000-8000-%1").arg(++n, 12, 10, QLatin1Char('0'));
            const auto q = db.exec(QStringLiteral("INSERT INTO alerts (id, tenant_id, source_key, rule_name, device_id, severity, message, active, acknowledged, "
                                                  "closed, occurrences, chattering, shelved, shelve_one_shot, out_of_service, raised_at, last_raised_at, "
                                                  "closed_at, updated_at) VALUES (:id, :t, :s, 'r', :d, :sev, 'm', %1, %2, %2, 1, %2, %2, %2, %2, :r, :r2, :c, :r3)")
                                       .arg(active ? yes : no, no),
                                   {{QStringLiteral("id"), id}, {QStringLiteral("t"), tenant}, {QStringLiteral("s"), source}, {QStringLiteral("d"), device},
                                    {QStringLiteral("sev"), severity}, {QStringLiteral("r"), lastRaised}, {QStringLiteral("r2"), lastRaised},
                                    {QStringLiteral("c"), active ? QVariant(QMetaType::fromType<qint64>()) : QVariant(lastRaised + 1)}, {QStringLiteral("r3"), lastRaised}});
            if (!q)
                qWarning() << q.error().message;
            return id;
        };
        const auto event = [&](const QString &alertId, qint64 at, const QString &kind) {
            QVERIFY(db.exec(QStringLiteral("INSERT INTO alert_events (alert_id, tenant_id, at, kind, actor) VALUES (:a, :t, :at, :k, 'system')"),
                            {{QStringLiteral("a"), alertId}, {QStringLiteral("t"), tenant}, {QStringLiteral("at"), at}, {QStringLiteral("k"), kind}}).has_value());
        };
        // A flood: one rule on one device raised 12 times within the first interval, 10 s apart (chattering too).
        const QString flood = alert(QStringLiteral("11111111-0000-4000-8000-000000000001"), QStringLiteral("dev-a"), QStringLiteral("major"), false, base);
        for (int i = 0; i < 12; ++i) {
            event(flood, base + i * 10000, i ? QStringLiteral("raised_again") : QStringLiteral("raised"));
            event(flood, base + i * 10000 + 5000, QStringLiteral("cleared"));
        }
        // Twice, 20 minutes apart: no chatter.
        const QString offline = alert(QStringLiteral("health:offline"), QStringLiteral("dev-b"), QStringLiteral("critical"), false, base + 40 * kMinute);
        event(offline, base + 20 * kMinute, QStringLiteral("raised"));
        event(offline, base + 30 * kMinute, QStringLiteral("cleared"));
        event(offline, base + 40 * kMinute, QStringLiteral("raised_again"));
        // Active since two days: stale.
        const QString stale = alert(QStringLiteral("health:certificate"), QStringLiteral("dev-c"), QStringLiteral("minor"), true, base + 35 * kMinute);
        event(stale, base + 35 * kMinute, QStringLiteral("raised"));
        // Outside the range: not counted.
        event(offline, base + 70 * kMinute, QStringLiteral("raised_again"));

        const HttpReply r = get(QStringLiteral("/v1/alerts/kpis?from=%1&to=%2").arg(base).arg(base + 60 * kMinute));
        QCOMPARE(r.status, 200);
        const QJsonObject k = r.json();
        QCOMPARE(k.value(QStringLiteral("raised")).toInt(), 15);
        QCOMPARE(k.value(QStringLiteral("per_interval")).toObject().value(QStringLiteral("average")).toDouble(), 2.5);
        QCOMPARE(k.value(QStringLiteral("per_interval")).toObject().value(QStringLiteral("peak")).toInt(), 12);
        QCOMPARE(k.value(QStringLiteral("floods")).toObject().value(QStringLiteral("intervals")).toInt(), 1);
        QCOMPARE(k.value(QStringLiteral("chattering")).toInt(), 1);
        QCOMPARE(k.value(QStringLiteral("stale")).toObject().value(QStringLiteral("count")).toInt(), 1);
        QCOMPARE(k.value(QStringLiteral("stale")).toObject().value(QStringLiteral("alert_ids")).toArray().at(0).toString(), stale);
        const QJsonArray actors = k.value(QStringLiteral("bad_actors")).toArray();
        QCOMPARE(actors.size(), 3);
        QCOMPARE(actors.at(0).toObject().value(QStringLiteral("device_id")).toString(), QStringLiteral("dev-a"));
        QCOMPARE(actors.at(0).toObject().value(QStringLiteral("raised")).toInt(), 12);
        QCOMPARE(actors.at(1).toObject().value(QStringLiteral("source")).toString(), QStringLiteral("health:offline"));
        const QJsonObject mix = k.value(QStringLiteral("priority_mix")).toObject();
        QCOMPARE(mix.value(QStringLiteral("major")).toObject().value(QStringLiteral("raised")).toInt(), 12);
        QCOMPARE(mix.value(QStringLiteral("critical")).toObject().value(QStringLiteral("raised")).toInt(), 2);
        QCOMPARE(mix.value(QStringLiteral("minor")).toObject().value(QStringLiteral("raised")).toInt(), 1);
        QCOMPARE(get(QStringLiteral("/v1/alerts/kpis?from=%1&to=%1").arg(base)).status, 422);
        QCOMPARE(get(QStringLiteral("/v1/alerts/kpis?from=yesterday")).status, 422);
    }
};

QTEST_MAIN(TestHealthAlerts)
#include "tst_health_alerts.moc"
