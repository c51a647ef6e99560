#pragma once

namespace Fleetdeck {
class RolloutService;
}

namespace Fleetdeck::Api {
class Router;

/// /v1/firmware/updates: phased rollouts (create, list, one with its counts, its devices, pause / resume / abort /
/// rollback) and a device's firmware history. Registered before the firmware routes: "updates" is not an id.
void registerRolloutRoutes(Router &router, RolloutService *rollouts);

} // namespace Fleetdeck::Api
