#include "api/adminapi.h"

#include "audit/auditlog.h"
#include "auth/policy.h"
#include "auth/authservice.h"
#include "auth/authutil.h"
#include "auth/userservice.h"
#include "core/jsonutil.h"
#include "tenants/tenantservice.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QUuid>
#include <memory>

namespace Fleetdeck::Api {

namespace {

using Services = AdminServices;

Response sessionResponse(const Session &s)
{
    return Response::json({{QStringLiteral("token"), s.token},
                           {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                           {QStringLiteral("expires_at"), Json::isoUtc(s.expiresAt)}});
}

Response statusOr(const Status &st)
{
    return st ? Response::noContent() : Response::fromError(st.error());
}

QJsonValue nullableMs(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(Json::isoUtc(QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC))) : QJsonValue(QJsonValue::Null);
}
QJsonValue nullableInt(const std::optional<qint64> &v) { return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null); }

QJsonObject toJson(const Tenant &t)
{
    return QJsonObject{
        {QStringLiteral("tenant_id"), t.id},
        {QStringLiteral("name"), t.name},
        {QStringLiteral("contact_email"), AuthUtil::nullable(t.contactEmail)},
        {QStringLiteral("plan"), t.plan},
        {QStringLiteral("quotas"), QJsonObject{{QStringLiteral("max_devices"), nullableInt(t.quotas.maxDevices)},
                                               {QStringLiteral("max_telemetry_msgs_per_s"), nullableInt(t.quotas.maxTelemetryMsgsPerS)},
                                               {QStringLiteral("retention_days"), nullableInt(t.quotas.retentionDays)},
                                               {QStringLiteral("max_metrics"), nullableInt(t.quotas.maxMetrics)}}},
        {QStringLiteral("active"), t.active},
        {QStringLiteral("created_at"), nullableMs(t.createdMs)},
        {QStringLiteral("updated_at"), nullableMs(t.updatedMs)},
        {QStringLiteral("deactivated_at"), nullableMs(t.deactivatedMs)},
        {QStringLiteral("usage"), QJsonObject{{QStringLiteral("devices"), t.usage.devices},
                                              {QStringLiteral("users"), t.usage.users},
                                              {QStringLiteral("metrics"), t.usage.metrics}, // stored names (max_metrics)
                                              // Measured by the telemetry pipeline; not known here yet.
                                              {QStringLiteral("telemetry_msgs_per_s"), QJsonValue(QJsonValue::Null)}}},
    };
}

QJsonObject toJson(const User &u)
{
    return QJsonObject{{QStringLiteral("user_id"), u.id},
                       {QStringLiteral("tenant_id"), u.tenantId},
                       {QStringLiteral("email"), u.email},
                       {QStringLiteral("display_name"), AuthUtil::nullable(u.displayName)},
                       {QStringLiteral("role"), roleName(u.role)},
                       {QStringLiteral("active"), u.active},
                       {QStringLiteral("created_at"), nullableMs(u.createdMs)},
                       {QStringLiteral("updated_at"), nullableMs(u.updatedMs)},
                       {QStringLiteral("password_changed_at"), nullableMs(u.passwordChangedMs)},
                       {QStringLiteral("erased_at"), nullableMs(u.erasedMs)}};
}

QJsonObject toJson(const PasswordReset &r)
{
    QJsonObject out{{QStringLiteral("user_id"), r.userId}, {QStringLiteral("credentials_revoked"), r.credentialsRevoked}};
    if (!r.generatedPassword.isEmpty())
        out.insert(QStringLiteral("password"), r.generatedPassword);
    return out;
}

QJsonObject toJson(const UserExport &e)
{
    QJsonObject out = e.records;
    out.insert(QStringLiteral("exported_at"), nullableMs(e.exportedMs));
    out.insert(QStringLiteral("user"), toJson(e.user));
    return out;
}

QJsonObject toJson(const ApiToken &t)
{
    return QJsonObject{{QStringLiteral("token_id"), t.id},
                       {QStringLiteral("name"), t.name},
                       {QStringLiteral("role"), roleName(t.role)},
                       {QStringLiteral("user_id"), t.userId},
                       {QStringLiteral("tenant_id"), t.tenantId},
                       {QStringLiteral("created_at"), nullableMs(t.createdMs)},
                       {QStringLiteral("expires_at"), nullableMs(t.expiresMs)},
                       {QStringLiteral("revoked_at"), nullableMs(t.revokedMs)},
                       {QStringLiteral("last_used_at"), nullableMs(t.lastUsedMs)}};
}

QJsonObject toJson(const CreatedToken &t)
{
    QJsonObject out = toJson(t.token);
    out.insert(QStringLiteral("token"), t.secret);
    return out;
}

QJsonObject toJson(const Me &m)
{
    const Principal &who = m.who;
    return QJsonObject{{QStringLiteral("user_id"), who.userId},
                       {QStringLiteral("email"), who.email},
                       {QStringLiteral("display_name"), AuthUtil::nullable(m.displayName)},
                       {QStringLiteral("role"), roleName(who.role)},
                       {QStringLiteral("tenant_id"), who.homeTenantId},
                       {QStringLiteral("acting_tenant_id"), who.tenantId},
                       {QStringLiteral("credential"), who.viaApiToken ? QStringLiteral("api-token") : QStringLiteral("session")},
                       {QStringLiteral("token_id"), who.viaApiToken ? QJsonValue(who.tokenId) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("created_at"), nullableMs(m.createdMs)},
                       {QStringLiteral("password_changed_at"), nullableMs(m.passwordChangedMs)}};
}

/// A service's typed result as JSON (`toJson` of it) with `status`, or its error as problem+json.
template<typename T>
Response typedOr(const Result<T> &r, int status = 200)
{
    if (!r)
        return Response::fromError(r.error());
    return Response::json(toJson(*r), status);
}

/// `{"items": [...]}` of a typed list.
template<typename T>
Response itemsOr(const Result<QList<T>> &r)
{
    if (!r)
        return Response::fromError(r.error());
    QJsonArray items;
    for (const T &item : *r)
        items.append(toJson(item));
    return Response::json({{QStringLiteral("items"), items}});
}

/// 201 with `Location: <collection>/<the JSON's idKey>`, or the error as problem+json.
template<typename T>
Response createdTyped(const Result<T> &r, const QString &collection, const QString &idKey)
{
    return created(r ? Result<QJsonObject>(toJson(*r)) : Result<QJsonObject>(fail(r.error())), collection, idKey);
}

} // namespace

