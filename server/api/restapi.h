#pragma once

#include "api/router.h"

#include <QtCore/QJsonObject>
#include <functional>

namespace Fleetdeck {
class AuthService;
}

namespace Fleetdeck::Api {

/// The API's own resources. Handlers translate HTTP to service calls and nothing more.
class RestApi
{
public:
    /// Health document and whether everything is up (200) or not (503).
    using HealthFn = std::function<std::pair<QJsonObject, bool>()>;

    /// The authenticator (bearer tokens through `auth`), GET /v1/health and GET /v1/openapi.json. Each area
    /// registers its own routes beside it (api/adminapi.h, deviceapi.h, telemetryapi.h, commandapi.h).
    /// `auth` null: the route table only (the OpenAPI test).
    static void registerRoutes(Router &router, AuthService *auth, HealthFn health);
    /// The hand-written OpenAPI description shipped with the server (resources/openapi.json).
    static QByteArray openApiDocument();
};

} // namespace Fleetdeck::Api
