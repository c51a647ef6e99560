#include "tenants/tenantservice.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "auth/authutil.h"
#include "core/jsonutil.h"
#include "storage/database.h"

#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcTenants, "fleetdeck.server.tenants", QtInfoMsg)

namespace Fleetdeck {

using AuthUtil::msToTime;
using AuthUtil::nullable;
using AuthUtil::nullableInt;

namespace {

const QString kColumns = QStringLiteral(
    "t.id, t.name, t.contact_email, t.subscription_plan, t.max_devices, t.max_telemetry_msgs_per_s, t.retention_days, t.active, "
    "t.created_at, t.updated_at, t.deactivated_at, "
    "(SELECT COUNT(*) FROM devices d WHERE d.tenant_id = t.id AND d.status <> 'decommissioned'), "
    "(SELECT COUNT(*) FROM users u WHERE u.tenant_id = t.id), t.max_metrics, "
    "(SELECT COUNT(DISTINCT l.metric_id) FROM telemetry_latest l JOIN telemetry_devices td ON td.device_key = l.device_key "
    "WHERE td.tenant_id = t.id)");

const QStringList kQuotaKeys{QStringLiteral("max_devices"), QStringLiteral("max_telemetry_msgs_per_s"), QStringLiteral("retention_days"),
                             QStringLiteral("max_metrics")};

QJsonObject readTenant(const QSqlQuery &q)
{
    return QJsonObject{
        {QStringLiteral("tenant_id"), q.value(0).toString()},
        {QStringLiteral("name"), q.value(1).toString()},
        {QStringLiteral("contact_email"), nullable(q.value(2).toString())},
        {QStringLiteral("plan"), q.value(3).toString()},
        {QStringLiteral("quotas"), QJsonObject{{QStringLiteral("max_devices"), nullableInt(q.value(4))},
                                               {QStringLiteral("max_telemetry_msgs_per_s"), nullableInt(q.value(5))},
                                               {QStringLiteral("retention_days"), nullableInt(q.value(6))},
                                               {QStringLiteral("max_metrics"), nullableInt(q.value(13))}}},
        {QStringLiteral("active"), q.value(7).toBool()},
        {QStringLiteral("created_at"), Json::timestamp(msToTime(q.value(8)))},
        {QStringLiteral("updated_at"), Json::timestamp(msToTime(q.value(9)))},
        {QStringLiteral("deactivated_at"), Json::timestamp(msToTime(q.value(10)))},
        {QStringLiteral("usage"), QJsonObject{{QStringLiteral("devices"), q.value(11).toLongLong()},
                                              {QStringLiteral("users"), q.value(12).toLongLong()},
                                              {QStringLiteral("metrics"), q.value(14).toLongLong()}, // stored names (max_metrics)
                                              // Measured by the telemetry pipeline; not known here yet.
                                              {QStringLiteral("telemetry_msgs_per_s"), QJsonValue(QJsonValue::Null)}}},
    };
}

Status checkFields(const QJsonObject &o, bool creating)
{
    using namespace AuthUtil;
    QSet<QString> allowed{QStringLiteral("name"), QStringLiteral("contact_email"), QStringLiteral("plan"), QStringLiteral("quotas")};
    if (!creating)
        allowed << QStringLiteral("active");
    if (auto st = checkKnownKeys(o, allowed); !st)
        return st;
    if (auto st = checkString(o, QStringLiteral("name"), creating, 100); !st)
        return st;
    if (!creating && o.contains(QStringLiteral("name")) && o.value(QStringLiteral("name")).toString().trimmed().isEmpty())
        return fail(Error::invalid(QStringLiteral("\"name\" must not be empty")));
    if (auto st = checkString(o, QStringLiteral("contact_email"), false, 254); !st)
        return st;
    const QString contact = o.value(QStringLiteral("contact_email")).toString();
    if (!contact.isEmpty() && !isEmail(contact))
        return fail(Error::invalid(QStringLiteral("\"contact_email\" is not an e-mail address")));
    if (o.contains(QStringLiteral("plan")) && !TenantService::planNames().contains(o.value(QStringLiteral("plan")).toString()))
        return fail(Error::invalid(QStringLiteral("\"plan\" must be one of %1").arg(TenantService::planNames().join(QStringLiteral(", ")))));
    if (o.contains(QStringLiteral("quotas"))) {
        if (!o.value(QStringLiteral("quotas")).isObject())
            return fail(Error::invalid(QStringLiteral("\"quotas\" must be an object with max_devices, max_telemetry_msgs_per_s, retention_days, max_metrics")));
        const QJsonObject q = o.value(QStringLiteral("quotas")).toObject();
        if (auto st = checkKnownKeys(q, QSet<QString>(kQuotaKeys.begin(), kQuotaKeys.end())); !st)
            return st;
        if (auto st = checkCount(q, QStringLiteral("max_devices"), 10'000'000, true); !st)
            return st;
        if (auto st = checkCount(q, QStringLiteral("max_telemetry_msgs_per_s"), 10'000'000, true); !st)
            return st;
        if (auto st = checkCount(q, QStringLiteral("retention_days"), 36500, true); !st)
            return st;
        if (auto st = checkCount(q, QStringLiteral("max_metrics"), 1'000'000, true); !st)
            return st;
        if (q.value(QStringLiteral("retention_days")).toInt(1) == 0 && q.value(QStringLiteral("retention_days")).isDouble())
            return fail(Error::invalid(QStringLiteral("\"retention_days\" must be at least 1, or null to keep data forever")));
    }
    if (o.contains(QStringLiteral("active")) && !o.value(QStringLiteral("active")).isBool())
        return fail(Error::invalid(QStringLiteral("\"active\" must be true or false")));
    return {};
}

QVariant quotaValue(const QJsonValue &v) { return v.isNull() ? QVariant(QMetaType::fromType<qint64>()) : QVariant(qint64(v.toDouble())); }

} // namespace

TenantService::TenantService(Storage::Database &db) : m_db(db) {}

QStringList TenantService::planNames()
{
    return {QStringLiteral("free"), QStringLiteral("standard"), QStringLiteral("enterprise"), QStringLiteral("custom")};
}

QJsonObject TenantService::planDefaults(const QString &plan)
{
    const auto q = [](QJsonValue devices, QJsonValue rate, QJsonValue days, QJsonValue metrics) {
        return QJsonObject{{QStringLiteral("max_devices"), devices}, {QStringLiteral("max_telemetry_msgs_per_s"), rate},
                           {QStringLiteral("retention_days"), days}, {QStringLiteral("max_metrics"), metrics}};
    };
    if (plan == u"free")
        return q(10, 10, 7, 50);
    if (plan == u"standard")
        return q(1000, 1000, 90, 1000);
    if (plan == u"enterprise")
        return q(100000, 50000, 365, 10000);
    return q(QJsonValue::Null, QJsonValue::Null, QJsonValue::Null, QJsonValue::Null); // custom: only what is given
}

Result<QJsonArray> TenantService::list(const Principal &)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM tenants t ORDER BY t.created_at, t.id"));
    if (!q)
        return fail(q.error());
    QJsonArray items;
    while (q->next())
        items.append(readTenant(*q));
    return items;
}

