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

    QString arg(const QString &name) const { return args.value(name); }
    QString queryValue(const QString &key) const { return query.queryItemValue(key, QUrl::FullyDecoded); }
    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    /// The body as a JSON object: 415 without a JSON content type, 400 for malformed JSON.
    [[nodiscard]] Result<QJsonObject> jsonBody() const;
    /// Only a principal reaches handlers of authenticated routes.
    const Principal &who() const { return *principal; }
};

/// What a route requires of the caller. Every route states it; the authorisation matrix test reads it.
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
};

/// Method + path pattern routing with `{name}` parameters, authentication and the role check in one place.
class Router
{
public:
    using Authenticator = std::function<Result<Principal>(const QString &bearerToken)>;

    void add(QByteArray method, QString pattern, Access access, QString summary, std::function<Response(Request &)> handler);
    void setAuthenticator(Authenticator a) { m_authenticate = std::move(a); }
    Response dispatch(Request &request) const;
    const QList<Route> &routes() const { return m_routes; }

    static bool allows(Access access, Role role);

private:
    QList<Route> m_routes;
    Authenticator m_authenticate;
};

QString statusTitle(int status);

} // namespace Fleetdeck::Api
