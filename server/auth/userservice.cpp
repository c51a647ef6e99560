#include "auth/userservice.h"

#include "auth/authservice.h"
#include "auth/authutil.h"
#include "auth/policy.h"
#include "core/jsonutil.h"
#include "storage/database.h"

#include <QtCore/QJsonArray>
#include <QtCore/QLoggingCategory>
#include <QtCore/QUuid>

Q_DECLARE_LOGGING_CATEGORY(lcAuth)

namespace Fleetdeck {

using AuthUtil::msToTime;
using AuthUtil::nullable;

namespace {
const QString kUserColumns = QStringLiteral("id, tenant_id, email, display_name, role, active, created_at, updated_at, password_changed_at, erased_at");

std::optional<qint64> optionalMs(const QVariant &v) { return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong()); }

User readUser(const QSqlQuery &q)
{
    User r;
    r.id = q.value(0).toString();
    r.tenantId = q.value(1).toString();
    r.email = q.value(2).toString();
    r.displayName = q.value(3).toString();
    r.role = roleFromName(q.value(4).toString()).value_or(Role::Viewer);
    r.active = q.value(5).toBool();
    r.createdMs = q.value(6).toLongLong();
    r.updatedMs = optionalMs(q.value(7));
    r.passwordChangedMs = optionalMs(q.value(8));
    r.erasedMs = optionalMs(q.value(9));
    return r;
}

Error userNotFound(const QString &id) { return Error::notFound(QStringLiteral("no user with id %1").arg(id.left(64))); }
} // namespace

UserService::UserService(Storage::Database &db, AuthService &auth) : m_db(db), m_auth(auth) {}

Result<User> UserService::load(const QString &tenantId, const QString &userId)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kUserColumns + QStringLiteral(" FROM users WHERE id = :id AND tenant_id = :t"),
                       {{QStringLiteral("id"), userId}, {QStringLiteral("t"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(userNotFound(userId));
    return readUser(*q);
}

Status UserService::mayManage(const Principal &who, const User &target)
{
    if (!Policy::atMost(target.role, who.role))
        return fail(Error::forbidden(QStringLiteral("user %1 is a %2; your role (%3) may not manage it").arg(target.id, roleName(target.role), roleName(who.role))));
    return {};
}

Status UserService::keepsAPlatformAdmin(const User &target)
{
    if (target.role != Role::PlatformAdmin || !target.active)
        return {};
    auto q = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM users WHERE role = 'platform-admin' AND active = TRUE AND id <> :id"),
                       {{QStringLiteral("id"), target.id}});
    if (!q)
        return fail(q.error());
    if (!q->next() || q->value(0).toLongLong() == 0)
        return fail(Error::conflict(QStringLiteral("user %1 is the last active platform admin; make another one first").arg(target.id)));
    return {};
}

Result<QList<User>> UserService::list(const Principal &who)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kUserColumns + QStringLiteral(" FROM users WHERE tenant_id = :t ORDER BY created_at, id"),
                       {{QStringLiteral("t"), who.tenantId}});
    if (!q)
        return fail(q.error());
    QList<User> items;
    while (q->next())
        items.append(readUser(*q));
    return items;
}

Result<User> UserService::get(const Principal &who, const QString &userId)
{
    auto u = load(who.tenantId, userId);
    if (!u)
        return fail(u.error());
    return *u;
}