Result<QJsonObject> TenantService::get(const Principal &who, const QString &tenantId)
{
    // Users see their own tenant (the one they act in); only platform admins see any.
    if (who.role != Role::PlatformAdmin && tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no tenant with id %1").arg(tenantId.left(64))));
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM tenants t WHERE t.id = :id"), {{QStringLiteral("id"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no tenant with id %1").arg(tenantId.left(64))));
    return readTenant(*q);
}

Result<QJsonObject> TenantService::create(const Principal &who, const QJsonObject &body)
{
    if (auto st = checkFields(body, true); !st)
        return fail(st.error());
    const QString plan = body.value(QStringLiteral("plan")).toString(QStringLiteral("standard"));
    QJsonObject quotas = planDefaults(plan);
    const QJsonObject given = body.value(QStringLiteral("quotas")).toObject();
    for (auto it = given.begin(); it != given.end(); ++it)
        quotas.insert(it.key(), it.value());
    const QString name = body.value(QStringLiteral("name")).toString().trimmed();
    const QString id = newUuid();
    const qint64 now = Storage::nowMs();
    auto ins = m_db.exec(QStringLiteral("INSERT INTO tenants (id, name, subscription_plan, contact_email, max_devices, max_telemetry_msgs_per_s, "
                                        "retention_days, max_metrics, active, created_at, updated_at) VALUES (:id, :n, :p, :c, :md, :mr, :rd, :mm, TRUE, :now, :now)"),
                         {{QStringLiteral("id"), id}, {QStringLiteral("n"), name}, {QStringLiteral("p"), plan},
                          {QStringLiteral("c"), body.value(QStringLiteral("contact_email")).toString()},
                          {QStringLiteral("md"), quotaValue(quotas.value(QStringLiteral("max_devices")))},
                          {QStringLiteral("mr"), quotaValue(quotas.value(QStringLiteral("max_telemetry_msgs_per_s")))},
                          {QStringLiteral("rd"), quotaValue(quotas.value(QStringLiteral("retention_days")))},
                          {QStringLiteral("mm"), quotaValue(quotas.value(QStringLiteral("max_metrics")))},
                          {QStringLiteral("now"), now}});
    if (!ins)
        return fail(ins.error().code == ErrorCode::Conflict ? Error::conflict(QStringLiteral("a tenant named \"%1\" already exists").arg(name)) : ins.error());
    audit(m_db, &who, QStringLiteral("tenant.create"), QStringLiteral("tenant"), id,
          QStringLiteral("tenant \"%1\", plan %2, quotas %3").arg(name, plan, QString::fromUtf8(Json::compact(quotas))), id);
    qCInfo(lcTenants) << "tenant" << id << "created";
    return get(who, id);
}

