#include "notifications/notification.h"

#include "core/jsonutil.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QRegularExpression>
#include <QtCore/QTimeZone>
#include <QtCore/QUrl>
#include <cmath>

namespace Fleetdeck::Notify {

namespace {

constexpr int kMaxName = 100;
constexpr int kMaxRecipients = 50;
constexpr int kMaxEscalationSteps = 5;
constexpr qint64 kMaxEscalationMs = 7LL * 24 * 3600 * 1000;

Error invalid(const QString &path, const QString &what) { return Error::invalid(QStringLiteral("%1: %2").arg(path, what)); }

QJsonValue timeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(Json::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC))) : QJsonValue(QJsonValue::Null);
}

QString secretField(ChannelKind k)
{
    switch (k) {
    case ChannelKind::Webhook: return QStringLiteral("secret");
    case ChannelKind::Email: return QStringLiteral("password");
    case ChannelKind::Sms: return QStringLiteral("auth_header");
    case ChannelKind::PagerDuty: return QStringLiteral("routing_key");
    }
    return {};
}

/// Refuses fields a body may not have: a typo is an error, not a silently ignored setting.
std::optional<Error> unknownFields(const QJsonObject &o, const QString &path, std::initializer_list<const char *> known)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool ok = false;
        for (const char *k : known)
            ok = ok || it.key() == QLatin1String(k);
        if (!ok)
            return invalid(path + u'/' + it.key(), QStringLiteral("unknown field"));
    }
    return std::nullopt;
}

std::optional<Error> checkUrl(const QJsonObject &c, const QString &field, bool required)
{
    const QString path = QStringLiteral("/config/") + field;
    if (!c.contains(field)) {
        if (required)
            return invalid(path, QStringLiteral("is required"));
        return std::nullopt;
    }
    const QUrl url(c.value(field).toString(), QUrl::StrictMode);
    if (!c.value(field).isString() || !url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty())
        return invalid(path, QStringLiteral("must be an http or https URL"));
    return std::nullopt;
}

std::optional<Error> checkString(const QJsonObject &c, const QString &field, bool required, int maxLength = 1000)
{
    const QString path = QStringLiteral("/config/") + field;
    if (!c.contains(field))
        return required ? std::optional(invalid(path, QStringLiteral("is required"))) : std::nullopt;
    if (!c.value(field).isString() || (required && c.value(field).toString().isEmpty()))
        return invalid(path, required ? QStringLiteral("must be a non-empty string") : QStringLiteral("must be a string"));
    if (c.value(field).toString().size() > maxLength)
        return invalid(path, QStringLiteral("is longer than %1 characters").arg(maxLength));
    return std::nullopt;
}

std::optional<Error> checkHeaders(const QJsonObject &c)
{
    if (!c.contains(QStringLiteral("headers")))
        return std::nullopt;
    if (!c.value(QStringLiteral("headers")).isObject())
        return invalid(QStringLiteral("/config/headers"), QStringLiteral("must be an object of header names and values"));
    static const QRegularExpression token(QStringLiteral("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$"));
    const QJsonObject h = c.value(QStringLiteral("headers")).toObject();
    for (auto it = h.begin(); it != h.end(); ++it) {
        const QString path = QStringLiteral("/config/headers/") + it.key();
        if (!token.match(it.key()).hasMatch())
            return invalid(path, QStringLiteral("is not a valid header name"));
        if (it.key().compare(u"content-type", Qt::CaseInsensitive) == 0 || it.key().compare(u"content-length", Qt::CaseInsensitive) == 0
            || it.key().startsWith(u"x-fleetdeck-", Qt::CaseInsensitive) || it.key().compare(u"host", Qt::CaseInsensitive) == 0)
            return invalid(path, QStringLiteral("is set by the server"));
        const QString v = it.value().toString();
        if (!it.value().isString() || v.size() > 1000 || v.contains(u'\r') || v.contains(u'\n'))
            return invalid(path, QStringLiteral("must be a single-line string"));
    }
    return std::nullopt;
}

