#pragma once

namespace Fleetdeck {
class MaintenanceWindows;
}

namespace Fleetdeck::Api {
class Router;

/// /v1/maintenance-windows: planned maintenance that suppresses its devices' alerts by design.
void registerMaintenanceRoutes(Router &router, MaintenanceWindows *windows);

} // namespace Fleetdeck::Api
