#include "alerts/alertservice.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "core/jsonutil.h"
#include "events/eventbus.h"
#include "scheduler/scheduler.h"
#include "storage/database.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcAlerts, "fleetdeck.server.alerts", QtInfoMsg)

namespace Fleetdeck {

namespace {

const QString kUnshelveJob = QStringLiteral("alert.unshelve");
const QString kChatterJob = QStringLiteral("alert.chatter");
const QString kSystem = QStringLiteral("system");

QString openKey(const QString &sourceKey, const QString &deviceId) { return sourceKey + QLatin1Char('\n') + deviceId; }

QJsonValue timeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(Json::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC))) : QJsonValue(QJsonValue::Null);
}
QJsonValue textOrNull(const QString &s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }

const char *kColumns = "id, tenant_id, source_key, rule_id, rule_name, device_id, severity, message, metric, value, active, acknowledged, "
                       "closed, occurrences, chattering, shelved, shelve_one_shot, shelved_until, shelved_by, shelve_note, "
                       "suppressed_reason, out_of_service, assigned_to, raised_at, last_raised_at, cleared_at, acknowledged_at, "
                       "acknowledged_by, acknowledge_note, closed_at, updated_at";

Alert fromRow(const QSqlQuery &q)
{
    Alert a;
    int i = 0;
    a.id = q.value(i++).toString();
    a.tenantId = q.value(i++).toString();
    a.sourceKey = q.value(i++).toString();
    a.ruleId = q.value(i++).toString();
    a.ruleName = q.value(i++).toString();
    a.deviceId = q.value(i++).toString();
    a.severity = Rules::severity(q.value(i++).toString()).value_or(Rules::Severity::Major);
    a.message = q.value(i++).toString();
    a.metric = q.value(i++).toString();
    if (const QVariant v = q.value(i++); !v.isNull())
        a.value = v.toDouble();
    a.active = q.value(i++).toBool();
    a.acknowledged = q.value(i++).toBool();
    a.closed = q.value(i++).toBool();
    a.occurrences = q.value(i++).toInt();
    a.chattering = q.value(i++).toBool();
    a.shelved = q.value(i++).toBool();
    a.shelveOneShot = q.value(i++).toBool();
    a.shelvedUntilMs = q.value(i++).toLongLong();
    a.shelvedBy = q.value(i++).toString();
    a.shelveNote = q.value(i++).toString();
    a.suppressedReason = q.value(i++).toString();
    a.outOfService = q.value(i++).toBool();
    a.assignedTo = q.value(i++).toString();
    a.raisedAtMs = q.value(i++).toLongLong();
    a.lastRaisedAtMs = q.value(i++).toLongLong();
    a.clearedAtMs = q.value(i++).toLongLong();
    a.acknowledgedAtMs = q.value(i++).toLongLong();
    a.acknowledgedBy = q.value(i++).toString();
    a.acknowledgeNote = q.value(i++).toString();
    a.closedAtMs = q.value(i++).toLongLong();
    a.updatedAtMs = q.value(i++).toLongLong();
    return a;
}

QVariant nullable(const QString &s) { return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s); }
QVariant nullable(qint64 ms) { return ms > 0 ? QVariant(ms) : QVariant(QMetaType::fromType<qint64>()); }

Status validNote(const QString &note)
{
    if (note.size() > 2000)
        return fail(Error::invalid(QStringLiteral("/note: is longer than 2000 characters")));
    return {};
}

} // namespace

QString Alert::state() const
{
    if (active)
        return acknowledged ? QStringLiteral("active_acknowledged") : QStringLiteral("active_unacknowledged");
    return acknowledged ? QStringLiteral("cleared_acknowledged") : QStringLiteral("cleared_unacknowledged");
}

