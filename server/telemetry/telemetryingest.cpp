#include "telemetry/telemetryingest.h"

#include "devices/devicedirectory.h"
#include "events/eventbus.h"
#include "core/jsonutil.h"
#include "storage/database.h"
#include "telemetry/latestvalues.h"
#include "telemetry/metriccatalog.h"
#include "telemetry/telemetryschemas.h"
#include "telemetry/telemetrywriter.h"
#include "tenants/tenantservice.h"

#include <QtCore/QDateTime>
#include <QtCore/QLoggingCategory>
#include <QtCore/QVarLengthArray>

#include <algorithm>
#include <chrono>
#include <limits>

Q_LOGGING_CATEGORY(lcTelemetry, "fleetdeck.server.telemetry", QtInfoMsg)

namespace Fleetdeck {

using namespace TelemetryStore;

namespace {
qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

TelemetryIngest::TelemetryIngest(Storage::Database &db, Options options, MetricCatalog &metrics, LatestValueCache &latest,
                                 const TelemetrySchemas &schemas, QObject *parent)
    : QObject(parent), m_db(db), m_options(options), m_metrics(metrics), m_latest(latest), m_schemas(schemas)
{
    qRegisterMetaType<BatchResult>();
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &TelemetryIngest::flush);
    m_gapTimer.setInterval(5000);
    connect(&m_gapTimer, &QTimer::timeout, this, &TelemetryIngest::closeStaleGaps);
    m_gapTimer.start();
}

TelemetryIngest::~TelemetryIngest()
{
    stop();
}

Status TelemetryIngest::start()
{
    m_startedAt = QDateTime::currentDateTimeUtc();
    auto devices = m_db.exec(QStringLiteral("SELECT d.id, d.tenant_id, d.status, t.device_key, t.last_seq, d.device_type FROM devices d "
                                            "LEFT JOIN telemetry_devices t ON t.device_id = d.id"));
    if (!devices)
        return fail(devices.error());
    while (devices->next()) {
        Device d;
        d.id = devices->value(0).toString();
        d.tenantId = devices->value(1).toString();
        d.blocked = States::isBlocked(States::deviceStatus(devices->value(2).toString()).value_or(States::DeviceStatus::Suspended));
        d.key = devices->value(3).toLongLong();
        d.seq = SequenceTracker(devices->value(4).toLongLong());
        d.deviceType = devices->value(5).toString();
        m_nextDeviceKey = std::max(m_nextDeviceKey, d.key + 1);
        m_devices.insert(d.id, d);
    }
    // Keys of rows whose device is gone from the registry are not reused either.
    auto maxKey = m_db.exec(QStringLiteral("SELECT COALESCE(MAX(device_key), 0) FROM telemetry_devices"));
    if (!maxKey || !maxKey->next())
        return fail(maxKey ? Error::internal(QStringLiteral("no device key maximum")) : maxKey.error());
    m_nextDeviceKey = std::max(m_nextDeviceKey, maxKey->value(0).toLongLong() + 1);
    // Which metric names each tenant uses (its max_metrics quota counts them): every name a device of it ever sent
    // has its latest value.
    auto used = m_db.exec(QStringLiteral("SELECT DISTINCT t.tenant_id, l.metric_id FROM telemetry_latest l "
                                         "JOIN telemetry_devices t ON t.device_key = l.device_key"));
    if (!used)
        return fail(used.error());
    while (used->next())
        m_rates[used->value(0).toString()].metrics.insert(used->value(1).toInt());

    if (m_db.dialect() == Storage::Dialect::Postgres) {
        // Detected, never required (not packaged on Debian 12). Reported so that an operator knows it is unused.
        auto ts = m_db.exec(QStringLiteral("SELECT COALESCE((SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'), "
                                           "(SELECT default_version || ' (available, not installed)' FROM pg_available_extensions WHERE name = 'timescaledb'))"));
        if (ts && ts->next() && !ts->value(0).isNull()) {
            m_timescale = ts->value(0).toString();
            qCInfo(lcTelemetry) << "TimescaleDB" << m_timescale << "found; telemetry uses native range partitions (hypertables are not used yet)";
        }
    }

    m_writer = new TelemetryWriter(m_db.url(), m_options.fullSync);
    m_writer->moveToThread(&m_thread);
    connect(&m_thread, &QThread::started, m_writer, &TelemetryWriter::open);
    connect(&m_thread, &QThread::finished, m_writer, &QObject::deleteLater);
    connect(m_writer, &TelemetryWriter::committed, this, &TelemetryIngest::onCommitted);
    connect(m_writer, &TelemetryWriter::opened, this, [this](const QString &durability) { m_durability = durability; });
    connect(m_writer, &TelemetryWriter::failing, this, [this](const QString &error) {
        m_storageFailing = true;
        m_storageError = error;
    });
    connect(m_writer, &TelemetryWriter::recovered, this, [this] {
        m_storageFailing = false;
        m_storageError.clear();
    });
    m_thread.setObjectName(QStringLiteral("telemetry-writer"));
    m_thread.start();
    qCInfo(lcTelemetry) << "telemetry ready:" << m_devices.size() << "devices," << m_metrics.size() << "metrics,"
                        << m_latest.devices() << "devices with latest values";
    return {};
}

void TelemetryIngest::stop()
{
    if (!m_thread.isRunning())
        return;
    flush();
    // Let queued batches commit before the thread ends: their devices are waiting for acks.
    m_thread.quit();
    m_thread.wait();
    m_writer = nullptr;
}

TelemetryIngest::Device *TelemetryIngest::deviceFor(const QString &id)
{
    auto it = m_devices.find(id);
    return it == m_devices.end() ? nullptr : &it.value();
}

void TelemetryIngest::refreshDevice(const DeviceSummary &device)
{
    Device &d = m_devices[device.id];
    if (d.tenantId != device.tenantId) {
        m_tenantDevices.remove(d.tenantId);
        m_tenantDevices.remove(device.tenantId);
        d.rate = nullptr; // another tenant, another quota
        d.schemaGeneration = 0;
        d.metricNames.clear(); // known to the old tenant, perhaps not to the new one
        d.metricIds.clear();
    }
    d.id = device.id;
    d.tenantId = device.tenantId;
    d.blocked = device.blocked();
    if (d.deviceType != device.deviceType) {
        d.deviceType = device.deviceType;
        d.schemaGeneration = 0; // another type, perhaps another schema
    }
}

qint64 TelemetryIngest::ensureDeviceKey(Device &d)
{
    if (!d.key) {
        // Keyed here and stored by the writer with the batch that carries the device's first readings, like a new
        // metric name: no database round trip on the ingest path. Only this server adds telemetry devices.
        d.key = m_nextDeviceKey++;
        m_batch.newDevices.push_back({d.key, d.id, d.tenantId});
    }
    return d.key;
}

int TelemetryIngest::registerMetric(const QString &name)
{
    if (const int known = m_metrics.id(name))
        return known;
    // Named here, stored by the writer in the transaction of the first batch that uses it.
    const int id = m_metrics.add(name);
    m_batch.newMetrics.emplace_back(id, name);
    return id;
}

bool TelemetryIngest::admit(Device &d, qint64 nowMs)
{
    if (!d.rate)
        d.rate = &m_rates[d.tenantId];
    TenantRate &r = *d.rate;
    const QString &tenantId = d.tenantId;
    if (r.loadedMs == 0 || nowMs - r.loadedMs > 10000) {
        const qint64 before = r.rate;
        const Tenants::TelemetryQuotas quotas = Tenants::telemetryQuotas(m_db, tenantId).value_or(Tenants::TelemetryQuotas{});
        r.rate = quotas.msgsPerS;
        r.maxMetrics = quotas.maxMetrics;
        r.loadedMs = nowMs;
        if (r.rate != before) {
            r.tokens = double(r.rate);
            r.refilledMs = nowMs;
        }
    }
    if (r.rate <= 0)
        return true;
    r.tokens = std::min(double(r.rate), r.tokens + double(nowMs - r.refilledMs) * double(r.rate) / 1000.0);
    r.refilledMs = nowMs;
    if (r.tokens < 1.0) {
        ++r.dropped;
        ++m_rateLimited;
        if (r.dropped <= 5 || r.dropped % 1000 == 0)
            qCWarning(lcTelemetry).noquote() << QStringLiteral("tenant %1 is over its telemetry quota of %2 msg/s; %3 messages dropped so far")
                                                    .arg(tenantId).arg(r.rate).arg(r.dropped);
        return false;
    }
    r.tokens -= 1.0;
    return true;
}

void TelemetryIngest::countReject(Telemetry::Reject r, Device &d, const QString &detail, qint64 seq)
{
    const qint64 n = ++m_rejects[size_t(r)];
    if (!d.rejects)
        d.rejects = std::make_shared<Device::Rejects>();
    ++d.rejects->counts[size_t(r)];
    d.rejects->lastReason = r;
    d.rejects->lastDetail = detail;
    d.rejects->lastAtMs = QDateTime::currentMSecsSinceEpoch();
    d.rejects->lastSeq = seq;
    // Counted always; logged for the first few of each kind and then every thousandth.
    if (n <= 5 || n % 1000 == 0)
        qCWarning(lcTelemetry).noquote() << QStringLiteral("refused telemetry from %1 (%2, %3 so far): %4").arg(d.id, Telemetry::rejectName(r)).arg(n).arg(detail);
}

Result<TelemetryRejects> TelemetryIngest::rejects(const Principal &who, const QString &deviceId)
{
    Device *d = deviceFor(deviceId);
    if (!d || d->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    TelemetryRejects out;
    out.deviceId = deviceId;
    out.since = m_startedAt;
    if (d->rejects) {
        out.counts = d->rejects->counts;
        for (const qint64 n : out.counts)
            out.total += n;
        out.last = TelemetryRejects::Last{d->rejects->lastReason, d->rejects->lastDetail, d->rejects->lastSeq, d->rejects->lastAtMs};
    }
    return out;
}

void TelemetryIngest::handleMessage(const QString &deviceId, const QByteArray &payload)
{
    Device *d = deviceFor(deviceId);
    if (!d || d->blocked) {
        ++m_unknownDevice;
        if (m_unknownDevice <= 5 || m_unknownDevice % 1000 == 0)
            qCWarning(lcTelemetry) << "telemetry from an unknown or blocked device" << deviceId << "dropped (" << m_unknownDevice << "so far)";
        return;
    }
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QList<Telemetry::Decoded> decoded = Telemetry::decode(payload, nowMs, m_options.limits);
    const qint64 key = ensureDeviceKey(*d);
    bool progressed = false;
    bool duplicate = false;
    DeviceProgress &progress = m_batch.progress[key];
    // A message refused (by the protocol, the type's schema or the tenant's quota) is handled all the same:
    // acknowledged, never stored, not resent.
    const auto handled = [&](qint64 seq) {
        take(*d, seq);
        progress.lastSeq = d->seq.accepted();
        progressed = true;
    };
    for (const Telemetry::Decoded &entry : decoded) {
        if (d->seq.isDuplicate(entry.seq)) {
            ++m_duplicates;
            duplicate = true;
            continue;
        }
        if (!entry.message) {
            countReject(entry.reject, *d, entry.detail, entry.seq);
            if (entry.seq > 0) // without a readable seq it cannot be acknowledged
                handled(entry.seq);
            continue;
        }
        const Telemetry::Message &m = *entry.message;
        if (const TelemetrySchema *schema = schemaFor(*d)) {
            if (auto bad = TelemetrySchemas::violation(*schema, m)) {
                countReject(bad->first, *d, bad->second, m.seq);
                handled(m.seq);
                continue;
            }
        }
        if (!admit(*d, nowMs)) {
            handled(m.seq); // over the tenant's quota: dropped by policy, counted in admit()
            continue;
        }
        // A device sends the same metrics message after message: their ids by position, before any hashing. A name
        // not in that list is looked up; one its tenant has never sent counts against the tenant's max_metrics.
        QVarLengthArray<int, 16> ids(m.readings.size());
        qsizetype newToTenant = 0;
        for (qsizetype i = 0; i < m.readings.size(); ++i) {
            const QString &name = m.readings[i].metric;
            if (i < d->metricNames.size() && d->metricNames[i] == name) {
                ids[i] = d->metricIds[i];
                continue;
            }
            ids[i] = m_metrics.id(name);
            if (!ids[i] || !d->rate->metrics.contains(ids[i])) {
                ids[i] = 0;
                ++newToTenant;
            }
        }
        if (newToTenant > 0) {
            TenantRate &tenant = *d->rate;
            if (tenant.maxMetrics > 0 && tenant.metrics.size() + newToTenant > tenant.maxMetrics) {
                ++tenant.metricsRefused;
                const qsizetype first = std::find(ids.begin(), ids.end(), 0) - ids.begin();
                countReject(Telemetry::Reject::MetricQuota, *d,
                            QStringLiteral("%1 metric name(s) new to tenant %2 (first \"%3\"), which has %4 of the %5 its max_metrics quota allows")
                                .arg(newToTenant).arg(d->tenantId, m.readings[first].metric).arg(tenant.metrics.size()).arg(tenant.maxMetrics),
                            m.seq);
                handled(m.seq);
                continue;
            }
            for (qsizetype i = 0; i < m.readings.size(); ++i)
                if (!ids[i]) {
                    ids[i] = registerMetric(m.readings[i].metric);
                    tenant.metrics.insert(ids[i]);
                }
        }
        for (qsizetype i = 0; i < m.readings.size(); ++i) {
            const Telemetry::Reading &r = m.readings[i];
            const int id = ids[i];
            if (i >= d->metricNames.size() || d->metricNames[i] != r.metric) {
                if (i < d->metricNames.size()) {
                    d->metricNames[i] = r.metric;
                    d->metricIds[i] = id;
                } else if (i == d->metricNames.size() && i < 64) {
                    d->metricNames.append(r.metric);
                    d->metricIds.append(id);
                }
            }
            Row row;
            row.deviceKey = key;
            row.metricId = id;
            row.ts = m.tsMs;
            row.seq = m.seq;
            row.value = r.value;
            row.isText = r.isText;
            if (r.isText)
                row.text = r.text;
            m_batch.rows.push_back(std::move(row));
        }
        take(*d, m.seq);
        progress.lastSeq = d->seq.accepted();
        progress.lastTs = std::max(progress.lastTs, m.tsMs);
        ++m_batch.messages;
        progressed = true;
    }
    if (progressed) {
        progress.deviceKey = key;
        progress.deviceId = deviceId;
        progress.receivedMs = nowMs;
        if (m_batch.firstEnqueuedNs == 0)
            m_batch.firstEnqueuedNs = steadyNs();
    } else if (progress.lastSeq == 0) {
        m_batch.progress.remove(key);
    }
    if (duplicate && !progressed && d->seq.inFlight() == 0 && !m_batch.progress.contains(key))
        Q_EMIT ackReady(deviceId, d->seq.committed()); // a pure re-send of stored readings: confirm at once
    if (int(m_batch.rows.size()) >= m_options.maxBatchRows)
        flush();
    else if (!m_batch.progress.isEmpty() && !m_flushTimer.isActive())
        m_flushTimer.start(batchDelayMs());
}

void TelemetryIngest::take(Device &d, qint64 seq)
{
    const SequenceTracker::Taken taken = d.seq.take(seq);
    if (taken.jumpedFrom)
        qCInfo(lcTelemetry) << "device" << d.id << "continues at seq" << seq << "after" << *taken.jumpedFrom << "(its first message since it came online)";
    if (d.seq.hasGap())
        m_gapDevices.insert(d.id);
    else
        m_gapDevices.remove(d.id);
}

void TelemetryIngest::closeStaleGaps()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QStringList ids(m_gapDevices.begin(), m_gapDevices.end());
    for (const QString &id : ids) {
        Device *d = deviceFor(id);
        if (!d || !d->seq.hasGap()) {
            m_gapDevices.remove(id);
            continue;
        }
        const std::optional<SequenceTracker::Skipped> skipped = d->seq.closeStaleGap(now);
        if (!skipped)
            continue;
        qCInfo(lcTelemetry) << "device" << id << "skipped seq" << skipped->from << "to" << skipped->to << "; continuing from there";
        if (!d->seq.hasGap())
            m_gapDevices.remove(id);
        DeviceProgress &progress = m_batch.progress[d->key];
        progress.deviceKey = d->key;
        progress.deviceId = d->id;
        progress.lastSeq = d->seq.accepted();
        progress.receivedMs = now;
        if (!m_flushTimer.isActive())
            m_flushTimer.start(batchDelayMs());
    }
}

void TelemetryIngest::noteConnection(const ConnectionEvent &e)
{
    if (e.replayed || !e.online)
        return; // a replay of the past, not a new session
    if (Device *d = deviceFor(e.deviceId))
        d->seq.startSession(e.atMs);
}

void TelemetryIngest::flush()
{
    m_flushTimer.stop();
    if (m_batch.progress.isEmpty() || !m_writer)
        return;
    m_batch.id = m_nextBatchId++;
    m_lastBatchRows = m_batch.rows.size();
    for (const DeviceProgress &p : std::as_const(m_batch.progress))
        if (Device *d = deviceFor(p.deviceId))
            d->seq.batchQueued();
    auto batch = std::make_shared<Batch>(std::move(m_batch));
    m_batch = Batch();
    m_batch.rows.reserve(std::min(m_lastBatchRows + m_lastBatchRows / 4, size_t(m_options.maxBatchRows) + 64));
    ++m_queuedBatches;
    QMetaObject::invokeMethod(m_writer, [w = m_writer, batch] { w->enqueue(std::move(*batch)); }, Qt::QueuedConnection);
    if (!m_paused && m_queuedBatches > m_options.maxQueuedBatches) {
        m_paused = true;
        qCWarning(lcTelemetry) << "storage is behind by" << m_queuedBatches << "batches; pausing ingest";
        Q_EMIT pauseIngest(true);
    }
}

void TelemetryIngest::onCommitted(const BatchResult &result)
{
    --m_queuedBatches;
    if (m_paused && m_queuedBatches <= m_options.maxQueuedBatches / 2) {
        m_paused = false;
        qCInfo(lcTelemetry) << "storage caught up; resuming ingest";
        Q_EMIT pauseIngest(false);
    }
    m_storedMessages += result.messages;
    m_storedReadings += qint64(result.rows->size());
    if (result.attempts > 1)
        m_retries += result.attempts - 1;
    // The latest-value cache, and which (device, metric) pairs it changed: named once per device below, not per row.
    const std::vector<std::pair<qint64, int>> touched = m_latest.apply(*result.rows, result.id);
    for (const DeviceProgress &p : result.progress) {
        Device *d = deviceFor(p.deviceId);
        if (!d)
            continue;
        d->seq.batchCommitted(p.lastSeq);
        Q_EMIT ackReady(p.deviceId, d->seq.committed());
        auto first = std::lower_bound(touched.begin(), touched.end(), std::pair<qint64, int>(p.deviceKey, std::numeric_limits<int>::min()));
        if (first == touched.end() || first->first != p.deviceKey)
            continue;
        const LatestValues &latest = m_latest.of(p.deviceKey);
        QHash<QString, LatestValue> changed;
        for (auto it = first; it != touched.end() && it->first == p.deviceKey; ++it)
            changed.insert(m_metrics.name(it->second), latest.value(it->second));
        Q_EMIT readingsCommitted(p.deviceId, changed);
    }
}

QJsonObject TelemetryIngest::health() const
{
    QJsonObject rejects;
    for (int i = 0; i < Telemetry::kRejectKinds; ++i)
        if (m_rejects[size_t(i)])
            rejects.insert(Telemetry::rejectName(Telemetry::Reject(i)), m_rejects[size_t(i)]);
    QJsonObject h{{QStringLiteral("status"), m_storageFailing ? QStringLiteral("storage-failing") : (m_paused ? QStringLiteral("paused") : QStringLiteral("ok"))},
                  {QStringLiteral("stored_messages"), m_storedMessages},
                  {QStringLiteral("durability"), m_durability},
                  {QStringLiteral("stored_readings"), m_storedReadings},
                  {QStringLiteral("duplicates"), m_duplicates},
                  {QStringLiteral("unknown_device"), m_unknownDevice},
                  {QStringLiteral("rate_limited"), m_rateLimited},
                  {QStringLiteral("rejected"), rejects},
                  {QStringLiteral("queued_batches"), m_queuedBatches},
                  {QStringLiteral("storage_retries"), m_retries}};
    if (!m_timescale.isEmpty())
        h.insert(QStringLiteral("timescaledb"), m_timescale);
    if (!m_storageError.isEmpty())
        h.insert(QStringLiteral("storage_error"), m_storageError);
    QJsonObject perTenant;
    for (const auto &[tenant, rate] : m_rates)
        if (rate.dropped)
            perTenant.insert(tenant, rate.dropped);
    if (!perTenant.isEmpty())
        h.insert(QStringLiteral("rate_limited_by_tenant"), perTenant);
    return h;
}

std::optional<TelemetryDevice> TelemetryIngest::device(const QString &deviceId) const
{
    const auto it = m_devices.constFind(deviceId);
    if (it == m_devices.cend())
        return std::nullopt;
    return TelemetryDevice{it->tenantId, it->deviceType, it->key};
}

qint64 TelemetryIngest::deviceKey(const QString &deviceId) const
{
    const auto it = m_devices.constFind(deviceId);
    return it == m_devices.cend() ? 0 : it->key;
}

const QStringList &TelemetryIngest::tenantDevices(const QString &tenantId) const
{
    auto it = m_tenantDevices.find(tenantId);
    if (it == m_tenantDevices.end()) {
        QStringList ids;
        for (const Device &d : std::as_const(m_devices))
            if (d.tenantId == tenantId)
                ids << d.id;
        ids.sort();
        it = m_tenantDevices.insert(tenantId, ids);
    }
    return *it;
}

const TelemetrySchema *TelemetryIngest::schemaFor(Device &d)
{
    if (d.schemaGeneration != m_schemas.generation()) {
        d.schema = m_schemas.find(d.tenantId, d.deviceType);
        d.schemaGeneration = m_schemas.generation();
    }
    return d.schema;
}

} // namespace Fleetdeck
