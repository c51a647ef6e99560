#include "tenants/tenantservice.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "auth/authutil.h"
#include "core/jsonutil.h"
#include "storage/database.h"

#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcTenants, "fleetdeck.server.tenants", QtInfoMsg)

namespace Fleetdeck {

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

std::optional<qint64> optionalInt(const QVariant &v) { return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong()); }

Tenant readTenant(const QSqlQuery &q)
{
    Tenant t;
    t.id = q.value(0).toString();
    t.name = q.value(1).toString();
    t.contactEmail = q.value(2).toString();
    t.plan = q.value(3).toString();
    t.quotas.maxDevices = optionalInt(q.value(4));
    t.quotas.maxTelemetryMsgsPerS = optionalInt(q.value(5));
    t.quotas.retentionDays = optionalInt(q.value(6));
    t.quotas.maxMetrics = optionalInt(q.value(13));
    t.active = q.value(7).toBool();
    t.createdMs = q.value(8).toLongLong();
    t.updatedMs = optionalInt(q.value(9));
    t.deactivatedMs = optionalInt(q.value(10));
    t.usage.devices = q.value(11).toLongLong();
    t.usage.users = q.value(12).toLongLong();
    t.usage.metrics = q.value(14).toLongLong();
    return t;
}

/// A quota as the audit text of a change names it.
QString quotaText(const std::optional<qint64> &v) { return v ? QString::number(*v) : QStringLiteral("unlimited"); }

std::optional<qint64> TenantQuotas::*quotaMember(const QString &key)
{
    if (key == u"max_devices")
        return &TenantQuotas::maxDevices;
    if (key == u"max_telemetry_msgs_per_s")
        return &TenantQuotas::maxTelemetryMsgsPerS;
    if (key == u"retention_days")
        return &TenantQuotas::retentionDays;
    return &TenantQuotas::maxMetrics;
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

/// A quota as a request body gives it (checkFields checked it): null is no limit.
std::optional<qint64> quotaValue(const QJsonValue &v) { return v.isNull() ? std::nullopt : std::optional<qint64>(qint64(v.toDouble())); }
QVariant sqlQuota(const std::optional<qint64> &v) { return v ? QVariant(*v) : QVariant(QMetaType::fromType<qint64>()); }

/// The quotas as the audit entry of a new tenant lists them.
QByteArray quotasSummary(const TenantQuotas &q)
{
    QJsonObject o;
    for (const QString &key : kQuotaKeys) {
        const std::optional<qint64> &v = q.*quotaMember(key);
        o.insert(key, v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null));
    }
    return Json::compact(o);
}

} // namespace

TenantService::TenantService(Storage::Database &db) : m_db(db) {}

QStringList TenantService::planNames()
{
    return {QStringLiteral("free"), QStringLiteral("standard"), QStringLiteral("enterprise"), QStringLiteral("custom")};
}

TenantQuotas TenantService::planDefaults(const QString &plan)
{
    if (plan == u"free")
        return {10, 10, 7, 50};
    if (plan == u"standard")
        return {1000, 1000, 90, 1000};
    if (plan == u"enterprise")
        return {100000, 50000, 365, 10000};
    return {}; // custom: only what is given
}

Result<QList<Tenant>> TenantService::list(const Principal &)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM tenants t ORDER BY t.created_at, t.id"));
    if (!q)
        return fail(q.error());
    QList<Tenant> items;
    while (q->next())
        items.append(readTenant(*q));
    return items;
}

Result<Tenant> TenantService::get(const Principal &who, const QString &tenantId)
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