std::optional<Error> checkList(const QJsonObject &c, const QString &field, const QRegularExpression &pattern, const QString &what,
                               const QString &one)
{
    const QString path = QStringLiteral("/config/") + field;
    const QJsonArray list = c.value(field).toArray();
    if (!c.value(field).isArray() || list.isEmpty())
        return invalid(path, QStringLiteral("must be a non-empty list of %1").arg(what));
    if (list.size() > kMaxRecipients)
        return invalid(path, QStringLiteral("has more than %1 entries").arg(kMaxRecipients));
    for (int i = 0; i < list.size(); ++i)
        if (!list.at(i).isString() || !pattern.match(list.at(i).toString()).hasMatch())
            return invalid(QStringLiteral("%1/%2").arg(path).arg(i), QStringLiteral("is not %1").arg(one));
    return std::nullopt;
}

const QRegularExpression &emailPattern()
{
    static const QRegularExpression re(QStringLiteral("^[^@\\s<>,;\"]{1,64}@[A-Za-z0-9.-]{1,255}$"));
    return re;
}

std::optional<Error> checkConfig(ChannelKind kind, QJsonObject &c)
{
    switch (kind) {
    case ChannelKind::Webhook:
        if (auto e = unknownFields(c, QStringLiteral("/config"), {"url", "secret", "headers"}))
            return e;
        if (auto e = checkUrl(c, QStringLiteral("url"), true))
            return e;
        if (auto e = checkString(c, QStringLiteral("secret"), false, 256))
            return e;
        return checkHeaders(c);
    case ChannelKind::Email: {
        if (auto e = unknownFields(c, QStringLiteral("/config"),
                                   {"host", "port", "security", "username", "password", "from", "to", "ca_file", "verify_peer"}))
            return e;
        if (auto e = checkString(c, QStringLiteral("host"), true, 255))
            return e;
        const QString security = c.value(QStringLiteral("security")).toString(QStringLiteral("starttls"));
        if (security != u"starttls" && security != u"tls" && security != u"none")
            return invalid(QStringLiteral("/config/security"), QStringLiteral("must be \"starttls\", \"tls\" or \"none\""));
        c.insert(QStringLiteral("security"), security);
        if (c.contains(QStringLiteral("port"))) {
            const double p = c.value(QStringLiteral("port")).toDouble(-1);
            if (!c.value(QStringLiteral("port")).isDouble() || p < 1 || p > 65535 || p != std::floor(p))
                return invalid(QStringLiteral("/config/port"), QStringLiteral("must be a port number (1 to 65535)"));
        } else {
            c.insert(QStringLiteral("port"), security == u"tls" ? 465 : security == u"starttls" ? 587 : 25);
        }
        if (auto e = checkString(c, QStringLiteral("username"), false, 255))
            return e;
        if (auto e = checkString(c, QStringLiteral("password"), false, 255))
            return e;
        if (!c.value(QStringLiteral("username")).toString().isEmpty()) {
            if (c.value(QStringLiteral("password")).toString().isEmpty())
                return invalid(QStringLiteral("/config/password"), QStringLiteral("is required with a username"));
            if (security == u"none")
                return invalid(QStringLiteral("/config/security"), QStringLiteral("credentials are never sent over an unencrypted connection: use \"starttls\" or \"tls\""));
        }
        if (!c.value(QStringLiteral("from")).isString() || !emailPattern().match(c.value(QStringLiteral("from")).toString()).hasMatch())
            return invalid(QStringLiteral("/config/from"), QStringLiteral("must be an e-mail address"));
        if (auto e = checkList(c, QStringLiteral("to"), emailPattern(), QStringLiteral("e-mail addresses"), QStringLiteral("an e-mail address")))
            return e;
        if (auto e = checkString(c, QStringLiteral("ca_file"), false, 4096))
            return e;
        if (c.contains(QStringLiteral("verify_peer")) && !c.value(QStringLiteral("verify_peer")).isBool())
            return invalid(QStringLiteral("/config/verify_peer"), QStringLiteral("must be true or false"));
        return std::nullopt;
    }
    case ChannelKind::Sms: {
        if (auto e = unknownFields(c, QStringLiteral("/config"), {"url", "to", "format", "to_field", "text_field", "auth_header", "headers"}))
            return e;
        if (auto e = checkUrl(c, QStringLiteral("url"), true))
            return e;
        static const QRegularExpression phone(QStringLiteral("^\\+?[0-9]{5,15}$"));
        if (auto e = checkList(c, QStringLiteral("to"), phone, QStringLiteral("phone numbers"),
                                   QStringLiteral("a phone number (5 to 15 digits, an optional leading +)")))
            return e;
        const QString format = c.value(QStringLiteral("format")).toString(QStringLiteral("json"));
        if (format != u"json" && format != u"form")
            return invalid(QStringLiteral("/config/format"), QStringLiteral("must be \"json\" or \"form\""));
        c.insert(QStringLiteral("format"), format);
        static const QRegularExpression field(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.-]{0,63}$"));
        for (const char *f : {"to_field", "text_field"}) {
            const QString key = QLatin1String(f);
            if (c.contains(key) && (!c.value(key).isString() || !field.match(c.value(key).toString()).hasMatch()))
                return invalid(QStringLiteral("/config/") + key, QStringLiteral("must be a field name"));
        }
        if (auto e = checkString(c, QStringLiteral("auth_header"), false, 1000))
            return e;
        return checkHeaders(c);
    }
    case ChannelKind::PagerDuty:
        if (auto e = unknownFields(c, QStringLiteral("/config"), {"routing_key", "url"}))
            return e;
        if (auto e = checkString(c, QStringLiteral("routing_key"), true, 64))
            return e;
        return checkUrl(c, QStringLiteral("url"), false);
    }
    return std::nullopt;
}

