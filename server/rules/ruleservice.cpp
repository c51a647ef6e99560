#include "rules/ruleservice.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "core/jsonutil.h"
#include "devices/devicedirectory.h"
#include "rules/evaluator.h"
#include "rules/ruleengine.h"
#include "storage/database.h"
#include "telemetry/telemetryhistory.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QUuid>
#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcRules)

namespace Fleetdeck {

using namespace Rules;

namespace {

constexpr qint64 kMaxBacktestSpanMs = 400LL * 24 * 3600 * 1000;

QJsonValue timeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(Json::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC))) : QJsonValue(QJsonValue::Null);
}

bool hasConnectionLeaf(const Condition &c)
{
    if (c.type == Condition::Type::Offline)
        return true;
    for (const Condition &child : c.children)
        if (hasConnectionLeaf(child))
            return true;
    return false;
}

bool hasAnyTelemetryAbsence(const Condition &c)
{
    if (c.type == Condition::Type::Absence && c.metric.isEmpty())
        return true;
    for (const Condition &child : c.children)
        if (hasAnyTelemetryAbsence(child))
            return true;
    return false;
}

/// A rule run over stored readings in time order, each message's readings taken together; the due checks between
/// messages run at their own times, as the live engine's timer runs them.
class Backtester
{
public:
    explicit Backtester(Rule rule, qint64 fromMs, qint64 toMs) : m_rule(std::move(rule)), m_metrics(m_rule.metrics()), m_toMs(toMs)
    {
        m_anyTelemetry = hasAnyTelemetryAbsence(m_rule.condition) || (m_rule.hasClear && hasAnyTelemetryAbsence(m_rule.clear));
        m_state = Evaluator::initial(m_rule, fromMs, true);
        note(Evaluator::evaluate(m_rule, m_state, fromMs), fromMs);
    }
    const QStringList &metrics() const { return m_metrics; }

    void reading(qint64 ts, int metric, double value)
    {
        if (ts != m_pendingTs && m_pending)
            settlePending();
        advance(ts);
        // Past the rule's own metrics come the device's others (an absence of any telemetry reads them all).
        Evaluator::reading(m_rule, m_state, ts, ts, metric < m_metrics.size() ? m_metrics.at(metric) : QString(), value);
        if (m_anyTelemetry && metric < m_metrics.size())
            Evaluator::reading(m_rule, m_state, ts, ts, QString(), 0); // "any telemetry" absence
        m_pending = true;
        m_pendingTs = ts;
    }

    BacktestResult finish(BacktestResult r)
    {
        if (m_pending)
            settlePending();
        advance(m_toMs - 1);
        r.firings = std::move(m_firings);
        r.truncated = m_truncated;
        return r;
    }

private:
    void settlePending()
    {
        m_pending = false;
        note(Evaluator::evaluate(m_rule, m_state, m_pendingTs), m_pendingTs);
    }
    void advance(qint64 toMs)
    {
        for (int guard = 0; guard < 1000000; ++guard) {
            const qint64 due = Evaluator::nextCheckMs(m_rule, m_state);
            if (due < 0 || due > toMs)
                return;
            note(Evaluator::evaluate(m_rule, m_state, due), due);
            if (Evaluator::nextCheckMs(m_rule, m_state) == due)
                return; // nothing moved on at that time: wait for the next reading
        }
    }
    void note(Transition t, qint64 at)
    {
        if (t == Transition::Raise) {
            if (m_firings.size() >= RuleService::kMaxFirings) {
                m_truncated = true;
                return;
            }
            const auto [metric, value] = Evaluator::shown(m_rule, m_state);
            m_firings.append(BacktestFiring{at, 0, metric, value});
        } else if (t == Transition::Clear && !m_firings.isEmpty() && m_firings.last().clearedAtMs == 0) {
            m_firings.last().clearedAtMs = at;
        }
    }

    Rule m_rule;
    QStringList m_metrics;
    qint64 m_toMs;
    RuleState m_state;
    QList<BacktestFiring> m_firings;
    bool m_truncated = false;
    bool m_anyTelemetry = false; ///< an absence of any metric: every message counts
    bool m_pending = false;
    qint64 m_pendingTs = 0;
};

