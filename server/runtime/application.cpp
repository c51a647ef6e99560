#include "runtime/application.h"

#include "api/apiserver.h"
#include "api/adminapi.h"
#include "api/commandapi.h"
#include "api/deviceapi.h"
#include "api/restapi.h"
#include "api/telemetryapi.h"
#include "api/ruleapi.h"
#include "api/notificationapi.h"
#include "notifications/notificationservice.h"
#include "api/maintenanceapi.h"
#include "api/firmwareapi.h"
#include "firmware/downloadtoken.h"
#include "firmware/firmwarerepository.h"
#include "firmware/transferserver.h"
#include "firmware/rolloutservice.h"
#include "api/rolloutapi.h"
#include "pki/firmwaresigning.h"
#include "health/devicehealth.h"
#include "maintenance/maintenancewindows.h"
#include "alerts/alertservice.h"
#include "rules/ruleengine.h"
#include "rules/ruleservice.h"
#include "audit/auditlog.h"
#include "auth/userservice.h"
#include "tenants/tenantservice.h"
#include "api/router.h"
#include "auth/authservice.h"
#include "broker/brokerlink.h"
#include "broker/embeddedbroker.h"
#include "commands/commandservice.h"
#include "commands/groupjobs.h"
#include "commands/twinservice.h"
#include "devices/deviceservice.h"
#include "devices/presence.h"
#include "events/eventbus.h"
#include "live/livehub.h"
#include "pki/certificateauthority.h"
#include "protocol/version.h"
#include "scheduler/scheduler.h"
#include "storage/database.h"
#include "telemetry/latestvalues.h"
#include "telemetry/metriccatalog.h"
#include "telemetry/telemetryhistory.h"
#include "telemetry/telemetryingest.h"
#include "telemetry/telemetryretention.h"
#include "telemetry/telemetryschemas.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QSet>

#include <atomic>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QUrl>
#include <QtNetwork/QHostInfo>
#include <QtNetwork/QSslCertificate>

Q_LOGGING_CATEGORY(lcServer, "fleetdeck.server.core", QtInfoMsg)