std::optional<Error> readName(const QJsonObject &body, QString &name, bool required)
{
    if (!body.contains(QStringLiteral("name"))) {
        if (required)
            return invalid(QStringLiteral("/name"), QStringLiteral("is required"));
        return std::nullopt;
    }
    const QString n = body.value(QStringLiteral("name")).toString().trimmed();
    if (!body.value(QStringLiteral("name")).isString() || n.isEmpty() || n.size() > kMaxName)
        return invalid(QStringLiteral("/name"), QStringLiteral("must be a non-empty string of at most %1 characters").arg(kMaxName));
    name = n;
    return std::nullopt;
}

std::optional<Error> readActive(const QJsonObject &body, bool &active)
{
    if (!body.contains(QStringLiteral("is_active")))
        return std::nullopt;
    if (!body.value(QStringLiteral("is_active")).isBool())
        return invalid(QStringLiteral("/is_active"), QStringLiteral("must be true or false"));
    active = body.value(QStringLiteral("is_active")).toBool();
    return std::nullopt;
}

std::optional<Error> readSeverities(const QJsonValue &v, const QString &path, QList<Rules::Severity> &out)
{
    if (!v.isArray())
        return invalid(path, QStringLiteral("must be a list of severities (critical, major, minor, warning, info)"));
    out.clear();
    const QJsonArray a = v.toArray();
    for (int i = 0; i < a.size(); ++i) {
        const auto s = Rules::severity(a.at(i).toString());
        if (!s)
            return invalid(QStringLiteral("%1/%2").arg(path).arg(i), QStringLiteral("unknown severity \"%1\"").arg(a.at(i).toString()));
        if (!out.contains(*s))
            out.append(*s);
    }
    return std::nullopt;
}

std::optional<Error> readIds(const QJsonValue &v, const QString &path, QStringList &out, bool nonEmpty)
{
    if (!v.isArray() || (nonEmpty && v.toArray().isEmpty()))
        return invalid(path, nonEmpty ? QStringLiteral("must be a non-empty list of ids") : QStringLiteral("must be a list of ids"));
    out.clear();
    const QJsonArray a = v.toArray();
    if (a.size() > kMaxRecipients)
        return invalid(path, QStringLiteral("has more than %1 entries").arg(kMaxRecipients));
    for (int i = 0; i < a.size(); ++i) {
        if (!a.at(i).isString() || a.at(i).toString().isEmpty() || a.at(i).toString().size() > 64)
            return invalid(QStringLiteral("%1/%2").arg(path).arg(i), QStringLiteral("must be an id"));
        if (!out.contains(a.at(i).toString()))
            out.append(a.at(i).toString());
    }
    return std::nullopt;
}

