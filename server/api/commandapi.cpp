#include "api/commandapi.h"

#include "api/router.h"
#include "auth/policy.h"
#include "commands/commandservice.h"
#include "commands/groupjobs.h"
#include "commands/twinservice.h"
#include "core/jsonutil.h"
#include "runtime/validation.h"

#include <QtCore/QJsonArray>

namespace Fleetdeck::Api {

namespace {

// The commands area's JSON, here at the API's edge only: the services give typed values (commands/commandtypes.h).

QJsonValue time(qint64 ms) { return Json::timestamp(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)); }
QJsonValue time(const std::optional<qint64> &ms) { return ms ? time(*ms) : QJsonValue(QJsonValue::Null); }

QJsonObject commandJson(const Command &c)
{
    const QString status = States::name(c.state);
    // The history is built from the time of each state (a command passes each at most once, in order).
    QJsonArray history{QJsonObject{{QStringLiteral("status"), States::name(States::CommandState::Queued)}, {QStringLiteral("at"), time(c.createdMs)}}};
    if (c.sentMs)
        history.append(QJsonObject{{QStringLiteral("status"), States::name(States::CommandState::Sent)}, {QStringLiteral("at"), time(c.sentMs)}});
    if (c.deliveredMs)
        history.append(QJsonObject{{QStringLiteral("status"), States::name(States::CommandState::Delivered)}, {QStringLiteral("at"), time(c.deliveredMs)}});
    if (c.finishedMs)
        history.append(QJsonObject{{QStringLiteral("status"), status}, {QStringLiteral("at"), time(c.finishedMs)}});
    return QJsonObject{
        {QStringLiteral("command_id"), c.id},
        {QStringLiteral("tenant_id"), c.tenantId},
        {QStringLiteral("device_id"), c.deviceId},
        {QStringLiteral("job_id"), Validation::nullable(c.jobId)},
        {QStringLiteral("type"), c.type},
        {QStringLiteral("payload"), c.payload},
        {QStringLiteral("status"), status},
        {QStringLiteral("final"), States::isFinal(c.state)},
        {QStringLiteral("timeout_s"), c.timeoutS},
        {QStringLiteral("ttl_s"), c.ttlS},
        {QStringLiteral("created_by"), Validation::nullable(c.createdBy)},
        {QStringLiteral("created_at"), time(c.createdMs)},
        {QStringLiteral("expires_at"), time(c.expiresMs)},
        {QStringLiteral("sent_at"), time(c.sentMs)},
        {QStringLiteral("delivered_at"), time(c.deliveredMs)},
        {QStringLiteral("finished_at"), time(c.finishedMs)},
        {QStringLiteral("result"), c.result},
        {QStringLiteral("error"), Validation::nullable(c.error)},
        {QStringLiteral("late_reply"), c.lateReply},
        {QStringLiteral("history"), history},
    };
}

QJsonObject jobJson(const GroupJob &j)
{
    QJsonObject counts;
    for (size_t i = 0; i < j.counts.size(); ++i)
        counts.insert(States::name(States::CommandState(i)), j.counts[i]);
    QJsonArray skipped;
    for (const SkippedDevice &s : j.skipped)
        skipped.append(QJsonObject{{QStringLiteral("device_id"), s.deviceId}, {QStringLiteral("reason"), s.reason}});
    return QJsonObject{
        {QStringLiteral("job_id"), j.id},
        {QStringLiteral("tenant_id"), j.tenantId},
        {QStringLiteral("type"), j.type},
        {QStringLiteral("payload"), j.payload},
        {QStringLiteral("target"), j.target},
        {QStringLiteral("timeout_s"), j.timeoutS},
        {QStringLiteral("ttl_s"), j.ttlS},
        {QStringLiteral("total"), j.total},
        {QStringLiteral("counts"), counts},
        {QStringLiteral("status"), j.running ? QStringLiteral("running") : QStringLiteral("finished")},
        {QStringLiteral("skipped"), skipped},
        {QStringLiteral("created_by"), Validation::nullable(j.createdBy)},
        {QStringLiteral("created_at"), time(j.createdMs)},
        {QStringLiteral("finished_at"), time(j.finishedMs)},
    };
}

QJsonObject twinJson(const TwinConfig &t)
{
    return QJsonObject{
        {QStringLiteral("device_id"), t.deviceId},
        {QStringLiteral("desired"), t.desired},
        {QStringLiteral("desired_version"), t.desiredVersion},
        {QStringLiteral("desired_at"), time(t.desiredMs)},
        {QStringLiteral("desired_by"), Validation::nullable(t.desiredBy)},
        {QStringLiteral("reported"), t.reported ? QJsonValue(*t.reported) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("reported_version"), t.reportedVersion},
        {QStringLiteral("reported_at"), time(t.reportedMs)},
        {QStringLiteral("delta"), t.delta},
        {QStringLiteral("in_sync"), t.inSync},
    };
}

/// A typed result as JSON, the error kept.
template<typename T, typename ToJson>
Result<QJsonObject> asJson(const Result<T> &r, ToJson toJson)
{
    if (!r)
        return fail(r.error());
    return toJson(*r);
}

template<typename T, typename ToJson>
Result<QJsonObject> pageJson(const Result<Page<T>> &r, ToJson toJson)
{
    if (!r)
        return fail(r.error());
    QJsonArray items;
    for (const T &item : r->items)
        items.append(toJson(item));
    return QJsonObject{{QStringLiteral("items"), items}, {QStringLiteral("next_cursor"), Validation::nullable(r->nextCursor)}};
}

/// Query-string mistakes are 400, like the other list endpoints.
Response listOr(const Result<QJsonObject> &r)
{
    if (!r && r.error().code == ErrorCode::Invalid)
        return Response::problem(400, r.error().message);
    return jsonOr(r);
}

} // namespace

