#include "auth/policy.h"

#include <QtCore/QHash>

namespace Fleetdeck::Policy {

namespace {
constexpr Role PA = Role::PlatformAdmin;
constexpr Role TA = Role::TenantAdmin;
constexpr Role OP = Role::Operator;
constexpr Role VI = Role::Viewer;

} // namespace

// Function-local: areas may define rules from anywhere, static initialisation order never matters.
const QList<Role> &everyone() { static const QList<Role> r{PA, TA, OP, VI}; return r; }
const QList<Role> &writers() { static const QList<Role> r{PA, TA, OP}; return r; }
const QList<Role> &admins() { static const QList<Role> r{PA, TA}; return r; }
const QList<Role> &platform() { static const QList<Role> r{PA}; return r; }

namespace {
/// The rules every area shares; each area defines its own actions beside its routes (Policy::define).
QList<Rule> &table()
{
    static QList<Rule> t = {
        {kPublic, {}, QStringLiteral("No token needed: health, login, the API description")},
        // The caller's own session and account.
        {QStringLiteral("session.self"), everyone(), QStringLiteral("Own session and account: me, logout, refresh, change own password")},
        // Coarse actions for routes registered with an Access level instead of an action of their own.
        {QStringLiteral("generic.read"), everyone(), QStringLiteral("Routes registered with Access::Read")},
        {QStringLiteral("generic.write"), writers(), QStringLiteral("Routes registered with Access::Write")},
        {QStringLiteral("generic.admin"), admins(), QStringLiteral("Routes registered with Access::Admin")},
    };
    return t;
}

QHash<QString, qsizetype> &index()
{
    static QHash<QString, qsizetype> idx = [] {
        QHash<QString, qsizetype> h;
        for (qsizetype i = 0; i < table().size(); ++i)
            h.insert(table().at(i).action, i);
        return h;
    }();
    return idx;
}

const Rule *find(const QString &action)
{
    const auto it = index().constFind(action);
    return it == index().cend() ? nullptr : &table().at(*it);
}
} // namespace

const QList<Rule> &rules() { return table(); }


void define(const QList<Rule> &rules)
{
    for (const Rule &r : rules) {
        if (const Rule *known = find(r.action)) {
            // Defined again (a second server in one process, a test): it must be the same rule.
            if (known->roles != r.roles)
                qCritical("policy action %s defined twice with different roles; the first definition stays", qPrintable(r.action));
            continue;
        }
        table().append(r);
        index().insert(r.action, table().size() - 1);
    }
}

bool isKnown(const QString &action) { return index().contains(action); }

bool allows(Role role, const QString &action)
{
    const Rule *r = find(action);
    if (!r)
        return false;
    return r->action == kPublic || r->roles.contains(role);
}

QStringList allowedRoleNames(const QString &action)
{
    QStringList names;
    if (const Rule *r = find(action))
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