std::optional<int> minuteOfDay(const QJsonValue &v)
{
    static const QRegularExpression re(QStringLiteral("^([01][0-9]|2[0-3]):([0-5][0-9])$"));
    const auto m = re.match(v.toString());
    if (!v.isString() || !m.hasMatch())
        return std::nullopt;
    return m.captured(1).toInt() * 60 + m.captured(2).toInt();
}

QString hhmm(int minute) { return QStringLiteral("%1:%2").arg(minute / 60, 2, 10, QLatin1Char('0')).arg(minute % 60, 2, 10, QLatin1Char('0')); }

QJsonArray severityNames(const QList<Rules::Severity> &list)
{
    QJsonArray a;
    for (Rules::Severity s : list)
        a.append(Rules::name(s));
    return a;
}

} // namespace

QString name(ChannelKind k)
{
    switch (k) {
    case ChannelKind::Webhook: return QStringLiteral("webhook");
    case ChannelKind::Email: return QStringLiteral("email");
    case ChannelKind::Sms: return QStringLiteral("sms");
    case ChannelKind::PagerDuty: return QStringLiteral("pagerduty");
    }
    return {};
}

std::optional<ChannelKind> channelKind(QStringView text)
{
    for (ChannelKind k : {ChannelKind::Webhook, ChannelKind::Email, ChannelKind::Sms, ChannelKind::PagerDuty})
        if (text == name(k))
            return k;
    return std::nullopt;
}

QStringList Channel::recipients() const
{
    if (kind != ChannelKind::Sms)
        return {QString()};
    QStringList out;
    for (const QJsonValue &v : config.value(QStringLiteral("to")).toArray())
        out << v.toString();
    return out;
}

Result<Channel> parseChannel(const QJsonObject &body, const Channel *previous)
{
    if (auto e = unknownFields(body, QString(), {"name", "kind", "config", "is_active"}))
        return fail(*e);
    Channel c = previous ? *previous : Channel{};
    if (auto e = readName(body, c.name, !previous))
        return fail(*e);
    if (body.contains(QStringLiteral("kind"))) {
        const auto k = channelKind(body.value(QStringLiteral("kind")).toString());
        if (!k)
            return fail(invalid(QStringLiteral("/kind"), QStringLiteral("must be webhook, email, sms or pagerduty")));
        if (previous && *k != previous->kind)
            return fail(invalid(QStringLiteral("/kind"), QStringLiteral("a channel's kind cannot change (make a new channel)")));
        c.kind = *k;
    } else if (!previous) {
        return fail(invalid(QStringLiteral("/kind"), QStringLiteral("is required (webhook, email, sms or pagerduty)")));
    }
    if (body.contains(QStringLiteral("config")) || !previous) {
        if (!body.value(QStringLiteral("config")).isObject())
            return fail(invalid(QStringLiteral("/config"), QStringLiteral("must be an object (the %1 channel's settings)").arg(name(c.kind))));
        QJsonObject config = body.value(QStringLiteral("config")).toObject();
        const QString secret = secretField(c.kind);
        if (previous && config.value(secret).toString() == kRedacted) // sent back as answered: keep the stored one
            config.insert(secret, previous->config.value(secret));
        else if (config.value(secret).toString() == kRedacted)
            return fail(invalid(QStringLiteral("/config/") + secret, QStringLiteral("is the placeholder of a stored secret; give the secret itself")));
        if (auto e = checkConfig(c.kind, config))
            return fail(*e);
        c.config = config;
    }
    if (auto e = readActive(body, c.active))
        return fail(*e);
    return c;
}

