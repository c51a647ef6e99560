#pragma once

#include "auth/authtypes.h"
#include "auth/principal.h"
#include "core/result.h"

#include <QtCore/QJsonObject>
#include <QtCore/QList>

namespace Fleetdeck {
namespace Storage { class Database; }
class AuthService;

/// User management inside a tenant. Every call is scoped to the tenant the principal acts in; a user of another
/// tenant is "not found". Nobody creates, changes or removes an account with more rights than their own.
class UserService
{
public:
    UserService(Storage::Database &db, AuthService &auth);

    /// The tenant's users, oldest first.
    [[nodiscard]] Result<QList<User>> list(const Principal &who);
    [[nodiscard]] Result<User> get(const Principal &who, const QString &userId);
    /// `{"email","password","role","display_name","tenant_id"}` (the request body); tenant_id other than one's own:
    /// platform admins only.
    [[nodiscard]] Result<User> create(const Principal &who, const QJsonObject &body);
    /// `{"display_name","role","active"}`.
    [[nodiscard]] Result<User> update(const Principal &who, const QString &userId, const QJsonObject &patch);
    [[nodiscard]] Status remove(const Principal &who, const QString &userId);
    /// Sets `{"password"}` or, without one, a generated password returned once; every credential of the user ends.
    [[nodiscard]] Result<PasswordReset> resetPassword(const Principal &who, const QString &userId, const QJsonObject &body);
    /// Everything stored about the person: account, sessions, API tokens (never secrets or hashes), audit entries.
    [[nodiscard]] Result<UserExport> exportData(const Principal &who, const QString &userId);
    /// Anonymises the account and every audit entry that names the person; the account can no longer log in.
    [[nodiscard]] Result<User> erase(const Principal &who, const QString &userId);

private:
    Result<User> load(const QString &tenantId, const QString &userId);
    Status mayManage(const Principal &who, const User &target);
    Status keepsAPlatformAdmin(const User &target);

    Storage::Database &m_db;
    AuthService &m_auth;
};

} // namespace Fleetdeck
