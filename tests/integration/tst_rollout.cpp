// A phased firmware rollout end to end over 200 simulated devices on a real server and broker: devices download
// over HTTPS with their tokens, verify hash and signature, reboot into the new version; injected faults (checksum,
// signature, boot failure) pause the rollout at its threshold; after the faults are removed, resume completes (a
// device that never comes back times out); a server restart mid-rollout resumes where it was; rollback returns the
// updated devices to their old version.
#include "runtime/application.h"
#include "firmware/firmwarerepository.h"
#include "firmware/rolloutservice.h"
#include "fleet.h"
#include "testsupport.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QNetworkAccessManager>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;
using Fault = Sim::FirmwareOptions::Fault;

namespace {
constexpr int kDevices = 200;
constexpr auto kType = "gw-sim";
}

class TestRollout : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<Application> m_second; ///< the server after its restart
    QTemporaryDir m_state;
    std::unique_ptr<Sim::Fleet> m_fleet;
    QNetworkAccessManager m_network;
    Sim::FirmwareOptions m_firmware;
    Principal m_admin;

    Application &app() { return m_second ? *m_second : m_server->app(); }
    QByteArray token() { return m_server->adminToken(); }

    /// A firmware entry with its image, put in through the repository (the transfer listener has tests of its own).
    QString addImage(const QString &version, int size)
    {
        QByteArray image = "FDFW1\n" + QJsonDocument(QJsonObject{{QStringLiteral("device_type"), QString::fromLatin1(kType)}, {QStringLiteral("version"), version}})
                                           .toJson(QJsonDocument::Compact) + '\n';
        while (image.size() < size)
            image.append(char(image.size() * 31 % 251));
        auto entry = app().firmware().create(m_admin, {{QStringLiteral("device_type"), QString::fromLatin1(kType)}, {QStringLiteral("version"), version},
                                                        {QStringLiteral("size"), image.size()}});
        if (!entry)
            return {};
        auto up = app().firmware().beginUpload(m_admin, entry->id, image.size());
        if (!up || !(*up)->write(image))
            return {};
        auto done = app().firmware().finishUpload(std::move(*up));
        return done ? done->id : QString();
    }

    Sim::SimDevice *sim(const QString &deviceId)
    {
        for (const auto &d : m_fleet->devices())
            if (d->identity().deviceId == deviceId)
                return d.get();
        return nullptr;
    }

    void setFault(const QString &deviceId, Fault f)
    {
        Sim::FirmwareOptions o = m_firmware;
        o.fault = f;
        sim(deviceId)->setFirmwareOptions(o);
    }

    Rollout rollout(const QString &id)
    {
        auto r = app().rollouts().get(m_admin, id);
        return r ? *r : Rollout{};
    }

    int count(const Rollout &r, RolloutStates::Device s, int phase = -2)
    {
        int n = 0;
        for (const RolloutDevice &d : r.devices)
            n += d.state == s && (phase == -2 || d.phase == phase) ? 1 : 0;
        return n;
    }

    QString describe(const Rollout &r)
    {
        QStringList parts{RolloutStates::name(r.state), r.pauseReason};
        for (size_t s = 0; s < RolloutStates::kDeviceNames.size(); ++s)
            if (const int n = count(r, RolloutStates::Device(s)))
                parts << QStringLiteral("%1=%2").arg(QString::fromLatin1(RolloutStates::kDeviceNames[s])).arg(n);
        for (const RolloutDevice &d : r.devices)
            if (RolloutStates::isFailure(d.state)) {
                parts << QStringLiteral("e.g. %1: %2 (attempt %3)").arg(d.deviceId, d.reason).arg(d.attempt);
                break;
            }
        parts << QString::fromUtf8(QJsonDocument(app().rollouts().health()).toJson(QJsonDocument::Compact));
        return parts.join(u' ');
    }