QJsonObject toJson(const Channel &c)
{
    QJsonObject config = c.config;
    const QString secret = secretField(c.kind);
    if (config.contains(secret) && !config.value(secret).toString().isEmpty())
        config.insert(secret, QString(kRedacted));
    return {{QStringLiteral("id"), c.id},
            {QStringLiteral("name"), c.name},
            {QStringLiteral("kind"), name(c.kind)},
            {QStringLiteral("config"), config},
            {QStringLiteral("is_active"), c.active},
            {QStringLiteral("created_by"), c.createdBy},
            {QStringLiteral("created_at"), timeOrNull(c.createdAt)},
            {QStringLiteral("updated_at"), timeOrNull(c.updatedAt)}};
}

const QStringList &eventNames()
{
    static const QStringList names{QStringLiteral("raised"), QStringLiteral("acknowledged"), QStringLiteral("cleared"), QStringLiteral("closed")};
    return names;
}

bool Policy::matches(Rules::Severity severity, const QString &ruleId) const
{
    if (!severities.isEmpty() && !severities.contains(severity))
        return false;
    if (ruleId.isEmpty())
        return includeHealth;
    return ruleIds.isEmpty() || ruleIds.contains(ruleId);
}

QStringList Policy::allChannelIds() const
{
    QStringList all = channelIds;
    for (const EscalationStep &s : escalation)
        for (const QString &id : s.channelIds)
            if (!all.contains(id))
                all << id;
    return all;
}

