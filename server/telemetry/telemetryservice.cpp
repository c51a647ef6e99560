#include "telemetry/telemetryservice.h"

#include "events/eventbus.h"

#include "auth/authservice.h"
#include "core/jsonutil.h"
#include "core/packedreadings.h"
#include "protocol/messages.h"
#include "storage/database.h"
#include "telemetry/telemetrywriter.h"
#include "tenants/tenantservice.h"

#include <QtCore/QDateTime>
#include <QtCore/QtEndian>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLocale>
#include <QtCore/QSet>
#include <QtCore/QVarLengthArray>
#include <QtCore/QLoggingCategory>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <chrono>

Q_LOGGING_CATEGORY(lcTelemetry, "fleetdeck.server.telemetry", QtInfoMsg)

namespace Fleetdeck {

using namespace TelemetryStore;

namespace {
qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

TelemetryService::TelemetryService(Storage::Database &db, Options options, QObject *parent)
    : QObject(parent), m_db(db), m_options(options)
{
    qRegisterMetaType<BatchResult>();
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &TelemetryService::flush);
    m_gapTimer.setInterval(5000);
    connect(&m_gapTimer, &QTimer::timeout, this, &TelemetryService::closeStaleGaps);
    m_gapTimer.start();
}

namespace {

QString schemaTypeName(MetricRule::Type t)
{
    switch (t) {
    case MetricRule::Type::Number: return QStringLiteral("number");
    case MetricRule::Type::Boolean: return QStringLiteral("boolean");
    case MetricRule::Type::String: return QStringLiteral("string");
    }
    return QStringLiteral("number");
}

/// A telemetry schema document: {"metrics": {"temp": {"type": "number", "unit": "°C", "min": -40, "max": 125}, ...},
/// "allow_unknown": true}. Every mistake is named.
Result<TelemetrySchema> parseSchemaDocument(const QJsonObject &body)
{
    TelemetrySchema out;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != u"metrics" && it.key() != u"allow_unknown")
            return fail(Error::invalid(QStringLiteral("unknown field \"%1\"; a telemetry schema has \"metrics\" and \"allow_unknown\"").arg(it.key().left(64))));
    if (!body.value(QStringLiteral("metrics")).isObject())
        return fail(Error::invalid(QStringLiteral("\"metrics\" must be an object of metric name -> {\"type\": ...}")));
    const QJsonValue allow = body.value(QStringLiteral("allow_unknown"));
    if (!allow.isUndefined() && !allow.isBool())
        return fail(Error::invalid(QStringLiteral("\"allow_unknown\" must be true or false")));
    out.allowUnknown = allow.toBool(true);
    const QJsonObject metrics = body.value(QStringLiteral("metrics")).toObject();
    if (metrics.size() > 256)
        return fail(Error::invalid(QStringLiteral("%1 metrics; a schema names at most 256").arg(metrics.size())));
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        const QString name = it.key();
        if (!Telemetry::isValidMetricName(name, 64))
            return fail(Error::invalid(QStringLiteral("metric name \"%1\" is not 1-64 of [A-Za-z0-9_./-]").arg(name.left(80))));
        if (!it.value().isObject())
            return fail(Error::invalid(QStringLiteral("metric \"%1\" must be an object with a \"type\"").arg(name)));
        const QJsonObject def = it.value().toObject();
        for (auto k = def.begin(); k != def.end(); ++k)
            if (k.key() != u"type" && k.key() != u"unit" && k.key() != u"min" && k.key() != u"max")
                return fail(Error::invalid(QStringLiteral("metric \"%1\": unknown field \"%2\" (type, unit, min, max)").arg(name, k.key().left(64))));
        MetricRule rule;
        const QString type = def.value(QStringLiteral("type")).toString();
        if (type == u"number")
            rule.type = MetricRule::Type::Number;
        else if (type == u"boolean")
            rule.type = MetricRule::Type::Boolean;
        else if (type == u"string")
            rule.type = MetricRule::Type::String;
        else
            return fail(Error::invalid(QStringLiteral("metric \"%1\": \"type\" must be \"number\", \"boolean\" or \"string\"").arg(name)));
        const QJsonValue unit = def.value(QStringLiteral("unit"));
        if (!unit.isUndefined() && !unit.isNull()) {
            if (!unit.isString() || unit.toString().size() > 32)
                return fail(Error::invalid(QStringLiteral("metric \"%1\": \"unit\" must be a string of at most 32 characters").arg(name)));
            rule.unit = unit.toString();
        }
        for (const char *bound : {"min", "max"}) {
            const QJsonValue v = def.value(QLatin1String(bound));
            if (v.isUndefined() || v.isNull())
                continue;
            if (rule.type != MetricRule::Type::Number)
                return fail(Error::invalid(QStringLiteral("metric \"%1\": \"%2\" is only for numbers").arg(name, QLatin1String(bound))));
            if (!v.isDouble())
                return fail(Error::invalid(QStringLiteral("metric \"%1\": \"%2\" must be a number").arg(name, QLatin1String(bound))));
            (std::strcmp(bound, "min") == 0 ? rule.min : rule.max) = v.toDouble();
        }
        if (rule.min && rule.max && *rule.min > *rule.max)
            return fail(Error::invalid(QStringLiteral("metric \"%1\": \"min\" %2 is above \"max\" %3").arg(name).arg(*rule.min).arg(*rule.max)));
        out.metrics.insert(name, rule);
    }
    return out;
}

