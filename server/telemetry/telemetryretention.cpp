#include "telemetry/telemetryretention.h"

#include "storage/database.h"
#include "storage/databasethread.h"

#include <QtCore/QDateTime>
#include <QtCore/QHash>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSet>

Q_DECLARE_LOGGING_CATEGORY(lcTelemetry)

namespace Fleetdeck {

TelemetryRetention::TelemetryRetention(Storage::Database &db, qint64 maxRawBytes) : m_db(db), m_maxRawBytes(maxRawBytes) {}

TelemetryRetention::~TelemetryRetention() = default;

Status TelemetryRetention::ensurePartitions(qint64 nowMs)
{
    if (m_db.dialect() != Storage::Dialect::Postgres)
        return {};
    constexpr qint64 day = 86400000;
    for (qint64 d = -1; d <= 7; ++d) {
        const qint64 from = (nowMs / day + d) * day;
        const QString name = QStringLiteral("telemetry_p") + QDateTime::fromMSecsSinceEpoch(from, Qt::UTC).toString(QStringLiteral("yyyyMMdd"));
        auto exists = m_db.exec(QStringLiteral("SELECT 1 FROM pg_class WHERE relname = :n"), {{QStringLiteral("n"), name}});
        if (!exists)
            return fail(exists.error());
        if (exists->next())
            continue;
        // Fails when the default partition already holds rows of that day (they arrived before the partition was
        // made); those days simply stay in the default partition.
        auto made = m_db.exec(QStringLiteral("CREATE TABLE %1 PARTITION OF telemetry FOR VALUES FROM (%2) TO (%3)").arg(name).arg(from).arg(from + day));
        if (!made)
            qCWarning(lcTelemetry) << "partition" << name << "not made (its rows stay in telemetry_default):" << made.error().message;
        else
            qCInfo(lcTelemetry) << "made partition" << name;
    }
    return {};
}

Result<qint64> TelemetryRetention::rawTelemetryBytes()
{
    if (m_db.dialect() == Storage::Dialect::Postgres) {
        auto q = m_db.exec(QStringLiteral("SELECT COALESCE(SUM(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
                                          "WHERE inhparent = 'telemetry'::regclass"));
        if (!q || !q->next())
            return fail(q ? Error::internal(QStringLiteral("no size")) : q.error());
        return q->value(0).toLongLong();
    }
    // SQLite keeps freed pages for reuse: pages in use is what counts.
    auto q = m_db.exec(QStringLiteral("SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), "
                                      "(SELECT page_size FROM pragma_page_size())"));
    if (!q || !q->next())
        return fail(q ? Error::internal(QStringLiteral("no size")) : q.error());
    return q->value(0).toLongLong() * q->value(1).toLongLong();
}

namespace {

/// Raw telemetry per tenant as stored: the packed readings plus a row's keys and overhead (~32 bytes).
Result<QHash<QString, qint64>> rawBytesByTenant(Storage::Database &db, const QString &onlyTenant = {})
{
    const QString size = db.dialect() == Storage::Dialect::Postgres ? QStringLiteral("pg_column_size(t.readings)") : QStringLiteral("LENGTH(t.readings)");
    QVariantMap b;
    QString where;
    if (!onlyTenant.isEmpty()) {
        where = QStringLiteral(" WHERE d.tenant_id = :t");
        b.insert(QStringLiteral("t"), onlyTenant);
    }
    auto q = db.exec(QStringLiteral("SELECT d.tenant_id, SUM(%1) + COUNT(*) * 32 FROM telemetry t JOIN telemetry_devices d ON d.device_key = t.device_key%2 "
                                    "GROUP BY d.tenant_id").arg(size, where), b);
    if (!q)
        return fail(q.error());
    QHash<QString, qint64> out;
    while (q->next())
        out.insert(q->value(0).toString(), q->value(1).toLongLong());
    return out;
}

Result<SizeRetentionReport> sizeRetentionOn(Storage::Database &db, qint64 maxBytes, qint64 nowMs)
{
    constexpr qint64 day = 86400000;
    const qint64 today = nowMs / day * day;
    auto sizes = rawBytesByTenant(db);
    if (!sizes)
        return fail(sizes.error());
    qint64 before = 0;
    for (const qint64 v : std::as_const(*sizes))
        before += v;
    qint64 used = before, daysRemoved = 0, rowsRemoved = 0;
    QMap<QString, qint64> byTenant;
    QSet<QString> onlyToday; // tenants with nothing left but today
    static const QString inTenant = QStringLiteral("device_key IN (SELECT device_key FROM telemetry_devices WHERE tenant_id = :t)");
    while (maxBytes > 0 && used > maxBytes) {
        // The tenant that holds the most (of those with more than today) gives its oldest day.
        QString tenant;
        for (auto it = sizes->cbegin(); it != sizes->cend(); ++it)
            if (!onlyToday.contains(it.key()) && it.value() > 0 && (tenant.isEmpty() || it.value() > sizes->value(tenant)))
                tenant = it.key();
        if (tenant.isEmpty())
            break; // only today is left anywhere: keep it
        auto oldest = db.exec(QStringLiteral("SELECT MIN(ts) FROM telemetry WHERE ") + inTenant, {{QStringLiteral("t"), tenant}});
        if (!oldest || !oldest->next())
            return fail(oldest ? Error::internal(QStringLiteral("no oldest reading")) : oldest.error());
        if (oldest->value(0).isNull() || oldest->value(0).toLongLong() >= today) {
            onlyToday.insert(tenant);
            continue;
        }
        const qint64 end = oldest->value(0).toLongLong() / day * day + day;
        auto del = db.exec(QStringLiteral("DELETE FROM telemetry WHERE ts < :end AND ") + inTenant, {{QStringLiteral("end"), end}, {QStringLiteral("t"), tenant}});
        if (!del)
            return fail(del.error());
        rowsRemoved += del->numRowsAffected();
        ++daysRemoved;
        ++byTenant[tenant];
        auto left = rawBytesByTenant(db, tenant);
        if (!left)
            return fail(left.error());
        used += left->value(tenant, 0) - sizes->value(tenant);
        sizes->insert(tenant, left->value(tenant, 0));
    }
    if (daysRemoved) {
        QJsonObject days;
        for (auto it = byTenant.cbegin(); it != byTenant.cend(); ++it)
            days.insert(it.key(), it.value());
        qCWarning(lcTelemetry).noquote() << QStringLiteral("telemetry over its size limit (%1 MiB > %2 MiB): removed %3 day(s) of raw readings "
                                                           "from the tenants holding the most (%4), now %5 MiB")
                                                .arg(before >> 20).arg(maxBytes >> 20).arg(daysRemoved)
                                                .arg(QString::fromUtf8(QJsonDocument(days).toJson(QJsonDocument::Compact)))
                                                .arg(used >> 20);
    }
    return SizeRetentionReport{daysRemoved, rowsRemoved, before, used, byTenant};
}

Result<RetentionReport> retentionOn(Storage::Database &db, qint64 nowMs)
{
    constexpr qint64 day = 86400000;
    auto tenants = db.exec(QStringLiteral("SELECT id, retention_days FROM tenants"));
    if (!tenants)
        return fail(tenants.error());
    QList<std::pair<QString, int>> policies;
    while (tenants->next())
        policies.append({tenants->value(0).toString(), tenants->value(1).isNull() ? 30 : std::max(1, tenants->value(1).toInt())});
    qint64 raw = 0, minute = 0, hour = 0;
    for (const auto &[tenant, days] : policies) {
        const struct { const char *table; const char *column; qint64 keepDays; qint64 *count; } steps[] = {
            {"telemetry", "ts", days, &raw},
            {"telemetry_1m", "bucket", std::max(days, 90), &minute},
            {"telemetry_1h", "bucket", std::max(days, 730), &hour},
        };
        for (const auto &step : steps) {
            auto del = db.exec(QStringLiteral("DELETE FROM %1 WHERE %2 < :cutoff AND device_key IN "
                                                "(SELECT device_key FROM telemetry_devices WHERE tenant_id = :t)")
                                     .arg(QString::fromLatin1(step.table), QString::fromLatin1(step.column)),
                                 {{QStringLiteral("cutoff"), nowMs - step.keepDays * day}, {QStringLiteral("t"), tenant}});
            if (!del)
                return fail(del.error());
            *step.count += del->numRowsAffected();
        }
    }
    // PostgreSQL: whole days older than every tenant's retention go as partitions (cheap), the rest was deleted above.
    qint64 droppedPartitions = 0;
    if (db.dialect() == Storage::Dialect::Postgres && !policies.isEmpty()) {
        int longest = 0;
        for (const auto &p : std::as_const(policies))
            longest = std::max(longest, p.second);
        const QString cutoff = QDateTime::fromMSecsSinceEpoch(nowMs - qint64(longest) * day, Qt::UTC).toString(QStringLiteral("yyyyMMdd"));
        auto parts = db.exec(QStringLiteral("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                              "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'telemetry' AND c.relname LIKE 'telemetry_p%'"));
        if (!parts)
            return fail(parts.error());
        QStringList old;
        while (parts->next()) {
            const QString name = parts->value(0).toString();
            if (name.mid(11) < cutoff) // telemetry_pYYYYMMDD holds that day only: older than the cutoff day
                old << name;
        }
        for (const QString &name : std::as_const(old)) {
            if (auto d = db.exec(QStringLiteral("DROP TABLE %1").arg(name)); d)
                ++droppedPartitions;
            else
                qCWarning(lcTelemetry) << "partition" << name << "not dropped:" << d.error().message;
        }
    }
    if (raw + minute + hour + droppedPartitions > 0)
        qCInfo(lcTelemetry) << "dropped" << droppedPartitions << "partitions;" << "retention removed" << raw << "raw rows (messages)," << minute << "1-minute and" << hour << "1-hour rollup rows";
    return RetentionReport{raw, minute, hour, droppedPartitions};
}

} // namespace

Result<SizeRetentionReport> TelemetryRetention::applySizeRetention(qint64 nowMs) { return sizeRetentionOn(m_db, m_maxRawBytes, nowMs); }

Result<RetentionReport> TelemetryRetention::applyRetention(qint64 nowMs) { return retentionOn(m_db, nowMs); }

void TelemetryRetention::retentionLater(qint64 nowMs)
{
    if (!m_maintenance)
        m_maintenance = std::make_unique<Storage::DatabaseThread>(m_db.url(), QStringLiteral("telemetry-maintenance"));
    m_maintenance->post([maxBytes = m_maxRawBytes, nowMs](Result<Storage::Database *> db) {
        if (!db) {
            qCWarning(lcTelemetry) << "telemetry retention skipped:" << db.error().message;
            return false;
        }
        bool ok = true;
        if (auto r = retentionOn(**db, nowMs); !r) {
            qCWarning(lcTelemetry) << "telemetry retention failed:" << r.error().message;
            ok = false;
        }
        if (auto r = sizeRetentionOn(**db, maxBytes, nowMs); !r) {
            qCWarning(lcTelemetry) << "telemetry size retention failed:" << r.error().message;
            ok = false;
        }
        return ok;
    });
}

} // namespace Fleetdeck
