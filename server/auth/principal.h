#pragma once

#include <QtCore/QString>
#include <optional>

namespace Fleetdeck {

enum class Role { PlatformAdmin, TenantAdmin, Operator, Viewer };

QString roleName(Role r);
std::optional<Role> roleFromName(QStringView name);

/// Who is asking: resolved from a bearer token once per request. Every tenant-scoped query takes the tenant from
/// here, never from the request body or path. `tenantId` is the tenant the request acts in: the user's own, or for a
/// platform admin the one named by the `X-Fleetdeck-Tenant` header.
struct Principal
{
    QString userId;
    QString email;
    QString tenantId;
    Role role = Role::Viewer;
    QString source; ///< peer address, for the audit log
    QString homeTenantId = {}; ///< the user's own tenant; tenantId differs only for a platform admin acting elsewhere
    QString tokenId = {};      ///< the API token's id, or empty for a login session
    bool viaApiToken = false;

    bool actsElsewhere() const { return !homeTenantId.isEmpty() && homeTenantId != tenantId; }

    bool canWrite() const { return role != Role::Viewer; }
    bool isAdmin() const { return role == Role::PlatformAdmin || role == Role::TenantAdmin; }
};

} // namespace Fleetdeck