QJsonObject schemaDocument(const TelemetrySchema &schema)
{
    QJsonObject metrics;
    for (auto it = schema.metrics.begin(); it != schema.metrics.end(); ++it) {
        QJsonObject def{{QStringLiteral("type"), schemaTypeName(it->type)}};
        if (!it->unit.isEmpty())
            def.insert(QStringLiteral("unit"), it->unit);
        if (it->min)
            def.insert(QStringLiteral("min"), *it->min);
        if (it->max)
            def.insert(QStringLiteral("max"), *it->max);
        metrics.insert(it.key(), def);
    }
    return QJsonObject{{QStringLiteral("metrics"), metrics}, {QStringLiteral("allow_unknown"), schema.allowUnknown}};
}

} // namespace

TelemetryService::~TelemetryService()
{
    stopReader();
    stop();
}

Status TelemetryService::start()
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
        d.status = devices->value(2).toString();
        d.key = devices->value(3).toLongLong();
        d.acceptedSeq = d.committedSeq = devices->value(4).toLongLong();
        d.deviceType = devices->value(5).toString();
        if (d.key)
            m_deviceByKey.insert(d.key, d.id);
        m_devices.insert(d.id, d);
    }
    auto metrics = m_db.exec(QStringLiteral("SELECT metric_id, name FROM metrics"));
    if (!metrics)
        return fail(metrics.error());
    while (metrics->next()) {
        m_metricIds.insert(metrics->value(1).toString(), metrics->value(0).toInt());
        m_metricNames.insert(metrics->value(0).toInt(), metrics->value(1).toString());
        m_nextMetricId = std::max(m_nextMetricId, metrics->value(0).toInt() + 1);
    }
    // Which metric names each tenant uses (its max_metrics quota counts them): every name a device of it ever sent
    // has its latest value.
    auto used = m_db.exec(QStringLiteral("SELECT DISTINCT t.tenant_id, l.metric_id FROM telemetry_latest l "
                                         "JOIN telemetry_devices t ON t.device_key = l.device_key"));
    if (!used)
        return fail(used.error());
    while (used->next())
        m_rates[used->value(0).toString()].metrics.insert(used->value(1).toInt());
    auto latest = m_db.exec(QStringLiteral("SELECT device_key, metric_id, ts, value, text FROM telemetry_latest"));
    if (!latest)
        return fail(latest.error());
    while (latest->next()) {
        LatestValue v;
        v.ts = latest->value(2).toLongLong();
        v.isText = !latest->value(4).isNull();
        v.value = latest->value(3).toDouble();
        v.text = latest->value(4).toString();
        m_latest[latest->value(0).toLongLong()][latest->value(1).toInt()] = v;
    }

    auto schemas = m_db.exec(QStringLiteral("SELECT tenant_id, device_type, document, version, updated_at FROM telemetry_schemas"));
    if (!schemas)
        return fail(schemas.error());
    while (schemas->next()) {
        auto parsed = parseSchemaDocument(QJsonDocument::fromJson(schemas->value(2).toString().toUtf8()).object());
        if (!parsed) {
            qCWarning(lcTelemetry) << "stored telemetry schema of" << schemas->value(1).toString() << "unreadable, ignored:" << parsed.error().message;
            continue;
        }
        parsed->version = schemas->value(3).toLongLong();
        parsed->updatedAt = schemas->value(4).toString();
        m_schemas.insert(schemas->value(0).toString() + u'/' + schemas->value(1).toString(), *parsed);
    }

    if (auto st = ensurePartitions(QDateTime::currentMSecsSinceEpoch()); !st)
        return st;
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
    connect(m_writer, &TelemetryWriter::committed, this, &TelemetryService::onCommitted);
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
    qCInfo(lcTelemetry) << "telemetry ready:" << m_devices.size() << "devices," << m_metricIds.size() << "metrics,"
                        << m_latest.size() << "devices with latest values";
    return {};
}

void TelemetryService::stop()
{
    if (!m_thread.isRunning())
        return;
    flush();
    // Let queued batches commit before the thread ends: their devices are waiting for acks.
    m_thread.quit();
    m_thread.wait();
    m_writer = nullptr;
}

TelemetryService::Device *TelemetryService::deviceFor(const QString &id)
{
    auto it = m_devices.find(id);
    return it == m_devices.end() ? nullptr : &it.value();
}

void TelemetryService::refreshDevice(const QString &deviceId)
{
    auto q = m_db.exec(QStringLiteral("SELECT tenant_id, status, device_type FROM devices WHERE id = :id"), {{QStringLiteral("id"), deviceId}});
    if (!q || !q->next())
        return;
    Device &d = m_devices[deviceId];
    if (d.tenantId != q->value(0).toString()) {
        m_tenantDevices.remove(d.tenantId);
        m_tenantDevices.remove(q->value(0).toString());
        d.rate = nullptr; // another tenant, another quota
        d.schemaGeneration = 0;
        d.metricNames.clear(); // known to the old tenant, perhaps not to the new one
        d.metricIds.clear();
    }
    d.id = deviceId;
    d.tenantId = q->value(0).toString();
    d.status = q->value(1).toString();
    if (d.deviceType != q->value(2).toString()) {
        d.deviceType = q->value(2).toString();
        d.schemaGeneration = 0; // another type, perhaps another schema
    }
}

