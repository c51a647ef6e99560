#include "api/firmwareapi.h"

#include "api/router.h"
#include "auth/policy.h"
#include "core/jsonutil.h"
#include "devices/devicedirectory.h"
#include "firmware/downloadtoken.h"
#include "firmware/firmwarerepository.h"
#include "storage/database.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>

namespace Fleetdeck::Api {

namespace {

constexpr int kDefaultTokenTtlS = 900;
constexpr int kMinTokenTtlS = 60;
constexpr int kMaxTokenTtlS = 24 * 3600;

QJsonValue iso(std::optional<qint64> ms)
{
    if (!ms)
        return QJsonValue::Null;
    return Json::isoUtc(QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC));
}

QString imagePath(const QString &id) { return QStringLiteral("/v1/firmware/%1/image").arg(id); }

} // namespace

QJsonObject firmwareJson(const FirmwareImage &f, const QString &transferUrl)
{
    const bool ready = f.state == u"ready";
    QJsonObject o{{QStringLiteral("id"), f.id},
                  {QStringLiteral("device_type"), f.deviceType},
                  {QStringLiteral("version"), f.version},
                  {QStringLiteral("release_notes"), f.releaseNotes},
                  {QStringLiteral("state"), f.state},
                  {QStringLiteral("size"), f.size},
                  {QStringLiteral("sha256"), f.sha256.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(f.sha256)},
                  {QStringLiteral("signature"), ready ? QJsonValue(QString::fromLatin1(f.signature.toBase64())) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("signature_algorithm"), QStringLiteral("Ed25519")},
                  {QStringLiteral("signing_key_id"), f.keyId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(f.keyId)},
                  {QStringLiteral("image_format"), f.imageFormat.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(f.imageFormat)},
                  {QStringLiteral("created_by"), f.createdBy},
                  {QStringLiteral("created_at"), iso(f.createdMs)},
                  {QStringLiteral("updated_at"), iso(f.updatedMs)},
                  {QStringLiteral("uploaded_at"), iso(f.uploadedMs)}};
    if (ready)
        o.insert(QStringLiteral("image_url"), transferUrl + imagePath(f.id));
    else
        o.insert(QStringLiteral("upload"), QJsonObject{{QStringLiteral("method"), QStringLiteral("PUT")},
                                                       {QStringLiteral("url"), transferUrl + imagePath(f.id)},
                                                       {QStringLiteral("content_length"), f.size}});
    return o;
}

