#include "maintenance/maintenancewindows.h"

#include "alerts/alertservice.h"
#include "audit/audit.h"
#include "core/ids.h"
#include "core/jsonutil.h"
#include "devices/devicedirectory.h"
#include "scheduler/scheduler.h"
#include "storage/database.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcMaintenance, "fleetdeck.server.maintenance", QtInfoMsg)

namespace Fleetdeck {

namespace {

const QString kStartJob = QStringLiteral("maintenance.start");
const QString kEndJob = QStringLiteral("maintenance.end");
const QString kReasonPrefix = QStringLiteral("maintenance window ");
const char *kColumns = "id, tenant_id, name, starts_at, ends_at, scope, note, state, created_by, created_at, updated_at";

QString startKey(const QString &id) { return QStringLiteral("maintenance-start:") + id; }
QString endKey(const QString &id) { return QStringLiteral("maintenance-end:") + id; }
bool isMaintenanceReason(const QString &reason) { return reason.startsWith(kReasonPrefix); }
QString iso(qint64 ms) { return Json::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)); }

QJsonObject scopeJson(const Rules::Scope &s)
{
    QJsonObject o;
    if (!s.deviceIds.isEmpty())
        o.insert(QStringLiteral("device_ids"), QJsonArray::fromStringList(s.deviceIds));
    if (!s.deviceType.isEmpty())
        o.insert(QStringLiteral("device_type"), s.deviceType);
    if (!s.tags.isEmpty())
        o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(s.tags));
    return o;
}

Rules::Scope scopeFrom(const QJsonObject &o)
{
    Rules::Scope s;
    s.deviceType = o.value(QStringLiteral("device_type")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("tags")).toArray())
        s.tags << v.toString();
    for (const QJsonValue &v : o.value(QStringLiteral("device_ids")).toArray())
        s.deviceIds << v.toString();
    return s;
}

MaintenanceWindow fromRow(const QSqlQuery &q)
{
    MaintenanceWindow w;
    w.id = q.value(0).toString();
    w.tenantId = q.value(1).toString();
    w.name = q.value(2).toString();
    w.startsAtMs = q.value(3).toLongLong();
    w.endsAtMs = q.value(4).toLongLong();
    w.scope = scopeFrom(QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object());
    w.note = q.value(6).toString();
    w.state = q.value(7).toString();
    w.createdBy = q.value(8).toString();
    w.createdAtMs = q.value(9).toLongLong();
    w.updatedAtMs = q.value(10).toLongLong();
    return w;
}

Result<qint64> timeField(const QJsonObject &o, const QString &key)
{
    const QJsonValue v = o.value(key);
    std::optional<qint64> t;
    if (v.isString())
        t = Json::parseTime(v.toString());
    else if (v.isDouble())
        t = qint64(v.toDouble());
    if (!t)
        return fail(Error::invalid(QStringLiteral("/%1: must be an ISO 8601 time (\"2026-12-05T06:00:00Z\") or milliseconds since the epoch").arg(key)));
    return *t;
}

Result<QStringList> stringList(const QJsonValue &v, const QString &path, int maxItems)
{
    if (!v.isArray())
        return fail(Error::invalid(QStringLiteral("%1: must be an array of strings").arg(path)));
    const QJsonArray a = v.toArray();
    if (a.isEmpty() || a.size() > maxItems)
        return fail(Error::invalid(QStringLiteral("%1: must hold 1 to %2 items").arg(path).arg(maxItems)));
    QStringList out;
    for (int i = 0; i < a.size(); ++i) {
        if (!a.at(i).isString() || a.at(i).toString().isEmpty() || a.at(i).toString().size() > 128)
            return fail(Error::invalid(QStringLiteral("%1/%2: must be a non-empty string of at most 128 characters").arg(path).arg(i)));
        if (!out.contains(a.at(i).toString()))
            out << a.at(i).toString();
    }
    return out;
}