Rule withStoredFields(Rule parsed, const Rule &stored)
{
    parsed.id = stored.id;
    parsed.tenantId = stored.tenantId;
    parsed.createdAt = stored.createdAt;
    parsed.createdBy = stored.createdBy;
    parsed.version = stored.version + 1;
    return parsed;
}

} // namespace

QJsonObject ruleAnswer(const Rule &rule)
{
    QJsonObject o = toJson(rule);
    o.insert(QStringLiteral("id"), rule.id);
    o.insert(QStringLiteral("version"), rule.version);
    o.insert(QStringLiteral("severity"), name(rule.severity()));
    o.insert(QStringLiteral("created_by"), rule.createdBy);
    o.insert(QStringLiteral("created_at"), timeOrNull(rule.createdAt));
    o.insert(QStringLiteral("updated_at"), timeOrNull(rule.updatedAt));
    return o;
}

QJsonObject toJson(const BacktestResult &r)
{
    QJsonArray firings;
    for (const BacktestFiring &f : r.firings)
        firings.append(QJsonObject{{QStringLiteral("raised_at"), timeOrNull(f.raisedAtMs)},
                                   {QStringLiteral("raised_at_ms"), f.raisedAtMs},
                                   {QStringLiteral("cleared_at"), timeOrNull(f.clearedAtMs)},
                                   {QStringLiteral("cleared_at_ms"), f.clearedAtMs > 0 ? QJsonValue(f.clearedAtMs) : QJsonValue(QJsonValue::Null)},
                                   {QStringLiteral("metric"), f.metric.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(f.metric)},
                                   {QStringLiteral("value"), f.metric.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(f.value)}});
    return QJsonObject{{QStringLiteral("device_id"), r.deviceId},
                       {QStringLiteral("from"), timeOrNull(r.fromMs)},
                       {QStringLiteral("to"), timeOrNull(r.toMs)},
                       {QStringLiteral("firings"), firings},
                       {QStringLiteral("fired"), qint64(r.firings.size())},
                       {QStringLiteral("truncated"), r.truncated},
                       {QStringLiteral("readings"), r.readings},
                       {QStringLiteral("elapsed_ms"), r.elapsedMs},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(r.notes)}};
}

RuleService::RuleService(Storage::Database &db, const DeviceDirectory &devices, RuleEngine &engine, TelemetryHistory &history)
    : m_db(db), m_devices(devices), m_engine(engine), m_history(history)
{
}

Result<QList<Rule>> RuleService::load()
{
    auto q = m_db.exec(QStringLiteral("SELECT id, tenant_id, definition, version, created_by, created_at, updated_at FROM rules"));
    if (!q)
        return fail(q.error());
    QList<Rule> out;
    while (q->next()) {
        auto rule = parse(QJsonDocument::fromJson(q->value(2).toString().toUtf8()).object());
        if (!rule) { // stored by another build with other rules of validation: kept in the table, not evaluated
            qCWarning(lcRules) << "stored rule" << q->value(0).toString() << "does not read and is not evaluated:" << rule.error().message;
            continue;
        }
        rule->id = q->value(0).toString();
        rule->tenantId = q->value(1).toString();
        rule->version = q->value(3).toLongLong();
        rule->createdBy = q->value(4).toString();
        rule->createdAt = q->value(5).toLongLong();
        rule->updatedAt = q->value(6).toLongLong();
        m_rules.insert(rule->id, *rule);
        out.append(*rule);
    }
    return out;
}

Status RuleService::store(const Rule &rule, bool insert)
{
    QVariantMap b{{QStringLiteral("id"), rule.id},
                        {QStringLiteral("t"), rule.tenantId},
                        {QStringLiteral("n"), rule.name},
                        {QStringLiteral("d"), QString::fromUtf8(QJsonDocument(toJson(rule)).toJson(QJsonDocument::Compact))},
                        {QStringLiteral("a"), rule.active},
                        {QStringLiteral("v"), rule.version},
                        {QStringLiteral("by"), rule.createdBy},
                        {QStringLiteral("c"), rule.createdAt},
                        {QStringLiteral("u"), rule.updatedAt}};
    auto q = m_db.exec(insert ? QStringLiteral("INSERT INTO rules (id, tenant_id, name, definition, is_active, version, created_by, created_at, updated_at) "
                                               "VALUES (:id, :t, :n, :d, :a, :v, :by, :c, :u)")
                              : QStringLiteral("UPDATE rules SET name = :n, definition = :d, is_active = :a, version = :v, updated_at = :u "
                                               "WHERE id = :id AND tenant_id = :t"),
                       insert ? b : (b.remove(QStringLiteral("by")), b.remove(QStringLiteral("c")), b));
    if (!q)
        return fail(q.error());
    return {};
}