Result<User> UserService::create(const Principal &who, const QJsonObject &body)
{
    using namespace AuthUtil;
    if (auto st = checkKnownKeys(body, {QStringLiteral("email"), QStringLiteral("password"), QStringLiteral("role"),
                                        QStringLiteral("display_name"), QStringLiteral("tenant_id")}); !st)
        return fail(st.error());
    for (const auto &[key, required, len] : {std::tuple{QStringLiteral("email"), true, 254}, std::tuple{QStringLiteral("password"), true, 1024},
                                             std::tuple{QStringLiteral("role"), true, 32}, std::tuple{QStringLiteral("display_name"), false, 128},
                                             std::tuple{QStringLiteral("tenant_id"), false, 64}})
        if (auto st = checkString(body, key, required, len); !st)
            return fail(st.error());
    const QString email = body.value(QStringLiteral("email")).toString().trimmed().toLower();
    if (!isEmail(email))
        return fail(Error::invalid(QStringLiteral("\"email\" is not an e-mail address")));
    const auto role = roleFromName(body.value(QStringLiteral("role")).toString());
    if (!role)
        return fail(Error::invalid(QStringLiteral("\"role\" must be one of platform-admin, tenant-admin, operator, viewer")));
    if (!Policy::atMost(*role, who.role))
        return fail(Error::forbidden(QStringLiteral("your role (%1) may not create a %2").arg(roleName(who.role), roleName(*role))));
    const QString password = body.value(QStringLiteral("password")).toString();
    if (auto st = AuthService::checkPasswordPolicy(password, email); !st)
        return fail(st.error());

    QString tenantId = who.tenantId;
    const QString named = body.value(QStringLiteral("tenant_id")).toString();
    if (!named.isEmpty() && named != who.tenantId) {
        if (who.role != Role::PlatformAdmin)
            return fail(Error::forbidden(QStringLiteral("only a platform admin may create users in another tenant")));
        auto t = m_db.exec(QStringLiteral("SELECT active FROM tenants WHERE id = :id"), {{QStringLiteral("id"), named}});
        if (!t)
            return fail(t.error());
        if (!t->next())
            return fail(Error::invalid(QStringLiteral("no tenant with id %1").arg(named)));
        tenantId = named;
    }
    auto dup = m_db.exec(QStringLiteral("SELECT 1 FROM users WHERE email = :e"), {{QStringLiteral("e"), email}});
    if (!dup)
        return fail(dup.error());
    if (dup->next())
        return fail(Error::conflict(QStringLiteral("a user with e-mail %1 already exists").arg(email)));
    auto hash = AuthService::hashPassword(password);
    if (!hash)
        return fail(hash.error());
    const QString id = newUuid();
    const qint64 now = Storage::nowMs();
    auto ins = m_db.exec(QStringLiteral("INSERT INTO users (id, tenant_id, email, display_name, password_hash, role, created_at, updated_at, password_changed_at) "
                                        "VALUES (:id, :t, :e, :d, :h, :r, :now, :now, :now)"),
                         {{QStringLiteral("id"), id}, {QStringLiteral("t"), tenantId}, {QStringLiteral("e"), email},
                          {QStringLiteral("d"), body.value(QStringLiteral("display_name")).toString().trimmed()},
                          {QStringLiteral("h"), *hash}, {QStringLiteral("r"), roleName(*role)}, {QStringLiteral("now"), now}});
    if (!ins)
        return fail(ins.error().code == ErrorCode::Conflict ? Error::conflict(QStringLiteral("a user with e-mail %1 already exists").arg(email)) : ins.error());
    audit(m_db, &who, QStringLiteral("user.create"), QStringLiteral("user"), id, QStringLiteral("user %1 with role %2").arg(email, roleName(*role)), tenantId);
    auto u = load(tenantId, id);
    if (!u)
        return fail(u.error());
    return *u;
}

