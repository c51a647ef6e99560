// The device view's telemetry chart: parsing the server's history, the aggregation interval it
// asks for, and the widget (history, live points, trimming, metric toggles, range requests).

#include "device/telemetrychart.h"
#include "device/telemetryseries.h"

#include <QComboBox>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>

#include <qcustomplot.h>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

/// `n` points of `metric` evenly in [fromMs, toMs), value = index.
TelemetrySeries series(const QString &metric, qint64 fromMs, qint64 toMs, int n)
{
    TelemetrySeries s;
    s.metric = metric;
    for (int i = 0; i < n; ++i) {
        s.t.append(double(fromMs + (toMs - fromMs) * i / n) / 1000.0);
        s.v.append(i);
    }
    return s;
}

QToolButton *metricButton(TelemetryChart &chart, const QString &metric)
{
    return chart.findChild<QToolButton *>(u"metricButton:"_s + metric);
}

QCPGraph *graphOf(TelemetryChart &chart, const QString &metric)
{
    QCustomPlot *plot = chart.plot();
    for (int i = 0; i < plot->graphCount(); ++i) {
        if (plot->graph(i)->valueAxis()->label().startsWith(metric))
            return plot->graph(i);
    }
    return nullptr;
}

} // namespace

class TestTelemetryChart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void parses_data();
    void parses();
    void malformedIsAnError_data();
    void malformedIsAnError();

    void interval_data();
    void interval();
    void intervalStaysUnderThousandBuckets();
    void intervalParameter_data();
    void intervalParameter();

    void setSeriesFillsGraphs();
    void setSeriesKeepsNewerLivePoints_data();
    void setSeriesKeepsNewerLivePoints();
    void appendLiveGrowsAndTrims();
    void appendLiveWithLiveOffKeepsOldPoints();
    void togglingMetricHidesItsGraph();
    void fewMetricsShownByDefault();
    void firstRequestIsTheDefaultRange();
    void rangeComboRequests_data();
    void rangeComboRequests();
    void rangeChangesAreDebounced();
    void zoomAndPanRequestOnlyWhenNeeded();
    void wheelZoomTurnsLiveOff();
    void resetZoomReturnsToSelectedRange();
    void loadingAndErrorShowInTheChart();
    void backgroundFollowsPalette();
    void bandsDrawnUnderTheLine();
    void markersAndReferenceLines();
    void unitsFromTheSchema();
};

void TestTelemetryChart::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

// --- parsing ------------------------------------------------------------------------------------

void TestTelemetryChart::parses_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("metrics");
    QTest::addColumn<QString>("unit");
    QTest::addColumn<bool>("truncated");
    QTest::addColumn<QList<double>>("t");
    QTest::addColumn<QList<double>>("v");

    QTest::newRow("numbers")
        << QByteArray(R"({"device_id":"d","series":[{"metric":"temp","unit":null,"points":[[1000,21.5],[2000,22],[3500,-4e3]],"truncated":false}]})")
        << QStringList{u"temp"_s} << QString() << false << QList<double>{1.0, 2.0, 3.5} << QList<double>{21.5, 22, -4000};
    QTest::newRow("booleans as 0 and 1")
        << QByteArray(R"({"series":[{"metric":"door","points":[[1000,true],[2000,false],[3000,true]]}]})")
        << QStringList{u"door"_s} << QString() << false << QList<double>{1, 2, 3} << QList<double>{1, 0, 1};
    QTest::newRow("strings, nulls and objects skipped")
        << QByteArray(R"({"series":[{"metric":"mode","points":[[1000,"eco"],[2000,5],[3000,null],[4000,{"a":1}],[5000,6]]}]})")
        << QStringList{u"mode"_s} << QString() << false << QList<double>{2, 5} << QList<double>{5, 6};
    QTest::newRow("unsorted points come out sorted")
        << QByteArray(R"({"series":[{"metric":"m","points":[[3000,3],[1000,1],[2000,2]]}]})")
        << QStringList{u"m"_s} << QString() << false << QList<double>{1, 2, 3} << QList<double>{1, 2, 3};
    QTest::newRow("unit and truncated")
        << QByteArray(R"({"series":[{"metric":"p","unit":"kPa","points":[[1000,1]],"truncated":true}]})")
        << QStringList{u"p"_s} << u"kPa"_s << true << QList<double>{1} << QList<double>{1};
    QTest::newRow("several series, first checked")
        << QByteArray(R"({"series":[{"metric":"a","points":[]},{"metric":"b","points":[[1,2]]}]})")
        << QStringList{u"a"_s, u"b"_s} << QString() << false << QList<double>{} << QList<double>{};
    QTest::newRow("no series") << QByteArray(R"({"device_id":"d","series":[]})") << QStringList{} << QString() << false
                               << QList<double>{} << QList<double>{};
}