Result<QJsonObject> TenantService::update(const Principal &who, const QString &tenantId, const QJsonObject &patch)
{
    if (auto st = checkFields(patch, false); !st)
        return fail(st.error());
    if (patch.isEmpty())
        return fail(Error::invalid(QStringLiteral("the patch is empty; send at least one of name, contact_email, plan, quotas, active")));
    auto current = get(who, tenantId);
    if (!current)
        return fail(current.error());
    QStringList sets{QStringLiteral("updated_at = :now")}, changed;
    QVariantMap b{{QStringLiteral("id"), tenantId}, {QStringLiteral("now"), Storage::nowMs()}};
    if (patch.contains(QStringLiteral("name"))) {
        sets << QStringLiteral("name = :n");
        b.insert(QStringLiteral("n"), patch.value(QStringLiteral("name")).toString().trimmed());
        changed << QStringLiteral("name");
    }
    if (patch.contains(QStringLiteral("contact_email"))) {
        sets << QStringLiteral("contact_email = :c");
        b.insert(QStringLiteral("c"), patch.value(QStringLiteral("contact_email")).toString());
        changed << QStringLiteral("contact e-mail");
    }
    QJsonObject quotas;
    if (patch.contains(QStringLiteral("plan"))) {
        const QString plan = patch.value(QStringLiteral("plan")).toString();
        sets << QStringLiteral("subscription_plan = :p");
        b.insert(QStringLiteral("p"), plan);
        changed << QStringLiteral("plan %1 -> %2").arg(current->value(QStringLiteral("plan")).toString(), plan);
        if (plan != u"custom")
            quotas = planDefaults(plan);
    }
    const QJsonObject given = patch.value(QStringLiteral("quotas")).toObject();
    for (auto it = given.begin(); it != given.end(); ++it)
        quotas.insert(it.key(), it.value());
    const QJsonObject oldQuotas = current->value(QStringLiteral("quotas")).toObject();
    for (const QString &key : kQuotaKeys) {
        if (!quotas.contains(key))
            continue;
        sets << QStringLiteral("%1 = :%1").arg(key);
        b.insert(key, quotaValue(quotas.value(key)));
        const auto text = [](const QJsonValue &v) { return v.isNull() ? QStringLiteral("unlimited") : QString::number(qint64(v.toDouble())); };
        changed << QStringLiteral("%1 %2 -> %3").arg(key, text(oldQuotas.value(key)), text(quotas.value(key)));
    }
    if (patch.contains(QStringLiteral("active"))) {
        const bool active = patch.value(QStringLiteral("active")).toBool();
        if (!active)
            return deactivate(who, tenantId);
        sets << QStringLiteral("active = TRUE") << QStringLiteral("deactivated_at = NULL");
        changed << QStringLiteral("activated");
    }
    auto u = m_db.exec(QStringLiteral("UPDATE tenants SET ") + sets.join(QStringLiteral(", ")) + QStringLiteral(" WHERE id = :id"), b);
    if (!u)
        return fail(u.error().code == ErrorCode::Conflict ? Error::conflict(QStringLiteral("another tenant already has that name")) : u.error());
    audit(m_db, &who, QStringLiteral("tenant.update"), QStringLiteral("tenant"), tenantId, changed.join(QStringLiteral("; ")), tenantId);
    return get(who, tenantId);
}

