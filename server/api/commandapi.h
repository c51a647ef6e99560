#pragma once

namespace Fleetdeck {
class CommandService;
class GroupJobs;
class TwinService;
}

namespace Fleetdeck::Api {
class Router;

/// Commands to one device or a group, command jobs, and the device twin (desired / reported configuration).
void registerCommandRoutes(Router &router, CommandService *commands, GroupJobs *groupJobs, TwinService *twin);

} // namespace Fleetdeck::Api
