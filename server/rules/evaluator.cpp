#include "rules/evaluator.h"

#include <QtCore/QHashFunctions>
#include <QtCore/QJsonArray>
#include <algorithm>
#include <limits>

namespace Fleetdeck::Rules {

namespace {

int leafCount(const Condition &c)
{
    if (c.isLeaf())
        return 1;
    int n = 0;
    for (const Condition &child : c.children)
        n += leafCount(child);
    return n;
}

int totalLeaves(const Rule &rule) { return leafCount(rule.condition) + (rule.hasClear ? leafCount(rule.clear) : 0); }

bool compare(double v, Op op, double limit)
{
    switch (op) {
    case Op::Gt: return v > limit;
    case Op::Ge: return v >= limit;
    case Op::Lt: return v < limit;
    case Op::Le: return v <= limit;
    case Op::Eq: return v == limit;
    case Op::Ne: return v != limit;
    }
    return false;
}

/// The comparison with its deadband: once it holds, it lets go only when the value is past the limit by the band.
bool compareWithBand(double v, Op op, double limit, double band, bool held)
{
    if (!held || band <= 0)
        return compare(v, op, limit);
    switch (op) {
    case Op::Gt:
    case Op::Ge: return v > limit - band;
    case Op::Lt:
    case Op::Le: return v < limit + band;
    case Op::Eq: return std::abs(v - limit) <= band;
    case Op::Ne: return std::abs(v - limit) > 0;
    }
    return false;
}

bool rangeTest(const Condition &c, double v, bool held)
{
    const double band = held ? c.deadband : 0;
    if (c.outside) // held: stays outside until back inside by the band
        return v < c.min + band || v > c.max - band;
    return v >= c.min - band && v <= c.max + band;
}

/// The window's aggregate in O(1): a running sum for avg, a monotonic queue for min and max (its front is the extreme).
double aggregate(const Condition &c, const LeafState &s)
{
    switch (c.agg) {
    case Agg::Count: return double(s.window.size());
    case Agg::Avg: return s.windowSum / double(s.window.size());
    case Agg::Min:
    case Agg::Max: return s.extremes.front().second;
    }
    return 0;
}

void windowAdd(const Condition &c, LeafState &s, qint64 t, double v)
{
    s.window.emplace_back(t, v);
    s.windowSum += v;
    if (c.agg == Agg::Min || c.agg == Agg::Max) {
        const bool min = c.agg == Agg::Min;
        while (!s.extremes.empty() && (min ? s.extremes.back().second >= v : s.extremes.back().second <= v))
            s.extremes.pop_back();
        s.extremes.emplace_back(t, v);
    }
}

/// Drops what fell out of the window at `nowMs`; answers whether anything did.
bool windowPrune(const Condition &c, LeafState &s, qint64 nowMs)
{
    const qint64 cut = nowMs - c.windowMs;
    bool dropped = false;
    while (!s.window.empty() && s.window.front().first <= cut) {
        s.windowSum -= s.window.front().second;
        s.window.pop_front();
        dropped = true;
    }
    while (!s.extremes.empty() && s.extremes.front().first <= cut)
        s.extremes.pop_front();
    if (s.window.empty())
        s.windowSum = 0; // no drift carried into the next readings
    return dropped;
}

/// The test's new result at a reading, with the book-keeping of for_s and repeat.
void setTest(const Condition &c, LeafState &s, bool test, double shown, qint64 nowMs)
{
    if (test && !s.test)
        s.testSinceMs = nowMs;
    if (!test)
        s.testSinceMs = -1;
    s.test = test;
    s.shown = shown;
    s.hasShown = true;
    if (c.repeat > 0 && test)
        s.hits.push_back(nowMs);
}

/// Applies a reading to every leaf of `c` that watches `metric`; `index` walks the leaves in document order.
void applyReading(const Condition &c, RuleState &state, int &index, qint64 nowMs, qint64 ts, const QString &metric, double value)
{
    if (!c.isLeaf()) {
        for (const Condition &child : c.children)
            applyReading(child, state, index, nowMs, ts, metric, value);
        return;
    }
    LeafState &s = state.leaves[size_t(index++)];
    if (c.type == Condition::Type::Absence) {
        if (c.metric.isEmpty() || c.metric == metric)
            s.seenMs = nowMs;
        return;
    }
    if (c.metric != metric || c.type == Condition::Type::Offline)
        return;
    switch (c.type) {
    case Condition::Type::Threshold:
        setTest(c, s, compareWithBand(value, c.op, c.value, c.deadband, s.test), value, nowMs);
        break;
    case Condition::Type::Range:
        setTest(c, s, rangeTest(c, value, s.test), value, nowMs);
        break;
    case Condition::Type::RateOfChange: {
        // Per second, between this reading and the one before it by the device's timestamps; a reading that does
        // not move time forward (a re-send, a clock step back) is not a rate.
        if (s.hasLast && ts > s.lastTs) {
            const double rate = (value - s.last) / (double(ts - s.lastTs) / 1000.0);
            setTest(c, s, compareWithBand(rate, c.op, c.value, c.deadband, s.test), rate, nowMs);
        }
        if (!s.hasLast || ts > s.lastTs) {
            s.hasLast = true;
            s.last = value;
            s.lastTs = ts;
        }
        break;
    }
    case Condition::Type::Aggregate: {
        windowAdd(c, s, nowMs, value);
        windowPrune(c, s, nowMs);
        const double agg = aggregate(c, s);
        setTest(c, s, compareWithBand(agg, c.op, c.value, c.deadband, s.test), agg, nowMs);
        break;
    }
    default:
        break;
    }
}

void applyConnection(const Condition &c, RuleState &state, int &index, qint64 nowMs, bool online)
{
    if (!c.isLeaf()) {
        for (const Condition &child : c.children)
            applyConnection(child, state, index, nowMs, online);
        return;
    }
    LeafState &s = state.leaves[size_t(index++)];
    if (c.type != Condition::Type::Offline)
        return;
    if (online)
        s.seenMs = -1;
    else if (s.seenMs < 0)
        s.seenMs = nowMs;
}

/// The leaves' results at `nowMs` and the tree's.
bool evalTree(const Condition &c, RuleState &state, int &index, qint64 nowMs)
{
    if (!c.isLeaf()) {
        const bool all = c.type == Condition::Type::All;
        bool result = all;
        for (const Condition &child : c.children) {
            const bool r = evalTree(child, state, index, nowMs); // every child evaluated: their states move on
            result = all ? (result && r) : (result || r);
        }
        return result;
    }
    LeafState &s = state.leaves[size_t(index++)];
    switch (c.type) {
    case Condition::Type::Absence:
        s.truth = s.seenMs >= 0 && nowMs - s.seenMs >= c.absenceMs;
        return s.truth;
    case Condition::Type::Offline:
        s.truth = s.seenMs >= 0 && nowMs - s.seenMs >= c.absenceMs;
        return s.truth;
    case Condition::Type::Aggregate: {
        // The window also empties with time: an average over no readings holds nothing, a count can fall below.
        if (windowPrune(c, s, nowMs)) {
            if (s.window.empty() && c.agg != Agg::Count) {
                if (s.test)
                    s.testSinceMs = -1;
                s.test = false;
            } else {
                const double agg = aggregate(c, s);
                const bool test = compareWithBand(agg, c.op, c.value, c.deadband, s.test);
                if (test && !s.test)
                    s.testSinceMs = nowMs;
                if (!test)
                    s.testSinceMs = -1;
                s.test = test;
                s.shown = agg;
            }
        }
        break;
    }
    default:
        break;
    }
    if (c.repeat > 0) {
        while (!s.hits.empty() && s.hits.front() <= nowMs - c.repeatWindowMs)
            s.hits.pop_front();
        s.truth = int(s.hits.size()) >= c.repeat;
    } else if (c.forMs > 0) {
        s.truth = s.test && s.testSinceMs >= 0 && nowMs - s.testSinceMs >= c.forMs;
    } else {
        s.truth = s.test;
    }
    return s.truth;
}

void nextOf(const Condition &c, const RuleState &state, int &index, qint64 &next)
{
    if (!c.isLeaf()) {
        for (const Condition &child : c.children)
            nextOf(child, state, index, next);
        return;
    }
    const LeafState &s = state.leaves[size_t(index++)];
    const auto at = [&next](qint64 t) {
        if (t >= 0 && (next < 0 || t < next))
            next = t;
    };
    if ((c.type == Condition::Type::Absence || c.type == Condition::Type::Offline) && s.seenMs >= 0 && !s.truth)
        at(s.seenMs + c.absenceMs);
    if (c.forMs > 0 && s.test && s.testSinceMs >= 0 && !s.truth)
        at(s.testSinceMs + c.forMs);
    if (c.repeat > 0 && !s.hits.empty())
        at(s.hits.front() + c.repeatWindowMs);
    if (c.type == Condition::Type::Aggregate && !s.window.empty())
        at(s.window.front().first + c.windowMs);
}

bool firstShown(const Condition &c, const RuleState &state, int &index, std::pair<QString, double> &out)
{
    if (!c.isLeaf()) {
        for (const Condition &child : c.children)
            if (firstShown(child, state, index, out))
                return true;
        return false;
    }
    const LeafState &s = state.leaves[size_t(index++)];
    if (s.truth && s.hasShown && !c.metric.isEmpty()) {
        out = {c.metric, s.shown};
        return true;
    }
    if (s.truth && (c.type == Condition::Type::Absence || c.type == Condition::Type::Offline)) {
        out = {c.metric, 0};
        return true;
    }
    return false;
}

} // namespace

QJsonObject RuleState::durable() const
{
    QJsonArray list;
    for (const LeafState &l : leaves)
        list.append(QJsonArray{l.test, l.testSinceMs, l.truth, l.seenMs, l.shown});
    return QJsonObject{{QStringLiteral("active"), active},
                       {QStringLiteral("pending_since"), pendingSinceMs},
                       {QStringLiteral("clearing_since"), clearingSinceMs},
                       {QStringLiteral("active_since"), activeSinceMs},
                       {QStringLiteral("last_command"), lastCommandMs},
                       {QStringLiteral("leaves"), list}};
}

size_t RuleState::durableHash() const
{
    size_t h = qHashMulti(0, active, pendingSinceMs, clearingSinceMs, activeSinceMs, lastCommandMs);
    for (const LeafState &l : leaves) // an absence leaf's last reading moves with every reading: not stored
        h = qHashMulti(h, l.test, l.testSinceMs, l.truth, l.absence ? (l.truth ? l.seenMs : 0) : l.seenMs);
    return h;
}

RuleState Evaluator::initial(const Rule &rule, qint64 nowMs, bool online)
{
    RuleState s;
    s.leaves.resize(size_t(totalLeaves(rule)));
    int index = 0;
    const auto seed = [&](const auto &self, const Condition &c) -> void {
        if (!c.isLeaf()) {
            for (const Condition &child : c.children)
                self(self, child);
            return;
        }
        LeafState &l = s.leaves[size_t(index++)];
        l.absence = c.type == Condition::Type::Absence;
        if (l.absence)
            l.seenMs = nowMs;
        else if (c.type == Condition::Type::Offline)
            l.seenMs = online ? -1 : nowMs;
    };
    seed(seed, rule.condition);
    if (rule.hasClear)
        seed(seed, rule.clear);
    return s;
}

RuleState Evaluator::restore(const Rule &rule, const QJsonObject &durable, qint64 nowMs, bool online)
{
    RuleState s = initial(rule, nowMs, online);
    const QJsonArray leaves = durable.value(QStringLiteral("leaves")).toArray();
    if (leaves.size() != qsizetype(s.leaves.size()))
        return s; // the rule's conditions changed since: start again (its alert, if any, is the engine's to settle)
    s.active = durable.value(QStringLiteral("active")).toBool();
    s.pendingSinceMs = durable.value(QStringLiteral("pending_since")).toInteger(-1);
    s.clearingSinceMs = durable.value(QStringLiteral("clearing_since")).toInteger(-1);
    s.activeSinceMs = durable.value(QStringLiteral("active_since")).toInteger(-1);
    s.lastCommandMs = durable.value(QStringLiteral("last_command")).toInteger(-1);
    for (qsizetype i = 0; i < leaves.size(); ++i) {
        const QJsonArray l = leaves.at(i).toArray();
        LeafState &leaf = s.leaves[size_t(i)];
        leaf.test = l.at(0).toBool();
        leaf.testSinceMs = l.at(1).toInteger(-1);
        leaf.truth = l.at(2).toBool();
        // An absence counts on from when it was stored as running, or from now; an offline leaf follows the
        // device's connection as the registry now has it.
        const qint64 seen = l.at(3).toInteger(-1);
        if (seen >= 0 && leaf.seenMs >= 0 && (leaf.truth || !leaf.absence))
            leaf.seenMs = std::min(seen, leaf.seenMs);
        leaf.shown = l.at(4).toDouble();
        leaf.hasShown = leaf.test;
    }
    return s;
}

void Evaluator::reading(const Rule &rule, RuleState &state, qint64 nowMs, qint64 ts, const QString &metric, double value)
{
    int index = 0;
    applyReading(rule.condition, state, index, nowMs, ts, metric, value);
    if (rule.hasClear)
        applyReading(rule.clear, state, index, nowMs, ts, metric, value);
}

void Evaluator::connection(const Rule &rule, RuleState &state, qint64 nowMs, bool online)
{
    int index = 0;
    applyConnection(rule.condition, state, index, nowMs, online);
    if (rule.hasClear)
        applyConnection(rule.clear, state, index, nowMs, online);
}

Transition Evaluator::evaluate(const Rule &rule, RuleState &state, qint64 nowMs)
{
    int index = 0;
    const bool holds = evalTree(rule.condition, state, index, nowMs);
    const bool clears = rule.hasClear ? evalTree(rule.clear, state, index, nowMs) : !holds;
    if (!state.active) {
        state.clearingSinceMs = -1;
        if (!holds) {
            state.pendingSinceMs = -1;
            return Transition::None;
        }
        if (state.pendingSinceMs < 0)
            state.pendingSinceMs = nowMs;
        if (nowMs - state.pendingSinceMs < rule.onDelayMs)
            return Transition::None;
        state.active = true;
        state.pendingSinceMs = -1;
        state.activeSinceMs = nowMs;
        return Transition::Raise;
    }
    state.pendingSinceMs = -1;
    // With an explicit clear condition the alert stays until that holds (and the raising one no longer does).
    if (!clears || (rule.hasClear && holds)) {
        state.clearingSinceMs = -1;
        return Transition::None;
    }
    if (state.clearingSinceMs < 0)
        state.clearingSinceMs = nowMs;
    if (nowMs - state.clearingSinceMs < rule.offDelayMs)
        return Transition::None;
    state.active = false;
    state.clearingSinceMs = -1;
    state.activeSinceMs = -1;
    return Transition::Clear;
}

qint64 Evaluator::nextCheckMs(const Rule &rule, const RuleState &state)
{
    qint64 next = -1;
    int index = 0;
    nextOf(rule.condition, state, index, next);
    if (rule.hasClear)
        nextOf(rule.clear, state, index, next);
    const auto at = [&next](qint64 t) {
        if (t >= 0 && (next < 0 || t < next))
            next = t;
    };
    if (state.pendingSinceMs >= 0)
        at(state.pendingSinceMs + rule.onDelayMs);
    if (state.clearingSinceMs >= 0)
        at(state.clearingSinceMs + rule.offDelayMs);
    return next;
}

std::pair<QString, double> Evaluator::shown(const Rule &rule, const RuleState &state)
{
    std::pair<QString, double> out;
    int index = 0;
    firstShown(rule.condition, state, index, out);
    return out;
}

} // namespace Fleetdeck::Rules
