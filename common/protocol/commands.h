#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>
#include <QtCore/QString>

/// Command and device-twin payloads of the device protocol v1 (docs/device-protocol.md, "Commands" and "Device
/// twin"). Both the server and the simulator compile against these; decoders validate and say what is wrong.
namespace Fleetdeck::Commands {

/// Largest payload of a command (its "payload" object, encoded) the server accepts from an operator.
inline constexpr qsizetype kMaxCommandPayloadBytes = 16 * 1024;
/// Largest reply a device may send.
inline constexpr qsizetype kMaxReplyBytes = 16 * 1024;
/// Largest desired or reported configuration document.
inline constexpr qsizetype kMaxConfigBytes = 64 * 1024;
/// Command types: 1-64 characters of [a-z0-9_.-], starting with a letter.
bool isValidType(QStringView type);

/// devices/{id}/commands/{command_id}, server -> device (QoS 1).
struct CommandMessage
{
    QString commandId;
    QString type;
    QJsonObject payload;
    qint64 expiresAtMs = 0; ///< the device should refuse (reply "rejected") a command it receives after this
    int timeoutS = 0;       ///< the server waits this long after sending for a final reply
};
QByteArray encode(const CommandMessage &m);
[[nodiscard]] Result<CommandMessage> decodeCommand(const QByteArray &payload);

/// devices/{id}/commands/{command_id}/reply, device -> server (QoS 1).
struct Reply
{
    enum class Status { Delivered, Succeeded, Failed, Rejected };
    Status status = Status::Delivered;
    QJsonObject result; ///< optional; what the device wants the operator to see
};
QString statusName(Reply::Status s);
QByteArray encode(const Reply &r);
[[nodiscard]] Result<Reply> decodeReply(const QByteArray &payload);

/// devices/{id}/config/desired (server -> device, retained) and devices/{id}/config/reported (device -> server).
struct ConfigDocument
{
    qint64 version = 0;  ///< desired: the server's version; reported: the desired version the device applied (0: none)
    QJsonObject values;
};
QByteArray encodeDesired(const ConfigDocument &d);
QByteArray encodeReported(const ConfigDocument &d);
[[nodiscard]] Result<ConfigDocument> decodeDesired(const QByteArray &payload);
[[nodiscard]] Result<ConfigDocument> decodeReported(const QByteArray &payload);

/// Keys whose desired value differs from the reported one (missing on the device included), with the desired value.
QJsonObject configDelta(const QJsonObject &desired, const QJsonObject &reported);

} // namespace Fleetdeck::Commands
