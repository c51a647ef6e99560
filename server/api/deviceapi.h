#pragma once

namespace Fleetdeck {
class DeviceService;
}

namespace Fleetdeck::Api {
class Router;

/// The device registry: register, list, read, change, suspend/resume, decommission; with the area's policy actions.
void registerDeviceRoutes(Router &router, DeviceService *devices);

} // namespace Fleetdeck::Api
