#include "api/telemetryapi.h"

#include "api/router.h"
#include "auth/policy.h"
#include "core/jsonutil.h"
#include "telemetry/latestvalues.h"
#include "telemetry/telemetryhistory.h"
#include "telemetry/telemetryingest.h"
#include "telemetry/telemetryschemas.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QRegularExpression>
#include <QtCore/QUuid>

namespace Fleetdeck::Api {

namespace {

constexpr qint64 kMaxSpanMs = 400LL * 24 * 3600 * 1000;

using Json::parseTime;

/// "500" (ms), "30s", "5m", "1h", "1d".
std::optional<qint64> parseInterval(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,9})(ms|s|m|h|d)?$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    const qint64 factor = unit == u"s" ? 1000 : unit == u"m" ? 60000 : unit == u"h" ? 3600000 : unit == u"d" ? 86400000 : 1;
    return n * factor;
}

QStringList metricList(const QString &text)
{
    QStringList out;
    for (const QString &m : text.split(u',', Qt::SkipEmptyParts))
        out << m.trimmed();
    return out;
}

QJsonObject toJson(const HistoryResult &h)
{
    const bool bands = h.intervalMs > 0 && h.bands;
    QJsonArray series;
    for (const HistorySeries &s : h.series) {
        QJsonArray points;
        for (const HistoryPoint &p : s.points) {
            if (bands)
                points.append(QJsonArray{p.ts, p.value, p.min, p.max});
            else
                points.append(QJsonArray{p.ts, p.isText ? QJsonValue(p.text) : QJsonValue(p.value)});
        }
        series.append(QJsonObject{{QStringLiteral("metric"), s.metric},
                                  {QStringLiteral("unit"), s.unit.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s.unit)},
                                  {QStringLiteral("points"), points},
                                  {QStringLiteral("truncated"), s.truncated}});
    }
    QJsonObject out{{QStringLiteral("device_id"), h.deviceId},
                    {QStringLiteral("from"), Json::isoUtc(QDateTime::fromMSecsSinceEpoch(h.fromMs, Qt::UTC))},
                    {QStringLiteral("to"), Json::isoUtc(QDateTime::fromMSecsSinceEpoch(h.toMs, Qt::UTC))},
                    {QStringLiteral("source"), h.source},
                    {QStringLiteral("limit"), h.limit},
                    {QStringLiteral("series"), series}};
    if (h.moreMetrics)
        out.insert(QStringLiteral("more_metrics"), true); // name them with ?metric= to see the others
    if (h.intervalMs > 0) {
        out.insert(QStringLiteral("interval_ms"), h.intervalMs);
        out.insert(QStringLiteral("agg"), h.agg);
    }
    return out;
}

Response csv(const HistoryResult &history)
{
    QByteArray out = "metric,ts,time,value\r\n";
    for (const HistorySeries &s : history.series) {
        const QByteArray metric = s.metric.toUtf8();
        for (const HistoryPoint &p : s.points) {
            QByteArray value;
            if (p.isText) {
                value = p.text.toUtf8();
                value.replace('"', "\"\"");
                value = '"' + value + '"';
            } else {
                value = QByteArray::number(p.value, 'g', 15);
            }
            out += metric + ',' + QByteArray::number(p.ts) + ',' + Json::isoUtc(QDateTime::fromMSecsSinceEpoch(p.ts, Qt::UTC)).toLatin1() + ',' + value + "\r\n";
        }
    }
    Response r;
    r.contentType = "text/csv; charset=utf-8";
    r.body = out;
    return r;
}

/// A device type's schema as the API answers it: its document, the type, version and time of the last change.
QJsonObject schemaAnswer(const QString &deviceType, const TelemetrySchema &s)
{
    QJsonObject doc = TelemetrySchemas::toJson(s);
    doc.insert(QStringLiteral("device_type"), deviceType);
    doc.insert(QStringLiteral("version"), s.version);
    doc.insert(QStringLiteral("updated_at"), s.updatedAt.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s.updatedAt));
    return doc;
}

QJsonObject toJson(const TelemetryRejects &r)
{
    QJsonObject counts;
    for (int i = 0; i < Telemetry::kRejectKinds; ++i)
        if (const qint64 n = r.counts[size_t(i)])
            counts.insert(Telemetry::rejectName(Telemetry::Reject(i)), n);
    QJsonValue last = QJsonValue::Null;
    if (r.last)
        last = QJsonObject{{QStringLiteral("reason"), Telemetry::rejectName(r.last->reason)},
                           {QStringLiteral("detail"), r.last->detail},
                           {QStringLiteral("seq"), r.last->seq ? QJsonValue(r.last->seq) : QJsonValue(QJsonValue::Null)},
                           {QStringLiteral("at"), Json::isoUtc(QDateTime::fromMSecsSinceEpoch(r.last->atMs, Qt::UTC))}};
    return QJsonObject{{QStringLiteral("device_id"), r.deviceId}, {QStringLiteral("rejected"), counts}, {QStringLiteral("total"), r.total},
                       {QStringLiteral("last"), last}, {QStringLiteral("since"), Json::isoUtc(r.since)}};
}

} // namespace

