#pragma once

namespace Fleetdeck {
class NotificationService;
}

namespace Fleetdeck::Api {
class Router;

/// /v1/notification-channels, /v1/notification-policies and /v1/notification-deliveries (the delivery log).
void registerNotificationRoutes(Router &router, NotificationService *notifications);

} // namespace Fleetdeck::Api
