#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "firmware/rollout.h"

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <functional>
#include <memory>

namespace Fleetdeck {
namespace Storage { class Database; }
class DeviceDirectory;
class DownloadTokens;
class FirmwareRepository;
class Scheduler;
struct Alert;
struct ConnectionEvent;
struct FirmwareImage;

/// Phased firmware rollouts (POST /v1/firmware/updates). A rollout's devices are split into phases at creation;
/// each phase's devices get a job (devices/{id}/firmware/job) while they are online, at most `max_concurrent` at a
/// time and inside the maintenance window. A device counts as updated (confirmed) only once it has reconnected
/// running the new version and stayed healthy (online, no new alert) for its phase's soak time. More failures in a
/// phase than its threshold pause the rollout and say why (or roll it back with auto_rollback). Rolling back returns
/// every device that left its old version to it, with the same jobs.
///
/// State lives in `rollouts` / `rollout_devices`, written behind the events within 200 ms and at every change of a
/// rollout's state; the start time is a scheduler job. At start the active rollouts are read back and carry on where
/// they were: devices that came back on the new version while the server was down are counted from the broker's
/// replay of their retained status, and timeouts run from the stored notification times.
class RolloutService : public QObject
{
    Q_OBJECT
public:
    using JobPublisher = std::function<Status(const QString &deviceId, const QByteArray &payload)>;
    static constexpr int kMaxDevices = 100000;

    RolloutService(Storage::Database &db, Scheduler &scheduler, FirmwareRepository &firmware, const DownloadTokens &tokens,
                   const DeviceDirectory &devices, JobPublisher publish, std::function<QString()> transferUrl, QObject *parent = nullptr);
    ~RolloutService() override;

    /// Reads the active rollouts and every device's last reported version; defines the start job. Before the scheduler starts.
    [[nodiscard]] Status load();
    /// Writes what is not stored yet (at shutdown).
    void flush();
    /// No more ticks; what is not stored yet is written.
    void stop();

    /// 422 naming the field, 409 when a target device is in another active rollout, 422 for unknown firmware.
    [[nodiscard]] Result<Rollout> create(const Principal &who, const QJsonObject &body);
    [[nodiscard]] Result<Rollout> get(const Principal &who, const QString &id);
    /// Newest first, without their device lists.
    [[nodiscard]] Result<QList<Rollout>> list(const Principal &who, const QString &state);
    [[nodiscard]] Result<Rollout> pause(const Principal &who, const QString &id, const QString &note);
    /// `retryFailed`: the current phase's failed devices get another job; otherwise their failures are accepted
    /// (not counted against the threshold again).
    [[nodiscard]] Result<Rollout> resume(const Principal &who, const QString &id, bool retryFailed);
    [[nodiscard]] Result<Rollout> abort(const Principal &who, const QString &id, const QString &note);
    [[nodiscard]] Result<Rollout> rollback(const Principal &who, const QString &id, const QString &note);
    /// A device's rollouts, newest first (its firmware history).
    [[nodiscard]] Result<QList<std::pair<Rollout, RolloutDevice>>> deviceHistory(const Principal &who, const QString &deviceId);

    /// The active rollout that uses this firmware (as target or as a rollback image), or empty.
    QString usedBy(const QString &firmwareId) const;
    QJsonObject health() const;

    void onProgress(const QString &deviceId, const QByteArray &payload);
    void onConnection(const ConnectionEvent &e);
    void onAlert(const Alert &a);
    /// Runs every active rollout's step now (the timer does every 500 ms; tests call it).
    void tickAll();

Q_SIGNALS:
    /// A rollout's state or counts changed (at most every 200 ms per rollout), after it was stored.
    void rolloutChanged(const QString &tenantId, const QString &rolloutId);

private:
    Rollout *active(const QString &id);
    Result<Rollout> loadStored(const QString &tenantId, const QString &id);
    Status store(Rollout &r, bool insert);
    void tick(Rollout &r, qint64 now);
    void checkDevices(Rollout &r, qint64 now);
    bool overThreshold(const Rollout &r, QString *why) const;
    void notifyDevices(Rollout &r, qint64 now, bool rollback);
    bool sendJob(Rollout &r, RolloutDevice &d, const FirmwareImage &image, qint64 now);
    void sendCancel(const Rollout &r, const RolloutDevice &d);
    void beginRollback(Rollout &r, const QString &reason, qint64 now);
    void setDevice(Rollout &r, RolloutDevice &d, RolloutStates::Device state, qint64 now, const QString &error = {}, const QString &reason = {});
    void setState(Rollout &r, RolloutStates::Rollout state, qint64 now);
    void changed(Rollout &r);
    void scheduleFlush();
    void retire(const QString &id);

    Storage::Database &m_db;
    Scheduler &m_scheduler;
    FirmwareRepository &m_firmware;
    const DownloadTokens &m_tokens;
    const DeviceDirectory &m_devices;
    JobPublisher m_publish;
    std::function<QString()> m_transferUrl;
    QHash<QString, std::shared_ptr<Rollout>> m_active;
    QHash<QString, QString> m_rolloutOf;   ///< device id -> its active rollout
    QHash<QString, QString> m_versions;    ///< device id -> the firmware version it last reported
    QTimer m_timer;
    QTimer m_flushTimer;
    qint64 m_jobsSent = 0;
    bool m_sendFailing = false; ///< the last job could not be published (logged once until one goes out)
    qint64 m_progressIgnored = 0;
    qint64 m_progressRejected = 0;
};

} // namespace Fleetdeck
