#pragma once

#include "alerts/alert.h"
#include "auth/principal.h"
#include "core/result.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QStringList>
#include <deque>
#include <functional>

namespace Fleetdeck {
namespace Storage { class Database; }
class EventBus;
class Scheduler;

/// Alarm-system performance as EEMUA 191 measures it, over [fromMs, toMs) (AlertService::kpis).
struct AlarmKpis
{
    struct Flood
    {
        qint64 fromMs = 0;
        qint64 toMs = 0;
        int raised = 0;
    };
    /// A source of raises: a rule (on one device) or a device-health check.
    struct BadActor
    {
        QString source;     ///< "rule", or the health check ("health:offline", ...)
        QString ruleId;     ///< empty for a health check
        QString ruleName;
        QString deviceId;
        int raised = 0;
        double share = 0;   ///< of all raises
    };
    struct SeverityShare
    {
        Rules::Severity severity = Rules::Severity::Info;
        int raised = 0;
        double share = 0;
    };

    qint64 fromMs = 0;
    qint64 toMs = 0;
    qint64 intervalS = 0;           ///< the counting interval: raises per operator per 10 minutes
    int raised = 0;                 ///< raises (first and again) in the range
    double averagePerInterval = 0;
    int peakPerInterval = 0;
    std::optional<qint64> peakAtMs; ///< start of the first interval with the peak; unset without raises
    int floodThreshold = 0;         ///< raises in an interval that make it a flood
    QList<Flood> floods;
    double floodTimeShare = 0;      ///< of the range's intervals
    qint64 chattering = 0;          ///< alerts that chattered
    int stale = 0;                  ///< active now and last raised more than 24 h ago
    QStringList staleAlertIds;      ///< the first 100 of them, oldest first
    QList<BadActor> badActors;      ///< the top 10, most raises first
    QList<SeverityShare> priorityMix; ///< every severity, critical first
    bool truncated = false;         ///< more history than one answer reads
};

struct AlertFilter
{
    /// open (default: not yet both cleared and acknowledged), closed, all, active, cleared, unacknowledged,
    /// shelved, or one of the four ISA-18.2 state names.
    QString state = QStringLiteral("open");
    QList<Rules::Severity> severities; ///< empty: every severity
    QString deviceId;
    QString ruleId;
    std::optional<qint64> fromMs; ///< raised at or after
    std::optional<qint64> toMs;   ///< raised before
    QString cursor;
    int limit = 100;
};

struct AlertPage
{
    QList<Alert> items; ///< newest raised first
    QString nextCursor;
};

struct ShelveRequest
{
    qint64 durationMs = 0; ///< 0 with oneShot
    bool oneShot = false;
    QString note;
};

/// Alerts (ISA-18.2): raised and cleared by the rule engine and the device health checks, acknowledged, shelved,
/// assigned and cleared by operators. One open alert per (source, device): a repeat is counted on it, never a second
/// alert. Open alerts are kept in memory and written through; every change is published on the event bus
/// (alertChanged) after it is stored, with an entry in the alert's history. Shelving expiry and the end of chatter
/// are scheduler jobs, so a restart neither forgets nor keeps them past their time.
class AlertService : public QObject
{
    Q_OBJECT
public:
    /// Longest timed shelving (an operator asking for more gets 422).
    static constexpr qint64 kMaxShelveMs = 24LL * 3600 * 1000;
    /// Transitions (raised / cleared) within a minute that make an alert chattering.
    static constexpr int kChatterTransitions = 3;
    static constexpr qint64 kChatterWindowMs = 60000;

    using Clock = std::function<qint64()>;
    AlertService(Storage::Database &db, Scheduler &scheduler, EventBus &bus, Clock clock = {}, QObject *parent = nullptr);
    ~AlertService() override;

    /// Reads the open alerts and defines the scheduler's alert jobs (before the scheduler starts).
    [[nodiscard]] Status load();

