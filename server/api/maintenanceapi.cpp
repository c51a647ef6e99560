#include "api/maintenanceapi.h"

#include "api/router.h"
#include "auth/policy.h"
#include "maintenance/maintenancewindows.h"

#include <QtCore/QJsonArray>

namespace Fleetdeck::Api {

namespace {

Response answer(const Result<MaintenanceWindow> &w, int status = 200)
{
    if (!w)
        return Response::fromError(w.error());
    return Response::json(toJson(*w), status);
}

} // namespace

void registerMaintenanceRoutes(Router &router, MaintenanceWindows *windows)
{
    Policy::define({
        {QStringLiteral("maintenance.read"), Policy::everyone(), QStringLiteral("Read the organisation's maintenance windows")},
        {QStringLiteral("maintenance.write"), Policy::writers(), QStringLiteral("Plan, change and delete maintenance windows (their devices' alerts are suppressed)")},
    });
    router.add("POST", QStringLiteral("/v1/maintenance-windows"), QStringLiteral("maintenance.write"),
               QStringLiteral("Plan a maintenance window: while it is in force, its devices' alerts are suppressed by design"), [windows](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   auto w = windows->create(req.who(), body);
                   Response r = answer(w, 201);
                   if (w)
                       r.headers.append({QByteArray("Location"), QStringLiteral("/v1/maintenance-windows/%1").arg(w->id).toLatin1()});
                   return r;
               });
    router.add("GET", QStringLiteral("/v1/maintenance-windows"), QStringLiteral("maintenance.read"),
               QStringLiteral("The organisation's maintenance windows, newest start first; filter state (scheduled, active, ended)"), [windows](Request &req) {
                   auto list = windows->list(req.who(), req.queryValue(QStringLiteral("state")));
                   if (!list)
                       return list.error().code == ErrorCode::Invalid ? Response::problem(400, list.error().message) : Response::fromError(list.error());
                   QJsonArray items;
                   for (const MaintenanceWindow &w : *list)
                       items.append(toJson(w));
                   return Response::json({{QStringLiteral("items"), items}, {QStringLiteral("count"), items.size()}});
               });
    router.add("GET", QStringLiteral("/v1/maintenance-windows/{window_id}"), QStringLiteral("maintenance.read"), QStringLiteral("One maintenance window"),
               [windows](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("window_id"), "maintenance window"))
                       return *bad;
                   return answer(windows->get(req.who(), req.arg(QStringLiteral("window_id"))));
               });
    router.add("PATCH", QStringLiteral("/v1/maintenance-windows/{window_id}"), QStringLiteral("maintenance.write"),
               QStringLiteral("Change a maintenance window that is not over (ends_at now ends it early)"), [windows](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("window_id"), "maintenance window"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return answer(windows->update(req.who(), req.arg(QStringLiteral("window_id")), body));
               });
    router.add("DELETE", QStringLiteral("/v1/maintenance-windows/{window_id}"), QStringLiteral("maintenance.write"),
               QStringLiteral("Delete a maintenance window; one in force ends at once"), [windows](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("window_id"), "maintenance window"))
                       return *bad;
                   const Status st = windows->remove(req.who(), req.arg(QStringLiteral("window_id")));
                   return st ? Response::noContent() : Response::fromError(st.error());
               });
}

} // namespace Fleetdeck::Api
