#include "rules/rule.h"

#include "devices/devicedirectory.h"

#include <QtCore/QJsonArray>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <array>
#include <cmath>

namespace Fleetdeck::Rules {

namespace {

constexpr std::array<QStringView, 5> kSeverityNames{u"critical", u"major", u"minor", u"warning", u"info"};
constexpr std::array<QStringView, 6> kOpNames{u">", u">=", u"<", u"<=", u"==", u"!="};
constexpr std::array<QStringView, 4> kAggNames{u"avg", u"min", u"max", u"count"};
constexpr std::array<QStringView, 8> kTypeNames{u"threshold", u"range", u"rate_of_change", u"aggregate",
                                                u"absence",   u"offline", u"all",          u"any"};

constexpr qint64 kMaxWindowMs = 7LL * 24 * 3600 * 1000;
constexpr int kMaxDepth = 4;
constexpr int kMaxLeaves = 20;
constexpr int kMaxActions = 5;
constexpr qint64 kMinCommandIntervalMs = 10000;

template<size_t N>
QString joined(const std::array<QStringView, N> &names)
{
    QStringList out;
    for (QStringView n : names)
        out << QLatin1Char('"') + n.toString() + QLatin1Char('"');
    return out.join(QStringLiteral(", "));
}

template<typename E, size_t N>
std::optional<E> lookup(const std::array<QStringView, N> &names, QStringView text)
{
    for (size_t i = 0; i < N; ++i)
        if (names[i] == text)
            return E(i);
    return std::nullopt;
}

/// Reads one JSON object, naming the path of whatever is wrong in it.
class Reader
{
public:
    Reader(const QJsonObject &o, QString path) : m_o(o), m_path(std::move(path)) {}

    Error error(const QString &key, const QString &why) const { return Error::invalid(at(key) + QStringLiteral(": ") + why); }
    QString at(const QString &key) const { return m_path + QLatin1Char('/') + key; }
    bool has(const QString &key) const { return m_o.contains(key) && !m_o.value(key).isNull(); }

    /// Every key must be one of `known`: a misspelt "for_s" would otherwise be a rule that silently does not wait.
    Status only(std::initializer_list<const char *> known) const
    {
        QSet<QString> allowed;
        for (const char *k : known)
            allowed.insert(QString::fromLatin1(k));
        for (auto it = m_o.begin(); it != m_o.end(); ++it)
            if (!allowed.contains(it.key()))
                return fail(Error::invalid(at(it.key()) + QStringLiteral(": unknown field")));
        return {};
    }

    Result<QString> string(const QString &key, bool required, int maxLength) const
    {
        if (!has(key)) {
            if (required)
                return fail(error(key, QStringLiteral("is required")));
            return QString();
        }
        const QJsonValue v = m_o.value(key);
        if (!v.isString())
            return fail(error(key, QStringLiteral("must be a string")));
        const QString s = v.toString();
        if (required && s.trimmed().isEmpty())
            return fail(error(key, QStringLiteral("must not be empty")));
        if (s.size() > maxLength)
            return fail(error(key, QStringLiteral("is longer than %1 characters").arg(maxLength)));
        return s;
    }

    Result<double> number(const QString &key, bool required, double fallback = 0) const
    {
        if (!has(key)) {
            if (required)
                return fail(error(key, QStringLiteral("is required")));
            return fallback;
        }
        const QJsonValue v = m_o.value(key);
        if (!v.isDouble() || !std::isfinite(v.toDouble()))
            return fail(error(key, QStringLiteral("must be a number")));
        return v.toDouble();
    }

    /// Seconds (a number, fractions allowed) as milliseconds, within [minS, maxMs].
    Result<qint64> seconds(const QString &key, bool required, double minS, qint64 maxMs = kMaxWindowMs) const
    {
        auto n = number(key, required, 0);
        if (!n)
            return fail(n.error());
        if (!has(key))
            return qint64(0);
        if (*n < minS || *n * 1000 > double(maxMs))
            return fail(error(key, QStringLiteral("must be from %1 to %2 seconds").arg(minS).arg(maxMs / 1000)));
        return qint64(std::llround(*n * 1000));
    }