/// Applies the fields of `body` to `w`; every refusal names the field as a JSON pointer.
Status applyFields(MaintenanceWindow &w, const QJsonObject &body, bool creating, const DeviceDirectory &devices)
{
    static const QStringList known{QStringLiteral("name"), QStringLiteral("starts_at"), QStringLiteral("ends_at"), QStringLiteral("scope"), QStringLiteral("note")};
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!known.contains(it.key()))
            return fail(Error::invalid(QStringLiteral("/%1: unknown field (known: name, starts_at, ends_at, scope, note)").arg(it.key())));
    if (creating)
        for (const char *required : {"name", "starts_at", "ends_at", "scope"})
            if (!body.contains(QLatin1String(required)))
                return fail(Error::invalid(QStringLiteral("/%1: is required").arg(QLatin1String(required))));
    if (body.contains(QStringLiteral("name"))) {
        const QJsonValue v = body.value(QStringLiteral("name"));
        const QString name = v.toString().trimmed();
        if (!v.isString() || name.isEmpty() || name.size() > 200)
            return fail(Error::invalid(QStringLiteral("/name: must be a string of 1 to 200 characters")));
        w.name = name;
    }
    for (const auto &[key, target] : {std::pair{QStringLiteral("starts_at"), &w.startsAtMs}, std::pair{QStringLiteral("ends_at"), &w.endsAtMs}}) {
        if (!body.contains(key))
            continue;
        auto t = timeField(body, key);
        if (!t)
            return fail(t.error());
        *target = *t;
    }
    if (w.endsAtMs <= w.startsAtMs)
        return fail(Error::invalid(QStringLiteral("/ends_at: must be after starts_at")));
    if (w.endsAtMs - w.startsAtMs > MaintenanceWindows::kMaxDurationMs)
        return fail(Error::invalid(QStringLiteral("/ends_at: a window lasts at most %1 days").arg(MaintenanceWindows::kMaxDurationMs / (24 * 3600 * 1000))));
    if (body.contains(QStringLiteral("scope"))) {
        const QJsonValue v = body.value(QStringLiteral("scope"));
        if (!v.isObject())
            return fail(Error::invalid(QStringLiteral("/scope: must be an object with device_ids, device_type and/or tags")));
        const QJsonObject s = v.toObject();
        Rules::Scope scope;
        for (auto it = s.begin(); it != s.end(); ++it)
            if (it.key() != u"device_ids" && it.key() != u"device_type" && it.key() != u"tags")
                return fail(Error::invalid(QStringLiteral("/scope/%1: unknown field (known: device_ids, device_type, tags)").arg(it.key())));
        if (s.isEmpty())
            return fail(Error::invalid(QStringLiteral("/scope: name the devices: device_ids, device_type and/or tags (all given must hold)")));
        if (s.contains(QStringLiteral("device_type"))) {
            const QJsonValue t = s.value(QStringLiteral("device_type"));
            if (!t.isString() || t.toString().isEmpty() || t.toString().size() > 128)
                return fail(Error::invalid(QStringLiteral("/scope/device_type: must be a non-empty string")));
            scope.deviceType = t.toString();
        }
        if (s.contains(QStringLiteral("tags"))) {
            auto tags = stringList(s.value(QStringLiteral("tags")), QStringLiteral("/scope/tags"), 20);
            if (!tags)
                return fail(tags.error());
            scope.tags = *tags;
        }
        if (s.contains(QStringLiteral("device_ids"))) {
            auto ids = stringList(s.value(QStringLiteral("device_ids")), QStringLiteral("/scope/device_ids"), 1000);
            if (!ids)
                return fail(ids.error());
            for (int i = 0; i < ids->size(); ++i)
                if (devices.tenantOf(ids->at(i)) != w.tenantId)
                    return fail(Error::invalid(QStringLiteral("/scope/device_ids/%1: no device %2 in this organisation").arg(i).arg(ids->at(i))));
            scope.deviceIds = *ids;
        }
        w.scope = scope;
    }
    if (body.contains(QStringLiteral("note"))) {
        const QJsonValue v = body.value(QStringLiteral("note"));
        if (!v.isString() && !v.isNull())
            return fail(Error::invalid(QStringLiteral("/note: must be a string or null")));
        if (v.toString().size() > 2000)
            return fail(Error::invalid(QStringLiteral("/note: is longer than 2000 characters")));
        w.note = v.toString();
    }
    return {};
}

QString stateAt(const MaintenanceWindow &w, qint64 nowMs)
{
    if (w.endsAtMs <= nowMs)
        return QStringLiteral("ended");
    return w.startsAtMs <= nowMs ? QStringLiteral("active") : QStringLiteral("scheduled");
}

} // namespace

QString MaintenanceWindow::reason() const { return kReasonPrefix + name; }