namespace Fleetdeck {

namespace {
constexpr const char *kServerIdentity = "fleetdeck-server";
constexpr qint64 kBrokerLogMaxBytes = 16 * 1024 * 1024;
}

Application::Application(ServerOptions options, QObject *parent) : QObject(parent), m_options(std::move(options)) {}

Application::~Application() { stop(); }

QString Application::findBrokerPlugin(const QString &hint)
{
    QStringList candidates;
    if (!hint.isEmpty())
        candidates << hint;
    const QString appDir = QCoreApplication::applicationDirPath();
    candidates << appDir + QStringLiteral("/fleetdeck_broker_plugin.so") << appDir + QStringLiteral("/../lib/fleetdeck/fleetdeck_broker_plugin.so")
               << QStringLiteral(FLEETDECK_BROKER_PLUGIN_BUILD_PATH);
    for (const QString &c : candidates)
        if (QFileInfo::exists(c))
            return QFileInfo(c).absoluteFilePath();
    return candidates.last();
}

Status Application::preparePki()
{
    const QString pkiDir = m_options.dataDir + QStringLiteral("/pki");
    auto ca = Pki::CertificateAuthority::loadOrCreate(pkiDir, QStringLiteral("Fleetdeck"), m_options.keyPassphrase);
    if (!ca)
        return fail(ca.error());
    m_ca = std::make_unique<Pki::CertificateAuthority>(std::move(*ca));

    // The server certificate is remade when the names it must carry change.
    QStringList dns{QStringLiteral("localhost")};
    QStringList ips{QStringLiteral("127.0.0.1"), QStringLiteral("::1")};
    const QString host = QHostInfo::localHostName();
    if (!host.isEmpty() && !dns.contains(host))
        dns << host;
    for (const QString &n : m_options.serverNames + QStringList{m_options.publicHost}) {
        if (n.isEmpty())
            continue;
        if (QHostAddress(n).isNull()) {
            if (!dns.contains(n))
                dns << n;
        } else if (!ips.contains(n)) {
            ips << n;
        }
    }
    const QByteArray names = (dns + ips).join(u',').toUtf8();
    QFile namesFile(pkiDir + QStringLiteral("/server.names"));
    const bool namesMatch = namesFile.open(QIODevice::ReadOnly) && namesFile.readAll() == names;
    namesFile.close();
    // Certificates are renewed at start when they expire within 30 days.
    const auto expiresSoon = [](const QString &path) {
        const auto certs = QSslCertificate::fromPath(path, QSsl::Pem);
        return certs.isEmpty() || certs.first().expiryDate() < QDateTime::currentDateTimeUtc().addDays(30);
    };
    if (!namesMatch || expiresSoon(pkiDir + QStringLiteral("/server.crt")) || !QFileInfo::exists(pkiDir + QStringLiteral("/server.key"))) {
        auto server = m_ca->issueServerCertificate(dns, ips);
        if (!server)
            return fail(server.error());
        for (auto st : {Pki::writeFileAtomically(pkiDir + QStringLiteral("/server.key"), server->privateKeyPem, true),
                        Pki::writeFileAtomically(pkiDir + QStringLiteral("/server.crt"), server->certificatePem, false),
                        Pki::writeFileAtomically(pkiDir + QStringLiteral("/server-chain.pem"), server->certificatePem + m_ca->caCertificatePem(), false),
                        Pki::writeFileAtomically(pkiDir + QStringLiteral("/server.names"), names, false)})
            if (!st)
                return st;
        qCInfo(lcServer) << "server certificate issued for" << (dns + ips).join(QStringLiteral(", "));
    }
    if (expiresSoon(pkiDir + QStringLiteral("/broker-client.crt")) || !QFileInfo::exists(pkiDir + QStringLiteral("/broker-client.key"))) {
        auto client = m_ca->issueClientCertificate(QString::fromLatin1(kServerIdentity), 3650);
        if (!client)
            return fail(client.error());
        for (auto st : {Pki::writeFileAtomically(pkiDir + QStringLiteral("/broker-client.key"), client->privateKeyPem, true),
                        Pki::writeFileAtomically(pkiDir + QStringLiteral("/broker-client.crt"), client->certificatePem, false)})
            if (!st)
                return st;
    }
    return {};
}

Status Application::start()
{
    m_uptime.start();
    if (!QDir().mkpath(m_options.dataDir))
        return fail(Error::unavailable(QStringLiteral("cannot create the data directory %1").arg(m_options.dataDir)));
    QFile::setPermissions(m_options.dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    // Storage
    const QString dbText = m_options.database.isEmpty() ? QStringLiteral("sqlite:") + m_options.dataDir + QStringLiteral("/fleetdeck.db") : m_options.database;
    auto url = Storage::DatabaseUrl::parse(dbText);
    if (!url)
        return fail(url.error());
    // Unique per instance: tests run several servers in one process.
    static std::atomic<int> instances{0};
    auto db = Storage::Database::open(*url, QStringLiteral("fleetdeck-main-%1").arg(++instances));
    if (!db)
        return fail(db.error());
    m_db = std::move(*db);
    if (auto st = m_db->migrate(); !st)
        return st;
    m_scheduler = std::make_unique<Scheduler>(*m_db);
    // SQLite: this connection (REST, commands, registry) never checkpoints the WAL itself; the telemetry writer's
    // thread does, every 500 ms and at its own commits, so no request waits for a checkpoint.
    if (m_db->dialect() == Storage::Dialect::Sqlite)
        if (auto r = m_db->exec(QStringLiteral("PRAGMA wal_autocheckpoint=0")); !r)
            return fail(r.error());

    // PKI and first-start identities
    if (auto st = preparePki(); !st)
        return st;
    m_auth = std::make_unique<AuthService>(*m_db);
    m_users = std::make_unique<UserService>(*m_db, *m_auth);
    m_tenants = std::make_unique<TenantService>(*m_db);
    m_auditLog = std::make_unique<AuditLog>(*m_db);
    auto boot = m_auth->bootstrap(m_options.dataDir, m_options.adminEmail, m_options.adminPassword);
    if (!boot)
        return fail(boot.error());
    if (boot->adminCreated)
        m_adminNote = boot->passwordFile.isEmpty() ? QStringLiteral("admin %1 created with the password from FLEETDECK_ADMIN_PASSWORD").arg(boot->adminEmail)
                                                   : QStringLiteral("admin %1 created; password in %2").arg(boot->adminEmail, boot->passwordFile);
    else
        m_adminNote = QStringLiteral("admin %1 (password unchanged%2)").arg(boot->adminEmail,
            QFileInfo::exists(m_options.dataDir + QStringLiteral("/admin-password")) ? QStringLiteral("; first one in %1/admin-password").arg(m_options.dataDir) : QString());

    // Broker
    const QString pkiDir = m_options.dataDir + QStringLiteral("/pki");
    MqttClientOptions link;
    link.clientId = QString::fromLatin1(kServerIdentity);
    link.caFile = pkiDir + QStringLiteral("/ca.crt");
    link.certFile = pkiDir + QStringLiteral("/broker-client.crt");
    link.keyFile = pkiDir + QStringLiteral("/broker-client.key");
    link.cleanSession = false; // a persistent session: QoS 1 messages wait in the broker while we restart
    link.maxInflight = 1000;
    link.reconnectMaxMs = 5000;
    if (m_options.embeddedBroker()) {
        // The broker listens where the API does; its own link goes there (loopback when bound to all interfaces).
        const bool anyAddress = m_options.bindAddress == u"0.0.0.0" || m_options.bindAddress == u"::" || m_options.bindAddress.isEmpty();
        link.host = anyAddress ? QStringLiteral("127.0.0.1") : m_options.bindAddress;
        link.port = m_options.mqttPort;
        EmbeddedBrokerConfig bc;
        bc.dataDir = m_options.dataDir + QStringLiteral("/broker");
        bc.bindAddress = m_options.bindAddress == u"0.0.0.0" ? QString() : m_options.bindAddress;
        bc.port = m_options.mqttPort;
        bc.caFile = link.caFile;
        bc.certFile = pkiDir + QStringLiteral("/server.crt");
        bc.keyFile = pkiDir + QStringLiteral("/server.key");
        bc.crlFile = pkiDir + QStringLiteral("/crl.pem");
        bc.pluginPath = findBrokerPlugin(m_options.brokerPlugin);
        bc.serverIdentity = QString::fromLatin1(kServerIdentity);
        bc.mosquittoBinary = m_options.mosquittoBinary;
        m_broker = std::make_unique<EmbeddedBroker>(bc);
    } else {
        const QUrl u(m_options.broker);
        link.host = u.host();
        link.port = quint16(u.port());
    }
    m_link = std::make_unique<BrokerLink>(link, m_broker.get());
    const quint16 advertisedPort = m_options.embeddedBroker() ? m_options.mqttPort : link.port;
    m_devices = std::make_unique<DeviceService>(*m_db, *m_ca, *m_link, pkiDir, MqttEndpoint{m_options.publicHost, advertisedPort});
    if (auto st = m_devices->start(); !st)
        return st;
    if (auto st = m_devices->writeCrl(); !st)
        return st;
    m_link->setBlockListProvider([this] { return m_devices->blockedDeviceIds().value_or(QStringList()); });
    // Presence: status messages are decoded once, stored by the registry, then published as connection events.
    m_bus = std::make_unique<EventBus>();
    m_presence = std::make_unique<DevicePresence>(*m_devices, *m_bus);
    connect(m_link.get(), &BrokerLink::statusMessage, m_presence.get(), &DevicePresence::handleStatusMessage);
    connect(m_devices.get(), &DeviceService::deviceChanged, m_bus.get(), &EventBus::deviceChanged);

    // Telemetry: broker -> validate/dedupe/batch -> writer thread -> after COMMIT: ack, latest values, events.
    // Metric names, schemas and latest values are read once here; ingest keeps them current, history and the
    // latest-values API read them; retention and partitions are scheduler jobs (below).
    m_metrics = std::make_unique<MetricCatalog>();
    m_schemas = std::make_unique<TelemetrySchemas>(*m_db);
    m_retention = std::make_unique<TelemetryRetention>(*m_db, m_options.telemetryMaxMiB * 1024 * 1024);
    if (auto st = m_metrics->load(*m_db); !st)
        return st;
    if (auto st = m_schemas->load(); !st)
        return st;
    if (auto st = m_retention->ensurePartitions(QDateTime::currentMSecsSinceEpoch()); !st)
        return st;
    TelemetryIngest::Options telemetryOptions;
    telemetryOptions.fullSync = m_options.sqliteFullSync;
    m_latest = std::make_unique<LatestValueCache>(*m_metrics);
    if (auto st = m_latest->load(*m_db); !st)
        return st;
    m_ingest = std::make_unique<TelemetryIngest>(*m_db, telemetryOptions, *m_metrics, *m_latest, *m_schemas);
    if (auto st = m_ingest->start(); !st)
        return st;
    m_latest->setDirectory(m_ingest.get());
    m_history = std::make_unique<TelemetryHistory>(*m_db, *m_ingest, *m_metrics, *m_latest, *m_schemas);
    connect(m_link.get(), &BrokerLink::telemetryMessage, m_ingest.get(), &TelemetryIngest::handleMessage);
    connect(m_bus.get(), &EventBus::connectionChanged, m_ingest.get(), &TelemetryIngest::noteConnection);
    connect(m_ingest.get(), &TelemetryIngest::readingsCommitted, m_bus.get(), &EventBus::readingsCommitted);
    connect(m_ingest.get(), &TelemetryIngest::ackReady, m_link.get(), &BrokerLink::publishTelemetryAck);
    connect(m_ingest.get(), &TelemetryIngest::pauseIngest, m_link.get(), [this](bool paused) { m_link->client().setReadPaused(paused); });
    connect(m_bus.get(), &EventBus::deviceChanged, m_ingest.get(), &TelemetryIngest::refreshDevice);

    // Commands: REST -> queued -> published when the device is online -> its replies.
    m_commands = std::make_unique<CommandService>(*m_db, *m_link, m_devices->directory(), CommandService::Options{});
    if (auto st = m_commands->start(); !st)
        return st;
    // Group commands: a job and its commands stored together, then sent by the command service, paced.
    m_groupJobs = std::make_unique<GroupJobs>(*m_db, *m_commands, GroupJobs::Options{});
    // The device twin: desired configuration out (retained), reported configuration in.
    m_twin = std::make_unique<TwinService>(*m_db, *m_link, m_devices->directory());
    connect(m_link.get(), &BrokerLink::commandReply, m_commands.get(), &CommandService::handleReply);
    connect(m_link.get(), &BrokerLink::configReported, m_twin.get(), &TwinService::handleReported);
    // A device that comes online gets its queued commands first, then its desired configuration.
    connect(m_bus.get(), &EventBus::connectionChanged, m_commands.get(), &CommandService::onConnection);
    connect(m_bus.get(), &EventBus::connectionChanged, m_twin.get(), &TwinService::onConnection);
    connect(m_commands.get(), &CommandService::commandChanged, m_bus.get(), &EventBus::commandChanged);
    connect(m_link.get(), &BrokerLink::published, m_commands.get(), &CommandService::onPublished);
    connect(m_link.get(), &BrokerLink::linkUp, m_commands.get(), &CommandService::onLinkUp);
    connect(m_link.get(), &BrokerLink::linkDown, m_commands.get(), &CommandService::onLinkDown);
    // A decommissioned device loses its retained desired configuration, then its queued commands.
    connect(m_bus.get(), &EventBus::deviceChanged, m_twin.get(), &TwinService::refreshDevice);
    connect(m_bus.get(), &EventBus::deviceChanged, m_commands.get(), &CommandService::refreshDevice);

    // Rules and alerts: evaluated on the committed event stream; alerts written through and published after commit.
    m_alerts = std::make_unique<AlertService>(*m_db, *m_scheduler, *m_bus);
    if (auto st = m_alerts->load(); !st)
        return st;
    // Notifications: read from the alert history after each change; deliveries are scheduler jobs.
    NotificationService::Options notifyOptions;
    notifyOptions.retryBaseMs = m_options.notificationRetryBaseMs;
    m_notifications = std::make_unique<NotificationService>(*m_db, *m_scheduler, *m_bus, m_devices->directory(), notifyOptions);
    if (auto st = m_notifications->load(); !st)
        return fail(Error::internal(QStringLiteral("notifications could not be read: %1").arg(st.error().message)));
    m_ruleEngine = std::make_unique<RuleEngine>(*m_db, m_devices->directory(), *m_alerts);
    m_rules = std::make_unique<RuleService>(*m_db, m_devices->directory(), *m_ruleEngine, *m_history);
    // A rule's command goes out as a command of the rule's organisation, sent by the rule (audited as such).
    m_ruleEngine->setCommandSender([this](const Rules::Rule &rule, const Rules::Action &action, const DeviceSummary &device) -> Status {
        Principal system;
        system.userId = QStringLiteral("rule:") + rule.id;
        system.email = QStringLiteral("rule \"%1\"").arg(rule.name);
        system.tenantId = device.tenantId;
        system.role = Role::TenantAdmin;
        system.source = QStringLiteral("rule engine");
        CommandRequest request;
        request.type = action.command;
        request.payload = action.params;
        auto sent = m_commands->send(system, device.id, request);
        if (!sent)
            return fail(sent.error());
        return {};
    });
    {
        auto rules = m_rules->load();
        if (!rules)
            return fail(rules.error());
        if (auto st = m_ruleEngine->start(*rules); !st)
            return st;
    }
    connect(m_bus.get(), &EventBus::readingsCommitted, m_ruleEngine.get(), &RuleEngine::onReadings);
    connect(m_bus.get(), &EventBus::connectionChanged, m_ruleEngine.get(), &RuleEngine::onConnection);
    connect(m_bus.get(), &EventBus::deviceChanged, m_ruleEngine.get(), &RuleEngine::onDevice);
    // Device health and maintenance windows raise and suppress on the same alert path (scheduler jobs, bus events).
    m_maintenance = std::make_unique<MaintenanceWindows>(*m_db, *m_scheduler, m_devices->directory(), *m_alerts);
    if (auto st = m_maintenance->load(); !st)
        return st;
    m_health = std::make_unique<DeviceHealth>(*m_db, *m_scheduler, m_devices->directory(), *m_alerts, DeviceHealth::Settings{});
    if (auto st = m_health->start(); !st)
        return st;
    connect(m_bus.get(), &EventBus::connectionChanged, m_health.get(), &DeviceHealth::onConnection);
    connect(m_bus.get(), &EventBus::deviceChanged, m_health.get(), &DeviceHealth::onDevice);
    connect(m_bus.get(), &EventBus::commandChanged, m_health.get(), &DeviceHealth::onCommand);
    connect(m_bus.get(), &EventBus::deviceChanged, m_maintenance.get(), &MaintenanceWindows::onDevice);

    // Firmware: the repository (signed with the platform's Ed25519 key) and its download tokens.
    {
        auto signer = Pki::FirmwareSigner::loadOrCreate(pkiDir, m_options.keyPassphrase);
        if (!signer)
            return fail(signer.error());
        m_firmwareSigner = std::make_unique<Pki::FirmwareSigner>(std::move(*signer));
        auto tokens = DownloadTokens::loadOrCreate(pkiDir + QStringLiteral("/download-token.key"));
        if (!tokens)
            return fail(tokens.error());
        m_downloadTokens = std::make_unique<DownloadTokens>(std::move(*tokens));
        FirmwareRepository::Options fo;
        fo.maxImageBytes = m_options.firmwareMaxImageMiB * 1024 * 1024;
        fo.tenantQuotaBytes = m_options.firmwareQuotaMiB * 1024 * 1024;
        m_firmware = std::make_unique<FirmwareRepository>(*m_db, *m_scheduler, *m_firmwareSigner, m_options.dataDir + QStringLiteral("/firmware"), fo);
        if (auto st = m_firmware->load(); !st)
            return st;
        // Rollouts: jobs out over the broker, progress and reconnections in from it and the event stream.
        m_rollouts = std::make_unique<RolloutService>(
            *m_db, *m_scheduler, *m_firmware, *m_downloadTokens, m_devices->directory(),
            [this](const QString &deviceId, const QByteArray &payload) -> Status {
                auto r = m_link->publishFirmwareJob(deviceId, payload);
                if (!r)
                    return fail(r.error());
                return {};
            },
            [this] { return transferUrl(); });
        if (auto st = m_rollouts->load(); !st)
            return st;
        m_firmware->setUsageCheck([this](const QString &firmwareId) { return m_rollouts->usedBy(firmwareId); });
        connect(m_link.get(), &BrokerLink::firmwareProgress, m_rollouts.get(), &RolloutService::onProgress);
        connect(m_bus.get(), &EventBus::connectionChanged, m_rollouts.get(), &RolloutService::onConnection);
        connect(m_bus.get(), &EventBus::alertChanged, m_rollouts.get(), &RolloutService::onAlert);
    }

    if (m_broker) {
        m_broker->rotateLogIfLarger(kBrokerLogMaxBytes);
        if (auto st = m_broker->writeBlockList(m_devices->blockedDeviceIds().value_or(QStringList())); !st)
            return st;
        if (auto st = m_broker->start(); !st)
            return st;
    }
    if (m_broker) {
        // Connect once mosquitto listens (and again at once after each restart of it).
        connect(m_broker.get(), &EmbeddedBroker::listening, this, [this] {
            if (m_link->client().state() == MqttConnection::State::Disconnected || !m_linkStarted) {
                if (!m_linkStarted) {
                    m_linkStarted = true;
                    if (auto st = m_link->start(); !st)
                        qCCritical(lcServer) << "broker link cannot start:" << st.error().message;
                } else {
                    m_link->client().reconnectNow();
                }
            }
        });
    } else {
        m_linkStarted = true;
        if (auto st = m_link->start(); !st)
            return st;
    }

    // API
    m_router = std::make_unique<Api::Router>();
    registerRoutes(*m_router);
    m_api = std::make_unique<Api::ApiServer>(*m_router);
    m_api->setMaxBodyBytes(m_options.maxBodyBytes);
    m_api->setIdleTimeout(m_options.httpIdleTimeoutMs);
    m_api->setConnectionLimits(m_options.maxConnections, m_options.maxConnectionsPerSource);
    auto port = m_api->listenTls(QHostAddress(m_options.bindAddress), m_options.httpPort, pkiDir + QStringLiteral("/server-chain.pem"), pkiDir + QStringLiteral("/server.key"));
    if (!port)
        return fail(port.error());

    // The WebSocket API: the same router and tokens; live events after commit.
    LiveHub::Options live;
    live.maxConnections = m_options.maxConnections;
    live.maxConnectionsPerSource = m_options.maxConnectionsPerSource;
    live.maxClientOutputBytes = m_options.wsMaxClientOutputBytes;
    m_live = std::make_unique<LiveHub>(*m_router, m_devices->directory(), live);
    TransferServer::Options transfer;
    transfer.maxDownloads = m_options.maxDownloads;
    transfer.maxConnections = m_options.maxConnections;
    m_transfer = std::make_unique<TransferServer>(*m_router, *m_firmware, *m_downloadTokens, m_devices->directory(), transfer);
    m_transfer->setRenderer([this](const FirmwareImage &f) { return Api::firmwareJson(f, transferUrl()); });
    if (auto tp = m_transfer->listen(QHostAddress(m_options.bindAddress), m_options.transferPort, pkiDir + QStringLiteral("/server-chain.pem"),
                                     pkiDir + QStringLiteral("/server.key"));
        !tp)
        return fail(tp.error());
    auto wsPort = m_live->listen(QHostAddress(m_options.bindAddress), m_options.wsPort, pkiDir + QStringLiteral("/server-chain.pem"), pkiDir + QStringLiteral("/server.key"));
    if (!wsPort)
        return fail(wsPort.error());
    connect(m_bus.get(), &EventBus::readingsCommitted, m_live.get(), &LiveHub::onTelemetry);
    connect(m_bus.get(), &EventBus::commandChanged, m_live.get(), &LiveHub::onCommandChanged);
    connect(m_bus.get(), &EventBus::deviceChanged, m_live.get(), &LiveHub::onDeviceChanged);
    connect(m_bus.get(), &EventBus::connectionChanged, m_live.get(), &LiveHub::onConnection);
    connect(m_bus.get(), &EventBus::alertChanged, m_live.get(), &LiveHub::onAlertChanged);
    // Who may see what changes with these: open live connections are checked again at once, not on the next minute.
    m_router->setChangeListener([live = m_live.get()](const QString &action) {
        static const QSet<QString> accessChanges{QStringLiteral("session.self"), QStringLiteral("token.revoke"), QStringLiteral("user.update"),
                                                 QStringLiteral("user.delete"), QStringLiteral("user.erase"), QStringLiteral("user.reset_password"),
                                                 QStringLiteral("tenant.update"), QStringLiteral("tenant.deactivate")};
        if (accessChanges.contains(action))
            live->recheckAccessSoon();
    });

    const auto announce = [this] {
        if (m_announced)
            return;
        m_announced = true;
        qCInfo(lcServer).noquote() << QStringLiteral("fleetdeck-server %1 ready in %2 ms: API %3, devices mqtts://%4:%5 (%6 broker), database %7, %8")
                                          .arg(QString::fromLatin1(kProductVersion)).arg(m_uptime.elapsed()).arg(baseUrl(), m_options.publicHost)
                                          .arg(m_options.embeddedBroker() ? m_options.mqttPort : m_link->client().options().port)
                                          .arg(m_options.embeddedBroker() ? QStringLiteral("embedded") : QStringLiteral("external"),
                                               m_db->url().redacted(), m_adminNote);
        Q_EMIT ready();
    };
    connect(m_link.get(), &BrokerLink::linkUp, this, announce);

    // Timed upkeep on the scheduler (jobs in the database: a run missed while the server was down happens at start).
    // The CRL is valid for 30 days and is re-signed every day, so that the broker never holds an expired one (which
    // would make it refuse every device); retention starts an hour after the first start, out of a start-up burst's way.
    constexpr qint64 day = 24 * 3600 * 1000;
    m_scheduler->define(QStringLiteral("pki.crl"), [this](const QJsonObject &) -> Status {
        if (auto st = m_devices->writeCrl(); !st)
            return st;
        m_link->revocationListChanged();
        const auto cert = QSslCertificate::fromPath(m_options.dataDir + QStringLiteral("/pki/server.crt"), QSsl::Pem);
        if (!cert.isEmpty() && cert.first().expiryDate() < QDateTime::currentDateTimeUtc().addDays(30))
            qCWarning(lcServer) << "the server certificate expires on" << cert.first().expiryDate().toString(Qt::ISODate)
                                << "- restart the server to renew it";
        return {};
    }, day);
    m_scheduler->define(QStringLiteral("broker.log_rotation"), [this](const QJsonObject &) -> Status {
        if (m_broker)
            m_broker->rotateLogIfLarger(kBrokerLogMaxBytes);
        return {};
    }, day);
    m_scheduler->define(QStringLiteral("telemetry.partitions"), [this](const QJsonObject &) {
        return m_retention->ensurePartitions(QDateTime::currentMSecsSinceEpoch());
    }, day);
    m_scheduler->define(QStringLiteral("telemetry.retention"), [this](const QJsonObject &) -> Status {
        m_retention->retentionLater(QDateTime::currentMSecsSinceEpoch()); // on its own thread and connection
        return {};
    }, day);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &[kind, first] : {std::pair{QStringLiteral("pki.crl"), now + day}, std::pair{QStringLiteral("broker.log_rotation"), now + day},
                                      std::pair{QStringLiteral("telemetry.partitions"), now + day},
                                      std::pair{QStringLiteral("telemetry.retention"), now + 3600 * 1000}})
        if (auto st = m_scheduler->ensure(kind, kind, first); !st)
            return st;
    if (auto st = m_scheduler->start(); !st)
        return st;
    return {};
}

void Application::registerRoutes(Api::Router &router)
{
    // Each area registers its routes and its policy actions; every service they call is made here and only here.
    Api::RestApi::registerRoutes(router, m_auth.get(), [this] { return health(); });
    Api::AdminApi::registerRoutes(router, {m_auth.get(), m_users.get(), m_tenants.get(), m_auditLog.get()});
    Api::registerDeviceRoutes(router, m_devices.get());
    Api::registerTelemetryRoutes(router, {m_ingest.get(), m_history.get(), m_latest.get(), m_schemas.get()});
    Api::registerCommandRoutes(router, m_commands.get(), m_groupJobs.get(), m_twin.get());
    Api::registerRuleRoutes(router, m_rules.get());
    Api::registerAlertRoutes(router, m_alerts.get());
    Api::registerNotificationRoutes(router, m_notifications.get());
    Api::registerMaintenanceRoutes(router, m_maintenance.get());
    Api::registerRolloutRoutes(router, m_rollouts.get());
    Api::registerFirmwareRoutes(router, m_firmware.get(), m_downloadTokens.get(), &m_devices->directory(), [this] { return transferUrl(); });
}

void Application::stop()
{
    if (m_rollouts)
        m_rollouts->stop();
    if (m_ruleEngine)
        m_ruleEngine->flush();
    if (m_scheduler)
        m_scheduler->stop();
    if (m_live)
        m_live->stop();
    if (m_api) {
        m_api.reset();
    }
    if (m_transfer)
        m_transfer->stop();
    // Telemetry first: its last batches commit and are acknowledged while the broker link is still up.
    if (m_ingest)
        m_ingest->stop();
    if (m_commands)
        m_commands->stop();
    if (m_link)
        m_link->stop();
    if (m_broker)
        m_broker->stop();
}

quint16 Application::httpPort() const { return m_api ? m_api->port() : 0; }

QString Application::baseUrl() const
{
    const QString host = m_options.bindAddress == u"0.0.0.0" || m_options.bindAddress == u"::" ? QStringLiteral("localhost") : m_options.bindAddress;
    return QStringLiteral("https://%1:%2").arg(host).arg(httpPort());
}

quint16 Application::wsPort() const { return m_live ? m_live->port() : 0; }

QString Application::webSocketUrl() const
{
    const QString host = m_options.bindAddress == u"0.0.0.0" || m_options.bindAddress == u"::" ? QStringLiteral("localhost") : m_options.bindAddress;
    return QStringLiteral("wss://%1:%2/v1/ws").arg(host).arg(wsPort());
}

quint16 Application::transferPort() const { return m_transfer ? m_transfer->port() : 0; }

QString Application::transferUrl() const
{
    const QString host = m_options.bindAddress == u"0.0.0.0" || m_options.bindAddress == u"::" ? m_options.publicHost : m_options.bindAddress;
    return QStringLiteral("https://%1:%2").arg(host).arg(transferPort());
}

QString Application::caCertificatePath() const { return m_options.dataDir + QStringLiteral("/pki/ca.crt"); }

QJsonObject Application::telemetryHealth() const
{
    if (!m_ingest)
        return {};
    QJsonObject h = m_ingest->health();
    if (m_history)
        h.insert(QStringLiteral("history_reads"), m_history->health());
    return h;
}

QJsonObject Application::firmwareHealth() const
{
    QJsonObject h = m_firmware ? m_firmware->health() : QJsonObject();
    if (m_rollouts)
        h.insert(QStringLiteral("rollouts"), m_rollouts->health());
    if (m_transfer) {
        h.insert(QStringLiteral("transfer"), m_transfer->health());
        h.insert(QStringLiteral("transfer_url"), transferUrl());
    }
    return h;
}

std::pair<QJsonObject, bool> Application::health()
{
    const bool dbUp = m_db && m_db->ping();
    const bool brokerUp = m_link && m_link->isConnected();
    QJsonObject database{{QStringLiteral("status"), dbUp ? QStringLiteral("up") : QStringLiteral("down")},
                         {QStringLiteral("backend"), m_db && m_db->dialect() == Storage::Dialect::Postgres ? QStringLiteral("postgresql") : QStringLiteral("sqlite")},
                         {QStringLiteral("url"), m_db ? m_db->url().redacted() : QString()},
                         {QStringLiteral("schema_version"), dbUp ? m_db->schemaVersion() : 0}};
    QJsonObject websocket = m_live ? m_live->health() : QJsonObject();
    // One "commands" section, as before the twin had its own service.
    QJsonObject commands = m_commands ? m_commands->health() : QJsonObject();
    if (m_twin) {
        const QJsonObject twin = m_twin->health();
        for (auto it = twin.begin(); it != twin.end(); ++it)
            commands.insert(it.key(), it.value());
    }
    if (m_live)
        websocket.insert(QStringLiteral("url"), webSocketUrl());
    QJsonObject doc{{QStringLiteral("status"), dbUp && brokerUp ? QStringLiteral("ok") : QStringLiteral("degraded")},
                    {QStringLiteral("version"), QString::fromLatin1(kProductVersion)},
                    {QStringLiteral("uptime_s"), m_uptime.elapsed() / 1000},
                    {QStringLiteral("database"), database},
                    {QStringLiteral("broker"), m_link ? m_link->health() : QJsonObject()},
                    {QStringLiteral("mqtt"), QJsonObject{{QStringLiteral("rejected_status_messages"), m_presence ? m_presence->rejected() : 0},
                                                        {QStringLiteral("unstored_status_messages"), m_presence ? m_presence->unstored() : 0}}},
                    {QStringLiteral("scheduler"), m_scheduler ? m_scheduler->health() : QJsonObject()},
                    {QStringLiteral("telemetry"), telemetryHealth()},
                    {QStringLiteral("commands"), commands},
                    {QStringLiteral("rules"), m_ruleEngine ? m_ruleEngine->health() : QJsonObject()},
                    {QStringLiteral("alerts"), m_alerts ? m_alerts->health() : QJsonObject()},
                    {QStringLiteral("notifications"), m_notifications ? m_notifications->health() : QJsonObject()},
                    {QStringLiteral("websocket"), websocket},
                    {QStringLiteral("firmware"), firmwareHealth()}};
    if (m_api)
        doc.insert(QStringLiteral("http"), QJsonObject{{QStringLiteral("open_connections"), m_api->connections().open()},
                                                       {QStringLiteral("refused_connections"), m_api->connections().refused()},
                                                       {QStringLiteral("max_connections"), m_api->connections().maxTotal()},
                                                       {QStringLiteral("max_connections_per_source"), m_api->connections().maxPerSource()}});
    return {doc, dbUp && brokerUp};
}

} // namespace Fleetdeck
