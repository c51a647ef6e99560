#include "api/ruleapi.h"

#include "alerts/alertservice.h"
#include "api/router.h"
#include "auth/policy.h"
#include "core/jsonutil.h"
#include "rules/ruleservice.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>

namespace Fleetdeck::Api {

namespace {

template<typename T, typename F>
Response answer(const Result<T> &r, F &&toJsonFn, int status = 200)
{
    if (!r)
        return Response::fromError(r.error());
    return Response::json(toJsonFn(*r), status);
}

QString noteOf(const QJsonObject &body) { return body.value(QStringLiteral("note")).toString(); }

/// A note, when given, is a string.
std::optional<Response> badNote(const QJsonObject &body)
{
    if (body.contains(QStringLiteral("note")) && !body.value(QStringLiteral("note")).isString() && !body.value(QStringLiteral("note")).isNull())
        return Response::problem(422, QStringLiteral("/note: must be a string"));
    return std::nullopt;
}

QJsonValue iso(qint64 ms) { return Json::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)); }

QJsonObject toJson(const AlarmKpis &k)
{
    QJsonArray floods;
    for (const AlarmKpis::Flood &f : k.floods)
        floods.append(QJsonObject{{QStringLiteral("from"), iso(f.fromMs)}, {QStringLiteral("to"), iso(f.toMs)}, {QStringLiteral("raised"), f.raised}});
    QJsonArray badActors;
    for (const AlarmKpis::BadActor &a : k.badActors)
        badActors.append(QJsonObject{{QStringLiteral("source"), a.source},
                                     {QStringLiteral("rule_id"), a.ruleId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(a.ruleId)},
                                     {QStringLiteral("rule_name"), a.ruleName},
                                     {QStringLiteral("device_id"), a.deviceId},
                                     {QStringLiteral("raised"), a.raised},
                                     {QStringLiteral("share"), a.share}});
    QJsonObject mix;
    for (const AlarmKpis::SeverityShare &s : k.priorityMix)
        mix.insert(Rules::name(s.severity), QJsonObject{{QStringLiteral("raised"), s.raised}, {QStringLiteral("share"), s.share}});
    return QJsonObject{
        {QStringLiteral("from"), iso(k.fromMs)},
        {QStringLiteral("to"), iso(k.toMs)},
        {QStringLiteral("interval_s"), k.intervalS},
        {QStringLiteral("raised"), k.raised},
        {QStringLiteral("per_interval"), QJsonObject{{QStringLiteral("average"), k.averagePerInterval},
                                                     {QStringLiteral("peak"), k.peakPerInterval},
                                                     {QStringLiteral("peak_at"), k.peakAtMs ? iso(*k.peakAtMs) : QJsonValue(QJsonValue::Null)}}},
        {QStringLiteral("floods"), QJsonObject{{QStringLiteral("threshold"), k.floodThreshold},
                                               {QStringLiteral("intervals"), floods.size()},
                                               {QStringLiteral("time_share"), k.floodTimeShare},
                                               {QStringLiteral("items"), floods}}},
        {QStringLiteral("chattering"), k.chattering},
        {QStringLiteral("stale"), QJsonObject{{QStringLiteral("count"), k.stale}, {QStringLiteral("alert_ids"), QJsonArray::fromStringList(k.staleAlertIds)}}},
        {QStringLiteral("bad_actors"), badActors},
        {QStringLiteral("priority_mix"), mix},
        {QStringLiteral("truncated"), k.truncated},
    };
}

} // namespace

