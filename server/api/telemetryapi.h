#pragma once

namespace Fleetdeck {
class TelemetryService;
}

namespace Fleetdeck::Api {
class Router;

/// GET /v1/devices/{device_id}/telemetry and GET /v1/tenants/{tenant_id}/telemetry/latest.
void registerTelemetryRoutes(Router &router, TelemetryService *telemetry);

} // namespace Fleetdeck::Api
