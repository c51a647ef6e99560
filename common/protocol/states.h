#pragma once

#include <QtCore/QString>
#include <QtCore/QStringView>
#include <array>
#include <optional>

/// The state names the API and the live stream carry, shared by the server and the console so that each is
/// spelled once: a device's lifecycle status and connection, and a command's state.
namespace Fleetdeck::States {

namespace Detail {
template<typename E, size_t N>
std::optional<E> parse(const std::array<QStringView, N> &names, QStringView text)
{
    for (size_t i = 0; i < N; ++i)
        if (names[i] == text)
            return E(i);
    return std::nullopt;
}
} // namespace Detail

/// provisioned -> active (first connection) <-> suspended; decommissioned for good.
enum class DeviceStatus { Provisioned, Active, Suspended, Decommissioned };
inline constexpr std::array<QStringView, 4> kDeviceStatusNames{u"provisioned", u"active", u"suspended", u"decommissioned"};
inline QString name(DeviceStatus s) { return kDeviceStatusNames[size_t(s)].toString(); }
inline std::optional<DeviceStatus> deviceStatus(QStringView text) { return Detail::parse<DeviceStatus>(kDeviceStatusNames, text); }
/// Suspended and decommissioned devices are refused by the broker and get nothing sent.
inline bool isBlocked(DeviceStatus s) { return s == DeviceStatus::Suspended || s == DeviceStatus::Decommissioned; }

enum class Connection { Online, Offline };
inline constexpr std::array<QStringView, 2> kConnectionNames{u"online", u"offline"};
inline QString name(Connection c) { return kConnectionNames[size_t(c)].toString(); }
inline std::optional<Connection> connection(QStringView text) { return Detail::parse<Connection>(kConnectionNames, text); }

/// queued -> sent -> delivered -> succeeded | failed | rejected; timed_out, expired or cancelled on the way.
enum class CommandState { Queued, Sent, Delivered, Succeeded, Failed, Rejected, TimedOut, Expired, Cancelled };
inline constexpr std::array<QStringView, 9> kCommandStateNames{u"queued", u"sent", u"delivered", u"succeeded", u"failed",
                                                               u"rejected", u"timed_out", u"expired", u"cancelled"};
inline QString name(CommandState s) { return kCommandStateNames[size_t(s)].toString(); }
inline std::optional<CommandState> commandState(QStringView text) { return Detail::parse<CommandState>(kCommandStateNames, text); }
/// Nothing moves a command on from a final state.
inline bool isFinal(CommandState s) { return s >= CommandState::Succeeded; }
/// Final, and not what was asked for.
inline bool isFailure(CommandState s) { return s == CommandState::Failed || s == CommandState::Rejected || s == CommandState::TimedOut; }

} // namespace Fleetdeck::States
