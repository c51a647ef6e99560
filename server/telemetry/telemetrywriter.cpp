#include "telemetry/telemetrywriter.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QLoggingCategory>
#include <QtCore/QThread>
#include <QtSql/QSqlDriver>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <map>
#include <tuple>

Q_LOGGING_CATEGORY(lcWriter, "fleetdeck.server.telemetry.writer", QtInfoMsg)

namespace Fleetdeck {

using namespace TelemetryStore;

namespace {

qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Aggregate
{
    qint64 count = 0;
    double min = 0, max = 0, sum = 0, last = 0;
    qint64 lastTs = 0;
};

Status sqlFailure(const QSqlQuery &q, const char *what)
{
    return fail(Error::unavailable(QStringLiteral("%1: %2").arg(QString::fromLatin1(what), q.lastError().text())));
}

void appendCopyText(QByteArray &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    for (char c : utf8) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
        }
    }
}

} // namespace

TelemetryWriter::TelemetryWriter(Storage::DatabaseUrl url) : m_url(std::move(url))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &TelemetryWriter::drain);
    m_checkpoint.setInterval(500);
    connect(&m_checkpoint, &QTimer::timeout, this, [this] {
        if (m_db)
            if (auto r = m_db->exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")); !r)
                qCWarning(lcWriter) << "WAL checkpoint failed:" << r.error().message;
    });
}

TelemetryWriter::~TelemetryWriter() { dropStatements(); }

void TelemetryWriter::open()
{
    auto db = Storage::Database::open(m_url, QStringLiteral("fleetdeck-telemetry-writer-%1").arg(quintptr(this)));
    if (!db) {
        qCWarning(lcWriter) << "writer cannot open the database (will retry):" << db.error().message;
        return;
    }
    m_db = std::move(*db);
    if (m_url.dialect == Storage::Dialect::Sqlite)
        m_checkpoint.start();
}

void TelemetryWriter::enqueue(Batch batch)
{
    m_queue.push_back(std::move(batch));
    if (!m_retry.isActive())
        drain();
}

void TelemetryWriter::drain()
{
    while (!m_queue.empty()) {
        if (!m_db)
            open();
        Status st = m_db ? write(m_queue.front()) : fail(Error::unavailable(QStringLiteral("no database connection")));
        ++m_attempts;
        if (!st) {
            m_backoffMs = m_backoffMs == 0 ? 100 : qMin(m_backoffMs * 2, 5000);
            if (!m_failing || m_attempts % 20 == 0)
                qCWarning(lcWriter).noquote() << QStringLiteral("telemetry batch not stored (attempt %1, %2 batches waiting), retrying in %3 ms: %4")
                                                     .arg(m_attempts).arg(m_queue.size()).arg(m_backoffMs).arg(st.error().message);
            if (!m_failing) {
                m_failing = true;
                Q_EMIT failing(st.error().message, int(m_queue.size()));
            }
            // A broken connection is reopened on the next attempt (our statement must go before it closes).
            dropStatements();
            if (m_db && !m_db->ping())
                m_db.reset();
            m_retry.start(m_backoffMs);
            return;
        }
        Batch done = std::move(m_queue.front());
        m_queue.pop_front();
        BatchResult r;
        r.id = done.id;
        r.progress = std::move(done.progress);
        r.rows = std::move(done.rows);
        r.messages = done.messages;
        r.firstEnqueuedNs = done.firstEnqueuedNs;
        r.commitNs = steadyNs();
        r.attempts = m_attempts;
        m_attempts = 0;
        m_backoffMs = 0;
        if (m_failing) {
            m_failing = false;
            qCInfo(lcWriter) << "telemetry storage recovered";
            Q_EMIT recovered();
        }
        Q_EMIT committed(r);
    }
}

Status TelemetryWriter::write(const Batch &batch)
{
    if (auto st = m_db->transaction(); !st)
        return st;
    Status st = m_db->dialect() == Storage::Dialect::Postgres ? copyRows(batch.rows) : writeRows(batch.rows);
    if (st)
        st = writeRollups(batch);
    if (st)
        st = writeLatest(batch);
    if (st)
        st = writeProgress(batch);
    if (st)
        st = m_db->commit();
    if (!st)
        m_db->rollback();
    return st;
}

