#pragma once

#include "auth/principal.h"

#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <optional>

/// The auth area's values as AuthService and UserService give them: no JSON shapes of the API here (those are
/// api/adminapi.cpp's).
namespace Fleetdeck {

/// A user account of a tenant.
struct User
{
    QString id;
    QString tenantId;
    QString email;
    QString displayName;  ///< empty when none
    Role role = Role::Viewer;
    bool active = true;
    qint64 createdMs = 0;
    std::optional<qint64> updatedMs;
    std::optional<qint64> passwordChangedMs;
    std::optional<qint64> erasedMs; ///< set once the personal data was erased
};

/// What an administrator's password reset did.
struct PasswordReset
{
    QString userId;
    bool credentialsRevoked = true; ///< every session and API token of the user ended
    QString generatedPassword;      ///< shown once; empty when the administrator gave the password
};

/// Everything stored about a person (UserService::exportData): the account, and the rest as the document the
/// person receives. That part stays JSON on purpose: it is an export of stored rows for a human to read, not
/// values the server works with.
struct UserExport
{
    qint64 exportedMs = 0;
    User user;
    QJsonObject records; ///< {"sessions": [...], "api_tokens": [...], "audit": [...]}
};

/// An API token, never with its secret.
struct ApiToken
{
    QString id;
    QString name;
    Role role = Role::Viewer; ///< what it may do: never above its creator's role
    QString userId;           ///< its creator, whose account it acts as
    QString tenantId;
    qint64 createdMs = 0;
    std::optional<qint64> expiresMs;
    std::optional<qint64> revokedMs;
    std::optional<qint64> lastUsedMs;
};

/// A token just made: the only time its secret is known.
struct CreatedToken
{
    ApiToken token;
    QString secret;  ///< `fdt_…`; only its hash is stored
};

/// The caller's own account as the caller sees it: who is asking (role of the credential, tenant acted in) and
/// what the account row says.
struct Me
{
    Principal who;
    QString displayName;  ///< empty when none
    std::optional<qint64> createdMs;
    std::optional<qint64> passwordChangedMs;
};

} // namespace Fleetdeck
