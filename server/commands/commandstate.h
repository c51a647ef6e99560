#pragma once

#include "protocol/states.h"

#include <QtCore/QString>
#include <QtCore/QStringView>
#include <optional>

/// The command state machine: which event moves a command from which state, and where. Pure: no database, no
/// timers; CommandService asks it before every move and does the bookkeeping (queues, window, rows) itself.
namespace Fleetdeck::CommandState {

/// The states the API names (common/protocol/states.h, shared with the console), in this order in the health
/// document and in the job counts; the final states last.
using State = States::CommandState;
inline constexpr int kStates = int(States::kCommandStateNames.size());

/// The stored name ("queued", "timed_out", ...).
using States::name;
inline std::optional<State> fromName(QStringView name) { return States::commandState(name); }
using States::isFinal;

enum class Event {
    Published,   ///< the broker's PUBACK for the command's publish
    LinkLost,    ///< the broker link went down while the publish waited for its PUBACK
    Delivered,   ///< the device's replies, one event per reply status
    Succeeded,
    Failed,
    Rejected,
    Timeout,     ///< timeout_s passed since it was sent
    TtlExpired,  ///< its ttl passed
    Cancel,      ///< by an operator, or because the device was decommissioned
};

/// What an event does to a command.
struct Step
{
    enum class Kind {
        Move,     ///< to `to` (stored and announced)
        Requeue,  ///< back to the front of its device's queue, still queued: to be published again
        Ignore,   ///< nothing: a repeated "delivered", a deadline the command has moved past
        Late,     ///< the command is final: a reply to it is kept beside it and counted, not applied
        Refuse,   ///< the command is final: a cancel is refused
    };
    Kind kind = Kind::Ignore;
    State to = State::Queued;
    /// A reply to a command still queued: the device has it, so it is first recorded as sent (stored, not
    /// announced) and then moves to `to`.
    bool sentFirst = false;

    friend bool operator==(const Step &, const Step &) = default;
};

/// The step `e` makes from `from`. `publishing`: a queued command whose publish waits for its PUBACK (it has left
/// its device's queue); meaningless in any other state.
Step next(State from, bool publishing, Event e);

} // namespace Fleetdeck::CommandState
