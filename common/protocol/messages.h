#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

/// Payload codecs of the device protocol v1. Decoders validate and say what is wrong.
namespace Fleetdeck::Messages {

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
