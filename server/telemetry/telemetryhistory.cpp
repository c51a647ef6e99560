#include "telemetry/telemetryhistory.h"

#include "core/jsonutil.h"
#include "core/packedreadings.h"
#include "storage/database.h"
#include "storage/databasethread.h"
#include "telemetry/latestvalues.h"
#include "telemetry/metriccatalog.h"
#include "telemetry/telemetrydirectory.h"
#include "telemetry/telemetryschemas.h"

#include <QtCore/QDateTime>
#include <QtCore/QLoggingCategory>
#include <QtCore/QtEndian>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcTelemetry)

namespace Fleetdeck {

TelemetryHistory::TelemetryHistory(Storage::Database &db, const TelemetryDirectory &devices, const MetricCatalog &metrics,
                                   const LatestValueCache &latest, const TelemetrySchemas &schemas, QObject *parent)
    : QObject(parent), m_db(db), m_devices(devices), m_metrics(metrics), m_latest(latest), m_schemas(schemas)
{
}

TelemetryHistory::~TelemetryHistory() = default;

namespace {

/// Folds parts (a rollup row, or one raw reading) into buckets of q.intervalMs, in time order, into at most q.limit
/// points of q.agg.
class BucketFolder
{
public:
    explicit BucketFolder(const TelemetryQuery &q) : m_q(q) {}

    /// False once the series has more buckets than its limit (then `truncated`).
    bool add(qint64 time, qint64 count, double mn, double mx, double sum, double last, qint64 lastTs)
    {
        if (truncated)
            return false;
        const qint64 start = (time / m_q.intervalMs) * m_q.intervalMs;
        if (m_open && m_start != start)
            close();
        if (truncated)
            return false;
        if (!m_open) {
            m_open = true;
            m_start = start;
            m_count = count;
            m_min = mn;
            m_max = mx;
            m_sum = sum;
            m_last = last;
            m_lastTs = lastTs;
            return true;
        }
        m_count += count;
        m_min = std::min(m_min, mn);
        m_max = std::max(m_max, mx);
        m_sum += sum;
        if (lastTs >= m_lastTs) { // ">=": of readings at the same ms the later one (in seq order) is the last
            m_lastTs = lastTs;
            m_last = last;
        }
        return true;
    }
    void finish()
    {
        if (m_open && !truncated)
            close();
    }

    QList<HistoryPoint> points;
    bool truncated = false;

private:
    void close()
    {
        m_open = false;
        if (points.size() == m_q.limit) {
            truncated = true;
            return;
        }
        double v;
        if (m_q.agg == u"avg")
            v = m_sum / double(m_count);
        else if (m_q.agg == u"min")
            v = m_min;
        else if (m_q.agg == u"max")
            v = m_max;
        else if (m_q.agg == u"sum")
            v = m_sum;
        else if (m_q.agg == u"count")
            v = double(m_count);
        else
            v = m_last;
        // The same fold knows the extremes: with bands a chart draws the spread an average hides.
        points.append(HistoryPoint{m_start, v, {}, false, m_min, m_max});
    }