QJsonObject toJson(const Alert &a)
{
    QJsonObject shelving;
    if (a.shelved)
        shelving = QJsonObject{{QStringLiteral("one_shot"), a.shelveOneShot}, {QStringLiteral("until"), timeOrNull(a.shelvedUntilMs)},
                               {QStringLiteral("by"), a.shelvedBy}, {QStringLiteral("note"), a.shelveNote}};
    return QJsonObject{
        {QStringLiteral("id"), a.id},
        {QStringLiteral("rule_id"), textOrNull(a.ruleId)},
        {QStringLiteral("rule_name"), a.ruleName},
        {QStringLiteral("source"), a.sourceKey.startsWith(u"health:") ? a.sourceKey : QStringLiteral("rule")},
        {QStringLiteral("device_id"), a.deviceId},
        {QStringLiteral("severity"), Rules::name(a.severity)},
        {QStringLiteral("state"), a.state()},
        {QStringLiteral("active"), a.active},
        {QStringLiteral("acknowledged"), a.acknowledged},
        {QStringLiteral("closed"), a.closed},
        {QStringLiteral("message"), a.message},
        {QStringLiteral("metric"), textOrNull(a.metric)},
        {QStringLiteral("value"), a.value ? QJsonValue(*a.value) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("occurrences"), a.occurrences},
        {QStringLiteral("chattering"), a.chattering},
        {QStringLiteral("shelved"), a.shelved ? QJsonValue(shelving) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("suppressed"), textOrNull(a.suppressedReason)},
        {QStringLiteral("out_of_service"), a.outOfService},
        {QStringLiteral("assigned_to"), textOrNull(a.assignedTo)},
        {QStringLiteral("raised_at"), timeOrNull(a.raisedAtMs)},
        {QStringLiteral("last_raised_at"), timeOrNull(a.lastRaisedAtMs)},
        {QStringLiteral("cleared_at"), timeOrNull(a.clearedAtMs)},
        {QStringLiteral("acknowledged_at"), timeOrNull(a.acknowledgedAtMs)},
        {QStringLiteral("acknowledged_by"), textOrNull(a.acknowledgedBy)},
        {QStringLiteral("acknowledge_note"), textOrNull(a.acknowledgeNote)},
        {QStringLiteral("closed_at"), timeOrNull(a.closedAtMs)},
        {QStringLiteral("updated_at"), timeOrNull(a.updatedAtMs)},
    };
}

QJsonObject toJson(const AlertEvent &e)
{
    return QJsonObject{{QStringLiteral("at"), timeOrNull(e.atMs)}, {QStringLiteral("kind"), e.kind}, {QStringLiteral("actor"), e.actor},
                       {QStringLiteral("note"), textOrNull(e.note)}};
}

AlertService::AlertService(Storage::Database &db, Scheduler &scheduler, EventBus &bus, Clock clock, QObject *parent)
    : QObject(parent), m_db(db), m_scheduler(scheduler), m_bus(bus), m_clock(std::move(clock))
{
}

AlertService::~AlertService() = default;

qint64 AlertService::now() const { return m_clock ? m_clock() : Storage::nowMs(); }

Status AlertService::load()
{
    m_scheduler.define(kUnshelveJob, [this](const QJsonObject &p) { return runUnshelve(p); });
    m_scheduler.define(kChatterJob, [this](const QJsonObject &p) { return runChatterCheck(p); });
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM alerts WHERE closed_at IS NULL").arg(QLatin1String(kColumns)));
    if (!q)
        return fail(q.error());
    m_open.clear();
    m_openByKey.clear();
    m_openByDevice.clear();
    while (q->next()) {
        Alert a = fromRow(*q);
        m_openByKey.insert(openKey(a.sourceKey, a.deviceId), a.id);
        m_openByDevice[a.deviceId].insert(a.id);
        m_open.insert(a.id, std::move(a));
    }
    qCInfo(lcAlerts) << m_open.size() << "open alerts";
    return {};
}

