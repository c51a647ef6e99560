#include "commands/groupjobs.h"

#include "commands/commandrows.h"
#include "commands/commandservice.h"
#include "commands/commandstate.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "runtime/validation.h"
#include "protocol/commands.h"
#include "storage/database.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtSql/QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcCommands)

namespace Fleetdeck {

using CommandRows::compactText;
using CommandRows::jsonText;

GroupJobs::GroupJobs(Storage::Database &db, CommandService &commands, Options options)
    : m_db(db), m_commands(commands), m_options(options)
{
}

Result<GroupJob> GroupJobs::sendGroup(const Principal &who, const QJsonObject &body)
{
    m_commands.flushWrites();
    QSet<QString> keys = CommandService::specKeys();
    keys << QStringLiteral("target");
    if (auto st = Validation::checkKnownKeys(body, keys); !st)
        return fail(st.error());
    const QJsonValue targetValue = body.value(QStringLiteral("target"));
    if (!targetValue.isObject())
        return fail(Error::invalid(QStringLiteral("\"target\" is required: {\"device_ids\": [...]}, {\"device_type\": \"...\"} or {\"tags\": [...]}")));
    const QJsonObject target = targetValue.toObject();
    if (target.size() != 1 || !QSet<QString>{QStringLiteral("device_ids"), QStringLiteral("device_type"), QStringLiteral("tags")}.contains(target.begin().key()))
        return fail(Error::invalid(QStringLiteral("\"target\" must have exactly one of \"device_ids\", \"device_type\" or \"tags\"")));
    auto request = m_commands.parseRequest(body);
    if (!request)
        return fail(request.error());
    auto spec = m_commands.resolve(*request);
    if (!spec)
        return fail(spec.error());
    const QString &type = spec->type;
    const QJsonObject &payload = spec->payload;
    const QByteArray &payloadBytes = spec->payloadBytes;
    const int timeoutS = spec->timeoutS, ttlS = spec->ttlS;

    // Resolve the target to (device id, status), tenant-scoped.
    QList<std::pair<QString, QString>> matched;
    const QString kind = target.begin().key();
    const QJsonValue tv = target.begin().value();
    const auto collect = [&](Result<QSqlQuery> q) -> Status {
        if (!q)
            return fail(q.error());
        while (q->next())
            matched.append({q->value(0).toString(), q->value(1).toString()});
        return {};
    };
    if (kind == u"device_type") {
        if (!tv.isString() || tv.toString().isEmpty())
            return fail(Error::invalid(QStringLiteral("\"target.device_type\" must be a non-empty string")));
        if (auto st = collect(m_db.exec(QStringLiteral("SELECT id, status FROM devices WHERE tenant_id = :t AND device_type = :type ORDER BY id"),
                                        {{QStringLiteral("t"), who.tenantId}, {QStringLiteral("type"), tv.toString()}})); !st)
            return fail(st.error());
    } else {
        if (!tv.isArray() || tv.toArray().isEmpty() || tv.toArray().size() > m_options.maxGroupTargets)
            return fail(Error::invalid(QStringLiteral("\"target.%1\" must be an array of 1 to %2 strings").arg(kind).arg(m_options.maxGroupTargets)));
        QStringList values;
        for (const QJsonValue &v : tv.toArray()) {
            if (!v.isString() || v.toString().isEmpty() || v.toString().size() > 128)
                return fail(Error::invalid(QStringLiteral("\"target.%1\" must contain only non-empty strings").arg(kind)));
            values << v.toString();
        }
        values.removeDuplicates();
        if (kind == u"tags" && values.size() > 20)
            return fail(Error::invalid(QStringLiteral("\"target.tags\" may name at most 20 tags (a device must carry all of them)")));
        // In chunks: SQLite allows only so many bound parameters per statement.
        for (qsizetype from = 0; from < values.size(); from += 500) {
            const QStringList chunk = values.mid(from, 500);
            QStringList names;
            QVariantMap b{{QStringLiteral("t"), who.tenantId}};
            for (qsizetype i = 0; i < chunk.size(); ++i) {
                names << QStringLiteral(":v%1").arg(i);
                b.insert(QStringLiteral("v%1").arg(i), chunk[i]);
            }
            QString sql;
            if (kind == u"device_ids") {
                sql = QStringLiteral("SELECT id, status FROM devices WHERE tenant_id = :t AND id IN (%1)").arg(names.join(u','));
            } else {
                sql = QStringLiteral("SELECT d.id, d.status FROM devices d WHERE d.tenant_id = :t AND "
                                     "(SELECT COUNT(*) FROM device_tags g WHERE g.device_id = d.id AND g.tag IN (%1)) = :n ORDER BY d.id").arg(names.join(u','));
                b.insert(QStringLiteral("n"), qint64(chunk.size()));
            }
            if (auto st = collect(m_db.exec(sql, b)); !st)
                return fail(st.error());
        }
        if (kind == u"device_ids" && matched.size() < values.size()) {
            QSet<QString> found;
            for (const auto &m : std::as_const(matched))
                found << m.first;
            QStringList unknown;
            for (const QString &v : std::as_const(values))
                if (!found.contains(v))
                    unknown << v;
            return fail(Error::invalid(QStringLiteral("%1 of the device ids are not devices of this tenant: %2%3")
                                           .arg(unknown.size()).arg(unknown.mid(0, 5).join(QStringLiteral(", ")), unknown.size() > 5 ? QStringLiteral(", ...") : QString())));
        }
    }
    if (matched.isEmpty())
        return fail(Error::invalid(QStringLiteral("the target matches no device of this tenant")));

    QJsonArray skipped;
    QList<QString> targets;
    for (const auto &[id, status] : std::as_const(matched)) {
        QString reason;
        if (status == u"decommissioned" || status == u"suspended")
            reason = QStringLiteral("device is %1").arg(status);
        else if (const qsizetype waiting = m_commands.queueLength(id); waiting >= m_commands.options().maxQueuedPerDevice)
            reason = QStringLiteral("command queue full (%1 waiting)").arg(waiting);
        if (reason.isEmpty())
            targets << id;
        else
            skipped.append(QJsonObject{{QStringLiteral("device_id"), id}, {QStringLiteral("reason"), reason}});
    }
    if (targets.isEmpty())
        return fail(Error::conflict(QStringLiteral("none of the %1 matching devices can take the command now (%2)")
                                        .arg(matched.size()).arg(skipped.first().toObject().value(QStringLiteral("reason")).toString())));

    const QString jobId = newUuid();
    const qint64 now = Storage::nowMs();
    const qint64 expires = now + qint64(ttlS) * 1000;
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    auto job = m_db.exec(QStringLiteral("INSERT INTO command_jobs (id, tenant_id, type, payload, target, timeout_s, ttl_s, total, skipped, created_by, created_at) "
                                        "VALUES (:id, :t, :type, :payload, :target, :timeout, :ttl, :total, :skipped, :by, :now)"),
                         {{QStringLiteral("id"), jobId}, {QStringLiteral("t"), who.tenantId}, {QStringLiteral("type"), type},
                          {QStringLiteral("payload"), QString::fromUtf8(payloadBytes)}, {QStringLiteral("target"), compactText(target)},
                          {QStringLiteral("timeout"), timeoutS}, {QStringLiteral("ttl"), ttlS}, {QStringLiteral("total"), qint64(targets.size())},
                          {QStringLiteral("skipped"), QString::fromUtf8(QJsonDocument(skipped).toJson(QJsonDocument::Compact))},
                          {QStringLiteral("by"), who.email}, {QStringLiteral("now"), now}});
    if (!job) {
        m_db.rollback();
        return fail(job.error());
    }
    QList<QueuedCommand> made;
    made.reserve(targets.size());
    for (const QString &deviceId : std::as_const(targets)) {
        QueuedCommand c{deviceId, Commands::CommandMessage{newUuid(), type, payload, expires, timeoutS}, now};
        auto ins = m_db.exec(QStringLiteral("INSERT INTO commands (id, tenant_id, device_id, job_id, type, payload, status, timeout_s, ttl_s, created_by, created_at, expires_at) "
                                            "VALUES (:id, :t, :d, :job, :type, :payload, 'queued', :timeout, :ttl, :by, :now, :exp)"),
                             {{QStringLiteral("id"), c.message.commandId}, {QStringLiteral("t"), who.tenantId}, {QStringLiteral("d"), deviceId},
                              {QStringLiteral("job"), jobId}, {QStringLiteral("type"), type}, {QStringLiteral("payload"), QString::fromUtf8(payloadBytes)},
                              {QStringLiteral("timeout"), timeoutS}, {QStringLiteral("ttl"), ttlS}, {QStringLiteral("by"), who.email},
                              {QStringLiteral("now"), now}, {QStringLiteral("exp"), expires}});
        if (!ins) {
            m_db.rollback();
            return fail(ins.error());
        }
        made.append(std::move(c));
    }
    if (auto st = m_db.commit(); !st) {
        m_db.rollback();
        return fail(st.error());
    }
    audit(m_db, &who, QStringLiteral("command.send_group"), QStringLiteral("command_job"), jobId,
          QStringLiteral("%1 to %2 devices by %3 (%4 skipped)").arg(type).arg(targets.size()).arg(kind).arg(skipped.size()));
    qCInfo(lcCommands) << "group command" << jobId << type << "to" << targets.size() << "devices," << skipped.size() << "skipped";
    m_commands.enqueueForGroup(std::move(made));
    return loadJob(who.tenantId, jobId);
}

Result<GroupJob> GroupJobs::loadJob(const QString &tenantId, const QString &jobId)
{
    m_commands.flushWrites();
    auto q = m_db.exec(QStringLiteral("SELECT id, type, payload, target, timeout_s, ttl_s, total, skipped, created_by, created_at "
                                      "FROM command_jobs WHERE id = :id AND tenant_id = :t"),
                       {{QStringLiteral("id"), jobId}, {QStringLiteral("t"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no command job with id %1").arg(jobId)));
    // The row is read before the next statement: one connection has one result set at a time.
    GroupJob j;
    j.id = q->value(0).toString();
    j.tenantId = tenantId;
    j.type = q->value(1).toString();
    j.payload = jsonText(q->value(2)).toObject();
    j.target = jsonText(q->value(3)).toObject();
    j.timeoutS = q->value(4).toInt();
    j.ttlS = q->value(5).toInt();
    j.total = q->value(6).toLongLong();
    const QJsonArray skipped = QJsonDocument::fromJson(q->value(7).toString().toUtf8()).array();
    for (const QJsonValue &v : skipped) {
        const QJsonObject o = v.toObject();
        j.skipped.append(SkippedDevice{o.value(QStringLiteral("device_id")).toString(), o.value(QStringLiteral("reason")).toString()});
    }
    j.createdBy = q->value(8).toString();
    j.createdMs = q->value(9).toLongLong();
    auto c = m_db.exec(QStringLiteral("SELECT status, COUNT(*), MAX(finished_at) FROM commands WHERE job_id = :id GROUP BY status"), {{QStringLiteral("id"), jobId}});
    if (!c)
        return fail(c.error());
    qint64 open = 0, lastFinished = 0;
    while (c->next()) {
        const auto s = CommandState::fromName(c->value(0).toString());
        if (!s)
            continue;
        j.counts[size_t(*s)] = c->value(1).toLongLong();
        if (!CommandState::isFinal(*s))
            open += c->value(1).toLongLong();
        else
            lastFinished = std::max(lastFinished, c->value(2).toLongLong());
    }
    j.running = open > 0;
    if (!j.running && lastFinished != 0)
        j.finishedMs = lastFinished;
    return j;
}

Result<GroupJob> GroupJobs::job(const Principal &who, const QString &jobId) { return loadJob(who.tenantId, jobId); }

Result<Page<GroupJob>> GroupJobs::jobs(const Principal &who, const QString &cursor, int limit)
{
    auto ids = CommandRows::newestFirst(m_db, QStringLiteral("SELECT id, created_at FROM command_jobs WHERE tenant_id = :t"), {{QStringLiteral("t"), who.tenantId}},
                                        cursor, limit);
    if (!ids)
        return fail(ids.error());
    Page<GroupJob> page;
    page.nextCursor = ids->nextCursor;
    page.items.reserve(ids->ids.size());
    for (const QString &id : std::as_const(ids->ids)) {
        auto job = loadJob(who.tenantId, id);
        if (!job)
            return fail(job.error());
        page.items.append(std::move(*job));
    }
    return page;
}

} // namespace Fleetdeck
