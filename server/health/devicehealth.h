#pragma once

#include "core/result.h"

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <functional>

namespace Fleetdeck {
namespace Storage { class Database; }
class AlertService;
class DeviceDirectory;
class Scheduler;
struct ConnectionEvent;
struct DeviceSummary;

/// Device-health alerts, raised and cleared on the alert path with the source keys `health:offline`,
/// `health:certificate` and `health:commands` (no rule): a device offline longer than its organisation's threshold
/// (a scheduler job per offline device, so a restart neither forgets nor repeats it), device certificates close to
/// expiry (a daily job), and commands that failed several times in a row (from the command events).
class DeviceHealth : public QObject
{
    Q_OBJECT
public:
    /// Thresholds: the server's defaults; an organisation may override each (tenants.health_* columns, NULL keeps
    /// the default). 0 turns a check off.
    struct Settings
    {
        qint64 offlineAfterS = 15 * 60;
        int commandFailures = 3;
        int certificateWarningDays = 30;
    };
    /// A certificate closer to expiry than this is major; an expired one is critical.
    static constexpr int kCertificateMajorDays = 7;
    /// After a start, offline checks that fell due while the server was down wait this long: the broker first
    /// replays each device's retained status, which tells whether it came back meanwhile.
    static constexpr qint64 kStartGraceMs = 60 * 1000;

    using Clock = std::function<qint64()>;
    DeviceHealth(Storage::Database &db, Scheduler &scheduler, const DeviceDirectory &devices, AlertService &alerts, Settings defaults,
                 Clock clock = {}, QObject *parent = nullptr);
    ~DeviceHealth() override;

    /// Defines the jobs, starts offline checks for offline devices that have none, and the daily certificate check
    /// (before the scheduler starts).
    [[nodiscard]] Status start();

    void onConnection(const ConnectionEvent &e);
    void onDevice(const DeviceSummary &d);
    void onCommand(const QString &commandId, const QString &deviceId, const QString &status);
    /// Raises, changes or clears `health:certificate` for every device (the daily job; tests call it).
    [[nodiscard]] Status checkCertificates();

    /// The thresholds that apply to an organisation (its own where set, else the server's).
    Settings settingsOf(const QString &tenantId);

    QJsonObject health() const;

private:
    qint64 now() const;
    Status runOfflineCheck(const QJsonObject &payload);
    void scheduleOffline(const DeviceSummary &d, qint64 sinceMs, bool keepExisting);

    Storage::Database &m_db;
    Scheduler &m_scheduler;
    const DeviceDirectory &m_devices;
    AlertService &m_alerts;
    Settings m_defaults;
    Clock m_clock;
    struct Cached
    {
        Settings settings;
        qint64 readAtMs = 0;
    };
    QHash<QString, Cached> m_settings;     ///< by tenant, read again after a minute
    QHash<QString, int> m_failuresInARow;  ///< by device
    qint64 m_raised = 0;
    qint64 m_cleared = 0;
};

} // namespace Fleetdeck