Status AlertService::store(const Alert &a, bool insert)
{
    const QVariantMap b{
        {QStringLiteral("id"), a.id},
        {QStringLiteral("tenant"), a.tenantId},
        {QStringLiteral("source"), a.sourceKey},
        {QStringLiteral("rule"), nullable(a.ruleId)},
        {QStringLiteral("rule_name"), a.ruleName},
        {QStringLiteral("device"), a.deviceId},
        {QStringLiteral("severity"), Rules::name(a.severity)},
        {QStringLiteral("message"), a.message},
        {QStringLiteral("metric"), nullable(a.metric)},
        {QStringLiteral("value"), a.value ? QVariant(*a.value) : QVariant(QMetaType::fromType<double>())},
        {QStringLiteral("active"), a.active},
        {QStringLiteral("acked"), a.acknowledged},
        {QStringLiteral("closed"), a.closed},
        {QStringLiteral("occurrences"), a.occurrences},
        {QStringLiteral("chattering"), a.chattering},
        {QStringLiteral("shelved"), a.shelved},
        {QStringLiteral("one_shot"), a.shelveOneShot},
        {QStringLiteral("until"), nullable(a.shelvedUntilMs)},
        {QStringLiteral("shelved_by"), nullable(a.shelvedBy)},
        {QStringLiteral("shelve_note"), nullable(a.shelveNote)},
        {QStringLiteral("suppressed"), nullable(a.suppressedReason)},
        {QStringLiteral("oos"), a.outOfService},
        {QStringLiteral("assigned"), nullable(a.assignedTo)},
        {QStringLiteral("raised"), a.raisedAtMs},
        {QStringLiteral("last_raised"), a.lastRaisedAtMs},
        {QStringLiteral("cleared"), nullable(a.clearedAtMs)},
        {QStringLiteral("acked_at"), nullable(a.acknowledgedAtMs)},
        {QStringLiteral("acked_by"), nullable(a.acknowledgedBy)},
        {QStringLiteral("ack_note"), nullable(a.acknowledgeNote)},
        {QStringLiteral("closed_at"), nullable(a.closedAtMs)},
        {QStringLiteral("updated"), a.updatedAtMs},
    };
    static const QString insertSql = QStringLiteral(
        "INSERT INTO alerts (%1) VALUES (:id, :tenant, :source, :rule, :rule_name, :device, :severity, :message, :metric, :value, :active, "
        ":acked, :closed, :occurrences, :chattering, :shelved, :one_shot, :until, :shelved_by, :shelve_note, :suppressed, :oos, :assigned, "
        ":raised, :last_raised, :cleared, :acked_at, :acked_by, :ack_note, :closed_at, :updated)").arg(QLatin1String(kColumns));
    static const QString updateSql = QStringLiteral(
        "UPDATE alerts SET tenant_id = :tenant, source_key = :source, rule_id = :rule, rule_name = :rule_name, device_id = :device, "
        "severity = :severity, message = :message, metric = :metric, value = :value, active = :active, acknowledged = :acked, "
        "closed = :closed, occurrences = :occurrences, chattering = :chattering, shelved = :shelved, shelve_one_shot = :one_shot, "
        "shelved_until = :until, shelved_by = :shelved_by, shelve_note = :shelve_note, suppressed_reason = :suppressed, "
        "out_of_service = :oos, assigned_to = :assigned, raised_at = :raised, last_raised_at = :last_raised, cleared_at = :cleared, "
        "acknowledged_at = :acked_at, acknowledged_by = :acked_by, acknowledge_note = :ack_note, closed_at = :closed_at, "
        "updated_at = :updated WHERE id = :id");
    auto q = m_db.exec(insert ? insertSql : updateSql, b);
    if (!q)
        return fail(q.error());
    return {};
}

Status AlertService::commit(Alert &a, bool insert, const QString &kind, const QString &actor, const QString &note)
{
    a.updatedAtMs = now();
    if (auto st = m_db.transaction(); !st)
        return st;
    Status st = store(a, insert);
    if (st) {
        auto q = m_db.exec(QStringLiteral("INSERT INTO alert_events (alert_id, tenant_id, at, kind, actor, note) "
                                          "VALUES (:a, :t, :at, :k, :actor, :note)"),
                           {{QStringLiteral("a"), a.id}, {QStringLiteral("t"), a.tenantId}, {QStringLiteral("at"), a.updatedAtMs},
                            {QStringLiteral("k"), kind}, {QStringLiteral("actor"), actor}, {QStringLiteral("note"), nullable(note)}});
        if (!q)
            st = fail(q.error());
    }
    if (st)
        st = m_db.commit();
    if (!st) {
        m_db.rollback();
        ++m_writeFailures;
        qCWarning(lcAlerts) << "could not store alert" << a.id << kind << ":" << st.error().message;
        return st;
    }
    const QString key = openKey(a.sourceKey, a.deviceId);
    if (a.closed) {
        m_open.remove(a.id);
        if (m_openByKey.value(key) == a.id)
            m_openByKey.remove(key);
        if (auto d = m_openByDevice.find(a.deviceId); d != m_openByDevice.end() && (d->remove(a.id), d->isEmpty()))
            m_openByDevice.erase(d);
        m_transitions.remove(a.id);
        (void)m_scheduler.cancel(QStringLiteral("alert-unshelve:") + a.id);
    } else {
        m_open.insert(a.id, a);
        m_openByKey.insert(key, a.id);
        m_openByDevice[a.deviceId].insert(a.id);
    }
    Q_EMIT m_bus.alertChanged(a);
    return {};
}

