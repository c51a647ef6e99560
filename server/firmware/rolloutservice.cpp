#include "firmware/rolloutservice.h"

#include "alerts/alert.h"
#include "audit/audit.h"
#include "core/ids.h"
#include "core/jsonutil.h"
#include "devices/devicedirectory.h"
#include "events/eventbus.h"
#include "firmware/downloadtoken.h"
#include "firmware/firmwarerepository.h"
#include "protocol/firmware.h"
#include "scheduler/scheduler.h"
#include "storage/database.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRandomGenerator>
#include <QtCore/QRegularExpression>

#include <algorithm>
#include <cmath>

Q_DECLARE_LOGGING_CATEGORY(lcFirmware)

namespace Fleetdeck {

using RolloutStates::deviceFromName;
using RolloutStates::inFlight;
using RolloutStates::isActive;
using RolloutStates::isFailure;
using RolloutStates::isFinal;
using RolloutStates::name;
using RolloutStates::rolloutFromName;
using DeviceState = RolloutStates::Device;
using RolloutState = RolloutStates::Rollout;

namespace RolloutStates {
std::optional<Rollout> rolloutFromName(const QString &s)
{
    for (size_t i = 0; i < kRolloutNames.size(); ++i)
        if (s == QLatin1String(kRolloutNames[i]))
            return Rollout(i);
    return std::nullopt;
}
std::optional<Device> deviceFromName(const QString &s)
{
    for (size_t i = 0; i < kDeviceNames.size(); ++i)
        if (s == QLatin1String(kDeviceNames[i]))
            return Device(i);
    return std::nullopt;
}
} // namespace RolloutStates

namespace {

constexpr int kTickMs = 500;
constexpr int kFlushMs = 200;
constexpr qint64 kTokenMarginS = 600;

Error fieldError(const QString &pointer, const QString &what) { return Error::invalid(QStringLiteral("%1: %2").arg(pointer, what)); }

/// A whole number in [min, max] at `key`, or `fallback` when absent.
Result<int> intField(const QJsonObject &o, const QString &key, const QString &pointer, int min, int max, int fallback)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()) || v.toDouble() < min || v.toDouble() > max)
        return fail(fieldError(pointer, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max)));
    return int(v.toDouble());
}

std::optional<int> minuteOfDay(const QString &hhmm)
{
    const QStringList parts = hhmm.split(u':');
    if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2)
        return std::nullopt;
    bool okH = false, okM = false;
    const int h = parts[0].toInt(&okH), m = parts[1].toInt(&okM);
    if (!okH || !okM || h < 0 || h > 23 || m < 0 || m > 59)
        return std::nullopt;
    return h * 60 + m;
}

bool inWindow(const Rollout &r, qint64 now)
{
    if (!r.window)
        return true;
    const int m = int((now / 60000) % 1440);
    const auto [s, e] = *r.window;
    return s < e ? (m >= s && m < e) : (m >= s || m < e);
}

QJsonObject definitionJson(const Rollout &r)
{
    QJsonArray phases;
    for (const RolloutPhase &p : r.phases) {
        QJsonObject o{{QStringLiteral("soak_s"), p.soakS}, {QStringLiteral("failure_threshold_percent"), p.failureThresholdPercent}};
        if (p.devices > 0)
            o.insert(QStringLiteral("devices"), p.devices);
        else
            o.insert(QStringLiteral("percent"), p.percent);
        phases.append(o);
    }
    QJsonObject d{{QStringLiteral("target"), r.target},
                  {QStringLiteral("phases"), phases},
                  {QStringLiteral("max_concurrent"), r.maxConcurrent},
                  {QStringLiteral("start_at"), r.startAtMs},
                  {QStringLiteral("random_start_delay_s"), r.randomStartDelayS},
                  {QStringLiteral("device_timeout_s"), r.deviceTimeoutS},
                  {QStringLiteral("offline_skip_s"), r.offlineSkipS},
                  {QStringLiteral("auto_rollback"), r.autoRollback}};
    if (r.window)
        d.insert(QStringLiteral("window"), QJsonArray{r.window->first, r.window->second});
    return d;
}

void readDefinition(Rollout &r, const QJsonObject &d)
{
    r.target = d.value(QStringLiteral("target")).toObject();
    for (const QJsonValue &v : d.value(QStringLiteral("phases")).toArray()) {
        const QJsonObject o = v.toObject();
        RolloutPhase p;
        p.devices = o.value(QStringLiteral("devices")).toInt();
        p.percent = o.value(QStringLiteral("percent")).toDouble();
        p.soakS = o.value(QStringLiteral("soak_s")).toInt();
        p.failureThresholdPercent = o.value(QStringLiteral("failure_threshold_percent")).toDouble();
        r.phases.append(p);
    }
    r.maxConcurrent = d.value(QStringLiteral("max_concurrent")).toInt(100);
    r.startAtMs = qint64(d.value(QStringLiteral("start_at")).toDouble());
    r.randomStartDelayS = d.value(QStringLiteral("random_start_delay_s")).toInt();
    r.deviceTimeoutS = d.value(QStringLiteral("device_timeout_s")).toInt(3600);
    r.offlineSkipS = d.value(QStringLiteral("offline_skip_s")).toInt(86400);
    r.autoRollback = d.value(QStringLiteral("auto_rollback")).toBool();
    const QJsonArray w = d.value(QStringLiteral("window")).toArray();
    if (w.size() == 2)
        r.window = std::pair{w[0].toInt(), w[1].toInt()};
}

constexpr const char kRolloutColumns[] = "id, tenant_id, name, firmware_id, device_type, version, definition, state, current_phase, phase_started_at, "
                                         "accepted_failures, pause_reason, created_by, created_at, updated_at, started_at, finished_at";
constexpr const char kDeviceColumns[] = "device_id, phase, state, from_version, attempt, rollback, error, reason, percent, notified_at, running_since, "
                                        "updated_at, finished_at";

Rollout readRollout(const QSqlQuery &q)
{
    Rollout r;
    r.id = q.value(0).toString();
    r.tenantId = q.value(1).toString();
    r.name = q.value(2).toString();
    r.firmwareId = q.value(3).toString();
    r.deviceType = q.value(4).toString();
    r.version = q.value(5).toString();
    readDefinition(r, QJsonDocument::fromJson(q.value(6).toString().toUtf8()).object());
    r.state = rolloutFromName(q.value(7).toString()).value_or(RolloutState::Aborted);
    r.currentPhase = q.value(8).toInt();
    r.phaseStartedMs = q.value(9).toLongLong();
    r.acceptedFailures = q.value(10).toInt();
    r.pauseReason = q.value(11).toString();
    r.createdBy = q.value(12).toString();
    r.createdMs = q.value(13).toLongLong();
    r.updatedMs = q.value(14).toLongLong();
    r.startedMs = q.value(15).toLongLong();
    r.finishedMs = q.value(16).toLongLong();
    return r;
}

