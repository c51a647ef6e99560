#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "protocol/telemetry.h"
#include "telemetry/telemetrytypes.h"

#include <QtCore/QDateTime>
#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <set>
#include <vector>
#include <unordered_map>

namespace Fleetdeck {

namespace Storage { class Database; }
struct ConnectionEvent;
class TelemetryWriter;


/// What one metric of a device type must be (its telemetry schema); min/max only for numbers.
struct MetricRule
{
    enum class Type { Number, Boolean, String };
    Type type = Type::Number;
    QString unit;
    std::optional<double> min, max;
};

/// A device type's telemetry schema within a tenant. Without one, every well-formed metric is taken.
struct TelemetrySchema
{
    QHash<QString, MetricRule> metrics;
    bool allowUnknown = true;
    qint64 version = 0;
    QString updatedAt;
};

/// One device's latest values by metric id: a handful of entries kept sorted in a vector (a QHash per device costs a
/// 128-slot span to walk, which was most of the tenant-wide "latest" request).
class LatestValues
{
public:
    LatestValue &operator[](int metricId)
    {
        auto it = std::lower_bound(m_items.begin(), m_items.end(), metricId, [](const auto &item, int id) { return item.first < id; });
        if (it == m_items.end() || it->first != metricId)
            it = m_items.insert(it, {metricId, LatestValue{}});
        return it->second;
    }
    LatestValue value(int metricId) const
    {
        auto it = std::lower_bound(m_items.begin(), m_items.end(), metricId, [](const auto &item, int id) { return item.first < id; });
        return it != m_items.end() && it->first == metricId ? it->second : LatestValue{};
    }
    auto begin() const { return m_items.begin(); }
    auto end() const { return m_items.end(); }
    bool isEmpty() const { return m_items.empty(); }

private:
    std::vector<std::pair<int, LatestValue>> m_items;
};

struct HistoryPlan;

struct TelemetryQuery
{
    QStringList metrics;   ///< empty = every metric the device has
    qint64 fromMs = 0;
    qint64 toMs = 0;
    qint64 intervalMs = 0; ///< 0 = raw points
    QString agg = QStringLiteral("avg");
    int limit = 1000;      ///< points per series
};

/// The telemetry pipeline on the server side: validates what devices publish, de-duplicates re-sends by seq,
/// batches readings to the writer thread, acknowledges after COMMIT, keeps the latest values in memory and answers
/// history queries (raw, or aggregated from the 1 min / 1 h rollups when the interval allows).
class TelemetryService : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxBatchRows = 4000;
        int maxBatchDelayMs = 20;
        /// Under load (the last batch had at least busyBatchRows rows) a batch waits longer: fewer, larger commits
        /// cost the writer less per reading (each commit writes every page it touched into the WAL again).
        int busyBatchRows = 1000;
        int busyBatchDelayMs = 50;
        int maxQueuedBatches = 64; ///< beyond this, ingest pauses the broker link (backpressure)
        Telemetry::Limits limits;
        qint64 maxRawBytes = 0;    ///< retention by size: raw telemetry above this loses its oldest days (0 = no limit)
        bool fullSync = true;      ///< SQLite: the writer commits with synchronous=FULL (see TelemetryWriter)
    };

    TelemetryService(Storage::Database &db, Options options, QObject *parent = nullptr);
    ~TelemetryService() override;

    /// Loads devices, metric names, progress and latest values; starts the writer thread.
    [[nodiscard]] Status start();
    void stop();

    /// A payload from devices/{id}/telemetry.
    void handleMessage(const QString &deviceId, const QByteArray &payload);
    /// A connection event: a live "online" marks a new device session. A gap still open 30 s after a session started
    /// is a jump of the device's counter (it had the time to resend what it holds), not a loss.
    void noteConnection(const Fleetdeck::ConnectionEvent &e);
    /// The registry changed a device (new, suspended, ...).
    void refreshDevice(const QString &deviceId);

    /// At most this many series per history query (more metrics: several queries; all of a device's: the first
    /// ones by name, with "more_metrics": true), and at most kMaxPointsPerQuery points in all (the per-series
    /// limit is lowered to fit, and the answer's "limit" says so).
    static constexpr int kMaxSeries = 20;
    static constexpr int kMaxPointsPerQuery = 1'000'000;
    /// History queries waiting for or on the reader, per tenant and in all: beyond them a query is refused (503)
    /// at once, so one tenant's dashboards cannot queue the reader up for everybody.
    static constexpr int kMaxReadsPerTenant = 4;
    static constexpr int kMaxReads = 32;

    [[nodiscard]] Result<QJsonObject> history(const Principal &who, const QString &deviceId, const TelemetryQuery &q);
    /// The same, read on the history reader's thread and connection. `render` runs on the reader thread too (build
    /// and serialise the answer there) and returns what is then run on this thread (not at all if the service is
    /// gone by then). The main thread, which also takes the devices' telemetry, is not held meanwhile.
    using HistoryRender = std::function<std::function<void()>(Result<QJsonObject>)>;
    void historyLater(const Principal &who, const QString &deviceId, const TelemetryQuery &q, HistoryRender render);
    /// Latest values of every device of a tenant, paginated by device id.
    [[nodiscard]] Result<QJsonObject> latest(const Principal &who, const QString &tenantId, const QStringList &metrics,
                                             const QString &cursor, int limit);
    /// The same document, serialised directly (10,000 devices are too many for a QJsonObject tree per request).
    [[nodiscard]] Result<QByteArray> latestJson(const Principal &who, const QString &tenantId, const QStringList &metrics,
                                                const QString &cursor, int limit);

    /// Retention by age, per tenant: raw readings after the tenant's `retention_days` (default 30), 1-minute rollups
    /// after max(that, 90) days, 1-hour rollups after max(that, 730) days. Returns rows deleted per table.
    [[nodiscard]] Result<QJsonObject> applyRetention(qint64 nowMs);

    /// Retention by size: while the tenants' raw telemetry takes more than Options::maxRawBytes (its stored size,
    /// the packed readings plus a row's overhead), the tenant holding the most loses its oldest day (today never),
    /// and so on: one tenant's flood costs that tenant's history, not everybody's oldest day.
    [[nodiscard]] Result<QJsonObject> applySizeRetention(qint64 nowMs);
    /// Both retentions on a maintenance thread with its own connection (the DELETEs hold neither ingest nor the
    /// API); the reports are logged.
    void retentionLater(qint64 nowMs);
    void setSizeLimit(qint64 bytes) { m_options.maxRawBytes = bytes; }
    /// Bytes the raw telemetry occupies (SQLite: the whole database's pages in use).
    [[nodiscard]] Result<qint64> rawTelemetryBytes();

    /// PostgreSQL: makes the daily partitions of `telemetry` from yesterday to a week ahead (no-op on SQLite).
    [[nodiscard]] Status ensurePartitions(qint64 nowMs);

    QJsonObject health() const;
    qint64 storedMessages() const { return m_storedMessages; }

    /// The telemetry schema of a device type of the caller's tenant (an empty, permissive one when none is set).
    /// 404 when the tenant has neither a device of that type nor a schema for it.
    [[nodiscard]] Result<QJsonObject> schema(const Principal &who, const QString &deviceType);
    /// Replaces it (`metrics`, `allow_unknown`); checked at ingest from the next message on.
    [[nodiscard]] Result<QJsonObject> setSchema(const Principal &who, const QString &deviceType, const QJsonObject &body);
    /// Removes it: the type takes every well-formed metric again.
    [[nodiscard]] Status removeSchema(const Principal &who, const QString &deviceType);
    /// A device's refused telemetry since the server started: counts by reason, and the last refusal with its detail.
    [[nodiscard]] Result<QJsonObject> rejects(const Principal &who, const QString &deviceId);