void AdminApi::registerRoutes(Router &router, AdminServices services)
{
    using namespace Policy;
    define({
        {QStringLiteral("tenant.read"), everyone(), QStringLiteral("Read one's own tenant (platform admins: any tenant)")},
        {QStringLiteral("tenant.list"), platform(), QStringLiteral("List all tenants")},
        {QStringLiteral("tenant.create"), platform(), QStringLiteral("Create a tenant")},
        {QStringLiteral("tenant.update"), platform(), QStringLiteral("Change a tenant's name, contact, plan and quotas")},
        {QStringLiteral("tenant.deactivate"), platform(), QStringLiteral("Deactivate a tenant")},
        {QStringLiteral("user.read"), admins(), QStringLiteral("List and read the users of the tenant")},
        {QStringLiteral("user.create"), admins(), QStringLiteral("Create a user in the tenant (role not above one's own)")},
        {QStringLiteral("user.update"), admins(), QStringLiteral("Change a user's display name, role or active flag")},
        {QStringLiteral("user.delete"), admins(), QStringLiteral("Delete a user")},
        {QStringLiteral("user.reset_password"), admins(), QStringLiteral("Set a new password for a user")},
        {QStringLiteral("user.export"), admins(), QStringLiteral("Export a user's personal data")},
        {QStringLiteral("user.erase"), admins(), QStringLiteral("Erase (anonymise) a user's personal data")},
        {QStringLiteral("token.read"), everyone(), QStringLiteral("List API tokens (own; admins: the tenant's)")},
        {QStringLiteral("token.create"), everyone(), QStringLiteral("Create an API token with a role not above one's own")},
        {QStringLiteral("token.revoke"), everyone(), QStringLiteral("Revoke an API token (own; admins: the tenant's)")},
        {QStringLiteral("audit.read"), admins(), QStringLiteral("Read the tenant's audit log")},
    });
    const auto s = std::make_shared<const Services>(services);
    if (s->tenants)
        router.setTenantSelector([s](const Principal &who, const QString &requested) { return s->tenants->selectTenant(who, requested); });

    // --- Sessions --------------------------------------------------------------------------------------------
    router.add("POST", QStringLiteral("/v1/auth/login"), Policy::kPublic, QStringLiteral("Exchange e-mail and password for a bearer token"),
               [s](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   const QJsonValue email = body.value(QStringLiteral("email"));
                   const QJsonValue password = body.value(QStringLiteral("password"));
                   if (!email.isString() || !password.isString() || email.toString().isEmpty())
                       return Response::problem(422, QStringLiteral("\"email\" and \"password\" are required strings"));
                   if (password.toString().size() > 1024 || email.toString().size() > 254)
                       return Response::problem(422, QStringLiteral("\"email\" or \"password\" is too long"));
                   if (!req.respondLater) // the live socket's "rest" answers at once; a password check does not
                       return Response::problem(400, QStringLiteral("log in with POST /v1/auth/login over HTTPS, then authenticate the live socket with the token"));
                   s->auth->login(email.toString(), password.toString(), req.peer, [respond = req.respondLater](Result<Session> session, LoginThrottle throttle) {
                       if (session)
                           return respond(sessionResponse(*session));
                       if (throttle.kind == LoginThrottle::Kind::None)
                           return respond(Response::fromError(session.error()));
                       // 423 for an account that backs off, 429 for a network that failed too often, 503 when busy;
                       // each says when to retry.
                       const int status = throttle.kind == LoginThrottle::Kind::Account ? 423 : throttle.kind == LoginThrottle::Kind::Source ? 429 : 503;
                       Response r = Response::problem(status, session.error().message);
                       r.headers.append(std::make_pair(QByteArray("Retry-After"), QByteArray::number(throttle.retryAfterS)));
                       respond(std::move(r));
                   });
                   return Response::deferred();
               });
    router.add("POST", QStringLiteral("/v1/auth/logout"), QStringLiteral("session.self"), QStringLiteral("End this login session"),
               [s](Request &req) { return statusOr(s->auth->logout(req.who())); });
    router.add("POST", QStringLiteral("/v1/auth/refresh"), QStringLiteral("session.self"),
               QStringLiteral("A new token with a new expiry for this session; the old token ends"),
               [s](Request &req) {
                   auto session = s->auth->refresh(req.who());
                   return session ? sessionResponse(*session) : Response::fromError(session.error());
               });
    router.add("GET", QStringLiteral("/v1/auth/me"), QStringLiteral("session.self"), QStringLiteral("The caller's account, role and tenant"),
               [s](Request &req) { return typedOr(s->auth->me(req.who())); });
    router.add("POST", QStringLiteral("/v1/auth/password"), QStringLiteral("session.self"),
               QStringLiteral("Change one's own password; other sessions end"),
               [s](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   const QJsonValue current = body.value(QStringLiteral("current_password"));
                   const QJsonValue next = body.value(QStringLiteral("new_password"));
                   if (!current.isString() || !next.isString())
                       return Response::problem(422, QStringLiteral("\"current_password\" and \"new_password\" are required strings"));
                   if (current.toString().size() > 1024)
                       return Response::problem(422, QStringLiteral("\"current_password\" is longer than 1024 characters"));
                   return statusOr(s->auth->changePassword(req.who(), current.toString(), next.toString()));
               });

    // --- Tenants ---------------------------------------------------------------------------------------------
    router.add("GET", QStringLiteral("/v1/tenants"), QStringLiteral("tenant.list"), QStringLiteral("All tenants with plan, quotas and usage"),
               [s](Request &req) { return itemsOr(s->tenants->list(req.who())); });
    router.add("POST", QStringLiteral("/v1/tenants"), QStringLiteral("tenant.create"), QStringLiteral("Create a tenant"),
               [s](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return createdTyped(s->tenants->create(req.who(), body), QStringLiteral("/v1/tenants"), QStringLiteral("tenant_id"));
               });
    router.add("GET", QStringLiteral("/v1/tenants/{tenant_id}"), QStringLiteral("tenant.read"), QStringLiteral("One tenant (one's own; platform admins any)"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("tenant_id"), "tenant"))
                       return *bad;
                   return typedOr(s->tenants->get(req.who(), req.arg(QStringLiteral("tenant_id"))));
               });
    router.add("PATCH", QStringLiteral("/v1/tenants/{tenant_id}"), QStringLiteral("tenant.update"),
               QStringLiteral("Change a tenant's name, contact, plan, quotas or active flag"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("tenant_id"), "tenant"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return typedOr(s->tenants->update(req.who(), req.arg(QStringLiteral("tenant_id")), body));
               });
    router.add("POST", QStringLiteral("/v1/tenants/{tenant_id}/deactivate"), QStringLiteral("tenant.deactivate"),
               QStringLiteral("Deactivate a tenant: its users and tokens stop working, its data stays"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("tenant_id"), "tenant"))
                       return *bad;
                   return typedOr(s->tenants->deactivate(req.who(), req.arg(QStringLiteral("tenant_id"))));
               });

    // --- Users -----------------------------------------------------------------------------------------------
    router.add("GET", QStringLiteral("/v1/users"), QStringLiteral("user.read"), QStringLiteral("The users of the tenant"),
               [s](Request &req) { return itemsOr(s->users->list(req.who())); });
    router.add("POST", QStringLiteral("/v1/users"), QStringLiteral("user.create"), QStringLiteral("Create a user"),
               [s](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return createdTyped(s->users->create(req.who(), body), QStringLiteral("/v1/users"), QStringLiteral("user_id"));
               });
    router.add("GET", QStringLiteral("/v1/users/{user_id}"), QStringLiteral("user.read"), QStringLiteral("One user"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("user_id"), "user"))
                       return *bad;
                   return typedOr(s->users->get(req.who(), req.arg(QStringLiteral("user_id"))));
               });
    router.add("PATCH", QStringLiteral("/v1/users/{user_id}"), QStringLiteral("user.update"), QStringLiteral("Change a user's display name, role or active flag"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("user_id"), "user"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return typedOr(s->users->update(req.who(), req.arg(QStringLiteral("user_id")), body));
               });
    router.add("DELETE", QStringLiteral("/v1/users/{user_id}"), QStringLiteral("user.delete"), QStringLiteral("Delete a user with its sessions and tokens"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("user_id"), "user"))
                       return *bad;
                   return statusOr(s->users->remove(req.who(), req.arg(QStringLiteral("user_id"))));
               });
    router.add("POST", QStringLiteral("/v1/users/{user_id}/password"), QStringLiteral("user.reset_password"),
               QStringLiteral("Reset a user's password (given, or generated and returned once); all their credentials end"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("user_id"), "user"))
                       return *bad;
                   QJsonObject body;
                   if (auto bad = readBody(req, body, true))
                       return *bad;
                   return typedOr(s->users->resetPassword(req.who(), req.arg(QStringLiteral("user_id")), body));
               });
    router.add("GET", QStringLiteral("/v1/users/{user_id}/export"), QStringLiteral("user.export"), QStringLiteral("Everything stored about a user"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("user_id"), "user"))
                       return *bad;
                   Response r = typedOr(s->users->exportData(req.who(), req.arg(QStringLiteral("user_id"))));
                   if (r.status == 200)
                       r.headers.append(std::make_pair(QByteArray("Content-Disposition"), QByteArray("attachment; filename=\"user-export.json\"")));
                   return r;
               });
    router.add("POST", QStringLiteral("/v1/users/{user_id}/erase"), QStringLiteral("user.erase"),
               QStringLiteral("Erase a user's personal data (account and audit log anonymised, account disabled)"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("user_id"), "user"))
                       return *bad;
                   return typedOr(s->users->erase(req.who(), req.arg(QStringLiteral("user_id"))));
               });

    // --- API tokens ------------------------------------------------------------------------------------------
    router.add("GET", QStringLiteral("/v1/tokens"), QStringLiteral("token.read"), QStringLiteral("API tokens (own; admins: the tenant's), never the secret"),
               [s](Request &req) { return itemsOr(s->auth->listTokens(req.who())); });
    router.add("POST", QStringLiteral("/v1/tokens"), QStringLiteral("token.create"), QStringLiteral("Create an API token; the secret is shown once"),
               [s](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   return typedOr(s->auth->createToken(req.who(), body), 201);
               });
    router.add("DELETE", QStringLiteral("/v1/tokens/{token_id}"), QStringLiteral("token.revoke"), QStringLiteral("Revoke an API token"),
               [s](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("token_id"), "API token"))
                       return *bad;
                   return statusOr(s->auth->revokeToken(req.who(), req.arg(QStringLiteral("token_id"))));
               });

    // --- Audit -----------------------------------------------------------------------------------------------
    router.add("GET", QStringLiteral("/v1/audit"), QStringLiteral("audit.read"), QStringLiteral("The tenant's audit log, newest first, with filters"),
               [s](Request &req) {
                   AuditFilter f;
                   f.action = req.queryValue(QStringLiteral("action"));
                   f.actor = req.queryValue(QStringLiteral("actor"));
                   f.objectType = req.queryValue(QStringLiteral("object_type"));
                   f.objectId = req.queryValue(QStringLiteral("object_id"));
                   f.cursor = req.queryValue(QStringLiteral("cursor"));
                   for (const auto &[key, target] : {std::pair{QStringLiteral("from"), &f.fromMs}, std::pair{QStringLiteral("to"), &f.toMs}}) {
                       const QString v = req.queryValue(key);
                       if (v.isEmpty())
                           continue;
                       *target = AuthUtil::parseTime(v);
                       if (!*target)
                           return Response::problem(400, QStringLiteral("\"%1\" must be an ISO 8601 time such as 2026-11-26T07:00:00Z").arg(key));
                   }
                   if (auto bad = readLimit(req, f.limit))
                       return *bad;
                   auto page = s->audit->query(req.who(), f);
                   if (!page)
                       return page.error().code == ErrorCode::Invalid ? Response::problem(400, page.error().message) : Response::fromError(page.error());
                   return Response::json({{QStringLiteral("items"), page->items},
                                          {QStringLiteral("next_cursor"), page->nextCursor.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(page->nextCursor)}});
               });
}

} // namespace Fleetdeck::Api
