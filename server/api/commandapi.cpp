#include "api/commandapi.h"

#include "api/router.h"
#include "auth/policy.h"
#include "commands/commandservice.h"
#include "commands/groupjobs.h"
#include "commands/twinservice.h"

namespace Fleetdeck::Api {

namespace {

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
                   return created(c->send(req.who(), req.arg(QStringLiteral("device_id")), body), QStringLiteral("/v1/commands"), QStringLiteral("command_id"));
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
                   return listOr(c->list(req.who(), req.arg(QStringLiteral("device_id")), f));
               });

    router.add("GET", QStringLiteral("/v1/commands/{command_id}"), QStringLiteral("command.read"),
               QStringLiteral("One command with its state, the time of each state and the device's result"),
               [c](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("command_id"), "command"))
                       return *bad;
                   return jsonOr(c->get(req.who(), req.arg(QStringLiteral("command_id"))));
               });

    router.add("POST", QStringLiteral("/v1/commands/{command_id}/cancel"), QStringLiteral("command.cancel"),
               QStringLiteral("Cancel a command that is not finished yet"),
               [c](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("command_id"), "command"))
                       return *bad;
                   return jsonOr(c->cancel(req.who(), req.arg(QStringLiteral("command_id"))));
               });

    router.add("POST", QStringLiteral("/v1/commands"), QStringLiteral("command.send"),
               QStringLiteral("Send a command to a group of devices (ids, a device type or tags): a job with live counts per state"),
               [groups](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return created(groups->sendGroup(req.who(), body), QStringLiteral("/v1/command-jobs"), QStringLiteral("job_id"));
               });

    router.add("GET", QStringLiteral("/v1/command-jobs"), QStringLiteral("command.read"), QStringLiteral("Group commands, newest first"),
               [groups](Request &req) {
                   int limit = 100;
                   if (auto bad = readLimit(req, limit))
                       return *bad;
                   return listOr(groups->jobs(req.who(), req.queryValue(QStringLiteral("cursor")), limit));
               });

    router.add("GET", QStringLiteral("/v1/command-jobs/{job_id}"), QStringLiteral("command.read"),
               QStringLiteral("One group command with live counts per state"),
               [groups](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("job_id"), "command job"))
                       return *bad;
                   return jsonOr(groups->job(req.who(), req.arg(QStringLiteral("job_id"))));
               });

    router.add("GET", QStringLiteral("/v1/devices/{device_id}/config"), QStringLiteral("config.read"),
               QStringLiteral("The device twin: desired and reported configuration, their delta and whether they are in sync"),
               [twin](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("device_id"), "device"))
                       return *bad;
                   return jsonOr(twin->config(req.who(), req.arg(QStringLiteral("device_id"))));
               });

    router.add("PUT", QStringLiteral("/v1/devices/{device_id}/config"), QStringLiteral("config.write"),
               QStringLiteral("Set the desired configuration (a new version, retained to the device)"),
               [twin](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("device_id"), "device"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return jsonOr(twin->setConfig(req.who(), req.arg(QStringLiteral("device_id")), body));
               });
}

} // namespace Fleetdeck::Api
