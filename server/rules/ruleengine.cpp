#include "rules/ruleengine.h"

#include "alerts/alertservice.h"
#include "devices/devicedirectory.h"
#include "events/eventbus.h"
#include "storage/database.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcRules, "fleetdeck.server.rules", QtInfoMsg)

namespace Fleetdeck {

using namespace Rules;

namespace {

constexpr int kFlushMs = 200;
constexpr qint64 kRetryMs = 1000; ///< an alert that could not be stored is raised (or cleared) again this much later
const QString kOfflineReason = QStringLiteral("device offline: its values are not current");

bool usesConnection(const Condition &c)
{
    if (c.type == Condition::Type::Offline || c.type == Condition::Type::Absence)
        return true;
    for (const Condition &child : c.children)
        if (usesConnection(child))
            return true;
    return false;
}

bool needsEveryDevice(const Condition &c)
{
    if (c.type == Condition::Type::Offline || c.type == Condition::Type::Absence)
        return true;
    for (const Condition &child : c.children)
        if (needsEveryDevice(child))
            return true;
    return false;
}

/// What decides a rule's states: a change here starts them again.
QByteArray evaluationKey(const Rule &r)
{
    QJsonObject o = toJson(r);
    o.remove(QStringLiteral("name"));
    o.remove(QStringLiteral("description"));
    o.remove(QStringLiteral("actions"));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString formatValue(double v)
{
    return QString::number(v, 'g', 6);
}

} // namespace

RuleEngine::RuleEngine(Storage::Database &db, const DeviceDirectory &devices, AlertService &alerts, Clock clock, QObject *parent)
    : QObject(parent), m_db(db), m_devices(devices), m_alerts(alerts), m_clock(std::move(clock))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        runDue(now());
    });
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &RuleEngine::flush);
}

RuleEngine::~RuleEngine() { flush(); }

qint64 RuleEngine::now() const { return m_clock ? m_clock() : Storage::nowMs(); }

Status RuleEngine::start(const QList<Rule> &rules)
{
    auto q = m_db.exec(QStringLiteral("SELECT s.rule_id, s.device_id, s.rule_version, s.state FROM rule_states s"));
    if (!q)
        return fail(q.error());
    QHash<QString, qint64> versions;
    for (const Rule &r : rules)
        versions.insert(r.id, r.version);
    int stored = 0;
    while (q->next()) {
        const QString rule = q->value(0).toString();
        if (versions.value(rule, -1) != q->value(2).toLongLong())
            continue; // stored for an older version of the rule
        m_stored[q->value(1).toString()].insert(rule, QJsonDocument::fromJson(q->value(3).toString().toUtf8()).object());
        ++stored;
    }
    for (const Rule &r : rules)
        put(r);
    // Restored states whose checks fell due while the server was down run now.
    runDue(now());
    qCInfo(lcRules) << m_rules.size() << "rules," << stored << "stored rule states read";
    return {};
}

void RuleEngine::put(const Rule &rule)
{
    const auto old = m_rules.value(rule.id);
    if (!rule.active) {
        remove(rule.id, QStringLiteral("rule deactivated"));
        return;
    }
    auto c = std::make_shared<Compiled>();
    c->rule = rule;
    c->metrics = rule.metrics();
    c->timed = needsEveryDevice(rule.condition) || (rule.hasClear && needsEveryDevice(rule.clear));
    c->watchesConnection = usesConnection(rule.condition);
    for (const Action &a : rule.actions)
        c->hasAlert = c->hasAlert || a.type == Action::Type::Alert;
    const bool keepStates = old && evaluationKey(old->rule) == evaluationKey(rule);
    if (old && !keepStates)
        remove(rule.id, QStringLiteral("rule changed"));
    m_rules.insert(rule.id, c);
    m_byDevice.clear();
    if (keepStates) { // same evaluation: the states go on under the new definition (stored again with its version)
        for (auto it = m_states.begin(); it != m_states.end(); ++it) {
            if (auto e = it->find(rule.id); e != it->end()) {
                e->storedHash = 0;
                m_dirty.insert({it.key(), rule.id});
            }
        }
        if (!m_dirty.isEmpty() && !m_flushTimer.isActive())
            m_flushTimer.start();
    }
    if (c->timed)
        seedTimed(*c);
}

