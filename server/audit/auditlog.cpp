#include "audit/auditlog.h"
#include "audit/audit.h"

#include "auth/authutil.h"
#include "core/jsonutil.h"
#include "storage/database.h"

#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcAudit, "fleetdeck.server.audit", QtInfoMsg)

namespace Fleetdeck {

void audit(Storage::Database &db, const Principal *who, const QString &action, const QString &objectType,
           const QString &objectId, const QString &summary, const QString &tenantId)
{
    auto r = db.exec(QStringLiteral("INSERT INTO audit_log (tenant_id, actor, actor_id, source, action, object_type, object_id, summary, at) "
                                    "VALUES (:tenant, :actor, :actorid, :source, :action, :otype, :oid, :summary, :at)"),
                     {{QStringLiteral("tenant"), tenantId.isEmpty() && who ? who->tenantId : tenantId},
                      {QStringLiteral("actorid"), who && !who->userId.isEmpty() ? QVariant(who->userId) : QVariant(QMetaType::fromType<QString>())},
                      {QStringLiteral("actor"), who ? (who->email.isEmpty() ? who->userId : who->email) : QStringLiteral("system")},
                      {QStringLiteral("source"), who ? who->source : QString()},
                      {QStringLiteral("action"), action}, {QStringLiteral("otype"), objectType},
                      {QStringLiteral("oid"), objectId}, {QStringLiteral("summary"), summary},
                      {QStringLiteral("at"), Storage::nowMs()}});
    if (!r)
        qCWarning(lcAudit) << "audit entry" << action << "not written:" << r.error().message;
}

AuditLog::AuditLog(Storage::Database &db) : m_db(db) {}

Result<AuditPage> AuditLog::query(const Principal &who, const AuditFilter &f)
{
    QString sql = QStringLiteral("SELECT id, at, tenant_id, actor, actor_id, source, action, object_type, object_id, summary "
                                 "FROM audit_log WHERE (tenant_id = :tenant%1)")
                      // Events tied to no tenant (failed logins for unknown accounts, throttled addresses) are the
                      // platform's: its admins see them beside their own tenant's.
                      .arg(who.role == Role::PlatformAdmin && !who.actsElsewhere() ? QStringLiteral(" OR tenant_id IS NULL OR tenant_id = ''") : QString());
    QVariantMap b{{QStringLiteral("tenant"), who.tenantId}};
    if (!f.action.isEmpty()) {
        if (f.action.endsWith(u'.')) {
            sql += QStringLiteral(" AND action LIKE :action ESCAPE '\\'");
            QString escaped = f.action;
            escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'%', QStringLiteral("\\%")).replace(u'_', QStringLiteral("\\_"));
            b.insert(QStringLiteral("action"), escaped + u'%');
        } else {
            sql += QStringLiteral(" AND action = :action");
            b.insert(QStringLiteral("action"), f.action);
        }
    }
    if (!f.actor.isEmpty()) {
        sql += QStringLiteral(" AND (actor = :actor OR actor_id = :actor)");
        b.insert(QStringLiteral("actor"), f.actor.contains(u'@') ? f.actor.toLower() : f.actor);
    }
    if (!f.objectType.isEmpty()) {
        sql += QStringLiteral(" AND object_type = :otype");
        b.insert(QStringLiteral("otype"), f.objectType);
    }
    if (!f.objectId.isEmpty()) {
        sql += QStringLiteral(" AND object_id = :oid");
        b.insert(QStringLiteral("oid"), f.objectId);
    }
    if (f.fromMs) {
        sql += QStringLiteral(" AND at >= :from");
        b.insert(QStringLiteral("from"), *f.fromMs);
    }
    if (f.toMs) {
        sql += QStringLiteral(" AND at < :to");
        b.insert(QStringLiteral("to"), *f.toMs);
    }
    if (!f.cursor.isEmpty()) {
        const auto c = AuthUtil::decodeCursor(f.cursor);
        bool ok = false;
        const qint64 before = c ? c->second.toLongLong(&ok) : 0;
        if (!c || c->first != u"audit" || !ok)
            return fail(Error::invalid(QStringLiteral("\"cursor\" is not a cursor this server issued")));
        sql += QStringLiteral(" AND id < :before");
        b.insert(QStringLiteral("before"), before);
    }
    sql += QStringLiteral(" ORDER BY id DESC LIMIT :limit");
    b.insert(QStringLiteral("limit"), f.limit + 1);
    auto q = m_db.exec(sql, b);
    if (!q)
        return fail(q.error());
    AuditPage page;
    qint64 lastId = 0;
    int n = 0;
    while (q->next()) {
        if (++n > f.limit) {
            page.nextCursor = AuthUtil::encodeCursor(QStringLiteral("audit"), QString::number(lastId));
            break;
        }
        lastId = q->value(0).toLongLong();
        page.items.append(QJsonObject{
            {QStringLiteral("id"), lastId},
            {QStringLiteral("at"), Json::timestamp(AuthUtil::msToTime(q->value(1)))},
            {QStringLiteral("tenant_id"), AuthUtil::nullable(q->value(2).toString())},
            {QStringLiteral("actor"), q->value(3).toString()},
            {QStringLiteral("actor_id"), AuthUtil::nullable(q->value(4).toString())},
            {QStringLiteral("source"), AuthUtil::nullable(q->value(5).toString())},
            {QStringLiteral("action"), q->value(6).toString()},
            {QStringLiteral("object_type"), q->value(7).toString()},
            {QStringLiteral("object_id"), AuthUtil::nullable(q->value(8).toString())},
            {QStringLiteral("summary"), AuthUtil::nullable(q->value(9).toString())},
        });
    }
    return page;
}

} // namespace Fleetdeck