Result<QJsonObject> TenantService::deactivate(const Principal &who, const QString &tenantId)
{
    auto current = get(who, tenantId);
    if (!current)
        return fail(current.error());
    // The tenant that holds a platform admin stays: deactivating it would lock the platform out.
    auto pa = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM users WHERE tenant_id = :t AND role = 'platform-admin' AND active = TRUE"),
                        {{QStringLiteral("t"), tenantId}});
    if (!pa)
        return fail(pa.error());
    if (pa->next() && pa->value(0).toLongLong() > 0)
        return fail(Error::conflict(QStringLiteral("tenant %1 holds an active platform admin and cannot be deactivated").arg(tenantId)));
    if (!current->value(QStringLiteral("active")).toBool())
        return current;
    const qint64 now = Storage::nowMs();
    auto u = m_db.exec(QStringLiteral("UPDATE tenants SET active = FALSE, deactivated_at = :now, updated_at = :now WHERE id = :id"),
                       {{QStringLiteral("now"), now}, {QStringLiteral("id"), tenantId}});
    if (!u)
        return fail(u.error());
    audit(m_db, &who, QStringLiteral("tenant.deactivate"), QStringLiteral("tenant"), tenantId,
          QStringLiteral("tenant \"%1\" deactivated; its users can no longer log in").arg(current->value(QStringLiteral("name")).toString()), tenantId);
    qCInfo(lcTenants) << "tenant" << tenantId << "deactivated";
    return get(who, tenantId);
}

Result<QString> TenantService::selectTenant(const Principal &who, const QString &requested)
{
    if (requested == who.homeTenantId)
        return requested;
    if (who.role != Role::PlatformAdmin)
        return fail(Error::forbidden(QStringLiteral("X-Fleetdeck-Tenant names another tenant; only platform admins may act inside another tenant")));
    auto q = m_db.exec(QStringLiteral("SELECT 1 FROM tenants WHERE id = :id"), {{QStringLiteral("id"), requested}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("X-Fleetdeck-Tenant: no tenant with id %1").arg(requested.left(64))));
    return requested;
}

namespace Tenants {

Status checkDeviceQuota(Storage::Database &db, const QString &tenantId)
{
    auto q = db.exec(QStringLiteral("SELECT t.active, t.max_devices, t.name, "
                                    "(SELECT COUNT(*) FROM devices d WHERE d.tenant_id = t.id AND d.status <> 'decommissioned') "
                                    "FROM tenants t WHERE t.id = :id"),
                     {{QStringLiteral("id"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::invalid(QStringLiteral("no tenant with id %1").arg(tenantId)));
    if (!q->value(0).toBool())
        return fail(Error::conflict(QStringLiteral("tenant \"%1\" is deactivated; it cannot register devices").arg(q->value(2).toString())));
    if (q->value(1).isNull())
        return {};
    const qint64 max = q->value(1).toLongLong();
    const qint64 count = q->value(3).toLongLong();
    if (count >= max)
        return fail(Error::conflict(QStringLiteral("device quota reached: tenant \"%1\" has %2 of %3 devices allowed by its plan "
                                                   "(decommissioned devices do not count); decommission a device or ask a platform admin to raise max_devices")
                                        .arg(q->value(2).toString()).arg(count).arg(max)));
    return {};
}

Result<TelemetryQuotas> telemetryQuotas(Storage::Database &db, const QString &tenantId)
{
    auto q = db.exec(QStringLiteral("SELECT max_telemetry_msgs_per_s, max_metrics FROM tenants WHERE id = :id"), {{QStringLiteral("id"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no tenant with id %1").arg(tenantId)));
    TelemetryQuotas out;
    out.msgsPerS = q->value(0).isNull() ? 0 : q->value(0).toLongLong();
    out.maxMetrics = q->value(1).isNull() ? 0 : q->value(1).toLongLong();
    return out;
}

} // namespace Tenants
} // namespace Fleetdeck
