#pragma once

#include <QJsonDocument>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrlQuery>
#include <QVector>

#include <expected>

/// One metric's history as answered by GET /v1/devices/{id}/telemetry, ready to plot.
struct TelemetrySeries
{
    QString metric;
    QString unit;            ///< empty: the server sent none
    QVector<double> t;       ///< seconds since the epoch (what QCPAxisTickerDateTime wants), ascending
    QVector<double> v;       ///< same length as t; booleans as 0 / 1
    /// Each bucket's lowest and highest reading when the history is aggregated with bands
    /// (`bands=true`: points are [ts, value, min, max]); both empty otherwise, else as long as t.
    QVector<double> lo;
    QVector<double> hi;
    bool truncated = false;  ///< the server stopped at its limit: more points exist in the range
};

/// Parses the answer of GET /v1/devices/{id}/telemetry:
/// `{"device_id":…,"series":[{"metric":"temp","unit":null,"points":[[ts_ms, value], …],"truncated":false}]}`.
/// Aggregated with `bands=true` a point is [ts_ms, value, min, max]; a series gets lo/hi only when every
/// kept point has them.
///
/// Numbers are kept, booleans become 0 / 1; strings and nulls (an empty bucket) cannot be
/// plotted and are skipped. Points are returned sorted by time even if the server did not
/// send them so. Anything structurally wrong yields a readable error (English, for the log).
[[nodiscard]] std::expected<QList<TelemetrySeries>, QString> parseTelemetrySeries(const QJsonDocument &document);

/// The aggregation interval (ms) for a query over `spanMs`, so that it returns at most 1,000
/// buckets: the smallest of 1 s, 5 s, 10 s, 30 s, 1 min, 5 min, 10 min, 30 min, 1 h, 6 h, 1 d
/// that does, and 1 d for anything longer. 0 (raw points) for spans up to 15 minutes.
[[nodiscard]] qint64 telemetryIntervalForSpan(qint64 spanMs);

/// The interval as the server's `interval` query parameter wants it: "30s", "5m", "1h", "1d",
/// or plain milliseconds when it is no whole number of seconds. Empty for 0 (raw points).
[[nodiscard]] QString telemetryIntervalParameter(qint64 intervalMs);

/// The query of GET /v1/devices/{id}/telemetry for [fromMs, toMs) at intervalMs (telemetryIntervalForSpan(); 0 is raw
/// points): aggregated history asks for averages with each bucket's min and max (bands=true, the chart's band); only
/// `metrics` when given; up to the server's 100,000 points.
[[nodiscard]] QUrlQuery telemetryHistoryQuery(qint64 fromMs, qint64 toMs, qint64 intervalMs, const QStringList &metrics = {});
