#pragma once

#include "api/router.h"

namespace Fleetdeck {
class AuthService;
}

namespace Fleetdeck::Api {

/// Identity and administration routes: login, logout, refresh, the caller's account, tenants, users, API tokens
/// and the audit log. Each route names its policy action (auth/policy.h). Also installs the router's tenant
/// selector for `X-Fleetdeck-Tenant`.
class AdminApi
{
public:
    /// `auth` may be null when only the route table is wanted (the OpenAPI test); handlers then never run.
    static void registerRoutes(Router &router, AuthService *auth);
};

} // namespace Fleetdeck::Api
