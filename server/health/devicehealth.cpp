#include "health/devicehealth.h"

#include "alerts/alertservice.h"
#include "core/jsonutil.h"
#include "devices/devicedirectory.h"
#include "events/eventbus.h"
#include "protocol/states.h"
#include "scheduler/scheduler.h"
#include "storage/database.h"

#include <QtCore/QDateTime>
#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcHealth, "fleetdeck.server.health", QtInfoMsg)

namespace Fleetdeck {

namespace {

const QString kOfflineJob = QStringLiteral("health.offline");
const QString kCertificateJob = QStringLiteral("health.certificates");
const QString kOffline = QStringLiteral("health:offline");
const QString kCertificate = QStringLiteral("health:certificate");
const QString kCommands = QStringLiteral("health:commands");
constexpr qint64 kDayMs = 24LL * 3600 * 1000;
constexpr qint64 kSettingsTtlMs = 60 * 1000;

QString offlineJobKey(const QString &deviceId) { return QStringLiteral("health-offline:") + deviceId; }
QString when(qint64 ms) { return Json::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)); }
QString label(const DeviceSummary &d) { return d.name.isEmpty() ? d.id : d.name; }

QString duration(qint64 s)
{
    if (s % 3600 == 0)
        return QStringLiteral("%1 h").arg(s / 3600);
    if (s % 60 == 0)
        return QStringLiteral("%1 min").arg(s / 60);
    return QStringLiteral("%1 s").arg(s);
}

} // namespace

DeviceHealth::DeviceHealth(Storage::Database &db, Scheduler &scheduler, const DeviceDirectory &devices, AlertService &alerts, Settings defaults,
                           Clock clock, QObject *parent)
    : QObject(parent), m_db(db), m_scheduler(scheduler), m_devices(devices), m_alerts(alerts), m_defaults(defaults), m_clock(std::move(clock))
{
}

DeviceHealth::~DeviceHealth() = default;

qint64 DeviceHealth::now() const { return m_clock ? m_clock() : Storage::nowMs(); }

Status DeviceHealth::start()
{
    m_scheduler.define(kOfflineJob, [this](const QJsonObject &p) { return runOfflineCheck(p); });
    m_scheduler.define(kCertificateJob, [this](const QJsonObject &) { return checkCertificates(); }, kDayMs);
    const qint64 t = now();
    // Devices offline now that have no check yet (the first start with this version); a stored check keeps its time.
    for (const DeviceSummary &d : m_devices.all())
        if (d.connection == States::Connection::Offline && d.status == States::DeviceStatus::Active)
            scheduleOffline(d, t, true);
    if (auto st = m_scheduler.postpone(kOfflineJob, t + kStartGraceMs); !st)
        return st;
    return m_scheduler.ensure(kCertificateJob, kCertificateJob, t + kStartGraceMs);
}

DeviceHealth::Settings DeviceHealth::settingsOf(const QString &tenantId)
{
    const qint64 t = now();
    if (auto it = m_settings.constFind(tenantId); it != m_settings.cend() && t - it->readAtMs < kSettingsTtlMs)
        return it->settings;
    Settings s = m_defaults;
    auto q = m_db.exec(QStringLiteral("SELECT health_offline_after_s, health_command_failures, health_certificate_warning_days FROM tenants WHERE id = :t"),
                       {{QStringLiteral("t"), tenantId}});
    if (q && q->next()) {
        if (!q->value(0).isNull())
            s.offlineAfterS = q->value(0).toLongLong();
        if (!q->value(1).isNull())
            s.commandFailures = q->value(1).toInt();
        if (!q->value(2).isNull())
            s.certificateWarningDays = q->value(2).toInt();
    } else if (!q) {
        qCWarning(lcHealth) << "health thresholds of" << tenantId << "not read, using the defaults:" << q.error().message;
    }
    m_settings.insert(tenantId, Cached{s, t});
    return s;
}

void DeviceHealth::scheduleOffline(const DeviceSummary &d, qint64 sinceMs, bool keepExisting)
{
    const Settings s = settingsOf(d.tenantId);
    if (s.offlineAfterS <= 0)
        return;
    const QJsonObject payload{{QStringLiteral("device_id"), d.id}, {QStringLiteral("since"), sinceMs}};
    const qint64 due = sinceMs + s.offlineAfterS * 1000;
    const Status st = keepExisting ? m_scheduler.ensure(offlineJobKey(d.id), kOfflineJob, due, payload)
                                   : m_scheduler.schedule(offlineJobKey(d.id), kOfflineJob, due, payload);
    if (!st)
        qCWarning(lcHealth) << "offline check of" << d.id << "not scheduled:" << st.error().message;
}

void DeviceHealth::onConnection(const ConnectionEvent &e)
{
    const std::optional<DeviceSummary> d = m_devices.find(e.deviceId);
    if (!d)
        return;
    if (e.online) {
        (void)m_scheduler.cancel(offlineJobKey(d->id));
        if (m_alerts.openAlert(kOffline, d->id)) {
            if (auto st = m_alerts.clearSource(kOffline, d->id, QStringLiteral("device reconnected")); st)
                ++m_cleared;
        }
        return;
    }
    if (d->blocked())
        return;
    // A replayed status is what the broker kept while the server was away: a check from before keeps its time;
    // without one the server cannot know since when, and counts from now.
    scheduleOffline(*d, e.replayed ? now() : (e.atMs > 0 ? e.atMs : now()), e.replayed);
}

void DeviceHealth::onDevice(const DeviceSummary &d)
{
    if (d.blocked()) { // suspended or decommissioned: not expected online; the alert service marks or closes its alerts
        (void)m_scheduler.cancel(offlineJobKey(d.id));
        m_failuresInARow.remove(d.id);
    }
}

