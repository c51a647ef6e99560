#pragma once

#include "api/router.h"

namespace Fleetdeck {
class AuditLog;
class AuthService;
class TenantService;
class UserService;
}

namespace Fleetdeck::Api {

/// The identity and administration services the routes call (made by the Application).
struct AdminServices
{
    AuthService *auth = nullptr;
    UserService *users = nullptr;
    TenantService *tenants = nullptr;
    AuditLog *audit = nullptr;
};

/// Identity and administration routes: login, logout, refresh, the caller's account, tenants, users, API tokens
/// and the audit log, with the area's policy actions. Also installs the router's tenant selector for
/// `X-Fleetdeck-Tenant`.
class AdminApi
{
public:
    /// The services may be null when only the route table is wanted (the OpenAPI test); handlers then never run.
    static void registerRoutes(Router &router, AdminServices services);
};

} // namespace Fleetdeck::Api