void registerCommandRoutes(Router &router, CommandService *c, GroupJobs *groups, TwinService *twin)
{
    Policy::define({
        {QStringLiteral("command.read"), Policy::everyone(), QStringLiteral("Read commands, their states and results, and group commands")},
        {QStringLiteral("command.send"), Policy::writers(), QStringLiteral("Send commands to devices")},
        {QStringLiteral("command.cancel"), Policy::writers(), QStringLiteral("Cancel a command that is not finished")},
        {QStringLiteral("config.read"), Policy::everyone(), QStringLiteral("Read a device's desired and reported configuration")},
        {QStringLiteral("config.write"), Policy::writers(), QStringLiteral("Change a device's desired configuration")},
    });
    router.add("POST", QStringLiteral("/v1/devices/{device_id}/commands"), QStringLiteral("command.send"),
               QStringLiteral("Send a command to a device: queued, then sent, delivered and finished as the device replies"),
               [c](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("device_id"), "device"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   if (auto st = Validation::checkKnownKeys(body, CommandService::specKeys()); !st)
                       return Response::fromError(st.error());
                   auto request = c->parseRequest(body);
                   if (!request)
                       return Response::fromError(request.error());
                   return created(asJson(c->send(req.who(), req.arg(QStringLiteral("device_id")), *request), commandJson), QStringLiteral("/v1/commands"),
                                  QStringLiteral("command_id"));
               });

    router.add("GET", QStringLiteral("/v1/devices/{device_id}/commands"), QStringLiteral("command.read"),
               QStringLiteral("A device's commands, newest first, with filters and cursor pagination"),
               [c](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("device_id"), "device"))
                       return *bad;
                   CommandListFilter f;
                   if (auto bad = readLimit(req, f.limit))
                       return *bad;
                   f.status = req.queryValue(QStringLiteral("status"));
                   f.type = req.queryValue(QStringLiteral("type"));
                   f.cursor = req.queryValue(QStringLiteral("cursor"));
                   return listOr(pageJson(c->list(req.who(), req.arg(QStringLiteral("device_id")), f), commandJson));
               });

    router.add("GET", QStringLiteral("/v1/commands/{command_id}"), QStringLiteral("command.read"),
               QStringLiteral("One command with its state, the time of each state and the device's result"),
               [c](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("command_id"), "command"))
                       return *bad;
                   return jsonOr(asJson(c->get(req.who(), req.arg(QStringLiteral("command_id"))), commandJson));
               });

    router.add("POST", QStringLiteral("/v1/commands/{command_id}/cancel"), QStringLiteral("command.cancel"),
               QStringLiteral("Cancel a command that is not finished yet"),
               [c](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("command_id"), "command"))
                       return *bad;
                   return jsonOr(asJson(c->cancel(req.who(), req.arg(QStringLiteral("command_id"))), commandJson));
               });

    router.add("POST", QStringLiteral("/v1/commands"), QStringLiteral("command.send"),
               QStringLiteral("Send a command to a group of devices (ids, a device type or tags): a job with live counts per state"),
               [groups](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return created(asJson(groups->sendGroup(req.who(), body), jobJson), QStringLiteral("/v1/command-jobs"), QStringLiteral("job_id"));
               });

    router.add("GET", QStringLiteral("/v1/command-jobs"), QStringLiteral("command.read"), QStringLiteral("Group commands, newest first"),
               [groups](Request &req) {
                   int limit = 100;
                   if (auto bad = readLimit(req, limit))
                       return *bad;
                   return listOr(pageJson(groups->jobs(req.who(), req.queryValue(QStringLiteral("cursor")), limit), jobJson));
               });

    router.add("GET", QStringLiteral("/v1/command-jobs/{job_id}"), QStringLiteral("command.read"),
               QStringLiteral("One group command with live counts per state"),
               [groups](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("job_id"), "command job"))
                       return *bad;
                   return jsonOr(asJson(groups->job(req.who(), req.arg(QStringLiteral("job_id"))), jobJson));
               });

    router.add("GET", QStringLiteral("/v1/devices/{device_id}/config"), QStringLiteral("config.read"),
               QStringLiteral("The device twin: desired and reported configuration, their delta and whether they are in sync"),
               [twin](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("device_id"), "device"))
                       return *bad;
                   return jsonOr(asJson(twin->config(req.who(), req.arg(QStringLiteral("device_id"))), twinJson));
               });

    router.add("PUT", QStringLiteral("/v1/devices/{device_id}/config"), QStringLiteral("config.write"),
               QStringLiteral("Set the desired configuration (a new version, retained to the device)"),
               [twin](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("device_id"), "device"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return jsonOr(asJson(twin->setConfig(req.who(), req.arg(QStringLiteral("device_id")), body), twinJson));
               });
}

} // namespace Fleetdeck::Api
