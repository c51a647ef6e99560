#include "api/restapi.h"

#include "auth/authservice.h"
#include "core/jsonutil.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QUuid>

// The API description is compiled into this static library; make sure its resource is registered.
static void initApiResources() { Q_INIT_RESOURCE(server); }

namespace Fleetdeck::Api {

QByteArray RestApi::openApiDocument()
{
    static const bool registered = (initApiResources(), true);
    Q_UNUSED(registered);
    QFile f(QStringLiteral(":/fleetdeck/openapi.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void RestApi::registerRoutes(Router &router, AuthService *auth, HealthFn health)
{
    struct { AuthService *auth; HealthFn health; } s{auth, std::move(health)};
    router.setAuthenticator([auth](const QString &token) -> Result<Principal> {
        if (!auth)
            return fail(Error::internal(QStringLiteral("this route table has no authentication")));
        return auth->authenticate(token);
    });

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

}

} // namespace Fleetdeck::Api