Status TelemetryWriter::writeRows(const std::vector<Row> &rows)
{
    // The SQLite C API on the QSQLITE connection: one prepared statement kept for the connection's life, values
    // bound directly. Qt's binding path (a QVariant per value, parameter names looked up per execution) cost more
    // than SQLite itself here.
    const QVariant handle = m_db->handle().driver()->handle();
    sqlite3 *conn = handle.isValid() ? *static_cast<sqlite3 *const *>(handle.data()) : nullptr;
    if (!conn)
        return fail(Error::internal(QStringLiteral("no sqlite3 connection behind QSQLITE")));
    if (m_insert && m_insertConnection != conn)
        dropStatements(); // a new connection: every statement of the old one goes
    if (!m_insert) {
        // OR IGNORE: a reading stored ahead of a gap and sent again after a restart of this server is kept once.
        if (sqlite3_prepare_v3(conn, "INSERT OR IGNORE INTO telemetry (device_key, metric_id, ts, seq, value, text) VALUES (?, ?, ?, ?, ?, ?)", -1,
                               SQLITE_PREPARE_PERSISTENT, &m_insert, nullptr) != SQLITE_OK)
            return fail(Error::unavailable(QStringLiteral("preparing the telemetry insert: %1").arg(QString::fromUtf8(sqlite3_errmsg(conn)))));
        m_insertConnection = conn;
    }
    for (const Row &r : rows) {
        sqlite3_bind_int64(m_insert, 1, r.deviceKey);
        sqlite3_bind_int64(m_insert, 2, r.metricId);
        sqlite3_bind_int64(m_insert, 3, r.ts);
        sqlite3_bind_int64(m_insert, 4, r.seq);
        if (r.isText) {
            sqlite3_bind_null(m_insert, 5);
            sqlite3_bind_text16(m_insert, 6, r.text.utf16(), int(r.text.size() * 2), SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_double(m_insert, 5, r.value);
            sqlite3_bind_null(m_insert, 6);
        }
        const int rc = sqlite3_step(m_insert);
        sqlite3_reset(m_insert);
        if (rc != SQLITE_DONE)
            return fail(Error::unavailable(QStringLiteral("inserting telemetry: %1").arg(QString::fromUtf8(sqlite3_errmsg(conn)))));
    }
    return {};
}

void TelemetryWriter::dropStatements()
{
    if (m_insert)
        sqlite3_finalize(m_insert);
    m_insert = nullptr;
    m_insertConnection = nullptr;
    for (auto &s : m_statements)
        s.reset();
}

Result<QSqlQuery *> TelemetryWriter::statement(int slot, const QString &sql)
{
    // Prepared once per connection: on PostgreSQL each fresh prepare is a PREPARE and a DEALLOCATE round trip.
    auto &s = m_statements[size_t(slot)];
    if (!s) {
        auto q = std::make_unique<QSqlQuery>(m_db->handle());
        if (!q->prepare(sql))
            return fail(Error::unavailable(QStringLiteral("preparing a telemetry statement: %1").arg(q->lastError().text())));
        s = std::move(q);
    }
    return s.get();
}

Status TelemetryWriter::copyRows(const std::vector<Row> &rows)
{
    if (rows.empty())
        return {};
    // QPSQL has no real batch insert; COPY on its libpq connection is one round trip for the whole batch.
    const QVariant handle = m_db->handle().driver()->handle();
    PGconn *conn = handle.isValid() ? *static_cast<PGconn *const *>(handle.data()) : nullptr;
    if (!conn)
        return fail(Error::internal(QStringLiteral("no libpq connection behind QPSQL")));
    PGresult *res = PQexec(conn, "COPY telemetry (device_key, metric_id, ts, seq, value, text) FROM STDIN");
    const bool started = PQresultStatus(res) == PGRES_COPY_IN;
    const QString startError = QString::fromUtf8(PQresultErrorMessage(res)).trimmed();
    PQclear(res);
    if (!started)
        return fail(Error::unavailable(QStringLiteral("COPY telemetry failed to start: %1").arg(startError)));
    QByteArray buf;
    buf.reserve(qsizetype(rows.size()) * 48);
    for (const Row &r : rows) {
        buf += QByteArray::number(r.deviceKey) + '\t' + QByteArray::number(r.metricId) + '\t' + QByteArray::number(r.ts) + '\t'
               + QByteArray::number(r.seq) + '\t';
        if (r.isText) {
            buf += "\\N\t";
            appendCopyText(buf, r.text);
        } else {
            buf += QByteArray::number(r.value, 'g', 17) + "\t\\N";
        }
        buf += '\n';
    }
    bool ok = PQputCopyData(conn, buf.constData(), int(buf.size())) == 1;
    ok = PQputCopyEnd(conn, ok ? nullptr : "client error") == 1 && ok;
    QString error;
    while ((res = PQgetResult(conn)) != nullptr) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            ok = false;
            error = QString::fromUtf8(PQresultErrorMessage(res)).trimmed();
        }
        PQclear(res);
    }
    if (!ok)
        return fail(Error::unavailable(QStringLiteral("COPY telemetry failed: %1").arg(error.isEmpty() ? QString::fromUtf8(PQerrorMessage(conn)) : error)));
    return {};
}

