#pragma once

#include "audit/audit.h"
#include "auth/authtypes.h"
#include "auth/principal.h"
#include "core/ids.h"
#include "core/result.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>

#include <functional>
#include <memory>

class QObject;
class QThreadPool;

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
    /// Account: the account backs off (for this source); Source: the source network failed too often;
    /// Busy: too many password checks are already running.
    enum class Kind { None, Account, Source, Busy };
    Kind kind = Kind::None;
    qint64 retryAfterS = 0;
};

/// Limits of login throttling. Failures are counted per account and per source network (an IPv4 address or an
/// IPv6 /64) within `windowS`. From `accountFailures` on, each further failure doubles the account's wait, from
/// `backoffStartS` up to `lockS`. A source that logged in to the account before ("known", for `knownSourceDays`)
/// counts its failures apart, so strangers failing on an account never lock its owner out.
struct ThrottlePolicy
{
    int accountFailures = 5;
    int sourceFailures = 20;
    qint64 windowS = 15 * 60;
    qint64 lockS = 15 * 60;
    qint64 backoffStartS = 30;
    int knownSourceDays = 90;
};

/// Identity and access: users' passwords (argon2id), login sessions with expiry, refresh and logout, login
/// throttling with temporary lockout, API tokens for scripts, and the audit-log writer.
class AuthService
{
public:
    explicit AuthService(Storage::Database &db);
    ~AuthService();

    Storage::Database &database() { return m_db; }

    /// First start: the default tenant and the platform admin. Later starts find both and change nothing.
    [[nodiscard]] Result<BootstrapResult> bootstrap(const QString &dataDir, const QString &adminEmail, const QString &adminPassword);

    using LoginDone = std::function<void(Result<Session>, LoginThrottle)>;
    /// A new session, answered through `done` on this thread: at once when refused before any password check
    /// (throttled, or too many checks running: the LoginThrottle says which and for how long), otherwise after
    /// the password was checked on a worker thread (argon2id takes ~50 ms and 19 MiB: never on the event loop).
    /// `source` is the peer address.
    void login(const QString &email, const QString &password, const QString &source, LoginDone done);
    /// Password checks running or waiting for a worker; at most `maxHashing`.
    int hashing() const { return m_hashing; }
    void setMaxHashing(int checks) { m_maxHashing = checks; }
    /// The network a login's failures are counted under: an IPv4 address, or the /64 of an IPv6 address.
    static QString sourceNetwork(const QString &peer);
    /// A login session token or an API token (`fdt_…`) → who is asking.
    [[nodiscard]] Result<Principal> authenticate(const QString &bearerToken);
    /// Ends the caller's login session (API tokens are revoked through revokeToken instead).
    [[nodiscard]] Status logout(const Principal &who);
    /// A fresh session for the caller with a new expiry; the old one is revoked.
    [[nodiscard]] Result<Session> refresh(const Principal &who);
    /// The caller's own password; every other session of the caller ends.
    [[nodiscard]] Status changePassword(const Principal &who, const QString &currentPassword, const QString &newPassword);
    /// The caller's account.
    [[nodiscard]] Result<Me> me(const Principal &who);

    /// API tokens: named, role-scoped (never above the creator), expiring, shown once, stored hashed.
    /// `{"name","role","expires_in_days"}` (the request body); the secret is in the result only.
    [[nodiscard]] Result<CreatedToken> createToken(const Principal &who, const QJsonObject &body);
    /// Admins: every token of the tenant acted in; everyone else their own. Oldest first.
    [[nodiscard]] Result<QList<ApiToken>> listTokens(const Principal &who);
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
    struct LoginAttempt;
    Result<Session> newSession(const QString &userId, const QString &source);
    /// Seconds until `key` may try again, or 0.
    qint64 lockedFor(const QString &key);
    /// Counts a failure; answers the seconds `key` is now locked for (0 below the limit).
    qint64 recordFailure(const QString &key, int limit);
    void clearFailures(const QString &key);
    bool isKnownSource(const QString &email, const QString &network);
    void rememberSource(const QString &email, const QString &network);
    Result<Session> finishLogin(LoginAttempt &a, bool passwordOk);

    Storage::Database &m_db;
    qint64 m_sessionLifetimeS = 12 * 3600;
    ThrottlePolicy m_throttle;
    int m_hashing = 0;
    int m_maxHashing = 64;
    std::unique_ptr<QObject> m_context; ///< where checked passwords come back to (this thread)
    std::unique_ptr<QThreadPool> m_hashPool; ///< declared last: destroyed (and waited for) first
};

/// Cryptographically random bytes as base64url without padding; an error when OpenSSL has no randomness.
[[nodiscard]] Result<QString> randomToken(int bytes);
/// SHA-256 of a bearer token as hex: what the sessions and api_tokens tables store.
QString tokenHash(const QString &token);

} // namespace Fleetdeck
