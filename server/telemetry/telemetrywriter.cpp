#include "telemetry/telemetrywriter.h"

#include "core/packedreadings.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QtEndian>
#include <QtCore/QLoggingCategory>
#include <QtCore/QThread>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <cstring>
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

std::vector<const Row *> inKeyOrder(const std::vector<Row> &rows); // below, with the other batch helpers

Status sqlFailure(const QSqlQuery &q, const char *what)
{
    return fail(Error::unavailable(QStringLiteral("%1: %2").arg(QString::fromLatin1(what), q.lastError().text())));
}

} // namespace

TelemetryWriter::TelemetryWriter(Storage::DatabaseUrl url, bool fullSync) : m_url(std::move(url)), m_fullSync(fullSync)
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
    if (m_url.dialect == Storage::Dialect::Sqlite && m_fullSync) {
        // The acknowledgement goes out after COMMIT: under WAL, NORMAL would let the last commits vanish with the
        // machine (power loss, OS crash) after the devices were told they are stored.
        if (auto r = (*db)->exec(QStringLiteral("PRAGMA synchronous=FULL")); !r) {
            qCWarning(lcWriter) << "writer cannot make its commits durable (will retry):" << r.error().message;
            return;
        }
    }
    m_db = std::move(*db);
    QString durability;
    if (m_url.dialect == Storage::Dialect::Sqlite) {
        static const char *const levels[] = {"off", "normal", "full", "extra"};
        auto q = m_db->exec(QStringLiteral("PRAGMA synchronous"));
        const int level = q && q->next() ? q->value(0).toInt() : -1;
        durability = QStringLiteral("sqlite synchronous=%1").arg(level >= 0 && level <= 3 ? QString::fromLatin1(levels[level]) : QStringLiteral("unknown"));
    } else {
        auto q = m_db->exec(QStringLiteral("SHOW synchronous_commit"));
        durability = QStringLiteral("postgresql synchronous_commit=%1").arg(q && q->next() ? q->value(0).toString() : QStringLiteral("unknown"));
    }
    Q_EMIT opened(durability);
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
        r.rows = std::make_shared<const std::vector<Row>>(std::move(done.rows));
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
    const std::vector<const Row *> sorted = inKeyOrder(batch.rows);
    Status st;
    // Devices sending their first readings in this batch: keyed by the service, stored before the rows that use them.
    for (const NewDevice &d : batch.newDevices) {
        auto ins = m_db->exec(QStringLiteral("INSERT INTO telemetry_devices (device_key, device_id, tenant_id) VALUES (:k, :d, :t) ON CONFLICT DO NOTHING"),
                              {{QStringLiteral("k"), d.key}, {QStringLiteral("d"), d.deviceId}, {QStringLiteral("t"), d.tenantId}});
        if (!ins) {
            m_db->rollback();
            return fail(ins.error());
        }
    }
    // Metric names new in this batch: numbered by the service, stored before the rows that use them.
    for (const auto &[id, name] : batch.newMetrics) {
        auto ins = m_db->exec(QStringLiteral("INSERT INTO metrics (metric_id, name) VALUES (:i, :n) ON CONFLICT DO NOTHING"),
                              {{QStringLiteral("i"), id}, {QStringLiteral("n"), name}});
        if (!ins) {
            m_db->rollback();
            return fail(ins.error());
        }
    }
    if (m_db->dialect() == Storage::Dialect::Postgres) {
        st = copyRows(batch);
        if (st)
            st = writeRollups(sorted);
        if (st)
            st = writeLatest(sorted);
        if (st)
            st = writeProgress(batch);
    } else {
        st = writeSqlite(batch, sorted);
    }
    if (st)
        st = m_db->commit();
    if (!st)
        m_db->rollback();
    return st;
}

