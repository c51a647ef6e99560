#pragma once

#include <QtCore/QString>
#include <optional>

/// The tenants area's values as TenantService gives them: no JSON shapes of the API here (those are
/// api/adminapi.cpp's).
namespace Fleetdeck {

/// A tenant's limits; an unset one is no limit.
struct TenantQuotas
{
    std::optional<qint64> maxDevices;           ///< enforced at device registration (decommissioned ones do not count)
    std::optional<qint64> maxTelemetryMsgsPerS; ///< enforced by the telemetry pipeline
    std::optional<qint64> retentionDays;        ///< raw telemetry kept this long (retention's default when unset)
    std::optional<qint64> maxMetrics;           ///< distinct metric names the tenant's devices may send
};

/// What a tenant uses of its quotas now.
struct TenantUsage
{
    qint64 devices = 0;  ///< not decommissioned
    qint64 users = 0;
    qint64 metrics = 0;  ///< distinct metric names stored for its devices
};

/// A tenant (organisation) with its subscription plan.
struct Tenant
{
    QString id;
    QString name;
    QString contactEmail;  ///< empty when none
    QString plan;          ///< free | standard | enterprise | custom
    TenantQuotas quotas;
    bool active = true;
    qint64 createdMs = 0;
    std::optional<qint64> updatedMs;
    std::optional<qint64> deactivatedMs; ///< unset while active
    TenantUsage usage;
};

} // namespace Fleetdeck
