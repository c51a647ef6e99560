#pragma once

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <array>
#include <optional>

namespace Fleetdeck {

/// The states of a rollout (a firmware update of a set of devices in phases) and of each of its devices, as the
/// API names them. Kept in one place so that the server, its tests and the console read the same words.
namespace RolloutStates {

enum class Rollout { Scheduled, Running, Paused, Completed, Aborted, RollingBack, RolledBack };
inline constexpr std::array<const char *, 7> kRolloutNames{"scheduled", "running", "paused", "completed", "aborted", "rolling_back", "rolled_back"};

enum class Device { Pending, Notified, Downloading, Downloaded, Verifying, Installing, Rebooting, Confirmed, Failed, TimedOut, RolledBack, Skipped };
inline constexpr std::array<const char *, 12> kDeviceNames{"pending", "notified", "downloading", "downloaded", "verifying", "installing",
                                                           "rebooting", "confirmed", "failed", "timed_out", "rolled_back", "skipped"};

inline QString name(Rollout s) { return QString::fromLatin1(kRolloutNames[size_t(s)]); }
inline QString name(Device s) { return QString::fromLatin1(kDeviceNames[size_t(s)]); }
std::optional<Rollout> rolloutFromName(const QString &s);
std::optional<Device> deviceFromName(const QString &s);
/// Notified up to rebooting: a job is out and the device works on it.
inline bool inFlight(Device s) { return s >= Device::Notified && s <= Device::Rebooting; }
inline bool isFinal(Device s) { return s >= Device::Confirmed; }
inline bool isFailure(Device s) { return s == Device::Failed || s == Device::TimedOut; }
inline bool isActive(Rollout s) { return s == Rollout::Scheduled || s == Rollout::Running || s == Rollout::Paused || s == Rollout::RollingBack; }

} // namespace RolloutStates

struct RolloutPhase
{
    int devices = 0;            ///< a fixed number of devices, or
    double percent = 0;         ///< a share of the rollout's devices (the last phase takes all that are left)
    int soakS = 300;            ///< a device of the phase counts as updated after running the new version this long, healthy
    double failureThresholdPercent = 10; ///< more failed devices than this share of the phase pauses the rollout
};

/// One device of a rollout.
struct RolloutDevice
{
    QString deviceId;
    int phase = 0;
    RolloutStates::Device state = RolloutStates::Device::Pending;
    QString fromVersion;        ///< what it ran when the rollout was made (a rollback returns it there)
    int attempt = 0;            ///< jobs sent so far (a retry or the rollback sends another)
    bool rollback = false;      ///< this device is being (or was) returned to fromVersion
    QString error;              ///< a FirmwareProtocol error name, "timeout", "health_regression", or a skip's reason key
    QString reason;             ///< what happened, in words
    int percent = -1;           ///< download progress
    qint64 notifiedMs = 0;
    qint64 runningSinceMs = 0;  ///< reconnected on the new version at; 0 until then
    qint64 updatedMs = 0;
    qint64 finishedMs = 0;
    bool dirty = false;

    QString jobId(const QString &rolloutId) const { return rolloutId + (rollback ? QStringLiteral(":rb") : QStringLiteral(":")) + QString::number(attempt); }
};

struct Rollout
{
    QString id;
    QString tenantId;
    QString name;
    QString firmwareId;
    QString deviceType;
    QString version;
    QJsonObject target;         ///< as asked: {device_ids} | {tags} | {} (every device of the type)
    QList<RolloutPhase> phases;
    int maxConcurrent = 100;
    qint64 startAtMs = 0;
    int randomStartDelayS = 0;
    int deviceTimeoutS = 3600;  ///< from the job to the device running the new version
    int offlineSkipS = 86400;   ///< a device offline this long into its phase is skipped
    std::optional<std::pair<int, int>> window; ///< daily maintenance window, minutes of the UTC day [start, end)
    bool autoRollback = false;
    RolloutStates::Rollout state = RolloutStates::Rollout::Scheduled;
    int currentPhase = 0;
    qint64 phaseStartedMs = 0;
    int acceptedFailures = 0;   ///< failures of the current phase an operator resumed over (not counted again)
    QString pauseReason;
    QString createdBy;
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
    qint64 startedMs = 0;
    qint64 finishedMs = 0;
    QList<RolloutDevice> devices;
    QHash<QString, int> index;  ///< device id -> position in devices
    bool dirty = false;
};

} // namespace Fleetdeck
