#pragma once

#include "telemetryseries.h"

#include "connection/apierror.h"

#include <QHash>
#include <QSharedPointer>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <utility>
#include <vector>

class QComboBox;
class QCPAxisRect;
class QCPAxisTickerDateTime;
class QCPMarginGroup;
class QCPRange;
class QCustomPlot;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QTimer;

/// A stretch of time marked on every plot of a chart (e.g. when a rule would have fired); toMs 0 means it has not
/// ended (drawn to the right edge).
struct ChartMarker
{
    qint64 fromMs = 0;
    qint64 toMs = 0;
    QString label;
};

/// Live telemetry charts of one device: one stacked plot per shown metric on a shared time axis.
///
/// The operator picks a time range ("Last 15 min" … "Last 30 days"), which metrics are drawn, and
/// zooms / pans the time axis with the mouse (wheel, drag). While Live is on the window ends at
/// now and slides with time; zooming or panning turns Live off, "Reset zoom" or Live on returns to
/// the selected range.
///
/// The chart does not query anything itself: when the visible range is not covered by the loaded
/// history, or needs another aggregation interval, it emits rangeRequested() (debounced) and the
/// owner answers with setSeries(). Live readings arrive through appendLive().
class TelemetryChart : public QWidget
{
    Q_OBJECT

public:
    explicit TelemetryChart(QWidget *parent = nullptr);
    ~TelemetryChart() override;

    /// Replaces the loaded history, which covers [fromMs, toMs) and is aggregated at
    /// telemetryIntervalForSpan(toMs - fromMs) (what rangeRequested() asks for). Live points
    /// newer than the history are kept. Clears the loading and error states.
    void setSeries(const QList<TelemetrySeries> &history, qint64 fromMs, qint64 toMs);

    /// Adds a live reading (a new metric gets its graph). With Live on the window slides to now
    /// and points older than its start minus a tenth of its span are dropped, so memory stays
    /// bounded; in any case a metric keeps at most maxPointsPerMetric points.
    void appendLive(const QString &metric, qint64 tsMs, double value);

    /// The answer of GET /v1/devices/{id}/telemetry (telemetryHistoryQuery()) for [fromMs, toMs): its series through
    /// setSeries(), or what went wrong in the chart; loading ends.
    void setHistoryReply(const ApiResult<QJsonDocument> &reply, qint64 fromMs, qint64 toMs);

    /// Shows "loading" in the chart (not a dialog) until setSeries(), setError() or setLoading(false).
    void setLoading(bool loading);
    /// Shows a failure in the chart; an empty message clears it.
    void setError(const QString &message);

    /// Forgets every metric, point and marker; the selected range and Live stay as they are.
    void clear();

    /// Marks stretches of time on every plot (alarm colour, translucent, with the label above the first plot);
    /// replaces any earlier markers. An empty list removes them.
    void setMarkers(const QList<ChartMarker> &markers);
    QList<ChartMarker> markers() const { return m_markers; }
    /// Horizontal lines at these values on a metric's plot (a rule's limits), dashed; replaces the earlier ones.
    void setReferenceLines(const QString &metric, const QList<double> &values);
    /// Units by metric, e.g. from the device type's telemetry schema, used when the history sends none.
    void setUnits(const QHash<QString, QString> &units);
    /// The axis label of a metric's plot ("temp (°C)"), empty when it is not shown.
    QString axisLabelOf(const QString &metric) const;
    /// Whether the metric's min/max band (aggregated history with bands) has points.
    bool hasBand(const QString &metric) const;

    /// Metrics in the order they first appeared.
    QStringList metrics() const;
    /// The metrics currently drawn.
    QStringList shownMetrics() const;
    void setMetricShown(const QString &metric, bool shown);
    /// Points held for a metric (history and live), -1 for an unknown metric.
    int pointCount(const QString &metric) const;

    bool isLive() const { return m_live; }
    void setLive(bool live);

    /// The span of the selected range ("Last …") in ms.
    qint64 selectedSpanMs() const;
    /// The visible time range in ms since the epoch.
    std::pair<qint64, qint64> visibleRange() const;
    /// Shows [fromMs, toMs) as a zoom or pan with the mouse would: Live goes off and history is
    /// requested when needed.
    void setVisibleRange(qint64 fromMs, qint64 toMs);

    /// Hides the range choice, Live and Reset zoom, for a chart whose range its owner sets (a backtest's);
    /// wheel zoom and drag stay.
    void setRangeControlsVisible(bool visible);

    /// The plot itself, for tests and the benchmark.
    QCustomPlot *plot() const { return m_plot; }

    /// Beyond this a metric drops its oldest points (about 32 MB of points).
    static constexpr int maxPointsPerMetric = 2'000'000;

Q_SIGNALS:
    /// History for [fromMs, toMs) aggregated at intervalMs (0: raw points) is needed; answer with
    /// setSeries(). Emitted 250 ms after the last change of the range, not for every wheel step.
    void rangeRequested(qint64 fromMs, qint64 toMs, qint64 intervalMs);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Metric;

    Metric *metric(const QString &name) const;
    Metric *addMetric(const QString &name);
    QColor seriesColor(int index) const;
    void updateMetricButton(Metric &m);

    void rebuildPlot();
    QCPAxisRect *addAxisRect();
    void applyColors();
    void updateStatus();

    void applyXRange(const QCPRange &range);
    void onUserXRange(const QCPRange &range);
    void followNow();
    void rescaleValueAxes();
    void trim(Metric &m);
    void scheduleRequest();
    void requestIfNeeded();

    QComboBox *m_rangeCombo = nullptr;
    QPushButton *m_liveButton = nullptr;
    QPushButton *m_resetButton = nullptr;
    QHBoxLayout *m_metricButtons = nullptr;
    QLabel *m_status = nullptr;
    QCustomPlot *m_plot = nullptr;
    QCPMarginGroup *m_marginGroup = nullptr;
    QSharedPointer<QCPAxisTickerDateTime> m_ticker;
    QTimer *m_requestTimer = nullptr;
    QTimer *m_liveTimer = nullptr;

    void addDecorations();

    std::vector<std::unique_ptr<Metric>> m_metrics;
    QList<ChartMarker> m_markers;
    QHash<QString, QString> m_units;
    QList<QCPAxisRect *> m_rects;
    double m_xLower = 0;   ///< visible range, seconds since the epoch
    double m_xUpper = 0;
    bool m_live = true;
    bool m_applyingRange = false;
    bool m_valueAxesDirty = true;

    bool m_hasLoaded = false;
    qint64 m_loadedFromMs = 0;
    qint64 m_loadedToMs = 0;
    qint64 m_loadedIntervalMs = 0;

    bool m_loading = false;
    QString m_error;
};
