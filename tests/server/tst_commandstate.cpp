// The command state machine on its own: for every state (a queued command both waiting and publishing) and every
// event, the step it makes, written down here from the contract in docs/device-protocol.md §8 and
// docs/architecture.md, not from commandstate.cpp; the stored names and their round trip; final states take nothing.
#include "commands/commandstate.h"

#include <QtTest/QtTest>

using namespace Fleetdeck;
using CommandState::Event;
using CommandState::State;
using CommandState::Step;

Q_DECLARE_METATYPE(Fleetdeck::CommandState::State)
Q_DECLARE_METATYPE(Fleetdeck::CommandState::Event)

namespace {

const QList<std::pair<Event, const char *>> kEvents{
    {Event::Published, "puback"}, {Event::LinkLost, "link_lost"}, {Event::Delivered, "reply_delivered"},
    {Event::Succeeded, "reply_succeeded"}, {Event::Failed, "reply_failed"}, {Event::Rejected, "reply_rejected"},
    {Event::Timeout, "timeout"}, {Event::TtlExpired, "ttl_expired"}, {Event::Cancel, "cancel"},
};

const QList<State> kFinal{State::Succeeded, State::Failed, State::Rejected, State::TimedOut, State::Expired, State::Cancelled};

bool isReply(Event e) { return e == Event::Delivered || e == Event::Succeeded || e == Event::Failed || e == Event::Rejected; }

/// A step as a sentence, so that a failure reads "expected move to sent, got ignore". Only a move has a target.
QString describe(const Step &s)
{
    QString text;
    switch (s.kind) {
    case Step::Kind::Move: text = QStringLiteral("move to ") + CommandState::name(s.to); break;
    case Step::Kind::Requeue: text = QStringLiteral("requeue"); break;
    case Step::Kind::Ignore: text = QStringLiteral("ignore"); break;
    case Step::Kind::Late: text = QStringLiteral("late"); break;
    case Step::Kind::Refuse: text = QStringLiteral("refuse"); break;
    }
    return s.sentFirst ? text + QStringLiteral(" (sent first)") : text;
}

QString move(State to, bool sentFirst = false) { return describe({Step::Kind::Move, to, sentFirst}); }
const QString kIgnore = QStringLiteral("ignore");
const QString kRequeue = QStringLiteral("requeue");
const QString kLate = QStringLiteral("late");
const QString kRefuse = QStringLiteral("refuse");

} // namespace

