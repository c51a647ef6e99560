#pragma once

namespace Fleetdeck {
class LatestValueCache;
class TelemetryHistory;
class TelemetryIngest;
class TelemetrySchemas;
}

namespace Fleetdeck::Api {
class Router;

/// The telemetry area's parts the REST resources use (made by the Application).
struct TelemetryServices
{
    TelemetryIngest *ingest = nullptr;     ///< refused telemetry per device
    TelemetryHistory *history = nullptr;
    LatestValueCache *latest = nullptr;
    TelemetrySchemas *schemas = nullptr;
};

/// GET /v1/devices/{device_id}/telemetry[/rejects], the device types' telemetry schemas and
/// GET /v1/tenants/{tenant_id}/telemetry/latest.
void registerTelemetryRoutes(Router &router, TelemetryServices telemetry);

} // namespace Fleetdeck::Api
