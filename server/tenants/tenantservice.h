#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "tenants/tenant.h"

#include <QtCore/QJsonObject>
#include <QtCore/QList>

namespace Fleetdeck {
namespace Storage { class Database; }

/// Tenants (organisations) with a subscription plan and its quotas. Managed by platform admins; every user may
/// read their own tenant. Quotas: `max_devices` is enforced at device registration (checkDeviceQuota);
/// `max_telemetry_msgs_per_s` is stored and shown here and enforced by the telemetry pipeline; `retention_days`
/// is stored for the retention job. null = no limit.
class TenantService
{
public:
    explicit TenantService(Storage::Database &db);

    /// Every tenant, oldest first.
    [[nodiscard]] Result<QList<Tenant>> list(const Principal &who);
    [[nodiscard]] Result<Tenant> get(const Principal &who, const QString &tenantId);
    /// `{"name","contact_email","plan","quotas":{...}}` (the request body); quotas default to the plan's.
    [[nodiscard]] Result<Tenant> create(const Principal &who, const QJsonObject &body);
    /// `{"name","contact_email","plan","quotas","active"}`.
    [[nodiscard]] Result<Tenant> update(const Principal &who, const QString &tenantId, const QJsonObject &patch);
    /// Its users can no longer log in or use tokens; its data stays. Reactivate with PATCH {"active": true}.
    [[nodiscard]] Result<Tenant> deactivate(const Principal &who, const QString &tenantId);

    /// For X-Fleetdeck-Tenant: platform admins may act in any existing tenant, others only in their own.
    [[nodiscard]] Result<QString> selectTenant(const Principal &who, const QString &requested);

    /// The built-in plans and their default quotas.
    static TenantQuotas planDefaults(const QString &plan);
    static QStringList planNames();

private:
    Storage::Database &m_db;
};

namespace Tenants {
/// Whether the tenant may register one more device: active, and under `max_devices` (decommissioned devices do not
/// count). Refusals are Conflict (409) with a detail naming the limit.
[[nodiscard]] Status checkDeviceQuota(Storage::Database &db, const QString &tenantId);
/// What the telemetry pipeline enforces of a tenant's quotas; 0 = no limit.
struct TelemetryQuotas
{
    qint64 msgsPerS = 0;
    qint64 maxMetrics = 0; ///< distinct metric names the tenant's devices may send
};
[[nodiscard]] Result<TelemetryQuotas> telemetryQuotas(Storage::Database &db, const QString &tenantId);
} // namespace Tenants

} // namespace Fleetdeck