Result<qint64> TelemetryService::ensureDeviceKey(Device &d)
{
    if (d.key)
        return d.key;
    auto ins = m_db.exec(QStringLiteral("INSERT INTO telemetry_devices (device_id, tenant_id) VALUES (:d, :t) ON CONFLICT (device_id) DO NOTHING"),
                         {{QStringLiteral("d"), d.id}, {QStringLiteral("t"), d.tenantId}});
    if (!ins)
        return fail(ins.error());
    auto q = m_db.exec(QStringLiteral("SELECT device_key, last_seq FROM telemetry_devices WHERE device_id = :d"), {{QStringLiteral("d"), d.id}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::internal(QStringLiteral("device key for %1 vanished").arg(d.id)));
    d.key = q->value(0).toLongLong();
    d.acceptedSeq = d.committedSeq = std::max(d.committedSeq, q->value(1).toLongLong());
    m_deviceByKey.insert(d.key, d.id);
    return d.key;
}

int TelemetryService::registerMetric(const QString &name)
{
    if (auto it = m_metricIds.constFind(name); it != m_metricIds.constEnd())
        return *it;
    // Named here, stored by the writer in the transaction of the first batch that uses it: no database round trip on
    // the ingest path. This server is the only one that adds metric names, and it read them all at start.
    const int id = m_nextMetricId++;
    m_metricIds.insert(name, id);
    m_metricNames.insert(id, name);
    m_batch.newMetrics.emplace_back(id, name);
    return id;
}

bool TelemetryService::admit(Device &d, qint64 nowMs)
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

void TelemetryService::countReject(Telemetry::Reject r, Device &d, const QString &detail, qint64 seq)
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

Result<QJsonObject> TelemetryService::rejects(const Principal &who, const QString &deviceId)
{
    Device *d = deviceFor(deviceId);
    if (!d || d->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    QJsonObject counts;
    qint64 total = 0;
    QJsonValue last = QJsonValue::Null;
    if (d->rejects) {
        for (int i = 0; i < Telemetry::kRejectKinds; ++i)
            if (const qint64 n = d->rejects->counts[size_t(i)]) {
                counts.insert(Telemetry::rejectName(Telemetry::Reject(i)), n);
                total += n;
            }
        last = QJsonObject{{QStringLiteral("reason"), Telemetry::rejectName(d->rejects->lastReason)},
                           {QStringLiteral("detail"), d->rejects->lastDetail},
                           {QStringLiteral("seq"), d->rejects->lastSeq ? QJsonValue(d->rejects->lastSeq) : QJsonValue(QJsonValue::Null)},
                           {QStringLiteral("at"), Json::isoUtc(QDateTime::fromMSecsSinceEpoch(d->rejects->lastAtMs, Qt::UTC))}};
    }
    return QJsonObject{{QStringLiteral("device_id"), deviceId}, {QStringLiteral("rejected"), counts}, {QStringLiteral("total"), total},
                       {QStringLiteral("last"), last}, {QStringLiteral("since"), Json::isoUtc(m_startedAt)}};
}

void TelemetryService::handleMessage(const QString &deviceId, const QByteArray &payload)
{
    Device *d = deviceFor(deviceId);
    if (!d || d->status == u"suspended" || d->status == u"decommissioned") {
        ++m_unknownDevice;
        if (m_unknownDevice <= 5 || m_unknownDevice % 1000 == 0)
            qCWarning(lcTelemetry) << "telemetry from an unknown or blocked device" << deviceId << "dropped (" << m_unknownDevice << "so far)";
        return;
    }
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QList<Telemetry::Decoded> decoded = Telemetry::decode(payload, nowMs, m_options.limits);
    auto key = ensureDeviceKey(*d);
    if (!key) {
        qCWarning(lcTelemetry) << "telemetry of" << deviceId << "not taken (storage):" << key.error().message;
        return; // not acknowledged: the device sends it again
    }
    bool progressed = false;
    bool duplicate = false;
    DeviceProgress &progress = m_batch.progress[*key];
    // A message refused (by the protocol, the type's schema or the tenant's quota) is handled all the same:
    // acknowledged, never stored, not resent.
    const auto handled = [&](qint64 seq) {
        take(*d, seq);
        progress.lastSeq = d->acceptedSeq;
        progressed = true;
    };
    for (const Telemetry::Decoded &entry : decoded) {
        if (entry.seq > 0 && (entry.seq <= d->acceptedSeq || d->ahead.count(entry.seq))) {
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
            if (auto bad = violation(*schema, m)) {
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
            ids[i] = m_metricIds.value(name, 0);
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
            row.deviceKey = *key;
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
        progress.lastSeq = d->acceptedSeq;
        progress.lastTs = std::max(progress.lastTs, m.tsMs);
        ++m_batch.messages;
        progressed = true;
    }
    if (progressed) {
        progress.deviceKey = *key;
        progress.deviceId = deviceId;
        progress.receivedMs = nowMs;
        if (m_batch.firstEnqueuedNs == 0)
            m_batch.firstEnqueuedNs = steadyNs();
    } else if (progress.lastSeq == 0) {
        m_batch.progress.remove(*key);
    }
    if (duplicate && !progressed && d->inFlight == 0 && !m_batch.progress.contains(*key))
        Q_EMIT ackReady(deviceId, d->committedSeq); // a pure re-send of stored readings: confirm at once
    if (int(m_batch.rows.size()) >= m_options.maxBatchRows)
        flush();
    else if (!m_batch.progress.isEmpty() && !m_flushTimer.isActive())
        m_flushTimer.start(batchDelayMs());
}

void TelemetryService::take(Device &d, qint64 seq)
{
    // A device resends what it holds oldest first after it comes online. So when the first message of a session is
    // beyond the mark, the device has nothing below it: its counter jumped (a restart; the simulator counts from the
    // clock), and waiting 30 s for a resend that cannot come would only hold its acks.
    const bool firstOfSession = d.freshSession;
    d.freshSession = false;
    if (firstOfSession && d.acceptedSeq > 0 && seq > d.acceptedSeq + 1) {
        qCInfo(lcTelemetry) << "device" << d.id << "continues at seq" << seq << "after" << d.acceptedSeq << "(its first message since it came online)";
        d.acceptedSeq = seq - 1;
    }
    if (seq == d.acceptedSeq + 1 || d.acceptedSeq == 0) {
        // The next one (or the first ever): the contiguous mark moves, through whatever was held ahead of a gap.
        d.acceptedSeq = std::max(d.acceptedSeq, seq);
        while (!d.ahead.empty() && *d.ahead.begin() <= d.acceptedSeq + 1) {
            d.acceptedSeq = std::max(d.acceptedSeq, *d.ahead.begin());
            d.ahead.erase(d.ahead.begin());
        }
        if (d.ahead.empty())
            m_gapDevices.remove(d.id);
        return;
    }
    // A gap: a lower seq is missing (e.g. it was in this server's memory when it died, and the broker delivered later
    // messages first). Stored now, acknowledged once the device has resent the missing one.
    d.ahead.insert(seq);
    m_gapDevices.insert(d.id);
}

void TelemetryService::closeStaleGaps()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QStringList ids(m_gapDevices.begin(), m_gapDevices.end());
    for (const QString &id : ids) {
        Device *d = deviceFor(id);
        if (!d || d->ahead.empty()) {
            m_gapDevices.remove(id);
            continue;
        }
        // A device resends its oldest unacknowledged message first after it connects. Still missing 30 s into a
        // session (or a gap of 100,000 messages): the device does not have it; its counter jumped.
        const bool stale = d->sessionStartMs > 0 && now - d->sessionStartMs > 30000;
        if (!stale && d->ahead.size() < 100000)
            continue;
        qCInfo(lcTelemetry) << "device" << id << "skipped seq" << d->acceptedSeq + 1 << "to" << *d->ahead.begin() - 1 << "; continuing from there";
        d->acceptedSeq = *d->ahead.begin() - 1;
        take(*d, *d->ahead.begin());
        DeviceProgress &progress = m_batch.progress[d->key];
        progress.deviceKey = d->key;
        progress.deviceId = d->id;
        progress.lastSeq = d->acceptedSeq;
        progress.receivedMs = now;
        if (!m_flushTimer.isActive())
            m_flushTimer.start(batchDelayMs());
    }
}

void TelemetryService::noteConnection(const ConnectionEvent &e)
{
    if (e.replayed || !e.online)
        return; // a replay of the past, not a new session
    if (Device *d = deviceFor(e.deviceId)) {
        d->sessionStartMs = e.atMs;
        d->freshSession = true;
    }
}

void TelemetryService::flush()
{
    m_flushTimer.stop();
    if (m_batch.progress.isEmpty() || !m_writer)
        return;
    m_batch.id = m_nextBatchId++;
    m_lastBatchRows = m_batch.rows.size();
    for (const DeviceProgress &p : std::as_const(m_batch.progress))
        if (Device *d = deviceFor(p.deviceId))
            ++d->inFlight;
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

void TelemetryService::onCommitted(const BatchResult &result)
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
    std::vector<std::pair<qint64, int>> touched;
    touched.reserve(result.rows->size());
    LatestValues *values = nullptr;
    qint64 valuesKey = -1;
    for (const Row &r : *result.rows) {
        if (r.deviceKey != valuesKey) {
            values = &m_latest[r.deviceKey];
            valuesKey = r.deviceKey;
        }
        LatestValue &slot = (*values)[r.metricId];
        if (r.ts >= slot.ts) {
            slot.ts = r.ts;
            slot.value = r.value;
            slot.isText = r.isText;
            if (r.isText || !slot.text.isNull())
                slot.text = r.text;
            if (slot.batch != result.id) { // each pair once, however many of its readings the batch has
                slot.batch = result.id;
                touched.emplace_back(r.deviceKey, r.metricId);
            }
        }
    }
    std::sort(touched.begin(), touched.end());
    for (const DeviceProgress &p : result.progress) {
        Device *d = deviceFor(p.deviceId);
        if (!d)
            continue;
        d->committedSeq = std::max(d->committedSeq, p.lastSeq);
        d->inFlight = std::max(0, d->inFlight - 1);
        Q_EMIT ackReady(p.deviceId, d->committedSeq);
        auto first = std::lower_bound(touched.begin(), touched.end(), std::pair<qint64, int>(p.deviceKey, std::numeric_limits<int>::min()));
        if (first == touched.end() || first->first != p.deviceKey)
            continue;
        const LatestValues &latest = m_latest[p.deviceKey];
        QHash<QString, LatestValue> changed;
        for (auto it = first; it != touched.end() && it->first == p.deviceKey; ++it)
            changed.insert(m_metricNames.value(it->second), latest.value(it->second));
        Q_EMIT readingsCommitted(p.deviceId, changed);
    }
}

Status TelemetryService::ensurePartitions(qint64 nowMs)
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

Result<qint64> TelemetryService::rawTelemetryBytes()
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

Result<QJsonObject> sizeRetentionOn(Storage::Database &db, qint64 maxBytes, qint64 nowMs)
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
    QJsonObject byTenant;
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
        byTenant.insert(tenant, byTenant.value(tenant).toInt() + 1);
        auto left = rawBytesByTenant(db, tenant);
        if (!left)
            return fail(left.error());
        used += left->value(tenant, 0) - sizes->value(tenant);
        sizes->insert(tenant, left->value(tenant, 0));
    }
    if (daysRemoved)
        qCWarning(lcTelemetry).noquote() << QStringLiteral("telemetry over its size limit (%1 MiB > %2 MiB): removed %3 day(s) of raw readings "
                                                           "from the tenants holding the most (%4), now %5 MiB")
                                                .arg(before >> 20).arg(maxBytes >> 20).arg(daysRemoved)
                                                .arg(QString::fromUtf8(QJsonDocument(byTenant).toJson(QJsonDocument::Compact)))
                                                .arg(used >> 20);
    return QJsonObject{{QStringLiteral("days_removed"), daysRemoved}, {QStringLiteral("rows_removed"), rowsRemoved},
                       {QStringLiteral("bytes_before"), before}, {QStringLiteral("bytes_after"), used},
                       {QStringLiteral("days_removed_by_tenant"), byTenant}};
}

Result<QJsonObject> retentionOn(Storage::Database &db, qint64 nowMs)
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
    return QJsonObject{{QStringLiteral("telemetry"), raw}, {QStringLiteral("telemetry_1m"), minute}, {QStringLiteral("telemetry_1h"), hour},
                       {QStringLiteral("partitions_dropped"), droppedPartitions}};
}

} // namespace