private slots:
    void initTestCase()
    {
        const quint16 transferPort = freePort();
        // CTest runs this binary once per backend (FLEETDECK_TEST_BACKEND); PostgreSQL needs FLEETDECK_TEST_PG_URL (./test.sh).
        const QString backend = qEnvironmentVariable("FLEETDECK_TEST_BACKEND", QStringLiteral("sqlite"));
        if (backend == u"postgresql" && !PgDatabase::available())
            QSKIP("FLEETDECK_TEST_PG_URL is not set (./test.sh starts PostgreSQL and sets it)");
        m_server = std::make_unique<TestServer>(backend, [transferPort](ServerOptions &o) {
            o.transferPort = transferPort; // the job URLs stay valid across the restart below
            o.maxConnectionsPerSource = 1000;
        });
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        const HttpReply me = m_server->request("GET", QStringLiteral("/v1/auth/me"), {}, {}, token());
        m_admin.tenantId = me.json().value(QStringLiteral("tenant_id")).toString();
        m_admin.email = QStringLiteral("admin@localhost");
        m_admin.role = Role::TenantAdmin;
        QVERIFY(!m_admin.tenantId.isEmpty());

        Sim::FleetOptions fo;
        fo.server = QUrl(QStringLiteral("https://localhost:%1").arg(m_server->app().httpPort()));
        fo.caFile = m_server->caFile();
        fo.email = QStringLiteral("admin@localhost");
        fo.password = m_server->adminPassword();
        fo.stateDir = m_state.path();
        fo.count = kDevices;
        fo.deviceType = QString::fromLatin1(kType);
        fo.firmwareVersion = QStringLiteral("1.0.0");
        fo.serialPrefix = QStringLiteral("RO");
        fo.commands.rebootSeconds = 1;
        m_fleet = std::make_unique<Sim::Fleet>(fo);
        bool online = false;
        QString failure;
        connect(m_fleet.get(), &Sim::Fleet::allOnline, this, [&] { online = true; });
        connect(m_fleet.get(), &Sim::Fleet::failed, this, [&](const QString &why) { failure = why; });
        m_fleet->start();
        QVERIFY2(waitFor([&] { return online || !failure.isEmpty(); }, 120000), "the fleet did not come online");
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        const HttpReply key = m_server->request("GET", QStringLiteral("/v1/firmware/signing-key"), {}, {}, token());
        m_firmware.signingKeyPem = key.json().value(QStringLiteral("public_key_pem")).toString().toLatin1();
        m_firmware.tls = m_server->sslConfiguration();
        m_firmware.installMs = 200;
        for (const auto &d : m_fleet->devices())
            d->enableFirmware(m_network, m_firmware, QString::fromLatin1(kType));
        // The registry has every device's version from its status.
        QVERIFY(waitFor([&] {
            const HttpReply list = m_server->request("GET", QStringLiteral("/v1/devices?limit=1000&device_type=%1").arg(QString::fromLatin1(kType)), {}, {}, token());
            int n = 0;
            for (const QJsonValue &v : list.json().value(QStringLiteral("items")).toArray())
                n += v.toObject().value(QStringLiteral("firmware_version")).toString() == u"1.0.0" ? 1 : 0;
            return n == kDevices;
        }, 30000));
    }

    void phasedRolloutPausesResumesSurvivesRestartAndRollsBack()
    {
        const QString oldImage = addImage(QStringLiteral("1.0.0"), 20000);
        const QString newImage = addImage(QStringLiteral("1.1.0"), 300000);
        QVERIFY(!oldImage.isEmpty() && !newImage.isEmpty());

        // Bad rollouts are refused with the field named.
        const HttpReply unknown = m_server->requestJson("POST", QStringLiteral("/v1/firmware/updates"),
                                                        {{QStringLiteral("firmware_id"), QStringLiteral("00000000-0000-0000-0000-000000000000")}}, token());
        QCOMPARE(unknown.status, 422);
        QVERIFY2(unknown.body.contains("/firmware_id"), unknown.body.constData());
        const HttpReply badPhase = m_server->requestJson("POST", QStringLiteral("/v1/firmware/updates"),
                                                         {{QStringLiteral("firmware_id"), newImage},
                                                          {QStringLiteral("phases"), QJsonArray{QJsonObject{{QStringLiteral("devices"), 5}, {QStringLiteral("soak_s"), -1}}}}}, token());
        QCOMPARE(badPhase.status, 422);
        QVERIFY2(badPhase.body.contains("/phases/0/soak_s"), badPhase.body.constData());

        const QString start = QDateTime::currentDateTimeUtc().addSecs(3).toString(Qt::ISODateWithMs);
        const QJsonArray phases{QJsonObject{{QStringLiteral("devices"), 20}, {QStringLiteral("soak_s"), 2}, {QStringLiteral("failure_threshold_percent"), 10}},
                                QJsonObject{{QStringLiteral("percent"), 40}, {QStringLiteral("soak_s"), 2}},
                                QJsonObject{{QStringLiteral("soak_s"), 2}}};
        const HttpReply made = m_server->requestJson("POST", QStringLiteral("/v1/firmware/updates"),
                                                     {{QStringLiteral("firmware_id"), newImage}, {QStringLiteral("name"), QStringLiteral("GW 1.1.0")},
                                                      {QStringLiteral("phases"), phases}, {QStringLiteral("max_concurrent"), 100},
                                                      {QStringLiteral("start_at"), start}, {QStringLiteral("random_start_delay_s"), 1},
                                                      {QStringLiteral("device_timeout_s"), 20}}, token());
        QCOMPARE(made.status, 201);
        const QString id = made.json().value(QStringLiteral("id")).toString();
        QCOMPARE(made.json().value(QStringLiteral("state")).toString(), QStringLiteral("scheduled"));
        QCOMPARE(made.json().value(QStringLiteral("devices")).toInt(), kDevices);

        // A second rollout over the same devices: 409.
        const HttpReply overlap = m_server->requestJson("POST", QStringLiteral("/v1/firmware/updates"), {{QStringLiteral("firmware_id"), newImage}}, token());
        QCOMPARE(overlap.status, 409);
        QVERIFY2(overlap.body.contains("another active rollout"), overlap.body.constData());
        // Its image cannot be deleted meanwhile.
        QCOMPARE(m_server->request("DELETE", QStringLiteral("/v1/firmware/%1").arg(newImage), {}, {}, token()).status, 409);

        // Faults on three devices of phase 1 (3 of 20 > 10 %), and one of phase 3 that never comes back.
        Rollout r = rollout(id);
        QStringList phase1, phase3;
        for (const RolloutDevice &d : std::as_const(r.devices))
            if (d.phase == 0)
                phase1 << d.deviceId;
            else if (d.phase == 2)
                phase3 << d.deviceId;
        phase1.removeDuplicates();
        phase3.removeDuplicates();
        QCOMPARE(phase1.size(), 20);
        QCOMPARE(phase3.size(), kDevices - 20 - 80); // 40 % of the rollout's 200 = 80
        setFault(phase1[0], Fault::ChecksumMismatch);
        setFault(phase1[1], Fault::SignatureMismatch);
        setFault(phase1[2], Fault::BootFailure);
        setFault(phase3[0], Fault::NeverReturns);

        QVERIFY2(waitFor([&] { r = rollout(id); return r.state == RolloutStates::Rollout::Paused; }, 60000), qPrintable(describe(r)));
        QVERIFY2(r.pauseReason.contains(QStringLiteral("phase 1 of 3: 3 of 20 devices failed")), qPrintable(r.pauseReason));
        QVERIFY2(r.pauseReason.contains(QStringLiteral("boot_failed")) && r.pauseReason.contains(QStringLiteral("checksum_mismatch"))
                     && r.pauseReason.contains(QStringLiteral("signature_mismatch")), qPrintable(r.pauseReason));
        const RolloutDevice sig = r.devices[r.index.value(phase1[1])];
        QCOMPARE(sig.error, QStringLiteral("signature_mismatch"));
        QVERIFY2(sig.reason.contains(QStringLiteral("does not verify")), qPrintable(sig.reason));
        QCOMPARE(sim(phase1[1])->firmwareVersion(), QStringLiteral("1.0.0")); // refused, not installed
        QCOMPARE(sim(phase1[2])->firmwareVersion(), QStringLiteral("1.0.0")); // reverted
        // Nothing beyond phase 1 was touched while it paused; its healthy devices finish their soak.
        QVERIFY2(waitFor([&] { r = rollout(id); return count(r, RolloutStates::Device::Confirmed, 0) == 17; }, 30000), qPrintable(describe(r)));
        QCOMPARE(count(r, RolloutStates::Device::Pending), kDevices - 20);
        // The monitor's view over the API: the reasons grouped.
        const HttpReply view = m_server->request("GET", QStringLiteral("/v1/firmware/updates/%1").arg(id), {}, {}, token());
        QCOMPARE(view.json().value(QStringLiteral("state")).toString(), QStringLiteral("paused"));
        QCOMPARE(view.json().value(QStringLiteral("counts")).toObject().value(QStringLiteral("failed")).toInt(), 3);
        QVERIFY(view.body.contains("failed: signature_mismatch"));

        // The faults go; resume with a retry of the failed ones.
        for (const QString &d : phase1.mid(0, 3))
            setFault(d, Fault::None);
        const HttpReply resumed = m_server->requestJson("POST", QStringLiteral("/v1/firmware/updates/%1/resume").arg(id),
                                                        {{QStringLiteral("retry_failed"), true}}, token());
        QCOMPARE(resumed.status, 200);
        QCOMPARE(resumed.json().value(QStringLiteral("state")).toString(), QStringLiteral("running"));

        // Restart the server in the middle of phase 2.
        QVERIFY2(waitFor([&] { r = rollout(id); return r.currentPhase == 1 && count(r, RolloutStates::Device::Confirmed, 1) >= 10; }, 60000), qPrintable(describe(r)));
        const int confirmedBefore = count(r, RolloutStates::Device::Confirmed);
        m_second = restartInProcess(*m_server);
        QVERIFY(m_second);
        r = rollout(id);
        QVERIFY2(r.state == RolloutStates::Rollout::Running, qPrintable(describe(r)));
        QVERIFY(count(r, RolloutStates::Device::Confirmed) >= confirmedBefore);

        QVERIFY2(waitFor([&] { r = rollout(id); return r.state == RolloutStates::Rollout::Completed; }, 120000), qPrintable(describe(r)));
        QCOMPARE(count(r, RolloutStates::Device::Confirmed), kDevices - 1);
        QCOMPARE(count(r, RolloutStates::Device::TimedOut), 1);
        QCOMPARE(r.devices[r.index.value(phase3[0])].state, RolloutStates::Device::TimedOut);
        int onNew = 0;
        for (const auto &d : m_fleet->devices())
            onNew += d->isOnline() && d->firmwareVersion() == u"1.1.0" ? 1 : 0;
        QCOMPARE(onNew, kDevices - 1); // the one that never came back is off

        // One action returns them: every device that runs 1.1.0 goes back to 1.0.0.
        auto rb = m_second->rollouts().rollback(m_admin, id, QStringLiteral("test"));
        QVERIFY2(rb.has_value(), rb ? "" : qPrintable(rb.error().message));
        QVERIFY2(waitFor([&] { r = rollout(id); return r.state == RolloutStates::Rollout::RolledBack; }, 120000), qPrintable(describe(r)));
        QCOMPARE(count(r, RolloutStates::Device::RolledBack), kDevices - 1);
        int onOld = 0;
        for (const auto &d : m_fleet->devices())
            onOld += d->isOnline() && d->firmwareVersion() == u"1.0.0" ? 1 : 0;
        QCOMPARE(onOld, kDevices - 1);
        QCOMPARE(r.devices[r.index.value(phase3[0])].state, RolloutStates::Device::TimedOut); // off: nothing to return
    }

    void cleanupTestCase()
    {
        if (m_fleet)
            m_fleet->stop();
        m_fleet.reset();
        if (m_second)
            m_second->stop();
        m_second.reset();
        m_server.reset();
    }
};

QTEST_GUILESS_MAIN(TestRollout)
#include "tst_rollout.moc"
