#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "protocol/telemetry.h"
#include "telemetry/sequencetracker.h"
#include "telemetry/telemetrydirectory.h"
#include "telemetry/telemetrytypes.h"

#include <QtCore/QDateTime>
#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <array>
#include <memory>
#include <optional>
#include <unordered_map>

namespace Fleetdeck {

namespace Storage { class Database; }
struct ConnectionEvent;
struct DeviceSummary;
class LatestValueCache;
class MetricCatalog;
class TelemetrySchemas;
struct TelemetrySchema;
class TelemetryWriter;


/// A device's refused telemetry since the server started (TelemetryIngest::rejects).
struct TelemetryRejects
{
    /// The last refusal.
    struct Last
    {
        Telemetry::Reject reason = Telemetry::Reject::Malformed;
        QString detail;
        qint64 seq = 0;     ///< 0 when the message's seq could not be read
        qint64 atMs = 0;
    };
    QString deviceId;
    std::array<qint64, Telemetry::kRejectKinds> counts{}; ///< by Telemetry::Reject
    qint64 total = 0;
    std::optional<Last> last; ///< unset while nothing was refused
    QDateTime since;          ///< when counting started (the server's start)
};

/// Telemetry ingest: validates what devices publish (protocol, the type's schema, the tenant's quotas),
/// de-duplicates re-sends by seq, batches readings to the writer thread, acknowledges after COMMIT, moves the
/// latest-value cache and publishes what was committed. It also keeps what the readers need to know of each device
/// (TelemetryDirectory). History, latest values, schemas and retention are their own classes beside it.
class TelemetryIngest : public QObject, public TelemetryDirectory
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
        bool fullSync = true;      ///< SQLite: the writer commits with synchronous=FULL (see TelemetryWriter)
    };

    /// `metrics`, `latest` and `schemas` are loaded already; ingest adds metric names and moves latest values.
    TelemetryIngest(Storage::Database &db, Options options, MetricCatalog &metrics, LatestValueCache &latest,
                    const TelemetrySchemas &schemas, QObject *parent = nullptr);
    ~TelemetryIngest() override;

    /// Loads devices, their progress and the tenants' metric use; starts the writer thread.
    [[nodiscard]] Status start();
    void stop();

    /// A payload from devices/{id}/telemetry.
    void handleMessage(const QString &deviceId, const QByteArray &payload);
    /// A connection event: a live "online" marks a new device session. A gap still open 30 s after a session started
    /// is a jump of the device's counter (it had the time to resend what it holds), not a loss.
    void noteConnection(const Fleetdeck::ConnectionEvent &e);
    /// The registry changed a device (new, suspended, ...): the event carries it as now stored.
    void refreshDevice(const Fleetdeck::DeviceSummary &device);

    QJsonObject health() const;
    qint64 storedMessages() const { return m_storedMessages; }

    // TelemetryDirectory
    std::optional<TelemetryDevice> device(const QString &deviceId) const override;
    qint64 deviceKey(const QString &deviceId) const override;
    const QStringList &tenantDevices(const QString &tenantId) const override;

    /// A device's refused telemetry since the server started: counts by reason, and the last refusal with its detail.
    [[nodiscard]] Result<TelemetryRejects> rejects(const Principal &who, const QString &deviceId);

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
        bool blocked = false;    ///< suspended or decommissioned: its telemetry is dropped
        qint64 key = 0;          ///< 0 until its first reading
        SequenceTracker seq;     ///< what is handled, what is committed (acknowledged), and the gaps
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
    QDateTime m_startedAt;
    /// The device's key; a device sending its first readings is keyed at once and stored with the next batch.
    qint64 ensureDeviceKey(Device &d);
    qint64 m_nextDeviceKey = 1;
    /// The id of a metric name; a new one is numbered at once and stored with the next batch.
    int registerMetric(const QString &name);
    void flush();
    void onCommitted(const TelemetryStore::BatchResult &result);
    /// Counted per reason and per device, logged for the first few of each reason and then every thousandth.
    void countReject(Telemetry::Reject r, Device &d, const QString &detail, qint64 seq);

    Storage::Database &m_db;
    Options m_options;
    MetricCatalog &m_metrics;
    LatestValueCache &m_latest;
    const TelemetrySchemas &m_schemas;
    QThread m_thread;
    TelemetryWriter *m_writer = nullptr;
    QHash<QString, Device> m_devices;
    QSet<QString> m_gapDevices; ///< devices with messages held ahead of a gap
    QTimer m_gapTimer;
    void closeStaleGaps();
    /// Device ids of each tenant in id order, for paginating "latest"; rebuilt when the set of devices changes.
    mutable QHash<QString, QStringList> m_tenantDevices;
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

