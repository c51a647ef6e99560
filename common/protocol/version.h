#pragma once

namespace Fleetdeck {
inline constexpr char kProductVersion[] = "0.1.0";
/// Device protocol version (docs/device-protocol.md). Topics and payloads only ever grow.
inline constexpr int kDeviceProtocolVersion = 1;
}
