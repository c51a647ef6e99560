#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

/// Payload codecs of the device protocol v1. Decoders validate and say what is wrong.
namespace Fleetdeck::Messages {

/// The largest payload a device may publish: the telemetry cap (Telemetry::Limits); every other device message is
/// smaller. The embedded broker's plugin refuses and counts anything larger before it reaches anyone.
inline constexpr qsizetype kMaxDevicePayloadBytes = 256 * 1024;
/// The largest MQTT packet a device's legal message makes: the payload with room for topic and headers. The
/// server's link skips (acknowledges, counts) anything larger that an external broker still delivers.
inline constexpr qsizetype kMaxDevicePacketBytes = kMaxDevicePayloadBytes + 1024;
/// The embedded broker's hard cap (max_packet_size, also on the server's own publishes): a device sending a larger
/// packet is disconnected before the broker reads it.
inline constexpr qsizetype kMaxBrokerPacketBytes = 1024 * 1024;

/// Largest status payload the server accepts; a status message is a few dozen bytes.
inline constexpr qsizetype kMaxStatusBytes = 4096;

struct DeviceStatus
{
    enum class State { Online, Offline };
    State state = State::Offline;
    QString firmwareVersion; ///< empty when the device did not say
};

QByteArray encode(const DeviceStatus &s);
[[nodiscard]] Result<DeviceStatus> decodeStatus(const QByteArray &payload);

} // namespace Fleetdeck::Messages
