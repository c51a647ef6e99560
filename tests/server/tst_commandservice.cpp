// CommandService on its own: a real SQLite database, the registry's directory filled by hand and a transport that
// only records what would go to the broker, so the broker's PUBACK and the device's replies come in whatever order
// a test needs.
#include "commands/commandservice.h"
#include "devices/devicedirectory.h"
#include "events/eventbus.h"
#include "storage/database.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

using namespace Fleetdeck;

namespace {

class RecordingTransport : public ICommandTransport
{
public:
    bool isConnected() const override { return true; }
    Result<int> publishCommand(const QString &, const QString &commandId, const QByteArray &) override
    {
        published << commandId;
        return ++m_mid;
    }
    Result<int> publishDesiredConfig(const QString &, const QByteArray &) override { return ++m_mid; }
    QStringList published;

private:
    int m_mid = 0;
};

const QString kTenant = QStringLiteral("7f1d0c7e-0000-4000-8000-000000000001");
const QString kDevice = QStringLiteral("7f1d0c7e-0000-4000-8000-0000000000d1");

} // namespace

class TestCommandService : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Storage::Database> m_db;
    DeviceDirectory m_devices;

    QString statusOf(CommandService &commands, const Principal &who, const QString &id)
    {
        const auto c = commands.get(who, id);
        return c ? States::name(c->state) : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto url = Storage::DatabaseUrl::parse(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("commands.db")));
        QVERIFY(url);
        auto db = Storage::Database::open(*url, QStringLiteral("tst-commandservice"));
        QVERIFY(db);
        m_db = std::move(*db);
        QVERIFY(m_db->migrate());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(m_db->exec(QStringLiteral("INSERT INTO tenants (id, name, subscription_plan, created_at) VALUES (:id, 't', 'standard', :now)"),
                           {{QStringLiteral("id"), kTenant}, {QStringLiteral("now"), now}}));
        QVERIFY(m_db->exec(QStringLiteral("INSERT INTO devices (id, tenant_id, serial_number, device_type, name, status, connection, tags, metadata, created_at, updated_at) "
                                          "VALUES (:id, :t, 'sn-1', 'sensor', 'one', 'active', 'online', '[]', '{}', :now, :now)"),
                           {{QStringLiteral("id"), kDevice}, {QStringLiteral("t"), kTenant}, {QStringLiteral("now"), now}}));
        QVERIFY(m_devices.load(*m_db));
        QVERIFY(m_devices.find(kDevice));
    }

    // The device's reply can overtake the broker's PUBACK for the publish (the broker forwards the command and
    // acknowledges the server's publish at about the same time). The command is then sent as of that reply, and its
    // timeout must run from there: a device that says "delivered" and then goes silent times out after timeout_s,
    // not only at its TTL (never, if the TTL is the shorter).
    void aReplyBeforeThePubackStillStartsTheTimeout()
    {
        RecordingTransport transport;
        CommandService commands(*m_db, transport, m_devices, CommandService::Options{});
        QVERIFY(commands.start());
        commands.onConnection(ConnectionEvent{kDevice, true, false, {}, QDateTime::currentMSecsSinceEpoch()});
        Principal who;
        who.tenantId = kTenant;
        who.userId = QStringLiteral("tester");
        auto sent = commands.send(who, kDevice, CommandRequest{QStringLiteral("reboot"), {}, 1, 3600});
        QVERIFY2(sent, sent ? "" : qPrintable(sent.error().message));
        const QString id = sent->id;
        QTRY_COMPARE_WITH_TIMEOUT(transport.published, QStringList{id}, 2000);
        // "delivered" arrives first; the PUBACK (mid 1) after it.
        commands.handleReply(kDevice, id, R"({"status":"delivered"})");
        commands.onPublished(1);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(commands, who, id), QStringLiteral("delivered"), 2000);
        // Nothing more from the device: timed out a second later, well before its hour of TTL.
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(commands, who, id), QStringLiteral("timed_out"), 5000);
    }

    // Rules and rollouts send from C++: a typed request gets the API's checks and messages, and its defaults.
    void aTypedRequestIsCheckedLikeARestBody()
    {
        RecordingTransport transport;
        CommandService commands(*m_db, transport, m_devices, CommandService::Options{});
        QVERIFY(commands.start());
        Principal who;
        who.tenantId = kTenant;
        who.email = QStringLiteral("rules@localhost");
        const CommandService::Options o;

        auto bad = commands.send(who, kDevice, CommandRequest{QStringLiteral("Not A Type"), {}, {}, {}});
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::Invalid);
        QCOMPARE(bad.error().message, commands.parseRequest(QJsonObject{{QStringLiteral("type"), QStringLiteral("Not A Type")}}).error().message);
        auto longTimeout = commands.send(who, kDevice, CommandRequest{QStringLiteral("reboot"), {}, o.maxTimeoutS + 1, {}});
        QVERIFY(!longTimeout);
        QCOMPARE(longTimeout.error().message, QStringLiteral("\"timeout_s\" must be an integer from 1 to %1").arg(o.maxTimeoutS));

        auto sent = commands.send(who, kDevice, CommandRequest{QStringLiteral("reboot"), QJsonObject{{QStringLiteral("delay_s"), 5}}, {}, {}});
        QVERIFY2(sent, sent ? "" : qPrintable(sent.error().message));
        QCOMPARE(sent->timeoutS, o.defaultTimeoutS);
        QCOMPARE(sent->ttlS, o.defaultTtlS);
        QCOMPARE(sent->state, States::CommandState::Queued);
        QCOMPARE(sent->expiresMs - sent->createdMs, qint64(o.defaultTtlS) * 1000);
        // What send answers is what is stored.
        auto stored = commands.get(who, sent->id);
        QVERIFY(stored);
        QCOMPARE(stored->payload, sent->payload);
        QCOMPARE(stored->createdBy, QStringLiteral("rules@localhost"));
        QCOMPARE(stored->createdMs, sent->createdMs);
        QVERIFY(!stored->sentMs && !stored->finishedMs && stored->jobId.isEmpty());
        QVERIFY(commands.cancel(who, sent->id));
    }
};

QTEST_GUILESS_MAIN(TestCommandService)
#include "tst_commandservice.moc"