    Result<bool> boolean(const QString &key, bool fallback) const
    {
        if (!has(key))
            return fallback;
        if (!m_o.value(key).isBool())
            return fail(error(key, QStringLiteral("must be true or false")));
        return m_o.value(key).toBool();
    }

    Result<QStringList> strings(const QString &key, int maxItems, int maxLength) const
    {
        if (!has(key))
            return QStringList();
        if (!m_o.value(key).isArray())
            return fail(error(key, QStringLiteral("must be an array of strings")));
        const QJsonArray a = m_o.value(key).toArray();
        if (a.size() > maxItems)
            return fail(error(key, QStringLiteral("has more than %1 entries").arg(maxItems)));
        QStringList out;
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!a.at(i).isString() || a.at(i).toString().isEmpty() || a.at(i).toString().size() > maxLength)
                return fail(Error::invalid(QStringLiteral("%1/%2: must be a non-empty string of at most %3 characters").arg(at(key)).arg(i).arg(maxLength)));
            out << a.at(i).toString();
        }
        return out;
    }

    Result<QJsonObject> object(const QString &key, bool required) const
    {
        if (!has(key)) {
            if (required)
                return fail(error(key, QStringLiteral("is required")));
            return QJsonObject();
        }
        if (!m_o.value(key).isObject())
            return fail(error(key, QStringLiteral("must be an object")));
        return m_o.value(key).toObject();
    }

    const QJsonObject &json() const { return m_o; }

private:
    QJsonObject m_o;
    QString m_path;
};

#define TRY(var, expr)                                                                                                 \
    auto var = (expr);                                                                                                 \
    if (!var)                                                                                                          \
        return fail(var.error());

#define TRY_STATUS(expr)                                                                                               \
    if (auto st_ = (expr); !st_)                                                                                       \
        return fail(st_.error());