Result<QJsonObject> TelemetryService::applySizeRetention(qint64 nowMs) { return sizeRetentionOn(m_db, m_options.maxRawBytes, nowMs); }

Result<QJsonObject> TelemetryService::applyRetention(qint64 nowMs) { return retentionOn(m_db, nowMs); }

/// A thread of its own with its own connection (WAL lets SQLite read beside the writer): history queries on one,
/// retention on another, so that neither holds the main thread, which also takes the devices' telemetry.
struct TelemetryService::Reader
{
    QThread thread;
    QObject context; ///< lives in `thread`
    std::unique_ptr<Storage::Database> db;
};

void TelemetryService::retentionLater(qint64 nowMs)
{
    Reader &r = startThread(m_maintenance, "telemetry-maintenance");
    QMetaObject::invokeMethod(&r.context, [reader = &r, url = m_db.url(), maxBytes = m_options.maxRawBytes, nowMs] {
        if (!reader->db) {
            auto db = Storage::Database::open(url, QStringLiteral("fleetdeck-telemetry-maintenance-%1").arg(quintptr(reader)));
            if (!db) {
                qCWarning(lcTelemetry) << "telemetry retention skipped:" << db.error().message;
                return;
            }
            reader->db = std::move(*db);
        }
        if (auto r = retentionOn(*reader->db, nowMs); !r)
            qCWarning(lcTelemetry) << "telemetry retention failed:" << r.error().message;
        if (auto r = sizeRetentionOn(*reader->db, maxBytes, nowMs); !r)
            qCWarning(lcTelemetry) << "telemetry size retention failed:" << r.error().message;
        if (!reader->db->ping())
            reader->db.reset();
    }, Qt::QueuedConnection);
}