Result<User> UserService::update(const Principal &who, const QString &userId, const QJsonObject &patch)
{
    using namespace AuthUtil;
    if (auto st = checkKnownKeys(patch, {QStringLiteral("display_name"), QStringLiteral("role"), QStringLiteral("active")}); !st) {
        const QString key = st.error().message.section(u'"', 1, 1);
        if (key == u"password")
            return fail(Error::invalid(QStringLiteral("\"password\" cannot be changed with PATCH; use POST /v1/users/{user_id}/password")));
        if (key == u"email" || key == u"tenant_id" || key == u"user_id")
            return fail(Error::invalid(QStringLiteral("\"%1\" cannot be changed").arg(key)));
        return fail(st.error());
    }
    if (patch.isEmpty())
        return fail(Error::invalid(QStringLiteral("the patch is empty; send at least one of display_name, role, active")));
    if (auto st = checkString(patch, QStringLiteral("display_name"), false, 128); !st)
        return fail(st.error());
    if (patch.contains(QStringLiteral("active")) && !patch.value(QStringLiteral("active")).isBool())
        return fail(Error::invalid(QStringLiteral("\"active\" must be true or false")));
    std::optional<Role> newRole;
    if (patch.contains(QStringLiteral("role"))) {
        newRole = roleFromName(patch.value(QStringLiteral("role")).toString());
        if (!newRole)
            return fail(Error::invalid(QStringLiteral("\"role\" must be one of platform-admin, tenant-admin, operator, viewer")));
    }
    auto target = load(who.tenantId, userId);
    if (!target)
        return fail(target.error());
    if (target->erasedMs)
        return fail(Error::conflict(QStringLiteral("user %1 was erased and can no longer be changed").arg(userId)));
    if (auto st = mayManage(who, *target); !st)
        return fail(st.error());
    if (newRole && !Policy::atMost(*newRole, who.role))
        return fail(Error::forbidden(QStringLiteral("your role (%1) may not give the role %2").arg(roleName(who.role), roleName(*newRole))));
    const bool deactivating = patch.contains(QStringLiteral("active")) && !patch.value(QStringLiteral("active")).toBool() && target->active;
    if ((newRole && *newRole != Role::PlatformAdmin) || deactivating)
        if (auto st = keepsAPlatformAdmin(*target); !st)
            return fail(st.error());

    QStringList sets{QStringLiteral("updated_at = :now")}, changed;
    QVariantMap b{{QStringLiteral("id"), userId}, {QStringLiteral("now"), Storage::nowMs()}};
    if (patch.contains(QStringLiteral("display_name"))) {
        sets << QStringLiteral("display_name = :d");
        b.insert(QStringLiteral("d"), patch.value(QStringLiteral("display_name")).toString().trimmed());
        changed << QStringLiteral("display name");
    }
    if (newRole) {
        sets << QStringLiteral("role = :r");
        b.insert(QStringLiteral("r"), roleName(*newRole));
        changed << QStringLiteral("role %1 -> %2").arg(roleName(target->role), roleName(*newRole));
    }
    if (patch.contains(QStringLiteral("active"))) {
        const bool active = patch.value(QStringLiteral("active")).toBool();
        sets << (active ? QStringLiteral("active = TRUE") : QStringLiteral("active = FALSE"));
        changed << (active ? QStringLiteral("activated") : QStringLiteral("deactivated"));
    }
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    auto u = m_db.exec(QStringLiteral("UPDATE users SET ") + sets.join(QStringLiteral(", ")) + QStringLiteral(" WHERE id = :id"), b);
    if (!u) {
        m_db.rollback();
        return fail(u.error());
    }
    if (deactivating) {
        if (auto st = m_auth.revokeAllCredentials(userId); !st) {
            m_db.rollback();
            return fail(st.error());
        }
    }
    audit(m_db, &who, QStringLiteral("user.update"), QStringLiteral("user"), userId, changed.join(QStringLiteral("; ")), target->tenantId);
    if (auto st = m_db.commit(); !st)
        return fail(st.error());
    return get(who, userId);
}

Status UserService::remove(const Principal &who, const QString &userId)
{
    auto target = load(who.tenantId, userId);
    if (!target)
        return fail(target.error());
    if (auto st = mayManage(who, *target); !st)
        return st;
    if (auto st = keepsAPlatformAdmin(*target); !st)
        return st;
    if (auto st = m_db.transaction(); !st)
        return st;
    // Sessions and API tokens go with the account (ON DELETE CASCADE); audit entries stay.
    for (const QString &sql : {QStringLiteral("DELETE FROM sessions WHERE user_id = :id"), QStringLiteral("DELETE FROM api_tokens WHERE user_id = :id"),
                               QStringLiteral("DELETE FROM users WHERE id = :id")}) {
        auto d = m_db.exec(sql, {{QStringLiteral("id"), userId}});
        if (!d) {
            m_db.rollback();
            return fail(d.error());
        }
    }
    audit(m_db, &who, QStringLiteral("user.delete"), QStringLiteral("user"), userId, QStringLiteral("user %1 (%2) deleted").arg(target->email, roleName(target->role)),
          target->tenantId);
    return m_db.commit();
}

