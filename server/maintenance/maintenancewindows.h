#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "rules/rule.h"

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QObject>

namespace Fleetdeck {
namespace Storage { class Database; }
class AlertService;
class DeviceDirectory;
class Scheduler;
struct DeviceSummary;

struct MaintenanceWindow
{
    QString id;
    QString tenantId;
    QString name;
    qint64 startsAtMs = 0;
    qint64 endsAtMs = 0;
    Rules::Scope scope;
    QString note;
    QString state; ///< scheduled, active (in force), ended
    QString createdBy;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;

    /// "maintenance window <name>": what the alerts of its devices carry while it is in force.
    QString reason() const;
};

/// Maintenance windows: planned times in which a set of an organisation's devices is worked on, so their alerts
/// are suppressed by design (ISA-18.2) — the open ones and those raised meanwhile carry "maintenance window <name>",
/// and lose it at the end. Start and end are scheduler jobs, and whether a window is in force is stored, so a
/// restart (or a server that was down at the start or the end) neither forgets nor keeps a window past its time.
class MaintenanceWindows : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxDurationMs = 90LL * 24 * 3600 * 1000;
    static constexpr int kMaxOpenPerTenant = 500; ///< scheduled or active

    MaintenanceWindows(Storage::Database &db, Scheduler &scheduler, const DeviceDirectory &devices, AlertService &alerts, QObject *parent = nullptr);
    ~MaintenanceWindows() override;

    /// Reads the windows that are not over, defines the jobs and tells the alert service (before the scheduler starts).
    [[nodiscard]] Status load();

    /// `{name, starts_at, ends_at, scope: {device_ids | device_type | tags}, note}`; 422 naming the field otherwise.
    [[nodiscard]] Result<MaintenanceWindow> create(const Principal &who, const QJsonObject &body);
    /// The fields given replace the stored ones (a window that ended cannot change).
    [[nodiscard]] Result<MaintenanceWindow> update(const Principal &who, const QString &id, const QJsonObject &patch);
    /// A window in force ends at once.
    [[nodiscard]] Status remove(const Principal &who, const QString &id);
    [[nodiscard]] Result<MaintenanceWindow> get(const Principal &who, const QString &id);
    /// Newest start first; `state` filters (scheduled, active, ended), empty for all.
    [[nodiscard]] Result<QList<MaintenanceWindow>> list(const Principal &who, const QString &state);

    /// The reason of the window in force that covers the device, or empty.
    QString reasonFor(const QString &deviceId) const;
    /// A device changed (type, tags): a window's scope may now hold it or not.
    void onDevice(const DeviceSummary &d);

private:
    Status store(const MaintenanceWindow &w, bool insert);
    Status arrange(MaintenanceWindow &w, qint64 nowMs);
    void refreshDevices(const QString &tenantId, const QList<Rules::Scope> &scopes);
    Status runStart(const QJsonObject &payload);
    Status runEnd(const QJsonObject &payload);
    Result<MaintenanceWindow> find(const QString &tenantId, const QString &id);

    Storage::Database &m_db;
    Scheduler &m_scheduler;
    const DeviceDirectory &m_devices;
    AlertService &m_alerts;
    QHash<QString, MaintenanceWindow> m_active; ///< in force, by id
};

QJsonObject toJson(const MaintenanceWindow &w);

} // namespace Fleetdeck
