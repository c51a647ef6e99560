#include "auth/authservice.h"

#include "pki/certificateauthority.h"
#include "storage/database.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QLoggingCategory>
#include <QtCore/QUuid>

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

QString tokenHash(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

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

QString newUuid() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

QString randomToken(int bytes)
{
    QByteArray buf(bytes, Qt::Uninitialized);
    RAND_bytes(reinterpret_cast<unsigned char *>(buf.data()), bytes);
    return QString::fromLatin1(buf.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

AuthService::AuthService(Storage::Database &db) : m_db(db) {}

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
    auto t = m_db.exec(QStringLiteral("SELECT id FROM tenants WHERE name = 'default'"));
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
    if (password.isEmpty()) {
        password = randomToken(18);
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

Result<Session> AuthService::login(const QString &email, const QString &password, const QString &source)
{
    auto q = m_db.exec(QStringLiteral("SELECT id, tenant_id, password_hash FROM users WHERE email = :e"),
                       {{QStringLiteral("e"), email.trimmed().toLower()}});
    if (!q)
        return fail(q.error());
    const bool found = q->next();
    const QString hash = found ? q->value(2).toString() : dummyHash();
    const bool ok = verifyPassword(password, hash) && found;
    Principal who{found ? q->value(0).toString() : QString(), email, found ? q->value(1).toString() : QString(), Role::Viewer, source};
    if (!ok) {
        audit(m_db, &who, QStringLiteral("auth.login_failed"), QStringLiteral("user"), who.userId, QStringLiteral("failed login for %1").arg(email), who.tenantId);
        return fail(Error::unauthorized(QStringLiteral("wrong e-mail or password")));
    }
    Session s;
    s.token = randomToken(32);
    s.expiresAt = QDateTime::currentDateTimeUtc().addSecs(m_sessionLifetimeS);
    auto ins = m_db.exec(QStringLiteral("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (:h, :u, :c, :e)"),
                         {{QStringLiteral("h"), tokenHash(s.token)}, {QStringLiteral("u"), who.userId},
                          {QStringLiteral("c"), Storage::nowMs()}, {QStringLiteral("e"), s.expiresAt.toMSecsSinceEpoch()}});
    if (!ins)
        return fail(ins.error());
    audit(m_db, &who, QStringLiteral("auth.login"), QStringLiteral("user"), who.userId, QStringLiteral("login"), who.tenantId);
    return s;
}

Result<Principal> AuthService::authenticate(const QString &token)
{
    if (token.isEmpty() || token.size() > 256)
        return fail(Error::unauthorized(QStringLiteral("missing or malformed bearer token")));
    auto q = m_db.exec(QStringLiteral("SELECT u.id, u.email, u.tenant_id, u.role, s.expires_at, s.revoked_at FROM sessions s "
                                      "JOIN users u ON u.id = s.user_id WHERE s.token_hash = :h"),
                       {{QStringLiteral("h"), tokenHash(token)}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::unauthorized(QStringLiteral("unknown bearer token; log in again")));
    if (!q->value(5).isNull())
        return fail(Error::unauthorized(QStringLiteral("this token was revoked; log in again")));
    if (q->value(4).toLongLong() <= Storage::nowMs())
        return fail(Error::unauthorized(QStringLiteral("this token has expired; log in again")));
    Principal p;
    p.userId = q->value(0).toString();
    p.email = q->value(1).toString();
    p.tenantId = q->value(2).toString();
    p.role = roleFromName(q->value(3).toString()).value_or(Role::Viewer);
    return p;
}

void audit(Storage::Database &db, const Principal *who, const QString &action, const QString &objectType,
           const QString &objectId, const QString &summary, const QString &tenantId)
{
    auto r = db.exec(QStringLiteral("INSERT INTO audit_log (tenant_id, actor, source, action, object_type, object_id, summary, at) "
                                    "VALUES (:tenant, :actor, :source, :action, :otype, :oid, :summary, :at)"),
                     {{QStringLiteral("tenant"), tenantId.isEmpty() && who ? who->tenantId : tenantId},
                      {QStringLiteral("actor"), who ? (who->email.isEmpty() ? who->userId : who->email) : QStringLiteral("system")},
                      {QStringLiteral("source"), who ? who->source : QString()},
                      {QStringLiteral("action"), action}, {QStringLiteral("otype"), objectType},
                      {QStringLiteral("oid"), objectId}, {QStringLiteral("summary"), summary},
                      {QStringLiteral("at"), Storage::nowMs()}});
    if (!r)
        qCWarning(lcAuth) << "audit entry" << action << "not written:" << r.error().message;
}

} // namespace Fleetdeck
