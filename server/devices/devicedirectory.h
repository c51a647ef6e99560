#pragma once

#include "core/result.h"
#include "protocol/states.h"

#include <QtCore/QHash>
#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <optional>

namespace Fleetdeck {
namespace Storage { class Database; }

/// What the rest of the server needs to know of a device to route its messages and events: whose it is, its type
/// and tags (rule scopes, group targets), its lifecycle status and connection.
struct DeviceSummary
{
    QString id;
    QString tenantId;
    QString deviceType;
    QString name;   ///< what people call it (empty when not named)
    QStringList tags;
    States::DeviceStatus status = States::DeviceStatus::Provisioned;
    States::Connection connection = States::Connection::Offline;

    bool blocked() const { return States::isBlocked(status); }
};

/// Every device's summary in memory, owned and kept current by DeviceService (the one writer of the devices table)
/// after each commit: the live hub, telemetry, commands and the rule engine look devices up here instead of asking
/// the database on the main thread.
class DeviceDirectory
{
public:
    [[nodiscard]] Status load(Storage::Database &db);
    std::optional<DeviceSummary> find(const QString &deviceId) const;
    /// The tenant a device belongs to, empty when there is no such device.
    QString tenantOf(const QString &deviceId) const;
    qsizetype size() const { return m_devices.size(); }
    /// Every device, by id (for services that build their own per-device state at start).
    const QHash<QString, DeviceSummary> &all() const { return m_devices; }

    void put(const DeviceSummary &d) { m_devices.insert(d.id, d); }
    void setConnection(const QString &deviceId, States::Connection c);

private:
    QHash<QString, DeviceSummary> m_devices;
};

} // namespace Fleetdeck

Q_DECLARE_METATYPE(Fleetdeck::DeviceSummary)