/// Multi-row statements on the SQLite C API: `head` + `row` repeated n times (comma-separated) + `tail`, prepared
/// once per connection and chunk size. One statement of 64 rows costs SQLite little more than one of a single row.
class SqliteChunked
{
public:
    SqliteChunked(const char *head, const char *row, const char *tail, int arity, bool multiRow = true)
        : m_head(head), m_row(row), m_tail(tail), m_arity(arity), m_multiRow(multiRow)
    {
    }
    ~SqliteChunked() { reset(); }
    SqliteChunked(const SqliteChunked &) = delete;
    SqliteChunked &operator=(const SqliteChunked &) = delete;

    void reset()
    {
        for (auto &[n, st] : m_statements)
            sqlite3_finalize(st);
        m_statements.clear();
    }

    /// Runs `count` items; bind(stmt, item, firstParameter) binds one item's values from parameter firstParameter on.
    template<typename Bind>
    Status run(sqlite3 *conn, size_t count, const char *what, Bind &&bind)
    {
        size_t done = 0;
        while (done < count) {
            const size_t left = count - done;
            const int n = !m_multiRow ? 1 : left >= 64 ? 64 : left >= 8 ? 8 : 1;
            sqlite3_stmt *st = statement(conn, n);
            if (!st)
                return fail(Error::unavailable(QStringLiteral("preparing %1: %2").arg(QString::fromLatin1(what), QString::fromUtf8(sqlite3_errmsg(conn)))));
            for (int i = 0; i < n; ++i)
                bind(st, done + size_t(i), i * m_arity + 1);
            const int rc = sqlite3_step(st);
            sqlite3_reset(st);
            if (rc != SQLITE_DONE)
                return fail(Error::unavailable(QStringLiteral("%1: %2").arg(QString::fromLatin1(what), QString::fromUtf8(sqlite3_errmsg(conn)))));
            done += size_t(n);
        }
        return {};
    }

private:
    sqlite3_stmt *statement(sqlite3 *conn, int n)
    {
        sqlite3_stmt *&st = m_statements[n];
        if (!st) {
            QByteArray sql = m_head;
            for (int i = 0; i < n; ++i)
                sql += (i ? "," : "") + m_row;
            sql += m_tail;
            if (sqlite3_prepare_v3(conn, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
                sqlite3_finalize(st);
                st = nullptr;
            }
        }
        return st;
    }

    QByteArray m_head, m_row, m_tail;
    int m_arity;
    bool m_multiRow;
    std::map<int, sqlite3_stmt *> m_statements;
};

namespace {

using AggregateKey = std::tuple<qint64, int, qint64>;

/// The batch's contribution to one rollup, per device, metric and bucket of `width` ms (numbers only), from its rows
/// in key order: one pass.
std::vector<std::pair<AggregateKey, Aggregate>> aggregatesOf(const std::vector<const Row *> &sorted, qint64 width)
{
    std::vector<std::pair<AggregateKey, Aggregate>> out;
    for (const Row *r : sorted) {
        if (r->isText)
            continue;
        const AggregateKey key{r->deviceKey, r->metricId, r->ts - r->ts % width};
        if (out.empty() || out.back().first != key) {
            Aggregate a;
            a.min = a.max = r->value;
            out.emplace_back(key, a);
        }
        Aggregate &a = out.back().second;
        ++a.count;
        a.min = std::min(a.min, r->value);
        a.max = std::max(a.max, r->value);
        a.sum += r->value;
        a.last = r->value; // in time order: the last one seen is the newest
        a.lastTs = r->ts;
    }
    return out;
}

/// The batch's rows in key order (device, metric, time, seq): consecutive inserts land on the same B-tree pages, and
/// rollups and latest values come out of one pass.
std::vector<const Row *> inKeyOrder(const std::vector<Row> &rows)
{
    // Sorted by value, not through the pointers: a comparison then touches no row.
    struct Key
    {
        qint64 deviceKey;
        qint64 ts;
        qint64 seq;
        int metricId;
        const Row *row;
    };
    std::vector<Key> keys;
    keys.reserve(rows.size());
    for (const Row &r : rows)
        keys.push_back({r.deviceKey, r.ts, r.seq, r.metricId, &r});
    std::sort(keys.begin(), keys.end(), [](const Key &a, const Key &b) {
        if (a.deviceKey != b.deviceKey)
            return a.deviceKey < b.deviceKey;
        if (a.metricId != b.metricId)
            return a.metricId < b.metricId;
        return a.ts != b.ts ? a.ts < b.ts : a.seq < b.seq;
    });
    std::vector<const Row *> sorted;
    sorted.reserve(rows.size());
    for (const Key &k : keys)
        sorted.push_back(k.row);
    return sorted;
}

/// The newest reading per device and metric: the last of each run in key order.
std::vector<const Row *> newestOf(const std::vector<const Row *> &sorted)
{
    std::vector<const Row *> newest;
    for (size_t i = 0; i < sorted.size(); ++i)
        if (i + 1 == sorted.size() || sorted[i + 1]->deviceKey != sorted[i]->deviceKey || sorted[i + 1]->metricId != sorted[i]->metricId)
            newest.push_back(sorted[i]);
    return newest;
}

/// One message of a batch as the raw table stores it: its readings packed (core/packedreadings.h) at `offset`.
struct PackedMessage
{
    qint64 deviceKey, ts, seq;
    qsizetype offset, size;
};

/// The batch's messages in key order (device, time, seq), each one's readings packed into `packed`. A message's
/// readings are consecutive in the batch (same device, seq and ts).
std::vector<PackedMessage> packMessages(const Batch &batch, QByteArray &packed)
{
    std::vector<PackedMessage> messages;
    messages.reserve(size_t(batch.messages));
    packed.resize(0); // keeps its capacity
    for (size_t i = 0; i < batch.rows.size();) {
        const Row &first = batch.rows[i];
        const qsizetype offset = packed.size();
        for (; i < batch.rows.size() && batch.rows[i].deviceKey == first.deviceKey && batch.rows[i].seq == first.seq && batch.rows[i].ts == first.ts; ++i) {
            const Row &r = batch.rows[i];
            if (r.isText)
                Packed::appendText(packed, r.metricId, r.text);
            else
                Packed::appendNumber(packed, r.metricId, r.value);
        }
        messages.push_back({first.deviceKey, first.ts, first.seq, offset, packed.size() - offset});
    }
    std::sort(messages.begin(), messages.end(), [](const PackedMessage &a, const PackedMessage &b) {
        return std::tie(a.deviceKey, a.ts, a.seq) < std::tie(b.deviceKey, b.ts, b.seq);
    });
    return messages;
}

/// A value or a text, as the (value, text) column pair at parameters p and p + 1.
void bindValueOrText(sqlite3_stmt *q, int p, const Row &r)
{
    if (r.isText) {
        sqlite3_bind_null(q, p);
        sqlite3_bind_text16(q, p + 1, r.text.utf16(), int(r.text.size() * 2), SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_double(q, p, r.value);
        sqlite3_bind_null(q, p + 1);
    }
}

QString rollupUpsertTail(const QString &table, const QString &least, const QString &greatest)
{
    return QStringLiteral(
               " ON CONFLICT (device_key, metric_id, bucket) DO UPDATE SET count = %1.count + excluded.count, "
               "min = %2(%1.min, excluded.min), max = %3(%1.max, excluded.max), sum = %1.sum + excluded.sum, "
               "last = CASE WHEN excluded.last_ts >= %1.last_ts THEN excluded.last ELSE %1.last END, "
               "last_ts = %3(%1.last_ts, excluded.last_ts)")
        .arg(table, least, greatest);
}

const char kLatestUpsertTail[] = " ON CONFLICT (device_key, metric_id) DO UPDATE SET ts = excluded.ts, value = excluded.value, text = excluded.text "
                                 "WHERE excluded.ts >= telemetry_latest.ts";

} // namespace

struct TelemetryWriter::SqliteStatements
{
    sqlite3 *connection = nullptr;
    // OR IGNORE: a reading stored ahead of a gap and sent again after a restart of this server is kept once.
    // One row per message, its readings packed (core/packedreadings.h).
    SqliteChunked rows{"INSERT OR IGNORE INTO telemetry (device_key, ts, seq, readings) VALUES ", "(?,?,?,?)", "", 4};
    SqliteChunked rollup1m{"INSERT INTO telemetry_1m (device_key, metric_id, bucket, count, min, max, sum, last, last_ts) VALUES ",
                           "(?,?,?,?,?,?,?,?,?)", rollupUpsertTail(QStringLiteral("telemetry_1m"), QStringLiteral("MIN"), QStringLiteral("MAX")).toLatin1(), 9};
    SqliteChunked rollup1h{"INSERT INTO telemetry_1h (device_key, metric_id, bucket, count, min, max, sum, last, last_ts) VALUES ",
                           "(?,?,?,?,?,?,?,?,?)", rollupUpsertTail(QStringLiteral("telemetry_1h"), QStringLiteral("MIN"), QStringLiteral("MAX")).toLatin1(), 9};
    SqliteChunked latest{"INSERT INTO telemetry_latest (device_key, metric_id, ts, value, text) VALUES ", "(?,?,?,?,?)", kLatestUpsertTail, 5};
    SqliteChunked progress{"UPDATE telemetry_devices SET last_seq = ?, last_ts = ? WHERE device_key = ? AND last_seq < ?", "", "", 4, false};
    SqliteChunked lastSeen{"UPDATE devices SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)", "", "", 3, false};
};

Status TelemetryWriter::writeSqlite(const Batch &batch, const std::vector<const Row *> &sorted)
{
    sqlite3 *conn = m_db->sqliteConnection();
    if (!conn)
        return fail(Error::internal(QStringLiteral("no sqlite3 connection behind QSQLITE")));
    if (!m_lite || m_lite->connection != conn) {
        m_lite = std::make_unique<SqliteStatements>(); // a new connection: every statement of the old one goes
        m_lite->connection = conn;
    }
    SqliteStatements &st = *m_lite;

    const std::vector<PackedMessage> messages = packMessages(batch, m_packed);
    const QByteArray &packed = m_packed;
    Status s = st.rows.run(conn, messages.size(), "inserting telemetry", [&](sqlite3_stmt *q, size_t i, int p) {
        const PackedMessage &m = messages[i];
        sqlite3_bind_int64(q, p, m.deviceKey);
        sqlite3_bind_int64(q, p + 1, m.ts);
        sqlite3_bind_int64(q, p + 2, m.seq);
        sqlite3_bind_blob(q, p + 3, packed.constData() + m.offset, int(m.size), SQLITE_STATIC); // packed stays as is until the batch is written
    });
    if (!s)
        return s;

    for (auto [statement, width] : {std::pair{&st.rollup1m, qint64(60000)}, std::pair{&st.rollup1h, qint64(3600000)}}) {
        const auto items = aggregatesOf(sorted, width);
        s = statement->run(conn, items.size(), "updating rollups", [&](sqlite3_stmt *q, size_t i, int p) {
            const auto &[key, a] = items[i];
            sqlite3_bind_int64(q, p, std::get<0>(key));
            sqlite3_bind_int64(q, p + 1, std::get<1>(key));
            sqlite3_bind_int64(q, p + 2, std::get<2>(key));
            sqlite3_bind_int64(q, p + 3, a.count);
            sqlite3_bind_double(q, p + 4, a.min);
            sqlite3_bind_double(q, p + 5, a.max);
            sqlite3_bind_double(q, p + 6, a.sum);
            sqlite3_bind_double(q, p + 7, a.last);
            sqlite3_bind_int64(q, p + 8, a.lastTs);
        });
        if (!s)
            return s;
    }

    const auto latest = newestOf(sorted);
    s = st.latest.run(conn, latest.size(), "updating latest values", [&](sqlite3_stmt *q, size_t i, int p) {
        const Row &r = *latest[i];
        sqlite3_bind_int64(q, p, r.deviceKey);
        sqlite3_bind_int64(q, p + 1, r.metricId);
        sqlite3_bind_int64(q, p + 2, r.ts);
        bindValueOrText(q, p + 3, r);
    });
    if (!s)
        return s;

    std::vector<const DeviceProgress *> progress;
    progress.reserve(size_t(batch.progress.size()));
    for (const DeviceProgress &p : batch.progress)
        progress.push_back(&p);
    s = st.progress.run(conn, progress.size(), "updating device progress", [&](sqlite3_stmt *q, size_t i, int) {
        const DeviceProgress &p = *progress[i];
        sqlite3_bind_int64(q, 1, p.lastSeq);
        sqlite3_bind_int64(q, 2, p.lastTs);
        sqlite3_bind_int64(q, 3, p.deviceKey);
        sqlite3_bind_int64(q, 4, p.lastSeq);
    });
    if (!s)
        return s;
    return st.lastSeen.run(conn, progress.size(), "updating last_seen_at", [&](sqlite3_stmt *q, size_t i, int) {
        const DeviceProgress &p = *progress[i];
        sqlite3_bind_int64(q, 1, p.receivedMs);
        sqlite3_bind_text16(q, 2, p.deviceId.utf16(), int(p.deviceId.size() * 2), SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 3, p.receivedMs);
    });
}

void TelemetryWriter::dropStatements()
{
    m_lite.reset();
    for (auto &s : m_statements)
        s.reset();
    m_chunked.clear();
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

namespace {

/// COPY's binary format: big-endian integers and IEEE doubles, no text to format here or to parse in the server.
class CopyBinary
{
public:
    explicit CopyBinary(size_t rows)
    {
        m_buf.reserve(qsizetype(rows) * 64 + 32);
        m_buf.append("PGCOPY\n\377\r\n\0", 11);
        int32(0); // flags
        int32(0); // header extension
    }
    void tuple(qint16 fields) { int16(fields); }
    void int8Field(qint64 v)
    {
        int32(8);
        int64(v);
    }
    void byteaField(const char *data, qsizetype size)
    {
        int32(qint32(size));
        m_buf.append(data, size);
    }
    const QByteArray &finish()
    {
        int16(-1);
        return m_buf;
    }

private:
    void int16(qint16 v)
    {
        const quint16 u = qToBigEndian(quint16(v));
        m_buf.append(reinterpret_cast<const char *>(&u), 2);
    }
    void int32(qint32 v)
    {
        const quint32 u = qToBigEndian(quint32(v));
        m_buf.append(reinterpret_cast<const char *>(&u), 4);
    }
    void int64(qint64 v)
    {
        const quint64 u = qToBigEndian(quint64(v));
        m_buf.append(reinterpret_cast<const char *>(&u), 8);
    }
    QByteArray m_buf;
};

} // namespace

Status TelemetryWriter::copyRows(const Batch &batch)
{
    if (batch.rows.empty())
        return {};
    // QPSQL has no real batch insert; COPY on its libpq connection is one round trip for the whole batch.
    PGconn *conn = m_db->postgresConnection();
    if (!conn)
        return fail(Error::internal(QStringLiteral("no libpq connection behind QPSQL")));
    const std::vector<PackedMessage> messages = packMessages(batch, m_packed);
    PGresult *res = PQexec(conn, "COPY telemetry (device_key, ts, seq, readings) FROM STDIN (FORMAT binary)");
    const bool started = PQresultStatus(res) == PGRES_COPY_IN;
    const QString startError = QString::fromUtf8(PQresultErrorMessage(res)).trimmed();
    PQclear(res);
    if (!started)
        return fail(Error::unavailable(QStringLiteral("COPY telemetry failed to start: %1").arg(startError)));
    CopyBinary copy(messages.size());
    for (const PackedMessage &m : messages) {
        copy.tuple(4);
        copy.int8Field(m.deviceKey);
        copy.int8Field(m.ts);
        copy.int8Field(m.seq);
        copy.byteaField(m_packed.constData() + m.offset, m.size);
    }
    const QByteArray &buf = copy.finish();
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

Result<QSqlQuery *> TelemetryWriter::chunkStatement(int slot, int rows, const QString &head, const QString &row, const QString &tail)
{
    auto &s = m_chunked[{slot, rows}];
    if (!s) {
        QString sql = head;
        for (int i = 0; i < rows; ++i)
            sql += (i ? QStringLiteral(",") : QString()) + row;
        sql += tail;
        auto q = std::make_unique<QSqlQuery>(m_db->handle());
        if (!q->prepare(sql))
            return fail(Error::unavailable(QStringLiteral("preparing a telemetry statement: %1").arg(q->lastError().text())));
        s = std::move(q);
    }
    return s.get();
}

template<typename Item, typename Bind>
Status TelemetryWriter::runChunked(int slot, const std::vector<Item> &items, const QString &head, const QString &row, int arity,
                                   const QString &tail, const char *what, Bind &&bind)
{
    // PostgreSQL: each statement is a round trip; 64 rows per statement make a batch a handful of them.
    size_t done = 0;
    while (done < items.size()) {
        const size_t left = items.size() - done;
        const int n = left >= 64 ? 64 : left >= 8 ? 8 : 1;
        auto prepared = chunkStatement(slot, n, head, row, tail);
        if (!prepared)
            return fail(prepared.error());
        QSqlQuery &q = **prepared;
        for (int i = 0; i < n; ++i)
            bind(q, items[done + size_t(i)], i * arity);
        if (!q.exec())
            return sqlFailure(q, what);
        done += size_t(n);
    }
    return {};
}

Status TelemetryWriter::writeRollups(const std::vector<const Row *> &sorted)
{
    int slot = kRollup1m;
    for (const auto &[table, width] : {std::pair{QStringLiteral("telemetry_1m"), qint64(60000)}, std::pair{QStringLiteral("telemetry_1h"), qint64(3600000)}}) {
        const auto items = aggregatesOf(sorted, width);
        const QString head = QStringLiteral("INSERT INTO %1 (device_key, metric_id, bucket, count, min, max, sum, last, last_ts) VALUES ").arg(table);
        Status st = runChunked(slot++, items, head, QStringLiteral("(?,?,?,?,?,?,?,?,?)"), 9,
                               rollupUpsertTail(table, QStringLiteral("LEAST"), QStringLiteral("GREATEST")), "updating rollups",
                               [](QSqlQuery &q, const std::pair<AggregateKey, Aggregate> &item, int p) {
                                   const auto &[key, a] = item;
                                   q.bindValue(p, std::get<0>(key));
                                   q.bindValue(p + 1, std::get<1>(key));
                                   q.bindValue(p + 2, std::get<2>(key));
                                   q.bindValue(p + 3, a.count);
                                   q.bindValue(p + 4, a.min);
                                   q.bindValue(p + 5, a.max);
                                   q.bindValue(p + 6, a.sum);
                                   q.bindValue(p + 7, a.last);
                                   q.bindValue(p + 8, a.lastTs);
                               });
        if (!st)
            return st;
    }
    return {};
}

Status TelemetryWriter::writeLatest(const std::vector<const Row *> &sorted)
{
    return runChunked(kLatest, newestOf(sorted), QStringLiteral("INSERT INTO telemetry_latest (device_key, metric_id, ts, value, text) VALUES "),
                      QStringLiteral("(?,?,?,?,?)"), 5, QString::fromLatin1(kLatestUpsertTail), "updating latest values",
                      [](QSqlQuery &q, const Row *r, int p) {
                          q.bindValue(p, r->deviceKey);
                          q.bindValue(p + 1, r->metricId);
                          q.bindValue(p + 2, r->ts);
                          q.bindValue(p + 3, r->isText ? QVariant() : QVariant(r->value));
                          q.bindValue(p + 4, r->isText ? QVariant(r->text) : QVariant());
                      });
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
