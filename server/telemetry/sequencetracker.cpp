#include "telemetry/sequencetracker.h"

namespace Fleetdeck {

SequenceTracker::Taken SequenceTracker::take(qint64 seq)
{
    Taken out;
    // A device resends what it holds oldest first after it comes online. So when the first message of a session is
    // beyond the mark, the device has nothing below it: its counter jumped (a restart; the simulator counts from the
    // clock), and waiting 30 s for a resend that cannot come would only hold its acks.
    const bool firstOfSession = m_freshSession;
    m_freshSession = false;
    if (firstOfSession && m_accepted > 0 && seq > m_accepted + 1) {
        out.jumpedFrom = m_accepted;
        m_accepted = seq - 1;
    }
    if (seq == m_accepted + 1 || m_accepted == 0) {
        // The next one (or the first ever): the contiguous mark moves, through whatever was held ahead of a gap.
        m_accepted = std::max(m_accepted, seq);
        while (!m_ahead.empty() && *m_ahead.begin() <= m_accepted + 1) {
            m_accepted = std::max(m_accepted, *m_ahead.begin());
            m_ahead.erase(m_ahead.begin());
        }
        return out;
    }
    // A gap: a lower seq is missing (e.g. it was in this server's memory when it died, and the broker delivered later
    // messages first). Stored now, acknowledged once the device has resent the missing one.
    m_ahead.insert(seq);
    out.heldAhead = true;
    return out;
}

std::optional<SequenceTracker::Skipped> SequenceTracker::closeStaleGap(qint64 nowMs)
{
    if (m_ahead.empty())
        return std::nullopt;
    const bool stale = m_sessionStartMs > 0 && nowMs - m_sessionStartMs > kGapPatienceMs;
    if (!stale && m_ahead.size() < kMaxHeldAhead)
        return std::nullopt;
    const Skipped skipped{m_accepted + 1, *m_ahead.begin() - 1};
    m_accepted = *m_ahead.begin() - 1;
    take(*m_ahead.begin());
    return skipped;
}

} // namespace Fleetdeck