void RuleEngine::remove(const QString &ruleId, const QString &why)
{
    if (auto st = m_alerts.closeSource(ruleId, why); !st)
        qCWarning(lcRules) << "could not close the alerts of rule" << ruleId << "(" << why << "):" << st.error().message;
    if (!m_rules.remove(ruleId))
        return;
    m_byDevice.clear();
    for (auto it = m_states.begin(); it != m_states.end(); ++it) {
        it->remove(ruleId);
        m_dirty.remove({it.key(), ruleId});
    }
    for (auto it = m_due.begin(); it != m_due.end();)
        it = it->second.second == ruleId ? m_due.erase(it) : std::next(it);
    auto q = m_db.exec(QStringLiteral("DELETE FROM rule_states WHERE rule_id = :r"), {{QStringLiteral("r"), ruleId}});
    if (!q)
        qCWarning(lcRules) << "could not remove the stored states of rule" << ruleId << ":" << q.error().message;
}

void RuleEngine::seedTimed(const Compiled &c)
{
    const qint64 t = now();
    for (const DeviceSummary &d : m_devices.all()) {
        if (d.tenantId != c.rule.tenantId || d.status == States::DeviceStatus::Decommissioned || !c.rule.scope.matches(d))
            continue;
        Entry &e = entry(c, d, t);
        settle(c, d, e, Evaluator::evaluate(c.rule, e.state, t), t);
    }
    armTimer();
}

const QList<std::shared_ptr<const RuleEngine::Compiled>> &RuleEngine::rulesFor(const DeviceSummary &d)
{
    auto it = m_byDevice.find(d.id);
    if (it != m_byDevice.end())
        return *it;
    QList<std::shared_ptr<const Compiled>> list;
    if (d.status != States::DeviceStatus::Decommissioned)
        for (const auto &c : std::as_const(m_rules))
            if (c->rule.tenantId == d.tenantId && c->rule.scope.matches(d))
                list << c;
    return *m_byDevice.insert(d.id, list);
}

RuleEngine::Entry &RuleEngine::entry(const Compiled &c, const DeviceSummary &d, qint64 nowMs)
{
    auto &perDevice = m_states[d.id];
    auto it = perDevice.find(c.rule.id);
    if (it != perDevice.end())
        return *it;
    Entry e;
    const bool online = d.connection == States::Connection::Online;
    auto stored = m_stored.find(d.id);
    if (stored != m_stored.end() && stored->contains(c.rule.id)) {
        e.state = Evaluator::restore(c.rule, stored->take(c.rule.id), nowMs, online);
        e.storedHash = e.state.durableHash();
        if (stored->isEmpty())
            m_stored.erase(stored);
    } else {
        e.state = Evaluator::initial(c.rule, nowMs, online);
        e.storedHash = 0; // never stored: store it at its first change... or now if it holds anything
    }
    return *perDevice.insert(c.rule.id, std::move(e));
}

void RuleEngine::settle(const Compiled &c, const DeviceSummary &d, Entry &e, Transition t, qint64 nowMs)
{
    ++m_evaluations;
    if (t == Transition::Raise) {
        ++m_raised;
        const auto [metric, value] = Evaluator::shown(c.rule, e.state);
        for (const Action &a : c.rule.actions) {
            if (a.type == Action::Type::Alert) {
                const QHash<QString, QString> values{{QStringLiteral("device.id"), d.id},
                                                     {QStringLiteral("device.name"), d.name.isEmpty() ? d.id : d.name},
                                                     {QStringLiteral("device.type"), d.deviceType},
                                                     {QStringLiteral("rule.name"), c.rule.name},
                                                     {QStringLiteral("metric"), metric},
                                                     {QStringLiteral("value"), formatValue(value)},
                                                     {QStringLiteral("severity"), name(a.severity)}};
                AlertService::Raise r;
                r.tenantId = d.tenantId;
                r.sourceKey = c.rule.id;
                r.ruleId = c.rule.id;
                r.ruleName = c.rule.name;
                r.deviceId = d.id;
                r.severity = a.severity;
                r.message = a.message.isEmpty() ? QStringLiteral("%1: %2").arg(c.rule.name, d.name.isEmpty() ? d.id : d.name)
                                                : render(a.message, values);
                r.metric = metric;
                if (!metric.isEmpty())
                    r.value = value;
                if (!c.watchesConnection && d.connection == States::Connection::Offline)
                    r.suppressedReason = kOfflineReason;
                r.outOfService = d.blocked();
                if (auto st = m_alerts.raise(r); !st) {
                    // Not stored: the rule is not active either, and raises it again in a second (the due check), so
                    // an alert is late when the database is, never lost.
                    qCWarning(lcRules) << "rule" << c.rule.id << "could not raise its alert on" << d.id << ":" << st.error().message
                                       << "; trying again in 1 s";
                    ++m_writeFailures;
                    e.state.active = false;
                    e.state.activeSinceMs = -1;
                    e.state.pendingSinceMs = nowMs + kRetryMs - c.rule.onDelayMs;
                    break; // its commands go out with the raise that is stored
                }
            } else if (m_sendCommand) {
                if (e.state.lastCommandMs >= 0 && nowMs - e.state.lastCommandMs < a.minIntervalMs) {
                    ++m_commandsLimited;
                    qCInfo(lcRules) << "rule" << c.rule.id << "held back command" << a.command << "to" << d.id << ": it ran"
                                    << (nowMs - e.state.lastCommandMs) / 1000 << "s ago (min_interval_s" << a.minIntervalMs / 1000 << ")";
                    continue;
                }
                e.state.lastCommandMs = nowMs;
                ++m_commands;
                if (auto st = m_sendCommand(c.rule, a, d); !st)
                    qCWarning(lcRules) << "rule" << c.rule.id << "could not send" << a.command << "to" << d.id << ":" << st.error().message;
            }
        }
    } else if (t == Transition::Clear) {
        ++m_cleared;
        if (c.hasAlert) {
            if (auto st = m_alerts.clearSource(c.rule.id, d.id); !st) {
                qCWarning(lcRules) << "rule" << c.rule.id << "could not clear its alert on" << d.id << ":" << st.error().message
                                   << "; trying again in 1 s";
                ++m_writeFailures;
                e.state.active = true;
                e.state.clearingSinceMs = nowMs + kRetryMs - c.rule.offDelayMs;
            }
        }
    }
    if (e.state.durableHash() != e.storedHash) {
        m_dirty.insert({d.id, c.rule.id});
        if (!m_flushTimer.isActive())
            m_flushTimer.start();
    }
    reschedule(c, d.id, e);
}