Result<Policy> parsePolicy(const QJsonObject &body, const Policy *previous)
{
    if (auto e = unknownFields(body, QString(), {"name", "is_active", "severities", "rule_ids", "include_health", "events", "channel_ids",
                                                 "quiet_hours", "escalation"}))
        return fail(*e);
    Policy p = previous ? *previous : Policy{};
    if (!previous)
        p.events = {QStringLiteral("raised"), QStringLiteral("cleared")};
    if (auto e = readName(body, p.name, !previous))
        return fail(*e);
    if (auto e = readActive(body, p.active))
        return fail(*e);
    if (body.contains(QStringLiteral("severities")))
        if (auto e = readSeverities(body.value(QStringLiteral("severities")), QStringLiteral("/severities"), p.severities))
            return fail(*e);
    if (body.contains(QStringLiteral("rule_ids")))
        if (auto e = readIds(body.value(QStringLiteral("rule_ids")), QStringLiteral("/rule_ids"), p.ruleIds, false))
            return fail(*e);
    if (body.contains(QStringLiteral("include_health"))) {
        if (!body.value(QStringLiteral("include_health")).isBool())
            return fail(invalid(QStringLiteral("/include_health"), QStringLiteral("must be true or false")));
        p.includeHealth = body.value(QStringLiteral("include_health")).toBool();
    }
    if (body.contains(QStringLiteral("events"))) {
        const QJsonArray a = body.value(QStringLiteral("events")).toArray();
        if (!body.value(QStringLiteral("events")).isArray() || a.isEmpty())
            return fail(invalid(QStringLiteral("/events"), QStringLiteral("must be a non-empty list of: raised, acknowledged, cleared, closed")));
        p.events.clear();
        for (int i = 0; i < a.size(); ++i) {
            if (!eventNames().contains(a.at(i).toString()))
                return fail(invalid(QStringLiteral("/events/%1").arg(i), QStringLiteral("unknown event \"%1\" (raised, acknowledged, cleared, closed)").arg(a.at(i).toString())));
            if (!p.events.contains(a.at(i).toString()))
                p.events << a.at(i).toString();
        }
    }
    if (body.contains(QStringLiteral("channel_ids")) || !previous)
        if (auto e = readIds(body.value(QStringLiteral("channel_ids")), QStringLiteral("/channel_ids"), p.channelIds, true))
            return fail(*e);
    if (body.contains(QStringLiteral("quiet_hours"))) {
        const QJsonValue v = body.value(QStringLiteral("quiet_hours"));
        if (v.isNull()) {
            p.quietHours.reset();
        } else {
            const QJsonObject q = v.toObject();
            if (!v.isObject())
                return fail(invalid(QStringLiteral("/quiet_hours"), QStringLiteral("must be an object {\"start\":\"22:00\",\"end\":\"07:00\",\"time_zone\":\"Europe/Berlin\"} or null")));
            if (auto e = unknownFields(q, QStringLiteral("/quiet_hours"), {"start", "end", "time_zone", "except_severities"}))
                return fail(*e);
            QuietHours qh;
            const auto start = minuteOfDay(q.value(QStringLiteral("start")));
            const auto end = minuteOfDay(q.value(QStringLiteral("end")));
            if (!start)
                return fail(invalid(QStringLiteral("/quiet_hours/start"), QStringLiteral("must be a time of day \"HH:MM\"")));
            if (!end)
                return fail(invalid(QStringLiteral("/quiet_hours/end"), QStringLiteral("must be a time of day \"HH:MM\"")));
            if (*start == *end)
                return fail(invalid(QStringLiteral("/quiet_hours/end"), QStringLiteral("must differ from the start")));
            qh.startMinute = *start;
            qh.endMinute = *end;
            if (q.contains(QStringLiteral("time_zone"))) {
                qh.timeZone = q.value(QStringLiteral("time_zone")).toString();
                if (!QTimeZone(qh.timeZone.toUtf8()).isValid())
                    return fail(invalid(QStringLiteral("/quiet_hours/time_zone"), QStringLiteral("unknown time zone \"%1\" (an IANA name such as Europe/Berlin)").arg(qh.timeZone)));
            }
            if (q.contains(QStringLiteral("except_severities")))
                if (auto e = readSeverities(q.value(QStringLiteral("except_severities")), QStringLiteral("/quiet_hours/except_severities"), qh.except))
                    return fail(*e);
            p.quietHours = qh;
        }
    }
    if (body.contains(QStringLiteral("escalation"))) {
        const QJsonArray a = body.value(QStringLiteral("escalation")).toArray();
        if (!body.value(QStringLiteral("escalation")).isArray() || a.size() > kMaxEscalationSteps)
            return fail(invalid(QStringLiteral("/escalation"), QStringLiteral("must be a list of at most %1 steps {\"after_s\": 600, \"channel_ids\": [...]}").arg(kMaxEscalationSteps)));
        p.escalation.clear();
        qint64 last = 0;
        for (int i = 0; i < a.size(); ++i) {
            const QString path = QStringLiteral("/escalation/%1").arg(i);
            const QJsonObject s = a.at(i).toObject();
            if (!a.at(i).isObject())
                return fail(invalid(path, QStringLiteral("must be an object {\"after_s\": 600, \"channel_ids\": [...]}")));
            if (auto e = unknownFields(s, path, {"after_s", "channel_ids"}))
                return fail(*e);
            const double after = s.value(QStringLiteral("after_s")).toDouble(-1);
            if (!s.value(QStringLiteral("after_s")).isDouble() || after < 1 || after * 1000 > kMaxEscalationMs)
                return fail(invalid(path + QStringLiteral("/after_s"), QStringLiteral("must be seconds from 1 to %1").arg(kMaxEscalationMs / 1000)));
            EscalationStep step;
            step.afterMs = qint64(after * 1000);
            if (step.afterMs <= last)
                return fail(invalid(path + QStringLiteral("/after_s"), QStringLiteral("must be later than the step before")));
            last = step.afterMs;
            if (auto e = readIds(s.value(QStringLiteral("channel_ids")), path + QStringLiteral("/channel_ids"), step.channelIds, true))
                return fail(*e);
            p.escalation.append(step);
        }
    }
    return p;
}