void TestTelemetryChart::parses()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, metrics);
    QFETCH(QString, unit);
    QFETCH(bool, truncated);
    QFETCH(QList<double>, t);
    QFETCH(QList<double>, v);

    const auto result = parseTelemetrySeries(QJsonDocument::fromJson(text));
    QVERIFY2(result.has_value(), qPrintable(result.error()));
    QStringList names;
    for (const TelemetrySeries &s : *result)
        names << s.metric;
    QCOMPARE(names, metrics);
    if (metrics.isEmpty())
        return;
    const TelemetrySeries &first = result->first();
    QCOMPARE(first.unit, unit);
    QCOMPARE(first.truncated, truncated);
    QCOMPARE(first.t, t);
    QCOMPARE(first.v, v);
}

void TestTelemetryChart::malformedIsAnError_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("not JSON") << QByteArray("{\"series\": [");
    QTest::newRow("an array") << QByteArray(R"([{"metric":"a","points":[]}])");
    QTest::newRow("no series") << QByteArray(R"({"device_id":"d"})");
    QTest::newRow("series is an object") << QByteArray(R"({"series":{"metric":"a"}})");
    QTest::newRow("series entry is a number") << QByteArray(R"({"series":[5]})");
    QTest::newRow("no metric name") << QByteArray(R"({"series":[{"points":[]}]})");
    QTest::newRow("no points") << QByteArray(R"({"series":[{"metric":"a"}]})");
    QTest::newRow("points is a string") << QByteArray(R"({"series":[{"metric":"a","points":"1,2"}]})");
    QTest::newRow("point is a number") << QByteArray(R"({"series":[{"metric":"a","points":[7]}]})");
    QTest::newRow("point has three items") << QByteArray(R"({"series":[{"metric":"a","points":[[1,2,3]]}]})");
    QTest::newRow("point has one item") << QByteArray(R"({"series":[{"metric":"a","points":[[1]]}]})");
    QTest::newRow("time is a string") << QByteArray(R"({"series":[{"metric":"a","points":[["2026-01-01",2]]}]})");
    QTest::newRow("negative time") << QByteArray(R"({"series":[{"metric":"a","points":[[-5,2]]}]})");
    QTest::newRow("unit is a number") << QByteArray(R"({"series":[{"metric":"a","unit":3,"points":[]}]})");
}

void TestTelemetryChart::malformedIsAnError()
{
    QFETCH(QByteArray, text);
    const auto result = parseTelemetrySeries(QJsonDocument::fromJson(text));
    QVERIFY(!result.has_value());
    QVERIFY(!result.error().isEmpty());
}

// --- interval -----------------------------------------------------------------------------------

void TestTelemetryChart::interval_data()
{
    QTest::addColumn<qint64>("spanMs");
    QTest::addColumn<qint64>("intervalMs");
    QTest::newRow("1 min: raw") << kMinute << qint64(0);
    QTest::newRow("15 min: raw") << 15 * kMinute << qint64(0);
    QTest::newRow("just over 15 min: 1 s") << 15 * kMinute + 1 << qint64(1000);
    QTest::newRow("1000 s: 1 s") << qint64(1000 * 1000) << qint64(1000);
    QTest::newRow("1001 s: 5 s") << qint64(1001 * 1000) << qint64(5000);
    QTest::newRow("1 h: 5 s") << kHour << qint64(5000);
    QTest::newRow("6 h: 30 s") << 6 * kHour << qint64(30000);
    QTest::newRow("24 h: 5 min") << kDay << 5 * kMinute;
    QTest::newRow("7 days: 30 min") << 7 * kDay << 30 * kMinute;
    QTest::newRow("30 days: 1 h") << 30 * kDay << kHour;
    QTest::newRow("200 days: 6 h") << 200 * kDay << 6 * kHour;
    QTest::newRow("400 days: 1 d") << 400 * kDay << kDay;
    QTest::newRow("5000 days: still 1 d") << 5000 * kDay << kDay;
}

void TestTelemetryChart::interval()
{
    QFETCH(qint64, spanMs);
    QFETCH(qint64, intervalMs);
    QCOMPARE(telemetryIntervalForSpan(spanMs), intervalMs);
}