void RuleEngine::reschedule(const Compiled &c, const QString &deviceId, Entry &e)
{
    const qint64 due = Evaluator::nextCheckMs(c.rule, e.state);
    if (due == e.due)
        return;
    e.due = due; // an older entry in m_due is skipped when it comes up (its time no longer matches)
    if (due >= 0) {
        m_due.emplace(due, std::make_pair(deviceId, c.rule.id));
        if (!m_timer.isActive() || m_timer.remainingTime() > std::max<qint64>(0, due - now()))
            armTimer();
    }
}

void RuleEngine::armTimer()
{
    if (m_due.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = std::clamp<qint64>(m_due.begin()->first - now(), 0, 3600 * 1000);
    m_timer.start(int(wait));
}

void RuleEngine::runDue(qint64 nowMs)
{
    while (!m_due.empty() && m_due.begin()->first <= nowMs) {
        const auto [due, key] = *m_due.begin();
        m_due.erase(m_due.begin());
        const auto rule = m_rules.value(key.second);
        if (!rule)
            continue;
        auto perDevice = m_states.find(key.first);
        if (perDevice == m_states.end())
            continue;
        auto it = perDevice->find(key.second);
        if (it == perDevice->end() || it->due != due)
            continue;
        const std::optional<DeviceSummary> d = m_devices.find(key.first);
        if (!d)
            continue;
        it->due = -1;
        settle(*rule, *d, *it, Evaluator::evaluate(rule->rule, it->state, std::max(due, nowMs)), nowMs);
    }
    armTimer();
}

void RuleEngine::onReadings(const QString &deviceId, const QHash<QString, LatestValue> &values)
{
    if (m_rules.isEmpty()) // the telemetry path pays nothing while there are no rules
        return;
    const std::optional<DeviceSummary> d = m_devices.find(deviceId);
    if (!d)
        return;
    const qint64 t = now();
    for (const auto &c : rulesFor(*d)) {
        bool touched = false;
        Entry *e = nullptr;
        for (const QString &metric : c->metrics) {
            const auto v = values.constFind(metric);
            if (v == values.cend() || v->isText)
                continue;
            if (!e)
                e = &entry(*c, *d, t);
            Evaluator::reading(c->rule, e->state, t, v->ts, metric, v->value);
            touched = true;
        }
        // An absence of "any telemetry" hears every reading.
        if (c->timed) {
            if (!e)
                e = &entry(*c, *d, t);
            Evaluator::reading(c->rule, e->state, t, t, QString(), 0);
            touched = true;
        }
        if (touched)
            settle(*c, *d, *e, Evaluator::evaluate(c->rule, e->state, t), t);
    }
}

void RuleEngine::onConnection(const ConnectionEvent &ev)
{
    if (ev.replayed)
        return; // the state the broker kept, not a change: the directory had it already
    const std::optional<DeviceSummary> d = m_devices.find(ev.deviceId);
    if (!d)
        return;
    const qint64 t = now();
    for (const auto &c : rulesFor(*d)) {
        if (!c->watchesConnection)
            continue;
        Entry &e = entry(*c, *d, t);
        Evaluator::connection(c->rule, e.state, t, ev.online);
        settle(*c, *d, e, Evaluator::evaluate(c->rule, e.state, t), t);
    }
    // Value alerts of a device that went offline are suppressed by design: their values stopped being current.
    m_alerts.setDeviceSuppression(ev.deviceId, ev.online ? QString() : kOfflineReason, [this](const Alert &a) {
        const auto c = m_rules.value(a.sourceKey);
        return c && !c->watchesConnection;
    });
}

void RuleEngine::onDevice(const DeviceSummary &d)
{
    m_byDevice.remove(d.id);
    if (d.status == States::DeviceStatus::Decommissioned) {
        m_states.remove(d.id);
        m_alerts.closeDevice(d.id, QStringLiteral("device decommissioned"));
        auto q = m_db.exec(QStringLiteral("DELETE FROM rule_states WHERE device_id = :d"), {{QStringLiteral("d"), d.id}});
        if (!q)
            qCWarning(lcRules) << "could not remove the stored rule states of" << d.id << ":" << q.error().message;
        return;
    }
    m_alerts.setDeviceOutOfService(d.id, d.blocked());
    // States of rules whose scope no longer holds the device go; timed rules that now take it in start on it.
    const auto &rules = rulesFor(d);
    if (auto perDevice = m_states.find(d.id); perDevice != m_states.end()) {
        for (auto it = perDevice->begin(); it != perDevice->end();) {
            const bool inScope = std::any_of(rules.cbegin(), rules.cend(), [&](const auto &c) { return c->rule.id == it.key(); });
            if (!inScope) {
                (void)m_alerts.clearSource(it.key(), d.id, QStringLiteral("device left the rule's scope"));
                it = perDevice->erase(it);
            } else {
                ++it;
            }
        }
    }
    const qint64 t = now();
    for (const auto &c : rules) {
        if (!c->timed || m_states.value(d.id).contains(c->rule.id))
            continue;
        Entry &e = entry(*c, d, t);
        settle(*c, d, e, Evaluator::evaluate(c->rule, e.state, t), t);
    }
}

void RuleEngine::flush()
{
    if (m_dirty.isEmpty())
        return;
    const QSet<std::pair<QString, QString>> dirty = std::exchange(m_dirty, {});
    if (auto st = m_db.transaction(); !st) {
        ++m_writeFailures;
        m_dirty.unite(dirty);
        m_flushTimer.start(1000);
        return;
    }
    const qint64 t = now();
    QList<std::pair<Entry *, size_t>> stored;
    bool ok = true;
    for (const auto &[deviceId, ruleId] : dirty) {
        const auto rule = m_rules.value(ruleId);
        auto perDevice = m_states.find(deviceId);
        if (!rule || perDevice == m_states.end() || !perDevice->contains(ruleId))
            continue;
        Entry &e = (*perDevice)[ruleId];
        const size_t hash = e.state.durableHash();
        auto q = m_db.exec(QStringLiteral("INSERT INTO rule_states (rule_id, device_id, rule_version, state, updated_at) VALUES (:r, :d, :v, :s, :t) "
                                          "ON CONFLICT (rule_id, device_id) DO UPDATE SET rule_version = excluded.rule_version, "
                                          "state = excluded.state, updated_at = excluded.updated_at"),
                           {{QStringLiteral("r"), ruleId}, {QStringLiteral("d"), deviceId}, {QStringLiteral("v"), rule->rule.version},
                            {QStringLiteral("s"), QString::fromUtf8(QJsonDocument(e.state.durable()).toJson(QJsonDocument::Compact))},
                            {QStringLiteral("t"), t}});
        if (!q) {
            qCWarning(lcRules) << "could not store rule states:" << q.error().message;
            ok = false;
            break;
        }
        stored.append({&e, hash});
    }
    if (ok && m_db.commit()) {
        for (const auto &[e, hash] : stored)
            e->storedHash = hash;
        return;
    }
    m_db.rollback();
    ++m_writeFailures;
    m_dirty.unite(dirty);
    m_flushTimer.start(1000); // tried again; memory stays right meanwhile
}

QJsonObject RuleEngine::health() const
{
    qint64 states = 0;
    for (const auto &perDevice : m_states)
        states += perDevice.size();
    return QJsonObject{{QStringLiteral("rules"), qint64(m_rules.size())},       {QStringLiteral("states"), states},
                       {QStringLiteral("due_checks"), qint64(m_due.size())},    {QStringLiteral("evaluations"), m_evaluations},
                       {QStringLiteral("raised"), m_raised},                    {QStringLiteral("cleared"), m_cleared},
                       {QStringLiteral("commands"), m_commands},                {QStringLiteral("commands_held_back"), m_commandsLimited},
                       {QStringLiteral("unsaved_states"), qint64(m_dirty.size())}, {QStringLiteral("write_failures"), m_writeFailures}};
}

} // namespace Fleetdeck
