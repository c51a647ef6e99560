#include "telemetryseries.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

constexpr qint64 kRawSpanMs = 15 * kMinute;
constexpr qint64 kMaxBuckets = 1000;
constexpr qint64 kNiceIntervals[] = {kSecond, 5 * kSecond, 10 * kSecond, 30 * kSecond, kMinute, 5 * kMinute,
                                     10 * kMinute, 30 * kMinute, kHour, 6 * kHour, kDay};

// Puts the points in time order; the server sends them sorted, so this is usually one pass.
void sortByTime(TelemetrySeries &s)
{
    if (std::is_sorted(s.t.cbegin(), s.t.cend()))
        return;
    QVector<qsizetype> order(s.t.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return s.t[a] < s.t[b]; });
    const bool banded = !s.lo.isEmpty();
    QVector<double> t, v, lo, hi;
    t.reserve(order.size());
    v.reserve(order.size());
    for (const qsizetype i : std::as_const(order)) {
        t.append(s.t[i]);
        v.append(s.v[i]);
        if (banded) {
            lo.append(s.lo[i]);
            hi.append(s.hi[i]);
        }
    }
    s.t = std::move(t);
    s.v = std::move(v);
    s.lo = std::move(lo);
    s.hi = std::move(hi);
}

} // namespace

std::expected<QList<TelemetrySeries>, QString> parseTelemetrySeries(const QJsonDocument &document)
{
    if (!document.isObject())
        return std::unexpected(u"telemetry answer is not a JSON object"_s);
    const QJsonValue seriesValue = document.object().value(u"series"_s);
    if (!seriesValue.isArray())
        return std::unexpected(u"telemetry answer has no series array"_s);

    QList<TelemetrySeries> out;
    const QJsonArray seriesArray = seriesValue.toArray();
    out.reserve(seriesArray.size());
    for (qsizetype i = 0; i < seriesArray.size(); ++i) {
        const QJsonValue entry = seriesArray.at(i);
        if (!entry.isObject())
            return std::unexpected(u"telemetry series %1 is not an object"_s.arg(i));
        const QJsonObject o = entry.toObject();
        TelemetrySeries s;
        s.metric = o.value(u"metric"_s).toString();
        if (s.metric.isEmpty())
            return std::unexpected(u"telemetry series %1 has no metric name"_s.arg(i));
        const QJsonValue unit = o.value(u"unit"_s);
        if (!unit.isString() && !unit.isNull() && !unit.isUndefined())
            return std::unexpected(u"telemetry series \"%1\": unit is neither a string nor null"_s.arg(s.metric));
        s.unit = unit.toString();
        s.truncated = o.value(u"truncated"_s).toBool(false);
        const QJsonValue pointsValue = o.value(u"points"_s);
        if (!pointsValue.isArray())
            return std::unexpected(u"telemetry series \"%1\" has no points array"_s.arg(s.metric));
        const QJsonArray points = pointsValue.toArray();
        s.t.reserve(points.size());
        s.v.reserve(points.size());
        bool banded = true;
        for (qsizetype p = 0; p < points.size(); ++p) {
            const QJsonArray point = points.at(p).toArray();
            // An empty array is also what toArray() gives for a non-array, so both land here.
            if ((point.size() != 2 && point.size() != 4) || !point.at(0).isDouble())
                return std::unexpected(u"telemetry series \"%1\": point %2 is not [ts_ms, value]"_s.arg(s.metric).arg(p));
            const double tsMs = point.at(0).toDouble();
            if (!std::isfinite(tsMs) || tsMs < 0)
                return std::unexpected(u"telemetry series \"%1\": point %2 has an invalid time"_s.arg(s.metric).arg(p));
            const QJsonValue value = point.at(1);
            double v = 0;
            if (value.isDouble())
                v = value.toDouble();
            else if (value.isBool())
                v = value.toBool() ? 1.0 : 0.0;
            else
                continue;   // string, null (empty bucket) or structured: nothing to plot
            s.t.append(tsMs / 1000.0);
            s.v.append(v);
            if (point.size() == 4 && point.at(2).isDouble() && point.at(3).isDouble()) {
                s.lo.append(point.at(2).toDouble());
                s.hi.append(point.at(3).toDouble());
            } else {
                banded = false;
            }
        }
        if (!banded || s.lo.size() != s.t.size()) {
            s.lo.clear();
            s.hi.clear();
        }
        sortByTime(s);
        out.append(std::move(s));
    }
    return out;
}

qint64 telemetryIntervalForSpan(qint64 spanMs)
{
    if (spanMs <= kRawSpanMs)
        return 0;
    for (const qint64 interval : kNiceIntervals) {
        if ((spanMs + interval - 1) / interval <= kMaxBuckets)
            return interval;
    }
    return kDay;
}

QString telemetryIntervalParameter(qint64 intervalMs)
{
    if (intervalMs <= 0)
        return {};
    if (intervalMs % kDay == 0)
        return u"%1d"_s.arg(intervalMs / kDay);
    if (intervalMs % kHour == 0)
        return u"%1h"_s.arg(intervalMs / kHour);
    if (intervalMs % kMinute == 0)
        return u"%1m"_s.arg(intervalMs / kMinute);
    if (intervalMs % kSecond == 0)
        return u"%1s"_s.arg(intervalMs / kSecond);
    return QString::number(intervalMs);
}

QUrlQuery telemetryHistoryQuery(qint64 fromMs, qint64 toMs, qint64 intervalMs, const QStringList &metrics)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("from"), QString::number(fromMs));
    query.addQueryItem(QStringLiteral("to"), QString::number(toMs));
    if (!metrics.isEmpty())
        query.addQueryItem(QStringLiteral("metric"), metrics.join(u','));
    if (intervalMs > 0) {
        query.addQueryItem(QStringLiteral("interval"), QString::number(intervalMs));
        query.addQueryItem(QStringLiteral("agg"), QStringLiteral("avg"));
        query.addQueryItem(QStringLiteral("bands"), QStringLiteral("true"));
    }
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("100000"));
    return query;
}