    const TelemetryQuery &m_q;
    bool m_open = false;
    qint64 m_start = 0, m_count = 0, m_lastTs = 0;
    double m_min = 0, m_max = 0, m_sum = 0, m_last = 0;
};

} // namespace

/// What a history query reads, worked out on the main thread from what the service keeps in memory.
struct HistoryPlan
{
    QString deviceId;
    bool moreMetrics = false;               ///< the device has more metrics than one query answers
    int pointsPerSeries = 0;                ///< the query's limit, lowered to fit kMaxPointsPerQuery
    qint64 deviceKey = 0;
    QString source = QStringLiteral("raw"); ///< raw, 1m or 1h
    QStringList names;
    std::vector<int> metricIds;             ///< 0 for a metric nobody ever sent
    QStringList units;
};

namespace {

/// SQLite: the rollup rows of one metric in [fromMs, toMs) (both multiples of the rollup's bucket), read in index
/// order and folded into `fold`.
Status foldRollup(Storage::Database &db, const QString &source, qint64 deviceKey, int metricId, qint64 fromMs, qint64 toMs, BucketFolder &fold)
{
    sqlite3 *conn = db.sqliteConnection();
    if (!conn)
        return fail(Error::internal(QStringLiteral("no sqlite3 connection behind QSQLITE")));
    const QByteArray sql = "SELECT bucket, count, min, max, sum, last, last_ts FROM telemetry_" + source.toLatin1()
        + " WHERE device_key = ? AND metric_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket";
    sqlite3_stmt *raw = nullptr;
    if (sqlite3_prepare_v2(conn, sql.constData(), int(sql.size()), &raw, nullptr) != SQLITE_OK)
        return fail(Error::unavailable(QStringLiteral("preparing the rollup query: %1").arg(QString::fromUtf8(sqlite3_errmsg(conn)))));
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> stmt(raw, sqlite3_finalize);
    sqlite3_bind_int64(raw, 1, deviceKey);
    sqlite3_bind_int(raw, 2, metricId);
    sqlite3_bind_int64(raw, 3, fromMs);
    sqlite3_bind_int64(raw, 4, toMs);
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW
           && fold.add(sqlite3_column_int64(raw, 0), sqlite3_column_int64(raw, 1), sqlite3_column_double(raw, 2), sqlite3_column_double(raw, 3),
                       sqlite3_column_double(raw, 4), sqlite3_column_double(raw, 5), sqlite3_column_int64(raw, 6))) {
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(Error::unavailable(QStringLiteral("reading the rollup: %1").arg(QString::fromUtf8(sqlite3_errmsg(conn)))));
    return {};
}

/// SQLite: a device's raw rows in [from, to) in time order; onRow(ts, data, size) returns false to stop.
template<typename OnRow>
Status sqliteRows(Storage::Database &db, qint64 deviceKey, const TelemetryQuery &q, OnRow &&onRow)
{
    sqlite3 *conn = db.sqliteConnection();
    if (!conn)
        return fail(Error::internal(QStringLiteral("no sqlite3 connection behind QSQLITE")));
    static const char sql[] = "SELECT ts, readings FROM telemetry WHERE device_key = ? AND ts >= ? AND ts < ? ORDER BY ts, seq";
    sqlite3_stmt *raw = nullptr;
    if (sqlite3_prepare_v2(conn, sql, int(sizeof sql - 1), &raw, nullptr) != SQLITE_OK)
        return fail(Error::unavailable(QStringLiteral("preparing the telemetry query: %1").arg(QString::fromUtf8(sqlite3_errmsg(conn)))));
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> stmt(raw, sqlite3_finalize);
    sqlite3_bind_int64(raw, 1, deviceKey);
    sqlite3_bind_int64(raw, 2, q.fromMs);
    sqlite3_bind_int64(raw, 3, q.toMs);
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW)
        if (!onRow(sqlite3_column_int64(raw, 0), sqlite3_column_blob(raw, 1), sqlite3_column_bytes(raw, 1)))
            return {};
    if (rc != SQLITE_DONE)
        return fail(Error::unavailable(QStringLiteral("reading telemetry: %1").arg(QString::fromUtf8(sqlite3_errmsg(conn)))));
    return {};
}

/// PostgreSQL: the same on the libpq connection behind QPSQL, binary results, 50,000 rows per query (keyset pages in
/// the (device_key, ts, seq) index, so that a long range never sits in memory whole).
template<typename OnRow>
Status postgresRows(Storage::Database &db, qint64 deviceKey, const TelemetryQuery &q, OnRow &&onRow)
{
    PGconn *conn = db.postgresConnection();
    if (!conn)
        return fail(Error::internal(QStringLiteral("no libpq connection behind QPSQL")));
    static const char sql[] = "SELECT ts, seq, readings FROM telemetry WHERE device_key = $1 AND (ts, seq) > ($2, $3) AND ts < $4 "
                              "ORDER BY ts, seq LIMIT 50000";
    qint64 afterTs = q.fromMs, afterSeq = std::numeric_limits<qint64>::min();
    for (;;) {
        const quint64 params[4] = {qToBigEndian(quint64(deviceKey)), qToBigEndian(quint64(afterTs)), qToBigEndian(quint64(afterSeq)),
                                   qToBigEndian(quint64(q.toMs))};
        const char *values[4];
        int lengths[4], formats[4];
        const Oid types[4] = {20, 20, 20, 20}; // int8
        for (int i = 0; i < 4; ++i) {
            values[i] = reinterpret_cast<const char *>(&params[i]);
            lengths[i] = 8;
            formats[i] = 1;
        }
        const std::unique_ptr<PGresult, void (*)(PGresult *)> res(PQexecParams(conn, sql, 4, types, values, lengths, formats, 1), PQclear);
        if (PQresultStatus(res.get()) != PGRES_TUPLES_OK)
            return fail(Error::unavailable(QStringLiteral("reading telemetry: %1").arg(QString::fromUtf8(PQresultErrorMessage(res.get())).trimmed())));
        const int n = PQntuples(res.get());
        const auto int8At = [&](int row, int col) {
            quint64 v;
            std::memcpy(&v, PQgetvalue(res.get(), row, col), 8);
            return qint64(qFromBigEndian(v));
        };
        for (int i = 0; i < n; ++i) {
            afterTs = int8At(i, 0);
            afterSeq = int8At(i, 1);
            if (!onRow(afterTs, PQgetvalue(res.get(), i, 2), PQgetlength(res.get(), i, 2)))
                return {};
        }
        if (n < 50000)
            return {};
        if (afterSeq == std::numeric_limits<qint64>::max())
            return {};
    }
}

/// Raw points or raw aggregates of several metrics from the packed rows, in one pass (both backends).
Result<std::vector<std::pair<QList<HistoryPoint>, bool>>> scanPacked(Storage::Database &db, qint64 deviceKey, const std::vector<int> &metricIds,
                                                            const TelemetryQuery &q)
{
    // One pass over the device's messages in time order serves every requested metric.
    struct Series
    {
        QList<HistoryPoint> points;
        bool truncated = false;
        std::optional<BucketFolder> fold;
    };
    std::vector<Series> series(metricIds.size());
    if (q.intervalMs > 0)
        for (Series &s : series)
            s.fold.emplace(q);
    size_t done = 0; // series at their limit
    qint64 malformed = 0;
    const auto onRow = [&](qint64 ts, const void *blob, int size) {
        const bool ok = Packed::forEach(blob, size, [&](const Packed::Reading &r) {
            for (size_t k = 0; k < metricIds.size(); ++k) {
                if (metricIds[k] != r.metricId)
                    continue;
                Series &s = series[k];
                if (s.fold) {
                    if (!r.isText && !s.fold->truncated && !s.fold->add(ts, 1, r.value, r.value, r.value, r.value, ts))
                        ++done;
                } else if (!s.truncated) {
                    if (s.points.size() == q.limit) {
                        s.truncated = true;
                        ++done;
                    } else {
                        if (r.isText)
                            s.points.append(HistoryPoint{ts, 0, QString::fromUtf8(r.text.data(), qsizetype(r.text.size())), true, 0, 0});
                        else
                            s.points.append(HistoryPoint{ts, r.value, {}, false, 0, 0});
                    }
                }
            }
        });
        if (!ok)
            ++malformed;
        return done < series.size();
    };
    if (!series.empty()) {
        const Status st = db.dialect() == Storage::Dialect::Postgres ? postgresRows(db, deviceKey, q, onRow) : sqliteRows(db, deviceKey, q, onRow);
        if (!st)
            return fail(st.error());
    }
    if (malformed)
        qCWarning(lcTelemetry) << malformed << "stored telemetry rows of device key" << deviceKey << "are damaged; their readings past the damage are skipped";
    std::vector<std::pair<QList<HistoryPoint>, bool>> out;
    out.reserve(series.size());
    for (Series &s : series) {
        if (s.fold) {
            s.fold->finish();
            out.emplace_back(std::move(s.fold->points), s.fold->truncated);
        } else {
            out.emplace_back(std::move(s.points), s.truncated);
        }
    }
    return out;
}


/// Raw readings of one metric in [fromMs, toMs), folded into `fold`: the edges of an aggregate served from a rollup.
Status foldRawRange(Storage::Database &db, qint64 deviceKey, int metricId, const TelemetryQuery &q, qint64 fromMs, qint64 toMs, BucketFolder &fold)
{
    if (fromMs >= toMs)
        return {};
    TelemetryQuery range = q;
    range.fromMs = fromMs;
    range.toMs = toMs;
    qint64 malformed = 0;
    const auto onRow = [&](qint64 ts, const void *blob, int size) {
        const bool ok = Packed::forEach(blob, size, [&](const Packed::Reading &r) {
            if (r.metricId == metricId && !r.isText)
                fold.add(ts, 1, r.value, r.value, r.value, r.value, ts);
        });
        if (!ok)
            ++malformed;
        return !fold.truncated;
    };
    const Status st = db.dialect() == Storage::Dialect::Postgres ? postgresRows(db, deviceKey, range, onRow) : sqliteRows(db, deviceKey, range, onRow);
    if (malformed)
        qCWarning(lcTelemetry) << malformed << "stored telemetry rows of device key" << deviceKey << "are damaged; their readings past the damage are skipped";
    return st;
}

/// The reading part of a history query: every series' points and whether they were cut. Runs on any connection.
Result<std::vector<std::pair<QList<HistoryPoint>, bool>>> readHistory(Storage::Database &db, const HistoryPlan &plan, const TelemetryQuery &q)
{
    if (!plan.deviceKey)
        return std::vector<std::pair<QList<HistoryPoint>, bool>>(size_t(plan.names.size()));
    // A row per message (readings packed): raw points and raw aggregates of every metric asked for come from one
    // scan of the device's rows.
    if (plan.source == u"raw")
        return scanPacked(db, plan.deviceKey, plan.metricIds, q);
    // A rollup bucket that the range cuts (from or to inside it) would bring readings from outside the range: the
    // parts of the range before the first and after the last whole rollup bucket are folded from raw readings,
    // the whole buckets between from the rollup. So `from` is inclusive and `to` exclusive for raw points and
    // aggregates alike, and both agree.
    const qint64 unit = plan.source == u"1h" ? 3600000 : 60000;
    const qint64 wholeFrom = (q.fromMs + unit - 1) / unit * unit; // q.fromMs >= 0
    const qint64 wholeTo = std::max(wholeFrom, q.toMs / unit * unit);
    std::vector<std::pair<QList<HistoryPoint>, bool>> out;
    for (const int metric : plan.metricIds) {
        if (!metric) {
            out.emplace_back();
            continue;
        }
        BucketFolder fold(q);
        if (auto st = foldRawRange(db, plan.deviceKey, metric, q, q.fromMs, std::min(wholeFrom, q.toMs), fold); !st)
            return fail(st.error());
        if (wholeFrom < wholeTo && !fold.truncated) {
            if (db.dialect() != Storage::Dialect::Postgres) {
                // SQLite cannot know that (bucket / iv) * iv grows with bucket, so a GROUP BY would sort every rollup
                // row (43,201 for 30 days of the 1-minute rollup); read them in index order and fold here.
                if (auto st = foldRollup(db, plan.source, plan.deviceKey, metric, wholeFrom, wholeTo, fold); !st)
                    return fail(st.error());
            } else {
                // PostgreSQL combines the rollup rows of each output bucket itself (measured: faster than sending
                // every rollup row here) into the parts the folder merges with the raw edges. The numbers are
                // written into the statement, not bound: a prepared statement gets PostgreSQL's generic plan after
                // five runs, which walks the index and sorts every rollup row (29 ms for 30 days of the 1-minute
                // rollup) where the plan for the actual values scans and hashes (19 ms). All are integers.
                const QString sql = QStringLiteral("SELECT (bucket / %2) * %2 AS b, SUM(count), MIN(min), MAX(max), SUM(sum), "
                                                   "(array_agg(last ORDER BY last_ts DESC))[1], MAX(last_ts) FROM telemetry_%1 "
                                                   "WHERE device_key = %3 AND metric_id = %4 AND bucket >= %5 AND bucket < %6 GROUP BY b ORDER BY b LIMIT %7")
                                        .arg(plan.source)
                                        .arg(q.intervalMs)
                                        .arg(plan.deviceKey)
                                        .arg(metric)
                                        .arg(wholeFrom)
                                        .arg(wholeTo)
                                        .arg(q.limit + 2);
                auto rows = db.exec(sql);
                if (!rows)
                    return fail(rows.error());
                while (rows->next()
                       && fold.add(rows->value(0).toLongLong(), rows->value(1).toLongLong(), rows->value(2).toDouble(), rows->value(3).toDouble(),
                                   rows->value(4).toDouble(), rows->value(5).toDouble(), rows->value(6).toLongLong())) {
                }
            }
        }
        if (wholeFrom < q.toMs && !fold.truncated)
            if (auto st = foldRawRange(db, plan.deviceKey, metric, q, std::max(wholeTo, q.fromMs), q.toMs, fold); !st)
                return fail(st.error());
        fold.finish();
        out.emplace_back(std::move(fold.points), fold.truncated);
    }
    return out;
}

HistoryResult historyResult(const HistoryPlan &plan, const TelemetryQuery &q, std::vector<std::pair<QList<HistoryPoint>, bool>> read)
{
    HistoryResult out;
    out.deviceId = plan.deviceId;
    out.fromMs = q.fromMs;
    out.toMs = q.toMs;
    out.source = plan.source;
    out.limit = q.limit;
    out.moreMetrics = plan.moreMetrics;
    out.intervalMs = q.intervalMs;
    if (q.intervalMs > 0) {
        out.agg = q.agg;
        out.bands = q.bands;
    }
    out.series.reserve(plan.names.size());
    for (qsizetype n = 0; n < plan.names.size(); ++n) {
        auto &[points, truncated] = read[size_t(n)];
        out.series.append(HistorySeries{plan.names[n], plan.units[n], std::move(points), truncated});
    }
    return out;
}

} // namespace

