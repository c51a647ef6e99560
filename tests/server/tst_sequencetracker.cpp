// The telemetry sequence on its own, without a server: what is a re-send, when the acknowledged mark moves, what is
// held ahead of a gap, how a counter jump at reconnect and a stale gap are settled, and that commits never move
// the ack backwards or beyond what was handled.
#include "telemetry/sequencetracker.h"

#include <QtTest/QtTest>

using namespace Fleetdeck;

class TestSequenceTracker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theFirstEverMessageSetsTheMark()
    {
        SequenceTracker t;
        QVERIFY(!t.isDuplicate(57));
        const auto taken = t.take(57); // a device's counter may start anywhere
        QVERIFY(!taken.heldAhead);
        QVERIFY(!taken.jumpedFrom);
        QCOMPARE(t.accepted(), 57);
        QCOMPARE(t.committed(), 0); // handled is not durable
        QVERIFY(t.isDuplicate(57));
        QVERIFY(t.isDuplicate(1));
        QVERIFY(!t.isDuplicate(0)); // no seq: cannot be a re-send
    }

    void aGapHoldsWhatIsBeyondItUntilItFills()
    {
        SequenceTracker t(10);
        QCOMPARE(t.accepted(), 10);
        QCOMPARE(t.committed(), 10);
        QVERIFY(t.take(11).heldAhead == false);
        QVERIFY(t.take(13).heldAhead);
        QVERIFY(t.take(14).heldAhead);
        QCOMPARE(t.accepted(), 11); // 12 is missing: "ack 14" would claim it
        QVERIFY(t.hasGap());
        QVERIFY(t.isDuplicate(13)); // held ahead counts as handled
        QVERIFY(!t.isDuplicate(12));
        QVERIFY(!t.take(12).heldAhead);
        QCOMPARE(t.accepted(), 14); // joined up with everything held
        QVERIFY(!t.hasGap());
    }

    void aSecondGapStaysHeldWhenTheFirstFills()
    {
        SequenceTracker t(1);
        t.take(3);
        t.take(6);
        t.take(2);
        QCOMPARE(t.accepted(), 3);
        QCOMPARE(t.ahead().size(), size_t(1));
        QCOMPARE(*t.ahead().begin(), 6);
    }

    void aCounterThatJumpsAtTheStartOfASessionMovesTheMarkAtOnce()
    {
        SequenceTracker t(100);
        t.startSession(1000);
        const auto taken = t.take(5000); // a restarted device: nothing below it is coming
        QVERIFY(taken.jumpedFrom);
        QCOMPARE(*taken.jumpedFrom, 100);
        QVERIFY(!taken.heldAhead);
        QCOMPARE(t.accepted(), 5000);
        // Later in the same session a gap is a gap again.
        QVERIFY(t.take(5002).heldAhead);
        QCOMPARE(t.accepted(), 5000);
    }

    void aJumpAtTheStartOfASessionTakesWhatWasHeldAheadAlong()
    {
        SequenceTracker t(10);
        t.take(15); // held: 11-14 missing
        t.startSession(1000);
        t.take(16); // the session starts beyond the mark: the counter jumped, 11-14 are not coming
        QCOMPARE(t.accepted(), 16);
        QVERIFY(!t.hasGap());
    }

    void theNextMessageOfASessionIsNoJump()
    {
        SequenceTracker t(100);
        t.startSession(1000);
        const auto taken = t.take(101);
        QVERIFY(!taken.jumpedFrom);
        QCOMPARE(t.accepted(), 101);
    }

    void aStaleGapIsSkippedOnlyAfterThePatienceOfASession()
    {
        SequenceTracker t(10);
        t.take(15);
        QVERIFY(!t.closeStaleGap(1'000'000)); // never seen online: the device may still resend
        t.startSession(1000);
        t.take(11); // the session's first message is the oldest the device holds: 12 to 14 are not coming soon
        t.take(16);
        QCOMPARE(t.accepted(), 11);
        QVERIFY(!t.closeStaleGap(1000 + SequenceTracker::kGapPatienceMs)); // not past 30 s yet
        const auto skipped = t.closeStaleGap(1001 + SequenceTracker::kGapPatienceMs);
        QVERIFY(skipped);
        QCOMPARE(skipped->from, 12);
        QCOMPARE(skipped->to, 14);
        QCOMPARE(t.accepted(), 16);
        QVERIFY(!t.hasGap());
        QVERIFY(!t.closeStaleGap(10'000'000)); // nothing left to skip
    }

    void tooMuchHeldAheadIsSkippedWithoutWaiting()
    {
        SequenceTracker t(1);
        for (qint64 s = 3; s < 3 + qint64(SequenceTracker::kMaxHeldAhead); ++s)
            t.take(s);
        QCOMPARE(t.ahead().size(), SequenceTracker::kMaxHeldAhead);
        const auto skipped = t.closeStaleGap(0);
        QVERIFY(skipped);
        QCOMPARE(skipped->from, 2);
        QCOMPARE(skipped->to, 2);
        QCOMPARE(t.accepted(), 2 + qint64(SequenceTracker::kMaxHeldAhead));
    }

    void commitsMoveTheAckForwardOnly()
    {
        SequenceTracker t(5);
        t.take(6);
        t.batchQueued();
        t.take(7);
        t.batchQueued();
        QCOMPARE(t.inFlight(), 2);
        t.batchCommitted(7); // batches may commit in any order of their marks
        t.batchCommitted(6);
        QCOMPARE(t.committed(), 7);
        QCOMPARE(t.inFlight(), 0);
        t.batchCommitted(3);
        QCOMPARE(t.inFlight(), 0); // never negative
        QCOMPARE(t.committed(), 7);
    }

    void restoredProgressNeverMovesBackwards()
    {
        SequenceTracker t(50);
        t.restore(20);
        QCOMPARE(t.accepted(), 50);
        QCOMPARE(t.committed(), 50);
        t.restore(60);
        QCOMPARE(t.accepted(), 60);
        QCOMPARE(t.committed(), 60);
    }
};

QTEST_APPLESS_MAIN(TestSequenceTracker)
#include "tst_sequencetracker.moc"
