#include "telemetrychart.h"

#include "base/theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

struct RangeChoice
{
    const char *label;
    qint64 spanMs;
};
constexpr RangeChoice kRanges[] = {
    {QT_TRANSLATE_NOOP("TelemetryChart", "Last 15 min"), 15 * kMinute},
    {QT_TRANSLATE_NOOP("TelemetryChart", "Last hour"), kHour},
    {QT_TRANSLATE_NOOP("TelemetryChart", "Last 6 hours"), 6 * kHour},
    {QT_TRANSLATE_NOOP("TelemetryChart", "Last 24 hours"), kDay},
    {QT_TRANSLATE_NOOP("TelemetryChart", "Last 7 days"), 7 * kDay},
    {QT_TRANSLATE_NOOP("TelemetryChart", "Last 30 days"), 30 * kDay},
};
constexpr int kDefaultRange = 1;

constexpr int kRequestDebounceMs = 250;
constexpr int kLiveTickMs = 1000;
// A device that reports at least this often keeps the loaded range reaching "now" through its
// live readings; after a longer silence a zoom or pan asks the server again.
constexpr qint64 kLiveGapMs = 10 * kMinute;
// Stacking a plot per metric stays readable up to a handful; more can be switched on.
constexpr int kShownByDefault = 4;
constexpr double kMinSpanS = 10;
constexpr double kMaxSpanS = 400.0 * 24 * 3600;   // the server's limit for one query

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }
double secondsFromMs(qint64 ms) { return double(ms) / 1000.0; }
qint64 msFromSeconds(double seconds) { return qint64(std::llround(seconds * 1000.0)); }

QColor mix(const QColor &a, const QColor &b, double aShare)
{
    return QColor::fromRgbF(float(a.redF() * aShare + b.redF() * (1 - aShare)),
                            float(a.greenF() * aShare + b.greenF() * (1 - aShare)),
                            float(a.blueF() * aShare + b.blueF() * (1 - aShare)));
}

QString axisLabel(const auto &metric)
{
    return metric.unit.isEmpty() ? metric.name : u"%1 (%2)"_s.arg(metric.name, metric.unit);
}

QIcon swatch(const QColor &color, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 2, 2);
    return QIcon(pixmap);
}

} // namespace

struct TelemetryChart::Metric
{
    QString name;
    QString unit;
    int colorIndex = 0;
    QColor color;
    bool truncated = false;
    QToolButton *button = nullptr;
    // Shared with the graph while the metric is shown; kept while it is hidden so showing it
    // again copies nothing.
    QSharedPointer<QCPGraphDataContainer> data = QSharedPointer<QCPGraphDataContainer>::create();
    // Points with a later key came in through appendLive() after the last setSeries().
    double historyEnd = -std::numeric_limits<double>::infinity();
    QCPGraph *graph = nullptr;
    QCPAxisRect *rect = nullptr;
    // The min/max band of aggregated history (empty without bands), drawn as a fill between two graphs.
    QSharedPointer<QCPGraphDataContainer> lo = QSharedPointer<QCPGraphDataContainer>::create();
    QSharedPointer<QCPGraphDataContainer> hi = QSharedPointer<QCPGraphDataContainer>::create();
    QCPGraph *loGraph = nullptr;
    QCPGraph *hiGraph = nullptr;
    QList<double> references;
};