class TestCommandState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transitions_data()
    {
        QTest::addColumn<State>("from");
        QTest::addColumn<bool>("publishing");
        QTest::addColumn<Event>("event");
        QTest::addColumn<QString>("expected");

        struct Row
        {
            const char *from;
            State state;
            bool publishing;
            QList<QString> steps; ///< in the order of kEvents
        };
        const QList<Row> rows{
            // Waiting in its device's queue: a reply means the device has it (sent first); its ttl can pass.
            {"queued", State::Queued, false,
             {kIgnore, kIgnore, move(State::Delivered, true), move(State::Succeeded, true), move(State::Failed, true),
              move(State::Rejected, true), kIgnore, move(State::Expired), move(State::Cancelled)}},
            // Published, its PUBACK awaited: the PUBACK sends it, a lost link puts it back, its ttl no longer counts.
            {"queued_publishing", State::Queued, true,
             {move(State::Sent), kRequeue, move(State::Delivered, true), move(State::Succeeded, true), move(State::Failed, true),
              move(State::Rejected, true), kIgnore, kIgnore, move(State::Cancelled)}},
            {"sent", State::Sent, false,
             {kIgnore, kIgnore, move(State::Delivered), move(State::Succeeded), move(State::Failed), move(State::Rejected),
              move(State::TimedOut), kIgnore, move(State::Cancelled)}},
            // A second "delivered" changes nothing; the timeout still runs.
            {"delivered", State::Delivered, false,
             {kIgnore, kIgnore, kIgnore, move(State::Succeeded), move(State::Failed), move(State::Rejected),
              move(State::TimedOut), kIgnore, move(State::Cancelled)}},
        };
        for (const Row &r : rows)
            for (qsizetype i = 0; i < kEvents.size(); ++i)
                QTest::addRow("%s/%s", r.from, kEvents[i].second) << r.state << r.publishing << kEvents[i].first << r.steps[i];
        // Final: replies are late (kept, counted), a cancel is refused, the rest is nothing.
        for (State s : kFinal)
            for (bool publishing : {false, true})
                for (const auto &[e, name] : kEvents)
                    QTest::addRow("%s%s/%s", qPrintable(CommandState::name(s)), publishing ? "_publishing" : "", name)
                        << s << publishing << e << (isReply(e) ? kLate : e == Event::Cancel ? kRefuse : kIgnore);
    }
    void transitions()
    {
        QFETCH(State, from);
        QFETCH(bool, publishing);
        QFETCH(Event, event);
        QFETCH(QString, expected);
        QCOMPARE(describe(CommandState::next(from, publishing, event)), expected);
    }

    void publishingMattersOnlyWhileQueued()
    {
        for (int i = 0; i < CommandState::kStates; ++i) {
            const State s = State(i);
            if (s == State::Queued)
                continue;
            for (const auto &[e, name] : kEvents)
                QVERIFY2(CommandState::next(s, true, e) == CommandState::next(s, false, e),
                         qPrintable(QStringLiteral("%1 / %2").arg(CommandState::name(s), QLatin1StringView(name))));
        }
    }

    void finalStatesTakeNothing()
    {
        int late = 0;
        for (State s : kFinal) {
            QVERIFY(CommandState::isFinal(s));
            for (const auto &[e, name] : kEvents)
                for (bool publishing : {false, true}) {
                    const Step step = CommandState::next(s, publishing, e);
                    QVERIFY2(step.kind != Step::Kind::Move && step.kind != Step::Kind::Requeue,
                             qPrintable(QStringLiteral("%1 / %2: %3").arg(CommandState::name(s), QLatin1StringView(name), describe(step))));
                    late += step.kind == Step::Kind::Late;
                }
        }
        // Every reply to every final state is counted as late: 4 replies x 6 states x (not) publishing.
        QCOMPARE(late, 4 * 6 * 2);
        for (State s : {State::Queued, State::Sent, State::Delivered})
            QVERIFY(!CommandState::isFinal(s));
    }

    void names_data()
    {
        QTest::addColumn<State>("state");
        QTest::addColumn<QString>("name");
        QTest::newRow("queued") << State::Queued << QStringLiteral("queued");
        QTest::newRow("sent") << State::Sent << QStringLiteral("sent");
        QTest::newRow("delivered") << State::Delivered << QStringLiteral("delivered");
        QTest::newRow("succeeded") << State::Succeeded << QStringLiteral("succeeded");
        QTest::newRow("failed") << State::Failed << QStringLiteral("failed");
        QTest::newRow("rejected") << State::Rejected << QStringLiteral("rejected");
        QTest::newRow("timed_out") << State::TimedOut << QStringLiteral("timed_out");
        QTest::newRow("expired") << State::Expired << QStringLiteral("expired");
        QTest::newRow("cancelled") << State::Cancelled << QStringLiteral("cancelled");
    }
    void names()
    {
        QFETCH(State, state);
        QFETCH(QString, name);
        QCOMPARE(CommandState::name(state), name);
        QCOMPARE(CommandState::fromName(name), std::optional<State>(state));
    }

    void everyStateHasOneName()
    {
        QSet<QString> seen;
        for (int i = 0; i < CommandState::kStates; ++i) {
            const QString n = CommandState::name(State(i));
            QVERIFY(!n.isEmpty());
            QVERIFY2(!seen.contains(n), qPrintable(n));
            seen << n;
            QCOMPARE(CommandState::fromName(n), std::optional<State>(State(i)));
        }
        QCOMPARE(seen.size(), 9);
    }

    void unknownNames_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("upper case") << QStringLiteral("Queued");
        QTest::newRow("dash") << QStringLiteral("timed-out");
        QTest::newRow("padded") << QStringLiteral(" sent");
        QTest::newRow("job status") << QStringLiteral("running");
    }
    void unknownNames()
    {
        QFETCH(QString, text);
        QCOMPARE(CommandState::fromName(text), std::nullopt);
    }
};

QTEST_APPLESS_MAIN(TestCommandState)
#include "tst_commandstate.moc"
