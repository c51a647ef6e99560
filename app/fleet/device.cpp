#include "device.h"

#include "protocol/states.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

// The console's enums extend the protocol's with "unknown" (a value this console does not know yet), in the same
// order, so they convert by position.
static_assert(int(Device::Status::Decommissioned) == int(Fleetdeck::States::DeviceStatus::Decommissioned));
static_assert(int(Device::Connection::Offline) == int(Fleetdeck::States::Connection::Offline));

Device::Status deviceStatusFromString(const QString &s)
{
    const auto status = Fleetdeck::States::deviceStatus(s);
    return status ? Device::Status(int(*status)) : Device::Status::Unknown;
}

QString deviceStatusKey(Device::Status status)
{
    if (status == Device::Status::Unknown)
        return u"unknown"_s;
    return Fleetdeck::States::name(Fleetdeck::States::DeviceStatus(int(status)));
}

QString deviceConnectionKey(Device::Connection connection)
{
    if (connection == Device::Connection::Unknown)
        return u"unknown"_s;
    return Fleetdeck::States::name(Fleetdeck::States::Connection(int(connection)));
}

Device::Connection deviceConnectionFromString(const QString &s)
{
    const auto c = Fleetdeck::States::connection(s);
    return c ? Device::Connection(int(*c)) : Device::Connection::Unknown;
}

void Device::buildSearchText()
{
    QStringList parts{deviceId, tenantId, serialNumber, deviceType, name, statusText, firmwareVersion};
    parts << deviceConnectionKey(connection);
    parts << tags;
    searchText = parts.join(u'\x1f').toLower();
}

std::expected<Device, QString> parseDevice(const QJsonObject &o)
{
    Device d;
    d.deviceId = o.value(u"device_id"_s).toString();
    if (d.deviceId.isEmpty())
        return std::unexpected(u"device without device_id"_s);
    d.tenantId = o.value(u"tenant_id"_s).toString();
    d.serialNumber = o.value(u"serial_number"_s).toString();
    d.deviceType = o.value(u"device_type"_s).toString();
    d.name = o.value(u"name"_s).toString();
    d.statusText = o.value(u"status"_s).toString();
    d.status = deviceStatusFromString(d.statusText);
    d.connection = deviceConnectionFromString(o.value(u"connection"_s).toString());
    const QJsonValue lastSeen = o.value(u"last_seen_at"_s);
    if (lastSeen.isString())
        d.lastSeenAt = QDateTime::fromString(lastSeen.toString(), Qt::ISODateWithMs);
    const QJsonValue firmware = o.value(u"firmware_version"_s);
    if (firmware.isString())
        d.firmwareVersion = firmware.toString();
    const QJsonArray tags = o.value(u"tags"_s).toArray();
    for (const QJsonValue &t : tags) {
        if (t.isString())
            d.tags << t.toString();
    }
    d.metadata = o.value(u"metadata"_s).toObject();
    d.createdAt = QDateTime::fromString(o.value(u"created_at"_s).toString(), Qt::ISODateWithMs);
    d.buildSearchText();
    return d;
}

std::expected<DevicePage, QString> parseDevicePage(const QJsonDocument &document)
{
    if (!document.isObject())
        return std::unexpected(u"device list is not a JSON object"_s);
    const QJsonObject o = document.object();
    const QJsonValue items = o.value(u"items"_s);
    if (!items.isArray())
        return std::unexpected(u"device list has no items array"_s);
    DevicePage page;
    const QJsonArray array = items.toArray();
    page.items.reserve(array.size());
    for (const QJsonValue &v : array) {
        auto device = parseDevice(v.toObject());
        if (device)
            page.items.append(std::move(*device));
        else
            ++page.skipped;
    }
    const QJsonValue cursor = o.value(u"next_cursor"_s);
    if (cursor.isString())
        page.nextCursor = cursor.toString();
    return page;
}