void registerTelemetryRoutes(Router &router, TelemetryServices telemetry)
{
    Policy::define({
        {QStringLiteral("telemetry.read"), Policy::everyone(), QStringLiteral("Read telemetry and the device types' telemetry schemas")},
        {QStringLiteral("telemetry.schema"), Policy::admins(), QStringLiteral("Set or remove a device type's telemetry schema")},
    });
    TelemetryHistory *history = telemetry.history;
    TelemetryIngest *ingest = telemetry.ingest;
    TelemetrySchemas *schemas = telemetry.schemas;
    LatestValueCache *latest = telemetry.latest;
    router.add("GET", QStringLiteral("/v1/devices/{device_id}/telemetry"), Access::Read,
               QStringLiteral("History of a device's metrics: raw points, or aggregated into intervals"), [history](Request &req) {
        const QString id = req.arg(QStringLiteral("device_id"));
        if (QUuid::fromString(id).isNull())
            return Response::problem(404, QStringLiteral("no device with id %1 (device ids are UUIDs)").arg(id.left(64)));
        TelemetryQuery q;
        q.metrics = metricList(req.queryValue(QStringLiteral("metric")));
        if (q.metrics.size() > TelemetryHistory::kMaxSeries)
            return Response::problem(400, QStringLiteral("at most %1 metrics per query (%2 asked for); ask in several queries")
                                              .arg(TelemetryHistory::kMaxSeries).arg(q.metrics.size()));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QString to = req.queryValue(QStringLiteral("to"));
        const QString from = req.queryValue(QStringLiteral("from"));
        const auto toMs = to.isEmpty() ? std::optional<qint64>(now + 1) : parseTime(to);
        if (!toMs)
            return Response::problem(400, QStringLiteral("\"to\" must be milliseconds since the epoch or an ISO 8601 time"));
        const auto fromMs = from.isEmpty() ? std::optional<qint64>(*toMs - 3600000) : parseTime(from);
        if (!fromMs)
            return Response::problem(400, QStringLiteral("\"from\" must be milliseconds since the epoch or an ISO 8601 time"));
        if (*fromMs >= *toMs)
            return Response::problem(400, QStringLiteral("\"from\" must be before \"to\""));
        if (*toMs - *fromMs > kMaxSpanMs)
            return Response::problem(400, QStringLiteral("the time range is longer than 400 days"));
        q.fromMs = *fromMs;
        q.toMs = *toMs;
        const QString interval = req.queryValue(QStringLiteral("interval"));
        if (!interval.isEmpty()) {
            const auto iv = parseInterval(interval);
            if (!iv || *iv < 1000)
                return Response::problem(400, QStringLiteral("\"interval\" must be a duration of at least 1 s, e.g. 30s, 5m, 1h, 1d or milliseconds"));
            if ((q.toMs - q.fromMs) / *iv > 100000)
                return Response::problem(400, QStringLiteral("that interval makes more than 100000 buckets; choose a longer one"));
            q.intervalMs = *iv;
        }
        const QString agg = req.queryValue(QStringLiteral("agg"));
        if (!agg.isEmpty()) {
            static const QStringList aggs{QStringLiteral("avg"), QStringLiteral("min"), QStringLiteral("max"), QStringLiteral("sum"),
                                          QStringLiteral("count"), QStringLiteral("last")};
            if (!aggs.contains(agg))
                return Response::problem(400, QStringLiteral("\"agg\" must be one of %1").arg(aggs.join(QStringLiteral(", "))));
            if (q.intervalMs == 0)
                return Response::problem(400, QStringLiteral("\"agg\" needs an \"interval\""));
            q.agg = agg;
        }
        if (const QString bands = req.queryValue(QStringLiteral("bands")); !bands.isEmpty()) {
            if (bands != u"true" && bands != u"false")
                return Response::problem(400, QStringLiteral("\"bands\" must be true or false"));
            if (bands == u"true" && q.intervalMs == 0)
                return Response::problem(400, QStringLiteral("\"bands\" needs an \"interval\""));
            q.bands = bands == u"true";
        }
        const QString limit = req.queryValue(QStringLiteral("limit"));
        if (!limit.isEmpty()) {
            bool ok = false;
            q.limit = limit.toInt(&ok);
            if (!ok || q.limit < 1 || q.limit > 100000)
                return Response::problem(400, QStringLiteral("\"limit\" must be an integer from 1 to 100000"));
        }
        const bool wantsCsv = req.header("accept").contains("text/csv");
        if (req.respondLater) { // read on the history reader's thread: a long range does not hold ingest
            // Rendered (JSON or CSV) on the reader's thread; only the finished bytes come back to this one.
            history->historyLater(req.who(), id, q, [respond = req.respondLater, wantsCsv](Result<HistoryResult> history) -> std::function<void()> {
                Response r = !history ? Response::fromError(history.error()) : wantsCsv ? csv(*history) : Response::json(toJson(*history));
                if (!history && history.error().code == ErrorCode::Unavailable && history.error().message.contains(QStringLiteral("history queries")))
                    r.headers.append(std::make_pair(QByteArray("Retry-After"), QByteArray("1")));
                return [respond, r = std::move(r)]() mutable { respond(std::move(r)); };
            });
            return Response::deferred();
        }
        auto answer = history->history(req.who(), id, q);
        if (!answer)
            return Response::fromError(answer.error());
        return wantsCsv ? csv(*answer) : Response::json(toJson(*answer));
    });

    router.add("GET", QStringLiteral("/v1/devices/{device_id}/telemetry/rejects"), QStringLiteral("telemetry.read"),
               QStringLiteral("A device's refused telemetry since the server started: counts by reason and the last refusal"), [ingest](Request &req) {
        const QString id = req.arg(QStringLiteral("device_id"));
        if (QUuid::fromString(id).isNull())
            return Response::problem(404, QStringLiteral("no device with id %1 (device ids are UUIDs)").arg(id.left(64)));
        auto rejects = ingest->rejects(req.who(), id);
        return rejects ? Response::json(toJson(*rejects)) : Response::fromError(rejects.error());
    });

    // A device type's telemetry schema. Types are the device_type of the tenant's devices: a name of at most 64
    // characters, anything else cannot exist.
    const auto badType = [](const Request &req) -> std::optional<Response> {
        const QString type = req.arg(QStringLiteral("device_type"));
        if (type.isEmpty() || type.size() > 64)
            return Response::problem(404, QStringLiteral("no device type \"%1\"").arg(type.left(64)));
        return std::nullopt;
    };
    router.add("GET", QStringLiteral("/v1/device-types/{device_type}/telemetry-schema"), QStringLiteral("telemetry.read"),
               QStringLiteral("The telemetry schema of a device type: each metric's type, unit and range"), [schemas, badType](Request &req) {
        if (auto bad = badType(req))
            return *bad;
        const QString type = req.arg(QStringLiteral("device_type"));
        auto schema = schemas->schema(req.who(), type);
        return schema ? Response::json(schemaAnswer(type, *schema)) : Response::fromError(schema.error());
    });
    router.add("PUT", QStringLiteral("/v1/device-types/{device_type}/telemetry-schema"), QStringLiteral("telemetry.schema"),
               QStringLiteral("Set the telemetry schema of a device type (checked at ingest from the next message on)"), [schemas, badType](Request &req) {
        if (auto bad = badType(req))
            return *bad;
        QJsonObject body;
        if (auto bad = readBody(req, body))
            return *bad;
        const QString type = req.arg(QStringLiteral("device_type"));
        if (auto known = schemas->schema(req.who(), type); !known) // an unknown type is 404 before a bad body is 400
            return Response::fromError(known.error());
        auto parsed = TelemetrySchemas::fromJson(body);
        if (!parsed)
            return Response::fromError(parsed.error());
        auto stored = schemas->setSchema(req.who(), type, std::move(*parsed));
        return stored ? Response::json(schemaAnswer(type, *stored)) : Response::fromError(stored.error());
    });
    router.add("DELETE", QStringLiteral("/v1/device-types/{device_type}/telemetry-schema"), QStringLiteral("telemetry.schema"),
               QStringLiteral("Remove the telemetry schema of a device type (every well-formed metric is taken again)"), [schemas, badType](Request &req) {
        if (auto bad = badType(req))
            return *bad;
        if (auto st = schemas->removeSchema(req.who(), req.arg(QStringLiteral("device_type"))); !st)
            return Response::fromError(st.error());
        return Response::noContent();
    });

    router.add("GET", QStringLiteral("/v1/tenants/{tenant_id}/telemetry/latest"), Access::Read,
               QStringLiteral("Latest values of every device of a tenant"), [latest](Request &req) {
        int limit = 1000;
        const QString l = req.queryValue(QStringLiteral("limit"));
        if (!l.isEmpty()) {
            bool ok = false;
            limit = l.toInt(&ok);
            if (!ok || limit < 1 || limit > 10000)
                return Response::problem(400, QStringLiteral("\"limit\" must be an integer from 1 to 10000"));
        }
        auto page = latest->latestJson(req.who(), req.arg(QStringLiteral("tenant_id")), metricList(req.queryValue(QStringLiteral("metric"))),
                                          req.queryValue(QStringLiteral("cursor")), limit);
        if (!page)
            return Response::fromError(page.error());
        Response r;
        r.body = *page;
        return r;
    });
}

} // namespace Fleetdeck::Api