QJsonObject toJson(const MaintenanceWindow &w)
{
    return QJsonObject{{QStringLiteral("id"), w.id},
                       {QStringLiteral("name"), w.name},
                       {QStringLiteral("starts_at"), iso(w.startsAtMs)},
                       {QStringLiteral("ends_at"), iso(w.endsAtMs)},
                       {QStringLiteral("scope"), scopeJson(w.scope)},
                       {QStringLiteral("note"), w.note.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(w.note)},
                       {QStringLiteral("state"), w.state},
                       {QStringLiteral("in_force"), w.state == u"active"},
                       {QStringLiteral("suppressed_reason"), w.reason()},
                       {QStringLiteral("created_by"), w.createdBy},
                       {QStringLiteral("created_at"), iso(w.createdAtMs)},
                       {QStringLiteral("updated_at"), iso(w.updatedAtMs)}};
}

MaintenanceWindows::MaintenanceWindows(Storage::Database &db, Scheduler &scheduler, const DeviceDirectory &devices, AlertService &alerts, QObject *parent)
    : QObject(parent), m_db(db), m_scheduler(scheduler), m_devices(devices), m_alerts(alerts)
{
}

MaintenanceWindows::~MaintenanceWindows() = default;

Status MaintenanceWindows::load()
{
    m_scheduler.define(kStartJob, [this](const QJsonObject &p) { return runStart(p); });
    m_scheduler.define(kEndJob, [this](const QJsonObject &p) { return runEnd(p); });
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM maintenance_windows WHERE state = 'active'").arg(QLatin1String(kColumns)));
    if (!q)
        return fail(q.error());
    m_active.clear();
    while (q->next()) {
        MaintenanceWindow w = fromRow(*q);
        m_active.insert(w.id, w);
    }
    m_alerts.setPlannedSuppression([this](const QString &deviceId) { return reasonFor(deviceId); });
    if (!m_active.isEmpty())
        qCInfo(lcMaintenance) << m_active.size() << "maintenance windows in force";
    return {};
}

QString MaintenanceWindows::reasonFor(const QString &deviceId) const
{
    if (m_active.isEmpty())
        return {};
    const std::optional<DeviceSummary> d = m_devices.find(deviceId);
    if (!d)
        return {};
    const MaintenanceWindow *first = nullptr; // the earliest started, so the reason does not change while it lasts
    for (const MaintenanceWindow &w : m_active)
        if (w.tenantId == d->tenantId && w.scope.matches(*d) && (!first || std::tie(w.startsAtMs, w.id) < std::tie(first->startsAtMs, first->id)))
            first = &w;
    return first ? first->reason() : QString();
}

void MaintenanceWindows::onDevice(const DeviceSummary &d)
{
    for (const MaintenanceWindow &w : std::as_const(m_active))
        if (w.tenantId == d.tenantId) {
            m_alerts.refreshPlannedSuppression(d.id, isMaintenanceReason);
            return;
        }
}

void MaintenanceWindows::refreshDevices(const QString &tenantId, const QList<Rules::Scope> &scopes)
{
    for (const DeviceSummary &d : m_devices.all())
        if (d.tenantId == tenantId && std::any_of(scopes.cbegin(), scopes.cend(), [&](const Rules::Scope &s) { return s.matches(d); }))
            m_alerts.refreshPlannedSuppression(d.id, isMaintenanceReason);
}

Status MaintenanceWindows::store(const MaintenanceWindow &w, bool insert)
{
    const QVariantMap b{{QStringLiteral("id"), w.id},
                        {QStringLiteral("t"), w.tenantId},
                        {QStringLiteral("n"), w.name},
                        {QStringLiteral("s"), w.startsAtMs},
                        {QStringLiteral("e"), w.endsAtMs},
                        {QStringLiteral("scope"), QString::fromUtf8(Json::compact(scopeJson(w.scope)))},
                        {QStringLiteral("note"), w.note.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(w.note)},
                        {QStringLiteral("state"), w.state},
                        {QStringLiteral("by"), w.createdBy},
                        {QStringLiteral("c"), w.createdAtMs},
                        {QStringLiteral("u"), w.updatedAtMs}};
    auto q = insert ? m_db.exec(QStringLiteral("INSERT INTO maintenance_windows (%1) VALUES (:id, :t, :n, :s, :e, :scope, :note, :state, :by, :c, :u)")
                                    .arg(QLatin1String(kColumns)), b)
                    : m_db.exec(QStringLiteral("UPDATE maintenance_windows SET name = :n, starts_at = :s, ends_at = :e, scope = :scope, note = :note, "
                                               "state = :state, updated_at = :u WHERE id = :id AND tenant_id = :t"),
                                {{QStringLiteral("id"), w.id}, {QStringLiteral("t"), w.tenantId}, {QStringLiteral("n"), w.name},
                                 {QStringLiteral("s"), w.startsAtMs}, {QStringLiteral("e"), w.endsAtMs}, {QStringLiteral("scope"), b.value(QStringLiteral("scope"))},
                                 {QStringLiteral("note"), b.value(QStringLiteral("note"))}, {QStringLiteral("state"), w.state}, {QStringLiteral("u"), w.updatedAtMs}});
    if (!q)
        return fail(q.error());
    return {};
}