Result<Condition> parseCondition(const QJsonValue &value, const QString &path, int depth, int &leaves)
{
    if (!value.isObject())
        return fail(Error::invalid(path + QStringLiteral(": must be an object")));
    const Reader r(value.toObject(), path);
    TRY(typeText, r.string(QStringLiteral("type"), true, 32));
    const auto type = lookup<Condition::Type>(kTypeNames, *typeText);
    if (!type)
        return fail(r.error(QStringLiteral("type"), QStringLiteral("unknown condition type \"%1\" (one of %2)").arg(*typeText, joined(kTypeNames))));
    Condition c;
    c.type = *type;
    if (!c.isLeaf()) {
        TRY_STATUS(r.only({"type", "conditions"}));
        if (depth >= kMaxDepth)
            return fail(Error::invalid(path + QStringLiteral(": conditions nest at most %1 deep").arg(kMaxDepth)));
        const QJsonValue list = r.json().value(QStringLiteral("conditions"));
        if (!list.isArray() || list.toArray().isEmpty())
            return fail(r.error(QStringLiteral("conditions"), QStringLiteral("must be a non-empty array of conditions")));
        const QJsonArray a = list.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            TRY(child, parseCondition(a.at(i), QStringLiteral("%1/conditions/%2").arg(path).arg(i), depth + 1, leaves));
            c.children.push_back(std::move(*child));
        }
        return c;
    }
    if (++leaves > kMaxLeaves)
        return fail(Error::invalid(path + QStringLiteral(": a rule has at most %1 leaf conditions").arg(kMaxLeaves)));

    const auto metricRequired = [&](bool required) -> Status {
        auto m = r.string(QStringLiteral("metric"), required, 128);
        if (!m)
            return fail(m.error());
        c.metric = *m;
        return {};
    };
    const auto comparison = [&]() -> Status {
        TRY(opText, r.string(QStringLiteral("op"), true, 8));
        const auto op = lookup<Op>(kOpNames, *opText);
        if (!op)
            return fail(r.error(QStringLiteral("op"), QStringLiteral("unknown operator \"%1\" (one of %2)").arg(*opText, joined(kOpNames))));
        c.op = *op;
        TRY(v, r.number(QStringLiteral("value"), true));
        c.value = *v;
        return {};
    };
    // The modifiers every value test takes: for_s, repeat, deadband.
    const auto modifiers = [&]() -> Status {
        TRY(forMs, r.seconds(QStringLiteral("for_s"), false, 0));
        c.forMs = *forMs;
        TRY(db, r.number(QStringLiteral("deadband"), false, 0));
        if (*db < 0)
            return fail(r.error(QStringLiteral("deadband"), QStringLiteral("must not be negative")));
        c.deadband = *db;
        TRY(repeat, r.object(QStringLiteral("repeat"), false));
        if (!repeat->isEmpty()) {
            const Reader rr(*repeat, r.at(QStringLiteral("repeat")));
            TRY_STATUS(rr.only({"count", "window_s"}));
            TRY(count, rr.number(QStringLiteral("count"), true));
            if (*count < 2 || *count > 1000 || std::floor(*count) != *count)
                return fail(rr.error(QStringLiteral("count"), QStringLiteral("must be a whole number from 2 to 1000")));
            c.repeat = int(*count);
            TRY(window, rr.seconds(QStringLiteral("window_s"), true, 1));
            c.repeatWindowMs = *window;
        }
        if (c.forMs > 0 && c.repeat > 0)
            return fail(Error::invalid(path + QStringLiteral(": \"for_s\" and \"repeat\" cannot be combined in one condition (put them in an \"all\")")));
        return {};
    };

    switch (c.type) {
    case Condition::Type::Threshold:
        TRY_STATUS(r.only({"type", "metric", "op", "value", "for_s", "repeat", "deadband"}));
        TRY_STATUS(metricRequired(true));
        TRY_STATUS(comparison());
        TRY_STATUS(modifiers());
        break;
    case Condition::Type::RateOfChange:
        TRY_STATUS(r.only({"type", "metric", "op", "value", "for_s", "repeat", "deadband"}));
        TRY_STATUS(metricRequired(true));
        TRY_STATUS(comparison());
        TRY_STATUS(modifiers());
        break;
    case Condition::Type::Range: {
        TRY_STATUS(r.only({"type", "metric", "min", "max", "outside", "for_s", "repeat", "deadband"}));
        TRY_STATUS(metricRequired(true));
        TRY(mn, r.number(QStringLiteral("min"), true));
        TRY(mx, r.number(QStringLiteral("max"), true));
        if (*mn >= *mx)
            return fail(r.error(QStringLiteral("max"), QStringLiteral("must be greater than \"min\"")));
        c.min = *mn;
        c.max = *mx;
        TRY(outside, r.boolean(QStringLiteral("outside"), true));
        c.outside = *outside;
        TRY_STATUS(modifiers());
        if (c.deadband * 2 >= c.max - c.min)
            return fail(r.error(QStringLiteral("deadband"), QStringLiteral("must be less than half the range")));
        break;
    }
    case Condition::Type::Aggregate: {
        TRY_STATUS(r.only({"type", "metric", "agg", "window_s", "op", "value", "for_s", "repeat", "deadband"}));
        TRY_STATUS(metricRequired(true));
        TRY(aggText, r.string(QStringLiteral("agg"), true, 8));
        const auto agg = lookup<Agg>(kAggNames, *aggText);
        if (!agg)
            return fail(r.error(QStringLiteral("agg"), QStringLiteral("unknown aggregate \"%1\" (one of %2)").arg(*aggText, joined(kAggNames))));
        c.agg = *agg;
        TRY(window, r.seconds(QStringLiteral("window_s"), true, 1));
        c.windowMs = *window;
        TRY_STATUS(comparison());
        TRY_STATUS(modifiers());
        break;
    }
    case Condition::Type::Absence: {
        TRY_STATUS(r.only({"type", "metric", "seconds"}));
        TRY_STATUS(metricRequired(false));
        TRY(s, r.seconds(QStringLiteral("seconds"), true, 1));
        c.absenceMs = *s;
        break;
    }
    case Condition::Type::Offline: {
        TRY_STATUS(r.only({"type", "seconds"}));
        TRY(s, r.seconds(QStringLiteral("seconds"), false, 0));
        c.absenceMs = *s;
        break;
    }
    case Condition::Type::All:
    case Condition::Type::Any:
        break;
    }
    return c;
}

