#pragma once

#include <QtCore/QString>
#include <optional>

namespace Fleetdeck {

enum class Role { PlatformAdmin, TenantAdmin, Operator, Viewer };

QString roleName(Role r);
std::optional<Role> roleFromName(QStringView name);

/// Who is asking: resolved from a bearer token once per request. Every tenant-scoped query takes the tenant from
/// here, never from the request body or path.
struct Principal
{
    QString userId;
    QString email;
    QString tenantId;
    Role role = Role::Viewer;
    QString source; ///< peer address, for the audit log

    bool canWrite() const { return role != Role::Viewer; }
    bool isAdmin() const { return role == Role::PlatformAdmin || role == Role::TenantAdmin; }
};

} // namespace Fleetdeck