Result<HistoryPlan> TelemetryHistory::planHistory(const Principal &who, const QString &deviceId, const TelemetryQuery &q)
{
    const std::optional<TelemetryDevice> d = m_devices.device(deviceId);
    if (!d || d->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    if (q.metrics.size() > kMaxSeries)
        return fail(Error::invalid(QStringLiteral("at most %1 metrics per query (%2 asked for); ask in several queries").arg(kMaxSeries).arg(q.metrics.size())));
    HistoryPlan plan;
    plan.deviceId = deviceId;
    plan.deviceKey = d->key;
    plan.names = q.metrics;
    if (plan.names.isEmpty() && d->key) {
        for (const auto &[id, value] : m_latest.of(d->key))
            plan.names << m_metrics.name(id);
        plan.names.sort();
        if (plan.names.size() > kMaxSeries) {
            plan.names = plan.names.mid(0, kMaxSeries);
            plan.moreMetrics = true;
        }
    }
    plan.pointsPerSeries = std::max(1, std::min(q.limit, kMaxPointsPerQuery / int(std::max<qsizetype>(1, plan.names.size()))));
    if (q.intervalMs > 0) {
        if (q.intervalMs % 3600000 == 0)
            plan.source = QStringLiteral("1h");
        else if (q.intervalMs % 60000 == 0)
            plan.source = QStringLiteral("1m");
    }
    for (const QString &name : std::as_const(plan.names)) {
        plan.metricIds.push_back(m_metrics.id(name));
        plan.units << m_schemas.unitOf(d->tenantId, d->deviceType, name);
    }
    return plan;
}

Result<HistoryResult> TelemetryHistory::history(const Principal &who, const QString &deviceId, const TelemetryQuery &q)
{
    auto plan = planHistory(who, deviceId, q);
    if (!plan)
        return fail(plan.error());
    TelemetryQuery bounded = q;
    bounded.limit = plan->pointsPerSeries;
    auto read = readHistory(m_db, *plan, bounded);
    if (!read)
        return fail(read.error());
    return historyResult(*plan, bounded, std::move(*read));
}


std::optional<Error> TelemetryHistory::admit(const QString &tenant)
{
    const int mine = m_readsByTenant.value(tenant);
    if (mine >= kMaxReadsPerTenant || m_reads >= kMaxReads) {
        ++m_readsRefused;
        return Error::unavailable(mine >= kMaxReadsPerTenant
            ? QStringLiteral("%1 history queries of this organisation are already being read; try again when one has answered").arg(mine)
            : QStringLiteral("%1 history queries are already being read; try again in a moment").arg(m_reads));
    }
    ++m_readsByTenant[tenant];
    ++m_reads;
    if (!m_reader)
        m_reader = std::make_unique<Storage::DatabaseThread>(m_db.url(), QStringLiteral("telemetry-reader"));
    return std::nullopt;
}

void TelemetryHistory::release(const QString &tenant)
{
    --m_reads;
    if (auto it = m_readsByTenant.find(tenant); it != m_readsByTenant.end() && --*it <= 0)
        m_readsByTenant.erase(it);
}

void TelemetryHistory::historyLater(const Principal &who, const QString &deviceId, const TelemetryQuery &q, HistoryRender render)
{
    auto plan = planHistory(who, deviceId, q);
    if (!plan) {
        render(fail(plan.error()))();
        return;
    }
    const QString tenant = who.tenantId;
    if (auto refused = admit(tenant)) {
        render(fail(*refused))();
        return;
    }
    TelemetryQuery bounded = q;
    bounded.limit = plan->pointsPerSeries;
    m_reader->post([this, plan = std::move(*plan), bounded, tenant, render = std::move(render)](Result<Storage::Database *> db) mutable {
        // A database that cannot be opened is answered with why ("cannot open ...: ...").
        using Read = Result<std::vector<std::pair<QList<HistoryPoint>, bool>>>;
        Read read = db ? readHistory(**db, plan, bounded) : Read(fail(db.error()));
        // The answer is rendered here too; only handing it over happens on the main thread.
        std::function<void()> deliver = read ? render(historyResult(plan, bounded, std::move(*read))) : render(fail(read.error()));
        QMetaObject::invokeMethod(this, [this, tenant, deliver = std::move(deliver)] {
            release(tenant);
            deliver();
        }, Qt::QueuedConnection);
        return bool(read);
    });
}

namespace {

/// One pass over a device's stored messages, handing every numeric reading of the plan's metrics on.
Result<qint64> scanReadings(Storage::Database &db, const HistoryPlan &plan, qint64 fromMs, qint64 toMs, const TelemetryHistory::OnReading &onReading)
{
    if (!plan.deviceKey)
        return qint64(0);
    TelemetryQuery q;
    q.fromMs = fromMs;
    q.toMs = toMs;
    qint64 readings = 0, malformed = 0;
    const auto onRow = [&](qint64 ts, const void *blob, int size) {
        const bool ok = Packed::forEach(blob, size, [&](const Packed::Reading &r) {
            if (r.isText)
                return;
            for (size_t k = 0; k < plan.metricIds.size(); ++k) {
                if (plan.metricIds[k] == r.metricId && r.metricId != 0) {
                    onReading(ts, int(k), r.value);
                    ++readings;
                }
            }
        });
        if (!ok)
            ++malformed;
        return true;
    };
    const Status st = db.dialect() == Storage::Dialect::Postgres ? postgresRows(db, plan.deviceKey, q, onRow) : sqliteRows(db, plan.deviceKey, q, onRow);
    if (malformed)
        qCWarning(lcTelemetry) << malformed << "stored telemetry rows of device key" << plan.deviceKey << "are damaged; their readings past the damage are skipped";
    if (!st)
        return fail(st.error());
    return readings;
}

} // namespace

Result<qint64> TelemetryHistory::scan(const Principal &who, const QString &deviceId, const QStringList &metrics, qint64 fromMs, qint64 toMs,
                                      const OnReading &onReading)
{
    TelemetryQuery q;
    q.metrics = metrics;
    q.fromMs = fromMs;
    q.toMs = toMs;
    auto plan = planHistory(who, deviceId, q);
    if (!plan)
        return fail(plan.error());
    return scanReadings(m_db, *plan, fromMs, toMs, onReading);
}

void TelemetryHistory::scanLater(const Principal &who, const QString &deviceId, const QStringList &metrics, qint64 fromMs, qint64 toMs,
                                 OnReading onReading, ScanDone done)
{
    TelemetryQuery q;
    q.metrics = metrics;
    q.fromMs = fromMs;
    q.toMs = toMs;
    auto plan = planHistory(who, deviceId, q);
    if (!plan) {
        done(fail(plan.error()), 0)();
        return;
    }
    const QString tenant = who.tenantId;
    if (auto refused = admit(tenant)) {
        done(fail(*refused), 0)();
        return;
    }
    m_reader->post([this, plan = std::move(*plan), fromMs, toMs, tenant, onReading = std::move(onReading), done = std::move(done)](Result<Storage::Database *> db) mutable {
        Result<qint64> read = db ? scanReadings(**db, plan, fromMs, toMs, onReading) : Result<qint64>(fail(db.error()));
        std::function<void()> deliver = read ? done(Status{}, *read) : done(fail(read.error()), 0);
        QMetaObject::invokeMethod(this, [this, tenant, deliver = std::move(deliver)] {
            release(tenant);
            deliver();
        }, Qt::QueuedConnection);
        return bool(read);
    });
}

QJsonObject TelemetryHistory::health() const
{
    return QJsonObject{{QStringLiteral("running"), m_reads}, {QStringLiteral("refused"), m_readsRefused},
                       {QStringLiteral("max_per_tenant"), kMaxReadsPerTenant}, {QStringLiteral("max"), kMaxReads}};
}

} // namespace Fleetdeck
