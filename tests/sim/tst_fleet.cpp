// The simulator against a real server: registers devices with CSRs, connects them, reuses its state next time.
#include "fleet.h"
#include "testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QJsonArray>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

class TestFleet : public QObject
{
    Q_OBJECT

    Sim::FleetOptions options(TestServer &server, const QString &stateDir, int count)
    {
        Sim::FleetOptions o;
        o.server = QUrl(QStringLiteral("https://localhost:%1").arg(server.app().httpPort()));
        o.caFile = server.caFile();
        o.email = QStringLiteral("admin@localhost");
        o.password = server.adminPassword();
        o.stateDir = stateDir;
        o.count = count;
        o.serialPrefix = QStringLiteral("T");
        return o;
    }

    int onlineDevices(TestServer &server)
    {
        return server.request("GET", QStringLiteral("/v1/devices?connection=online&limit=1000"), {}, {}, server.adminToken())
            .json().value(QStringLiteral("items")).toArray().size();
    }

private Q_SLOTS:
    void registersConnectsAndReuses()
    {
        TestServer server;
        QVERIFY2(server.start(), qPrintable(server.error()));
        QTemporaryDir state;
        {
            Sim::Fleet fleet(options(server, state.path(), 6));
            bool allOnline = false;
            QString failure;
            connect(&fleet, &Sim::Fleet::allOnline, this, [&] { allOnline = true; });
            connect(&fleet, &Sim::Fleet::failed, this, [&](const QString &why) { failure = why; });
            fleet.start();
            QVERIFY(waitFor([&] { return allOnline || !failure.isEmpty(); }, 20000));
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
            QCOMPARE(fleet.registeredNow(), 6);
            QCOMPARE(fleet.reused(), 0);
            QVERIFY(waitFor([&] { return onlineDevices(server) == 6; }, 5000));
            // Keys stay with the simulator: private keys on disk, none ever sent (CSR path).
            const QStringList dirs = QDir(state.path() + QStringLiteral("/devices")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
            QCOMPARE(dirs.size(), 6);
            QVERIFY(QFile::exists(state.path() + QStringLiteral("/devices/T-00001/key.pem")));
            fleet.stop();
        }
        // A clean stop says offline.
        QVERIFY(waitFor([&] { return onlineDevices(server) == 0; }, 5000));
        {
            Sim::Fleet again(options(server, state.path(), 8));
            bool allOnline = false;
            connect(&again, &Sim::Fleet::allOnline, this, [&] { allOnline = true; });
            again.start();
            QVERIFY(waitFor([&] { return allOnline; }, 20000));
            QCOMPARE(again.reused(), 6);
            QCOMPARE(again.registeredNow(), 2);
            QVERIFY(waitFor([&] { return onlineDevices(server) == 8; }, 5000));
            again.stop();
        }
        const QJsonArray all = server.request("GET", QStringLiteral("/v1/devices?limit=1000"), {}, {}, server.adminToken()).json().value(QStringLiteral("items")).toArray();
        QCOMPARE(all.size(), 8);
    }

    void floodFillsItsWindowAgainAfterEachAck()
    {
        // Flooding, a device keeps `window` QoS 1 publishes in flight. While it waits for the server's ack (its ack
        // window full) the broker's PUBACKs drain them; each ack must fill the window again, not add one message
        // (the ingest benchmark's devices then crawled at one message per broker round trip).
        TestServer server;
        QVERIFY2(server.start(), qPrintable(server.error()));
        QTemporaryDir state;
        Sim::Fleet fleet(options(server, state.path(), 1));
        bool allOnline = false;
        connect(&fleet, &Sim::Fleet::allOnline, this, [&] { allOnline = true; });
        fleet.start();
        QVERIFY(waitFor([&] { return allOnline; }, 20000));
        Sim::SimDevice &d = *fleet.devices().front();
        constexpr int kWindow = 8, kAckWindow = 16;
        bool flooding = true;
        int acks = 0, shortfalls = 0;
        connect(&d, &Sim::SimDevice::telemetryAcked, this, [&] {
            if (!flooding)
                return;
            ++acks;
            if (d.inFlight() < kWindow && d.buffered() < kAckWindow)
                ++shortfalls;
        });
        Sim::TelemetryOptions o;
        o.flood = true;
        o.window = kWindow;
        o.ackWindow = kAckWindow;
        o.seed = 7;
        d.startTelemetry(o);
        QVERIFY(waitFor([&] { return acks >= 30; }, 20000));
        flooding = false;
        d.stopTelemetry();
        QCOMPARE(shortfalls, 0);
        fleet.stop();
    }

    void wrongPasswordIsReported()
    {
        TestServer server;
        QVERIFY2(server.start(), qPrintable(server.error()));
        QTemporaryDir state;
        Sim::FleetOptions o = options(server, state.path(), 1);
        o.password = QStringLiteral("wrong");
        Sim::Fleet fleet(o);
        QString failure;
        connect(&fleet, &Sim::Fleet::failed, this, [&](const QString &why) { failure = why; });
        fleet.start();
        QVERIFY(waitFor([&] { return !failure.isEmpty(); }, 10000));
        QVERIFY2(failure.contains(QStringLiteral("wrong e-mail or password")), qPrintable(failure));
    }
};

QTEST_GUILESS_MAIN(TestFleet)
#include "tst_fleet.moc"