/// The jobs and the in-force set as the stored state says.
Status MaintenanceWindows::arrange(MaintenanceWindow &w, qint64)
{
    const QJsonObject payload{{QStringLiteral("window_id"), w.id}};
    if (w.state == u"scheduled") {
        if (auto st = m_scheduler.schedule(startKey(w.id), kStartJob, w.startsAtMs, payload); !st)
            return st;
    } else {
        (void)m_scheduler.cancel(startKey(w.id));
    }
    if (w.state == u"ended") {
        (void)m_scheduler.cancel(endKey(w.id));
        m_active.remove(w.id);
    } else {
        if (auto st = m_scheduler.schedule(endKey(w.id), kEndJob, w.endsAtMs, payload); !st)
            return st;
        if (w.state == u"active")
            m_active.insert(w.id, w);
        else
            m_active.remove(w.id);
    }
    return {};
}

Result<MaintenanceWindow> MaintenanceWindows::create(const Principal &who, const QJsonObject &body)
{
    MaintenanceWindow w;
    w.tenantId = who.tenantId;
    if (auto st = applyFields(w, body, true, m_devices); !st)
        return fail(st.error());
    const qint64 t = Storage::nowMs();
    if (w.endsAtMs <= t)
        return fail(Error::invalid(QStringLiteral("/ends_at: is in the past")));
    auto count = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM maintenance_windows WHERE tenant_id = :t AND state <> 'ended'"),
                           {{QStringLiteral("t"), who.tenantId}});
    if (!count)
        return fail(count.error());
    if (count->next() && count->value(0).toInt() >= kMaxOpenPerTenant)
        return fail(Error::conflict(QStringLiteral("the organisation has %1 maintenance windows that are not over; delete some first").arg(kMaxOpenPerTenant)));
    w.id = newUuid();
    w.state = stateAt(w, t);
    w.createdBy = who.email;
    w.createdAtMs = w.updatedAtMs = t;
    if (auto st = store(w, true); !st)
        return fail(st.error());
    if (auto st = arrange(w, t); !st)
        return fail(st.error());
    if (w.state == u"active")
        refreshDevices(w.tenantId, {w.scope});
    audit(m_db, &who, QStringLiteral("maintenance.create"), QStringLiteral("maintenance_window"), w.id,
          QStringLiteral("\"%1\" %2 - %3").arg(w.name, iso(w.startsAtMs), iso(w.endsAtMs)));
    qCInfo(lcMaintenance).noquote() << QStringLiteral("maintenance window \"%1\" (%2) %3 - %4: %5").arg(w.name, w.id, iso(w.startsAtMs), iso(w.endsAtMs), w.state);
    return w;
}

