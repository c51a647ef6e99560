#pragma once

#include "auth/principal.h"

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace Fleetdeck {

/// The authorisation policy: one table of role × action, consulted by the router for every route.
///
/// Every route names the action it performs (`device.read`, `user.create`, ...). An action that is not in this
/// table cannot be authorised: the router refuses to dispatch such a route (500, logged as a bug) and the
/// authorisation-matrix test fails for it. Object-level rules (which tenant, which user) are not here: tenant
/// scoping happens in the services from `Principal::tenantId`, and a foreign object is reported as not found.
namespace Policy {

/// Anyone, also without a token (health, login, the API description).
inline const QString kPublic = QStringLiteral("public");

struct Rule
{
    QString action;
    QList<Role> roles;    ///< roles allowed; empty for public
    QString description;
};

/// The whole table, in a stable order (docs and tests print it).
const QList<Rule> &rules();
/// Whether the action is in the table.
bool isKnown(const QString &action);
/// Whether a role may perform the action. Unknown actions are denied.
bool allows(Role role, const QString &action);
/// The roles that may perform an action ("platform-admin, tenant-admin").
QStringList allowedRoleNames(const QString &action);

/// Privilege order used for "not above the creator": platform-admin > tenant-admin > operator > viewer.
int rank(Role role);
inline bool atMost(Role candidate, Role limit) { return rank(candidate) <= rank(limit); }

} // namespace Policy
} // namespace Fleetdeck