    struct Raise
    {
        QString tenantId;
        QString sourceKey;
        QString ruleId;
        QString ruleName;
        QString deviceId;
        Rules::Severity severity = Rules::Severity::Major;
        QString message;
        QString metric;
        std::optional<double> value;
        QString suppressedReason; ///< raised while suppressed by design (e.g. its device is offline)
        bool outOfService = false;
    };
    /// The condition of `sourceKey` holds on the device: a new alert, or the open one raised again.
    [[nodiscard]] Result<Alert> raise(const Raise &r);
    /// It no longer holds: the open alert clears (and closes when it was acknowledged).
    [[nodiscard]] Status clearSource(const QString &sourceKey, const QString &deviceId, const QString &note = {});
    /// Its rule was deleted or deactivated: every open alert of it is closed, with `why` in the history.
    [[nodiscard]] Status closeSource(const QString &sourceKey, const QString &why);
    /// A planned suppression by design that covers all of a device's alerts (a maintenance window): its reason, or
    /// empty. It takes precedence over the reasons raise() and setDeviceSuppression() are given.
    using PlannedSuppression = std::function<QString(const QString &deviceId)>;
    void setPlannedSuppression(PlannedSuppression planned) { m_planned = std::move(planned); }
    /// The device's planned suppression changed: its open alerts take the new reason, or, when none applies any
    /// more, those whose reason `wasPlanned` recognises lose it.
    void refreshPlannedSuppression(const QString &deviceId, const std::function<bool(const QString &reason)> &wasPlanned);
    /// Suppression by design of the device's open alerts that `which` picks (empty reason lifts it), and out of
    /// service (all of the device's).
    void setDeviceSuppression(const QString &deviceId, const QString &reason, const std::function<bool(const Alert &)> &which);
    void setDeviceOutOfService(const QString &deviceId, bool outOfService);
    /// The device is gone for good (decommissioned): its open alerts close.
    void closeDevice(const QString &deviceId, const QString &why);
    /// The open alert of (source, device), if any.
    std::optional<Alert> openAlert(const QString &sourceKey, const QString &deviceId) const;

    [[nodiscard]] Result<Alert> acknowledge(const Principal &who, const QString &alertId, const QString &note);
    /// An operator's reset of an alert that returned to normal (409 while its condition still holds).
    [[nodiscard]] Result<Alert> clear(const Principal &who, const QString &alertId, const QString &note);
    [[nodiscard]] Result<Alert> shelve(const Principal &who, const QString &alertId, const ShelveRequest &request);
    [[nodiscard]] Result<Alert> unshelve(const Principal &who, const QString &alertId, const QString &note);
    /// Assign to a user of the tenant (empty: unassign).
    [[nodiscard]] Result<Alert> assign(const Principal &who, const QString &alertId, const QString &userId, const QString &note);

    [[nodiscard]] Result<Alert> get(const Principal &who, const QString &alertId);
    [[nodiscard]] Result<QList<AlertEvent>> history(const Principal &who, const QString &alertId);
    [[nodiscard]] Result<AlertPage> list(const Principal &who, const AlertFilter &filter);

    /// Open alerts by state and severity, writes that failed.
    QJsonObject health() const;

    /// Alarm-system performance (EEMUA 191) of the caller's organisation over [fromMs, toMs): raises per 10 minutes
    /// (average, peak), floods, chattering, stale alerts, the top bad actors and the priority mix.
    [[nodiscard]] Result<AlarmKpis> kpis(const Principal &who, qint64 fromMs, qint64 toMs);

private:
    qint64 now() const;
    QString plannedReason(const QString &deviceId) const { return m_planned ? m_planned(deviceId) : QString(); }
    Result<Alert> openOf(const Principal &who, const QString &alertId);
    Status store(const Alert &a, bool insert);
    void event(const Alert &a, const QString &kind, const QString &actor, const QString &note);
    /// Stores the alert and its history entry in one transaction, keeps it in memory (or drops it once closed) and
    /// publishes it.
    Status commit(Alert &a, bool insert, const QString &kind, const QString &actor, const QString &note);
    void noteTransition(Alert &a);
    Status close(Alert a, const QString &why);
    QList<Alert> openOfDevice(const QString &deviceId) const;
    Status runUnshelve(const QJsonObject &payload);
    Status runChatterCheck(const QJsonObject &payload);

    Storage::Database &m_db;
    Scheduler &m_scheduler;
    EventBus &m_bus;
    Clock m_clock;
    QHash<QString, Alert> m_open;               ///< by id
    QHash<QString, QString> m_openByKey;        ///< sourceKey + '\n' + deviceId -> id
    QHash<QString, QSet<QString>> m_openByDevice; ///< device id -> its open alerts (connection events look here)
    QHash<QString, std::deque<qint64>> m_transitions; ///< recent raised/cleared times per open alert
    qint64 m_writeFailures = 0;
    PlannedSuppression m_planned;
};

} // namespace Fleetdeck
