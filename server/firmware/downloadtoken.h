#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

namespace Fleetdeck {

/// What a download token allows: one device of one organisation fetching one firmware image until `expiresMs`.
struct DownloadClaims
{
    QString tenantId;
    QString deviceId;
    QString firmwareId;
    qint64 expiresMs = 0;
};

/// Short-lived download tokens, "fdl1.<claims>.<mac>": the claims (base64url JSON) and an HMAC-SHA-256 over them
/// with a key kept in DATA_DIR/pki/download-token.key. Stateless, so that notifying ten thousand devices a minute
/// writes no token rows; they cannot be revoked one by one, which is why they live minutes, not days.
class DownloadTokens
{
public:
    /// Loads the key at `path` or makes it (32 random bytes, 0600).
    [[nodiscard]] static Result<DownloadTokens> loadOrCreate(const QString &path);
    /// A key given directly (tests, benches).
    explicit DownloadTokens(QByteArray key) : m_key(std::move(key)) {}

    QString issue(const DownloadClaims &claims) const;
    /// The claims of a token this server issued that has not expired at `nowMs`; 401 with the reason otherwise.
    [[nodiscard]] Result<DownloadClaims> check(const QString &token, qint64 nowMs) const;
    static bool looksLikeToken(const QString &token) { return token.startsWith(QStringLiteral("fdl1.")); }

private:
    QByteArray m_key;
};

} // namespace Fleetdeck