RolloutDevice readDevice(const QSqlQuery &q)
{
    RolloutDevice d;
    d.deviceId = q.value(0).toString();
    d.phase = q.value(1).toInt();
    d.state = deviceFromName(q.value(2).toString()).value_or(DeviceState::Failed);
    d.fromVersion = q.value(3).toString();
    d.attempt = q.value(4).toInt();
    d.rollback = q.value(5).toBool();
    d.error = q.value(6).toString();
    d.reason = q.value(7).toString();
    d.percent = q.value(8).isNull() ? -1 : q.value(8).toInt();
    d.notifiedMs = q.value(9).toLongLong();
    d.runningSinceMs = q.value(10).toLongLong();
    d.updatedMs = q.value(11).toLongLong();
    d.finishedMs = q.value(12).toLongLong();
    return d;
}

QVariantMap deviceBindings(const QString &rolloutId, const QString &tenantId, const RolloutDevice &d)
{
    return {{QStringLiteral("r"), rolloutId}, {QStringLiteral("t"), tenantId}, {QStringLiteral("d"), d.deviceId}, {QStringLiteral("phase"), d.phase},
            {QStringLiteral("state"), name(d.state)}, {QStringLiteral("from"), d.fromVersion.isEmpty() ? QStringLiteral("") : d.fromVersion},
            {QStringLiteral("attempt"), d.attempt}, {QStringLiteral("rb"), d.rollback ? 1 : 0},
            {QStringLiteral("error"), d.error.isEmpty() ? QVariant() : QVariant(d.error)}, {QStringLiteral("reason"), d.reason.isEmpty() ? QVariant() : QVariant(d.reason)},
            {QStringLiteral("percent"), d.percent < 0 ? QVariant() : QVariant(d.percent)}, {QStringLiteral("notified"), d.notifiedMs},
            {QStringLiteral("running"), d.runningSinceMs}, {QStringLiteral("updated"), d.updatedMs}, {QStringLiteral("finished"), d.finishedMs}};
}

} // namespace

RolloutService::RolloutService(Storage::Database &db, Scheduler &scheduler, FirmwareRepository &firmware, const DownloadTokens &tokens,
                               const DeviceDirectory &devices, JobPublisher publish, std::function<QString()> transferUrl, QObject *parent)
    : QObject(parent), m_db(db), m_scheduler(scheduler), m_firmware(firmware), m_tokens(tokens), m_devices(devices), m_publish(std::move(publish)),
      m_transferUrl(std::move(transferUrl))
{
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &RolloutService::tickAll);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &RolloutService::flush);
}

RolloutService::~RolloutService() { flush(); }

void RolloutService::stop()
{
    m_timer.stop();
    flush();
}

Status RolloutService::load()
{
    auto v = m_db.exec(QStringLiteral("SELECT id, firmware_version FROM devices WHERE firmware_version IS NOT NULL"));
    if (!v)
        return fail(v.error());
    while (v->next())
        m_versions.insert(v->value(0).toString(), v->value(1).toString());
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM rollouts WHERE state IN ('scheduled', 'running', 'paused', 'rolling_back')").arg(QString::fromLatin1(kRolloutColumns)));
    if (!q)
        return fail(q.error());
    QList<Rollout> rows;
    while (q->next())
        rows.append(readRollout(*q));
    for (Rollout &r : rows) {
        auto d = m_db.exec(QStringLiteral("SELECT %1 FROM rollout_devices WHERE rollout_id = :r ORDER BY phase, device_id").arg(QString::fromLatin1(kDeviceColumns)),
                           {{QStringLiteral("r"), r.id}});
        if (!d)
            return fail(d.error());
        while (d->next()) {
            r.devices.append(readDevice(*d));
            r.index.insert(r.devices.last().deviceId, int(r.devices.size() - 1));
            m_rolloutOf.insert(r.devices.last().deviceId, r.id);
        }
        qCInfo(lcFirmware).noquote() << "rollout" << r.id << QStringLiteral("\"%1\"").arg(r.name) << name(r.state) << "resumed with" << r.devices.size() << "devices";
        const QString id = r.id; // not r.id in the same call: the move may come first
        m_active.insert(id, std::make_shared<Rollout>(std::move(r)));
    }
    m_scheduler.define(QStringLiteral("rollout.start"), [this](const QJsonObject &payload) -> Status {
        if (Rollout *r = active(payload.value(QStringLiteral("rollout_id")).toString()))
            tick(*r, Storage::nowMs());
        return {};
    });
    m_timer.start();
    return {};
}

Rollout *RolloutService::active(const QString &id)
{
    const auto it = m_active.find(id);
    return it == m_active.end() ? nullptr : it->get();
}

