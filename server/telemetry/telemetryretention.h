#pragma once

#include "core/result.h"

#include <QtCore/QMap>
#include <QtCore/QString>
#include <memory>

namespace Fleetdeck {
namespace Storage { class Database; class DatabaseThread; }

/// What a retention by age removed.
struct RetentionReport
{
    qint64 rawRows = 0;          ///< raw rows (one per message) deleted from `telemetry`
    qint64 minuteRows = 0;       ///< from `telemetry_1m`
    qint64 hourRows = 0;         ///< from `telemetry_1h`
    qint64 partitionsDropped = 0; ///< PostgreSQL: whole days dropped as partitions
};

/// What a retention by size removed.
struct SizeRetentionReport
{
    qint64 daysRemoved = 0;
    qint64 rowsRemoved = 0;
    qint64 bytesBefore = 0;
    qint64 bytesAfter = 0;
    QMap<QString, qint64> daysRemovedByTenant; ///< tenant id -> days removed; only tenants that lost some
};

/// Telemetry's upkeep, run as scheduler jobs: retention by age and by size, and PostgreSQL's daily partitions.
class TelemetryRetention
{
public:
    /// `maxRawBytes`: retention by size, raw telemetry above it loses its oldest days (0 = no limit).
    TelemetryRetention(Storage::Database &db, qint64 maxRawBytes);
    ~TelemetryRetention();

    /// Retention by age, per tenant: raw readings after the tenant's `retention_days` (default 30), 1-minute rollups
    /// after max(that, 90) days, 1-hour rollups after max(that, 730) days. Returns rows deleted per table.
    [[nodiscard]] Result<RetentionReport> applyRetention(qint64 nowMs);
    /// Retention by size: while the tenants' raw telemetry takes more than the limit (its stored size, the packed
    /// readings plus a row's overhead), the tenant holding the most loses its oldest day (today never), and so on:
    /// one tenant's flood costs that tenant's history, not everybody's oldest day.
    [[nodiscard]] Result<SizeRetentionReport> applySizeRetention(qint64 nowMs);
    /// Both retentions on a maintenance thread with its own connection (the DELETEs hold neither ingest nor the
    /// API); the reports are logged.
    void retentionLater(qint64 nowMs);
    void setSizeLimit(qint64 bytes) { m_maxRawBytes = bytes; }
    /// Bytes the raw telemetry occupies (SQLite: the whole database's pages in use).
    [[nodiscard]] Result<qint64> rawTelemetryBytes();

    /// PostgreSQL: makes the daily partitions of `telemetry` from yesterday to a week ahead (no-op on SQLite).
    [[nodiscard]] Status ensurePartitions(qint64 nowMs);

private:
    Storage::Database &m_db;
    qint64 m_maxRawBytes = 0;
    std::unique_ptr<Storage::DatabaseThread> m_maintenance; ///< made at the first run
};

} // namespace Fleetdeck