TelemetryChart::TelemetryChart(QWidget *parent)
    : QWidget(parent)
    , m_rangeCombo(new QComboBox(this))
    , m_liveButton(new QPushButton(tr("Live"), this))
    , m_resetButton(new QPushButton(tr("Reset zoom"), this))
    , m_metricButtons(new QHBoxLayout)
    , m_status(new QLabel(this))
    , m_plot(new QCustomPlot(this))
    , m_ticker(QSharedPointer<QCPAxisTickerDateTime>::create())
    , m_requestTimer(new QTimer(this))
    , m_liveTimer(new QTimer(this))
{
    setObjectName(u"telemetryChart"_s);

    m_rangeCombo->setObjectName(u"rangeCombo"_s);
    for (const RangeChoice &r : kRanges)
        m_rangeCombo->addItem(tr(r.label), QVariant::fromValue(r.spanMs));
    m_rangeCombo->setCurrentIndex(kDefaultRange);
    m_liveButton->setObjectName(u"liveButton"_s);
    m_liveButton->setCheckable(true);
    m_liveButton->setChecked(true);
    m_liveButton->setToolTip(tr("Follow the current time"));
    m_resetButton->setObjectName(u"resetZoomButton"_s);
    m_resetButton->setToolTip(tr("Back to the selected range, following the current time"));

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_rangeCombo);
    toolbar->addWidget(m_liveButton);
    toolbar->addWidget(m_resetButton);
    toolbar->addSpacing(12);
    m_metricButtons->setSpacing(2);
    toolbar->addLayout(m_metricButtons);
    toolbar->addStretch(1);

    m_status->setObjectName(u"chartStatus"_s);
    m_status->setWordWrap(true);
    m_status->setVisible(false);

    m_plot->setObjectName(u"telemetryPlot"_s);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
    m_plot->setMinimumHeight(160);
    m_plot->plotLayout()->clear();   // the default axis rect: we stack our own
    m_marginGroup = new QCPMarginGroup(m_plot);
    m_ticker->setDateTimeSpec(Qt::LocalTime);
    connect(m_plot, &QCustomPlot::beforeReplot, this, [this] {
        if (m_valueAxesDirty)
            rescaleValueAxes();
    });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(toolbar);
    layout->addWidget(m_status);
    layout->addWidget(m_plot, 1);

    m_requestTimer->setSingleShot(true);
    m_requestTimer->setInterval(kRequestDebounceMs);
    connect(m_requestTimer, &QTimer::timeout, this, &TelemetryChart::requestIfNeeded);
    m_liveTimer->setInterval(kLiveTickMs);
    connect(m_liveTimer, &QTimer::timeout, this, &TelemetryChart::followNow);

    connect(m_rangeCombo, &QComboBox::currentIndexChanged, this, [this] {
        // "Last 24 hours" means up to now, whatever was shown before.
        if (m_live)
            followNow();
        else
            setLive(true);
        scheduleRequest();
    });
    connect(m_liveButton, &QPushButton::toggled, this, &TelemetryChart::setLive);
    connect(m_resetButton, &QPushButton::clicked, this, [this] {
        if (m_live)
            followNow();
        else
            setLive(true);
        scheduleRequest();
    });

    rebuildPlot();
    followNow();
    m_liveTimer->start();
    // The owner connects after construction; the first request goes out once it has.
    scheduleRequest();
}

TelemetryChart::~TelemetryChart() = default;

// --- data -------------------------------------------------------------------------------------

