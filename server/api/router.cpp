#include "api/router.h"

#include "auth/policy.h"
#include "core/jsonutil.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QUuid>

Q_LOGGING_CATEGORY(lcApi, "fleetdeck.server.api", QtInfoMsg)

namespace Fleetdeck::Api {

QString statusTitle(int status)
{
    switch (status) {
    case 200: return QStringLiteral("OK");
    case 201: return QStringLiteral("Created");
    case 202: return QStringLiteral("Accepted");
    case 204: return QStringLiteral("No Content");
    case 400: return QStringLiteral("Bad Request");
    case 401: return QStringLiteral("Unauthorized");
    case 403: return QStringLiteral("Forbidden");
    case 404: return QStringLiteral("Not Found");
    case 405: return QStringLiteral("Method Not Allowed");
    case 408: return QStringLiteral("Request Timeout");
    case 409: return QStringLiteral("Conflict");
    case 411: return QStringLiteral("Length Required");
    case 413: return QStringLiteral("Payload Too Large");
    case 414: return QStringLiteral("URI Too Long");
    case 415: return QStringLiteral("Unsupported Media Type");
    case 422: return QStringLiteral("Unprocessable Entity");
    case 423: return QStringLiteral("Locked");
    case 429: return QStringLiteral("Too Many Requests");
    case 431: return QStringLiteral("Request Header Fields Too Large");
    case 500: return QStringLiteral("Internal Server Error");
    case 503: return QStringLiteral("Service Unavailable");
    default: return QStringLiteral("Error");
    }
}

Response Response::json(const QJsonObject &o, int status)
{
    Response r;
    r.status = status;
    r.body = QJsonDocument(o).toJson(QJsonDocument::Compact);
    return r;
}

Response Response::problem(int status, const QString &detail, const QString &title)
{
    Response r = json(QJsonObject{{QStringLiteral("type"), QStringLiteral("about:blank")},
                                  {QStringLiteral("title"), title.isEmpty() ? statusTitle(status) : title},
                                  {QStringLiteral("status"), status},
                                  {QStringLiteral("detail"), detail}},
                      status);
    r.contentType = "application/problem+json";
    return r;
}

Response Response::fromError(const Error &e)
{
    switch (e.code) {
    case ErrorCode::Invalid: return problem(422, e.message);
    case ErrorCode::NotFound: return problem(404, e.message);
    case ErrorCode::Conflict: return problem(409, e.message);
    case ErrorCode::Unauthorized: {
        Response r = problem(401, e.message);
        r.headers.append(std::make_pair(QByteArray("WWW-Authenticate"), QByteArray("Bearer realm=\"fleetdeck\"")));
        return r;
    }
    case ErrorCode::Forbidden: return problem(403, e.message);
    case ErrorCode::TooLarge: return problem(413, e.message);
    case ErrorCode::Unavailable:
        qCWarning(lcApi) << "dependency unavailable:" << e.message;
        return problem(503, QStringLiteral("a dependency of the server is unavailable; try again shortly"));
    case ErrorCode::Internal:
        qCCritical(lcApi) << "internal error:" << e.message;
        return problem(500, QStringLiteral("internal error; the server log has the details"));
    }
    return problem(500, e.message);
}

Response Response::deferred()
{
    Response r;
    r.status = 0;
    return r;
}

Response Response::noContent()
{
    Response r;
    r.status = 204;
    r.contentType.clear();
    return r;
}

std::optional<Response> readBody(const Request &req, QJsonObject &out, bool emptyIsObject)
{
    if (emptyIsObject && req.body.trimmed().isEmpty()) {
        out = {};
        return std::nullopt;
    }
    auto obj = req.jsonBody();
    if (!obj) {
        const bool type = obj.error().message.startsWith(QStringLiteral("send the body"));
        return Response::problem(type ? 415 : 400, obj.error().message);
    }
    out = *obj;
    return std::nullopt;
}

std::optional<Response> checkId(const Request &req, const QString &param, const char *what)
{
    const QString id = req.arg(param);
    if (QUuid::fromString(id).isNull())
        return Response::problem(404, QStringLiteral("no %1 with id %2").arg(QString::fromLatin1(what), id.left(64)));
    return std::nullopt;
}

Response jsonOr(const Result<QJsonObject> &r, int status)
{
    if (!r)
        return Response::fromError(r.error());
    return Response::json(*r, status);
}

Response created(const Result<QJsonObject> &r, const QString &collection, const QString &idKey)
{
    if (!r)
        return Response::fromError(r.error());
    Response resp = Response::json(*r, 201);
    resp.headers.append({QByteArray("Location"), (collection + u'/' + r->value(idKey).toString()).toLatin1()});
    return resp;
}

std::optional<Response> readLimit(const Request &req, int &limit)
{
    const QString text = req.queryValue(QStringLiteral("limit"));
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < 1 || n > 1000)
        return Response::problem(400, QStringLiteral("\"limit\" must be an integer from 1 to 1000"));
    limit = n;
    return std::nullopt;
}

Result<QJsonObject> Request::jsonBody() const
{
    const QByteArray type = header("content-type").split(';').first().trimmed().toLower();
    if (type != "application/json" && !type.endsWith("+json"))
        return fail(Error{ErrorCode::Invalid, QStringLiteral("send the body as application/json (got \"%1\")").arg(QString::fromLatin1(type))});
    return Json::parseObject(body);
}