Q_SIGNALS:
    /// After COMMIT: the readings of one device (the event stream for rules and the live API).
    void readingsCommitted(const QString &deviceId, const QHash<QString, Fleetdeck::LatestValue> &values);
    /// Publish an acknowledgement (the broker link does it).
    void ackReady(const QString &deviceId, qint64 seq);
    /// Backpressure: stop / resume reading from the broker.
    void pauseIngest(bool paused);

private:
    struct TenantRate;
    struct Device
    {
        QString id;
        QString tenantId;
        QString status;
        qint64 key = 0;
        qint64 acceptedSeq = 0;  ///< every seq up to this one is taken into a batch (or refused): contiguous
        qint64 committedSeq = 0; ///< every seq up to this one is durably handled: what the ack says
        int inFlight = 0;        ///< batches with this device not yet committed
        /// Messages taken beyond a gap (a lower seq is still missing): stored, but not acknowledged until the gap
        /// fills, because "ack N" means everything up to N.
        std::set<qint64> ahead;
        qint64 sessionStartMs = 0; ///< when the device last came online (a live status), 0 = not seen
        /// Came online (a live status) and has sent no telemetry since: its next message is the oldest it holds.
        bool freshSession = false;
        /// The metric names of its last message, in their order, with their ids: the next one usually repeats them.
        QList<QString> metricNames;
        QList<int> metricIds;
        TenantRate *rate = nullptr; ///< its tenant's quota, found once
        QString deviceType;
        /// Refusals of this device since the server started; made at its first one.
        struct Rejects
        {
            std::array<qint64, Telemetry::kRejectKinds> counts{};
            Telemetry::Reject lastReason = Telemetry::Reject::Malformed;
            QString lastDetail;
            qint64 lastAtMs = 0;
            qint64 lastSeq = 0;
        };
        std::shared_ptr<Rejects> rejects;
        const TelemetrySchema *schema = nullptr; ///< its type's schema, looked up again when the generation moves
        quint64 schemaGeneration = 0;
    };
    /// Takes `seq` as handled (stored or refused); advances the contiguous mark or holds it ahead of a gap.
    void take(Device &d, qint64 seq);

    /// A tenant's telemetry quotas: a token bucket of `rate` messages per second with one second of burst, and at
    /// most `maxMetrics` distinct metric names.
    struct TenantRate
    {
        qint64 rate = 0;     ///< 0 = no limit
        double tokens = 0;
        qint64 refilledMs = 0;
        qint64 loadedMs = 0; ///< the limits are re-read from the tenant every 10 s
        qint64 dropped = 0;
        qint64 maxMetrics = 0; ///< 0 = no limit
        QSet<int> metrics;     ///< the metric ids its devices have sent
        qint64 metricsRefused = 0;
    };
    /// Whether one more message of this device's tenant fits the tenant's quota now.
    bool admit(Device &d, qint64 nowMs);

    Device *deviceFor(const QString &id);
    const TelemetrySchema *schemaFor(Device &d);
    /// Why a message breaks the schema, or nothing.
    static std::optional<std::pair<Telemetry::Reject, QString>> violation(const TelemetrySchema &schema, const Telemetry::Message &m);
    QString unitOf(const Device &d, const QString &metric);
    Result<bool> deviceTypeExists(const QString &tenantId, const QString &deviceType);
    QHash<QString, TelemetrySchema> m_schemas; ///< by tenant id + '/' + device type
    QDateTime m_startedAt;
    quint64 m_schemaGeneration = 1;
    Result<qint64> ensureDeviceKey(Device &d);
    /// The id of a metric name; a new one is numbered at once and stored with the next batch.
    int registerMetric(const QString &name);
    int m_nextMetricId = 1;
    void flush();
    void onCommitted(const TelemetryStore::BatchResult &result);
    /// Counted per reason and per device, logged for the first few of each reason and then every thousandth.
    void countReject(Telemetry::Reject r, Device &d, const QString &detail, qint64 seq);

    Storage::Database &m_db;
    Options m_options;
    QThread m_thread;
    TelemetryWriter *m_writer = nullptr;
    QHash<QString, Device> m_devices;
    QHash<qint64, QString> m_deviceByKey;
    QHash<QString, int> m_metricIds;
    QHash<int, QString> m_metricNames;
    QHash<qint64, LatestValues> m_latest;
    QSet<QString> m_gapDevices; ///< devices with messages held ahead of a gap
    QTimer m_gapTimer;
    void closeStaleGaps();
    /// Device ids of each tenant in id order, for paginating "latest"; rebuilt when the set of devices changes.
    QHash<QString, QStringList> m_tenantDevices;
    Result<HistoryPlan> planHistory(const Principal &who, const QString &deviceId, const TelemetryQuery &q);
    void stopReader();
    struct Reader;
    std::unique_ptr<Reader> m_reader; ///< made at the first history query answered later
    std::unique_ptr<Reader> m_maintenance; ///< retention's thread and connection, made at the first run
    Reader &startThread(std::unique_ptr<Reader> &slot, const char *name);
    QHash<QString, int> m_readsByTenant;
    int m_reads = 0;
    qint64 m_readsRefused = 0;
    const QStringList &tenantDevices(const QString &tenantId);
    TelemetryStore::Batch m_batch;
    quint64 m_nextBatchId = 1;
    size_t m_lastBatchRows = 0;
    int batchDelayMs() const { return m_lastBatchRows >= size_t(m_options.busyBatchRows) ? m_options.busyBatchDelayMs : m_options.maxBatchDelayMs; }
    QTimer m_flushTimer;
    int m_queuedBatches = 0;
    bool m_paused = false;

    std::array<qint64, Telemetry::kRejectKinds> m_rejects{};
    std::unordered_map<QString, TenantRate> m_rates; ///< node-based: a device keeps a pointer to its tenant's
    qint64 m_rateLimited = 0;
    qint64 m_unknownDevice = 0;
    qint64 m_duplicates = 0;
    qint64 m_storedMessages = 0;
    qint64 m_storedReadings = 0;
    qint64 m_retries = 0;
    bool m_storageFailing = false;
    QString m_durability;          ///< how the writer's commits are made durable, as the database says
    QString m_timescale; ///< TimescaleDB version when the extension exists (not used yet)
    QString m_storageError;
};

} // namespace Fleetdeck

