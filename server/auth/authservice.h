#pragma once

#include "auth/principal.h"
#include "core/result.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QString>

namespace Fleetdeck {
namespace Storage { class Database; }

struct Session
{
    QString token;      ///< shown once; only its SHA-256 is stored
    QDateTime expiresAt;
};

struct BootstrapResult
{
    QString tenantId;
    QString adminEmail;
    bool adminCreated = false;
    QString passwordFile; ///< where a generated password was written, empty when it came from the environment
};

/// Why a login was refused before the password was even looked at.
struct LoginThrottle
{
    enum class Kind { None, Account, Source };
    Kind kind = Kind::None;
    qint64 retryAfterS = 0;
};

/// Limits of login throttling (defaults: 5 failures per account or 20 per address within 15 min lock for 15 min).
struct ThrottlePolicy
{
    int accountFailures = 5;
    int sourceFailures = 20;
    qint64 windowS = 15 * 60;
    qint64 lockS = 15 * 60;
};

/// Identity and access: users' passwords (argon2id), login sessions with expiry, refresh and logout, login
/// throttling with temporary lockout, API tokens for scripts, and the audit-log writer.
class AuthService
{
public:
    explicit AuthService(Storage::Database &db);

    Storage::Database &database() { return m_db; }

    /// First start: the default tenant and the platform admin. Later starts find both and change nothing.
    [[nodiscard]] Result<BootstrapResult> bootstrap(const QString &dataDir, const QString &adminEmail, const QString &adminPassword);

    /// A new session. When refused by throttling, `throttle` (if given) says which limit and for how long.
    [[nodiscard]] Result<Session> login(const QString &email, const QString &password, const QString &source,
                                        LoginThrottle *throttle = nullptr);
    /// A login session token or an API token (`fdt_…`) → who is asking.
    [[nodiscard]] Result<Principal> authenticate(const QString &bearerToken);
    /// Ends the caller's login session (API tokens are revoked through revokeToken instead).
    [[nodiscard]] Status logout(const Principal &who);
    /// A fresh session for the caller with a new expiry; the old one is revoked.
    [[nodiscard]] Result<Session> refresh(const Principal &who);
    /// The caller's own password; every other session of the caller ends.
    [[nodiscard]] Status changePassword(const Principal &who, const QString &currentPassword, const QString &newPassword);
    /// The caller's account.
    [[nodiscard]] Result<QJsonObject> me(const Principal &who);

    /// API tokens: named, role-scoped (never above the creator), expiring, shown once, stored hashed.
    [[nodiscard]] Result<QJsonObject> createToken(const Principal &who, const QJsonObject &body);
    [[nodiscard]] Result<QJsonArray> listTokens(const Principal &who);
    [[nodiscard]] Status revokeToken(const Principal &who, const QString &tokenId);

    [[nodiscard]] static Result<QString> hashPassword(const QString &password);
    static bool verifyPassword(const QString &password, const QString &encodedHash);
    /// The password policy: 12 to 1024 characters, at least 5 different characters, not the e-mail address and
    /// not a well-known password. The error says which rule failed.
    [[nodiscard]] static Status checkPasswordPolicy(const QString &password, const QString &email = {});

    void setSessionLifetime(qint64 seconds) { m_sessionLifetimeS = seconds; }
    qint64 sessionLifetime() const { return m_sessionLifetimeS; }
    void setThrottlePolicy(const ThrottlePolicy &p) { m_throttle = p; }
    const ThrottlePolicy &throttlePolicy() const { return m_throttle; }

    /// Revokes every login session and API token of a user (password reset, deactivation, erasure).
    [[nodiscard]] Status revokeAllCredentials(const QString &userId, const QString &exceptSessionHash = {});

    static constexpr const char *kApiTokenPrefix = "fdt_";
    static constexpr int kMaxTokenDays = 365;

private:
    Result<Session> newSession(const QString &userId, const QString &source);
    /// Seconds until `key` may try again, or 0.
    qint64 lockedFor(const QString &key);
    void recordFailure(const QString &key, int limit, bool *lockedNow);
    void clearFailures(const QString &key);

    Storage::Database &m_db;
    qint64 m_sessionLifetimeS = 12 * 3600;
    ThrottlePolicy m_throttle;
};

/// Records one change or security event; never throws away the caller's result on failure, only logs.
/// `tenantId` defaults to the tenant the principal acts in.
void audit(Storage::Database &db, const Principal *who, const QString &action, const QString &objectType,
           const QString &objectId, const QString &summary, const QString &tenantId = {});

QString newUuid();
/// Cryptographically random bytes as base64url without padding.
QString randomToken(int bytes);
/// SHA-256 of a bearer token as hex: what the sessions and api_tokens tables store.
QString tokenHash(const QString &token);

} // namespace Fleetdeck
