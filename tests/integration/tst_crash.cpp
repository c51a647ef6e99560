// "Nothing acknowledged is lost": devices stream telemetry, the server process is killed with SIGKILL mid-stream
// (its broker dies with it) and started again; the devices re-send what was not acknowledged. Afterwards the
// database holds every generated reading exactly once.
#include "core/packedreadings.h"
#include "fleet.h"
#include "testsupport.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QtTest>

#include <csignal>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

class TestCrash : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcess m_server;
    quint16 m_http = 0;
    quint16 m_mqtt = 0;

    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }

    bool startServer()
    {
        const QString binary = QString::fromLocal8Bit(qgetenv("FLEETDECK_BUILD_DIR")) + QStringLiteral("/server/fleetdeck-server");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FLEETDECK_ADMIN_PASSWORD"), QStringLiteral("crash-test-password-1"));
        m_server.setProcessEnvironment(env);
        m_server.setProcessChannelMode(QProcess::MergedChannels);
        m_server.setStandardOutputFile(m_dir.filePath(QStringLiteral("server.log")), QIODevice::Append);
        m_server.start(binary, {QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--http-port"), QString::number(m_http),
                                QStringLiteral("--mqtt-port"), QString::number(m_mqtt), QStringLiteral("--ws-port"), QStringLiteral("0"), QStringLiteral("--transfer-port"), QStringLiteral("0"),
                                QStringLiteral("--bind"), QStringLiteral("127.0.0.1")});
        if (!m_server.waitForStarted(5000))
            return false;
        // Healthy = database and broker link up.
        return waitFor([&] {
            QProcess curl;
            curl.start(QStringLiteral("curl"), {QStringLiteral("-fsS"), QStringLiteral("--cacert"), dataDir() + QStringLiteral("/pki/ca.crt"),
                                               QStringLiteral("https://127.0.0.1:%1/v1/health").arg(m_http)});
            curl.waitForFinished(3000);
            return curl.exitCode() == 0 && curl.exitStatus() == QProcess::NormalExit;
        }, 20000);
    }

private Q_SLOTS:
    void killNineLosesNothingAcknowledged()
    {
        m_http = freePort();
        m_mqtt = freePort();
        QVERIFY2(startServer(), "the server did not become healthy");

        Sim::FleetOptions o;
        o.server = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(m_http));
        o.caFile = dataDir() + QStringLiteral("/pki/ca.crt");
        o.email = QStringLiteral("admin@localhost");
        o.password = QStringLiteral("crash-test-password-1");
        o.stateDir = m_dir.filePath(QStringLiteral("sim"));
        o.count = 3;
        o.mqttHost = QStringLiteral("127.0.0.1");
        o.telemetry.ratePerSecond = 200;
        o.telemetry.maxBuffered = 1000000;
        Sim::Fleet fleet(o);
        bool online = false;
        connect(&fleet, &Sim::Fleet::allOnline, this, [&] { online = true; });
        fleet.start();
        QVERIFY(waitFor([&] { return online; }, 20000));
        waitFor([] { return false; }, 1500);
        const qint64 ackedBeforeCrash = fleet.telemetryTotals().acked;
        QVERIFY(ackedBeforeCrash > 100);

        // SIGKILL: no shutdown at all. The broker child dies with it (PR_SET_PDEATHSIG).
        ::kill(pid_t(m_server.processId()), SIGKILL);
        QVERIFY(m_server.waitForFinished(5000));
        waitFor([] { return false; }, 800); // devices keep generating, unacknowledged
        QVERIFY2(startServer(), "the server did not come back");
        // Devices reconnect by themselves and re-send; let them stream a little more, then stop and drain.
        QVERIFY(waitFor([&] { return fleet.onlineCount() == 3; }, 40000));
        waitFor([] { return false; }, 1000);
        for (const auto &d : fleet.devices())
            d->stopTelemetry();
        QVERIFY(waitFor([&] {
            const auto t = fleet.telemetryTotals();
            return t.generated == t.acked;
        }, 30000));
        const auto totals = fleet.telemetryTotals();
        QCOMPARE(totals.dropped, 0);
        QVERIFY(totals.resent > 0 || totals.generated == ackedBeforeCrash); // something was in flight at the kill
        fleet.stop();
        m_server.terminate();
        QVERIFY(m_server.waitForFinished(20000));

        // Every generated message is stored exactly once: a row per message (SQLite), its 3 readings packed in it.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("crash-check"));
            db.setDatabaseName(dataDir() + QStringLiteral("/fleetdeck.db"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM telemetry")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toLongLong(), totals.generated);
            // Per device too: a re-send stored twice on one device cannot hide behind a loss on another.
            for (const auto &d : fleet.devices()) {
                QVERIFY(q.prepare(QStringLiteral("SELECT t.seq, t.readings FROM telemetry t JOIN telemetry_devices k ON k.device_key = t.device_key "
                                                 "WHERE k.device_id = ?")));
                q.addBindValue(d->identity().deviceId);
                QVERIFY(q.exec());
                qint64 messages = 0, readings = 0;
                QSet<qint64> seqs;
                while (q.next()) {
                    ++messages;
                    seqs.insert(q.value(0).toLongLong());
                    const QByteArray packed = q.value(1).toByteArray();
                    QVERIFY(Packed::forEach(packed.constData(), packed.size(), [&](const Packed::Reading &) { ++readings; }));
                }
                QCOMPARE(messages, d->counters().generated);
                QCOMPARE(qint64(seqs.size()), messages);
                QCOMPARE(readings, d->counters().generated * 3);
            }
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("crash-check"));
        qInfo("generated %lld, acknowledged before the kill %lld, re-sent %lld, stored %lld",
              (long long)totals.generated, (long long)ackedBeforeCrash, (long long)totals.resent, (long long)totals.generated);
    }
};

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