void collectMetrics(const Condition &c, QStringList &out)
{
    if (!c.metric.isEmpty() && !out.contains(c.metric))
        out << c.metric;
    for (const Condition &child : c.children)
        collectMetrics(child, out);
}

double roundish(qint64 ms) { return double(ms) / 1000.0; }

} // namespace

QString name(Severity s) { return kSeverityNames[size_t(s)].toString(); }
std::optional<Severity> severity(QStringView text) { return lookup<Severity>(kSeverityNames, text); }

bool Condition::isTimed() const
{
    if (forMs > 0 || repeat > 0 || type == Type::Absence || type == Type::Offline || type == Type::Aggregate)
        return true;
    for (const Condition &c : children)
        if (c.isTimed())
            return true;
    return false;
}

bool Scope::matches(const DeviceSummary &d) const
{
    if (!deviceType.isEmpty() && d.deviceType != deviceType)
        return false;
    for (const QString &t : tags)
        if (!d.tags.contains(t))
            return false;
    if (!deviceIds.isEmpty() && !deviceIds.contains(d.id))
        return false;
    return true;
}

Severity Rule::severity() const
{
    for (const Action &a : actions)
        if (a.type == Action::Type::Alert)
            return a.severity;
    return Severity::Info;
}

QStringList Rule::metrics() const
{
    QStringList out;
    collectMetrics(condition, out);
    if (hasClear)
        collectMetrics(clear, out);
    return out;
}

