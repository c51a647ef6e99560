#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <optional>

namespace Fleetdeck {

/// What the telemetry readers (history, tenant latest) need to know of a device: kept by the ingest, which learns
/// the registry's changes from the event stream, so a query never asks the devices table.
struct TelemetryDevice
{
    QString tenantId;
    QString deviceType;
    qint64 key = 0; ///< its telemetry_devices key; 0 until its first reading
};

class TelemetryDirectory
{
public:
    virtual ~TelemetryDirectory() = default;
    virtual std::optional<TelemetryDevice> device(const QString &deviceId) const = 0;
    /// Only the key (0: unknown, or no reading yet), for loops over a whole tenant.
    virtual qint64 deviceKey(const QString &deviceId) const = 0;
    /// The ids of a tenant's devices in id order (for paginating).
    virtual const QStringList &tenantDevices(const QString &tenantId) const = 0;
};

} // namespace Fleetdeck