void TelemetryChart::setSeries(const QList<TelemetrySeries> &history, qint64 fromMs, qint64 toMs)
{
    m_hasLoaded = true;
    m_loadedFromMs = fromMs;
    m_loadedToMs = toMs;
    m_loadedIntervalMs = telemetryIntervalForSpan(toMs - fromMs);
    m_loading = false;
    m_error.clear();

    bool newMetric = false;
    for (const TelemetrySeries &s : history) {
        if (!metric(s.metric)) {
            addMetric(s.metric);
            newMetric = true;
        }
    }

    const double fromS = secondsFromMs(fromMs);
    for (const auto &m : m_metrics) {
        const auto found = std::ranges::find(history, m->name, &TelemetrySeries::metric);
        const TelemetrySeries *s = found != history.cend() ? &*found : nullptr;
        if (s && !s->unit.isEmpty() && s->unit != m->unit) {
            m->unit = s->unit;
            if (m->rect)
                m->rect->axis(QCPAxis::atLeft)->setLabel(axisLabel(*m));
        }
        m->truncated = s && s->truncated;
        if (m->unit.isEmpty() && m_units.contains(m->name)) {
            m->unit = m_units.value(m->name);
            if (m->rect)
                m->rect->axis(QCPAxis::atLeft)->setLabel(axisLabel(*m));
        }

        // Which live points the new history does not hold: raw history holds every reading up to
        // its last one; aggregated history is keyed by bucket start, so only readings from `to`
        // on are not already averaged into it. (Keys are whole milliseconds, hence the half.)
        const bool raw = m_loadedIntervalMs == 0;
        const qsizetype historySize = s ? std::min(s->t.size(), s->v.size()) : 0;
        double keepAfter = secondsFromMs(toMs) - 0.0005;
        if (raw)
            keepAfter = historySize > 0 ? s->t[historySize - 1] : fromS - 0.0005;
        keepAfter = std::max(keepAfter, m->historyEnd);

        QVector<QCPGraphData> points;
        const auto liveBegin = std::upper_bound(m->data->constBegin(), m->data->constEnd(), keepAfter,
                                                [](double key, const QCPGraphData &d) { return key < d.key; });
        points.reserve(historySize + (m->data->constEnd() - liveBegin));
        for (qsizetype i = 0; i < historySize; ++i)
            points.append(QCPGraphData(s->t[i], s->v[i]));
        for (auto it = liveBegin; it != m->data->constEnd(); ++it) {
            points.append(*it);
            if (it->key * 1000 > double(m_loadedToMs) && it->key * 1000 - double(m_loadedToMs) <= double(kLiveGapMs))
                m_loadedToMs = msFromSeconds(it->key);
        }
        m->historyEnd = keepAfter;
        // Sorted as parseTelemetrySeries() returns it, and the live tail is newer; checked anyway,
        // since adaptive sampling (what keeps a million points fast) needs sorted keys.
        const bool sorted = std::is_sorted(points.cbegin(), points.cend(),
                                           [](const QCPGraphData &x, const QCPGraphData &y) { return x.key < y.key; });
        m->data->set(points, sorted);

        // The band covers the history only: live readings are single values, not buckets.
        QVector<QCPGraphData> lows, highs;
        if (s && s->lo.size() == historySize && s->hi.size() == historySize) {
            lows.reserve(historySize);
            highs.reserve(historySize);
            for (qsizetype i = 0; i < historySize; ++i) {
                lows.append(QCPGraphData(s->t[i], s->lo[i]));
                highs.append(QCPGraphData(s->t[i], s->hi[i]));
            }
        }
        if (m->lo->isEmpty() != lows.isEmpty())
            newMetric = true;   // a band comes or goes: its graphs are made in rebuildPlot()
        m->lo->set(lows, sorted);
        m->hi->set(highs, sorted);
    }

    if (newMetric)
        rebuildPlot();
    if (m_live)
        followNow();
    for (const auto &m : m_metrics)
        trim(*m);
    m_valueAxesDirty = true;
    updateStatus();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TelemetryChart::appendLive(const QString &name, qint64 tsMs, double value)
{
    if (!std::isfinite(value) || name.isEmpty())
        return;
    Metric *m = metric(name);
    const bool isNew = !m;
    if (isNew)
        m = addMetric(name);
    const double key = secondsFromMs(tsMs);
    // Appending at the end is the usual case and O(1); QCPDataContainer inserts out-of-order keys.
    if (m->graph)
        m->graph->addData(key, value);
    else
        m->data->add(QCPGraphData(key, value));
    if (m_hasLoaded && tsMs > m_loadedToMs && tsMs - m_loadedToMs <= kLiveGapMs)
        m_loadedToMs = tsMs;

    if (isNew) {
        rebuildPlot();
        updateStatus();
    }
    if (m_live) {
        const double now = secondsFromMs(nowMs());
        m_applyingRange = true;
        applyXRange(QCPRange(now - secondsFromMs(selectedSpanMs()), now));
        m_applyingRange = false;
    }
    trim(*m);
    if (m->graph && key >= m_xLower && key <= m_xUpper)
        m_valueAxesDirty = true;
    if (m->graph || m_live)
        m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TelemetryChart::trim(Metric &m)
{
    if (m.data->isEmpty())
        return;
    double bound = -std::numeric_limits<double>::infinity();
    if (m_live) {
        const double span = m_xUpper - m_xLower;
        bound = m_xLower - span / 10;
    }
    if (m.data->size() > maxPointsPerMetric)
        bound = std::max(bound, (m.data->constBegin() + (m.data->size() - maxPointsPerMetric - 1))->key);
    if (m.data->constBegin()->key >= bound)
        return;
    // O(log n): the container only moves its begin; it compacts itself now and then.
    m.data->removeBefore(bound);
    if (m_hasLoaded)
        m_loadedFromMs = std::max(m_loadedFromMs, msFromSeconds(bound));
}

void TelemetryChart::setHistoryReply(const ApiResult<QJsonDocument> &reply, qint64 fromMs, qint64 toMs)
{
    setLoading(false);
    if (!reply) {
        setError(tr("Could not load the history: %1").arg(reply.error().message));
        return;
    }
    auto series = parseTelemetrySeries(*reply);
    if (!series) {
        setError(tr("The server sent history the console does not understand: %1").arg(series.error()));
        return;
    }
    setSeries(*series, fromMs, toMs);
}

void TelemetryChart::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    updateStatus();
}

void TelemetryChart::setError(const QString &message)
{
    m_error = message;
    if (!message.isEmpty())
        m_loading = false;
    updateStatus();
}

void TelemetryChart::clear()
{
    for (const auto &m : m_metrics)
        delete m->button;
    m_metrics.clear();
    m_markers.clear();
    m_hasLoaded = false;
    m_loadedFromMs = m_loadedToMs = m_loadedIntervalMs = 0;
    m_loading = false;
    m_error.clear();
    rebuildPlot();
    updateStatus();
}

QStringList TelemetryChart::metrics() const
{
    QStringList out;
    for (const auto &m : m_metrics)
        out << m->name;
    return out;
}

QStringList TelemetryChart::shownMetrics() const
{
    QStringList out;
    for (const auto &m : m_metrics) {
        if (m->graph)
            out << m->name;
    }
    return out;
}

void TelemetryChart::setMetricShown(const QString &name, bool shown)
{
    if (Metric *m = metric(name))
        m->button->setChecked(shown);
}

int TelemetryChart::pointCount(const QString &name) const
{
    const Metric *m = metric(name);
    return m ? m->data->size() : -1;
}

TelemetryChart::Metric *TelemetryChart::metric(const QString &name) const
{
    const auto it = std::ranges::find(m_metrics, name, [](const auto &m) -> const QString & { return m->name; });
    return it != m_metrics.cend() ? it->get() : nullptr;
}

TelemetryChart::Metric *TelemetryChart::addMetric(const QString &name)
{
    auto m = std::make_unique<Metric>();
    m->name = name;
    m->colorIndex = int(m_metrics.size());
    m->color = seriesColor(m->colorIndex);
    m->button = new QToolButton(this);
    m->button->setObjectName(u"metricButton:"_s + name);
    m->button->setCheckable(true);
    m->button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m->button->setAutoRaise(true);
    m->button->setText(name);
    m->button->setToolTip(tr("Show or hide %1").arg(name));
    const auto shown = std::ranges::count_if(m_metrics, [](const auto &other) { return other->button->isChecked(); });
    m->button->setChecked(shown < kShownByDefault);
    updateMetricButton(*m);
    connect(m->button, &QToolButton::toggled, this, [this] {
        rebuildPlot();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
    m_metricButtons->addWidget(m->button);
    m_metrics.push_back(std::move(m));
    return m_metrics.back().get();
}

void TelemetryChart::setRangeControlsVisible(bool visible)
{
    m_rangeCombo->setVisible(visible);
    m_liveButton->setVisible(visible);
    m_resetButton->setVisible(visible);
}

void TelemetryChart::setMarkers(const QList<ChartMarker> &markers)
{
    m_markers = markers;
    rebuildPlot();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TelemetryChart::setReferenceLines(const QString &name, const QList<double> &values)
{
    Metric *m = metric(name);
    if (!m)
        m = addMetric(name);
    QList<double> finite;
    for (double v : values) {
        if (std::isfinite(v))
            finite << v;
    }
    m->references = finite;
    rebuildPlot();
    m_valueAxesDirty = true;
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TelemetryChart::setUnits(const QHash<QString, QString> &units)
{
    m_units = units;
    for (const auto &m : m_metrics) {
        if (m->unit.isEmpty() && units.contains(m->name)) {
            m->unit = units.value(m->name);
            if (m->rect)
                m->rect->axis(QCPAxis::atLeft)->setLabel(axisLabel(*m));
        }
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString TelemetryChart::axisLabelOf(const QString &name) const
{
    const Metric *m = metric(name);
    return m && m->rect ? m->rect->axis(QCPAxis::atLeft)->label() : QString();
}

bool TelemetryChart::hasBand(const QString &name) const
{
    const Metric *m = metric(name);
    return m && !m->lo->isEmpty();
}

// Markers and reference lines are plot items: made again whenever the axis rects are (rebuildPlot()).
void TelemetryChart::addDecorations()
{
    const QColor alarm = Theme::alarmColor();
    QColor fill = alarm;
    fill.setAlphaF(0.16f);
    // Labels closer than a 40th of the visible span would overlap: only the first of such a bunch is labelled.
    double lastLabel = -std::numeric_limits<double>::infinity();
    const double labelGap = (m_xUpper - m_xLower) / 40;
    for (const ChartMarker &marker : std::as_const(m_markers)) {
        const double from = secondsFromMs(marker.fromMs);
        // Not ended: up to the far right of any range one could look at.
        const double to = marker.toMs > 0 ? secondsFromMs(marker.toMs) : from + kMaxSpanS;
        for (QCPAxisRect *rect : std::as_const(m_rects)) {
            auto *item = new QCPItemRect(m_plot);
            item->setClipAxisRect(rect);
            for (QCPItemPosition *p : {item->topLeft, item->bottomRight}) {
                p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
                p->setAxisRect(rect);
                p->setTypeX(QCPItemPosition::ptPlotCoords);
                p->setTypeY(QCPItemPosition::ptAxisRectRatio);
            }
            item->topLeft->setCoords(from, 0);
            item->bottomRight->setCoords(std::max(to, from + 0.5), 1);
            item->setPen(QPen(alarm, 0));
            item->setBrush(fill);
            item->setSelectable(false);
        }
        if (!marker.label.isEmpty() && !m_rects.isEmpty() && from - lastLabel >= labelGap) {
            lastLabel = from;
            QCPAxisRect *rect = m_rects.first();
            auto *text = new QCPItemText(m_plot);
            text->setClipAxisRect(rect);
            text->position->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            text->position->setAxisRect(rect);
            text->position->setTypeX(QCPItemPosition::ptPlotCoords);
            text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
            text->position->setCoords(from, 0.02);
            text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
            text->setPadding(QMargins(3, 1, 3, 1));
            text->setText(marker.label);
            text->setColor(palette().color(QPalette::Text));
            text->setSelectable(false);
        }
    }
    for (const auto &m : m_metrics) {
        if (!m->rect)
            continue;
        for (double value : std::as_const(m->references)) {
            auto *line = new QCPItemStraightLine(m_plot);
            line->setClipAxisRect(m->rect);
            for (QCPItemPosition *p : {line->point1, line->point2}) {
                p->setAxes(m->rect->axis(QCPAxis::atBottom), m->rect->axis(QCPAxis::atLeft));
                p->setAxisRect(m->rect);
            }
            line->point1->setCoords(0, value);
            line->point2->setCoords(1, value);
            line->setPen(QPen(alarm, 1, Qt::DashLine));
            line->setSelectable(false);
        }
    }
}

// --- look ---------------------------------------------------------------------------------------

// Qualitative colours that stay apart on both backgrounds; red and amber are left out because the
// console reserves them for warnings and alarms.
QColor TelemetryChart::seriesColor(int index) const
{
    static const QColor onLight[] = {QColor(0x2d, 0x5a, 0x8c), QColor(0x1f, 0x7a, 0x74), QColor(0x6b, 0x4c, 0x9a),
                                     QColor(0x4f, 0x7a, 0x28), QColor(0x8c, 0x4a, 0x6b), QColor(0x5a, 0x64, 0x70)};
    static const QColor onDark[] = {QColor(0x8a, 0xb4, 0xe0), QColor(0x6c, 0xc5, 0xbd), QColor(0xb5, 0x9c, 0xe0),
                                    QColor(0x9b, 0xc5, 0x6b), QColor(0xd5, 0x8f, 0xb1), QColor(0xa4, 0xad, 0xb8)};
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const QColor *colors = dark ? onDark : onLight;
    return colors[index % std::size(onLight)];
}

void TelemetryChart::updateMetricButton(Metric &m)
{
    const int size = m.button->fontMetrics().height();
    m.button->setIcon(swatch(m.color, size));
    m.button->setIconSize(QSize(size, size));
}

void TelemetryChart::applyColors()
{
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor axisColor = mix(text, base, 0.45);
    const QColor gridColor = mix(text, base, 0.12);
    m_plot->setBackground(base);
    for (QCPAxisRect *rect : std::as_const(m_rects)) {
        rect->setBackground(Qt::NoBrush);
        for (QCPAxis *axis : rect->axes()) {
            axis->setBasePen(QPen(axisColor, 0));
            axis->setTickPen(QPen(axisColor, 0));
            axis->setSubTickPen(QPen(axisColor, 0));
            axis->setTickLabelColor(text);
            axis->setLabelColor(text);
            axis->grid()->setPen(QPen(gridColor, 0, Qt::SolidLine));
            axis->grid()->setZeroLinePen(Qt::NoPen);
        }
    }
    for (const auto &m : m_metrics) {
        if (!m->graph)
            continue;
        m->graph->setPen(QPen(m->color, 0));   // cosmetic 1 px: the fast path for long polylines
        if (m->hiGraph) {
            QColor band = m->color;
            band.setAlphaF(0.22f);
            m->loGraph->setPen(Qt::NoPen);
            m->hiGraph->setPen(Qt::NoPen);
            m->hiGraph->setBrush(band);
        }
        m->rect->axis(QCPAxis::atLeft)->setLabelColor(m->color);
    }
}

void TelemetryChart::updateStatus()
{
    QString text;
    QColor color;
    if (!m_error.isEmpty()) {
        text = m_error;
        color = Theme::alarmColor();
    } else if (m_loading) {
        text = tr("Loading telemetry…");
    } else if (m_hasLoaded && std::ranges::all_of(m_metrics, [](const auto &m) { return m->data->isEmpty(); })) {
        text = tr("No telemetry in this time range.");
    } else if (std::ranges::any_of(m_metrics, [](const auto &m) { return m->truncated; })) {
        text = tr("The server sent only part of this range; zoom in to see every point.");
        color = Theme::warningColor();
    }
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, color.isValid() ? color : palette().color(QPalette::WindowText));
    m_status->setPalette(pal);
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

void TelemetryChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        for (const auto &m : m_metrics) {
            m->color = seriesColor(m->colorIndex);
            updateMetricButton(*m);
        }
        applyColors();
        updateStatus();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

// --- plot layout ----------------------------------------------------------------------------

// One axis rect per shown metric, stacked and sharing the time axis, rather than one plot with
// normalised values: each metric keeps its own scale and unit on its own axis, so 0.5 kPa next to
// 1,400 rpm reads directly and nobody has to map a normalised curve back to real values.
void TelemetryChart::rebuildPlot()
{
    m_plot->clearGraphs();
    m_plot->plotLayout()->clear();
    m_rects.clear();
    m_plot->clearItems();
    for (const auto &m : m_metrics) {
        m->graph = m->loGraph = m->hiGraph = nullptr;
        m->rect = nullptr;
    }

    for (const auto &m : m_metrics) {
        if (!m->button->isChecked())
            continue;
        QCPAxisRect *rect = addAxisRect();
        m->rect = rect;
        m->graph = m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        m->graph->setName(m->name);
        if (!m->lo->isEmpty()) {
            // On the layer below the lines, so the line is drawn over its band.
            m->loGraph = m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            m->loGraph->setData(m->lo);
            m->hiGraph = m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            m->hiGraph->setData(m->hi);
            m->hiGraph->setChannelFillGraph(m->loGraph);
            for (QCPGraph *g : {m->loGraph, m->hiGraph}) {
                g->setName(m->name + u" min/max"_s);
                g->setLayer(u"grid"_s);
            }
        }
        m->graph->setData(m->data);   // shares the container: no copy
        m->graph->setLineStyle(QCPGraph::lsLine);
        rect->axis(QCPAxis::atLeft)->setLabel(axisLabel(*m));
    }
    if (m_rects.isEmpty())
        addAxisRect();   // keeps the time axis (and zooming) when nothing is shown
    for (QCPAxisRect *rect : std::as_const(m_rects))
        rect->axis(QCPAxis::atBottom)->setTickLabels(rect == m_rects.last());

    addDecorations();
    applyColors();
    m_applyingRange = true;
    applyXRange(QCPRange(m_xLower, m_xUpper));
    m_applyingRange = false;
}

QCPAxisRect *TelemetryChart::addAxisRect()
{
    auto *rect = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(int(m_rects.size()), 0, rect);
    rect->setMarginGroup(QCP::msLeft | QCP::msRight, m_marginGroup);
    rect->setRangeDrag(Qt::Horizontal);
    rect->setRangeZoom(Qt::Horizontal);
    QCPAxis *x = rect->axis(QCPAxis::atBottom);
    x->setTicker(m_ticker);
    rect->axis(QCPAxis::atLeft)->ticker()->setTickCount(4);
    connect(x, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, [this](const QCPRange &range) {
        if (!m_applyingRange)
            onUserXRange(range);
    });
    m_rects.append(rect);
    return rect;
}

// --- time axis ----------------------------------------------------------------------------------

void TelemetryChart::applyXRange(const QCPRange &range)
{
    m_xLower = range.lower;
    m_xUpper = range.upper;
    for (QCPAxisRect *rect : std::as_const(m_rects))
        rect->axis(QCPAxis::atBottom)->setRange(range);
    const double span = range.size();
    m_ticker->setDateTimeFormat(span <= 20 * 60 ? u"HH:mm:ss"_s
                                : span <= 2 * 86400 ? u"HH:mm"_s
                                : span <= 10 * 86400 ? u"d MMM\nHH:mm"_s
                                                     : u"d MMM"_s);
    m_valueAxesDirty = true;
}

void TelemetryChart::onUserXRange(const QCPRange &range)
{
    // A drag or wheel step: the operator is looking at something, so stop following now.
    if (m_live) {
        const QSignalBlocker blocker(m_liveButton);
        m_liveButton->setChecked(false);
        m_live = false;
        m_liveTimer->stop();
    }
    QCPRange r = range;
    if (r.size() < kMinSpanS || r.size() > kMaxSpanS) {
        const double span = std::clamp(r.size(), kMinSpanS, kMaxSpanS);
        r = QCPRange(r.center() - span / 2, r.center() + span / 2);
    }
    m_applyingRange = true;
    applyXRange(r);
    m_applyingRange = false;
    scheduleRequest();
}

void TelemetryChart::followNow()
{
    const double now = secondsFromMs(nowMs());
    m_applyingRange = true;
    applyXRange(QCPRange(now - secondsFromMs(selectedSpanMs()), now));
    m_applyingRange = false;
    for (const auto &m : m_metrics)
        trim(*m);
    // A chart on a hidden tab keeps its window current but draws nothing until it is shown.
    if (isVisible())
        m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TelemetryChart::setLive(bool live)
{
    if (live == m_live)
        return;
    m_live = live;
    {
        const QSignalBlocker blocker(m_liveButton);
        m_liveButton->setChecked(live);
    }
    if (live) {
        followNow();
        m_liveTimer->start();
        scheduleRequest();
    } else {
        m_liveTimer->stop();
    }
}

qint64 TelemetryChart::selectedSpanMs() const
{
    return m_rangeCombo->currentData().toLongLong();
}

std::pair<qint64, qint64> TelemetryChart::visibleRange() const
{
    return {msFromSeconds(m_xLower), msFromSeconds(m_xUpper)};
}

void TelemetryChart::setVisibleRange(qint64 fromMs, qint64 toMs)
{
    onUserXRange(QCPRange(secondsFromMs(fromMs), secondsFromMs(toMs)));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TelemetryChart::rescaleValueAxes()
{
    m_valueAxesDirty = false;
    for (const auto &m : m_metrics) {
        if (!m->graph)
            continue;
        bool found = false;
        const QCPRange visible(m_xLower, m_xUpper);
        QCPRange values = m->data->valueRange(found, QCP::sdBoth, visible);
        for (QCPGraphDataContainer *band : {m->lo.data(), m->hi.data()}) {
            bool inBand = false;
            const QCPRange r = band->valueRange(inBand, QCP::sdBoth, visible);
            if (inBand) {
                values = found ? QCPRange(std::min(values.lower, r.lower), std::max(values.upper, r.upper)) : r;
                found = true;
            }
        }
        for (double reference : std::as_const(m->references)) {
            if (found)
                values = QCPRange(std::min(values.lower, reference), std::max(values.upper, reference));
        }
        if (!found)
            continue;
        // A flat line (a switch that stayed 0) still gets a readable axis around it.
        const double pad = values.size() > 0 ? values.size() * 0.08 : std::max(std::abs(values.lower) * 0.1, 0.5);
        m->rect->axis(QCPAxis::atLeft)->setRange(values.lower - pad, values.upper + pad);
    }
}

// --- requests -----------------------------------------------------------------------------------

void TelemetryChart::scheduleRequest()
{
    m_requestTimer->start();
}

void TelemetryChart::requestIfNeeded()
{
    const qint64 now = nowMs();
    qint64 from = msFromSeconds(m_xLower), to = msFromSeconds(m_xUpper);
    if (m_live) {
        to = now;
        from = now - selectedSpanMs();
    }
    to = std::min(to, now + 1);   // nothing is stored in the future
    if (to <= from)
        return;
    const qint64 interval = telemetryIntervalForSpan(to - from);
    if (m_hasLoaded && interval == m_loadedIntervalMs) {
        const qint64 slack = std::max<qint64>(1000, m_loadedIntervalMs);
        // Live readings that keep arriving keep the loaded range reaching now.
        const qint64 loadedTo = now - m_loadedToMs <= kLiveGapMs ? now : m_loadedToMs;
        if (from >= m_loadedFromMs - slack && to <= loadedTo + slack)
            return;
    }
    Q_EMIT rangeRequested(from, to, interval);
}