Result<Rule> parse(const QJsonObject &body)
{
    const Reader r(body, QString());
    TRY_STATUS(r.only({"name", "description", "scope", "condition", "clear_condition", "actions", "on_delay_s", "off_delay_s", "is_active"}));
    Rule rule;
    TRY(name, r.string(QStringLiteral("name"), true, 200));
    rule.name = name->trimmed();
    TRY(description, r.string(QStringLiteral("description"), false, 2000));
    rule.description = *description;

    TRY(scope, r.object(QStringLiteral("scope"), false));
    {
        const Reader s(*scope, QStringLiteral("/scope"));
        TRY_STATUS(s.only({"device_type", "tags", "device_ids"}));
        TRY(type, s.string(QStringLiteral("device_type"), false, 64));
        rule.scope.deviceType = *type;
        TRY(tags, s.strings(QStringLiteral("tags"), 32, 64));
        rule.scope.tags = *tags;
        TRY(ids, s.strings(QStringLiteral("device_ids"), 1000, 64));
        rule.scope.deviceIds = *ids;
    }

    int leaves = 0;
    if (!r.has(QStringLiteral("condition")))
        return fail(r.error(QStringLiteral("condition"), QStringLiteral("is required")));
    TRY(condition, parseCondition(body.value(QStringLiteral("condition")), QStringLiteral("/condition"), 1, leaves));
    rule.condition = std::move(*condition);
    if (r.has(QStringLiteral("clear_condition"))) {
        TRY(clear, parseCondition(body.value(QStringLiteral("clear_condition")), QStringLiteral("/clear_condition"), 1, leaves));
        rule.clear = std::move(*clear);
        rule.hasClear = true;
    }

    TRY(onDelay, r.seconds(QStringLiteral("on_delay_s"), false, 0, 24LL * 3600 * 1000));
    rule.onDelayMs = *onDelay;
    TRY(offDelay, r.seconds(QStringLiteral("off_delay_s"), false, 0, 24LL * 3600 * 1000));
    rule.offDelayMs = *offDelay;
    TRY(isActive, r.boolean(QStringLiteral("is_active"), true));
    rule.active = *isActive;

    const QJsonValue actions = body.value(QStringLiteral("actions"));
    if (!actions.isArray() || actions.toArray().isEmpty())
        return fail(r.error(QStringLiteral("actions"), QStringLiteral("must be a non-empty array (an alert, a command or both)")));
    const QJsonArray list = actions.toArray();
    if (list.size() > kMaxActions)
        return fail(r.error(QStringLiteral("actions"), QStringLiteral("has more than %1 actions").arg(kMaxActions)));
    bool hasAlert = false;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString path = QStringLiteral("/actions/%1").arg(i);
        if (!list.at(i).isObject())
            return fail(Error::invalid(path + QStringLiteral(": must be an object")));
        const Reader a(list.at(i).toObject(), path);
        TRY(typeText, a.string(QStringLiteral("type"), true, 16));
        Action action;
        if (*typeText == u"alert") {
            TRY_STATUS(a.only({"type", "severity", "message"}));
            if (hasAlert)
                return fail(a.error(QStringLiteral("type"), QStringLiteral("a rule raises at most one alert")));
            hasAlert = true;
            action.type = Action::Type::Alert;
            TRY(sevText, a.string(QStringLiteral("severity"), true, 16));
            const auto sev = severity(*sevText);
            if (!sev)
                return fail(a.error(QStringLiteral("severity"), QStringLiteral("unknown severity \"%1\" (one of %2)").arg(*sevText, joined(kSeverityNames))));
            action.severity = *sev;
            TRY(message, a.string(QStringLiteral("message"), false, 500));
            action.message = *message;
        } else if (*typeText == u"command") {
            TRY_STATUS(a.only({"type", "command", "params", "min_interval_s"}));
            action.type = Action::Type::Command;
            TRY(command, a.string(QStringLiteral("command"), true, 64));
            static const QRegularExpression commandName(QStringLiteral("^[a-z][a-z0-9_.-]{0,63}$"));
            if (!commandName.match(*command).hasMatch())
                return fail(a.error(QStringLiteral("command"), QStringLiteral("must be 1 to 64 characters of a-z, 0-9, '_', '.' or '-', starting with a letter")));
            action.command = *command;
            TRY(params, a.object(QStringLiteral("params"), false));
            action.params = *params;
            // A command that changes what the rule watches could raise the rule again: a command action runs at most
            // once per interval and device, so such a rule can never loop faster than that.
            TRY(interval, a.seconds(QStringLiteral("min_interval_s"), false, double(kMinCommandIntervalMs) / 1000));
            action.minIntervalMs = a.has(QStringLiteral("min_interval_s")) ? *interval : 60000;
        } else {
            return fail(a.error(QStringLiteral("type"), QStringLiteral("unknown action type \"%1\" (one of \"alert\", \"command\")").arg(*typeText)));
        }
        rule.actions.push_back(std::move(action));
    }
    return rule;
}

