#include "api/restapi.h"

#include "api/commandapi.h"
#include "api/telemetryapi.h"

#include "api/adminapi.h"
#include "auth/authservice.h"
#include "core/jsonutil.h"
#include "devices/deviceservice.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QUuid>

// The API description is compiled into this static library; make sure its resource is registered.
static void initApiResources() { Q_INIT_RESOURCE(server); }

namespace Fleetdeck::Api {

namespace {

std::optional<Response> checkDeviceId(const Request &req) { return checkId(req, QStringLiteral("device_id"), "device"); }

template<typename T>
Response deviceOr(const Result<T> &r, int status = 200)
{
    if (!r)
        return Response::fromError(r.error());
    return Response::json(r->toJson(), status);
}

} // namespace

QByteArray RestApi::openApiDocument()
{
    static const bool registered = (initApiResources(), true);
    Q_UNUSED(registered);
    QFile f(QStringLiteral(":/fleetdeck/openapi.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void RestApi::registerRoutes(Router &router, Services s)
{
    router.setAuthenticator([auth = s.auth](const QString &token) { return auth->authenticate(token); });

    router.add("GET", QStringLiteral("/v1/health"), Access::Public, QStringLiteral("Health of the server, its database and its broker"),
               [s](Request &req) {
                   auto [doc, ok] = s.health();
                   // Anyone may ask whether the server is up; what it runs, where its database is and why its broker
                   // failed is for callers with a valid token.
                   const QByteArray authz = req.header("authorization");
                   const bool authenticated = authz.size() > 7 && authz.left(7).compare("bearer ", Qt::CaseInsensitive) == 0 && s.auth
                                              && s.auth->authenticate(QString::fromLatin1(authz.mid(7).trimmed()));
                   if (!authenticated)
                       doc = QJsonObject{{QStringLiteral("status"), doc.value(QStringLiteral("status"))},
                                         {QStringLiteral("details"), QStringLiteral("send a bearer token (Authorization: Bearer ...) for the details")}};
                   return Response::json(doc, ok ? 200 : 503);
               });

    router.add("GET", QStringLiteral("/v1/openapi.json"), Access::Public, QStringLiteral("This API's OpenAPI 3 description"),
               [](Request &) {
                   Response r;
                   r.body = openApiDocument();
                   return r;
               });

    // Login, sessions, tenants, users, API tokens and the audit log.
    AdminApi::registerRoutes(router, s.auth);
    registerTelemetryRoutes(router, s.telemetry);
    registerCommandRoutes(router, s.commands, s.groupJobs, s.twin);

    router.add("POST", QStringLiteral("/v1/devices"), QStringLiteral("device.register"), QStringLiteral("Register a device and issue its certificate"),
               [s](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return created(s.devices->registerDevice(req.who(), body), QStringLiteral("/v1/devices"), QStringLiteral("device_id"));
               });

    router.add("GET", QStringLiteral("/v1/devices"), QStringLiteral("device.read"), QStringLiteral("List devices with filters and cursor pagination"),
               [s](Request &req) {
                   DeviceFilter f;
                   f.status = req.queryValue(QStringLiteral("status"));
                   f.connection = req.queryValue(QStringLiteral("connection"));
                   f.deviceType = req.queryValue(QStringLiteral("type"));
                   f.tag = req.queryValue(QStringLiteral("tag"));
                   f.text = req.queryValue(QStringLiteral("q"));
                   f.cursor = req.queryValue(QStringLiteral("cursor"));
                   static const QStringList statuses{QStringLiteral("provisioned"), QStringLiteral("active"), QStringLiteral("suspended"), QStringLiteral("decommissioned")};
                   if (!f.status.isEmpty() && !statuses.contains(f.status))
                       return Response::problem(400, QStringLiteral("\"status\" must be one of %1").arg(statuses.join(QStringLiteral(", "))));
                   if (!f.connection.isEmpty() && f.connection != u"online" && f.connection != u"offline")
                       return Response::problem(400, QStringLiteral("\"connection\" must be online or offline"));
                   if (f.text.size() > 200)
                       return Response::problem(400, QStringLiteral("\"q\" is longer than 200 characters"));
                   if (auto bad = readLimit(req, f.limit))
                       return *bad;
                   auto page = s.devices->list(req.who(), f);
                   if (!page)
                       return page.error().code == ErrorCode::Invalid ? Response::problem(400, page.error().message)
                                                                      : Response::fromError(page.error());
                   QJsonArray items;
                   for (const DeviceRecord &d : page->items)
                       items.append(d.toJson());
                   return Response::json({{QStringLiteral("items"), items},
                                          {QStringLiteral("next_cursor"), page->nextCursor.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(page->nextCursor)}});
               });

    router.add("GET", QStringLiteral("/v1/devices/{device_id}"), QStringLiteral("device.read"), QStringLiteral("One device with its state"),
               [s](Request &req) {
                   if (auto bad = checkDeviceId(req))
                       return *bad;
                   return deviceOr(s.devices->get(req.who(), req.arg(QStringLiteral("device_id"))));
               });

    router.add("PATCH", QStringLiteral("/v1/devices/{device_id}"), QStringLiteral("device.update"), QStringLiteral("Change a device's name, type, tags or metadata"),
               [s](Request &req) {
                   if (auto bad = checkDeviceId(req))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return deviceOr(s.devices->update(req.who(), req.arg(QStringLiteral("device_id")), body));
               });

    const auto lifecycle = [&router, s](const char *verb, const QString &action, const QString &summary,
                                        Result<DeviceRecord> (DeviceService::*fn)(const Principal &, const QString &)) {
        router.add("POST", QStringLiteral("/v1/devices/{device_id}/") + QString::fromLatin1(verb), action, summary,
                   [s, fn](Request &req) {
                       if (auto bad = checkDeviceId(req))
                           return *bad;
                       return deviceOr((s.devices->*fn)(req.who(), req.arg(QStringLiteral("device_id"))));
                   });
    };
    lifecycle("suspend", QStringLiteral("device.suspend"), QStringLiteral("Suspend a device: it is disconnected and refused until resumed"), &DeviceService::suspend);
    lifecycle("resume", QStringLiteral("device.suspend"), QStringLiteral("Resume a suspended device"), &DeviceService::resume);
    lifecycle("decommission", QStringLiteral("device.decommission"), QStringLiteral("Decommission a device: its certificate is revoked for good"), &DeviceService::decommission);
}

} // namespace Fleetdeck::Api