Result<Rule> RuleService::create(const Principal &who, const QJsonObject &body)
{
    auto rule = parse(body);
    if (!rule)
        return rule;
    int mine = 0;
    for (const Rule &r : std::as_const(m_rules))
        mine += r.tenantId == who.tenantId ? 1 : 0;
    if (mine >= kMaxRulesPerTenant)
        return fail(Error::conflict(QStringLiteral("this organisation has %1 rules, the most it may have; delete one first").arg(mine)));
    rule->id = newUuid();
    rule->tenantId = who.tenantId;
    rule->createdBy = who.email;
    rule->createdAt = rule->updatedAt = Storage::nowMs();
    rule->version = 1;
    if (auto st = store(*rule, true); !st)
        return fail(st.error());
    m_rules.insert(rule->id, *rule);
    m_engine.put(*rule);
    audit(m_db, &who, QStringLiteral("rule.create"), QStringLiteral("rule"), rule->id, rule->name);
    return rule;
}

Result<QList<Rule>> RuleService::list(const Principal &who)
{
    QList<Rule> out;
    for (const Rule &r : std::as_const(m_rules))
        if (r.tenantId == who.tenantId)
            out.append(r);
    std::sort(out.begin(), out.end(), [](const Rule &a, const Rule &b) {
        return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
    });
    return out;
}

Result<Rule> RuleService::get(const Principal &who, const QString &ruleId)
{
    const auto it = m_rules.constFind(ruleId);
    if (it == m_rules.cend() || it->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no rule with id %1").arg(ruleId)));
    return *it;
}

Result<Rule> RuleService::update(const Principal &who, const QString &ruleId, const QJsonObject &patch)
{
    auto stored = get(who, ruleId);
    if (!stored)
        return stored;
    QJsonObject merged = toJson(*stored);
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it.value().isNull())
            merged.remove(it.key());
        else
            merged.insert(it.key(), it.value());
    }
    auto parsed = parse(merged);
    if (!parsed)
        return parsed;
    Rule rule = withStoredFields(std::move(*parsed), *stored);
    rule.updatedAt = Storage::nowMs();
    if (auto st = store(rule, false); !st)
        return fail(st.error());
    m_rules.insert(rule.id, rule);
    m_engine.put(rule);
    audit(m_db, &who, QStringLiteral("rule.update"), QStringLiteral("rule"), rule.id, QStringLiteral("%1 (version %2)").arg(rule.name).arg(rule.version));
    return rule;
}

Status RuleService::remove(const Principal &who, const QString &ruleId)
{
    auto stored = get(who, ruleId);
    if (!stored)
        return fail(stored.error());
    auto q = m_db.exec(QStringLiteral("DELETE FROM rules WHERE id = :id AND tenant_id = :t"), {{QStringLiteral("id"), ruleId}, {QStringLiteral("t"), who.tenantId}});
    if (!q)
        return fail(q.error());
    m_rules.remove(ruleId);
    m_engine.remove(ruleId, QStringLiteral("rule deleted"));
    audit(m_db, &who, QStringLiteral("rule.delete"), QStringLiteral("rule"), ruleId, stored->name);
    return {};
}

