#include "commands/commandstate.h"

namespace Fleetdeck::CommandState {

namespace {

constexpr Step move(State to, bool sentFirst = false) { return {Step::Kind::Move, to, sentFirst}; }
constexpr Step ignore() { return {}; }

} // namespace

Step next(State from, bool publishing, Event e)
{
    if (isFinal(from)) {
        switch (e) {
        case Event::Delivered:
        case Event::Succeeded:
        case Event::Failed:
        case Event::Rejected:
            return {Step::Kind::Late, from};
        case Event::Cancel:
            return {Step::Kind::Refuse, from};
        default:
            return ignore();
        }
    }
    const bool queued = from == State::Queued;
    switch (e) {
    case Event::Published:
        // "sent" means the broker has it. A PUBACK for a command that a reply has already moved on is nothing.
        return queued && publishing ? move(State::Sent) : ignore();
    case Event::LinkLost:
        // A publish without its PUBACK may not have reached the broker: it goes again (the device knows it by id).
        return queued && publishing ? Step{Step::Kind::Requeue, State::Queued} : ignore();
    case Event::Delivered:
        // A reply can overtake its PUBACK, or come for a publish that lost its PUBACK with the link: the device
        // has the command, so it was sent. A second "delivered" changes nothing.
        if (queued)
            return move(State::Delivered, true);
        return from == State::Sent ? move(State::Delivered) : ignore();
    case Event::Succeeded:
        return move(State::Succeeded, queued);
    case Event::Failed:
        return move(State::Failed, queued);
    case Event::Rejected:
        return move(State::Rejected, queued);
    case Event::Timeout:
        // The timeout runs from the send; delivery does not stop it.
        return from == State::Sent || from == State::Delivered ? move(State::TimedOut) : ignore();
    case Event::TtlExpired:
        // Only while it waits: once published, the device decides (it refuses a command received after expires_at).
        return queued && !publishing ? move(State::Expired) : ignore();
    case Event::Cancel:
        return move(State::Cancelled);
    }
    return ignore();
}

} // namespace Fleetdeck::CommandState