void AlertService::noteTransition(Alert &a)
{
    auto &times = m_transitions[a.id];
    const qint64 t = now();
    times.push_back(t);
    while (!times.empty() && times.front() <= t - kChatterWindowMs)
        times.pop_front();
    if (!a.chattering && int(times.size()) >= kChatterTransitions) {
        a.chattering = true;
        qCInfo(lcAlerts) << "alert" << a.id << "of" << a.sourceKey << "on" << a.deviceId << "is chattering";
    }
    if (a.chattering)
        (void)m_scheduler.schedule(QStringLiteral("alert-chatter:") + a.id, kChatterJob, t + kChatterWindowMs, {{QStringLiteral("alert_id"), a.id}});
}

Result<Alert> AlertService::raise(const Raise &r)
{
    const qint64 t = now();
    const QString planned = plannedReason(r.deviceId);
    const QString suppressed = planned.isEmpty() ? r.suppressedReason : planned;
    const auto it = m_openByKey.constFind(openKey(r.sourceKey, r.deviceId));
    if (it != m_openByKey.cend()) {
        Alert a = m_open.value(*it);
        if (a.active && a.severity != r.severity) { // a health check that grew worse (a certificate closer to expiry)
            const QString from = Rules::name(a.severity);
            a.severity = r.severity;
            a.message = r.message;
            if (auto st = commit(a, false, QStringLiteral("severity_changed"), kSystem, QStringLiteral("%1 -> %2: %3").arg(from, Rules::name(r.severity), r.message)); !st)
                return fail(st.error());
            return a;
        }
        if (a.active)
            return a; // already raised: nothing new happened
        a.active = true;
        ++a.occurrences;
        a.lastRaisedAtMs = t;
        a.clearedAtMs = 0;
        a.severity = r.severity;
        a.message = r.message;
        a.metric = r.metric;
        a.value = r.value;
        a.suppressedReason = suppressed;
        a.outOfService = r.outOfService;
        noteTransition(a);
        if (auto st = commit(a, false, QStringLiteral("raised_again"), kSystem, a.message); !st)
            return fail(st.error());
        return a;
    }
    Alert a;
    a.id = newUuid();
    a.tenantId = r.tenantId;
    a.sourceKey = r.sourceKey;
    a.ruleId = r.ruleId;
    a.ruleName = r.ruleName;
    a.deviceId = r.deviceId;
    a.severity = r.severity;
    a.message = r.message;
    a.metric = r.metric;
    a.value = r.value;
    a.suppressedReason = suppressed;
    a.outOfService = r.outOfService;
    a.raisedAtMs = a.lastRaisedAtMs = t;
    noteTransition(a);
    if (auto st = commit(a, true, QStringLiteral("raised"), kSystem, a.message); !st)
        return fail(st.error());
    return a;
}

Status AlertService::clearSource(const QString &sourceKey, const QString &deviceId, const QString &note)
{
    const auto it = m_openByKey.constFind(openKey(sourceKey, deviceId));
    if (it == m_openByKey.cend())
        return {};
    Alert a = m_open.value(*it);
    if (!a.active)
        return {};
    a.active = false;
    a.clearedAtMs = now();
    noteTransition(a);
    QString kind = QStringLiteral("cleared");
    if (a.shelved && a.shelveOneShot) { // one-shot shelving ends with the occurrence it was for
        a.shelved = false;
        a.shelveOneShot = false;
    }
    if (a.acknowledged) { // cleared and acknowledged: back to normal
        a.closed = true;
        a.closedAtMs = a.clearedAtMs;
        kind = QStringLiteral("cleared_and_closed");
    }
    return commit(a, false, kind, kSystem, note);
}

Status AlertService::close(Alert a, const QString &why)
{
    const qint64 t = now();
    if (a.active)
        a.clearedAtMs = t;
    a.active = false;
    a.closed = true;
    a.closedAtMs = t;
    return commit(a, false, QStringLiteral("closed"), kSystem, why);
}