void registerFirmwareRoutes(Router &router, FirmwareRepository *repository, const DownloadTokens *tokens, const DeviceDirectory *devices,
                            std::function<QString()> transferUrl)
{
    Policy::define({
        {QStringLiteral("firmware.read"), Policy::everyone(), QStringLiteral("Read the organisation's firmware repository and download its images")},
        {QStringLiteral("firmware.write"), Policy::admins(), QStringLiteral("Add firmware images (upload), change release notes, delete images, issue download links")},
    });
    const auto answer = [transferUrl](const Result<FirmwareImage> &f, int status = 200) {
        if (!f)
            return Response::fromError(f.error());
        return Response::json(firmwareJson(*f, transferUrl()), status);
    };
    router.add("POST", QStringLiteral("/v1/firmware"), QStringLiteral("firmware.write"),
               QStringLiteral("Announce a firmware image {device_type, version, size, sha256?, release_notes?}; its bytes follow as PUT to upload.url"),
               [repository, answer](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   auto f = repository->create(req.who(), body);
                   Response r = answer(f, 201);
                   if (f)
                       r.headers.append({QByteArray("Location"), QStringLiteral("/v1/firmware/%1").arg(f->id).toLatin1()});
                   return r;
               });
    router.add("GET", QStringLiteral("/v1/firmware"), QStringLiteral("firmware.read"),
               QStringLiteral("The organisation's firmware by device type, newest version first; filter device_type"), [repository, transferUrl](Request &req) {
                   auto list = repository->list(req.who(), req.queryValue(QStringLiteral("device_type")));
                   if (!list)
                       return Response::fromError(list.error());
                   QJsonArray items;
                   const QString base = transferUrl();
                   for (const FirmwareImage &f : *list)
                       items.append(firmwareJson(f, base));
                   return Response::json({{QStringLiteral("items"), items}, {QStringLiteral("count"), items.size()}});
               });
    router.add("GET", QStringLiteral("/v1/firmware/signing-key"), QStringLiteral("firmware.read"),
               QStringLiteral("The public key devices verify firmware signatures with, and what the signature covers"), [repository](Request &) {
                   return Response::json({{QStringLiteral("algorithm"), QStringLiteral("Ed25519")},
                                          {QStringLiteral("key_id"), repository->signingKeyId()},
                                          {QStringLiteral("public_key_pem"), QString::fromLatin1(repository->signingKeyPem())},
                                          {QStringLiteral("signed_message"),
                                           QStringLiteral("fleetdeck-firmware-v1\\ndevice_type:<type>\\nversion:<version>\\nsize:<bytes>\\nsha256:<hex>\\n")}});
               });
    router.add("GET", QStringLiteral("/v1/firmware/{firmware_id}"), QStringLiteral("firmware.read"), QStringLiteral("One firmware image's entry"),
               [repository, answer](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("firmware_id"), "firmware"))
                       return *bad;
                   return answer(repository->get(req.who(), req.arg(QStringLiteral("firmware_id"))));
               });
    router.add("PATCH", QStringLiteral("/v1/firmware/{firmware_id}"), QStringLiteral("firmware.write"),
               QStringLiteral("Change a firmware image's release notes (nothing else of it ever changes)"), [repository, answer](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("firmware_id"), "firmware"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return answer(repository->update(req.who(), req.arg(QStringLiteral("firmware_id")), body));
               });
    router.add("DELETE", QStringLiteral("/v1/firmware/{firmware_id}"), QStringLiteral("firmware.write"),
               QStringLiteral("Delete a firmware image and its entry (refused while a rollout uses it)"), [repository](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("firmware_id"), "firmware"))
                       return *bad;
                   const Status st = repository->remove(req.who(), req.arg(QStringLiteral("firmware_id")));
                   return st ? Response::noContent() : Response::fromError(st.error());
               });
    router.add("POST", QStringLiteral("/v1/firmware/{firmware_id}/download-url"), QStringLiteral("firmware.write"),
               QStringLiteral("A short-lived download link of the image for one device {device_id, ttl_s?} (rollouts issue their own)"),
               [repository, tokens, devices, transferUrl](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("firmware_id"), "firmware"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   for (auto it = body.begin(); it != body.end(); ++it)
                       if (it.key() != u"device_id" && it.key() != u"ttl_s")
                           return Response::problem(422, QStringLiteral("unknown field \"%1\" (known: device_id, ttl_s)").arg(it.key()));
                   const QJsonValue ttlValue = body.value(QStringLiteral("ttl_s"));
                   int ttl = kDefaultTokenTtlS;
                   if (!ttlValue.isUndefined()) {
                       if (!ttlValue.isDouble() || ttlValue.toDouble() != double(int(ttlValue.toDouble())) || ttlValue.toInt() < kMinTokenTtlS
                           || ttlValue.toInt() > kMaxTokenTtlS)
                           return Response::problem(422, QStringLiteral("\"ttl_s\" must be a whole number of seconds from %1 to %2").arg(kMinTokenTtlS).arg(kMaxTokenTtlS));
                       ttl = ttlValue.toInt();
                   }
                   auto f = repository->get(req.who(), req.arg(QStringLiteral("firmware_id")));
                   if (!f)
                       return Response::fromError(f.error());
                   if (f->state != u"ready")
                       return Response::problem(409, QStringLiteral("firmware %1 %2 has no image yet; upload it first (PUT %3)")
                                                         .arg(f->deviceType, f->version, imagePath(f->id)));
                   const QString deviceId = body.value(QStringLiteral("device_id")).toString();
                   const auto device = devices->find(deviceId);
                   if (deviceId.isEmpty() || !device || device->tenantId != req.who().tenantId)
                       return Response::problem(422, QStringLiteral("\"device_id\" must name a device of the organisation"));
                   if (device->blocked())
                       return Response::problem(409, QStringLiteral("device %1 is suspended or decommissioned").arg(deviceId));
                   if (device->deviceType != f->deviceType)
                       return Response::problem(422, QStringLiteral("device %1 is a \"%2\"; this image is for \"%3\"").arg(deviceId, device->deviceType, f->deviceType));
                   DownloadClaims c{f->tenantId, deviceId, f->id, Storage::nowMs() + qint64(ttl) * 1000};
                   const QString token = tokens->issue(c);
                   return Response::json({{QStringLiteral("url"), transferUrl() + imagePath(f->id) + QStringLiteral("?token=") + token},
                                          {QStringLiteral("token"), token},
                                          {QStringLiteral("expires_at"), iso(c.expiresMs)},
                                          {QStringLiteral("sha256"), f->sha256},
                                          {QStringLiteral("size"), f->size},
                                          {QStringLiteral("signature"), QString::fromLatin1(f->signature.toBase64())}});
               });
}

} // namespace Fleetdeck::Api
