#pragma once

#include "rules/rule.h"

#include <QtCore/QJsonObject>
#include <deque>
#include <utility>
#include <vector>

namespace Fleetdeck::Rules {

/// One leaf condition's state for one device.
struct LeafState
{
    bool test = false;        ///< the leaf's test at the last reading (with its deadband)
    qint64 testSinceMs = -1;  ///< since when the test has held without a break (for_s)
    bool truth = false;       ///< the leaf's result: the test, after for_s / repeat
    double shown = 0;         ///< what the test compared (the value, the rate, the aggregate)
    bool hasShown = false;
    bool hasLast = false;     ///< the previous reading (rate of change), by its own timestamp
    double last = 0;
    qint64 lastTs = 0;
    std::deque<std::pair<qint64, double>> window; ///< aggregate: readings within the window
    double windowSum = 0;     ///< their sum (avg), kept as readings come and go
    std::deque<std::pair<qint64, double>> extremes; ///< min/max: the readings that can still become the window's extreme
    std::deque<qint64> hits;  ///< repeat: when the test held, within the window
    qint64 seenMs = -1;       ///< absence: last reading; offline: offline since (-1 online)
    bool absence = false;     ///< seenMs moves with every reading (so it is stored only once the absence holds)
};

/// The state of one rule for one device: the leaves' states and the alarm's own (active, on-/off-delay). Its
/// durable part (what `durable()` answers) is stored on every change, so that a restart neither raises an alert
/// again nor forgets a duration or a delay that was running. Windows and repeat counts start again empty.
struct RuleState
{
    bool active = false;
    qint64 pendingSinceMs = -1;  ///< the condition holds and the on-delay runs
    qint64 clearingSinceMs = -1; ///< active, the condition let go and the off-delay runs
    qint64 activeSinceMs = -1;
    qint64 lastCommandMs = -1;   ///< a command action's last run (its min_interval_s)
    std::vector<LeafState> leaves; ///< condition's leaves, then the clear condition's, in document order

    QJsonObject durable() const;
    /// A fingerprint of the durable part: what the engine compares to know the state needs storing.
    size_t durableHash() const;
};

enum class Transition { None, Raise, Clear };

/// Evaluates a rule for one device over readings, connection changes and time. All time comes in as arguments
/// (`nowMs`): the live engine passes the server's clock, the backtest each stored reading's timestamp, and tests a
/// clock of their own.
class Evaluator
{
public:
    /// A fresh state: nothing seen yet counts from `nowMs` (an absence rule made now fires `seconds` from now).
    static RuleState initial(const Rule &rule, qint64 nowMs, bool online);
    /// A stored state read back after a restart; `nowMs` stands in for whatever was not stored.
    static RuleState restore(const Rule &rule, const QJsonObject &durable, qint64 nowMs, bool online);

    /// Takes one reading into the leaves that watch `metric` (call evaluate() after a message's readings).
    static void reading(const Rule &rule, RuleState &state, qint64 nowMs, qint64 ts, const QString &metric, double value);
    static void connection(const Rule &rule, RuleState &state, qint64 nowMs, bool online);
    /// The condition at `nowMs` with the alarm's delays: whether the alert is to be raised or cleared now.
    static Transition evaluate(const Rule &rule, RuleState &state, qint64 nowMs);
    /// When, without any new input, the result can change next (a duration, a delay, a window or an absence
    /// running out); -1 for never.
    static qint64 nextCheckMs(const Rule &rule, const RuleState &state);

    /// The value to show for an alert: the first true leaf's (`metric` empty when the leaf has none).
    static std::pair<QString, double> shown(const Rule &rule, const RuleState &state);
};

} // namespace Fleetdeck::Rules