QList<Alert> AlertService::openOfDevice(const QString &deviceId) const
{
    QList<Alert> out;
    for (const QString &id : m_openByDevice.value(deviceId))
        out << m_open.value(id);
    return out;
}

Status AlertService::closeSource(const QString &sourceKey, const QString &why)
{
    QList<Alert> of;
    for (const Alert &a : std::as_const(m_open))
        if (a.sourceKey == sourceKey)
            of << a;
    for (const Alert &a : std::as_const(of))
        if (auto st = close(a, why); !st)
            return st;
    return {};
}

void AlertService::setDeviceSuppression(const QString &deviceId, const QString &reason, const std::function<bool(const Alert &)> &which)
{
    const QString planned = plannedReason(deviceId);
    const QString effective = planned.isEmpty() ? reason : planned; // a maintenance window outranks the device's own state
    for (Alert a : openOfDevice(deviceId)) {
        if (a.suppressedReason == effective || !which(a))
            continue;
        a.suppressedReason = effective;
        (void)commit(a, false, effective.isEmpty() ? QStringLiteral("unsuppressed") : QStringLiteral("suppressed"), kSystem, effective);
    }
}

void AlertService::refreshPlannedSuppression(const QString &deviceId, const std::function<bool(const QString &)> &wasPlanned)
{
    const QString planned = plannedReason(deviceId);
    for (Alert a : openOfDevice(deviceId)) {
        if (a.suppressedReason == planned)
            continue;
        if (planned.isEmpty() && !wasPlanned(a.suppressedReason))
            continue; // suppressed for a reason of its own (device offline): not ours to lift
        a.suppressedReason = planned;
        (void)commit(a, false, planned.isEmpty() ? QStringLiteral("unsuppressed") : QStringLiteral("suppressed"), kSystem,
                     planned.isEmpty() ? QStringLiteral("maintenance over") : planned);
    }
}

void AlertService::setDeviceOutOfService(const QString &deviceId, bool outOfService)
{
    for (Alert a : openOfDevice(deviceId)) {
        if (a.outOfService == outOfService)
            continue;
        a.outOfService = outOfService;
        (void)commit(a, false, outOfService ? QStringLiteral("out_of_service") : QStringLiteral("in_service"), kSystem,
                     outOfService ? QStringLiteral("device suspended") : QStringLiteral("device resumed"));
    }
}

void AlertService::closeDevice(const QString &deviceId, const QString &why)
{
    for (const Alert &a : openOfDevice(deviceId))
        (void)close(a, why);
}

std::optional<Alert> AlertService::openAlert(const QString &sourceKey, const QString &deviceId) const
{
    const auto it = m_openByKey.constFind(openKey(sourceKey, deviceId));
    if (it == m_openByKey.cend())
        return std::nullopt;
    return m_open.value(*it);
}

Result<Alert> AlertService::openOf(const Principal &who, const QString &alertId)
{
    const auto it = m_open.constFind(alertId);
    if (it != m_open.cend() && it->tenantId == who.tenantId)
        return *it;
    auto q = m_db.exec(QStringLiteral("SELECT closed_at FROM alerts WHERE id = :id AND tenant_id = :t"),
                       {{QStringLiteral("id"), alertId}, {QStringLiteral("t"), who.tenantId}});
    if (!q)
        return fail(q.error());
    if (q->next())
        return fail(Error::conflict(QStringLiteral("alert %1 is closed (cleared and acknowledged); it cannot change any more").arg(alertId)));
    return fail(Error::notFound(QStringLiteral("no alert with id %1").arg(alertId)));
}

Result<Alert> AlertService::acknowledge(const Principal &who, const QString &alertId, const QString &note)
{
    if (auto st = validNote(note); !st)
        return fail(st.error());
    auto found = openOf(who, alertId);
    if (!found)
        return found;
    Alert a = *found;
    if (a.acknowledged)
        return fail(Error::conflict(QStringLiteral("alert %1 is already acknowledged (by %2)").arg(alertId, a.acknowledgedBy)));
    a.acknowledged = true;
    a.acknowledgedAtMs = now();
    a.acknowledgedBy = who.email;
    a.acknowledgeNote = note;
    QString kind = QStringLiteral("acknowledged");
    if (!a.active) {
        a.closed = true;
        a.closedAtMs = a.acknowledgedAtMs;
        kind = QStringLiteral("acknowledged_and_closed");
    }
    if (auto st = commit(a, false, kind, who.email, note); !st)
        return fail(st.error());
    audit(m_db, &who, QStringLiteral("alert.acknowledge"), QStringLiteral("alert"), a.id, note);
    return a;
}

