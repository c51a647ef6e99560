#pragma once

#include "auth/principal.h"
#include "core/result.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>

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

    [[nodiscard]] Result<QJsonArray> list(const Principal &who);
    [[nodiscard]] Result<QJsonObject> get(const Principal &who, const QString &tenantId);
    /// `{"name","contact_email","plan","quotas":{...}}`; quotas default to the plan's.
    [[nodiscard]] Result<QJsonObject> create(const Principal &who, const QJsonObject &body);
    /// `{"name","contact_email","plan","quotas","active"}`.
    [[nodiscard]] Result<QJsonObject> update(const Principal &who, const QString &tenantId, const QJsonObject &patch);
    /// Its users can no longer log in or use tokens; its data stays. Reactivate with PATCH {"active": true}.
    [[nodiscard]] Result<QJsonObject> deactivate(const Principal &who, const QString &tenantId);

    /// For X-Fleetdeck-Tenant: platform admins may act in any existing tenant, others only in their own.
    [[nodiscard]] Result<QString> selectTenant(const Principal &who, const QString &requested);

    /// The built-in plans and their default quotas.
    static QJsonObject planDefaults(const QString &plan);
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
