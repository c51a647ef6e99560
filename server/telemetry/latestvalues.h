#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "telemetry/telemetrytypes.h"

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QStringList>
#include <algorithm>
#include <utility>
#include <vector>

namespace Fleetdeck {
namespace Storage { class Database; }
class MetricCatalog;
class TelemetryDirectory;

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

/// Every device's latest value of every metric, in memory, as committed: read at start, moved by each committed
/// batch, served to "latest" requests and to history (which metrics a device has).
class LatestValueCache
{
public:
    explicit LatestValueCache(const MetricCatalog &metrics) : m_metrics(metrics) {}
    /// Who knows the devices (tenant, key) that "latest" pages through: the ingest, made after this cache.
    void setDirectory(const TelemetryDirectory *devices) { m_devices = devices; }

    [[nodiscard]] Status load(Storage::Database &db);

    /// Takes a committed batch's rows; answers the (device key, metric id) pairs whose latest value changed, sorted,
    /// each once.
    std::vector<std::pair<qint64, int>> apply(const std::vector<TelemetryStore::Row> &rows, quint64 batchId);

    /// A device's latest values (empty when it has none).
    const LatestValues &of(qint64 deviceKey) const;
    qsizetype devices() const { return m_latest.size(); }

    /// Latest values of every device of a tenant, paginated by device id.
    [[nodiscard]] Result<QJsonObject> latest(const Principal &who, const QString &tenantId, const QStringList &metrics,
                                             const QString &cursor, int limit) const;
    /// The same document, serialised directly (10,000 devices are too many for a QJsonObject tree per request).
    [[nodiscard]] Result<QByteArray> latestJson(const Principal &who, const QString &tenantId, const QStringList &metrics,
                                                const QString &cursor, int limit) const;

private:
    const MetricCatalog &m_metrics;
    const TelemetryDirectory *m_devices = nullptr;
    QHash<qint64, LatestValues> m_latest;
};

} // namespace Fleetdeck