QJsonObject definition(const Policy &p)
{
    QJsonObject d{{QStringLiteral("severities"), severityNames(p.severities)},
                  {QStringLiteral("rule_ids"), QJsonArray::fromStringList(p.ruleIds)},
                  {QStringLiteral("include_health"), p.includeHealth},
                  {QStringLiteral("events"), QJsonArray::fromStringList(p.events)},
                  {QStringLiteral("channel_ids"), QJsonArray::fromStringList(p.channelIds)}};
    if (p.quietHours)
        d.insert(QStringLiteral("quiet_hours"), QJsonObject{{QStringLiteral("start"), hhmm(p.quietHours->startMinute)},
                                                            {QStringLiteral("end"), hhmm(p.quietHours->endMinute)},
                                                            {QStringLiteral("time_zone"), p.quietHours->timeZone},
                                                            {QStringLiteral("except_severities"), severityNames(p.quietHours->except)}});
    else
        d.insert(QStringLiteral("quiet_hours"), QJsonValue::Null);
    QJsonArray steps;
    for (const EscalationStep &s : p.escalation)
        steps.append(QJsonObject{{QStringLiteral("after_s"), double(s.afterMs) / 1000}, {QStringLiteral("channel_ids"), QJsonArray::fromStringList(s.channelIds)}});
    d.insert(QStringLiteral("escalation"), steps);
    return d;
}

QJsonObject toJson(const Policy &p)
{
    QJsonObject o = definition(p);
    o.insert(QStringLiteral("id"), p.id);
    o.insert(QStringLiteral("name"), p.name);
    o.insert(QStringLiteral("is_active"), p.active);
    o.insert(QStringLiteral("created_by"), p.createdBy);
    o.insert(QStringLiteral("created_at"), timeOrNull(p.createdAt));
    o.insert(QStringLiteral("updated_at"), timeOrNull(p.updatedAt));
    return o;
}

std::optional<qint64> quietUntil(const QuietHours &q, qint64 atMs)
{
    const QTimeZone tz(q.timeZone.toUtf8());
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(atMs, tz.isValid() ? tz : QTimeZone::utc());
    const int minute = local.time().hour() * 60 + local.time().minute();
    const bool spansMidnight = q.startMinute > q.endMinute;
    const bool inside = spansMidnight ? (minute >= q.startMinute || minute < q.endMinute) : (minute >= q.startMinute && minute < q.endMinute);
    if (!inside)
        return std::nullopt;
    QDate endDate = local.date();
    if (spansMidnight && minute >= q.startMinute)
        endDate = endDate.addDays(1);
    const QDateTime end(endDate, QTime(q.endMinute / 60, q.endMinute % 60), local.timeZone());
    return std::max(atMs + 1, end.toMSecsSinceEpoch());
}

bool Delivery::finished() const
{
    return status == u"delivered" || status == u"failed" || status == u"skipped" || status == u"cancelled";
}

QJsonObject toJson(const Delivery &d)
{
    return {{QStringLiteral("id"), d.id},
            {QStringLiteral("channel"), QJsonObject{{QStringLiteral("id"), d.channelId}, {QStringLiteral("name"), d.channelName}, {QStringLiteral("kind"), name(d.channelKind)}}},
            {QStringLiteral("policy_id"), d.policyId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(d.policyId)},
            {QStringLiteral("alert_id"), d.alertId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(d.alertId)},
            {QStringLiteral("event"), d.event},
            {QStringLiteral("recipient"), d.recipient.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(d.recipient)},
            {QStringLiteral("subject"), d.payload.value(QStringLiteral("subject"))},
            {QStringLiteral("status"), d.status},
            {QStringLiteral("attempts"), d.attempts},
            {QStringLiteral("created_at"), timeOrNull(d.createdAt)},
            {QStringLiteral("next_attempt_at"), d.finished() ? QJsonValue(QJsonValue::Null) : timeOrNull(d.nextAttemptAt)},
            {QStringLiteral("last_attempt_at"), timeOrNull(d.lastAttemptAt)},
            {QStringLiteral("delivered_at"), timeOrNull(d.deliveredAt)},
            {QStringLiteral("response_code"), d.responseCode ? QJsonValue(d.responseCode) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("response"), d.response.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(d.response)},
            {QStringLiteral("last_error"), d.lastError.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(d.lastError)},
            {QStringLiteral("updated_at"), timeOrNull(d.updatedAt)}};
}

} // namespace Fleetdeck::Notify