Result<RuleService::BacktestRequest> RuleService::backtestRequest(const Principal &who, const QJsonObject &body)
{
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!QStringList{QStringLiteral("rule"), QStringLiteral("rule_id"), QStringLiteral("device_id"), QStringLiteral("from"), QStringLiteral("to")}.contains(it.key()))
            return fail(Error::invalid(QStringLiteral("/%1: unknown field").arg(it.key())));
    BacktestRequest r;
    if (body.contains(QStringLiteral("rule")) == body.contains(QStringLiteral("rule_id")))
        return fail(Error::invalid(QStringLiteral("/rule: give either \"rule\" (an unsaved rule) or \"rule_id\" (a saved one)")));
    if (body.contains(QStringLiteral("rule"))) {
        if (!body.value(QStringLiteral("rule")).isObject())
            return fail(Error::invalid(QStringLiteral("/rule: must be an object")));
        auto rule = parse(body.value(QStringLiteral("rule")).toObject());
        if (!rule)
            return fail(Error::invalid(QStringLiteral("/rule") + rule.error().message));
        rule->tenantId = who.tenantId;
        r.rule = *rule;
    } else {
        r.ruleId = body.value(QStringLiteral("rule_id")).toString();
        auto rule = get(who, r.ruleId);
        if (!rule)
            return fail(Error::invalid(QStringLiteral("/rule_id: no rule with id %1").arg(r.ruleId.left(64))));
        r.rule = *rule;
    }
    r.deviceId = body.value(QStringLiteral("device_id")).toString();
    const std::optional<DeviceSummary> d = m_devices.find(r.deviceId);
    if (!d || d->tenantId != who.tenantId)
        return fail(Error::invalid(QStringLiteral("/device_id: no device with id \"%1\"").arg(r.deviceId.left(64))));
    const auto time = [&](const QString &key) -> Result<qint64> {
        const QJsonValue v = body.value(key);
        std::optional<qint64> t;
        if (v.isDouble())
            t = v.toInteger(-1) >= 0 ? std::optional<qint64>(v.toInteger()) : std::nullopt;
        else if (v.isString())
            t = Json::parseTime(v.toString());
        if (!t)
            return fail(Error::invalid(QStringLiteral("/%1: must be milliseconds since the epoch or an ISO 8601 time").arg(key)));
        return *t;
    };
    auto from = time(QStringLiteral("from"));
    if (!from)
        return fail(from.error());
    auto to = time(QStringLiteral("to"));
    if (!to)
        return fail(to.error());
    if (*from >= *to)
        return fail(Error::invalid(QStringLiteral("/to: must be after \"from\"")));
    if (*to - *from > kMaxBacktestSpanMs)
        return fail(Error::invalid(QStringLiteral("/to: a backtest covers at most 400 days")));
    r.fromMs = *from;
    r.toMs = *to;
    if (r.rule->metrics().size() > 20)
        return fail(Error::invalid(QStringLiteral("/rule: a backtest reads at most 20 metrics")));
    return r;
}

namespace {
QStringList backtestNotes(const Rule &rule)
{
    QStringList notes;
    if (hasConnectionLeaf(rule.condition) || (rule.hasClear && hasConnectionLeaf(rule.clear)))
        notes << QStringLiteral("connection changes are not kept in history: \"offline\" conditions never hold in a backtest");
    return notes;
}
} // namespace

void RuleService::backtestLater(const Principal &who, const BacktestRequest &request, std::function<void(Result<BacktestResult>)> done)
{
    auto tester = std::make_shared<Backtester>(*request.rule, request.fromMs, request.toMs);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    BacktestResult base;
    base.deviceId = request.deviceId;
    base.fromMs = request.fromMs;
    base.toMs = request.toMs;
    base.notes = backtestNotes(*request.rule);
    m_history.scanLater(
        who, request.deviceId, tester->metrics(), request.fromMs, request.toMs,
        [tester](qint64 ts, int metric, double value) { tester->reading(ts, metric, value); },
        [tester, clock, base, done = std::move(done)](Status st, qint64 readings) -> std::function<void()> {
            if (!st)
                return [done, e = st.error()] { done(fail(e)); };
            BacktestResult r = base;
            r.readings = readings;
            r = tester->finish(std::move(r));
            r.elapsedMs = double(clock->nsecsElapsed()) / 1e6;
            return [done, r = std::move(r)] { done(r); };
        });
}

Result<BacktestResult> RuleService::backtest(const Principal &who, const BacktestRequest &request)
{
    QElapsedTimer clock;
    clock.start();
    Backtester tester(*request.rule, request.fromMs, request.toMs);
    auto readings = m_history.scan(who, request.deviceId, tester.metrics(), request.fromMs, request.toMs,
                                   [&tester](qint64 ts, int metric, double value) { tester.reading(ts, metric, value); });
    if (!readings)
        return fail(readings.error());
    BacktestResult r;
    r.deviceId = request.deviceId;
    r.fromMs = request.fromMs;
    r.toMs = request.toMs;
    r.readings = *readings;
    r.notes = backtestNotes(*request.rule);
    r = tester.finish(std::move(r));
    r.elapsedMs = double(clock.nsecsElapsed()) / 1e6;
    return r;
}

} // namespace Fleetdeck
