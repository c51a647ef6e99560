#pragma once

#include "api/router.h"

#include <QtCore/QJsonObject>
#include <functional>

namespace Fleetdeck {
class AuthService;
class CommandService;
class DeviceService;
class GroupJobs;
class TelemetryService;
class TwinService;
}

namespace Fleetdeck::Api {

/// Registers the REST resources on a router. Handlers translate HTTP to service calls and nothing more.
class RestApi
{
public:
    struct Services
    {
        AuthService *auth = nullptr;
        DeviceService *devices = nullptr;
        TelemetryService *telemetry = nullptr;
        CommandService *commands = nullptr;
        GroupJobs *groupJobs = nullptr;
        TwinService *twin = nullptr;
        /// Health document and whether everything is up (200) or not (503).
        std::function<std::pair<QJsonObject, bool>()> health;
    };

    static void registerRoutes(Router &router, Services services);
    /// The hand-written OpenAPI description shipped with the server (resources/openapi.json).
    static QByteArray openApiDocument();
};

} // namespace Fleetdeck::Api