void TestTelemetryChart::intervalStaysUnderThousandBuckets()
{
    const QList<qint64> nice{1000, 5000, 10000, 30000, kMinute, 5 * kMinute, 10 * kMinute, 30 * kMinute,
                             kHour, 6 * kHour, kDay};
    for (qint64 span = 15 * kMinute + 1; span < 1000 * kDay; span = span * 21 / 20 + 1) {
        const qint64 iv = telemetryIntervalForSpan(span);
        QVERIFY2(nice.contains(iv), qPrintable(u"span %1 ms gave %2"_s.arg(span).arg(iv)));
        QVERIFY2((span + iv - 1) / iv <= 1000 || iv == kDay, qPrintable(u"span %1 ms in %2 ms buckets"_s.arg(span).arg(iv)));
        // The smallest that fits: the next finer one would not.
        const qsizetype i = nice.indexOf(iv);
        if (i > 0)
            QVERIFY((span + nice[i - 1] - 1) / nice[i - 1] > 1000);
        QVERIFY(span / iv <= 100000);   // what the server refuses
    }
}

void TestTelemetryChart::intervalParameter_data()
{
    QTest::addColumn<qint64>("intervalMs");
    QTest::addColumn<QString>("parameter");
    QTest::newRow("raw") << qint64(0) << QString();
    QTest::newRow("1 s") << qint64(1000) << u"1s"_s;
    QTest::newRow("30 s") << qint64(30000) << u"30s"_s;
    QTest::newRow("5 min") << 5 * kMinute << u"5m"_s;
    QTest::newRow("90 s") << qint64(90000) << u"90s"_s;
    QTest::newRow("6 h") << 6 * kHour << u"6h"_s;
    QTest::newRow("1 d") << kDay << u"1d"_s;
    QTest::newRow("1.5 s") << qint64(1500) << u"1500"_s;
}

void TestTelemetryChart::intervalParameter()
{
    QFETCH(qint64, intervalMs);
    QFETCH(QString, parameter);
    QCOMPARE(telemetryIntervalParameter(intervalMs), parameter);
}

// --- widget -------------------------------------------------------------------------------------

void TestTelemetryChart::setSeriesFillsGraphs()
{
    TelemetryChart chart;
    QCOMPARE(chart.objectName(), u"telemetryChart"_s);
    const qint64 to = now(), from = to - kHour;
    const auto parsed = parseTelemetrySeries(QJsonDocument(QJsonObject{
        {u"series"_s, QJsonArray{QJsonObject{{u"metric"_s, u"door"_s},
                                             {u"points"_s, QJsonArray{QJsonArray{from + 1000, true}, QJsonArray{from + 2000, false},
                                                                      QJsonArray{from + 3000, u"open"_s}}}}}}}));
    QVERIFY(parsed);
    QList<TelemetrySeries> history{series(u"temp"_s, from, to, 720)};
    history += *parsed;
    chart.setSeries(history, from, to);

    QCOMPARE(chart.metrics(), (QStringList{u"temp"_s, u"door"_s}));
    QCOMPARE(chart.shownMetrics(), chart.metrics());
    QCOMPARE(chart.pointCount(u"temp"_s), 720);
    QCOMPARE(chart.pointCount(u"door"_s), 2);
    QCOMPARE(chart.pointCount(u"nope"_s), -1);
    QCOMPARE(chart.plot()->graphCount(), 2);
    QVERIFY(graphOf(chart, u"temp"_s));
    QCOMPARE(graphOf(chart, u"temp"_s)->dataCount(), 720);
    QCOMPARE(graphOf(chart, u"door"_s)->dataCount(), 2);
    // One stacked axis rect per metric, each with its own value axis.
    QCOMPARE(chart.plot()->axisRectCount(), 2);
    QVERIFY(graphOf(chart, u"temp"_s)->valueAxis() != graphOf(chart, u"door"_s)->valueAxis());

    // A second history replaces the first.
    chart.setSeries({series(u"temp"_s, from, to, 100)}, from, to);
    QCOMPARE(chart.pointCount(u"temp"_s), 100);
    QCOMPARE(chart.pointCount(u"door"_s), 0);

    chart.clear();
    QVERIFY(chart.metrics().isEmpty());
    QCOMPARE(chart.plot()->graphCount(), 0);
}

void TestTelemetryChart::setSeriesKeepsNewerLivePoints_data()
{
    QTest::addColumn<int>("rangeIndex");
    QTest::addColumn<qint64>("historyFromAgo");
    QTest::addColumn<int>("kept");
    // Aggregated history (1 h in 5 s buckets) is keyed by bucket start: only readings from `to` on
    // are not in it. Raw history holds every reading up to its last point.
    QTest::newRow("aggregated: from `to` on") << 1 << kHour << 1;
    QTest::newRow("raw: after the last point") << 0 << 10 * kMinute << 2;
}

