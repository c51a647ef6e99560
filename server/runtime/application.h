#pragma once

#include "core/result.h"
#include "runtime/serveroptions.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <memory>

namespace Fleetdeck {

namespace Storage { class Database; }
namespace Pki { class CertificateAuthority; class FirmwareSigner; }
namespace Api { class Router; class ApiServer; }
class AuditLog;
class AuthService;
class TenantService;
class UserService;
class CommandService;
class GroupJobs;
class LiveHub;
class DeviceService;
class EmbeddedBroker;
class BrokerLink;
class LatestValueCache;
class MetricCatalog;
class TelemetryHistory;
class TelemetryIngest;
class TelemetryRetention;
class TelemetrySchemas;
class TwinService;
class EventBus;
class DevicePresence;
class Scheduler;
class AlertService;
class NotificationService;
class RuleEngine;
class RuleService;
class DeviceHealth;
class MaintenanceWindows;
class FirmwareRepository;
class DownloadTokens;
class TransferServer;
class RolloutService;

/// The composition root: builds and wires every service of the server in order, and tears them down in reverse.
class Application : public QObject
{
    Q_OBJECT
public:
    explicit Application(ServerOptions options, QObject *parent = nullptr);
    ~Application() override;

    /// Every area's routes and policy actions on `router`, calling this application's services (before start():
    /// none, for the route table alone, as the OpenAPI and policy tests want it).
    void registerRoutes(Api::Router &router);

    /// Opens storage, PKI, broker and API. The server is ready when `ready()` fires (broker link up).
    [[nodiscard]] Status start();
    void stop();

    quint16 httpPort() const;
    QString baseUrl() const;
    const ServerOptions &options() const { return m_options; }
    QString caCertificatePath() const;
    std::pair<QJsonObject, bool> health();

    DeviceService &devices() { return *m_devices; }
    TelemetryIngest &ingest() { return *m_ingest; }
    TelemetryHistory &history() { return *m_history; }
    LatestValueCache &latestValues() { return *m_latest; }
    TelemetryRetention &retention() { return *m_retention; }
    TelemetrySchemas &schemas() { return *m_schemas; }
    CommandService &commands() { return *m_commands; }
    GroupJobs &groupJobs() { return *m_groupJobs; }
    TwinService &twin() { return *m_twin; }
    LiveHub &live() { return *m_live; }
    quint16 wsPort() const;
    QString webSocketUrl() const;
    /// The firmware transfer listener: https://host:port (uploads and downloads of images).
    quint16 transferPort() const;
    QString transferUrl() const;
    FirmwareRepository &firmware() { return *m_firmware; }
    RolloutService &rollouts() { return *m_rollouts; }
    AuthService &auth() { return *m_auth; }
    Api::Router &router() { return *m_router; }
    BrokerLink &brokerLink() { return *m_link; }
    EmbeddedBroker *embeddedBroker() { return m_broker.get(); }
    Storage::Database &database() { return *m_db; }
    EventBus &events() { return *m_bus; }
    Scheduler &scheduler() { return *m_scheduler; }
    AlertService &alerts() { return *m_alerts; }
    NotificationService &notifications() { return *m_notifications; }
    DeviceHealth &deviceHealth() { return *m_health; }
    MaintenanceWindows &maintenance() { return *m_maintenance; }

    static QString findBrokerPlugin(const QString &hint);

Q_SIGNALS:
    void ready();

private:
    Status preparePki();
    QJsonObject telemetryHealth() const;
    QJsonObject firmwareHealth() const;

    ServerOptions m_options;
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<Scheduler> m_scheduler;
    std::unique_ptr<EventBus> m_bus;
    std::unique_ptr<Pki::CertificateAuthority> m_ca;
    std::unique_ptr<AuthService> m_auth;
    std::unique_ptr<UserService> m_users;
    std::unique_ptr<TenantService> m_tenants;
    std::unique_ptr<AuditLog> m_auditLog;
    std::unique_ptr<EmbeddedBroker> m_broker;
    std::unique_ptr<BrokerLink> m_link;
    std::unique_ptr<DeviceService> m_devices;
    std::unique_ptr<DevicePresence> m_presence;
    // Telemetry, in the order they depend on each other.
    std::unique_ptr<MetricCatalog> m_metrics;
    std::unique_ptr<TelemetrySchemas> m_schemas;
    std::unique_ptr<TelemetryRetention> m_retention;
    std::unique_ptr<LatestValueCache> m_latest;
    std::unique_ptr<TelemetryIngest> m_ingest;
    std::unique_ptr<TelemetryHistory> m_history;
    std::unique_ptr<CommandService> m_commands;
    std::unique_ptr<GroupJobs> m_groupJobs;
    std::unique_ptr<TwinService> m_twin;
    std::unique_ptr<AlertService> m_alerts;
    std::unique_ptr<NotificationService> m_notifications;
    std::unique_ptr<RuleEngine> m_ruleEngine;
    std::unique_ptr<RuleService> m_rules;
    std::unique_ptr<MaintenanceWindows> m_maintenance;
    std::unique_ptr<DeviceHealth> m_health;
    std::unique_ptr<Pki::FirmwareSigner> m_firmwareSigner;
    std::unique_ptr<DownloadTokens> m_downloadTokens;
    std::unique_ptr<FirmwareRepository> m_firmware;
    std::unique_ptr<TransferServer> m_transfer;
    std::unique_ptr<RolloutService> m_rollouts;
    std::unique_ptr<Api::Router> m_router;
    std::unique_ptr<Api::ApiServer> m_api;
    std::unique_ptr<LiveHub> m_live;
    QElapsedTimer m_uptime;
    bool m_announced = false;
    bool m_linkStarted = false;
    QString m_adminNote;
};

} // namespace Fleetdeck
