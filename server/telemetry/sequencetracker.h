#pragma once

#include <QtCore/QtGlobal>
#include <optional>
#include <set>

namespace Fleetdeck {

/// One device's telemetry sequence on the server: which seqs are handled (stored or refused), which of them are
/// durably committed, and the gaps in between. "ack N" tells the device that everything up to N is durable, so the
/// acknowledged mark only ever moves over a contiguous run of handled seqs; a message beyond a gap is stored but held
/// "ahead" until the device has resent the missing one or clearly does not have it.
///
/// Plain state with no clock, no database and no event loop: the ingest owns one per device and asks it.
class SequenceTracker
{
public:
    SequenceTracker() = default;
    /// Starts from the last seq stored for the device (0: it never sent anything).
    explicit SequenceTracker(qint64 storedSeq) : m_accepted(storedSeq), m_committed(storedSeq) {}

    /// Every seq up to this one is handled (taken into a batch or refused): contiguous.
    qint64 accepted() const { return m_accepted; }
    /// Every seq up to this one is durable: what the ack says.
    qint64 committed() const { return m_committed; }
    /// Batches holding messages of this device that are not committed yet.
    int inFlight() const { return m_inFlight; }
    /// Seqs handled beyond a gap, waiting for the missing ones.
    const std::set<qint64> &ahead() const { return m_ahead; }
    bool hasGap() const { return !m_ahead.empty(); }

    /// The device's stored progress became known later (its key was made): never moves backwards.
    void restore(qint64 storedSeq)
    {
        m_accepted = std::max(m_accepted, storedSeq);
        m_committed = std::max(m_committed, storedSeq);
    }

    /// A message with this seq was handled before (at or below the mark, or held ahead): a re-send.
    bool isDuplicate(qint64 seq) const { return seq > 0 && (seq <= m_accepted || m_ahead.count(seq) > 0); }

    /// The device came online (a live status, not a replay) at `atMs`: its next message is the oldest it holds.
    void startSession(qint64 atMs)
    {
        m_sessionStartMs = atMs;
        m_freshSession = true;
    }

    struct Taken
    {
        /// The first message of a session was beyond the mark: the device's counter jumped (a restart) and the mark
        /// moved to just below it. Holds the mark it jumped from.
        std::optional<qint64> jumpedFrom;
        bool heldAhead = false; ///< beyond a gap: handled, not yet acknowledged
    };
    /// Takes `seq` (> 0) as handled: the mark moves over it and whatever it joins up with, or it is held ahead.
    Taken take(qint64 seq);

    /// A batch with messages of this device went to the writer.
    void batchQueued() { ++m_inFlight; }
    /// A batch committed this device's messages up to `lastSeq` (the accepted mark when the batch was made).
    void batchCommitted(qint64 lastSeq)
    {
        m_committed = std::max(m_committed, lastSeq);
        m_inFlight = std::max(0, m_inFlight - 1);
    }

    /// A device resends its oldest unacknowledged message first after it connects; a gap still open 30 s into a
    /// session (or one holding 100,000 messages) is one the device cannot fill: its counter jumped.
    static constexpr qint64 kGapPatienceMs = 30000;
    static constexpr size_t kMaxHeldAhead = 100000;
    struct Skipped
    {
        qint64 from = 0; ///< first missing seq
        qint64 to = 0;   ///< last missing seq
    };
    /// Gives up on the gap when it is stale at `nowMs`: the mark moves past it. Nothing when there is no gap or it
    /// may still be filled.
    std::optional<Skipped> closeStaleGap(qint64 nowMs);

private:
    qint64 m_accepted = 0;
    qint64 m_committed = 0;
    int m_inFlight = 0;
    std::set<qint64> m_ahead;
    qint64 m_sessionStartMs = 0; ///< 0 = not seen online since the server started
    bool m_freshSession = false; ///< came online and has sent nothing since
};

} // namespace Fleetdeck