Result<PasswordReset> UserService::resetPassword(const Principal &who, const QString &userId, const QJsonObject &body)
{
    if (auto st = AuthUtil::checkKnownKeys(body, {QStringLiteral("password")}); !st)
        return fail(st.error());
    if (auto st = AuthUtil::checkString(body, QStringLiteral("password"), false, 1024); !st)
        return fail(st.error());
    auto target = load(who.tenantId, userId);
    if (!target)
        return fail(target.error());
    if (target->erasedMs)
        return fail(Error::conflict(QStringLiteral("user %1 was erased").arg(userId)));
    if (auto st = mayManage(who, *target); !st)
        return fail(st.error());
    const bool generated = !body.contains(QStringLiteral("password"));
    QString password = body.value(QStringLiteral("password")).toString();
    if (generated) {
        auto random = randomToken(18);
        if (!random)
            return fail(random.error());
        password = *random;
    }
    if (auto st = AuthService::checkPasswordPolicy(password, target->email); !st)
        return fail(st.error());
    auto hash = AuthService::hashPassword(password);
    if (!hash)
        return fail(hash.error());
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    const qint64 now = Storage::nowMs();
    auto u = m_db.exec(QStringLiteral("UPDATE users SET password_hash = :h, password_changed_at = :t, updated_at = :t WHERE id = :id"),
                       {{QStringLiteral("h"), *hash}, {QStringLiteral("t"), now}, {QStringLiteral("id"), userId}});
    if (!u) {
        m_db.rollback();
        return fail(u.error());
    }
    // A reset means the old password may be known to someone else: every session and token of the user ends.
    if (auto st = m_auth.revokeAllCredentials(userId); !st) {
        m_db.rollback();
        return fail(st.error());
    }
    auto cleared = m_db.exec(QStringLiteral("DELETE FROM login_throttle WHERE throttle_key = :k"), {{QStringLiteral("k"), QStringLiteral("account:") + target->email}});
    if (!cleared) {
        m_db.rollback();
        return fail(cleared.error());
    }
    audit(m_db, &who, QStringLiteral("user.password_reset"), QStringLiteral("user"), userId,
          QStringLiteral("password of %1 reset by an administrator%2; sessions and API tokens revoked")
              .arg(target->email, generated ? QStringLiteral(" (generated)") : QString()), target->tenantId);
    if (auto st = m_db.commit(); !st)
        return fail(st.error());
    PasswordReset out;
    out.userId = userId;
    out.credentialsRevoked = true;
    if (generated)
        out.generatedPassword = password;
    return out;
}

Result<UserExport> UserService::exportData(const Principal &who, const QString &userId)
{
    auto target = load(who.tenantId, userId);
    if (!target)
        return fail(target.error());
    QJsonArray sessions, tokens, entries;
    auto s = m_db.exec(QStringLiteral("SELECT created_at, expires_at, revoked_at, source FROM sessions WHERE user_id = :u ORDER BY created_at"),
                       {{QStringLiteral("u"), userId}});
    if (!s)
        return fail(s.error());
    while (s->next())
        sessions.append(QJsonObject{{QStringLiteral("created_at"), Json::timestamp(msToTime(s->value(0)))},
                                    {QStringLiteral("expires_at"), Json::timestamp(msToTime(s->value(1)))},
                                    {QStringLiteral("revoked_at"), Json::timestamp(msToTime(s->value(2)))},
                                    {QStringLiteral("source"), nullable(s->value(3).toString())}});
    auto t = m_db.exec(QStringLiteral("SELECT id, name, role, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE user_id = :u ORDER BY created_at"),
                       {{QStringLiteral("u"), userId}});
    if (!t)
        return fail(t.error());
    while (t->next())
        tokens.append(QJsonObject{{QStringLiteral("token_id"), t->value(0).toString()}, {QStringLiteral("name"), t->value(1).toString()},
                                  {QStringLiteral("role"), t->value(2).toString()},
                                  {QStringLiteral("created_at"), Json::timestamp(msToTime(t->value(3)))},
                                  {QStringLiteral("expires_at"), Json::timestamp(msToTime(t->value(4)))},
                                  {QStringLiteral("revoked_at"), Json::timestamp(msToTime(t->value(5)))},
                                  {QStringLiteral("last_used_at"), Json::timestamp(msToTime(t->value(6)))}});
    // Only the rows of the tenant the caller acts in: a tenant admin reads no other tenant's audit log (the
    // platform admin, acting in each tenant in turn, exports each tenant's part).
    auto a = m_db.exec(QStringLiteral("SELECT id, at, action, object_type, object_id, summary, source FROM audit_log "
                                      "WHERE tenant_id = :t AND (actor_id = :u OR actor = :e OR (object_type = 'user' AND object_id = :u)) ORDER BY id"),
                       {{QStringLiteral("u"), userId}, {QStringLiteral("e"), target->email}, {QStringLiteral("t"), who.tenantId}});
    if (!a)
        return fail(a.error());
    while (a->next())
        entries.append(QJsonObject{{QStringLiteral("id"), a->value(0).toLongLong()},
                                   {QStringLiteral("at"), Json::timestamp(msToTime(a->value(1)))},
                                   {QStringLiteral("action"), a->value(2).toString()},
                                   {QStringLiteral("object_type"), a->value(3).toString()},
                                   {QStringLiteral("object_id"), nullable(a->value(4).toString())},
                                   {QStringLiteral("summary"), nullable(a->value(5).toString())},
                                   {QStringLiteral("source"), nullable(a->value(6).toString())}});
    audit(m_db, &who, QStringLiteral("user.export"), QStringLiteral("user"), userId, QStringLiteral("personal data exported"), target->tenantId);
    UserExport out;
    out.exportedMs = QDateTime::currentMSecsSinceEpoch();
    out.user = *target;
    out.records = QJsonObject{{QStringLiteral("sessions"), sessions}, {QStringLiteral("api_tokens"), tokens}, {QStringLiteral("audit"), entries}};
    return out;
}

