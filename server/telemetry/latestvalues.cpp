#include "telemetry/latestvalues.h"

#include "storage/database.h"
#include "telemetry/metriccatalog.h"
#include "telemetry/telemetrydirectory.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QSet>
#include <charconv>
#include <cmath>
#include <string>

namespace Fleetdeck {

Status MetricCatalog::load(Storage::Database &db)
{
    auto metrics = db.exec(QStringLiteral("SELECT metric_id, name FROM metrics"));
    if (!metrics)
        return fail(metrics.error());
    while (metrics->next()) {
        m_ids.insert(metrics->value(1).toString(), metrics->value(0).toInt());
        m_names.insert(metrics->value(0).toInt(), metrics->value(1).toString());
        m_next = std::max(m_next, metrics->value(0).toInt() + 1);
    }
    return {};
}

int MetricCatalog::add(const QString &name)
{
    if (auto it = m_ids.constFind(name); it != m_ids.constEnd())
        return *it;
    const int id = m_next++;
    m_ids.insert(name, id);
    m_names.insert(id, name);
    return id;
}

Status LatestValueCache::load(Storage::Database &db)
{
    auto latest = db.exec(QStringLiteral("SELECT device_key, metric_id, ts, value, text FROM telemetry_latest"));
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
    return {};
}

std::vector<std::pair<qint64, int>> LatestValueCache::apply(const std::vector<TelemetryStore::Row> &rows, quint64 batchId)
{
    std::vector<std::pair<qint64, int>> touched;
    touched.reserve(rows.size());
    LatestValues *values = nullptr;
    qint64 valuesKey = -1;
    for (const TelemetryStore::Row &r : rows) {
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
            if (slot.batch != batchId) { // each pair once, however many of its readings the batch has
                slot.batch = batchId;
                touched.emplace_back(r.deviceKey, r.metricId);
            }
        }
    }
    std::sort(touched.begin(), touched.end());
    return touched;
}

const LatestValues &LatestValueCache::of(qint64 deviceKey) const
{
    static const LatestValues none;
    const auto it = m_latest.constFind(deviceKey);
    return it == m_latest.cend() ? none : *it;
}

Result<QJsonObject> LatestValueCache::latest(const Principal &who, const QString &tenantId, const QStringList &metrics,
                                             const QString &cursor, int limit) const
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

Result<QByteArray> LatestValueCache::latestJson(const Principal &who, const QString &tenantId, const QStringList &metrics,
                                                const QString &cursor, int limit) const
{
    // The tenant a caller acts in is decided once, by authentication (a platform admin chooses it explicitly).
    if (tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no tenant with id %1").arg(tenantId)));
    if (!m_devices)
        return fail(Error::unavailable(QStringLiteral("telemetry is starting")));
    const QStringList &ids = m_devices->tenantDevices(tenantId);
    auto from = cursor.isEmpty() ? ids.cbegin() : std::upper_bound(ids.cbegin(), ids.cend(), cursor);
    QSet<int> wanted;
    for (const QString &m : metrics)
        if (const int id = m_metrics.id(m))
            wanted.insert(id);
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
        const qint64 key = m_devices->deviceKey(*it);
        bool first = true;
        const auto latest = key ? m_latest.constFind(key) : m_latest.cend();
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
                    appendJsonString(k, m_metrics.name(metricId));
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

} // namespace Fleetdeck