Result<MaintenanceWindow> MaintenanceWindows::find(const QString &tenantId, const QString &id)
{
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM maintenance_windows WHERE id = :id AND tenant_id = :t").arg(QLatin1String(kColumns)),
                       {{QStringLiteral("id"), id}, {QStringLiteral("t"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no maintenance window with id %1").arg(id)));
    return fromRow(*q);
}

Result<MaintenanceWindow> MaintenanceWindows::get(const Principal &who, const QString &id) { return find(who.tenantId, id); }

Result<QList<MaintenanceWindow>> MaintenanceWindows::list(const Principal &who, const QString &state)
{
    if (!state.isEmpty() && state != u"scheduled" && state != u"active" && state != u"ended")
        return fail(Error::invalid(QStringLiteral("\"state\" must be scheduled, active or ended")));
    QVariantMap b{{QStringLiteral("t"), who.tenantId}};
    QString sql = QStringLiteral("SELECT %1 FROM maintenance_windows WHERE tenant_id = :t").arg(QLatin1String(kColumns));
    if (!state.isEmpty()) {
        sql += QStringLiteral(" AND state = :s");
        b.insert(QStringLiteral("s"), state);
    }
    auto q = m_db.exec(sql + QStringLiteral(" ORDER BY starts_at DESC, id LIMIT 1000"), b);
    if (!q)
        return fail(q.error());
    QList<MaintenanceWindow> out;
    while (q->next())
        out.append(fromRow(*q));
    return out;
}

Result<MaintenanceWindow> MaintenanceWindows::update(const Principal &who, const QString &id, const QJsonObject &patch)
{
    auto found = find(who.tenantId, id);
    if (!found)
        return found;
    if (found->state == u"ended")
        return fail(Error::conflict(QStringLiteral("maintenance window %1 is over; it cannot change any more").arg(id)));
    if (patch.isEmpty())
        return fail(Error::invalid(QStringLiteral("/: the patch is empty; send at least one of name, starts_at, ends_at, scope, note")));
    MaintenanceWindow w = *found;
    if (auto st = applyFields(w, patch, false, m_devices); !st)
        return fail(st.error());
    const qint64 t = Storage::nowMs();
    w.state = stateAt(w, t);
    w.updatedAtMs = t;
    if (auto st = store(w, false); !st)
        return fail(st.error());
    if (auto st = arrange(w, t); !st)
        return fail(st.error());
    if (found->state == u"active" || w.state == u"active")
        refreshDevices(w.tenantId, {found->scope, w.scope}); // a new name is a new reason, too
    audit(m_db, &who, QStringLiteral("maintenance.update"), QStringLiteral("maintenance_window"), w.id,
          QStringLiteral("\"%1\" %2 - %3 (%4)").arg(w.name, iso(w.startsAtMs), iso(w.endsAtMs), w.state));
    return w;
}

Status MaintenanceWindows::remove(const Principal &who, const QString &id)
{
    auto found = find(who.tenantId, id);
    if (!found)
        return fail(found.error());
    auto q = m_db.exec(QStringLiteral("DELETE FROM maintenance_windows WHERE id = :id AND tenant_id = :t"),
                       {{QStringLiteral("id"), id}, {QStringLiteral("t"), who.tenantId}});
    if (!q)
        return fail(q.error());
    (void)m_scheduler.cancel(startKey(id));
    (void)m_scheduler.cancel(endKey(id));
    if (m_active.remove(id) > 0)
        refreshDevices(found->tenantId, {found->scope});
    audit(m_db, &who, QStringLiteral("maintenance.delete"), QStringLiteral("maintenance_window"), id, QStringLiteral("\"%1\"").arg(found->name));
    return {};
}

Status MaintenanceWindows::runStart(const QJsonObject &payload)
{
    const QString id = payload.value(QStringLiteral("window_id")).toString();
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM maintenance_windows WHERE id = :id").arg(QLatin1String(kColumns)), {{QStringLiteral("id"), id}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return {}; // deleted meanwhile
    MaintenanceWindow w = fromRow(*q);
    if (w.state != u"scheduled")
        return {};
    w.state = QStringLiteral("active");
    w.updatedAtMs = Storage::nowMs();
    if (auto st = store(w, false); !st)
        return st;
    m_active.insert(w.id, w);
    refreshDevices(w.tenantId, {w.scope});
    qCInfo(lcMaintenance).noquote() << QStringLiteral("maintenance window \"%1\" (%2) in force").arg(w.name, w.id);
    return {};
}

Status MaintenanceWindows::runEnd(const QJsonObject &payload)
{
    const QString id = payload.value(QStringLiteral("window_id")).toString();
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM maintenance_windows WHERE id = :id").arg(QLatin1String(kColumns)), {{QStringLiteral("id"), id}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return {};
    MaintenanceWindow w = fromRow(*q);
    if (w.state == u"ended")
        return {};
    (void)m_scheduler.cancel(startKey(w.id)); // a server that was down through all of it: straight to the end
    w.state = QStringLiteral("ended");
    w.updatedAtMs = Storage::nowMs();
    if (auto st = store(w, false); !st)
        return st;
    m_active.remove(w.id);
    refreshDevices(w.tenantId, {w.scope});
    qCInfo(lcMaintenance).noquote() << QStringLiteral("maintenance window \"%1\" (%2) over").arg(w.name, w.id);
    return {};
}

} // namespace Fleetdeck
