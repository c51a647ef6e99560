#pragma once

namespace Fleetdeck {
class AlertService;
class RuleService;
}

namespace Fleetdeck::Api {
class Router;

/// /v1/rules (CRUD and backtests).
void registerRuleRoutes(Router &router, RuleService *rules);
/// /v1/alerts: the tenant's alerts, their history, and acknowledge / clear / shelve / unshelve / assign.
void registerAlertRoutes(Router &router, AlertService *alerts);

} // namespace Fleetdeck::Api