Result<Alert> AlertService::clear(const Principal &who, const QString &alertId, const QString &note)
{
    if (auto st = validNote(note); !st)
        return fail(st.error());
    auto found = openOf(who, alertId);
    if (!found)
        return found;
    Alert a = *found;
    if (a.active)
        return fail(Error::conflict(QStringLiteral("alert %1 is still active (its condition holds); acknowledge or shelve it instead").arg(alertId)));
    const qint64 t = now();
    if (!a.acknowledged) {
        a.acknowledged = true;
        a.acknowledgedAtMs = t;
        a.acknowledgedBy = who.email;
        a.acknowledgeNote = note;
    }
    a.closed = true;
    a.closedAtMs = t;
    if (auto st = commit(a, false, QStringLiteral("cleared_by_operator"), who.email, note); !st)
        return fail(st.error());
    audit(m_db, &who, QStringLiteral("alert.clear"), QStringLiteral("alert"), a.id, note);
    return a;
}

Result<Alert> AlertService::shelve(const Principal &who, const QString &alertId, const ShelveRequest &request)
{
    if (auto st = validNote(request.note); !st)
        return fail(st.error());
    if (request.note.trimmed().isEmpty())
        return fail(Error::invalid(QStringLiteral("/note: is required: say why the alert is shelved")));
    if (!request.oneShot && (request.durationMs < 60000 || request.durationMs > kMaxShelveMs))
        return fail(Error::invalid(QStringLiteral("/duration_s: must be from 60 to %1 seconds (or \"one_shot\": true)").arg(kMaxShelveMs / 1000)));
    auto found = openOf(who, alertId);
    if (!found)
        return found;
    Alert a = *found;
    const qint64 t = now();
    a.shelved = true;
    a.shelveOneShot = request.oneShot;
    a.shelvedUntilMs = request.oneShot ? 0 : t + request.durationMs;
    a.shelvedBy = who.email;
    a.shelveNote = request.note;
    const QString job = QStringLiteral("alert-unshelve:") + a.id;
    if (!request.oneShot) {
        if (auto st = m_scheduler.schedule(job, kUnshelveJob, a.shelvedUntilMs, {{QStringLiteral("alert_id"), a.id}}); !st)
            return fail(st.error());
    } else {
        (void)m_scheduler.cancel(job);
    }
    const QString summary = request.oneShot ? QStringLiteral("one-shot: %1").arg(request.note)
                                            : QStringLiteral("until %1: %2").arg(Json::isoUtc(QDateTime::fromMSecsSinceEpoch(a.shelvedUntilMs, Qt::UTC)), request.note);
    if (auto st = commit(a, false, QStringLiteral("shelved"), who.email, summary); !st)
        return fail(st.error());
    audit(m_db, &who, QStringLiteral("alert.shelve"), QStringLiteral("alert"), a.id, summary);
    return a;
}

Result<Alert> AlertService::unshelve(const Principal &who, const QString &alertId, const QString &note)
{
    if (auto st = validNote(note); !st)
        return fail(st.error());
    auto found = openOf(who, alertId);
    if (!found)
        return found;
    Alert a = *found;
    if (!a.shelved)
        return fail(Error::conflict(QStringLiteral("alert %1 is not shelved").arg(alertId)));
    a.shelved = false;
    a.shelveOneShot = false;
    a.shelvedUntilMs = 0;
    (void)m_scheduler.cancel(QStringLiteral("alert-unshelve:") + a.id);
    if (auto st = commit(a, false, QStringLiteral("unshelved"), who.email, note); !st)
        return fail(st.error());
    audit(m_db, &who, QStringLiteral("alert.unshelve"), QStringLiteral("alert"), a.id, note);
    return a;
}

