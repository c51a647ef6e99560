#include "auth/authservice.h"

#include "auth/authutil.h"
#include "auth/policy.h"
#include "core/jsonutil.h"
#include "pki/certificateauthority.h"
#include "storage/database.h"

#include <QtCore/QSet>

#include <QtCore/QCryptographicHash>
#include <QtCore/QLoggingCategory>
#include <QtCore/QThreadPool>
#include <QtCore/QUuid>
#include <QtNetwork/QHostAddress>

#include <argon2.h>
#include <openssl/rand.h>

Q_LOGGING_CATEGORY(lcAuth, "fleetdeck.server.auth", QtInfoMsg)

namespace Fleetdeck {

namespace {
// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
constexpr uint32_t kArgonTime = 2;
constexpr uint32_t kArgonMemoryKiB = 19 * 1024;
constexpr uint32_t kArgonLanes = 1;
constexpr uint32_t kArgonHashLen = 32;
constexpr size_t kSaltLen = 16;

// A valid hash to verify against when the e-mail is unknown, so that timing does not reveal which accounts exist.
const QString &dummyHash()
{
    static const QString h = AuthService::hashPassword(QStringLiteral("not-a-real-password")).value_or(QString());
    return h;
}
} // namespace

QString roleName(Role r)
{
    switch (r) {
    case Role::PlatformAdmin: return QStringLiteral("platform-admin");
    case Role::TenantAdmin: return QStringLiteral("tenant-admin");
    case Role::Operator: return QStringLiteral("operator");
    case Role::Viewer: return QStringLiteral("viewer");
    }
    return QStringLiteral("viewer");
}

std::optional<Role> roleFromName(QStringView n)
{
    if (n == u"platform-admin") return Role::PlatformAdmin;
    if (n == u"tenant-admin") return Role::TenantAdmin;
    if (n == u"operator") return Role::Operator;
    if (n == u"viewer") return Role::Viewer;
    return std::nullopt;
}

QString tokenHash(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

Result<QString> randomToken(int bytes)
{
    QByteArray buf(bytes, Qt::Uninitialized);
    // Without randomness there is no safe token to give: refuse rather than hand out a guessable one.
    if (RAND_bytes(reinterpret_cast<unsigned char *>(buf.data()), bytes) != 1)
        return fail(Error::internal(QStringLiteral("no randomness for a token (OpenSSL RAND_bytes failed)")));
    return QString::fromLatin1(buf.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

AuthService::AuthService(Storage::Database &db)
    : m_db(db), m_context(std::make_unique<QObject>()), m_hashPool(std::make_unique<QThreadPool>())
{
    // Each check takes a core for ~50 ms and 19 MiB: at most two at a time, the rest wait (up to m_maxHashing).
    m_hashPool->setMaxThreadCount(2);
    m_hashPool->setObjectName(QStringLiteral("password-checks"));
}

AuthService::~AuthService() = default;

Result<QString> AuthService::hashPassword(const QString &password)
{
    const QByteArray pw = password.toUtf8();
    unsigned char salt[kSaltLen];
    if (RAND_bytes(salt, sizeof salt) != 1)
        return fail(Error::internal(QStringLiteral("no randomness for a password salt")));
    const size_t len = argon2_encodedlen(kArgonTime, kArgonMemoryKiB, kArgonLanes, kSaltLen, kArgonHashLen, Argon2_id);
    QByteArray encoded(qsizetype(len), '\0');
    const int rc = argon2id_hash_encoded(kArgonTime, kArgonMemoryKiB, kArgonLanes, pw.constData(), size_t(pw.size()), salt,
                                         kSaltLen, kArgonHashLen, encoded.data(), len);
    if (rc != ARGON2_OK)
        return fail(Error::internal(QStringLiteral("argon2id failed: %1").arg(QString::fromLatin1(argon2_error_message(rc)))));
    return QString::fromLatin1(encoded.constData());
}

bool AuthService::verifyPassword(const QString &password, const QString &encodedHash)
{
    const QByteArray pw = password.toUtf8();
    const QByteArray enc = encodedHash.toLatin1();
    return argon2id_verify(enc.constData(), pw.constData(), size_t(pw.size())) == ARGON2_OK;
}

Result<BootstrapResult> AuthService::bootstrap(const QString &dataDir, const QString &adminEmail, const QString &adminPassword)
{
    BootstrapResult out;
    out.adminEmail = adminEmail;
    // The first tenant ever made is the default one (found by age, so renaming it does not make another).
    auto t = m_db.exec(QStringLiteral("SELECT id FROM tenants ORDER BY created_at, id LIMIT 1"));
    if (!t)
        return fail(t.error());
    if (t->next()) {
        out.tenantId = t->value(0).toString();
    } else {
        out.tenantId = newUuid();
        auto ins = m_db.exec(QStringLiteral("INSERT INTO tenants (id, name, subscription_plan, created_at) VALUES (:id, 'default', 'standard', :t)"),
                             {{QStringLiteral("id"), out.tenantId}, {QStringLiteral("t"), Storage::nowMs()}});
        if (!ins)
            return fail(ins.error());
        audit(m_db, nullptr, QStringLiteral("tenant.create"), QStringLiteral("tenant"), out.tenantId, QStringLiteral("default tenant at first start"), out.tenantId);
    }
    auto u = m_db.exec(QStringLiteral("SELECT id FROM users WHERE email = :e"), {{QStringLiteral("e"), adminEmail.toLower()}});
    if (!u)
        return fail(u.error());
    if (u->next())
        return out;

    QString password = adminPassword;
    if (!password.isEmpty() && !checkPasswordPolicy(password, adminEmail))
        qCWarning(lcAuth) << "FLEETDECK_ADMIN_PASSWORD does not meet the password policy:" << checkPasswordPolicy(password, adminEmail).error().message
                          << "- change it after the first login";
    if (password.isEmpty()) {
        auto generated = randomToken(18);
        if (!generated)
            return fail(generated.error());
        password = *generated;
        out.passwordFile = dataDir + QStringLiteral("/admin-password");
        if (auto st = Pki::writeFileAtomically(out.passwordFile, password.toUtf8() + '\n', true); !st)
            return fail(st.error());
    }
    auto hash = hashPassword(password);
    if (!hash)
        return fail(hash.error());
    const QString userId = newUuid();
    auto ins = m_db.exec(QStringLiteral("INSERT INTO users (id, tenant_id, email, display_name, password_hash, role, created_at) "
                                        "VALUES (:id, :tenant, :email, 'Platform administrator', :hash, 'platform-admin', :t)"),
                         {{QStringLiteral("id"), userId}, {QStringLiteral("tenant"), out.tenantId}, {QStringLiteral("email"), adminEmail.toLower()},
                          {QStringLiteral("hash"), *hash}, {QStringLiteral("t"), Storage::nowMs()}});
    if (!ins)
        return fail(ins.error());
    audit(m_db, nullptr, QStringLiteral("user.create"), QStringLiteral("user"), userId, QStringLiteral("platform admin %1 at first start").arg(adminEmail), out.tenantId);
    out.adminCreated = true;
    return out;
}

Status AuthService::checkPasswordPolicy(const QString &password, const QString &email)
{
    if (password.size() < 12)
        return fail(Error::invalid(QStringLiteral("the password is too short: use at least 12 characters (a few unrelated words make a good one)")));
    if (password.size() > 1024)
        return fail(Error::invalid(QStringLiteral("the password is longer than 1024 characters")));
    const QSet<QChar> distinct(password.begin(), password.end());
    if (distinct.size() < 5)
        return fail(Error::invalid(QStringLiteral("the password needs at least 5 different characters")));
    if (!email.isEmpty() && (password.compare(email, Qt::CaseInsensitive) == 0
                             || password.compare(email.section(u'@', 0, 0), Qt::CaseInsensitive) == 0))
        return fail(Error::invalid(QStringLiteral("the password must not be the e-mail address")));
    static const QStringList common{QStringLiteral("password1234"), QStringLiteral("123456789012"), QStringLiteral("qwertyuiop12"),
                                    QStringLiteral("passwordpassword"), QStringLiteral("administrator"), QStringLiteral("fleetdeck1234"),
                                    QStringLiteral("letmein12345"), QStringLiteral("changeme1234"), QStringLiteral("welcome12345")};
    if (common.contains(password.toLower()))
        return fail(Error::invalid(QStringLiteral("the password is a well-known one; choose another")));
    return {};
}

qint64 AuthService::lockedFor(const QString &key)
{
    auto q = m_db.exec(QStringLiteral("SELECT locked_until FROM login_throttle WHERE throttle_key = :k"), {{QStringLiteral("k"), key}});
    if (!q || !q->next() || q->value(0).isNull())
        return 0;
    const qint64 left = q->value(0).toLongLong() - Storage::nowMs();
    return left > 0 ? (left + 999) / 1000 : 0;
}

qint64 AuthService::recordFailure(const QString &key, int limit)
{
    const qint64 now = Storage::nowMs();
    auto q = m_db.exec(QStringLiteral("SELECT failures, window_start, locked_until FROM login_throttle WHERE throttle_key = :k"),
                       {{QStringLiteral("k"), key}});
    int failures = 0;
    qint64 windowStart = now;
    bool exists = false;
    if (q && q->next()) {
        exists = true;
        failures = q->value(0).toInt();
        windowStart = q->value(1).toLongLong();
        const qint64 lockedUntil = q->value(2).isNull() ? 0 : q->value(2).toLongLong();
        if (now - windowStart > m_throttle.windowS * 1000 && now >= lockedUntil) {
            failures = 0; // the window passed and no wait is running: count afresh
            windowStart = now;
        }
    }
    ++failures;
    // Back-off: the limit-th failure waits backoffStartS, each further one twice as long, up to lockS.
    qint64 waitS = 0;
    if (failures >= limit) {
        const int doublings = std::min(failures - limit, 30);
        waitS = std::min(m_throttle.lockS, m_throttle.backoffStartS * (qint64(1) << doublings));
        waitS = std::max<qint64>(waitS, 1);
    }
    const QVariant lockedUntil = waitS > 0 ? QVariant(now + waitS * 1000) : QVariant(QMetaType::fromType<qint64>());
    const QVariantMap b{{QStringLiteral("k"), key}, {QStringLiteral("f"), failures}, {QStringLiteral("w"), windowStart},
                        {QStringLiteral("l"), lockedUntil}};
    auto w = exists ? m_db.exec(QStringLiteral("UPDATE login_throttle SET failures = :f, window_start = :w, locked_until = :l WHERE throttle_key = :k"), b)
                    : m_db.exec(QStringLiteral("INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until) VALUES (:k, :f, :w, :l)"), b);
    if (!w)
        qCWarning(lcAuth) << "login throttle not updated:" << w.error().message;
    return waitS;
}

void AuthService::clearFailures(const QString &key)
{
    auto r = m_db.exec(QStringLiteral("DELETE FROM login_throttle WHERE throttle_key = :k"), {{QStringLiteral("k"), key}});
    if (!r)
        qCWarning(lcAuth) << "login throttle not cleared:" << r.error().message;
}

namespace {
QString knownKey(const QString &email, const QString &network) { return QStringLiteral("known:") + email + u'|' + network; }
} // namespace

bool AuthService::isKnownSource(const QString &email, const QString &network)
{
    auto q = m_db.exec(QStringLiteral("SELECT window_start FROM login_throttle WHERE throttle_key = :k"), {{QStringLiteral("k"), knownKey(email, network)}});
    return q && q->next() && Storage::nowMs() - q->value(0).toLongLong() < qint64(m_throttle.knownSourceDays) * 86400 * 1000;
}

void AuthService::rememberSource(const QString &email, const QString &network)
{
    // A known source is a row of the throttle table that never locks: window_start is its last successful login.
    const QVariantMap b{{QStringLiteral("k"), knownKey(email, network)}, {QStringLiteral("t"), Storage::nowMs()}};
    auto u = m_db.exec(QStringLiteral("UPDATE login_throttle SET window_start = :t WHERE throttle_key = :k"), b);
    if (u && u->numRowsAffected() == 0)
        u = m_db.exec(QStringLiteral("INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until) VALUES (:k, 0, :t, NULL)"), b);
    if (!u)
        qCWarning(lcAuth) << "known login source not recorded:" << u.error().message;
}

QString AuthService::sourceNetwork(const QString &peer)
{
    QHostAddress a(peer);
    if (a.isNull())
        return peer.left(64);
    bool mapped = false;
    const quint32 v4 = a.toIPv4Address(&mapped);
    if (mapped)
        return QHostAddress(v4).toString();
    Q_IPV6ADDR bytes = a.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

Result<Session> AuthService::newSession(const QString &userId, const QString &source)
{
    Session s;
    auto token = randomToken(32);
    if (!token)
        return fail(token.error());
    s.token = *token;
    s.expiresAt = QDateTime::currentDateTimeUtc().addSecs(m_sessionLifetimeS);
    auto ins = m_db.exec(QStringLiteral("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, source) VALUES (:h, :u, :c, :e, :s)"),
                         {{QStringLiteral("h"), tokenHash(s.token)}, {QStringLiteral("u"), userId}, {QStringLiteral("c"), Storage::nowMs()},
                          {QStringLiteral("e"), s.expiresAt.toMSecsSinceEpoch()}, {QStringLiteral("s"), source}});
    if (!ins)
        return fail(ins.error());
    return s;
}

struct AuthService::LoginAttempt
{
    QString email;
    QString network;
    QString accountKey; ///< the account's own count, or the account's count for this known source
    QString sourceKey;
    bool knownSource = false;
    Principal who;
    bool found = false;
    QString hash;
    bool userActive = false;
    bool tenantActive = false;
};

void AuthService::login(const QString &emailIn, const QString &password, const QString &source, LoginDone done)
{
    auto a = std::make_shared<LoginAttempt>();
    a->email = emailIn.trimmed().toLower();
    a->network = sourceNetwork(source);
    a->knownSource = isKnownSource(a->email, a->network);
    a->accountKey = QStringLiteral("account:") + a->email + (a->knownSource ? u'|' + a->network : QString());
    a->sourceKey = QStringLiteral("source:") + a->network;
    a->who.email = a->email;
    a->who.source = source;

    // Throttled callers are refused before any password check, so a waiting account is no password oracle.
    const qint64 sourceWait = lockedFor(a->sourceKey);
    const qint64 accountWait = sourceWait > 0 ? 0 : lockedFor(a->accountKey);
    if (sourceWait > 0 || accountWait > 0) {
        audit(m_db, &a->who, QStringLiteral("auth.login_refused"), QStringLiteral("user"), QString(),
              sourceWait > 0 ? QStringLiteral("login refused: too many failed logins from %1").arg(a->network)
                             : QStringLiteral("login refused: account %1 backs off after failed logins%2")
                                   .arg(a->email, a->knownSource ? QStringLiteral(" from %1").arg(a->network) : QString()));
        done(fail(Error::forbidden(sourceWait > 0
                 ? QStringLiteral("too many failed logins from your network; try again in %1 s").arg(sourceWait)
                 : QStringLiteral("this account is temporarily locked after repeated failed logins; try again in %1 s").arg(accountWait))),
             {sourceWait > 0 ? LoginThrottle::Kind::Source : LoginThrottle::Kind::Account, std::max(sourceWait, accountWait)});
        return;
    }
    if (m_hashing >= m_maxHashing) {
        qCWarning(lcAuth) << "login from" << source << "refused:" << m_hashing << "password checks are already running";
        done(fail(Error::unavailable(QStringLiteral("the server is checking %1 other logins; try again in a second").arg(m_hashing))),
             {LoginThrottle::Kind::Busy, 1});
        return;
    }

    auto q = m_db.exec(QStringLiteral("SELECT u.id, u.tenant_id, u.password_hash, u.active, u.role, t.active FROM users u "
                                      "JOIN tenants t ON t.id = u.tenant_id WHERE u.email = :e"),
                       {{QStringLiteral("e"), a->email}});
    if (!q) {
        done(fail(q.error()), {});
        return;
    }
    a->found = q->next();
    if (a->found) {
        a->hash = q->value(2).toString();
        a->who.userId = q->value(0).toString();
        a->who.tenantId = q->value(1).toString();
        a->who.homeTenantId = a->who.tenantId;
        a->userActive = q->value(3).toBool();
        a->tenantActive = q->value(5).toBool() || q->value(4).toString() == roleName(Role::PlatformAdmin);
    }

    // argon2id on a worker; the answer comes back to this thread through m_context's event queue.
    ++m_hashing;
    QObject *context = m_context.get();
    m_hashPool->start([this, a, password, context, done = std::move(done)]() mutable {
        // An unknown e-mail is checked against a dummy hash: the same work, so timing does not tell which accounts exist.
        const bool ok = verifyPassword(password, a->found ? a->hash : dummyHash()) && a->found;
        QMetaObject::invokeMethod(context, [this, a, ok, done = std::move(done)] {
            --m_hashing;
            done(finishLogin(*a, ok), {});
        }, Qt::QueuedConnection);
    });
}

Result<Session> AuthService::finishLogin(LoginAttempt &a, bool passwordOk)
{
    Principal &who = a.who;
    if (!passwordOk) {
        const qint64 accountWait = recordFailure(a.accountKey, m_throttle.accountFailures);
        const qint64 sourceWait = recordFailure(a.sourceKey, m_throttle.sourceFailures);
        audit(m_db, &who, QStringLiteral("auth.login_failed"), QStringLiteral("user"), who.userId,
              QStringLiteral("failed login for %1%2").arg(a.email, a.found ? QString() : QStringLiteral(" (no such account)")), who.tenantId);
        if (accountWait > 0 || sourceWait > 0) {
            const QString what = accountWait > 0
                ? QStringLiteral("account %1%2 waits %3 s").arg(a.email, a.knownSource ? QStringLiteral(" (from its known network %1)").arg(a.network)
                                                                                        : QStringLiteral(" (from unknown networks)")).arg(accountWait)
                : QStringLiteral("network %1 waits %2 s").arg(a.network).arg(sourceWait);
            qCWarning(lcAuth).noquote() << "login throttled after repeated failures:" << what;
            audit(m_db, &who, QStringLiteral("auth.lockout"), QStringLiteral("user"), who.userId, what, who.tenantId);
        }
        return fail(Error::unauthorized(QStringLiteral("wrong e-mail or password")));
    }
    if (!a.userActive || !a.tenantActive) {
        audit(m_db, &who, QStringLiteral("auth.login_failed"), QStringLiteral("user"), who.userId,
              QStringLiteral("login for %1 refused: %2").arg(a.email, !a.userActive ? QStringLiteral("account deactivated") : QStringLiteral("tenant deactivated")),
              who.tenantId);
        return fail(Error::unauthorized(!a.userActive ? QStringLiteral("this account is deactivated; ask an administrator")
                                                      : QStringLiteral("the organisation of this account is deactivated; ask the platform administrator")));
    }
    clearFailures(a.accountKey);
    rememberSource(a.email, a.network);
    auto s = newSession(who.userId, who.source);
    if (!s)
        return fail(s.error());
    audit(m_db, &who, QStringLiteral("auth.login"), QStringLiteral("user"), who.userId, QStringLiteral("login"), who.tenantId);
    return s;
}

Result<Principal> AuthService::authenticate(const QString &token)
{
    if (token.isEmpty() || token.size() > 256)
        return fail(Error::unauthorized(QStringLiteral("missing or malformed bearer token")));
    const bool apiToken = token.startsWith(QLatin1String(kApiTokenPrefix));
    const QString sql = apiToken
        ? QStringLiteral("SELECT u.id, u.email, u.tenant_id, u.role, s.expires_at, s.revoked_at, u.active, t.active, s.role, s.id, s.last_used_at "
                         "FROM api_tokens s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = u.tenant_id WHERE s.token_hash = :h")
        : QStringLiteral("SELECT u.id, u.email, u.tenant_id, u.role, s.expires_at, s.revoked_at, u.active, t.active FROM sessions s "
                         "JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = u.tenant_id WHERE s.token_hash = :h");
    const QString hash = tokenHash(token);
    auto q = m_db.exec(sql, {{QStringLiteral("h"), hash}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::unauthorized(apiToken ? QStringLiteral("unknown API token") : QStringLiteral("unknown bearer token; log in again")));
    if (!q->value(5).isNull())
        return fail(Error::unauthorized(apiToken ? QStringLiteral("this API token was revoked") : QStringLiteral("this token was revoked; log in again")));
    const qint64 now = Storage::nowMs();
    if (q->value(4).toLongLong() <= now)
        return fail(Error::unauthorized(apiToken ? QStringLiteral("this API token has expired; create a new one")
                                                 : QStringLiteral("this token has expired; refresh it before it expires, or log in again")));
    Principal p;
    p.userId = q->value(0).toString();
    p.email = q->value(1).toString();
    p.tenantId = q->value(2).toString();
    p.homeTenantId = p.tenantId;
    p.role = roleFromName(q->value(3).toString()).value_or(Role::Viewer);
    if (!q->value(6).toBool())
        return fail(Error::unauthorized(QStringLiteral("this account is deactivated")));
    if (!q->value(7).toBool() && p.role != Role::PlatformAdmin)
        return fail(Error::unauthorized(QStringLiteral("the organisation of this account is deactivated")));
    if (apiToken) {
        // A token never has more rights than its owner has now: demoting the owner demotes the token.
        const Role scoped = roleFromName(q->value(8).toString()).value_or(Role::Viewer);
        if (Policy::rank(scoped) < Policy::rank(p.role))
            p.role = scoped;
        p.viaApiToken = true;
        p.tokenId = q->value(9).toString();
        // last_used_at at minute resolution: not a write per request.
        if (q->value(10).isNull() || now - q->value(10).toLongLong() > 60000) {
            auto u = m_db.exec(QStringLiteral("UPDATE api_tokens SET last_used_at = :t WHERE id = :id"), {{QStringLiteral("t"), now}, {QStringLiteral("id"), p.tokenId}});
            if (!u)
                qCWarning(lcAuth) << "last use of API token" << p.tokenId << "not recorded:" << u.error().message;
        }
    } else {
        p.tokenId = hash; // identifies the session for logout and refresh; the hash is not a credential
    }
    return p;
}

Status AuthService::logout(const Principal &who)
{
    if (who.viaApiToken)
        return fail(Error::invalid(QStringLiteral("this is an API token, not a login session; revoke it with DELETE /v1/tokens/%1").arg(who.tokenId)));
    auto r = m_db.exec(QStringLiteral("UPDATE sessions SET revoked_at = :t WHERE token_hash = :h AND revoked_at IS NULL"),
                       {{QStringLiteral("t"), Storage::nowMs()}, {QStringLiteral("h"), who.tokenId}});
    if (!r)
        return fail(r.error());
    audit(m_db, &who, QStringLiteral("auth.logout"), QStringLiteral("user"), who.userId, QStringLiteral("logout"), who.homeTenantId);
    return {};
}

Result<Session> AuthService::refresh(const Principal &who)
{
    if (who.viaApiToken)
        return fail(Error::invalid(QStringLiteral("API tokens cannot be refreshed; create a new token before this one expires")));
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    auto r = m_db.exec(QStringLiteral("UPDATE sessions SET revoked_at = :t WHERE token_hash = :h AND revoked_at IS NULL"),
                       {{QStringLiteral("t"), Storage::nowMs()}, {QStringLiteral("h"), who.tokenId}});
    if (!r || r->numRowsAffected() != 1) {
        m_db.rollback();
        return fail(r ? Error::unauthorized(QStringLiteral("this session has ended; log in again")) : r.error());
    }
    auto s = newSession(who.userId, who.source);
    if (!s) {
        m_db.rollback();
        return fail(s.error());
    }
    audit(m_db, &who, QStringLiteral("auth.refresh"), QStringLiteral("user"), who.userId, QStringLiteral("session refreshed"), who.homeTenantId);
    if (auto st = m_db.commit(); !st)
        return fail(st.error());
    return s;
}

Status AuthService::revokeAllCredentials(const QString &userId, const QString &exceptSessionHash)
{
    const qint64 now = Storage::nowMs();
    auto s = m_db.exec(QStringLiteral("UPDATE sessions SET revoked_at = :t WHERE user_id = :u AND revoked_at IS NULL AND token_hash <> :keep"),
                       {{QStringLiteral("t"), now}, {QStringLiteral("u"), userId}, {QStringLiteral("keep"), exceptSessionHash}});
    if (!s)
        return fail(s.error());
    auto t = m_db.exec(QStringLiteral("UPDATE api_tokens SET revoked_at = :t WHERE user_id = :u AND revoked_at IS NULL"),
                       {{QStringLiteral("t"), now}, {QStringLiteral("u"), userId}});
    if (!t)
        return fail(t.error());
    return {};
}

Status AuthService::changePassword(const Principal &who, const QString &currentPassword, const QString &newPassword)
{
    if (who.viaApiToken)
        return fail(Error::forbidden(QStringLiteral("a password cannot be changed with an API token; log in")));
    auto q = m_db.exec(QStringLiteral("SELECT password_hash FROM users WHERE id = :id"), {{QStringLiteral("id"), who.userId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("your account no longer exists")));
    if (!verifyPassword(currentPassword, q->value(0).toString())) {
        audit(m_db, &who, QStringLiteral("user.password_change_failed"), QStringLiteral("user"), who.userId, QStringLiteral("wrong current password"), who.homeTenantId);
        return fail(Error::forbidden(QStringLiteral("the current password is wrong")));
    }
    if (auto st = checkPasswordPolicy(newPassword, who.email); !st)
        return st;
    if (currentPassword == newPassword)
        return fail(Error::invalid(QStringLiteral("the new password is the same as the current one")));
    auto hash = hashPassword(newPassword);
    if (!hash)
        return fail(hash.error());
    const qint64 now = Storage::nowMs();
    auto u = m_db.exec(QStringLiteral("UPDATE users SET password_hash = :h, password_changed_at = :t, updated_at = :t WHERE id = :id"),
                       {{QStringLiteral("h"), *hash}, {QStringLiteral("t"), now}, {QStringLiteral("id"), who.userId}});
    if (!u)
        return fail(u.error());
    // Other sessions end; this one and the caller's API tokens stay (tokens are independent credentials).
    auto s = m_db.exec(QStringLiteral("UPDATE sessions SET revoked_at = :t WHERE user_id = :u AND revoked_at IS NULL AND token_hash <> :keep"),
                       {{QStringLiteral("t"), now}, {QStringLiteral("u"), who.userId}, {QStringLiteral("keep"), who.tokenId}});
    if (!s)
        return fail(s.error());
    audit(m_db, &who, QStringLiteral("user.password_change"), QStringLiteral("user"), who.userId, QStringLiteral("own password changed; other sessions ended"), who.homeTenantId);
    return {};
}

namespace {
std::optional<qint64> optionalMs(const QVariant &v) { return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong()); }
} // namespace

Result<Me> AuthService::me(const Principal &who)
{
    auto q = m_db.exec(QStringLiteral("SELECT display_name, created_at, password_changed_at FROM users WHERE id = :id"), {{QStringLiteral("id"), who.userId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("your account no longer exists")));
    Me out;
    out.who = who;
    out.displayName = q->value(0).toString();
    out.createdMs = optionalMs(q->value(1));
    out.passwordChangedMs = optionalMs(q->value(2));
    return out;
}

namespace {
ApiToken readToken(const QSqlQuery &q)
{
    ApiToken t;
    t.id = q.value(0).toString();
    t.name = q.value(1).toString();
    t.role = roleFromName(q.value(2).toString()).value_or(Role::Viewer);
    t.userId = q.value(3).toString();
    t.tenantId = q.value(4).toString();
    t.createdMs = q.value(5).toLongLong();
    t.expiresMs = optionalMs(q.value(6));
    t.revokedMs = optionalMs(q.value(7));
    t.lastUsedMs = optionalMs(q.value(8));
    return t;
}
const QString kTokenColumns = QStringLiteral("id, name, role, user_id, tenant_id, created_at, expires_at, revoked_at, last_used_at");
} // namespace

Result<CreatedToken> AuthService::createToken(const Principal &who, const QJsonObject &body)
{
    if (auto st = AuthUtil::checkKnownKeys(body, {QStringLiteral("name"), QStringLiteral("role"), QStringLiteral("expires_in_days")}); !st)
        return fail(st.error());
    if (auto st = AuthUtil::checkString(body, QStringLiteral("name"), true, 100); !st)
        return fail(st.error());
    if (auto st = AuthUtil::checkString(body, QStringLiteral("role"), false, 32); !st)
        return fail(st.error());
    if (auto st = AuthUtil::checkCount(body, QStringLiteral("expires_in_days"), kMaxTokenDays, false); !st)
        return fail(st.error());
    Role role = who.role;
    if (body.contains(QStringLiteral("role"))) {
        const auto r = roleFromName(body.value(QStringLiteral("role")).toString());
        if (!r)
            return fail(Error::invalid(QStringLiteral("\"role\" must be one of platform-admin, tenant-admin, operator, viewer")));
        if (!Policy::atMost(*r, who.role))
            return fail(Error::forbidden(QStringLiteral("a token cannot have more rights than its creator: your role is %1, the token asks for %2")
                                             .arg(roleName(who.role), roleName(*r))));
        role = *r;
    }
    const int days = body.contains(QStringLiteral("expires_in_days")) ? body.value(QStringLiteral("expires_in_days")).toInt() : 90;
    if (days < 1)
        return fail(Error::invalid(QStringLiteral("\"expires_in_days\" must be from 1 to %1").arg(kMaxTokenDays)));
    // The token belongs to its creator's account and is scoped to the creator's own tenant.
    const QString id = newUuid();
    auto random = randomToken(32);
    if (!random)
        return fail(random.error());
    const QString secret = QString::fromLatin1(kApiTokenPrefix) + *random;
    const qint64 now = Storage::nowMs();
    const qint64 expires = now + qint64(days) * 86400 * 1000;
    const QString name = body.value(QStringLiteral("name")).toString().trimmed();
    auto ins = m_db.exec(QStringLiteral("INSERT INTO api_tokens (id, tenant_id, user_id, name, role, token_hash, created_at, expires_at) "
                                        "VALUES (:id, :t, :u, :n, :r, :h, :c, :e)"),
                         {{QStringLiteral("id"), id}, {QStringLiteral("t"), who.homeTenantId}, {QStringLiteral("u"), who.userId},
                          {QStringLiteral("n"), name}, {QStringLiteral("r"), roleName(role)}, {QStringLiteral("h"), tokenHash(secret)},
                          {QStringLiteral("c"), now}, {QStringLiteral("e"), expires}});
    if (!ins)
        return fail(ins.error());
    audit(m_db, &who, QStringLiteral("token.create"), QStringLiteral("api_token"), id,
          QStringLiteral("API token \"%1\" with role %2, expires in %3 days").arg(name, roleName(role)).arg(days), who.homeTenantId);
    auto q = m_db.exec(QStringLiteral("SELECT ") + kTokenColumns + QStringLiteral(" FROM api_tokens WHERE id = :id"), {{QStringLiteral("id"), id}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::internal(QStringLiteral("API token %1 vanished after creation").arg(id)));
    return CreatedToken{readToken(*q), secret};
}

Result<QList<ApiToken>> AuthService::listTokens(const Principal &who)
{
    // Admins see every token of the tenant they act in; everyone else their own.
    const bool all = who.isAdmin();
    auto q = m_db.exec(QStringLiteral("SELECT ") + kTokenColumns + QStringLiteral(" FROM api_tokens WHERE tenant_id = :t%1 ORDER BY created_at, id")
                           .arg(all ? QString() : QStringLiteral(" AND user_id = :u")),
                       all ? QVariantMap{{QStringLiteral("t"), who.tenantId}}
                           : QVariantMap{{QStringLiteral("t"), who.tenantId}, {QStringLiteral("u"), who.userId}});
    if (!q)
        return fail(q.error());
    QList<ApiToken> items;
    while (q->next())
        items.append(readToken(*q));
    return items;
}

Status AuthService::revokeToken(const Principal &who, const QString &tokenId)
{
    auto q = m_db.exec(QStringLiteral("SELECT user_id, revoked_at, name FROM api_tokens WHERE id = :id AND tenant_id = :t"),
                       {{QStringLiteral("id"), tokenId}, {QStringLiteral("t"), who.tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next() || (!who.isAdmin() && q->value(0).toString() != who.userId))
        return fail(Error::notFound(QStringLiteral("no API token with id %1").arg(tokenId.left(64))));
    if (!q->value(1).isNull())
        return {}; // already revoked: the goal is reached
    const QString name = q->value(2).toString();
    auto u = m_db.exec(QStringLiteral("UPDATE api_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL"),
                       {{QStringLiteral("now"), Storage::nowMs()}, {QStringLiteral("id"), tokenId}});
    if (!u)
        return fail(u.error());
    audit(m_db, &who, QStringLiteral("token.revoke"), QStringLiteral("api_token"), tokenId, QStringLiteral("API token \"%1\" revoked").arg(name));
    return {};
}

} // namespace Fleetdeck
