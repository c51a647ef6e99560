#include "auth/policy.h"

#include <QtCore/QHash>

namespace Fleetdeck::Policy {

namespace {
constexpr Role PA = Role::PlatformAdmin;
constexpr Role TA = Role::TenantAdmin;
constexpr Role OP = Role::Operator;
constexpr Role VI = Role::Viewer;

const QList<Role> kEveryone{PA, TA, OP, VI};
const QList<Role> kWriters{PA, TA, OP};
const QList<Role> kAdmins{PA, TA};
const QList<Role> kPlatform{PA};
} // namespace

const QList<Rule> &rules()
{
    static const QList<Rule> table = {
        {kPublic, {}, QStringLiteral("No token needed: health, login, the API description")},
        // The caller's own session and account.
        {QStringLiteral("session.self"), kEveryone, QStringLiteral("Own session and account: me, logout, refresh, change own password")},
        // Coarse actions for routes registered with an Access level instead of an action of their own.
        {QStringLiteral("generic.read"), kEveryone, QStringLiteral("Routes registered with Access::Read")},
        {QStringLiteral("generic.write"), kWriters, QStringLiteral("Routes registered with Access::Write")},
        {QStringLiteral("generic.admin"), kAdmins, QStringLiteral("Routes registered with Access::Admin")},
        // Devices
        {QStringLiteral("device.read"), kEveryone, QStringLiteral("List and read devices")},
        // Registration, metadata, schemas and decommissioning shape the fleet: the tenant's administrators. An
        // operator runs it: commands, desired configuration, suspending a device that misbehaves (and resuming it:
        // reversible, and often urgent at 3 a.m.), acknowledging alerts. See docs/security.md.
        {QStringLiteral("device.register"), kAdmins, QStringLiteral("Register a device (counts against the tenant's device quota)")},
        {QStringLiteral("device.update"), kAdmins, QStringLiteral("Change a device's name, type, tags, metadata")},
        {QStringLiteral("device.suspend"), kWriters, QStringLiteral("Suspend a device (disconnect and refuse it) or resume it")},
        {QStringLiteral("device.decommission"), kAdmins, QStringLiteral("Decommission a device: its certificate is revoked for good")},
        {QStringLiteral("telemetry.read"), kEveryone, QStringLiteral("Read telemetry and the device types' telemetry schemas")},
        {QStringLiteral("telemetry.schema"), kAdmins, QStringLiteral("Set or remove a device type's telemetry schema")},
        {QStringLiteral("command.read"), kEveryone, QStringLiteral("Read commands, their states and results, and group commands")},
        {QStringLiteral("command.send"), kWriters, QStringLiteral("Send commands to devices")},
        {QStringLiteral("command.cancel"), kWriters, QStringLiteral("Cancel a command that is not finished")},
        {QStringLiteral("config.read"), kEveryone, QStringLiteral("Read a device's desired and reported configuration")},
        {QStringLiteral("config.write"), kWriters, QStringLiteral("Change a device's desired configuration")},
        {QStringLiteral("alert.acknowledge"), kWriters, QStringLiteral("Acknowledge alerts")},
        // Tenants
        {QStringLiteral("tenant.read"), kEveryone, QStringLiteral("Read one's own tenant (platform admins: any tenant)")},
        {QStringLiteral("tenant.list"), kPlatform, QStringLiteral("List all tenants")},
        {QStringLiteral("tenant.create"), kPlatform, QStringLiteral("Create a tenant")},
        {QStringLiteral("tenant.update"), kPlatform, QStringLiteral("Change a tenant's name, contact, plan and quotas")},
        {QStringLiteral("tenant.deactivate"), kPlatform, QStringLiteral("Deactivate a tenant")},
        // Users
        {QStringLiteral("user.read"), kAdmins, QStringLiteral("List and read the users of the tenant")},
        {QStringLiteral("user.create"), kAdmins, QStringLiteral("Create a user in the tenant (role not above one's own)")},
        {QStringLiteral("user.update"), kAdmins, QStringLiteral("Change a user's display name, role or active flag")},
        {QStringLiteral("user.delete"), kAdmins, QStringLiteral("Delete a user")},
        {QStringLiteral("user.reset_password"), kAdmins, QStringLiteral("Set a new password for a user")},
        {QStringLiteral("user.export"), kAdmins, QStringLiteral("Export a user's personal data")},
        {QStringLiteral("user.erase"), kAdmins, QStringLiteral("Erase (anonymise) a user's personal data")},
        // API tokens
        {QStringLiteral("token.read"), kEveryone, QStringLiteral("List API tokens (own; admins: the tenant's)")},
        {QStringLiteral("token.create"), kEveryone, QStringLiteral("Create an API token with a role not above one's own")},
        {QStringLiteral("token.revoke"), kEveryone, QStringLiteral("Revoke an API token (own; admins: the tenant's)")},
        // Audit
        {QStringLiteral("audit.read"), kAdmins, QStringLiteral("Read the tenant's audit log")},
    };
    return table;
}

namespace {
const QHash<QString, const Rule *> &index()
{
    static const QHash<QString, const Rule *> idx = [] {
        QHash<QString, const Rule *> h;
        for (const Rule &r : rules())
            h.insert(r.action, &r);
        return h;
    }();
    return idx;
}
} // namespace

bool isKnown(const QString &action) { return index().contains(action); }

bool allows(Role role, const QString &action)
{
    const Rule *r = index().value(action);
    if (!r)
        return false;
    return r->action == kPublic || r->roles.contains(role);
}

QStringList allowedRoleNames(const QString &action)
{
    QStringList names;
    if (const Rule *r = index().value(action))
        for (Role role : r->roles)
            names << roleName(role);
    return names;
}

int rank(Role role)
{
    switch (role) {
    case Role::PlatformAdmin: return 3;
    case Role::TenantAdmin: return 2;
    case Role::Operator: return 1;
    case Role::Viewer: return 0;
    }
    return 0;
}

} // namespace Fleetdeck::Policy
