#include "api/deviceapi.h"

#include "api/router.h"
#include "auth/policy.h"
#include "core/jsonutil.h"
#include "devices/deviceservice.h"

#include <QtCore/QJsonArray>

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

QJsonObject toJson(const RegisteredDevice &r)
{
    QJsonObject out = r.device.toJson();
    out.insert(QStringLiteral("certificate"), r.certificatePem);
    out.insert(QStringLiteral("certificate_serial"), r.certificateSerial);
    out.insert(QStringLiteral("certificate_fingerprint"), r.certificateFingerprint);
    out.insert(QStringLiteral("certificate_expires_at"), Json::timestamp(r.certificateExpiresAt));
    out.insert(QStringLiteral("ca_certificate"), r.caCertificatePem);
    if (!r.privateKeyPem.isEmpty())
        out.insert(QStringLiteral("private_key"), r.privateKeyPem);
    out.insert(QStringLiteral("mqtt"), QJsonObject{{QStringLiteral("host"), r.mqtt.host},
                                                   {QStringLiteral("port"), r.mqtt.port},
                                                   {QStringLiteral("client_id"), r.device.id},
                                                   {QStringLiteral("topic_prefix"), QStringLiteral("devices/%1/").arg(r.device.id)}});
    return out;
}

} // namespace

void registerDeviceRoutes(Router &router, DeviceService *devices)
{
    // Registration, metadata and decommissioning shape the fleet: the tenant's administrators. An operator runs it:
    // suspending a device that misbehaves (and resuming it: reversible, and often urgent at 3 a.m.). See
    // docs/security.md.
    Policy::define({
        {QStringLiteral("device.read"), Policy::everyone(), QStringLiteral("List and read devices")},
        {QStringLiteral("device.register"), Policy::admins(), QStringLiteral("Register a device (counts against the tenant's device quota)")},
        {QStringLiteral("device.update"), Policy::admins(), QStringLiteral("Change a device's name, type, tags, metadata")},
        {QStringLiteral("device.suspend"), Policy::writers(), QStringLiteral("Suspend a device (disconnect and refuse it) or resume it")},
        {QStringLiteral("device.decommission"), Policy::admins(), QStringLiteral("Decommission a device: its certificate is revoked for good")},
    });

    router.add("POST", QStringLiteral("/v1/devices"), QStringLiteral("device.register"), QStringLiteral("Register a device and issue its certificate"),
               [devices](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   auto registered = devices->registerDevice(req.who(), body);
                   return created(registered ? Result<QJsonObject>(toJson(*registered)) : Result<QJsonObject>(fail(registered.error())),
                                  QStringLiteral("/v1/devices"), QStringLiteral("device_id"));
               });

    router.add("GET", QStringLiteral("/v1/devices"), QStringLiteral("device.read"), QStringLiteral("List devices with filters and cursor pagination"),
               [devices](Request &req) {
                   DeviceFilter f;
                   f.status = req.queryValue(QStringLiteral("status"));
                   f.connection = req.queryValue(QStringLiteral("connection"));
                   f.deviceType = req.queryValue(QStringLiteral("type"));
                   f.tag = req.queryValue(QStringLiteral("tag"));
                   f.text = req.queryValue(QStringLiteral("q"));
                   f.cursor = req.queryValue(QStringLiteral("cursor"));
                   if (!f.status.isEmpty() && !States::deviceStatus(f.status)) {
                       QStringList statuses;
                       for (const QStringView name : States::kDeviceStatusNames)
                           statuses << name.toString();
                       return Response::problem(400, QStringLiteral("\"status\" must be one of %1").arg(statuses.join(QStringLiteral(", "))));
                   }
                   if (!f.connection.isEmpty() && !States::connection(f.connection))
                       return Response::problem(400, QStringLiteral("\"connection\" must be online or offline"));
                   if (f.text.size() > 200)
                       return Response::problem(400, QStringLiteral("\"q\" is longer than 200 characters"));
                   if (auto bad = readLimit(req, f.limit))
                       return *bad;
                   auto page = devices->list(req.who(), f);
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
               [devices](Request &req) {
                   if (auto bad = checkDeviceId(req))
                       return *bad;
                   return deviceOr(devices->get(req.who(), req.arg(QStringLiteral("device_id"))));
               });

    router.add("PATCH", QStringLiteral("/v1/devices/{device_id}"), QStringLiteral("device.update"), QStringLiteral("Change a device's name, type, tags or metadata"),
               [devices](Request &req) {
                   if (auto bad = checkDeviceId(req))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return deviceOr(devices->update(req.who(), req.arg(QStringLiteral("device_id")), body));
               });

    const auto lifecycle = [&router, devices](const char *verb, const QString &action, const QString &summary,
                                        Result<DeviceRecord> (DeviceService::*fn)(const Principal &, const QString &)) {
        router.add("POST", QStringLiteral("/v1/devices/{device_id}/") + QString::fromLatin1(verb), action, summary,
                   [devices, fn](Request &req) {
                       if (auto bad = checkDeviceId(req))
                           return *bad;
                       return deviceOr((devices->*fn)(req.who(), req.arg(QStringLiteral("device_id"))));
                   });
    };
    lifecycle("suspend", QStringLiteral("device.suspend"), QStringLiteral("Suspend a device: it is disconnected and refused until resumed"), &DeviceService::suspend);
    lifecycle("resume", QStringLiteral("device.suspend"), QStringLiteral("Resume a suspended device"), &DeviceService::resume);
    lifecycle("decommission", QStringLiteral("device.decommission"), QStringLiteral("Decommission a device: its certificate is revoked for good"), &DeviceService::decommission);
}

} // namespace Fleetdeck::Api
