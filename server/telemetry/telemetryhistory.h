#pragma once

#include "auth/principal.h"
#include "core/result.h"

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <functional>
#include <memory>
#include <optional>

namespace Fleetdeck {
namespace Storage { class Database; class DatabaseThread; }
class LatestValueCache;
class MetricCatalog;
class TelemetryDirectory;
class TelemetrySchemas;
struct HistoryPlan;

struct TelemetryQuery
{
    QStringList metrics;   ///< empty = every metric the device has
    qint64 fromMs = 0;     ///< inclusive
    qint64 toMs = 0;       ///< exclusive
    qint64 intervalMs = 0; ///< 0 = raw points
    QString agg = QStringLiteral("avg");
    bool bands = false;    ///< aggregated points carry the bucket's min and max too: [ts, value, min, max]
    int limit = 1000;      ///< points per series
};

/// One point of a history series: a reading (raw points), or a bucket's aggregate.
struct HistoryPoint
{
    qint64 ts = 0;        ///< the reading's time, or the bucket's start
    double value = 0;     ///< the number (booleans 1/0), or the bucket's aggregate
    QString text;         ///< a text reading (raw points only), with isText
    bool isText = false;
    double min = 0;       ///< the bucket's extremes (aggregates only)
    double max = 0;
};

/// One metric's points, oldest first.
struct HistorySeries
{
    QString metric;
    QString unit;         ///< from the device type's telemetry schema; empty when none
    QList<HistoryPoint> points;
    bool truncated = false; ///< there were more points than the limit
};

/// A history query's answer.
struct HistoryResult
{
    QString deviceId;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    QString source;       ///< raw, 1m or 1h: what the points were read from
    int limit = 0;        ///< points per series: the query's, lowered to fit kMaxPointsPerQuery
    bool moreMetrics = false; ///< the device has more metrics than one query answers
    qint64 intervalMs = 0; ///< 0: raw points
    QString agg;          ///< with an interval: how each bucket was folded
    bool bands = false;   ///< with an interval: the points' min and max are asked for
    QList<HistorySeries> series;
};

/// History queries: raw points, or buckets folded from raw readings and the 1-minute / 1-hour rollups (whole
/// rollup buckets where the interval allows, raw readings at the range's cut edges), on both backends. Read on a
/// thread of their own with their own connection, a bounded number at a time.
class TelemetryHistory : public QObject
{
    Q_OBJECT
public:
    TelemetryHistory(Storage::Database &db, const TelemetryDirectory &devices, const MetricCatalog &metrics,
                     const LatestValueCache &latest, const TelemetrySchemas &schemas, QObject *parent = nullptr);
    ~TelemetryHistory() override;

    /// At most this many series per history query (more metrics: several queries; all of a device's: the first
    /// ones by name, with "more_metrics": true), and at most kMaxPointsPerQuery points in all (the per-series
    /// limit is lowered to fit, and the answer's "limit" says so).
    static constexpr int kMaxSeries = 20;
    static constexpr int kMaxPointsPerQuery = 1'000'000;
    /// History queries waiting for or on the reader, per tenant and in all: beyond them a query is refused (503)
    /// at once, so one tenant's dashboards cannot queue the reader up for everybody.
    static constexpr int kMaxReadsPerTenant = 4;
    static constexpr int kMaxReads = 32;

    /// Read here, on the caller's thread and connection (the WebSocket API and tests).
    [[nodiscard]] Result<HistoryResult> history(const Principal &who, const QString &deviceId, const TelemetryQuery &q);
    /// The same, read on the history reader's thread and connection. `render` runs on the reader thread too (build
    /// and serialise the answer there) and returns what is then run on this thread (not at all if the service is
    /// gone by then). The main thread, which also takes the devices' telemetry, is not held meanwhile.
    using HistoryRender = std::function<std::function<void()>(Result<HistoryResult>)>;
    void historyLater(const Principal &who, const QString &deviceId, const TelemetryQuery &q, HistoryRender render);

    /// Every numeric reading of `metrics` of a device in [fromMs, toMs), in time order (a backtest's input), handed
    /// to `onReading(ts, index into metrics, value)` on the reader's thread as the rows are read (never all in
    /// memory). `done(status, readings)` also runs there and returns what then runs on this thread. Bounded like
    /// history reads (per tenant and in all).
    using OnReading = std::function<void(qint64 ts, int metric, double value)>;
    using ScanDone = std::function<std::function<void()>(Status, qint64 readings)>;
    void scanLater(const Principal &who, const QString &deviceId, const QStringList &metrics, qint64 fromMs, qint64 toMs,
                   OnReading onReading, ScanDone done);
    /// The same on the caller's thread and connection (tests, and callers that cannot wait).
    [[nodiscard]] Result<qint64> scan(const Principal &who, const QString &deviceId, const QStringList &metrics, qint64 fromMs,
                                      qint64 toMs, const OnReading &onReading);

    /// Reads waiting or running, refused, and the bounds (health's telemetry.history_reads).
    QJsonObject health() const;

private:
    Result<HistoryPlan> planHistory(const Principal &who, const QString &deviceId, const TelemetryQuery &q);
    /// A read of the tenant's may start on the reader (counted until release()), or why not (503).
    std::optional<Error> admit(const QString &tenant);
    void release(const QString &tenant);

    Storage::Database &m_db;
    const TelemetryDirectory &m_devices;
    const MetricCatalog &m_metrics;
    const LatestValueCache &m_latest;
    const TelemetrySchemas &m_schemas;
    std::unique_ptr<Storage::DatabaseThread> m_reader; ///< made at the first history query answered later
    QHash<QString, int> m_readsByTenant;
    int m_reads = 0;
    qint64 m_readsRefused = 0;
};

} // namespace Fleetdeck
