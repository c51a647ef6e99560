#include "telemetry/telemetryschemas.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "core/jsonutil.h"
#include "storage/database.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <cstring>

Q_DECLARE_LOGGING_CATEGORY(lcTelemetry)

namespace Fleetdeck {

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

Status TelemetrySchemas::load()
{
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
        m_schemas.insert(key(schemas->value(0).toString(), schemas->value(1).toString()), *parsed);
    }
    ++m_generation;
    return {};
}

const TelemetrySchema *TelemetrySchemas::find(const QString &tenantId, const QString &deviceType) const
{
    const auto it = m_schemas.constFind(key(tenantId, deviceType));
    return it == m_schemas.cend() ? nullptr : &*it;
}

std::optional<std::pair<Telemetry::Reject, QString>> TelemetrySchemas::violation(const TelemetrySchema &schema, const Telemetry::Message &m)
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

QString TelemetrySchemas::unitOf(const QString &tenantId, const QString &deviceType, const QString &metric) const
{
    const TelemetrySchema *s = find(tenantId, deviceType);
    return s ? s->metrics.value(metric).unit : QString();
}

Result<bool> TelemetrySchemas::deviceTypeExists(const QString &tenantId, const QString &deviceType)
{
    if (m_schemas.contains(key(tenantId, deviceType)))
        return true;
    auto q = m_db.exec(QStringLiteral("SELECT 1 FROM devices WHERE tenant_id = :t AND device_type = :ty LIMIT 1"),
                       {{QStringLiteral("t"), tenantId}, {QStringLiteral("ty"), deviceType}});
    if (!q)
        return fail(q.error());
    return q->next();
}

Result<TelemetrySchema> TelemetrySchemas::fromJson(const QJsonObject &document) { return parseSchemaDocument(document); }

QJsonObject TelemetrySchemas::toJson(const TelemetrySchema &schema) { return schemaDocument(schema); }

Result<TelemetrySchema> TelemetrySchemas::schema(const Principal &who, const QString &deviceType)
{
    auto exists = deviceTypeExists(who.tenantId, deviceType);
    if (!exists)
        return fail(exists.error());
    if (!*exists)
        return fail(Error::notFound(QStringLiteral("no device of type \"%1\" in this tenant").arg(deviceType.left(64))));
    return m_schemas.value(key(who.tenantId, deviceType));
}

Result<TelemetrySchema> TelemetrySchemas::setSchema(const Principal &who, const QString &deviceType, TelemetrySchema schema)
{
    auto exists = deviceTypeExists(who.tenantId, deviceType);
    if (!exists)
        return fail(exists.error());
    if (!*exists)
        return fail(Error::notFound(QStringLiteral("no device of type \"%1\" in this tenant; register one first").arg(deviceType.left(64))));
    TelemetrySchema *parsed = &schema;
    const QString k = key(who.tenantId, deviceType);
    parsed->version = m_schemas.value(k).version + 1;
    parsed->updatedAt = Json::isoUtc(QDateTime::currentDateTimeUtc());
    const QString document = QString::fromUtf8(QJsonDocument(schemaDocument(*parsed)).toJson(QJsonDocument::Compact));
    auto st = m_db.exec(QStringLiteral("INSERT INTO telemetry_schemas (tenant_id, device_type, document, version, updated_at) VALUES (:t, :ty, :d, :v, :u) "
                                       "ON CONFLICT (tenant_id, device_type) DO UPDATE SET document = excluded.document, version = excluded.version, "
                                       "updated_at = excluded.updated_at"),
                        {{QStringLiteral("t"), who.tenantId}, {QStringLiteral("ty"), deviceType}, {QStringLiteral("d"), document},
                         {QStringLiteral("v"), parsed->version}, {QStringLiteral("u"), parsed->updatedAt}});
    if (!st)
        return fail(st.error());
    m_schemas.insert(k, *parsed);
    ++m_generation;
    audit(m_db, &who, QStringLiteral("telemetry.schema"), QStringLiteral("device_type"), deviceType,
          QStringLiteral("telemetry schema version %1: %2 metrics, unknown ones %3").arg(parsed->version).arg(parsed->metrics.size())
              .arg(parsed->allowUnknown ? QStringLiteral("allowed") : QStringLiteral("refused")));
    return schema;
}

Status TelemetrySchemas::removeSchema(const Principal &who, const QString &deviceType)
{
    auto exists = deviceTypeExists(who.tenantId, deviceType);
    if (!exists)
        return fail(exists.error());
    if (!*exists)
        return fail(Error::notFound(QStringLiteral("no device of type \"%1\" in this tenant").arg(deviceType.left(64))));
    const QString k = key(who.tenantId, deviceType);
    if (!m_schemas.contains(k))
        return {};
    auto st = m_db.exec(QStringLiteral("DELETE FROM telemetry_schemas WHERE tenant_id = :t AND device_type = :ty"),
                        {{QStringLiteral("t"), who.tenantId}, {QStringLiteral("ty"), deviceType}});
    if (!st)
        return fail(st.error());
    m_schemas.remove(k);
    ++m_generation;
    audit(m_db, &who, QStringLiteral("telemetry.schema"), QStringLiteral("device_type"), deviceType, QStringLiteral("telemetry schema removed"));
    return {};
}

} // namespace Fleetdeck