Status TelemetryWriter::writeRollups(const Batch &batch)
{
    const bool pg = m_db->dialect() == Storage::Dialect::Postgres;
    const QString least = pg ? QStringLiteral("LEAST") : QStringLiteral("MIN");
    const QString greatest = pg ? QStringLiteral("GREATEST") : QStringLiteral("MAX");
    int slot = kRollup1m;
    for (const auto &[table, width] : {std::pair{QStringLiteral("telemetry_1m"), qint64(60000)}, std::pair{QStringLiteral("telemetry_1h"), qint64(3600000)}}) {
        const int statementSlot = slot++;
        std::map<std::tuple<qint64, int, qint64>, Aggregate> aggregates;
        for (const Row &r : batch.rows) {
            if (r.isText)
                continue;
            Aggregate &a = aggregates[{r.deviceKey, r.metricId, r.ts - r.ts % width}];
            if (a.count == 0) {
                a.min = a.max = r.value;
                a.lastTs = r.ts - 1;
            }
            ++a.count;
            a.min = std::min(a.min, r.value);
            a.max = std::max(a.max, r.value);
            a.sum += r.value;
            if (r.ts >= a.lastTs) {
                a.last = r.value;
                a.lastTs = r.ts;
            }
        }
        if (aggregates.empty())
            continue;
        const QString sql = QStringLiteral(
            "INSERT INTO %1 (device_key, metric_id, bucket, count, min, max, sum, last, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (device_key, metric_id, bucket) DO UPDATE SET count = %1.count + excluded.count, "
            "min = %2(%1.min, excluded.min), max = %3(%1.max, excluded.max), sum = %1.sum + excluded.sum, "
            "last = CASE WHEN excluded.last_ts >= %1.last_ts THEN excluded.last ELSE %1.last END, "
            "last_ts = %3(%1.last_ts, excluded.last_ts)").arg(table, least, greatest);
        auto prepared = statement(statementSlot, sql);
        if (!prepared)
            return fail(prepared.error());
        QSqlQuery &q = **prepared;
        for (const auto &[key, a] : aggregates) {
            q.bindValue(0, std::get<0>(key));
            q.bindValue(1, std::get<1>(key));
            q.bindValue(2, std::get<2>(key));
            q.bindValue(3, a.count);
            q.bindValue(4, a.min);
            q.bindValue(5, a.max);
            q.bindValue(6, a.sum);
            q.bindValue(7, a.last);
            q.bindValue(8, a.lastTs);
            if (!q.exec())
                return sqlFailure(q, "updating rollups");
        }
    }
    return {};
}

Status TelemetryWriter::writeLatest(const Batch &batch)
{
    // The newest reading per device and metric in this batch.
    std::map<std::pair<qint64, int>, const Row *> newest;
    for (const Row &r : batch.rows) {
        const Row *&slot = newest[{r.deviceKey, r.metricId}];
        if (!slot || r.ts >= slot->ts)
            slot = &r;
    }
    if (newest.empty())
        return {};
    auto prepared = statement(kLatest, QStringLiteral("INSERT INTO telemetry_latest (device_key, metric_id, ts, value, text) VALUES (?, ?, ?, ?, ?) "
                                                      "ON CONFLICT (device_key, metric_id) DO UPDATE SET ts = excluded.ts, value = excluded.value, text = excluded.text "
                                                      "WHERE excluded.ts >= telemetry_latest.ts"));
    if (!prepared)
        return fail(prepared.error());
    QSqlQuery &q = **prepared;
    for (const auto &[key, r] : newest) {
        q.bindValue(0, r->deviceKey);
        q.bindValue(1, r->metricId);
        q.bindValue(2, r->ts);
        q.bindValue(3, r->isText ? QVariant() : QVariant(r->value));
        q.bindValue(4, r->isText ? QVariant(r->text) : QVariant());
        if (!q.exec())
            return sqlFailure(q, "updating latest values");
    }
    return {};
}

Status TelemetryWriter::writeProgress(const Batch &batch)
{
    auto seqStatement = statement(kProgress, QStringLiteral("UPDATE telemetry_devices SET last_seq = ?, last_ts = ? WHERE device_key = ? AND last_seq < ?"));
    if (!seqStatement)
        return fail(seqStatement.error());
    auto seenStatement = statement(kLastSeen, QStringLiteral("UPDATE devices SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)"));
    if (!seenStatement)
        return fail(seenStatement.error());
    QSqlQuery &seq = **seqStatement;
    QSqlQuery &seen = **seenStatement;
    for (const DeviceProgress &p : batch.progress) {
        seq.bindValue(0, p.lastSeq);
        seq.bindValue(1, p.lastTs);
        seq.bindValue(2, p.deviceKey);
        seq.bindValue(3, p.lastSeq);
        if (!seq.exec())
            return sqlFailure(seq, "updating device progress");
        seen.bindValue(0, p.receivedMs);
        seen.bindValue(1, p.deviceId);
        seen.bindValue(2, p.receivedMs);
        if (!seen.exec())
            return sqlFailure(seen, "updating last_seen_at");
    }
    return {};
}

} // namespace Fleetdeck
