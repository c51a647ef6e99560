#include "api/notificationapi.h"

#include "api/router.h"
#include "auth/policy.h"
#include "notifications/notificationservice.h"

#include <QtCore/QJsonArray>

namespace Fleetdeck::Api {

using Notify::Channel;
using Notify::Delivery;
using NotifyPolicy = Notify::Policy;

namespace {

template<typename T, typename F>
Response answer(const Result<T> &r, F &&toJsonFn, int status = 200)
{
    if (!r)
        return Response::fromError(r.error());
    return Response::json(toJsonFn(*r), status);
}

template<typename T>
QJsonObject listOf(const QList<T> &list)
{
    QJsonArray items;
    for (const T &x : list)
        items.append(toJson(x));
    return {{QStringLiteral("items"), items}, {QStringLiteral("count"), items.size()}};
}

QJsonObject channelJson(const Channel &c) { return toJson(c); }
QJsonObject policyJson(const NotifyPolicy &p) { return toJson(p); }
QJsonObject deliveryJson(const Delivery &d) { return toJson(d); }

} // namespace

void registerNotificationRoutes(Router &router, NotificationService *n)
{
    Policy::define({
        {QStringLiteral("notification.read"), Policy::writers(),
         QStringLiteral("Read the organisation's notification channels (secrets withheld), policies and delivery log")},
        {QStringLiteral("notification.write"), Policy::admins(),
         QStringLiteral("Create, change, delete and test notification channels and policies; retry deliveries")},
    });

    // Channels
    router.add("POST", QStringLiteral("/v1/notification-channels"), QStringLiteral("notification.write"),
               QStringLiteral("Create a channel: {\"name\", \"kind\": webhook|email|sms|pagerduty, \"config\": {...}}"), [n](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   auto c = n->createChannel(req.who(), body);
                   if (!c)
                       return Response::fromError(c.error());
                   Response r = Response::json(toJson(*c), 201);
                   r.headers.append({QByteArray("Location"), QStringLiteral("/v1/notification-channels/%1").arg(c->id).toLatin1()});
                   return r;
               });
    router.add("GET", QStringLiteral("/v1/notification-channels"), QStringLiteral("notification.read"),
               QStringLiteral("The organisation's notification channels, oldest first (secrets withheld)"),
               [n](Request &req) { return answer(n->channels(req.who()), listOf<Channel>); });
    router.add("GET", QStringLiteral("/v1/notification-channels/{channel_id}"), QStringLiteral("notification.read"),
               QStringLiteral("One notification channel (secrets withheld)"), [n](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("channel_id"), "notification channel"))
                       return *bad;
                   return answer(n->channel(req.who(), req.arg(QStringLiteral("channel_id"))), channelJson);
               });
    router.add("PATCH", QStringLiteral("/v1/notification-channels/{channel_id}"), QStringLiteral("notification.write"),
               QStringLiteral("Change a channel (a given config replaces the stored one; a secret sent back as \"********\" is kept)"),
               [n](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("channel_id"), "notification channel"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return answer(n->updateChannel(req.who(), req.arg(QStringLiteral("channel_id")), body), channelJson);
               });
    router.add("DELETE", QStringLiteral("/v1/notification-channels/{channel_id}"), QStringLiteral("notification.write"),
               QStringLiteral("Delete a channel no policy sends to; its waiting deliveries are cancelled"), [n](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("channel_id"), "notification channel"))
                       return *bad;
                   const Status st = n->removeChannel(req.who(), req.arg(QStringLiteral("channel_id")));
                   return st ? Response::noContent() : Response::fromError(st.error());
               });
    router.add("POST", QStringLiteral("/v1/notification-channels/{channel_id}/test"), QStringLiteral("notification.write"),
               QStringLiteral("Send a test message over the channel: answers the delivery at once (202); its outcome is in the delivery log"),
               [n](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("channel_id"), "notification channel"))
                       return *bad;
                   return answer(n->testChannel(req.who(), req.arg(QStringLiteral("channel_id"))), deliveryJson, 202);
               });

    // Policies
    router.add("POST", QStringLiteral("/v1/notification-policies"), QStringLiteral("notification.write"),
               QStringLiteral("Create a policy: which alerts (severities, rule_ids, include_health) and changes (events) go to which channel_ids, "
                              "with quiet_hours and escalation"),
               [n](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   auto p = n->createPolicy(req.who(), body);
                   if (!p)
                       return Response::fromError(p.error());
                   Response r = Response::json(toJson(*p), 201);
                   r.headers.append({QByteArray("Location"), QStringLiteral("/v1/notification-policies/%1").arg(p->id).toLatin1()});
                   return r;
               });
    router.add("GET", QStringLiteral("/v1/notification-policies"), QStringLiteral("notification.read"),
               QStringLiteral("The organisation's notification policies, oldest first"),
               [n](Request &req) { return answer(n->policies(req.who()), listOf<NotifyPolicy>); });
    router.add("GET", QStringLiteral("/v1/notification-policies/{policy_id}"), QStringLiteral("notification.read"),
               QStringLiteral("One notification policy"), [n](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("policy_id"), "notification policy"))
                       return *bad;
                   return answer(n->policy(req.who(), req.arg(QStringLiteral("policy_id"))), policyJson);
               });
    router.add("PATCH", QStringLiteral("/v1/notification-policies/{policy_id}"), QStringLiteral("notification.write"),
               QStringLiteral("Change a policy (the fields given replace the stored ones)"), [n](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("policy_id"), "notification policy"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return answer(n->updatePolicy(req.who(), req.arg(QStringLiteral("policy_id")), body), policyJson);
               });
    router.add("DELETE", QStringLiteral("/v1/notification-policies/{policy_id}"), QStringLiteral("notification.write"),
               QStringLiteral("Delete a policy (deliveries it made stay in the log and are still sent)"), [n](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("policy_id"), "notification policy"))
                       return *bad;
                   const Status st = n->removePolicy(req.who(), req.arg(QStringLiteral("policy_id")));
                   return st ? Response::noContent() : Response::fromError(st.error());
               });

    // The delivery log
    router.add("GET", QStringLiteral("/v1/notification-deliveries"), QStringLiteral("notification.read"),
               QStringLiteral("The delivery log, newest first: filters status, channel_id, alert_id; cursor pagination"), [n](Request &req) {
                   DeliveryFilter f;
                   if (auto bad = readLimit(req, f.limit))
                       return *bad;
                   f.status = req.queryValue(QStringLiteral("status"));
                   f.channelId = req.queryValue(QStringLiteral("channel_id"));
                   f.alertId = req.queryValue(QStringLiteral("alert_id"));
                   f.cursor = req.queryValue(QStringLiteral("cursor"));
                   auto page = n->deliveries(req.who(), f);
                   if (!page)
                       return Response::problem(page.error().code == ErrorCode::Invalid ? 400 : 503, page.error().message);
                   QJsonArray items;
                   for (const Delivery &d : page->items)
                       items.append(toJson(d));
                   return Response::json({{QStringLiteral("items"), items},
                                          {QStringLiteral("next_cursor"), page->nextCursor.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(page->nextCursor)}});
               });
    router.add("GET", QStringLiteral("/v1/notification-deliveries/{delivery_id}"), QStringLiteral("notification.read"),
               QStringLiteral("One delivery: status, attempts, the receiver's answer"), [n](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("delivery_id"), "delivery"))
                       return *bad;
                   return answer(n->delivery(req.who(), req.arg(QStringLiteral("delivery_id"))), deliveryJson);
               });
    router.add("POST", QStringLiteral("/v1/notification-deliveries/{delivery_id}/retry"), QStringLiteral("notification.write"),
               QStringLiteral("Try a failed or cancelled delivery again now"), [n](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("delivery_id"), "delivery"))
                       return *bad;
                   return answer(n->retry(req.who(), req.arg(QStringLiteral("delivery_id"))), deliveryJson);
               });
}

} // namespace Fleetdeck::Api
