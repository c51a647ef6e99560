#pragma once

#include "auth/principal.h"
#include "core/result.h"

#include <QtCore/QDateTime>
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

/// Users, passwords (argon2id) and bearer sessions.
class AuthService
{
public:
    explicit AuthService(Storage::Database &db);

    /// First start: the default tenant and the platform admin. Later starts find both and change nothing.
    [[nodiscard]] Result<BootstrapResult> bootstrap(const QString &dataDir, const QString &adminEmail, const QString &adminPassword);

    [[nodiscard]] Result<Session> login(const QString &email, const QString &password, const QString &source);
    [[nodiscard]] Result<Principal> authenticate(const QString &bearerToken);

    [[nodiscard]] static Result<QString> hashPassword(const QString &password);
    static bool verifyPassword(const QString &password, const QString &encodedHash);

    void setSessionLifetime(qint64 seconds) { m_sessionLifetimeS = seconds; }

private:
    Storage::Database &m_db;
    qint64 m_sessionLifetimeS = 12 * 3600;
};

/// Records one change or security event; never throws away the caller's result on failure, only logs.
void audit(Storage::Database &db, const Principal *who, const QString &action, const QString &objectType,
           const QString &objectId, const QString &summary, const QString &tenantId = {});

QString newUuid();
/// Cryptographically random bytes as base64url without padding.
QString randomToken(int bytes);

} // namespace Fleetdeck