QJsonObject toJson(const Condition &c)
{
    QJsonObject o{{QStringLiteral("type"), kTypeNames[size_t(c.type)].toString()}};
    if (!c.isLeaf()) {
        QJsonArray children;
        for (const Condition &child : c.children)
            children.append(toJson(child));
        o.insert(QStringLiteral("conditions"), children);
        return o;
    }
    if (!c.metric.isEmpty())
        o.insert(QStringLiteral("metric"), c.metric);
    switch (c.type) {
    case Condition::Type::Threshold:
    case Condition::Type::RateOfChange:
        o.insert(QStringLiteral("op"), kOpNames[size_t(c.op)].toString());
        o.insert(QStringLiteral("value"), c.value);
        break;
    case Condition::Type::Range:
        o.insert(QStringLiteral("min"), c.min);
        o.insert(QStringLiteral("max"), c.max);
        o.insert(QStringLiteral("outside"), c.outside);
        break;
    case Condition::Type::Aggregate:
        o.insert(QStringLiteral("agg"), kAggNames[size_t(c.agg)].toString());
        o.insert(QStringLiteral("window_s"), roundish(c.windowMs));
        o.insert(QStringLiteral("op"), kOpNames[size_t(c.op)].toString());
        o.insert(QStringLiteral("value"), c.value);
        break;
    case Condition::Type::Absence:
    case Condition::Type::Offline:
        o.insert(QStringLiteral("seconds"), roundish(c.absenceMs));
        break;
    default:
        break;
    }
    if (c.forMs > 0)
        o.insert(QStringLiteral("for_s"), roundish(c.forMs));
    if (c.repeat > 0)
        o.insert(QStringLiteral("repeat"), QJsonObject{{QStringLiteral("count"), c.repeat}, {QStringLiteral("window_s"), roundish(c.repeatWindowMs)}});
    if (c.deadband > 0)
        o.insert(QStringLiteral("deadband"), c.deadband);
    return o;
}

QJsonObject toJson(const Rule &rule)
{
    QJsonObject scope;
    if (!rule.scope.deviceType.isEmpty())
        scope.insert(QStringLiteral("device_type"), rule.scope.deviceType);
    if (!rule.scope.tags.isEmpty())
        scope.insert(QStringLiteral("tags"), QJsonArray::fromStringList(rule.scope.tags));
    if (!rule.scope.deviceIds.isEmpty())
        scope.insert(QStringLiteral("device_ids"), QJsonArray::fromStringList(rule.scope.deviceIds));
    QJsonArray actions;
    for (const Action &a : rule.actions) {
        if (a.type == Action::Type::Alert) {
            actions.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("alert")}, {QStringLiteral("severity"), name(a.severity)},
                                       {QStringLiteral("message"), a.message}});
        } else {
            actions.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("command")}, {QStringLiteral("command"), a.command},
                                       {QStringLiteral("params"), a.params}, {QStringLiteral("min_interval_s"), roundish(a.minIntervalMs)}});
        }
    }
    QJsonObject o{{QStringLiteral("name"), rule.name},
                  {QStringLiteral("description"), rule.description},
                  {QStringLiteral("scope"), scope},
                  {QStringLiteral("condition"), toJson(rule.condition)},
                  {QStringLiteral("actions"), actions},
                  {QStringLiteral("on_delay_s"), roundish(rule.onDelayMs)},
                  {QStringLiteral("off_delay_s"), roundish(rule.offDelayMs)},
                  {QStringLiteral("is_active"), rule.active}};
    if (rule.hasClear)
        o.insert(QStringLiteral("clear_condition"), toJson(rule.clear));
    return o;
}

QString render(const QString &templ, const QHash<QString, QString> &values)
{
    static const QRegularExpression placeholder(QStringLiteral("\\{([a-z_.]+)\\}"));
    QString out;
    qsizetype last = 0;
    for (auto it = placeholder.globalMatch(templ); it.hasNext();) {
        const auto m = it.next();
        out += templ.mid(last, m.capturedStart() - last);
        const auto v = values.constFind(m.captured(1));
        out += v != values.cend() ? *v : m.captured(0); // an unknown name stays as written, visibly
        last = m.capturedEnd();
    }
    out += templ.mid(last);
    return out;
}

} // namespace Fleetdeck::Rules