Status DeviceHealth::runOfflineCheck(const QJsonObject &payload)
{
    const std::optional<DeviceSummary> d = m_devices.find(payload.value(QStringLiteral("device_id")).toString());
    if (!d || d->blocked() || d->connection == States::Connection::Online)
        return {}; // came back, or gone: nothing to raise
    const Settings s = settingsOf(d->tenantId);
    if (s.offlineAfterS <= 0)
        return {};
    const qint64 since = payload.value(QStringLiteral("since")).toInteger();
    AlertService::Raise r;
    r.tenantId = d->tenantId;
    r.sourceKey = kOffline;
    r.ruleName = QStringLiteral("Device offline");
    r.deviceId = d->id;
    r.severity = Rules::Severity::Major;
    r.message = QStringLiteral("%1 has been offline since %2 (longer than %3)").arg(label(*d), when(since), duration(s.offlineAfterS));
    r.outOfService = d->blocked();
    auto raised = m_alerts.raise(r);
    if (!raised)
        return fail(raised.error()); // the scheduler tries again
    ++m_raised;
    return {};
}

Status DeviceHealth::checkCertificates()
{
    // The latest unrevoked certificate of each device in service: a renewal adds a later one.
    auto q = m_db.exec(QStringLiteral("SELECT c.device_id, MAX(c.expires_at) FROM device_certificates c JOIN devices d ON d.id = c.device_id "
                                      "WHERE c.revoked_at IS NULL AND d.status <> 'decommissioned' GROUP BY c.device_id"));
    if (!q)
        return fail(q.error());
    const qint64 t = now();
    int raised = 0, cleared = 0;
    while (q->next()) {
        const std::optional<DeviceSummary> d = m_devices.find(q->value(0).toString());
        if (!d)
            continue;
        const qint64 expires = q->value(1).toLongLong();
        const Settings s = settingsOf(d->tenantId);
        const qint64 daysLeft = (expires - t) / kDayMs;
        std::optional<Rules::Severity> severity;
        QString message;
        if (expires <= t) {
            severity = Rules::Severity::Critical;
            message = QStringLiteral("the certificate of %1 expired on %2: it can no longer connect").arg(label(*d), when(expires));
        } else if (s.certificateWarningDays > 0 && expires - t <= qint64(s.certificateWarningDays) * kDayMs) {
            severity = expires - t <= qint64(kCertificateMajorDays) * kDayMs ? Rules::Severity::Major : Rules::Severity::Warning;
            message = QStringLiteral("the certificate of %1 expires on %2 (in %3 days)").arg(label(*d), when(expires)).arg(daysLeft);
        }
        if (!severity) {
            if (const auto open = m_alerts.openAlert(kCertificate, d->id); open && open->active) {
                if (auto st = m_alerts.clearSource(kCertificate, d->id, QStringLiteral("certificate renewed: valid until %1").arg(when(expires))); !st)
                    return st;
                ++cleared;
            }
            continue;
        }
        const auto open = m_alerts.openAlert(kCertificate, d->id);
        AlertService::Raise r;
        r.tenantId = d->tenantId;
        r.sourceKey = kCertificate;
        r.ruleName = QStringLiteral("Certificate expiring");
        r.deviceId = d->id;
        r.severity = *severity;
        r.message = message;
        r.outOfService = d->blocked();
        auto a = m_alerts.raise(r);
        if (!a)
            return fail(a.error());
        if (!open || !open->active)
            ++raised;
    }
    m_raised += raised;
    m_cleared += cleared;
    if (raised || cleared)
        qCInfo(lcHealth) << "certificate check:" << raised << "raised," << cleared << "cleared";
    return {};
}

void DeviceHealth::onCommand(const QString &commandId, const QString &deviceId, const QString &status)
{
    const auto state = States::commandState(status);
    if (!state || !States::isFinal(*state))
        return;
    const std::optional<DeviceSummary> d = m_devices.find(deviceId);
    if (!d)
        return;
    if (*state == States::CommandState::Succeeded) {
        m_failuresInARow.remove(deviceId);
        if (const auto open = m_alerts.openAlert(kCommands, deviceId); open && open->active) {
            if (auto st = m_alerts.clearSource(kCommands, deviceId, QStringLiteral("command %1 succeeded").arg(commandId)); st)
                ++m_cleared;
        }
        return;
    }
    if (!States::isFailure(*state))
        return; // expired (never delivered) or cancelled: says nothing of the device
    const int inARow = ++m_failuresInARow[deviceId];
    const Settings s = settingsOf(d->tenantId);
    if (s.commandFailures <= 0 || inARow < s.commandFailures)
        return;
    AlertService::Raise r;
    r.tenantId = d->tenantId;
    r.sourceKey = kCommands;
    r.ruleName = QStringLiteral("Commands failing");
    r.deviceId = deviceId;
    r.severity = Rules::Severity::Minor;
    r.message = QStringLiteral("%1 commands in a row failed on %2 (the last, %3: %4)").arg(inARow).arg(label(*d), commandId, status);
    r.value = inARow;
    r.outOfService = d->blocked();
    const bool wasActive = [&] { const auto open = m_alerts.openAlert(kCommands, deviceId); return open && open->active; }();
    if (auto a = m_alerts.raise(r); !a)
        qCWarning(lcHealth) << "command-failure alert of" << deviceId << "not raised:" << a.error().message;
    else if (!wasActive)
        ++m_raised;
}

QJsonObject DeviceHealth::health() const
{
    return QJsonObject{{QStringLiteral("raised"), m_raised}, {QStringLiteral("cleared"), m_cleared},
                       {QStringLiteral("devices_with_failed_commands"), qint64(m_failuresInARow.size())}};
}

} // namespace Fleetdeck