Result<Tenant> TenantService::create(const Principal &who, const QJsonObject &body)
{
    if (auto st = checkFields(body, true); !st)
        return fail(st.error());
    const QString plan = body.value(QStringLiteral("plan")).toString(QStringLiteral("standard"));
    TenantQuotas quotas = planDefaults(plan);
    const QJsonObject given = body.value(QStringLiteral("quotas")).toObject();
    for (auto it = given.begin(); it != given.end(); ++it)
        quotas.*quotaMember(it.key()) = quotaValue(it.value());
    const QString name = body.value(QStringLiteral("name")).toString().trimmed();
    const QString id = newUuid();
    const qint64 now = Storage::nowMs();
    auto ins = m_db.exec(QStringLiteral("INSERT INTO tenants (id, name, subscription_plan, contact_email, max_devices, max_telemetry_msgs_per_s, "
                                        "retention_days, max_metrics, active, created_at, updated_at) VALUES (:id, :n, :p, :c, :md, :mr, :rd, :mm, TRUE, :now, :now)"),
                         {{QStringLiteral("id"), id}, {QStringLiteral("n"), name}, {QStringLiteral("p"), plan},
                          {QStringLiteral("c"), body.value(QStringLiteral("contact_email")).toString()},
                          {QStringLiteral("md"), sqlQuota(quotas.maxDevices)},
                          {QStringLiteral("mr"), sqlQuota(quotas.maxTelemetryMsgsPerS)},
                          {QStringLiteral("rd"), sqlQuota(quotas.retentionDays)},
                          {QStringLiteral("mm"), sqlQuota(quotas.maxMetrics)},
                          {QStringLiteral("now"), now}});
    if (!ins)
        return fail(ins.error().code == ErrorCode::Conflict ? Error::conflict(QStringLiteral("a tenant named \"%1\" already exists").arg(name)) : ins.error());
    audit(m_db, &who, QStringLiteral("tenant.create"), QStringLiteral("tenant"), id,
          QStringLiteral("tenant \"%1\", plan %2, quotas %3").arg(name, plan, QString::fromUtf8(quotasSummary(quotas))), id);
    qCInfo(lcTenants) << "tenant" << id << "created";
    return get(who, id);
}

Result<Tenant> TenantService::update(const Principal &who, const QString &tenantId, const QJsonObject &patch)
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
    QHash<QString, std::optional<qint64>> quotas; // the quotas the patch sets, by column
    if (patch.contains(QStringLiteral("plan"))) {
        const QString plan = patch.value(QStringLiteral("plan")).toString();
        sets << QStringLiteral("subscription_plan = :p");
        b.insert(QStringLiteral("p"), plan);
        changed << QStringLiteral("plan %1 -> %2").arg(current->plan, plan);
        if (plan != u"custom") {
            const TenantQuotas defaults = planDefaults(plan);
            for (const QString &key : kQuotaKeys)
                quotas.insert(key, defaults.*quotaMember(key));
        }
    }
    const QJsonObject given = patch.value(QStringLiteral("quotas")).toObject();
    for (auto it = given.begin(); it != given.end(); ++it)
        quotas.insert(it.key(), quotaValue(it.value()));
    for (const QString &key : kQuotaKeys) {
        if (!quotas.contains(key))
            continue;
        sets << QStringLiteral("%1 = :%1").arg(key);
        b.insert(key, sqlQuota(quotas.value(key)));
        changed << QStringLiteral("%1 %2 -> %3").arg(key, quotaText(current->quotas.*quotaMember(key)), quotaText(quotas.value(key)));
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

Result<Tenant> TenantService::deactivate(const Principal &who, const QString &tenantId)
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
    if (!current->active)
        return current;
    const qint64 now = Storage::nowMs();
    auto u = m_db.exec(QStringLiteral("UPDATE tenants SET active = FALSE, deactivated_at = :now, updated_at = :now WHERE id = :id"),
                       {{QStringLiteral("now"), now}, {QStringLiteral("id"), tenantId}});
    if (!u)
        return fail(u.error());
    audit(m_db, &who, QStringLiteral("tenant.deactivate"), QStringLiteral("tenant"), tenantId,
          QStringLiteral("tenant \"%1\" deactivated; its users can no longer log in").arg(current->name), tenantId);
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