void TestTelemetryChart::setSeriesKeepsNewerLivePoints()
{
    QFETCH(int, rangeIndex);
    QFETCH(qint64, historyFromAgo);
    QFETCH(int, kept);

    TelemetryChart chart;
    chart.findChild<QComboBox *>(u"rangeCombo"_s)->setCurrentIndex(rangeIndex);
    const qint64 t = now();
    for (const qint64 ago : {120'000, 20'000, 10'000})
        chart.appendLive(u"temp"_s, t - ago, 1.0);
    QCOMPARE(chart.pointCount(u"temp"_s), 3);

    // History up to 15 s ago, its last point 60 s ago.
    TelemetrySeries s = series(u"temp"_s, t - historyFromAgo, t - 60'000, 10);
    s.t.last() = double(t - 60'000) / 1000.0;
    chart.setSeries({s}, t - historyFromAgo, t - 15'000);
    QCOMPARE(chart.pointCount(u"temp"_s), 10 + kept);
    // The kept ones are the live ones, after the history.
    const auto data = graphOf(chart, u"temp"_s)->data();
    QCOMPARE((data->constEnd() - 1)->key, double(t - 10'000) / 1000.0);
    QVERIFY(std::is_sorted(data->constBegin(), data->constEnd(),
                           [](const QCPGraphData &a, const QCPGraphData &b) { return a.key < b.key; }));

    // A later history for the same range keeps the same live points: they are still newer.
    chart.setSeries({s}, t - historyFromAgo, t - 15'000);
    QCOMPARE(chart.pointCount(u"temp"_s), 10 + kept);
}

void TestTelemetryChart::appendLiveGrowsAndTrims()
{
    TelemetryChart chart;
    chart.findChild<QComboBox *>(u"rangeCombo"_s)->setCurrentIndex(0);   // last 15 min
    QVERIFY(chart.isLive());
    QCOMPARE(chart.selectedSpanMs(), 15 * kMinute);

    // 100 readings over the last 30 minutes, oldest first, as a device would have sent them.
    const qint64 t = now();
    QList<qint64> stamps;
    for (int i = 0; i < 100; ++i)
        stamps << t - 30 * kMinute + i * 18'000;
    for (const qint64 ts : std::as_const(stamps))
        chart.appendLive(u"rpm"_s, ts, 1400.0 + double(ts % 7));

    QCOMPARE(chart.metrics(), QStringList{u"rpm"_s});
    QVERIFY(graphOf(chart, u"rpm"_s));
    const int count = chart.pointCount(u"rpm"_s);
    QCOMPARE(graphOf(chart, u"rpm"_s)->dataCount(), count);
    // Everything in the window stays; what is older than the window's start minus a tenth of
    // its span (1.5 min) is gone. A minute of slack either way for the clock moving on.
    const auto newerThan = [&](qint64 ago) { return int(std::ranges::count_if(stamps, [&](qint64 ts) { return ts >= t - ago; })); };
    QVERIFY2(count >= newerThan(15 * kMinute), qPrintable(QString::number(count)));
    QVERIFY2(count <= newerThan(17 * kMinute), qPrintable(QString::number(count)));
    QVERIFY(count < 100);

    // The window follows the live point: it ends at now.
    const auto [from, to] = chart.visibleRange();
    QCOMPARE(to - from, 15 * kMinute);
    QVERIFY(std::abs(to - now()) < 5000);

    chart.appendLive(u"rpm"_s, now(), 1500);
    // The new point is added; the window moved on with it, which may trim the oldest point (one comes every 18 s,
    // and a loaded machine takes a while to get here).
    const int after = chart.pointCount(u"rpm"_s);
    QVERIFY2(after == count + 1 || after == count, qPrintable(QStringLiteral("%1 points after %2").arg(after).arg(count)));
    QCOMPARE(graphOf(chart, u"rpm"_s)->data()->at(graphOf(chart, u"rpm"_s)->dataCount() - 1)->value, 1500.0);
}

void TestTelemetryChart::appendLiveWithLiveOffKeepsOldPoints()
{
    TelemetryChart chart;
    chart.findChild<QComboBox *>(u"rangeCombo"_s)->setCurrentIndex(0);
    chart.setLive(false);
    QVERIFY(!chart.findChild<QPushButton *>(u"liveButton"_s)->isChecked());
    const qint64 t = now();
    for (int i = 0; i < 100; ++i)
        chart.appendLive(u"rpm"_s, t - 30 * kMinute + i * 18'000, 1.0);
    // The operator may be looking at any of them: nothing is dropped below the hard limit.
    QCOMPARE(chart.pointCount(u"rpm"_s), 100);
    // Turning Live on slides to now and drops what is far out of the window.
    chart.setLive(true);
    QVERIFY(chart.pointCount(u"rpm"_s) < 100);
}

void TestTelemetryChart::togglingMetricHidesItsGraph()
{
    TelemetryChart chart;
    const qint64 to = now(), from = to - kHour;
    chart.setSeries({series(u"temp"_s, from, to, 300), series(u"pressure"_s, from, to, 200)}, from, to);
    QToolButton *temp = metricButton(chart, u"temp"_s);
    QVERIFY(temp);
    QVERIFY(temp->isChecked());
    QVERIFY(!temp->icon().isNull());   // the swatch in the graph's colour

    temp->click();
    QCOMPARE(chart.shownMetrics(), QStringList{u"pressure"_s});
    QCOMPARE(chart.plot()->graphCount(), 1);
    QVERIFY(!graphOf(chart, u"temp"_s));
    QCOMPARE(graphOf(chart, u"pressure"_s)->dataCount(), 200);
    QCOMPARE(chart.plot()->axisRectCount(), 1);
    QCOMPARE(chart.pointCount(u"temp"_s), 300);   // hidden, not forgotten

    // Live points for a hidden metric are still kept.
    chart.appendLive(u"temp"_s, now(), 5);
    QCOMPARE(chart.pointCount(u"temp"_s), 301);

    temp->click();
    QCOMPARE(chart.shownMetrics(), (QStringList{u"temp"_s, u"pressure"_s}));
    QCOMPARE(graphOf(chart, u"temp"_s)->dataCount(), 301);

    // Nothing shown: the time axis stays, so zooming still works.
    chart.setMetricShown(u"temp"_s, false);
    chart.setMetricShown(u"pressure"_s, false);
    QCOMPARE(chart.plot()->graphCount(), 0);
    QCOMPARE(chart.plot()->axisRectCount(), 1);
}

void TestTelemetryChart::fewMetricsShownByDefault()
{
    TelemetryChart chart;
    const qint64 to = now(), from = to - kHour;
    QList<TelemetrySeries> history;
    for (int i = 0; i < 6; ++i)
        history << series(u"m%1"_s.arg(i), from, to, 10);
    chart.setSeries(history, from, to);
    QCOMPARE(chart.metrics().size(), 6);
    QCOMPARE(chart.shownMetrics(), (QStringList{u"m0"_s, u"m1"_s, u"m2"_s, u"m3"_s}));
    QVERIFY(!metricButton(chart, u"m5"_s)->isChecked());
}

void TestTelemetryChart::firstRequestIsTheDefaultRange()
{
    TelemetryChart chart;
    QSignalSpy spy(&chart, &TelemetryChart::rangeRequested);
    QVERIFY(spy.isEmpty());   // debounced: the owner has time to connect
    QTRY_COMPARE(spy.count(), 1);
    const qint64 from = spy[0][0].toLongLong(), to = spy[0][1].toLongLong();
    QCOMPARE(to - from, kHour);
    QVERIFY(std::abs(to - now()) < 5000);
    QCOMPARE(spy[0][2].toLongLong(), qint64(5000));

    // Answered: nothing more is asked while nothing changes, Live sliding included.
    chart.setSeries({}, from, to);
    QTest::qWait(1300);
    QCOMPARE(spy.count(), 1);
}

void TestTelemetryChart::rangeComboRequests_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<qint64>("spanMs");
    QTest::addColumn<qint64>("intervalMs");
    QTest::newRow("last 15 min, raw") << 0 << 15 * kMinute << qint64(0);
    QTest::newRow("last 6 h") << 2 << 6 * kHour << qint64(30000);
    QTest::newRow("last 24 h") << 3 << kDay << 5 * kMinute;
    QTest::newRow("last 7 days") << 4 << 7 * kDay << 30 * kMinute;
    QTest::newRow("last 30 days") << 5 << 30 * kDay << kHour;
}

void TestTelemetryChart::rangeComboRequests()
{
    QFETCH(int, index);
    QFETCH(qint64, spanMs);
    QFETCH(qint64, intervalMs);

    TelemetryChart chart;
    QSignalSpy spy(&chart, &TelemetryChart::rangeRequested);
    QTRY_COMPARE(spy.count(), 1);
    chart.setSeries({}, spy[0][0].toLongLong(), spy[0][1].toLongLong());
    chart.setVisibleRange(now() - 2 * kHour, now() - kHour);   // Live off: the combo turns it on again
    QTRY_COMPARE(spy.count(), 2);

    chart.findChild<QComboBox *>(u"rangeCombo"_s)->setCurrentIndex(index);
    QVERIFY(chart.isLive());
    QTRY_COMPARE(spy.count(), 3);
    const QList<QVariant> args = spy.at(2);
    const qint64 from = args[0].toLongLong(), to = args[1].toLongLong();
    QCOMPARE(to - from, spanMs);
    QVERIFY(std::abs(to - now()) < 5000);
    QCOMPARE(args[2].toLongLong(), intervalMs);
    QCOMPARE(chart.visibleRange().second - chart.visibleRange().first, spanMs);
}

void TestTelemetryChart::rangeChangesAreDebounced()
{
    TelemetryChart chart;
    QSignalSpy spy(&chart, &TelemetryChart::rangeRequested);
    auto *combo = chart.findChild<QComboBox *>(u"rangeCombo"_s);
    combo->setCurrentIndex(2);
    combo->setCurrentIndex(3);
    combo->setCurrentIndex(4);
    QTRY_COMPARE(spy.count(), 1);
    QTest::qWait(400);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy[0][1].toLongLong() - spy[0][0].toLongLong(), 7 * kDay);
}

void TestTelemetryChart::zoomAndPanRequestOnlyWhenNeeded()
{
    TelemetryChart chart;
    QSignalSpy spy(&chart, &TelemetryChart::rangeRequested);
    QTRY_COMPARE(spy.count(), 1);
    const qint64 from = spy[0][0].toLongLong(), to = spy[0][1].toLongLong();
    chart.setSeries({series(u"temp"_s, from, to, 720)}, from, to);

    // Zoomed in to 45 min inside what is loaded: 5 s buckets are still right, nothing to ask.
    chart.setVisibleRange(to - 50 * kMinute, to - 5 * kMinute);
    QVERIFY(!chart.isLive());
    QTest::qWait(400);
    QCOMPARE(spy.count(), 1);

    // Panned to before the loaded range: asks for what is visible.
    chart.setVisibleRange(to - 3 * kHour, to - 2 * kHour - 15 * kMinute);
    QTRY_COMPARE(spy.count(), 2);
    QCOMPARE(spy[1][0].toLongLong(), to - 3 * kHour);
    QCOMPARE(spy[1][1].toLongLong(), to - 2 * kHour - 15 * kMinute);
    QCOMPARE(spy[1][2].toLongLong(), qint64(5000));
    chart.setSeries({series(u"temp"_s, to - 3 * kHour, to - 2 * kHour - 15 * kMinute, 540)}, to - 3 * kHour,
                    to - 2 * kHour - 15 * kMinute);

    // Zoomed in to 10 minutes: raw points are wanted now.
    chart.setVisibleRange(to - 3 * kHour, to - 3 * kHour + 10 * kMinute);
    QTRY_COMPARE(spy.count(), 3);
    QCOMPARE(spy[2][2].toLongLong(), qint64(0));

    // Live on again: the selected hour up to now.
    chart.setLive(true);
    QTRY_COMPARE(spy.count(), 4);
    QCOMPARE(spy[3][1].toLongLong() - spy[3][0].toLongLong(), kHour);
}

void TestTelemetryChart::wheelZoomTurnsLiveOff()
{
    TelemetryChart chart;
    chart.resize(800, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const qint64 to = now(), from = to - kHour;
    chart.setSeries({series(u"temp"_s, from, to, 720)}, from, to);
    chart.plot()->replot(QCustomPlot::rpImmediateRefresh);   // lays the axis rects out
    QSignalSpy spy(&chart, &TelemetryChart::rangeRequested);
    QVERIFY(chart.isLive());

    QCPAxisRect *rect = chart.plot()->axisRect(0);
    const QPointF pos = rect->rect().center();
    const auto wheel = [&](int delta) {
        QWheelEvent event(pos, chart.plot()->mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(chart.plot(), &event);
    };

    // One step in: Live goes off; still inside the loaded hour at the same resolution, so
    // nothing is asked.
    wheel(120);
    QVERIFY(!chart.isLive());
    QVERIFY(!chart.findChild<QPushButton *>(u"liveButton"_s)->isChecked());
    const auto [inFrom, inTo] = chart.visibleRange();
    QVERIFY2(inTo - inFrom < kHour, qPrintable(QString::number(inTo - inFrom)));
    QTest::qWait(400);
    QCOMPARE(spy.count(), 0);

    // Three steps out: wider than what is loaded, so the visible range is asked for.
    wheel(-120);
    wheel(-120);
    wheel(-120);
    const auto [outFrom, outTo] = chart.visibleRange();
    QVERIFY2(outTo - outFrom > kHour, qPrintable(QString::number(outTo - outFrom)));
    QTRY_COMPARE(spy.count(), 1);   // once for the three steps
    QCOMPARE(spy[0][0].toLongLong(), outFrom);
    QCOMPARE(spy[0][2].toLongLong(), telemetryIntervalForSpan(spy[0][1].toLongLong() - spy[0][0].toLongLong()));
}

void TestTelemetryChart::resetZoomReturnsToSelectedRange()
{
    TelemetryChart chart;
    chart.findChild<QComboBox *>(u"rangeCombo"_s)->setCurrentIndex(2);   // 6 h
    chart.setVisibleRange(now() - 3 * kDay, now() - 2 * kDay);
    QVERIFY(!chart.isLive());
    chart.findChild<QPushButton *>(u"resetZoomButton"_s)->click();
    QVERIFY(chart.isLive());
    const auto [from, to] = chart.visibleRange();
    QCOMPARE(to - from, 6 * kHour);
    QVERIFY(std::abs(to - now()) < 5000);
}

void TestTelemetryChart::loadingAndErrorShowInTheChart()
{
    TelemetryChart chart;
    auto *status = chart.findChild<QLabel *>(u"chartStatus"_s);
    QVERIFY(status);
    QVERIFY(status->isHidden());

    chart.setLoading(true);
    QVERIFY(!status->isHidden());
    QVERIFY(!status->text().isEmpty());

    chart.setError(u"Server unreachable"_s);
    QCOMPARE(status->text(), u"Server unreachable"_s);

    const qint64 to = now(), from = to - kHour;
    chart.setSeries({series(u"temp"_s, from, to, 10)}, from, to);
    QVERIFY(status->isHidden());

    TelemetrySeries cut = series(u"temp"_s, from, to, 10);
    cut.truncated = true;
    chart.setSeries({cut}, from, to);
    QVERIFY(!status->isHidden());   // says only part came

    chart.setSeries({}, from, to);
    QVERIFY(!status->isHidden());   // says there is nothing in the range
    chart.setError({});
    QVERIFY(!status->isHidden());
}

void TestTelemetryChart::backgroundFollowsPalette()
{
    for (const QColor base : {QColor(0xfa, 0xfa, 0xfb), QColor(0x1c, 0x1d, 0x20)}) {
        TelemetryChart chart;
        QPalette pal = chart.palette();
        pal.setColor(QPalette::Base, base);
        pal.setColor(QPalette::Text, base.lightness() < 128 ? QColor(0xd8, 0xda, 0xdd) : QColor(0x20, 0x22, 0x25));
        chart.setPalette(pal);
        const qint64 to = now(), from = to - kHour;
        chart.setSeries({series(u"temp"_s, from, to, 100)}, from, to);
        const QImage image = chart.plot()->toPixmap(400, 300).toImage();
        QCOMPARE(image.pixelColor(1, 1), base);
        // The series colour differs between the themes and is never the background.
        QVERIFY(graphOf(chart, u"temp"_s)->pen().color() != base);
    }
}

void TestTelemetryChart::bandsDrawnUnderTheLine()
{
    TelemetryChart chart;
    chart.setLive(false);   // live, the default hour would drop week-old points
    const qint64 to = now(), from = to - 7 * kDay;
    // Aggregated with bands=true: [ts, avg, min, max].
    QJsonArray points;
    for (int i = 0; i < 50; ++i)
        points.append(QJsonArray{from + i * kHour, 20 + i, 15 + i, 30 + i});
    const auto parsed = parseTelemetrySeries(QJsonDocument(QJsonObject{
        {u"series"_s, QJsonArray{QJsonObject{{u"metric"_s, u"temp"_s}, {u"points"_s, points}}}}}));
    QVERIFY(parsed);
    chart.setSeries(*parsed, from, to);
    QVERIFY(chart.hasBand(u"temp"_s));
    // The line and the two edges of its band, filled between them, below the line's layer.
    QCOMPARE(chart.plot()->graphCount(), 3);
    QCPGraph *line = graphOf(chart, u"temp"_s);
    QVERIFY(line);
    QCOMPARE(line->name(), u"temp"_s);
    QCOMPARE(line->dataCount(), 50);
    QCPGraph *hi = nullptr;
    for (int i = 0; i < chart.plot()->graphCount(); ++i) {
        if (chart.plot()->graph(i)->channelFillGraph())
            hi = chart.plot()->graph(i);
    }
    QVERIFY(hi);
    QCOMPARE(hi->dataCount(), 50);
    QCOMPARE(hi->data()->at(3)->value, 33.0);
    QCOMPARE(hi->channelFillGraph()->data()->at(3)->value, 18.0);
    QVERIFY(hi->brush().style() != Qt::NoBrush);
    QVERIFY(hi->layer()->index() < line->layer()->index());
    // The value axis holds the band, not just the averages.
    chart.setVisibleRange(from, to);
    chart.plot()->replot();
    QVERIFY(line->valueAxis()->range().lower <= 15);
    QVERIFY(line->valueAxis()->range().upper >= 79);

    // History without bands takes the band away.
    chart.setSeries({series(u"temp"_s, from, to, 10)}, from, to);
    QVERIFY(!chart.hasBand(u"temp"_s));
    QCOMPARE(chart.plot()->graphCount(), 1);
}

void TestTelemetryChart::markersAndReferenceLines()
{
    TelemetryChart chart;
    const qint64 to = now(), from = to - kHour;
    chart.setSeries({series(u"temp"_s, from, to, 60), series(u"hum"_s, from, to, 60)}, from, to);
    QCOMPARE(chart.plot()->itemCount(), 0);
    chart.setMarkers({ChartMarker{from + 10 * kMinute, from + 20 * kMinute, u"fired 1"_s},
                      ChartMarker{from + 50 * kMinute, 0, u"fired 2"_s}});
    QCOMPARE(chart.markers().size(), 2);
    // A rectangle per marker on each of the two plots, and a label per marker on the first.
    int rects = 0, texts = 0;
    for (int i = 0; i < chart.plot()->itemCount(); ++i) {
        if (auto *r = qobject_cast<QCPItemRect *>(chart.plot()->item(i))) {
            ++rects;
            QCOMPARE(r->topLeft->coords().y(), 0.0);
            QCOMPARE(r->bottomRight->coords().y(), 1.0);
        }
        if (auto *t = qobject_cast<QCPItemText *>(chart.plot()->item(i))) {
            ++texts;
            QVERIFY(t->text().startsWith(u"fired"_s));
        }
    }
    QCOMPARE(rects, 4);
    QCOMPARE(texts, 2);
    // The first marker spans its time on the x axis.
    auto *first = qobject_cast<QCPItemRect *>(chart.plot()->item(0));
    QCOMPARE(first->topLeft->coords().x(), double(from + 10 * kMinute) / 1000.0);
    QCOMPARE(first->bottomRight->coords().x(), double(from + 20 * kMinute) / 1000.0);

    chart.setReferenceLines(u"temp"_s, {80.0, std::nan("")});
    int lines = 0;
    for (int i = 0; i < chart.plot()->itemCount(); ++i) {
        if (auto *l = qobject_cast<QCPItemStraightLine *>(chart.plot()->item(i))) {
            ++lines;
            QCOMPARE(l->point1->coords().y(), 80.0);
            QCOMPARE(l->clipAxisRect(), graphOf(chart, u"temp"_s)->keyAxis()->axisRect());
        }
    }
    QCOMPARE(lines, 1);   // NaN is no line
    // The axis reaches the limit though the readings (0..59) stay below it.
    chart.setVisibleRange(from, to);
    chart.plot()->replot();
    QVERIFY(graphOf(chart, u"temp"_s)->valueAxis()->range().upper >= 80);
    // Hiding a metric and showing it again keeps the decorations.
    chart.setMetricShown(u"hum"_s, false);
    chart.setMetricShown(u"hum"_s, true);
    QCOMPARE(chart.plot()->itemCount(), 4 + 2 + 1);

    // Firings seconds apart would print their labels over each other: only the first of the bunch is labelled.
    chart.setMarkers({ChartMarker{from + 10 * kMinute, from + 11 * kMinute, u"1"_s},
                      ChartMarker{from + 11 * kMinute, from + 12 * kMinute, u"2"_s},
                      ChartMarker{from + 40 * kMinute, from + 41 * kMinute, u"3"_s}});
    QStringList labels;
    for (int i = 0; i < chart.plot()->itemCount(); ++i) {
        if (auto *t = qobject_cast<QCPItemText *>(chart.plot()->item(i)))
            labels << t->text();
    }
    QCOMPARE(labels, (QStringList{u"1"_s, u"3"_s}));

    chart.setMarkers({});
    chart.setReferenceLines(u"temp"_s, {});
    QCOMPARE(chart.plot()->itemCount(), 0);
}

void TestTelemetryChart::unitsFromTheSchema()
{
    TelemetryChart chart;
    const qint64 to = now(), from = to - kHour;
    chart.setSeries({series(u"temp"_s, from, to, 10)}, from, to);
    QCOMPARE(chart.axisLabelOf(u"temp"_s), u"temp"_s);
    chart.setUnits({{u"temp"_s, u"°C"_s}});
    QCOMPARE(chart.axisLabelOf(u"temp"_s), u"temp (°C)"_s);
    // A unit the history sends wins.
    TelemetrySeries withUnit = series(u"temp"_s, from, to, 10);
    withUnit.unit = u"K"_s;
    chart.setSeries({withUnit}, from, to);
    QCOMPARE(chart.axisLabelOf(u"temp"_s), u"temp (K)"_s);
    QCOMPARE(chart.axisLabelOf(u"nope"_s), QString());
}

QTEST_MAIN(TestTelemetryChart)
#include "tst_telemetrychart.moc"