Result<Rollout> RolloutService::create(const Principal &who, const QJsonObject &body)
{
    static const QSet<QString> allowed{QStringLiteral("name"), QStringLiteral("firmware_id"), QStringLiteral("target"), QStringLiteral("phases"),
                                       QStringLiteral("max_concurrent"), QStringLiteral("start_at"), QStringLiteral("random_start_delay_s"),
                                       QStringLiteral("device_timeout_s"), QStringLiteral("offline_skip_s"), QStringLiteral("maintenance_window"),
                                       QStringLiteral("auto_rollback")};
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!allowed.contains(it.key()))
            return fail(fieldError(u'/' + it.key(), QStringLiteral("unknown field (known: %1)").arg(QStringList(allowed.values()).join(QStringLiteral(", ")))));
    const qint64 now = Storage::nowMs();
    Rollout r;
    r.id = newUuid();
    r.tenantId = who.tenantId;
    r.createdBy = who.email;
    r.createdMs = r.updatedMs = now;
    r.name = body.value(QStringLiteral("name")).toString().trimmed();
    if (r.name.size() > 200)
        return fail(fieldError(QStringLiteral("/name"), QStringLiteral("is longer than 200 characters")));

    const QString firmwareId = body.value(QStringLiteral("firmware_id")).toString();
    if (firmwareId.isEmpty())
        return fail(fieldError(QStringLiteral("/firmware_id"), QStringLiteral("is required: the id of a firmware image (GET /v1/firmware)")));
    auto image = m_firmware.readyImage(who.tenantId, firmwareId);
    if (!image)
        return fail(fieldError(QStringLiteral("/firmware_id"), image.error().message));
    r.firmwareId = image->id;
    r.deviceType = image->deviceType;
    r.version = image->version;
    if (r.name.isEmpty())
        r.name = QStringLiteral("%1 %2").arg(r.deviceType, r.version);

    // Phases
    const QJsonValue phasesValue = body.value(QStringLiteral("phases"));
    QJsonArray phases = phasesValue.isUndefined() ? QJsonArray{QJsonObject{{QStringLiteral("percent"), 100}}} : phasesValue.toArray();
    if (!phasesValue.isUndefined() && (!phasesValue.isArray() || phases.isEmpty() || phases.size() > 20))
        return fail(fieldError(QStringLiteral("/phases"), QStringLiteral("must be a list of 1 to 20 phases")));
    for (qsizetype i = 0; i < phases.size(); ++i) {
        const QString at = QStringLiteral("/phases/%1").arg(i);
        if (!phases[i].isObject())
            return fail(fieldError(at, QStringLiteral("must be an object {devices | percent, soak_s, failure_threshold_percent}")));
        const QJsonObject o = phases[i].toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (it.key() != u"devices" && it.key() != u"percent" && it.key() != u"soak_s" && it.key() != u"failure_threshold_percent")
                return fail(fieldError(at + u'/' + it.key(), QStringLiteral("unknown field (known: devices, percent, soak_s, failure_threshold_percent)")));
        RolloutPhase p;
        const bool hasDevices = o.contains(QStringLiteral("devices")), hasPercent = o.contains(QStringLiteral("percent"));
        if (hasDevices == hasPercent && !(i == phases.size() - 1 && !hasDevices && !hasPercent))
            return fail(fieldError(at, QStringLiteral("give either \"devices\" (a number) or \"percent\" of the rollout's devices")));
        if (hasDevices) {
            auto n = intField(o, QStringLiteral("devices"), at + QStringLiteral("/devices"), 1, kMaxDevices, 1);
            if (!n)
                return fail(n.error());
            p.devices = *n;
        } else if (hasPercent) {
            const QJsonValue pc = o.value(QStringLiteral("percent"));
            if (!pc.isDouble() || pc.toDouble() <= 0 || pc.toDouble() > 100)
                return fail(fieldError(at + QStringLiteral("/percent"), QStringLiteral("must be a number above 0 and at most 100")));
            p.percent = pc.toDouble();
        } else {
            p.percent = 100; // the last phase: all that are left
        }
        auto soak = intField(o, QStringLiteral("soak_s"), at + QStringLiteral("/soak_s"), 0, 7 * 86400, 300);
        if (!soak)
            return fail(soak.error());
        p.soakS = *soak;
        const QJsonValue th = o.value(QStringLiteral("failure_threshold_percent"));
        if (!th.isUndefined()) {
            if (!th.isDouble() || th.toDouble() < 0 || th.toDouble() > 100)
                return fail(fieldError(at + QStringLiteral("/failure_threshold_percent"), QStringLiteral("must be a number from 0 to 100")));
            p.failureThresholdPercent = th.toDouble();
        }
        r.phases.append(p);
    }
    auto maxConcurrent = intField(body, QStringLiteral("max_concurrent"), QStringLiteral("/max_concurrent"), 1, kMaxDevices, 100);
    auto delay = intField(body, QStringLiteral("random_start_delay_s"), QStringLiteral("/random_start_delay_s"), 0, 86400, 0);
    auto timeout = intField(body, QStringLiteral("device_timeout_s"), QStringLiteral("/device_timeout_s"), 10, 7 * 86400, 3600);
    auto offline = intField(body, QStringLiteral("offline_skip_s"), QStringLiteral("/offline_skip_s"), 0, 30 * 86400, 86400);
    for (const auto *res : {&maxConcurrent, &delay, &timeout, &offline})
        if (!*res)
            return fail(res->error());
    r.maxConcurrent = *maxConcurrent;
    r.randomStartDelayS = *delay;
    r.deviceTimeoutS = *timeout;
    r.offlineSkipS = *offline;
    const QJsonValue autoRb = body.value(QStringLiteral("auto_rollback"));
    if (!autoRb.isUndefined() && !autoRb.isBool())
        return fail(fieldError(QStringLiteral("/auto_rollback"), QStringLiteral("must be true or false")));
    r.autoRollback = autoRb.toBool();
    const QJsonValue startAt = body.value(QStringLiteral("start_at"));
    r.startAtMs = now;
    if (!startAt.isUndefined() && !startAt.isNull()) {
        const QDateTime t = QDateTime::fromString(startAt.toString(), Qt::ISODateWithMs);
        static const QRegularExpression zoned(QStringLiteral("(Z|[+-][0-9]{2}:[0-9]{2})$"));
        if (!startAt.isString() || !t.isValid() || !zoned.match(startAt.toString()).hasMatch())
            return fail(fieldError(QStringLiteral("/start_at"), QStringLiteral("must be an ISO 8601 time with its zone, e.g. 2030-01-10T22:00:00Z")));
        r.startAtMs = qMax(now, t.toMSecsSinceEpoch());
        if (t.toMSecsSinceEpoch() > now + 365LL * 86400 * 1000)
            return fail(fieldError(QStringLiteral("/start_at"), QStringLiteral("is more than a year ahead")));
    }
    const QJsonValue window = body.value(QStringLiteral("maintenance_window"));
    if (!window.isUndefined() && !window.isNull()) {
        const QJsonObject w = window.toObject();
        const auto s = minuteOfDay(w.value(QStringLiteral("start")).toString()), e = minuteOfDay(w.value(QStringLiteral("end")).toString());
        if (!window.isObject() || !s || !e || *s == *e || w.size() != 2)
            return fail(fieldError(QStringLiteral("/maintenance_window"), QStringLiteral("must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"} in UTC (it may wrap past midnight)")));
        r.window = std::pair{*s, *e};
    }

    // Target devices: all of the type, some by tags, or named ones.
    const QJsonValue targetValue = body.value(QStringLiteral("target"));
    if (!targetValue.isUndefined() && !targetValue.isObject())
        return fail(fieldError(QStringLiteral("/target"), QStringLiteral("must be {\"device_ids\": [...]}, {\"tags\": [...]} or {\"device_type\": \"...\"}")));
    r.target = targetValue.toObject();
    if (r.target.size() > 1)
        return fail(fieldError(QStringLiteral("/target"), QStringLiteral("give one of device_ids, tags, device_type")));
    QStringList candidates;
    QHash<QString, QString> skipped; // device id -> why
    if (r.target.contains(QStringLiteral("device_ids"))) {
        const QJsonArray ids = r.target.value(QStringLiteral("device_ids")).toArray();
        if (ids.isEmpty() || ids.size() > kMaxDevices)
            return fail(fieldError(QStringLiteral("/target/device_ids"), QStringLiteral("must list 1 to %1 device ids").arg(kMaxDevices)));
        QSet<QString> seen;
        for (qsizetype i = 0; i < ids.size(); ++i) {
            const QString id = ids[i].toString();
            const auto d = m_devices.find(id);
            if (!d || d->tenantId != who.tenantId)
                return fail(fieldError(QStringLiteral("/target/device_ids/%1").arg(i), QStringLiteral("no device %1 in the organisation").arg(id.left(64))));
            if (seen.contains(id))
                continue;
            seen.insert(id);
            if (d->deviceType != r.deviceType)
                skipped.insert(id, QStringLiteral("wrong device type: it is a \"%1\", the image is for \"%2\"").arg(d->deviceType, r.deviceType));
            else
                candidates << id;
        }
    } else if (r.target.contains(QStringLiteral("tags")) || r.target.contains(QStringLiteral("device_type")) || r.target.isEmpty()) {
        QStringList tags;
        if (r.target.contains(QStringLiteral("tags"))) {
            const QJsonArray t = r.target.value(QStringLiteral("tags")).toArray();
            if (t.isEmpty())
                return fail(fieldError(QStringLiteral("/target/tags"), QStringLiteral("must list at least one tag")));
            for (const QJsonValue &v : t)
                tags << v.toString();
        }
        if (r.target.contains(QStringLiteral("device_type")) && r.target.value(QStringLiteral("device_type")).toString() != r.deviceType)
            return fail(fieldError(QStringLiteral("/target/device_type"), QStringLiteral("the image is for \"%1\"").arg(r.deviceType)));
        for (const DeviceSummary &d : m_devices.all()) {
            if (d.tenantId != who.tenantId || d.deviceType != r.deviceType)
                continue;
            if (std::all_of(tags.begin(), tags.end(), [&d](const QString &t) { return d.tags.contains(t); }))
                candidates << d.id;
        }
    } else {
        return fail(fieldError(QStringLiteral("/target"), QStringLiteral("must be {\"device_ids\": [...]}, {\"tags\": [...]} or {\"device_type\": \"...\"}")));
    }
    QStringList eligible;
    QStringList busy;
    for (const QString &id : std::as_const(candidates)) {
        const auto d = m_devices.find(id);
        if (d->status == States::DeviceStatus::Decommissioned)
            skipped.insert(id, QStringLiteral("decommissioned"));
        else if (d->status == States::DeviceStatus::Suspended)
            skipped.insert(id, QStringLiteral("suspended"));
        else if (m_versions.value(id) == r.version)
            skipped.insert(id, QStringLiteral("already on %1").arg(r.version));
        else if (m_rolloutOf.contains(id))
            busy << id;
        else
            eligible << id;
    }
    if (!busy.isEmpty())
        return fail(Error::conflict(QStringLiteral("%1 of the target devices are in another active rollout (%2 has %3%4); finish, abort or roll it back first")
                                        .arg(busy.size()).arg(m_rolloutOf.value(busy.first()), busy.first(),
                                             busy.size() > 1 ? QStringLiteral(" and %1 more").arg(busy.size() - 1) : QString())));
    if (eligible.isEmpty())
        return fail(fieldError(QStringLiteral("/target"), QStringLiteral("holds no device that needs this update (%1 skipped%2)")
                                                              .arg(skipped.size()).arg(skipped.isEmpty() ? QString() : QStringLiteral(": ") + skipped.begin().value())));
    // A reproducible shuffle: phase 1 is a sample of the fleet, not its oldest devices.
    std::sort(eligible.begin(), eligible.end(), [&r](const QString &a, const QString &b) {
        return QCryptographicHash::hash((r.id + a).toLatin1(), QCryptographicHash::Sha1) < QCryptographicHash::hash((r.id + b).toLatin1(), QCryptographicHash::Sha1);
    });
    const qsizetype n = eligible.size();
    qsizetype at = 0;
    for (int p = 0; p < r.phases.size(); ++p) {
        const RolloutPhase &ph = r.phases[p];
        qsizetype size = p == r.phases.size() - 1 ? n - at : (ph.devices > 0 ? ph.devices : qsizetype(std::ceil(ph.percent * double(n) / 100.0)));
        size = qBound<qsizetype>(0, size, n - at);
        for (qsizetype i = 0; i < size; ++i, ++at) {
            RolloutDevice d;
            d.deviceId = eligible[at];
            d.phase = p;
            d.fromVersion = m_versions.value(d.deviceId);
            d.updatedMs = now;
            r.devices.append(d);
        }
    }
    for (auto it = skipped.begin(); it != skipped.end(); ++it) {
        RolloutDevice d;
        d.deviceId = it.key();
        d.phase = -1;
        d.state = DeviceState::Skipped;
        d.error = QStringLiteral("skipped");
        d.reason = it.value();
        d.fromVersion = m_versions.value(d.deviceId);
        d.updatedMs = d.finishedMs = now;
        r.devices.append(d);
    }
    for (int i = 0; i < r.devices.size(); ++i)
        r.index.insert(r.devices[i].deviceId, i);
    if (auto st = store(r, true); !st)
        return fail(st.error());
    for (const RolloutDevice &d : std::as_const(r.devices))
        if (d.state != DeviceState::Skipped)
            m_rolloutOf.insert(d.deviceId, r.id);
    audit(m_db, &who, QStringLiteral("rollout.create"), QStringLiteral("rollout"), r.id,
          QStringLiteral("\"%1\": %2 %3 to %4 devices in %5 phase(s), %6 skipped").arg(r.name, r.deviceType, r.version).arg(n).arg(r.phases.size()).arg(skipped.size()));
    auto shared = std::make_shared<Rollout>(r);
    m_active.insert(r.id, shared);
    if (r.startAtMs > now) {
        if (auto st = m_scheduler.schedule(QStringLiteral("rollout.start:") + r.id, QStringLiteral("rollout.start"), r.startAtMs,
                                           {{QStringLiteral("rollout_id"), r.id}});
            !st)
            qCWarning(lcFirmware) << "rollout start not scheduled (the 500 ms tick starts it anyway):" << st.error().message;
    } else {
        tick(*shared, now);
    }
    flush();
    return *shared;
}

Status RolloutService::store(Rollout &r, bool insert)
{
    r.updatedMs = Storage::nowMs();
    if (auto st = m_db.transaction(); !st)
        return st;
    const QVariantMap b{{QStringLiteral("id"), r.id}, {QStringLiteral("t"), r.tenantId}, {QStringLiteral("name"), r.name}, {QStringLiteral("fw"), r.firmwareId},
                        {QStringLiteral("type"), r.deviceType}, {QStringLiteral("v"), r.version},
                        {QStringLiteral("def"), QString::fromUtf8(QJsonDocument(definitionJson(r)).toJson(QJsonDocument::Compact))},
                        {QStringLiteral("state"), name(r.state)}, {QStringLiteral("phase"), r.currentPhase}, {QStringLiteral("ps"), r.phaseStartedMs},
                        {QStringLiteral("acc"), r.acceptedFailures}, {QStringLiteral("why"), r.pauseReason.isEmpty() ? QVariant() : QVariant(r.pauseReason)},
                        {QStringLiteral("by"), r.createdBy}, {QStringLiteral("created"), r.createdMs}, {QStringLiteral("updated"), r.updatedMs},
                        {QStringLiteral("started"), r.startedMs}, {QStringLiteral("finished"), r.finishedMs}};
    QVariantMap ub;
    for (const char *k : {"state", "phase", "ps", "acc", "why", "updated", "started", "finished", "id"})
        ub.insert(QString::fromLatin1(k), b.value(QString::fromLatin1(k)));
    auto q = insert ? m_db.exec(QStringLiteral("INSERT INTO rollouts (%1) VALUES (:id, :t, :name, :fw, :type, :v, :def, :state, :phase, :ps, :acc, :why, :by, "
                                               ":created, :updated, :started, :finished)").arg(QString::fromLatin1(kRolloutColumns)), b)
                    : m_db.exec(QStringLiteral("UPDATE rollouts SET state = :state, current_phase = :phase, phase_started_at = :ps, accepted_failures = :acc, "
                                               "pause_reason = :why, updated_at = :updated, started_at = :started, finished_at = :finished WHERE id = :id"), ub);
    if (!q) {
        m_db.rollback();
        return fail(q.error());
    }
    for (RolloutDevice &d : r.devices) {
        if (!insert && !d.dirty)
            continue;
        const QVariantMap db = deviceBindings(r.id, r.tenantId, d);
        auto w = insert ? m_db.exec(QStringLiteral("INSERT INTO rollout_devices (rollout_id, tenant_id, %1) VALUES (:r, :t, :d, :phase, :state, :from, :attempt, "
                                                   ":rb, :error, :reason, :percent, :notified, :running, :updated, :finished)").arg(QString::fromLatin1(kDeviceColumns)), db)
                        : m_db.exec(QStringLiteral("UPDATE rollout_devices SET phase = :phase, state = :state, attempt = :attempt, rollback = :rb, error = :error, "
                                                   "reason = :reason, percent = :percent, notified_at = :notified, running_since = :running, updated_at = :updated, "
                                                   "finished_at = :finished, from_version = :from WHERE rollout_id = :r AND device_id = :d AND tenant_id = :t"), db);
        if (!w) {
            m_db.rollback();
            return fail(w.error());
        }
    }
    if (auto st = m_db.commit(); !st)
        return st;
    for (RolloutDevice &d : r.devices)
        d.dirty = false;
    r.dirty = false;
    return {};
}

void RolloutService::flush()
{
    m_flushTimer.stop();
    QStringList finished;
    for (auto &r : m_active) {
        if (!r->dirty)
            continue;
        if (auto st = store(*r, false); !st) {
            qCWarning(lcFirmware) << "rollout" << r->id << "not stored (tried again shortly):" << st.error().message;
            scheduleFlush();
            continue;
        }
        Q_EMIT rolloutChanged(r->tenantId, r->id);
        if (!isActive(r->state))
            finished << r->id;
    }
    for (const QString &id : finished)
        retire(id);
}

void RolloutService::scheduleFlush()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void RolloutService::changed(Rollout &r)
{
    r.dirty = true;
    scheduleFlush();
}

void RolloutService::retire(const QString &id)
{
    auto r = m_active.take(id);
    if (!r)
        return;
    for (const RolloutDevice &d : std::as_const(r->devices))
        if (m_rolloutOf.value(d.deviceId) == id)
            m_rolloutOf.remove(d.deviceId);
}

void RolloutService::setDevice(Rollout &r, RolloutDevice &d, DeviceState state, qint64 now, const QString &error, const QString &reason)
{
    d.state = state;
    d.updatedMs = now;
    if (!error.isEmpty() || isFinal(state))
        d.error = error;
    if (!reason.isEmpty() || isFinal(state))
        d.reason = reason;
    if (isFinal(state))
        d.finishedMs = now;
    d.dirty = true;
    changed(r);
}

void RolloutService::setState(Rollout &r, RolloutState state, qint64 now)
{
    if (r.state == state)
        return;
    qCInfo(lcFirmware).noquote() << "rollout" << r.id << QStringLiteral("\"%1\"").arg(r.name) << name(r.state) << "->" << name(state)
                                 << (r.pauseReason.isEmpty() ? QString() : QStringLiteral("(%1)").arg(r.pauseReason));
    r.state = state;
    if (state == RolloutState::Running && r.startedMs == 0)
        r.startedMs = now;
    if (state == RolloutState::Completed || state == RolloutState::Aborted || state == RolloutState::RolledBack)
        r.finishedMs = now;
    changed(r);
}

void RolloutService::tickAll()
{
    const qint64 now = Storage::nowMs();
    const QList<std::shared_ptr<Rollout>> all = m_active.values();
    for (const auto &r : all)
        tick(*r, now);
}

void RolloutService::tick(Rollout &r, qint64 now)
{
    if (r.state == RolloutState::Scheduled) {
        if (now < r.startAtMs)
            return;
        r.currentPhase = 0;
        r.phaseStartedMs = now;
        setState(r, RolloutState::Running, now);
    }
    if (!isActive(r.state))
        return;
    checkDevices(r, now);
    if (r.state == RolloutState::Running) {
        QString why;
        if (overThreshold(r, &why)) {
            if (r.autoRollback) {
                beginRollback(r, QStringLiteral("rolled back by itself: ") + why, now);
            } else {
                r.pauseReason = why;
                setState(r, RolloutState::Paused, now);
            }
        } else {
            notifyDevices(r, now, false);
            bool phaseDone = true;
            for (const RolloutDevice &d : std::as_const(r.devices))
                if (d.phase == r.currentPhase && !isFinal(d.state))
                    phaseDone = false;
            if (phaseDone) {
                if (r.currentPhase + 1 < r.phases.size()) {
                    ++r.currentPhase;
                    r.phaseStartedMs = now;
                    r.acceptedFailures = 0;
                    qCInfo(lcFirmware).noquote() << "rollout" << r.id << "phase" << r.currentPhase << "of" << r.phases.size() << "done; next phase starts";
                    changed(r);
                    notifyDevices(r, now, false);
                } else {
                    setState(r, RolloutState::Completed, now);
                }
            }
        }
    }
    if (r.state == RolloutState::RollingBack) {
        notifyDevices(r, now, true);
        const bool done = std::all_of(r.devices.cbegin(), r.devices.cend(), [](const RolloutDevice &d) { return !d.rollback || isFinal(d.state); });
        if (done)
            setState(r, RolloutState::RolledBack, now);
    }
    if (r.dirty)
        scheduleFlush(); // never flush here: flushing retires a finished rollout, which callers still hold
}

void RolloutService::checkDevices(Rollout &r, qint64 now)
{
    for (RolloutDevice &d : r.devices) {
        if (!inFlight(d.state))
            continue;
        if (d.rollback) {
            if (now - d.notifiedMs > qint64(r.deviceTimeoutS) * 1000)
                setDevice(r, d, DeviceState::TimedOut, now, QStringLiteral("timeout"),
                          QStringLiteral("rollback: not back on %1 within %2 s").arg(d.fromVersion).arg(r.deviceTimeoutS));
            continue;
        }
        const int soak = d.phase >= 0 && d.phase < r.phases.size() ? r.phases[d.phase].soakS : 0;
        if (d.runningSinceMs > 0) {
            if (now - d.runningSinceMs >= qint64(soak) * 1000)
                setDevice(r, d, DeviceState::Confirmed, now, {}, QStringLiteral("running %1, healthy for %2 s").arg(r.version).arg(soak));
        } else if (now - d.notifiedMs > qint64(r.deviceTimeoutS) * 1000) {
            setDevice(r, d, DeviceState::TimedOut, now, QStringLiteral("timeout"),
                      QStringLiteral("not running %1 within %2 s of its job (last state: %3)").arg(r.version).arg(r.deviceTimeoutS).arg(name(d.state)));
        }
    }
}

bool RolloutService::overThreshold(const Rollout &r, QString *why) const
{
    if (r.currentPhase < 0 || r.currentPhase >= r.phases.size())
        return false;
    int total = 0, failures = 0;
    QHash<QString, int> reasons;
    for (const RolloutDevice &d : r.devices) {
        if (d.phase != r.currentPhase || d.state == DeviceState::Skipped)
            continue;
        ++total;
        if (isFailure(d.state)) {
            ++failures;
            ++reasons[d.error.isEmpty() ? QStringLiteral("other") : d.error];
        }
    }
    const int counted = failures - r.acceptedFailures;
    const double threshold = r.phases[r.currentPhase].failureThresholdPercent;
    const int allowed = int(std::floor(threshold * total / 100.0 + 1e-9));
    if (counted <= allowed || counted <= 0)
        return false;
    QStringList parts;
    for (auto it = reasons.begin(); it != reasons.end(); ++it)
        parts << QStringLiteral("%1 ×%2").arg(it.key()).arg(it.value());
    parts.sort();
    *why = QStringLiteral("phase %1 of %2: %3 of %4 devices failed, more than the %5 % allowed (%6)")
               .arg(r.currentPhase + 1).arg(r.phases.size()).arg(counted).arg(total).arg(threshold).arg(parts.join(QStringLiteral(", ")));
    return true;
}

void RolloutService::notifyDevices(Rollout &r, qint64 now, bool rollback)
{
    if (!rollback && !inWindow(r, now))
        return;
    int inflight = 0;
    for (const RolloutDevice &d : std::as_const(r.devices))
        inflight += inFlight(d.state) ? 1 : 0;
    if (inflight >= r.maxConcurrent)
        return;
    std::optional<FirmwareImage> target;
    QHash<QString, std::optional<FirmwareImage>> oldImages; // rollback: per version
    for (RolloutDevice &d : r.devices) {
        if (d.state != DeviceState::Pending || d.rollback != rollback || (!rollback && d.phase != r.currentPhase))
            continue;
        const auto device = m_devices.find(d.deviceId);
        if (!device || device->blocked()) {
            setDevice(r, d, DeviceState::Skipped, now, QStringLiteral("skipped"), device ? QStringLiteral("suspended or decommissioned") : QStringLiteral("deleted"));
            continue;
        }
        if (device->connection != States::Connection::Online) {
            if (now - r.phaseStartedMs > qint64(r.offlineSkipS) * 1000)
                setDevice(r, d, DeviceState::Skipped, now, QStringLiteral("offline"),
                          QStringLiteral("offline for more than %1 s of its phase").arg(r.offlineSkipS));
            continue;
        }
        if (inflight >= r.maxConcurrent)
            break;
        std::optional<FirmwareImage> *image = nullptr;
        if (!rollback) {
            if (!target) {
                auto t = m_firmware.readyImage(r.tenantId, r.firmwareId);
                if (!t) {
                    r.pauseReason = QStringLiteral("the firmware image is gone: %1").arg(t.error().message);
                    setState(r, RolloutState::Paused, now);
                    return;
                }
                target = *t;
            }
            image = &target;
        } else {
            if (!oldImages.contains(d.fromVersion)) {
                std::optional<FirmwareImage> found;
                Principal owner;
                owner.tenantId = r.tenantId;
                if (auto list = m_firmware.list(owner, r.deviceType))
                    for (const FirmwareImage &f : *list)
                        if (f.version == d.fromVersion && f.state == u"ready")
                            found = f;
                oldImages.insert(d.fromVersion, found);
            }
            image = &oldImages[d.fromVersion];
            if (!*image) {
                setDevice(r, d, DeviceState::Failed, now, QStringLiteral("no_image"),
                          QStringLiteral("cannot roll back: the repository has no image of %1 %2").arg(r.deviceType, d.fromVersion.isEmpty() ? QStringLiteral("(unknown version)") : d.fromVersion));
                continue;
            }
        }
        if (!sendJob(r, d, **image, now))
            return; // the broker link is down: the next tick tries again
        ++inflight;
    }
}

bool RolloutService::sendJob(Rollout &r, RolloutDevice &d, const FirmwareImage &image, qint64 now)
{
    FirmwareProtocol::Job job;
    ++d.attempt;
    job.jobId = d.jobId(r.id);
    job.rolloutId = r.id;
    job.deviceType = image.deviceType;
    job.version = image.version;
    job.url = m_transferUrl() + QStringLiteral("/v1/firmware/%1/image").arg(image.id);
    job.startAfterS = r.randomStartDelayS > 0 ? int(QRandomGenerator::global()->bounded(r.randomStartDelayS + 1)) : 0;
    job.tokenExpiresMs = now + (qint64(r.deviceTimeoutS) + job.startAfterS + kTokenMarginS) * 1000;
    job.token = m_tokens.issue({r.tenantId, d.deviceId, image.id, job.tokenExpiresMs});
    job.size = image.size;
    job.sha256 = image.sha256;
    job.signature = image.signature;
    job.signingKeyId = image.keyId;
    if (auto st = m_publish(d.deviceId, FirmwareProtocol::encode(job)); !st) {
        --d.attempt;
        if (!m_sendFailing)
            qCWarning(lcFirmware) << "firmware jobs cannot be sent (tried again every tick):" << st.error().message;
        m_sendFailing = true;
        return false;
    }
    m_sendFailing = false;
    ++m_jobsSent;
    d.notifiedMs = now;
    d.runningSinceMs = 0;
    d.percent = -1;
    setDevice(r, d, DeviceState::Notified, now, QString(), QString());
    d.error.clear();
    d.reason.clear();
    return true;
}

void RolloutService::sendCancel(const Rollout &r, const RolloutDevice &d)
{
    FirmwareProtocol::Job job;
    job.jobId = d.jobId(r.id);
    job.rolloutId = r.id;
    job.action = FirmwareProtocol::Job::Action::Cancel;
    (void)m_publish(d.deviceId, FirmwareProtocol::encode(job));
}

void RolloutService::beginRollback(Rollout &r, const QString &reason, qint64 now)
{
    r.pauseReason = reason;
    r.phaseStartedMs = now; // offline devices are skipped offline_skip_s after the rollback began
    for (RolloutDevice &d : r.devices) {
        if (d.rollback)
            continue;
        const QString running = m_versions.value(d.deviceId);
        if (d.state == DeviceState::Pending) {
            setDevice(r, d, DeviceState::Skipped, now, QStringLiteral("skipped"), QStringLiteral("the rollout was rolled back before its turn"));
        } else if (d.state == DeviceState::Confirmed || inFlight(d.state) || (isFailure(d.state) && running == r.version)) {
            if (inFlight(d.state) && running != r.version) {
                // It never ran the new version: call the job off; it stays where it was.
                sendCancel(r, d);
                d.rollback = true;
                setDevice(r, d, DeviceState::RolledBack, now, {}, QStringLiteral("job cancelled; still on %1").arg(d.fromVersion));
                continue;
            }
            d.rollback = true;
            d.attempt = 0;
            setDevice(r, d, DeviceState::Pending, now, {}, {});
        }
    }
    setState(r, RolloutState::RollingBack, now);
}

void RolloutService::onProgress(const QString &deviceId, const QByteArray &payload)
{
    auto p = FirmwareProtocol::decodeProgress(payload);
    if (!p) {
        ++m_progressRejected;
        qCWarning(lcFirmware).noquote() << "firmware progress from" << deviceId << "refused:" << p.error().message;
        return;
    }
    Rollout *r = active(m_rolloutOf.value(deviceId));
    const auto at = r ? r->index.constFind(deviceId) : decltype(r->index.constFind(deviceId)){};
    if (!r || at == r->index.cend()) {
        ++m_progressIgnored; // a device in no active rollout (a late report after its rollout ended)
        return;
    }
    RolloutDevice &d = r->devices[*at];
    if (p->jobId != d.jobId(r->id) || !inFlight(d.state)) {
        if (++m_progressIgnored <= 5 || m_progressIgnored % 1000 == 0) // an older job's report, or one after the device's end
            qCInfo(lcFirmware).noquote() << "firmware progress of" << deviceId << "ignored: job" << p->jobId << "is not its current job"
                                         << d.jobId(r->id) << "in state" << name(d.state);
        return;
    }
    const qint64 now = Storage::nowMs();
    using Step = FirmwareProtocol::Step;
    if (p->step == Step::Failed) {
        const QString reason = p->reason.isEmpty() ? p->error : p->reason;
        setDevice(*r, d, DeviceState::Failed, now, p->error, (d.rollback ? QStringLiteral("rollback: ") : QString()) + QStringLiteral("device: ") + reason);
    } else {
        static constexpr DeviceState map[] = {DeviceState::Downloading, DeviceState::Downloaded, DeviceState::Verifying, DeviceState::Installing,
                                              DeviceState::Rebooting};
        const DeviceState next = map[int(p->step)];
        if (next < d.state)
            return; // states only move forward
        if (p->percent >= 0)
            d.percent = p->percent;
        if (next != d.state || p->percent >= 0)
            setDevice(*r, d, next, now);
    }
    if (r->state == RolloutState::Running && isFailure(d.state))
        QTimer::singleShot(0, this, [this, id = r->id] {
            if (Rollout *again = active(id))
                tick(*again, Storage::nowMs());
        });
}

void RolloutService::onConnection(const ConnectionEvent &e)
{
    if (!e.firmwareVersion.isEmpty())
        m_versions.insert(e.deviceId, e.firmwareVersion);
    Rollout *r = active(m_rolloutOf.value(e.deviceId));
    if (!r)
        return;
    const auto at = r->index.constFind(e.deviceId);
    if (at == r->index.cend())
        return;
    RolloutDevice &d = r->devices[*at];
    const qint64 now = Storage::nowMs();
    const QString version = e.firmwareVersion;
    if (!inFlight(d.state))
        return;
    if (e.online) {
        if (d.rollback) {
            if (version == d.fromVersion)
                setDevice(*r, d, DeviceState::RolledBack, now, {}, QStringLiteral("back on %1").arg(d.fromVersion));
        } else if (version == r->version) {
            if (d.runningSinceMs == 0) {
                d.runningSinceMs = now;
                setDevice(*r, d, DeviceState::Rebooting, now, {}, QStringLiteral("running %1; soaking").arg(r->version));
            }
        } else if (d.state == DeviceState::Rebooting && !version.isEmpty() && version == d.fromVersion && !e.replayed) {
            setDevice(*r, d, DeviceState::Failed, now, QStringLiteral("boot_failed"),
                      QStringLiteral("came back running %1: the new image did not start and the device reverted").arg(version));
        }
    } else if (!e.replayed && !d.rollback && d.runningSinceMs > 0) {
        // Offline during its soak: the soak starts again when it is back on the new version (a broker or server
        // restart takes every device off for a moment); one that stays away times out.
        const qint64 soakedS = (now - d.runningSinceMs) / 1000;
        d.runningSinceMs = 0;
        setDevice(*r, d, DeviceState::Rebooting, now, {}, QStringLiteral("went offline %1 s into its soak on %2; the soak starts again when it is back").arg(soakedS).arg(r->version));
    }
}

void RolloutService::onAlert(const Alert &a)
{
    if (a.closedAtMs != 0 || a.clearedAtMs >= a.lastRaisedAtMs || !a.suppressedReason.isEmpty())
        return;
    Rollout *r = active(m_rolloutOf.value(a.deviceId));
    if (!r)
        return;
    const auto at = r->index.constFind(a.deviceId);
    if (at == r->index.cend())
        return;
    RolloutDevice &d = r->devices[*at];
    if (d.rollback || !inFlight(d.state) || d.runningSinceMs == 0 || a.lastRaisedAtMs < d.runningSinceMs)
        return;
    setDevice(*r, d, DeviceState::Failed, Storage::nowMs(), QStringLiteral("health_regression"),
              QStringLiteral("alert raised during its soak on %1: %2").arg(r->version, a.message.left(200)));
}

Result<Rollout> RolloutService::loadStored(const QString &tenantId, const QString &id)
{
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM rollouts WHERE id = :id AND tenant_id = :t").arg(QString::fromLatin1(kRolloutColumns)),
                       {{QStringLiteral("id"), id}, {QStringLiteral("t"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no rollout with id %1").arg(id)));
    Rollout r = readRollout(*q);
    auto d = m_db.exec(QStringLiteral("SELECT %1 FROM rollout_devices WHERE rollout_id = :r ORDER BY phase, device_id").arg(QString::fromLatin1(kDeviceColumns)),
                       {{QStringLiteral("r"), id}});
    if (!d)
        return fail(d.error());
    while (d->next()) {
        r.devices.append(readDevice(*d));
        r.index.insert(r.devices.last().deviceId, int(r.devices.size() - 1));
    }
    return r;
}

Result<Rollout> RolloutService::get(const Principal &who, const QString &id)
{
    if (Rollout *r = active(id); r && r->tenantId == who.tenantId)
        return *r;
    return loadStored(who.tenantId, id);
}

Result<QList<Rollout>> RolloutService::list(const Principal &who, const QString &state)
{
    if (!state.isEmpty() && !rolloutFromName(state))
        return fail(Error::invalid(QStringLiteral("unknown state \"%1\" (one of %2)").arg(state.left(32), QStringLiteral("scheduled, running, paused, completed, aborted, rolling_back, rolled_back"))));
    QString sql = QStringLiteral("SELECT %1 FROM rollouts WHERE tenant_id = :t").arg(QString::fromLatin1(kRolloutColumns));
    QVariantMap b{{QStringLiteral("t"), who.tenantId}};
    if (!state.isEmpty()) {
        sql += QStringLiteral(" AND state = :s");
        b.insert(QStringLiteral("s"), state);
    }
    sql += QStringLiteral(" ORDER BY created_at DESC, id LIMIT 500");
    auto q = m_db.exec(sql, b);
    if (!q)
        return fail(q.error());
    QList<Rollout> out;
    while (q->next()) {
        Rollout r = readRollout(*q);
        if (Rollout *a = active(r.id)) {
            out.append(*a);
            continue;
        }
        out.append(r);
    }
    // Finished rollouts: their device states from the table (counted, not listed).
    for (Rollout &r : out) {
        if (!r.devices.isEmpty())
            continue;
        auto c = m_db.exec(QStringLiteral("SELECT phase, state, error, COUNT(*) FROM rollout_devices WHERE rollout_id = :r GROUP BY phase, state, error"),
                           {{QStringLiteral("r"), r.id}});
        if (!c)
            return fail(c.error());
        while (c->next())
            for (int i = 0; i < c->value(3).toInt(); ++i) {
                RolloutDevice d;
                d.phase = c->value(0).toInt();
                d.state = deviceFromName(c->value(1).toString()).value_or(DeviceState::Failed);
                d.error = c->value(2).toString();
                r.devices.append(d);
            }
    }
    return out;
}

Result<Rollout> RolloutService::pause(const Principal &who, const QString &id, const QString &note)
{
    Rollout *r = active(id);
    if (!r || r->tenantId != who.tenantId) {
        auto stored = loadStored(who.tenantId, id);
        if (!stored)
            return stored;
        return fail(Error::conflict(QStringLiteral("rollout %1 is %2; only a scheduled or running one can pause").arg(id, name(stored->state))));
    }
    if (r->state != RolloutState::Running && r->state != RolloutState::Scheduled)
        return fail(Error::conflict(QStringLiteral("rollout %1 is %2; only a scheduled or running one can pause").arg(id, name(r->state))));
    r->pauseReason = QStringLiteral("paused by %1%2").arg(who.email, note.isEmpty() ? QString() : QStringLiteral(": ") + note);
    setState(*r, RolloutState::Paused, Storage::nowMs());
    audit(m_db, &who, QStringLiteral("rollout.pause"), QStringLiteral("rollout"), id, r->pauseReason);
    flush();
    return get(who, id);
}

Result<Rollout> RolloutService::resume(const Principal &who, const QString &id, bool retryFailed)
{
    Rollout *r = active(id);
    if (!r || r->tenantId != who.tenantId || r->state != RolloutState::Paused) {
        auto stored = r && r->tenantId == who.tenantId ? Result<Rollout>(*r) : loadStored(who.tenantId, id);
        if (!stored)
            return stored;
        return fail(Error::conflict(QStringLiteral("rollout %1 is %2; only a paused one can resume").arg(id, name(stored->state))));
    }
    const qint64 now = Storage::nowMs();
    int failures = 0;
    for (RolloutDevice &d : r->devices) {
        if (d.phase != r->currentPhase || !isFailure(d.state))
            continue;
        if (retryFailed)
            setDevice(*r, d, DeviceState::Pending, now, {}, {});
        else
            ++failures;
    }
    r->acceptedFailures = retryFailed ? 0 : failures;
    r->pauseReason.clear();
    setState(*r, now < r->startAtMs ? RolloutState::Scheduled : RolloutState::Running, now);
    audit(m_db, &who, QStringLiteral("rollout.resume"), QStringLiteral("rollout"), id,
          retryFailed ? QStringLiteral("failed devices of the phase get another job") : QStringLiteral("%1 failure(s) of the phase accepted").arg(failures));
    tick(*r, now);
    flush();
    return get(who, id);
}

Result<Rollout> RolloutService::abort(const Principal &who, const QString &id, const QString &note)
{
    Rollout *r = active(id);
    if (!r || r->tenantId != who.tenantId || r->state == RolloutState::RollingBack) {
        auto stored = r && r->tenantId == who.tenantId ? Result<Rollout>(*r) : loadStored(who.tenantId, id);
        if (!stored)
            return stored;
        return fail(Error::conflict(QStringLiteral("rollout %1 is %2; it cannot be aborted").arg(id, name(stored->state))));
    }
    const qint64 now = Storage::nowMs();
    for (RolloutDevice &d : r->devices) {
        if (d.state == DeviceState::Pending) {
            setDevice(*r, d, DeviceState::Skipped, now, QStringLiteral("skipped"), QStringLiteral("the rollout was aborted before its turn"));
        } else if (inFlight(d.state)) {
            if (d.runningSinceMs == 0)
                sendCancel(*r, d);
            setDevice(*r, d, DeviceState::Skipped, now, QStringLiteral("aborted"), QStringLiteral("the rollout was aborted while it was %1").arg(name(d.state)));
        }
    }
    r->pauseReason = QStringLiteral("aborted by %1%2").arg(who.email, note.isEmpty() ? QString() : QStringLiteral(": ") + note);
    setState(*r, RolloutState::Aborted, now);
    audit(m_db, &who, QStringLiteral("rollout.abort"), QStringLiteral("rollout"), id, r->pauseReason);
    const Rollout copy = *r;
    flush();
    return copy;
}

Result<Rollout> RolloutService::rollback(const Principal &who, const QString &id, const QString &note)
{
    const qint64 now = Storage::nowMs();
    Rollout *r = active(id);
    if (r && r->tenantId == who.tenantId && r->state == RolloutState::RollingBack)
        return fail(Error::conflict(QStringLiteral("rollout %1 is rolling back already").arg(id)));
    if (!r || r->tenantId != who.tenantId) {
        // A finished rollout (completed or aborted) comes back to roll its devices back.
        auto stored = loadStored(who.tenantId, id);
        if (!stored)
            return stored;
        if (stored->state == RolloutState::RolledBack)
            return fail(Error::conflict(QStringLiteral("rollout %1 is rolled back already").arg(id)));
        for (const RolloutDevice &d : std::as_const(stored->devices))
            if (d.state == DeviceState::Confirmed && m_rolloutOf.contains(d.deviceId))
                return fail(Error::conflict(QStringLiteral("device %1 of this rollout is in rollout %2 now; finish that first").arg(d.deviceId, m_rolloutOf.value(d.deviceId))));
        auto shared = std::make_shared<Rollout>(std::move(*stored));
        for (const RolloutDevice &d : std::as_const(shared->devices))
            if (d.state == DeviceState::Confirmed)
                m_rolloutOf.insert(d.deviceId, shared->id);
        m_active.insert(shared->id, shared);
        r = shared.get();
    }
    const std::shared_ptr<Rollout> keep = m_active.value(r->id); // flush() below retires it when it ends at once
    beginRollback(*r, QStringLiteral("rolled back by %1%2").arg(who.email, note.isEmpty() ? QString() : QStringLiteral(": ") + note), now);
    audit(m_db, &who, QStringLiteral("rollout.rollback"), QStringLiteral("rollout"), id, r->pauseReason);
    tick(*r, now);
    const Rollout copy = *r;
    flush();
    return copy;
}

Result<QList<std::pair<Rollout, RolloutDevice>>> RolloutService::deviceHistory(const Principal &who, const QString &deviceId)
{
    if (const auto device = m_devices.find(deviceId); !device || device->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    auto q = m_db.exec(QStringLiteral("SELECT rollout_id FROM rollout_devices WHERE device_id = :d AND tenant_id = :t"),
                       {{QStringLiteral("d"), deviceId}, {QStringLiteral("t"), who.tenantId}});
    if (!q)
        return fail(q.error());
    QStringList ids;
    while (q->next())
        ids << q->value(0).toString();
    QList<std::pair<Rollout, RolloutDevice>> out;
    for (const QString &id : std::as_const(ids)) {
        auto r = get(who, id);
        if (!r)
            continue;
        const auto at = r->index.constFind(deviceId);
        if (at == r->index.cend())
            continue;
        RolloutDevice d = r->devices[*at];
        r->devices.clear();
        r->index.clear();
        out.append({std::move(*r), d});
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.first.createdMs > b.first.createdMs; });
    return out;
}

QString RolloutService::usedBy(const QString &firmwareId) const
{
    for (const auto &r : m_active)
        if (r->firmwareId == firmwareId)
            return r->id;
    return {};
}

QJsonObject RolloutService::health() const
{
    int running = 0;
    for (const auto &r : m_active)
        running += r->state == RolloutState::Running || r->state == RolloutState::RollingBack ? 1 : 0;
    return {{QStringLiteral("active_rollouts"), m_active.size()},
            {QStringLiteral("running_rollouts"), running},
            {QStringLiteral("devices_in_rollouts"), m_rolloutOf.size()},
            {QStringLiteral("jobs_sent"), m_jobsSent},
            {QStringLiteral("progress_ignored"), m_progressIgnored},
            {QStringLiteral("progress_rejected"), m_progressRejected}};
}

} // namespace Fleetdeck