void registerRuleRoutes(Router &router, RuleService *rules)
{
    Policy::define({
        {QStringLiteral("rule.read"), Policy::everyone(), QStringLiteral("Read the organisation's rules and backtest rules over stored history")},
        {QStringLiteral("rule.write"), Policy::admins(), QStringLiteral("Create, change and delete rules")},
    });
    router.add("POST", QStringLiteral("/v1/rules"), QStringLiteral("rule.write"),
               QStringLiteral("Create a rule: a scope, a condition tree and actions (an alert, commands); evaluated on committed telemetry"),
               [rules](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   auto rule = rules->create(req.who(), body);
                   if (!rule)
                       return Response::fromError(rule.error());
                   Response r = Response::json(ruleAnswer(*rule), 201);
                   r.headers.append({QByteArray("Location"), QStringLiteral("/v1/rules/%1").arg(rule->id).toLatin1()});
                   return r;
               });
    router.add("GET", QStringLiteral("/v1/rules"), QStringLiteral("rule.read"), QStringLiteral("The organisation's rules, oldest first"),
               [rules](Request &req) {
                   return answer(rules->list(req.who()), [](const QList<Rules::Rule> &list) {
                       QJsonArray items;
                       for (const Rules::Rule &r : list)
                           items.append(ruleAnswer(r));
                       return QJsonObject{{QStringLiteral("items"), items}, {QStringLiteral("count"), items.size()}};
                   });
               });
    // Before anything is saved: the console's rule editor checks a draft as the admin types, with the messages and
    // JSON paths POST /v1/rules would give (the same parser), so the roles are the same too.
    router.add("POST", QStringLiteral("/v1/rules/validate"), QStringLiteral("rule.write"),
               QStringLiteral("Check a rule body without saving it: 200 {\"valid\": true} or the 422 POST /v1/rules would answer"),
               [](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   const auto rule = Rules::parse(body);
                   if (!rule)
                       return Response::fromError(rule.error());
                   return Response::json({{QStringLiteral("valid"), true}});
               });
    router.add("POST", QStringLiteral("/v1/rules/backtest"), QStringLiteral("rule.read"),
               QStringLiteral("When a saved or unsaved rule would have raised and cleared its alert on a device, from stored history"),
               [rules](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   auto request = rules->backtestRequest(req.who(), body);
                   if (!request)
                       return Response::fromError(request.error());
                   if (req.respondLater) { // read on the history reader's thread: a month of readings does not hold ingest
                       rules->backtestLater(req.who(), *request, [respond = req.respondLater](Result<BacktestResult> r) {
                           Response answer = r ? Response::json(toJson(*r)) : Response::fromError(r.error());
                           if (!r && r.error().code == ErrorCode::Unavailable) // the reader is busy: soon
                               answer.headers.append({QByteArray("Retry-After"), QByteArray("1")});
                           respond(std::move(answer));
                       });
                       return Response::deferred();
                   }
                   return answer(rules->backtest(req.who(), *request), [](const BacktestResult &r) { return toJson(r); });
               });
    router.add("GET", QStringLiteral("/v1/rules/{rule_id}"), QStringLiteral("rule.read"), QStringLiteral("One rule"), [rules](Request &req) {
        if (auto bad = checkId(req, QStringLiteral("rule_id"), "rule"))
            return *bad;
        return answer(rules->get(req.who(), req.arg(QStringLiteral("rule_id"))), ruleAnswer);
    });
    router.add("PATCH", QStringLiteral("/v1/rules/{rule_id}"), QStringLiteral("rule.write"),
               QStringLiteral("Change a rule (the fields given replace the stored ones; a changed condition starts its states again)"),
               [rules](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("rule_id"), "rule"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return answer(rules->update(req.who(), req.arg(QStringLiteral("rule_id")), body), ruleAnswer);
               });
    router.add("DELETE", QStringLiteral("/v1/rules/{rule_id}"), QStringLiteral("rule.write"),
               QStringLiteral("Delete a rule; its open alerts close"), [rules](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("rule_id"), "rule"))
                       return *bad;
                   const Status st = rules->remove(req.who(), req.arg(QStringLiteral("rule_id")));
                   return st ? Response::noContent() : Response::fromError(st.error());
               });
}

