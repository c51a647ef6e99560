#pragma once

#include <QtCore/QString>
#include <optional>

/// Topic builders and parsers for the device protocol v1 (docs/device-protocol.md). Defined once, used by
/// server, simulator and tests.
namespace Fleetdeck::Topics {

enum class Kind {
    Status,            ///< devices/{id}/status (retained; also the will)
    Telemetry,         ///< devices/{id}/telemetry
    TelemetryAck,      ///< devices/{id}/telemetry/ack
    Command,           ///< devices/{id}/commands/{command_id}
    CommandReply,      ///< devices/{id}/commands/{command_id}/reply
    ConfigDesired,     ///< devices/{id}/config/desired
    ConfigReported,    ///< devices/{id}/config/reported
    FirmwareJob,       ///< devices/{id}/firmware/job
    FirmwareProgress,  ///< devices/{id}/firmware/progress
};

struct Parsed
{
    QString deviceId;
    Kind kind;
    QString commandId; ///< only for Command / CommandReply
};

inline constexpr QStringView kRoot = u"devices";

QString status(const QString &deviceId);
QString telemetry(const QString &deviceId);
QString telemetryAck(const QString &deviceId);
QString command(const QString &deviceId, const QString &commandId);
QString commandReply(const QString &deviceId, const QString &commandId);
QString configDesired(const QString &deviceId);
QString configReported(const QString &deviceId);
QString firmwareJob(const QString &deviceId);
QString firmwareProgress(const QString &deviceId);
/// Everything of one device: the filter a device subscribes to, and the ACL the broker enforces.
QString deviceFilter(const QString &deviceId);
/// What the server subscribes to for a given kind across all devices ("devices/+/status").
QString allDevices(Kind kind);

/// Parses a concrete topic; nullopt for anything that is not a known device-protocol topic.
std::optional<Parsed> parse(QStringView topic);

/// Device ids are lower-case UUIDs (8-4-4-4-12 hex).
bool isValidDeviceId(QStringView id);

} // namespace Fleetdeck::Topics