Result<User> UserService::erase(const Principal &who, const QString &userId)
{
    auto target = load(who.tenantId, userId);
    if (!target)
        return fail(target.error());
    if (target->erasedMs)
        return *target; // erasing twice changes nothing
    if (auto st = mayManage(who, *target); !st)
        return fail(st.error());
    if (auto st = keepsAPlatformAdmin(*target); !st)
        return fail(st.error());
    const QString anon = QStringLiteral("erased-%1@erased.invalid").arg(userId);
    const qint64 now = Storage::nowMs();
    QString like = target->email;
    like.replace(u'\\', QStringLiteral("\\\\")).replace(u'%', QStringLiteral("\\%")).replace(u'_', QStringLiteral("\\_"));
    const QString tenantScope = who.role == Role::PlatformAdmin ? QString() : QStringLiteral(" AND tenant_id = :t");
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    const QList<std::pair<QString, QVariantMap>> steps = {
        // An unusable hash: no password verifies against it.
        {QStringLiteral("UPDATE users SET email = :anon, display_name = NULL, password_hash = '!erased', active = FALSE, erased_at = :now, updated_at = :now WHERE id = :id"),
         {{QStringLiteral("anon"), anon}, {QStringLiteral("now"), now}, {QStringLiteral("id"), userId}}},
        // The audit log keeps what happened, but no longer who the person was (actor, address and summaries) — in
        // the user's own tenant; only the platform admin, who may act in every tenant, erases across tenants.
        {QStringLiteral("UPDATE audit_log SET actor = :anon, source = NULL WHERE (actor_id = :id OR actor = :e)") + tenantScope,
         {{QStringLiteral("anon"), anon}, {QStringLiteral("id"), userId}, {QStringLiteral("e"), target->email}}},
        {QStringLiteral("UPDATE audit_log SET summary = REPLACE(summary, :e, :anon) WHERE summary LIKE :like ESCAPE '\\'") + tenantScope,
         {{QStringLiteral("anon"), anon}, {QStringLiteral("e"), target->email}, {QStringLiteral("like"), u'%' + like + u'%'}}},
        {QStringLiteral("UPDATE sessions SET source = NULL WHERE user_id = :id"), {{QStringLiteral("id"), userId}}},
        // Throttle counts and the networks the person logged in from are personal data too.
        {QStringLiteral("DELETE FROM login_throttle WHERE throttle_key = :k OR throttle_key LIKE :account ESCAPE '\\' OR throttle_key LIKE :known ESCAPE '\\'"),
         {{QStringLiteral("k"), QStringLiteral("account:") + target->email}, {QStringLiteral("account"), QStringLiteral("account:") + like + QStringLiteral("|%")},
          {QStringLiteral("known"), QStringLiteral("known:") + like + QStringLiteral("|%")}}},
    };
    for (const auto &[sql, stepBindings] : steps) {
        QVariantMap bindings = stepBindings;
        if (!tenantScope.isEmpty() && sql.endsWith(tenantScope))
            bindings.insert(QStringLiteral("t"), target->tenantId);
        auto r = m_db.exec(sql, bindings);
        if (!r) {
            m_db.rollback();
            return fail(r.error());
        }
    }
    if (auto st = m_auth.revokeAllCredentials(userId); !st) {
        m_db.rollback();
        return fail(st.error());
    }
    audit(m_db, &who, QStringLiteral("user.erase"), QStringLiteral("user"), userId, QStringLiteral("personal data erased; account disabled"), target->tenantId);
    if (auto st = m_db.commit(); !st)
        return fail(st.error());
    qCInfo(lcAuth) << "personal data of user" << userId << "erased";
    auto u = load(who.tenantId, userId);
    if (!u)
        return fail(u.error());
    return *u;
}

} // namespace Fleetdeck
