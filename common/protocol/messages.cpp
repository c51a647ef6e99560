#include "protocol/messages.h"

#include "core/jsonutil.h"

#include <QtCore/QJsonObject>

namespace Fleetdeck::Messages {

QByteArray encode(const DeviceStatus &s)
{
    QJsonObject o{{QStringLiteral("state"),
                   s.state == DeviceStatus::State::Online ? QStringLiteral("online") : QStringLiteral("offline")}};
    if (!s.firmwareVersion.isEmpty())
        o.insert(QStringLiteral("firmware_version"), s.firmwareVersion);
    return Json::compact(o);
}

Result<DeviceStatus> decodeStatus(const QByteArray &payload)
{
    if (payload.size() > kMaxStatusBytes)
        return fail(Error::tooLarge(QStringLiteral("status payload of %1 bytes exceeds %2").arg(payload.size()).arg(kMaxStatusBytes)));
    auto obj = Json::parseObject(payload);
    if (!obj)
        return fail(obj.error());
    DeviceStatus s;
    const QJsonValue state = obj->value(QStringLiteral("state"));
    if (state == QStringLiteral("online"))
        s.state = DeviceStatus::State::Online;
    else if (state == QStringLiteral("offline"))
        s.state = DeviceStatus::State::Offline;
    else
        return fail(Error::invalid(QStringLiteral("\"state\" must be \"online\" or \"offline\"")));
    const QJsonValue fw = obj->value(QStringLiteral("firmware_version"));
    if (!fw.isUndefined() && !fw.isNull()) {
        if (!fw.isString() || fw.toString().size() > 64)
            return fail(Error::invalid(QStringLiteral("\"firmware_version\" must be a string of at most 64 characters")));
        s.firmwareVersion = fw.toString();
    }
    return s;
}

} // namespace Fleetdeck::Messages