void registerAlertRoutes(Router &router, AlertService *alerts)
{
    Policy::define({
        {QStringLiteral("alert.read"), Policy::everyone(), QStringLiteral("Read the organisation's alerts and their history")},
        {QStringLiteral("alert.acknowledge"), Policy::writers(), QStringLiteral("Acknowledge, clear and assign alerts")},
        {QStringLiteral("alert.shelve"), Policy::admins(), QStringLiteral("Shelve and unshelve alerts (timed or one-shot, with a note)")},
    });
    router.add("GET", QStringLiteral("/v1/alerts"), QStringLiteral("alert.read"),
               QStringLiteral("The organisation's alerts, newest first: filters state, severity, device_id, rule_id, from, to; cursor pagination"),
               [alerts](Request &req) {
                   AlertFilter f;
                   if (auto bad = readLimit(req, f.limit))
                       return *bad;
                   if (const QString s = req.queryValue(QStringLiteral("state")); !s.isEmpty())
                       f.state = s;
                   for (const QString &s : req.queryValue(QStringLiteral("severity")).split(u',', Qt::SkipEmptyParts)) {
                       const auto sev = Rules::severity(s.trimmed());
                       if (!sev)
                           return Response::problem(400, QStringLiteral("\"severity\" must be a comma-separated list of critical, major, minor, warning, info"));
                       f.severities << *sev;
                   }
                   f.deviceId = req.queryValue(QStringLiteral("device_id"));
                   f.ruleId = req.queryValue(QStringLiteral("rule_id"));
                   for (const auto &[key, target] : {std::pair{QStringLiteral("from"), &f.fromMs}, std::pair{QStringLiteral("to"), &f.toMs}}) {
                       const QString text = req.queryValue(key);
                       if (text.isEmpty())
                           continue;
                       const auto t = Json::parseTime(text);
                       if (!t)
                           return Response::problem(400, QStringLiteral("\"%1\" must be milliseconds since the epoch or an ISO 8601 time").arg(key));
                       *target = *t;
                   }
                   f.cursor = req.queryValue(QStringLiteral("cursor"));
                   auto page = alerts->list(req.who(), f);
                   if (!page)
                       return Response::problem(page.error().code == ErrorCode::Invalid ? 400 : 503, page.error().message);
                   QJsonArray items;
                   for (const Alert &a : page->items)
                       items.append(toJson(a));
                   return Response::json({{QStringLiteral("items"), items},
                                          {QStringLiteral("next_cursor"), page->nextCursor.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(page->nextCursor)}});
               });
    // Before /v1/alerts/{alert_id}: the first route that matches answers.
    router.add("GET", QStringLiteral("/v1/alerts/kpis"), QStringLiteral("alert.read"),
               QStringLiteral("Alarm KPIs (EEMUA 191) over from..to (default: the last 24 h): raises per 10 min, floods, chattering, stale, bad actors, priority mix"),
               [alerts](Request &req) {
                   const qint64 now = QDateTime::currentMSecsSinceEpoch();
                   qint64 range[2] = {now - 24LL * 3600 * 1000, now};
                   for (int i = 0; i < 2; ++i) {
                       const QString key = i == 0 ? QStringLiteral("from") : QStringLiteral("to");
                       const QString text = req.queryValue(key);
                       if (text.isEmpty())
                           continue;
                       const auto t = Json::parseTime(text);
                       if (!t)
                           return Response::problem(422, QStringLiteral("/%1: must be milliseconds since the epoch or an ISO 8601 time").arg(key));
                       range[i] = *t;
                   }
                   return answer(alerts->kpis(req.who(), range[0], range[1]), [](const AlarmKpis &k) { return toJson(k); });
               });
    router.add("GET", QStringLiteral("/v1/alerts/{alert_id}"), QStringLiteral("alert.read"), QStringLiteral("One alert with its history"),
               [alerts](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("alert_id"), "alert"))
                       return *bad;
                   const QString id = req.arg(QStringLiteral("alert_id"));
                   auto alert = alerts->get(req.who(), id);
                   if (!alert)
                       return Response::fromError(alert.error());
                   auto history = alerts->history(req.who(), id);
                   if (!history)
                       return Response::fromError(history.error());
                   QJsonObject o = toJson(*alert);
                   QJsonArray events;
                   for (const AlertEvent &e : *history)
                       events.append(toJson(e));
                   o.insert(QStringLiteral("history"), events);
                   return Response::json(o);
               });

    using Action = std::function<Result<Alert>(const Principal &, const QString &, const QJsonObject &)>;
    const auto action = [&router](const char *verb, const QString &policy, const QString &summary, Action run) {
        router.add("POST", QStringLiteral("/v1/alerts/{alert_id}/%1").arg(QLatin1String(verb)), policy, summary, [run](Request &req) {
            if (auto bad = checkId(req, QStringLiteral("alert_id"), "alert"))
                return *bad;
            QJsonObject body;
            if (auto bad = readBody(req, body, true))
                return *bad;
            if (auto bad = badNote(body))
                return *bad;
            return answer(run(req.who(), req.arg(QStringLiteral("alert_id")), body), [](const Alert &a) { return toJson(a); });
        });
    };
    action("acknowledge", QStringLiteral("alert.acknowledge"), QStringLiteral("Acknowledge an alert's occurrence, with a note"),
           [alerts](const Principal &who, const QString &id, const QJsonObject &b) { return alerts->acknowledge(who, id, noteOf(b)); });
    action("clear", QStringLiteral("alert.acknowledge"), QStringLiteral("Close an alert that returned to normal (409 while it is active)"),
           [alerts](const Principal &who, const QString &id, const QJsonObject &b) { return alerts->clear(who, id, noteOf(b)); });
    action("shelve", QStringLiteral("alert.shelve"),
           QStringLiteral("Shelve an alert: {\"duration_s\": 3600, \"note\": ...} or {\"one_shot\": true, \"note\": ...}"),
           [alerts](const Principal &who, const QString &id, const QJsonObject &b) -> Result<Alert> {
               ShelveRequest r;
               r.note = noteOf(b);
               if (b.contains(QStringLiteral("one_shot")) && !b.value(QStringLiteral("one_shot")).isBool())
                   return fail(Error::invalid(QStringLiteral("/one_shot: must be true or false")));
               r.oneShot = b.value(QStringLiteral("one_shot")).toBool();
               if (r.oneShot && b.contains(QStringLiteral("duration_s")))
                   return fail(Error::invalid(QStringLiteral("/duration_s: not with \"one_shot\"")));
               if (!r.oneShot) {
                   if (!b.value(QStringLiteral("duration_s")).isDouble())
                       return fail(Error::invalid(QStringLiteral("/duration_s: is required (seconds) unless \"one_shot\" is true")));
                   r.durationMs = qint64(b.value(QStringLiteral("duration_s")).toDouble() * 1000);
               }
               return alerts->shelve(who, id, r);
           });
    action("unshelve", QStringLiteral("alert.shelve"), QStringLiteral("End an alert's shelving"),
           [alerts](const Principal &who, const QString &id, const QJsonObject &b) { return alerts->unshelve(who, id, noteOf(b)); });
    action("assign", QStringLiteral("alert.acknowledge"), QStringLiteral("Assign an alert to a user of the organisation ({\"user_id\": null} unassigns)"),
           [alerts](const Principal &who, const QString &id, const QJsonObject &b) -> Result<Alert> {
               const QJsonValue user = b.value(QStringLiteral("user_id"));
               if (!user.isString() && !user.isNull())
                   return fail(Error::invalid(QStringLiteral("/user_id: must be a user's id or null")));
               return alerts->assign(who, id, user.toString(), noteOf(b));
           });
}

} // namespace Fleetdeck::Api
