#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "protocol/telemetry.h"

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <optional>
#include <utility>

namespace Fleetdeck {
namespace Storage { class Database; }

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

/// The telemetry schemas of every tenant's device types, in memory (read at start, written through): what ingest
/// checks each message against and what history takes units from.
class TelemetrySchemas
{
public:
    explicit TelemetrySchemas(Storage::Database &db) : m_db(db) {}

    /// Reads the stored schemas; an unreadable one is logged and skipped.
    [[nodiscard]] Status load();

    /// The schema of a tenant's device type, or null. The pointer stays valid until generation() moves.
    const TelemetrySchema *find(const QString &tenantId, const QString &deviceType) const;
    /// Moves whenever a schema is set or removed: what callers caching find() compare.
    quint64 generation() const { return m_generation; }
    QString unitOf(const QString &tenantId, const QString &deviceType, const QString &metric) const;

    /// Why a message breaks the schema (the reason and a sentence naming the metric), or nothing.
    static std::optional<std::pair<Telemetry::Reject, QString>> violation(const TelemetrySchema &schema, const Telemetry::Message &m);

    /// The schema of a device type of the caller's tenant (an empty, permissive one, version 0, when none is set).
    /// 404 when the tenant has neither a device of that type nor a schema for it.
    [[nodiscard]] Result<TelemetrySchema> schema(const Principal &who, const QString &deviceType);
    /// Replaces it (its metrics and allow_unknown; version and time are set here); checked at ingest from the next
    /// message on. Answers the stored schema.
    [[nodiscard]] Result<TelemetrySchema> setSchema(const Principal &who, const QString &deviceType, TelemetrySchema schema);

    /// The JSON form, at the API's edge and in the database: {"metrics": {"temp": {"type": "number", "unit": "°C",
    /// "min": -40, "max": 125}, ...}, "allow_unknown": true}. Every mistake is named.
    [[nodiscard]] static Result<TelemetrySchema> fromJson(const QJsonObject &document);
    static QJsonObject toJson(const TelemetrySchema &schema);
    /// Removes it: the type takes every well-formed metric again.
    [[nodiscard]] Status removeSchema(const Principal &who, const QString &deviceType);

private:
    Result<bool> deviceTypeExists(const QString &tenantId, const QString &deviceType);
    static QString key(const QString &tenantId, const QString &deviceType) { return tenantId + u'/' + deviceType; }

    Storage::Database &m_db;
    QHash<QString, TelemetrySchema> m_schemas; ///< by tenant id + '/' + device type
    quint64 m_generation = 1;
};

} // namespace Fleetdeck
