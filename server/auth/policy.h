#pragma once

#include "auth/principal.h"

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace Fleetdeck {

/// The authorisation policy: one table of role × action, consulted by the router for every route. The table holds
/// the shared entries (public, own session, the generic levels); each area defines its own actions with its routes
/// (`Policy::define` in api/*api.cpp), so a new area touches neither this file nor the others'.
///
/// Every route names the action it performs (`device.read`, `user.create`, ...). An action that is not in the
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

/// The whole table, in a stable order (the shared entries, then each area's as defined; docs and tests print it).
const QList<Rule> &rules();
/// Adds an area's actions. Defining an action again with the same roles is a no-op (several servers in one
/// process); with other roles it is a bug (two areas claim one action): logged as critical, the first one kept,
/// and the authorisation-matrix test fails on it.
void define(const QList<Rule> &rules);
/// Who an area's rules name: every role; those who change things (operators and up); the tenant's administrators
/// (and the platform's); the platform's administrators only.
const QList<Role> &everyone();
const QList<Role> &writers();
const QList<Role> &admins();
const QList<Role> &platform();
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