namespace {
QString actionFor(Access access)
{
    switch (access) {
    case Access::Public: return Policy::kPublic;
    case Access::Read: return QStringLiteral("generic.read");
    case Access::Write: return QStringLiteral("generic.write");
    case Access::Admin: return QStringLiteral("generic.admin");
    }
    return QString();
}

/// The coarse level that describes an action (for documentation and older readers of Route::access).
Access accessFor(const QString &action)
{
    if (action == Policy::kPublic)
        return Access::Public;
    if (Policy::allows(Role::Viewer, action))
        return Access::Read;
    if (Policy::allows(Role::Operator, action))
        return Access::Write;
    return Access::Admin;
}
} // namespace

void Router::add(QByteArray method, QString pattern, Access access, QString summary, std::function<Response(Request &)> handler)
{
    add(std::move(method), std::move(pattern), actionFor(access), std::move(summary), std::move(handler));
}

void Router::add(QByteArray method, QString pattern, QString action, QString summary, std::function<Response(Request &)> handler)
{
    if (!Policy::isKnown(action))
        qCCritical(lcApi).noquote() << QStringLiteral("route %1 %2 names action \"%3\", which the policy table does not know; it will answer 500")
                                           .arg(QString::fromLatin1(method), pattern, action);
    Route r{std::move(method), std::move(pattern), accessFor(action), std::move(summary), std::move(handler), {}, std::move(action)};
    r.segments = r.pattern.split(u'/', Qt::SkipEmptyParts);
    m_routes.append(std::move(r));
}

bool Router::allows(Access access, Role role)
{
    switch (access) {
    case Access::Public:
    case Access::Read: return true;
    case Access::Write: return role != Role::Viewer;
    case Access::Admin: return role == Role::PlatformAdmin || role == Role::TenantAdmin;
    }
    return false;
}

std::optional<Response> Router::authorize(Request &req, const QString &action, const QString &pattern) const
{
    const QByteArray auth = req.header("authorization");
    // The scheme name is case-insensitive (RFC 9110 11.1).
    if (auth.size() < 7 || auth.left(7).toLower() != "bearer ")
        return Response::fromError(Error::unauthorized(QStringLiteral("this endpoint needs \"Authorization: Bearer <token>\"; get a token from POST /v1/auth/login")));
    auto principal = m_authenticate(QString::fromLatin1(auth.mid(7).trimmed()));
    if (!principal)
        return Response::fromError(principal.error());
    principal->source = req.peer;
    if (!Policy::allows(principal->role, action))
        return Response::problem(403, QStringLiteral("your role (%1) may not %2 %3 (action %4 needs %5)")
                                          .arg(roleName(principal->role), QString::fromLatin1(req.method), pattern.isEmpty() ? req.path : pattern, action,
                                               Policy::allowedRoleNames(action).join(QStringLiteral(" or "))));
    // Acting inside another tenant is explicit: platform admins name it in X-Fleetdeck-Tenant.
    const QString requested = QString::fromUtf8(req.header("x-fleetdeck-tenant")).trimmed();
    if (!requested.isEmpty() && requested != principal->tenantId) {
        if (!m_selectTenant)
            return Response::problem(403, QStringLiteral("X-Fleetdeck-Tenant is for platform admins only"));
        auto tenant = m_selectTenant(*principal, requested);
        if (!tenant)
            return Response::fromError(tenant.error());
        principal->tenantId = *tenant;
    }
    req.principal = std::move(*principal);
    return std::nullopt;
}

Response Router::dispatch(Request &req) const
{
    const QStringList parts = req.path.split(u'/', Qt::SkipEmptyParts);
    QList<QByteArray> allowedMethods;
    for (const Route &route : m_routes) {
        if (route.segments.size() != parts.size())
            continue;
        QHash<QString, QString> args;
        bool match = true;
        for (qsizetype i = 0; i < parts.size() && match; ++i) {
            const QString &seg = route.segments[i];
            if (seg.startsWith(u'{') && seg.endsWith(u'}'))
                args.insert(seg.mid(1, seg.size() - 2), parts[i]);
            else
                match = seg == parts[i];
        }
        if (!match)
            continue;
        if (route.method != req.method) {
            allowedMethods << route.method;
            continue;
        }
        req.args = std::move(args);
        if (!Policy::isKnown(route.action)) {
            qCCritical(lcApi).noquote() << "refusing" << QString::fromLatin1(route.method) << route.pattern << "- its action has no policy";
            return Response::problem(500, QStringLiteral("this endpoint has no authorisation policy; refusing it (a server bug, logged)"));
        }
        if (route.action != Policy::kPublic)
            if (auto refused = authorize(req, route.action, route.pattern))
                return *refused;
        Response answer = route.handler(req);
        if (m_changed && route.action != Policy::kPublic && req.method != "GET" && req.method != "HEAD")
            m_changed(route.action);
        return answer;
    }
    if (!allowedMethods.isEmpty()) {
        Response r = Response::problem(405, QStringLiteral("%1 is not supported on %2; allowed: %3")
                                                .arg(QString::fromLatin1(req.method), req.path, QString::fromLatin1(allowedMethods.join(", "))));
        r.headers.append(std::make_pair(QByteArray("Allow"), allowedMethods.join(", ")));
        return r;
    }
    return Response::problem(404, QStringLiteral("no such endpoint: %1 %2").arg(QString::fromLatin1(req.method), req.path));
}

} // namespace Fleetdeck::Api
