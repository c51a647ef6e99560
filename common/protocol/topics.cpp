#include "protocol/topics.h"

#include <QtCore/QList>

namespace Fleetdeck::Topics {

namespace {
QString base(const QString &id) { return QStringLiteral("devices/") + id; }
}

QString status(const QString &id) { return base(id) + QStringLiteral("/status"); }
QString telemetry(const QString &id) { return base(id) + QStringLiteral("/telemetry"); }
QString telemetryAck(const QString &id) { return base(id) + QStringLiteral("/telemetry/ack"); }
QString command(const QString &id, const QString &cid) { return base(id) + QStringLiteral("/commands/") + cid; }
QString commandReply(const QString &id, const QString &cid) { return command(id, cid) + QStringLiteral("/reply"); }
QString configDesired(const QString &id) { return base(id) + QStringLiteral("/config/desired"); }
QString configReported(const QString &id) { return base(id) + QStringLiteral("/config/reported"); }
QString firmwareJob(const QString &id) { return base(id) + QStringLiteral("/firmware/job"); }
QString firmwareProgress(const QString &id) { return base(id) + QStringLiteral("/firmware/progress"); }
QString deviceFilter(const QString &id) { return base(id) + QStringLiteral("/#"); }

QString allDevices(Kind kind)
{
    const QString any = QStringLiteral("+");
    switch (kind) {
    case Kind::Status: return status(any);
    case Kind::Telemetry: return telemetry(any);
    case Kind::TelemetryAck: return telemetryAck(any);
    case Kind::Command: return command(any, any);
    case Kind::CommandReply: return commandReply(any, any);
    case Kind::ConfigDesired: return configDesired(any);
    case Kind::ConfigReported: return configReported(any);
    case Kind::FirmwareJob: return firmwareJob(any);
    case Kind::FirmwareProgress: return firmwareProgress(any);
    }
    return {};
}

bool isValidDeviceId(QStringView id)
{
    if (id.size() != 36)
        return false;
    for (qsizetype i = 0; i < id.size(); ++i) {
        const QChar c = id[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != u'-')
                return false;
        } else if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'))) {
            return false;
        }
    }
    return true;
}

std::optional<Parsed> parse(QStringView topic)
{
    const QList<QStringView> parts = topic.split(u'/');
    if (parts.size() < 3 || parts[0] != kRoot || !isValidDeviceId(parts[1]))
        return std::nullopt;
    Parsed p{parts[1].toString(), Kind::Status, {}};
    const QStringView a = parts[2];
    const QStringView b = parts.size() > 3 ? parts[3] : QStringView();
    if (parts.size() == 3 && a == u"status")
        p.kind = Kind::Status;
    else if (parts.size() == 3 && a == u"telemetry")
        p.kind = Kind::Telemetry;
    else if (parts.size() == 4 && a == u"telemetry" && b == u"ack")
        p.kind = Kind::TelemetryAck;
    else if ((parts.size() == 4 || parts.size() == 5) && a == u"commands" && !b.isEmpty()) {
        if (parts.size() == 5 && parts[4] != u"reply")
            return std::nullopt;
        p.kind = parts.size() == 4 ? Kind::Command : Kind::CommandReply;
        p.commandId = b.toString();
    } else if (parts.size() == 4 && a == u"config" && b == u"desired")
        p.kind = Kind::ConfigDesired;
    else if (parts.size() == 4 && a == u"config" && b == u"reported")
        p.kind = Kind::ConfigReported;
    else if (parts.size() == 4 && a == u"firmware" && b == u"job")
        p.kind = Kind::FirmwareJob;
    else if (parts.size() == 4 && a == u"firmware" && b == u"progress")
        p.kind = Kind::FirmwareProgress;
    else
        return std::nullopt;
    return p;
}

} // namespace Fleetdeck::Topics