Result<Alert> AlertService::assign(const Principal &who, const QString &alertId, const QString &userId, const QString &note)
{
    if (auto st = validNote(note); !st)
        return fail(st.error());
    auto found = openOf(who, alertId);
    if (!found)
        return found;
    Alert a = *found;
    QString label = QStringLiteral("unassigned");
    if (!userId.isEmpty()) {
        auto q = m_db.exec(QStringLiteral("SELECT email FROM users WHERE id = :id AND tenant_id = :t"),
                           {{QStringLiteral("id"), userId}, {QStringLiteral("t"), who.tenantId}});
        if (!q)
            return fail(q.error());
        if (!q->next())
            return fail(Error::invalid(QStringLiteral("/user_id: no user %1 in this organisation").arg(userId)));
        label = QStringLiteral("to %1").arg(q->value(0).toString());
    }
    a.assignedTo = userId;
    if (auto st = commit(a, false, QStringLiteral("assigned"), who.email, note.isEmpty() ? label : label + QStringLiteral(": ") + note); !st)
        return fail(st.error());
    audit(m_db, &who, QStringLiteral("alert.assign"), QStringLiteral("alert"), a.id, label);
    return a;
}

Result<Alert> AlertService::get(const Principal &who, const QString &alertId)
{
    const auto it = m_open.constFind(alertId);
    if (it != m_open.cend() && it->tenantId == who.tenantId)
        return *it;
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM alerts WHERE id = :id AND tenant_id = :t").arg(QLatin1String(kColumns)),
                       {{QStringLiteral("id"), alertId}, {QStringLiteral("t"), who.tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no alert with id %1").arg(alertId)));
    return fromRow(*q);
}

Result<QList<AlertEvent>> AlertService::history(const Principal &who, const QString &alertId)
{
    auto q = m_db.exec(QStringLiteral("SELECT at, kind, actor, note FROM alert_events WHERE alert_id = :a AND tenant_id = :t ORDER BY id LIMIT 1000"),
                       {{QStringLiteral("a"), alertId}, {QStringLiteral("t"), who.tenantId}});
    if (!q)
        return fail(q.error());
    QList<AlertEvent> out;
    while (q->next())
        out.append(AlertEvent{q->value(0).toLongLong(), q->value(1).toString(), q->value(2).toString(), q->value(3).toString()});
    return out;
}

Result<AlertPage> AlertService::list(const Principal &who, const AlertFilter &f)
{
    QString sql = QStringLiteral("SELECT %1 FROM alerts WHERE tenant_id = :t").arg(QLatin1String(kColumns));
    QVariantMap b{{QStringLiteral("t"), who.tenantId}};
    const QString &s = f.state;
    const bool pg = m_db.dialect() == Storage::Dialect::Postgres;
    const QString yes = pg ? QStringLiteral("TRUE") : QStringLiteral("1"), no = pg ? QStringLiteral("FALSE") : QStringLiteral("0");
    if (s == u"open")
        sql += QStringLiteral(" AND closed_at IS NULL");
    else if (s == u"closed" || s == u"cleared_acknowledged")
        sql += QStringLiteral(" AND closed_at IS NOT NULL");
    else if (s == u"active")
        sql += QStringLiteral(" AND active = ") + yes;
    else if (s == u"cleared")
        sql += QStringLiteral(" AND active = ") + no;
    else if (s == u"unacknowledged")
        sql += QStringLiteral(" AND acknowledged = ") + no;
    else if (s == u"shelved")
        sql += QStringLiteral(" AND closed_at IS NULL AND shelved = ") + yes;
    else if (s == u"active_unacknowledged")
        sql += QStringLiteral(" AND active = %1 AND acknowledged = %2").arg(yes, no);
    else if (s == u"active_acknowledged")
        sql += QStringLiteral(" AND active = %1 AND acknowledged = %1").arg(yes);
    else if (s == u"cleared_unacknowledged")
        sql += QStringLiteral(" AND active = %1 AND acknowledged = %1").arg(no);
    else if (s != u"all")
        return fail(Error::invalid(QStringLiteral("\"state\" must be one of open, closed, all, active, cleared, unacknowledged, shelved, "
                                                  "active_unacknowledged, active_acknowledged, cleared_unacknowledged, cleared_acknowledged")));
    if (!f.severities.isEmpty()) {
        QStringList names;
        for (int i = 0; i < f.severities.size(); ++i) {
            names << QStringLiteral(":s%1").arg(i);
            b.insert(QStringLiteral("s%1").arg(i), Rules::name(f.severities.at(i)));
        }
        sql += QStringLiteral(" AND severity IN (%1)").arg(names.join(u','));
    }
    if (!f.deviceId.isEmpty()) {
        sql += QStringLiteral(" AND device_id = :d");
        b.insert(QStringLiteral("d"), f.deviceId);
    }
    if (!f.ruleId.isEmpty()) {
        sql += QStringLiteral(" AND rule_id = :r");
        b.insert(QStringLiteral("r"), f.ruleId);
    }
    if (f.fromMs) {
        sql += QStringLiteral(" AND raised_at >= :from");
        b.insert(QStringLiteral("from"), *f.fromMs);
    }
    if (f.toMs) {
        sql += QStringLiteral(" AND raised_at < :to");
        b.insert(QStringLiteral("to"), *f.toMs);
    }
    if (!f.cursor.isEmpty()) {
        const qsizetype cut = f.cursor.indexOf(u'_');
        bool ok = false;
        const qint64 at = f.cursor.left(cut).toLongLong(&ok);
        if (cut <= 0 || !ok)
            return fail(Error::invalid(QStringLiteral("\"cursor\" is not one this server gave out")));
        sql += QStringLiteral(" AND (raised_at < :cat OR (raised_at = :cat2 AND id < :cid))");
        b.insert(QStringLiteral("cat"), at);
        b.insert(QStringLiteral("cat2"), at);
        b.insert(QStringLiteral("cid"), f.cursor.mid(cut + 1));
    }
    sql += QStringLiteral(" ORDER BY raised_at DESC, id DESC LIMIT %1").arg(f.limit + 1);
    auto q = m_db.exec(sql, b);
    if (!q)
        return fail(q.error());
    AlertPage page;
    while (q->next())
        page.items.append(fromRow(*q));
    if (page.items.size() > f.limit) {
        page.items.removeLast();
        const Alert &last = page.items.last();
        page.nextCursor = QStringLiteral("%1_%2").arg(last.raisedAtMs).arg(last.id);
    }
    return page;
}

Status AlertService::runUnshelve(const QJsonObject &payload)
{
    const QString id = payload.value(QStringLiteral("alert_id")).toString();
    const auto it = m_open.constFind(id);
    if (it == m_open.cend() || !it->shelved)
        return {}; // closed or unshelved by hand meanwhile
    Alert a = *it;
    a.shelved = false;
    a.shelvedUntilMs = 0;
    return commit(a, false, QStringLiteral("unshelved"), kSystem, QStringLiteral("shelving expired"));
}

Status AlertService::runChatterCheck(const QJsonObject &payload)
{
    const QString id = payload.value(QStringLiteral("alert_id")).toString();
    const auto it = m_open.constFind(id);
    if (it == m_open.cend() || !it->chattering)
        return {};
    auto &times = m_transitions[id];
    const qint64 t = now();
    while (!times.empty() && times.front() <= t - kChatterWindowMs)
        times.pop_front();
    if (int(times.size()) >= kChatterTransitions)
        return m_scheduler.schedule(QStringLiteral("alert-chatter:") + id, kChatterJob, times.front() + kChatterWindowMs, {{QStringLiteral("alert_id"), id}});
    Alert a = *it;
    a.chattering = false;
    return commit(a, false, QStringLiteral("chatter_ended"), kSystem, QStringLiteral("fewer than %1 transitions in the last minute").arg(kChatterTransitions));
}

QJsonObject AlertService::health() const
{
    QJsonObject bySeverity;
    int unacked = 0, shelved = 0, chattering = 0, active = 0;
    for (const Alert &a : m_open) {
        bySeverity.insert(Rules::name(a.severity), bySeverity.value(Rules::name(a.severity)).toInt() + 1);
        unacked += a.acknowledged ? 0 : 1;
        shelved += a.shelved ? 1 : 0;
        chattering += a.chattering ? 1 : 0;
        active += a.active ? 1 : 0;
    }
    return QJsonObject{{QStringLiteral("open"), qint64(m_open.size())}, {QStringLiteral("active"), active},
                       {QStringLiteral("unacknowledged"), unacked}, {QStringLiteral("shelved"), shelved},
                       {QStringLiteral("chattering"), chattering}, {QStringLiteral("by_severity"), bySeverity},
                       {QStringLiteral("write_failures"), m_writeFailures}};
}

} // namespace Fleetdeck
