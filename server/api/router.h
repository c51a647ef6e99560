#pragma once

#include "auth/principal.h"
#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QUrlQuery>
#include <functional>
#include <optional>

namespace Fleetdeck::Api {

struct Response
{
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;

    static Response json(const QJsonObject &o, int status = 200);
    static Response problem(int status, const QString &detail, const QString &title = {});
    static Response fromError(const Error &e);
    static Response noContent();
    /// A handler that answers later, through Request::respondLater, returns this (status 0).
    static Response deferred();
    bool isDeferred() const { return status == 0; }
};

struct Request
{
    QByteArray method;               ///< "GET", "POST", ...
    QString path;
    QUrlQuery query;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; ///< names in lower case
    QHash<QString, QString> args;    ///< path parameters by name
    QString peer;
    std::optional<Principal> principal;
    /// Set by the HTTP server: a handler whose work runs elsewhere calls it once, on the main thread, with its
    /// response, and returns Response::deferred(). Empty when the caller needs an answer at once (then answer so).
    std::function<void(Response)> respondLater;

    QString arg(const QString &name) const { return args.value(name); }
    QString queryValue(const QString &key) const { return query.queryItemValue(key, QUrl::FullyDecoded); }
    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    /// The body as a JSON object: 415 without a JSON content type, 400 for malformed JSON.
    [[nodiscard]] Result<QJsonObject> jsonBody() const;
    /// Only a principal reaches handlers of authenticated routes.
    const Principal &who() const { return *principal; }
};

/// Coarse access levels, kept for routes that do not name an action of their own: they map onto the policy
/// actions `generic.read|write|admin` (see auth/policy.h). New routes name their action instead.
enum class Access {
    Public,   ///< no token (health, login, the API description)
    Read,     ///< any authenticated user of the tenant
    Write,    ///< operators and admins
    Admin,    ///< tenant and platform admins
};

struct Route
{
    QByteArray method;
    QString pattern;  ///< "/v1/devices/{device_id}"
    Access access = Access::Read;
    QString summary;
    std::function<Response(Request &)> handler;
    QStringList segments;
    QString action;   ///< the policy action (auth/policy.h) the router checks the caller's role against
};

/// Method + path pattern routing with `{name}` parameters, authentication and the role check in one place.
class Router
{
public:
    using Authenticator = std::function<Result<Principal>(const QString &bearerToken)>;
    /// Decides the tenant a caller acts in when it sends `X-Fleetdeck-Tenant` (platform admins only).
    using TenantSelector = std::function<Result<QString>(const Principal &who, const QString &requestedTenant)>;

    void add(QByteArray method, QString pattern, Access access, QString summary, std::function<Response(Request &)> handler);
    /// A route that performs a policy `action`. An action missing from the policy table is a bug: logged, and the
    /// route answers 500 instead of running (and the authorisation-matrix test fails).
    void add(QByteArray method, QString pattern, QString action, QString summary, std::function<Response(Request &)> handler);
    void setAuthenticator(Authenticator a) { m_authenticate = std::move(a); }
    void setTenantSelector(TenantSelector s) { m_selectTenant = std::move(s); }
    /// Told of every authenticated request that may change state (not GET/HEAD) once its handler ran, with the route's
    /// action, whatever it answered: e.g. the live hub re-checks open connections after user, token and tenant changes.
    using ChangeListener = std::function<void(const QString &action)>;
    void setChangeListener(ChangeListener l) { m_changed = std::move(l); }
    Response dispatch(Request &request) const;
    /// What dispatch() does before a route's handler: the bearer token, the role's right to `action` and the
    /// X-Fleetdeck-Tenant choice. Sets `request.principal`, or returns the refusal. For listeners that handle their
    /// requests themselves (the firmware transfer listener streams bodies); `pattern` names the endpoint in a 403.
    std::optional<Response> authorize(Request &request, const QString &action, const QString &pattern = {}) const;
    const QList<Route> &routes() const { return m_routes; }

    static bool allows(Access access, Role role);

private:
    QList<Route> m_routes;
    Authenticator m_authenticate;
    TenantSelector m_selectTenant;
    ChangeListener m_changed;
};

QString statusTitle(int status);

/// The JSON body, or the response to send instead: 415 for another content type, 400 for malformed JSON.
/// An empty body counts as {} where `emptyIsObject`.
std::optional<Response> readBody(const Request &req, QJsonObject &out, bool emptyIsObject = false);
/// Ids are UUIDs: anything else cannot name an object and is "not found" without a query.
std::optional<Response> checkId(const Request &req, const QString &param, const char *what);
/// The service's result as JSON with `status`, or its error as problem+json.
Response jsonOr(const Result<QJsonObject> &r, int status = 200);
/// 201 with `Location: <collection>/<the result's idKey>`, or the error as problem+json.
Response created(const Result<QJsonObject> &r, const QString &collection, const QString &idKey);
/// `limit` from the query string: 1 to 1000 (400 otherwise); left as it is when absent.
std::optional<Response> readLimit(const Request &req, int &limit);

} // namespace Fleetdeck::Api