QJsonObject TelemetryService::health() const
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
                  {QStringLiteral("storage_retries"), m_retries},
                  {QStringLiteral("history_reads"), QJsonObject{{QStringLiteral("running"), m_reads}, {QStringLiteral("refused"), m_readsRefused},
                                                                {QStringLiteral("max_per_tenant"), kMaxReadsPerTenant}, {QStringLiteral("max"), kMaxReads}}}};
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

    QJsonArray points;
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
        points.append(QJsonArray{m_start, v});
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
Result<std::vector<std::pair<QJsonArray, bool>>> scanPacked(Storage::Database &db, qint64 deviceKey, const std::vector<int> &metricIds,
                                                            const TelemetryQuery &q)
{
    // One pass over the device's messages in time order serves every requested metric.
    struct Series
    {
        QJsonArray points;
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
                        s.points.append(QJsonArray{ts, r.isText ? QJsonValue(QString::fromUtf8(r.text.data(), qsizetype(r.text.size()))) : QJsonValue(r.value)});
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
    std::vector<std::pair<QJsonArray, bool>> out;
    out.reserve(series.size());
    for (Series &s : series) {
        if (s.fold) {
            s.fold->finish();
            out.emplace_back(s.fold->points, s.fold->truncated);
        } else {
            out.emplace_back(s.points, s.truncated);
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
Result<std::vector<std::pair<QJsonArray, bool>>> readHistory(Storage::Database &db, const HistoryPlan &plan, const TelemetryQuery &q)
{
    if (!plan.deviceKey)
        return std::vector<std::pair<QJsonArray, bool>>(size_t(plan.names.size()));
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
    std::vector<std::pair<QJsonArray, bool>> out;
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
        out.emplace_back(fold.points, fold.truncated);
    }
    return out;
}

QJsonObject historyJson(const HistoryPlan &plan, const TelemetryQuery &q, std::vector<std::pair<QJsonArray, bool>> read)
{
    QJsonArray series;
    for (qsizetype n = 0; n < plan.names.size(); ++n) {
        auto &[points, truncated] = read[size_t(n)];
        series.append(QJsonObject{{QStringLiteral("metric"), plan.names[n]},
                                  {QStringLiteral("unit"), plan.units[n].isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(plan.units[n])},
                                  {QStringLiteral("points"), std::move(points)},
                                  {QStringLiteral("truncated"), truncated}});
    }
    QJsonObject out{{QStringLiteral("device_id"), plan.deviceId},
                    {QStringLiteral("from"), Json::isoUtc(QDateTime::fromMSecsSinceEpoch(q.fromMs, Qt::UTC))},
                    {QStringLiteral("to"), Json::isoUtc(QDateTime::fromMSecsSinceEpoch(q.toMs, Qt::UTC))},
                    {QStringLiteral("source"), plan.source},
                    {QStringLiteral("limit"), q.limit},
                    {QStringLiteral("series"), series}};
    if (plan.moreMetrics)
        out.insert(QStringLiteral("more_metrics"), true); // name them with ?metric= to see the others
    if (q.intervalMs > 0) {
        out.insert(QStringLiteral("interval_ms"), q.intervalMs);
        out.insert(QStringLiteral("agg"), q.agg);
    }
    return out;
}

} // namespace

Result<HistoryPlan> TelemetryService::planHistory(const Principal &who, const QString &deviceId, const TelemetryQuery &q)
{
    Device *d = deviceFor(deviceId);
    if (!d || d->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    if (q.metrics.size() > kMaxSeries)
        return fail(Error::invalid(QStringLiteral("at most %1 metrics per query (%2 asked for); ask in several queries").arg(kMaxSeries).arg(q.metrics.size())));
    HistoryPlan plan;
    plan.deviceId = deviceId;
    plan.deviceKey = d->key;
    plan.names = q.metrics;
    if (plan.names.isEmpty() && d->key) {
        if (auto latest = m_latest.constFind(d->key); latest != m_latest.cend())
            for (const auto &[id, value] : *latest)
                plan.names << m_metricNames.value(id);
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
        plan.metricIds.push_back(m_metricIds.value(name, 0));
        plan.units << unitOf(*d, name);
    }
    return plan;
}

Result<QJsonObject> TelemetryService::history(const Principal &who, const QString &deviceId, const TelemetryQuery &q)
{
    auto plan = planHistory(who, deviceId, q);
    if (!plan)
        return fail(plan.error());
    TelemetryQuery bounded = q;
    bounded.limit = plan->pointsPerSeries;
    auto read = readHistory(m_db, *plan, bounded);
    if (!read)
        return fail(read.error());
    return historyJson(*plan, bounded, std::move(*read));
}


TelemetryService::Reader &TelemetryService::startThread(std::unique_ptr<Reader> &slot, const char *name)
{
    if (!slot) {
        slot = std::make_unique<Reader>();
        slot->thread.setObjectName(QString::fromLatin1(name));
        slot->context.moveToThread(&slot->thread);
        slot->thread.start();
    }
    return *slot;
}

void TelemetryService::historyLater(const Principal &who, const QString &deviceId, const TelemetryQuery &q, HistoryRender render)
{
    auto plan = planHistory(who, deviceId, q);
    if (!plan) {
        render(fail(plan.error()))();
        return;
    }
    const QString tenant = who.tenantId;
    int &mine = m_readsByTenant[tenant];
    if (mine >= kMaxReadsPerTenant || m_reads >= kMaxReads) {
        ++m_readsRefused;
        const QString why = mine >= kMaxReadsPerTenant
            ? QStringLiteral("%1 history queries of this organisation are already being read; try again when one has answered").arg(mine)
            : QStringLiteral("%1 history queries are already being read; try again in a moment").arg(m_reads);
        if (mine == 0)
            m_readsByTenant.remove(tenant);
        render(fail(Error::unavailable(why)))();
        return;
    }
    ++mine;
    ++m_reads;
    Reader &reader = startThread(m_reader, "telemetry-reader");
    TelemetryQuery bounded = q;
    bounded.limit = plan->pointsPerSeries;
    const Storage::DatabaseUrl url = m_db.url();
    QMetaObject::invokeMethod(&reader.context, [this, reader = &reader, url, plan = std::move(*plan), bounded, tenant, render = std::move(render)]() mutable {
        Result<std::vector<std::pair<QJsonArray, bool>>> read = std::vector<std::pair<QJsonArray, bool>>();
        if (!reader->db) {
            auto db = Storage::Database::open(url, QStringLiteral("fleetdeck-telemetry-reader-%1").arg(quintptr(reader)));
            if (db)
                reader->db = std::move(*db);
            else
                read = fail(db.error()); // says which database and why ("cannot open ...: ...")
        }
        if (reader->db)
            read = readHistory(*reader->db, plan, bounded);
        if (!read && reader->db && !reader->db->ping())
            reader->db.reset(); // opened again for the next query
        // The document is built and serialised here too; only handing it over happens on the main thread.
        std::function<void()> deliver = read ? render(historyJson(plan, bounded, std::move(*read))) : render(fail(read.error()));
        QMetaObject::invokeMethod(this, [this, tenant, deliver = std::move(deliver)] {
            --m_reads;
            if (auto it = m_readsByTenant.find(tenant); it != m_readsByTenant.end() && --*it <= 0)
                m_readsByTenant.erase(it);
            deliver();
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

void TelemetryService::stopReader()
{
    for (std::unique_ptr<Reader> *slot : {&m_reader, &m_maintenance}) {
        if (!*slot)
            continue;
        Reader *r = slot->get();
        QMetaObject::invokeMethod(&r->context, [r] { r->db.reset(); }, Qt::BlockingQueuedConnection);
        r->thread.quit();
        r->thread.wait();
        slot->reset();
    }
}

const QStringList &TelemetryService::tenantDevices(const QString &tenantId)
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

Result<QJsonObject> TelemetryService::latest(const Principal &who, const QString &tenantId, const QStringList &metrics,
                                             const QString &cursor, int limit)
{
    auto json = latestJson(who, tenantId, metrics, cursor, limit);
    if (!json)
        return fail(json.error());
    return QJsonDocument::fromJson(*json).object();
}

namespace {
void appendJsonString(QByteArray &out, const QString &s)
{
    out += '"';
    for (const char c : s.toUtf8()) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += "\\u00" + QByteArray::number(static_cast<unsigned char>(c), 16).rightJustified(2, '0');
            else
                out += c;
        }
    }
    out += '"';
}
} // namespace

Result<QByteArray> TelemetryService::latestJson(const Principal &who, const QString &tenantId, const QStringList &metrics,
                                                const QString &cursor, int limit)
{
    // The tenant a caller acts in is decided once, by authentication (a platform admin chooses it explicitly).
    if (tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no tenant with id %1").arg(tenantId)));
    const QStringList &ids = tenantDevices(tenantId);
    auto from = cursor.isEmpty() ? ids.cbegin() : std::upper_bound(ids.cbegin(), ids.cend(), cursor);
    QSet<int> wanted;
    for (const QString &m : metrics)
        if (auto it = m_metricIds.constFind(m); it != m_metricIds.constEnd())
            wanted.insert(*it);
    // Written by hand into one std::string (its appends are inline; QByteArray's are not): at 10,000 devices x
    // 3 metrics this is the whole cost of the request, and QJsonDocument costs several times as much.
    std::string out;
    out.reserve(size_t(std::min<qsizetype>(limit, ids.size())) * 200 + 128);
    const auto appendString = [&out](const QString &text) {
        QByteArray escaped;
        appendJsonString(escaped, text);
        out.append(escaped.constData(), size_t(escaped.size()));
    };
    out += "{\"tenant_id\":";
    appendString(tenantId);
    out += ",\"items\":[";
    std::vector<std::string> metricKeys;   // "\"name\":{\"ts\":", once per metric, by metric id (small integers)
    char number[32];
    int count = 0;
    QString next;
    for (auto it = from; it != ids.cend(); ++it) {
        if (count == limit) {
            next = *(it - 1);
            break;
        }
        if (count++)
            out += ',';
        out += "{\"device_id\":\"";
        for (const QChar c : *it)   // a UUID: ASCII
            out += char(c.unicode());
        out += "\",\"metrics\":{";
        const Device *d = deviceFor(*it);
        bool first = true;
        const auto latest = d && d->key ? m_latest.constFind(d->key) : m_latest.cend();
        if (latest != m_latest.cend()) {
            for (const auto &[metricId, value] : *latest) {
                const LatestValue *v = &value;
                if (!metrics.isEmpty() && !wanted.contains(metricId))
                    continue;
                if (!first)
                    out += ',';
                first = false;
                if (size_t(metricId) >= metricKeys.size())
                    metricKeys.resize(size_t(metricId) + 1);
                std::string &key = metricKeys[size_t(metricId)];
                if (key.empty()) {
                    QByteArray k;
                    appendJsonString(k, m_metricNames.value(metricId));
                    k += ":{\"ts\":";
                    key = k.toStdString();
                }
                out += key;
                out.append(number, size_t(std::to_chars(number, number + sizeof number, v->ts).ptr - number));
                out += ",\"value\":";
                if (v->isText) {
                    appendString(v->text);
                } else if (std::isfinite(v->value)) {
                    // Shortest round-trip form, as QJsonDocument writes it ("21.5", "1e+21").
                    out.append(number, size_t(std::to_chars(number, number + sizeof number, v->value).ptr - number));
                } else {
                    out += "null";   // never stored (refused at ingest), but never invalid JSON either
                }
                out += '}';
            }
        }
        out += "}}";
    }
    out += "],\"next_cursor\":";
    if (next.isEmpty())
        out += "null";
    else
        appendString(next);
    out += '}';
    return QByteArray(out.data(), qsizetype(out.size()));
}

const TelemetrySchema *TelemetryService::schemaFor(Device &d)
{
    if (d.schemaGeneration != m_schemaGeneration) {
        const auto it = m_schemas.constFind(d.tenantId + u'/' + d.deviceType);
        d.schema = it == m_schemas.cend() ? nullptr : &*it;
        d.schemaGeneration = m_schemaGeneration;
    }
    return d.schema;
}

std::optional<std::pair<Telemetry::Reject, QString>> TelemetryService::violation(const TelemetrySchema &schema, const Telemetry::Message &m)
{
    for (const Telemetry::Reading &r : m.readings) {
        const auto it = schema.metrics.constFind(r.metric);
        if (it == schema.metrics.cend()) {
            if (schema.allowUnknown)
                continue;
            return std::pair{Telemetry::Reject::UnknownMetric, QStringLiteral("metric \"%1\" is not in the device type's schema").arg(r.metric)};
        }
        const MetricRule &rule = *it;
        const MetricRule::Type sent = r.isText ? MetricRule::Type::String : r.isBool ? MetricRule::Type::Boolean : MetricRule::Type::Number;
        if (sent != rule.type)
            return std::pair{Telemetry::Reject::WrongType,
                             QStringLiteral("metric \"%1\" must be a %2, not a %3").arg(r.metric, schemaTypeName(rule.type), schemaTypeName(sent))};
        if ((rule.min && r.value < *rule.min) || (rule.max && r.value > *rule.max))
            return std::pair{Telemetry::Reject::OutOfRange, QStringLiteral("metric \"%1\" = %2 is outside [%3, %4]")
                                                                 .arg(r.metric).arg(r.value)
                                                                 .arg(rule.min ? QString::number(*rule.min) : QStringLiteral("-inf"))
                                                                 .arg(rule.max ? QString::number(*rule.max) : QStringLiteral("inf"))};
    }
    return std::nullopt;
}

QString TelemetryService::unitOf(const Device &d, const QString &metric)
{
    const auto it = m_schemas.constFind(d.tenantId + u'/' + d.deviceType);
    return it == m_schemas.cend() ? QString() : it->metrics.value(metric).unit;
}

Result<bool> TelemetryService::deviceTypeExists(const QString &tenantId, const QString &deviceType)
{
    if (m_schemas.contains(tenantId + u'/' + deviceType))
        return true;
    auto q = m_db.exec(QStringLiteral("SELECT 1 FROM devices WHERE tenant_id = :t AND device_type = :ty LIMIT 1"),
                       {{QStringLiteral("t"), tenantId}, {QStringLiteral("ty"), deviceType}});
    if (!q)
        return fail(q.error());
    return q->next();
}

Result<QJsonObject> TelemetryService::schema(const Principal &who, const QString &deviceType)
{
    auto exists = deviceTypeExists(who.tenantId, deviceType);
    if (!exists)
        return fail(exists.error());
    if (!*exists)
        return fail(Error::notFound(QStringLiteral("no device of type \"%1\" in this tenant").arg(deviceType.left(64))));
    const TelemetrySchema s = m_schemas.value(who.tenantId + u'/' + deviceType);
    QJsonObject doc = schemaDocument(s);
    doc.insert(QStringLiteral("device_type"), deviceType);
    doc.insert(QStringLiteral("version"), s.version);
    doc.insert(QStringLiteral("updated_at"), s.updatedAt.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s.updatedAt));
    return doc;
}

Result<QJsonObject> TelemetryService::setSchema(const Principal &who, const QString &deviceType, const QJsonObject &body)
{
    auto exists = deviceTypeExists(who.tenantId, deviceType);
    if (!exists)
        return fail(exists.error());
    if (!*exists)
        return fail(Error::notFound(QStringLiteral("no device of type \"%1\" in this tenant; register one first").arg(deviceType.left(64))));
    auto parsed = parseSchemaDocument(body);
    if (!parsed)
        return fail(parsed.error());
    const QString key = who.tenantId + u'/' + deviceType;
    parsed->version = m_schemas.value(key).version + 1;
    parsed->updatedAt = Json::isoUtc(QDateTime::currentDateTimeUtc());
    const QString document = QString::fromUtf8(QJsonDocument(schemaDocument(*parsed)).toJson(QJsonDocument::Compact));
    auto st = m_db.exec(QStringLiteral("INSERT INTO telemetry_schemas (tenant_id, device_type, document, version, updated_at) VALUES (:t, :ty, :d, :v, :u) "
                                       "ON CONFLICT (tenant_id, device_type) DO UPDATE SET document = excluded.document, version = excluded.version, "
                                       "updated_at = excluded.updated_at"),
                        {{QStringLiteral("t"), who.tenantId}, {QStringLiteral("ty"), deviceType}, {QStringLiteral("d"), document},
                         {QStringLiteral("v"), parsed->version}, {QStringLiteral("u"), parsed->updatedAt}});
    if (!st)
        return fail(st.error());
    m_schemas.insert(key, *parsed);
    ++m_schemaGeneration;
    audit(m_db, &who, QStringLiteral("telemetry.schema"), QStringLiteral("device_type"), deviceType,
          QStringLiteral("telemetry schema version %1: %2 metrics, unknown ones %3").arg(parsed->version).arg(parsed->metrics.size())
              .arg(parsed->allowUnknown ? QStringLiteral("allowed") : QStringLiteral("refused")));
    return schema(who, deviceType);
}

Status TelemetryService::removeSchema(const Principal &who, const QString &deviceType)
{
    auto exists = deviceTypeExists(who.tenantId, deviceType);
    if (!exists)
        return fail(exists.error());
    if (!*exists)
        return fail(Error::notFound(QStringLiteral("no device of type \"%1\" in this tenant").arg(deviceType.left(64))));
    const QString key = who.tenantId + u'/' + deviceType;
    if (!m_schemas.contains(key))
        return {};
    auto st = m_db.exec(QStringLiteral("DELETE FROM telemetry_schemas WHERE tenant_id = :t AND device_type = :ty"),
                        {{QStringLiteral("t"), who.tenantId}, {QStringLiteral("ty"), deviceType}});
    if (!st)
        return fail(st.error());
    m_schemas.remove(key);
    ++m_schemaGeneration;
    audit(m_db, &who, QStringLiteral("telemetry.schema"), QStringLiteral("device_type"), deviceType, QStringLiteral("telemetry schema removed"));
    return {};
}

} // namespace Fleetdeck
