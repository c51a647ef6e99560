#include "devices/devicedirectory.h"

#include "storage/database.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcDevices)

namespace Fleetdeck {

Status DeviceDirectory::load(Storage::Database &db)
{
    auto q = db.exec(QStringLiteral("SELECT id, tenant_id, device_type, status, connection, tags, name FROM devices"));
    if (!q)
        return fail(q.error());
    QHash<QString, DeviceSummary> devices;
    while (q->next()) {
        DeviceSummary d;
        d.id = q->value(0).toString();
        d.tenantId = q->value(1).toString();
        d.deviceType = q->value(2).toString();
        const auto status = States::deviceStatus(q->value(3).toString());
        if (!status) // the schema's CHECK keeps this from happening; a device of unknown status is kept away
            qCWarning(lcDevices) << "device" << d.id << "has an unknown status" << q->value(3).toString() << "; treated as suspended";
        d.status = status.value_or(States::DeviceStatus::Suspended);
        d.connection = States::connection(q->value(4).toString()).value_or(States::Connection::Offline);
        for (const QJsonValue &t : QJsonDocument::fromJson(q->value(5).toString().toUtf8()).array())
            d.tags << t.toString();
        d.name = q->value(6).toString();
        devices.insert(d.id, d);
    }
    m_devices = std::move(devices);
    return {};
}

std::optional<DeviceSummary> DeviceDirectory::find(const QString &deviceId) const
{
    const auto it = m_devices.constFind(deviceId);
    if (it == m_devices.cend())
        return std::nullopt;
    return *it;
}

QString DeviceDirectory::tenantOf(const QString &deviceId) const
{
    const auto it = m_devices.constFind(deviceId);
    return it == m_devices.cend() ? QString() : it->tenantId;
}

void DeviceDirectory::setConnection(const QString &deviceId, States::Connection c)
{
    if (auto it = m_devices.find(deviceId); it != m_devices.end())
        it->connection = c;
}

} // namespace Fleetdeck
