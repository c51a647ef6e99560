// Console benchmark, no server involved:
//   fleet filter: 100,000 devices in FleetModel behind FleetFilterProxy and a sorted QTableView set up as the main
//     window does it; filter strings typed one keystroke at a time (and backspaced). Per keystroke: setFilterText
//     plus processing events until the view has updated. Baseline: the same with 10,000 devices.
//   replot: a TelemetryChart at 1600x900 with one graph of 1,000,000 points; replot(rpImmediateRefresh) while
//     panning the time axis, and the time of setSeries. Baseline: 10,000 points.
// Run with QT_QPA_PLATFORM=offscreen. Prints figures only; nothing is asserted.
#include "benchsupport.h"
#include "device/telemetrychart.h"
#include "fleet/device.h"
#include "fleet/fleetfilterproxy.h"
#include "fleet/fleetmodel.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QThread>
#include <QtGui/QWindow>
#include <QtWidgets/QApplication>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QTableView>

#include <qcustomplot.h>

#include <cstdio>
#include <random>
#include <vector>

using namespace Fleetdeck;
using namespace Qt::StringLiterals;

namespace {

double msSince(const QElapsedTimer &t) { return double(t.nsecsElapsed()) / 1e6; }

QList<Device> makeFleet(int n)
{
    static const char *const types[] = {"pump", "valve", "meter", "gateway", "sensor", "compressor", "chiller", "boiler"};
    static const char *const codes[] = {"PMP", "VLV", "MTR", "GW", "SNS", "CMP", "CHL", "BLR"};
    static const char *const sites[] = {"north", "south", "harbour", "east", "west", "plant2", "depot"};
    static const char *const tenants[] = {"acme-water", "globex-energy", "initech-facilities"};
    std::mt19937 rng(20261201);
    const auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    const auto pick = [&](int count) { return std::uniform_int_distribution<int>(0, count - 1)(rng); };
    const QDateTime now = QDateTime::currentDateTimeUtc();
    int perType[std::size(types)] = {};

    QList<Device> fleet;
    fleet.reserve(n);
    for (int i = 0; i < n; ++i) {
        Device d;
        const int type = pick(int(std::size(types)));
        const QString site = QString::fromLatin1(sites[pick(int(std::size(sites)))]);
        QString typeName = QString::fromLatin1(types[type]);
        d.deviceId = u"%1-7c1e-4a3b-9d2f-%2"_s.arg(i, 8, 16, QLatin1Char('0')).arg(quint64(rng()) * 7919 % 0xffffffffffffULL, 12, 16, QLatin1Char('0'));
        d.tenantId = QString::fromLatin1(tenants[i % 3]);
        d.serialNumber = u"FD-%1-%2"_s.arg(QLatin1StringView(codes[type])).arg(100000 + i * 7 % 900000, 7, 10, QLatin1Char('0'));
        d.deviceType = typeName;
        typeName[0] = typeName[0].toUpper();
        QString siteName = site;
        siteName[0] = siteName[0].toUpper();
        d.name = u"%1 %2 %3"_s.arg(typeName).arg(++perType[type]).arg(siteName);
        const double r = std::uniform_real_distribution<double>(0, 1)(rng);
        d.status = r < 0.70 ? Device::Status::Active : r < 0.80 ? Device::Status::Provisioned
                 : r < 0.92 ? Device::Status::Suspended : Device::Status::Decommissioned;
        d.statusText = deviceStatusKey(d.status);
        d.connection = d.status == Device::Status::Active ? (chance(0.85) ? Device::Connection::Online : Device::Connection::Offline)
                     : d.status == Device::Status::Provisioned ? Device::Connection::Unknown
                                                               : Device::Connection::Offline;
        if (d.connection != Device::Connection::Unknown)
            d.lastSeenAt = now.addSecs(-std::uniform_int_distribution<int>(0, 30 * 86400)(rng));
        if (!chance(0.05))
            d.firmwareVersion = u"%1.%2.%3"_s.arg(1 + pick(3)).arg(pick(10)).arg(pick(20));
        d.tags << site;
        if (chance(0.2))
            d.tags << u"critical"_s;
        if (chance(0.1))
            d.tags << u"pilot"_s;
        if (chance(0.15))
            d.tags << u"retrofit"_s;
        d.createdAt = now.addDays(-pick(700));
        d.buildSearchText();
        fleet.append(std::move(d));
    }
    return fleet;
}

/// Counts and times the two virtuals a filter change goes through, for the breakdown.
class ProfiledProxy : public FleetFilterProxy
{
public:
    mutable qint64 filterNs = 0, lessNs = 0, filterCalls = 0, lessCalls = 0;

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        QElapsedTimer t;
        t.start();
        const bool accepted = FleetFilterProxy::filterAcceptsRow(row, parent);
        filterNs += t.nsecsElapsed();
        ++filterCalls;
        return accepted;
    }
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        QElapsedTimer t;
        t.start();
        const bool less = FleetFilterProxy::lessThan(left, right);
        lessNs += t.nsecsElapsed();
        ++lessCalls;
        return less;
    }
};

/// Every prefix of each string, then backspaced to empty: what the operator types.
QStringList keystrokes()
{
    QStringList out;
    for (const QString &s : {u"pump 1"_s, u"status:suspended"_s, u"tag:north -conn:online"_s}) {
        for (qsizetype i = 1; i <= s.size(); ++i)
            out << s.left(i);
        for (qsizetype i = s.size() - 1; i >= 0; --i)
            out << s.left(i);
    }
    return out;
}

struct FilterResult
{
    std::vector<double> ms;
    double worst = 0;
    QString worstText;
    qint64 filterNs = 0, lessNs = 0, filterCalls = 0, lessCalls = 0;
    double totalMs = 0;
    double loadMs = 0;
    double resyncMs = 0;               ///< the once-a-minute full list while live: same rows, 1 % changed
    std::vector<double> liveEventMs;   ///< one device's connection change, as a live event applies it
};

/// `profiled`: through ProfiledProxy, whose clock reads cost about as much as a comparison, so its run is for
/// the breakdown only.
FilterResult typeIntoFleet(int devices, bool profiled)
{
    FleetModel model;
    FleetFilterProxy plain;
    ProfiledProxy timed;
    FleetFilterProxy &proxy = profiled ? timed : plain;
    proxy.setFleetModel(&model);

    // As MainWindow::buildUi sets up the fleet table.
    QTableView table;
    table.setModel(&proxy);
    table.setSortingEnabled(true);
    table.sortByColumn(FleetModel::NameColumn, Qt::AscendingOrder);
    table.setEditTriggers(QAbstractItemView::NoEditTriggers);
    table.setSelectionBehavior(QAbstractItemView::SelectRows);
    table.setSelectionMode(QAbstractItemView::ExtendedSelection);
    table.setAlternatingRowColors(true);
    table.setWordWrap(false);
    table.verticalHeader()->setVisible(false);
    table.verticalHeader()->setDefaultSectionSize(table.fontMetrics().height() + 8);
    table.horizontalHeader()->setStretchLastSection(true);
    table.horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const int em = table.fontMetrics().horizontalAdvance(u'M');
    const int widths[] = {10, 9, 16, 12, 10, 8, 12, 10, 14};
    for (int c = 0; c < FleetModel::ColumnCount; ++c)
        table.setColumnWidth(c, widths[c] * em);
    table.resize(1600, 900);
    table.show();
    Bench::waitUntil([&] { return table.windowHandle() && table.windowHandle()->isExposed(); }, 5000);
    QCoreApplication::processEvents();

    // The devices arrive as from the first poll: into a model already behind the sorted table.
    FilterResult r;
    QList<Device> fleet = makeFleet(devices);
    QList<Device> again = fleet;
    QElapsedTimer load;
    load.start();
    model.setDevices(std::move(fleet));
    QCoreApplication::processEvents();
    r.loadMs = msSince(load);

    for (const QString &text : keystrokes()) {
        QElapsedTimer t;
        t.start();
        proxy.setFilterText(text);
        (void)proxy.rowCount();   // the main window's "n of m devices"
        QCoreApplication::processEvents();
        const double ms = msSince(t);
        r.ms.push_back(ms);
        r.totalMs += ms;
        if (ms > r.worst) {
            r.worst = ms;
            r.worstText = text;
        }
    }
    if (!profiled) {
        // With a filter typed (the usual state of a control room's table), then the resynchronisation: the same
        // rows, one in a hundred seen again since.
        proxy.setFilterText(u"pump"_s);
        QCoreApplication::processEvents();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (int i = 0; i < again.size(); i += 100)
            again[i].lastSeenAt = now;
        QElapsedTimer t;
        t.start();
        model.setDevices(std::move(again));
        QCoreApplication::processEvents();
        r.resyncMs = msSince(t);
        // Live events: 500 connection changes spread over the fleet, each applied and painted.
        for (int i = 0; i < 500; ++i) {
            const int row = int((qint64(i) * 7919) % model.rowCount());
            const Device &d = model.device(row);
            QElapsedTimer e;
            e.start();
            model.applyConnection(d.deviceId, d.connection != Device::Connection::Online, now, {});
            QCoreApplication::processEvents();
            r.liveEventMs.push_back(msSince(e));
        }
    }
    r.filterNs = timed.filterNs;
    r.lessNs = timed.lessNs;
    r.filterCalls = timed.filterCalls;
    r.lessCalls = timed.lessCalls;
    return r;
}

struct ReplotResult
{
    double setSeriesMs = 0;
    std::vector<double> replotMs;
    double fullViewMs = 0;
    double appendUs = 0;
};

ReplotResult replotChart(int points)
{
    TelemetryChart chart;
    chart.resize(1600, 900);
    chart.show();
    Bench::waitUntil([&] { return chart.windowHandle() && chart.windowHandle()->isExposed(); }, 5000);
    chart.findChild<QComboBox *>(u"rangeCombo"_s)->setCurrentIndex(5);   // 30 days: nothing is trimmed
    QCoreApplication::processEvents();

    // One reading per second up to now (the 10,000-point baseline spreads over the same time),
    // a slow sine with some noise.
    const qint64 to = QDateTime::currentMSecsSinceEpoch();
    const qint64 span = 1'000'000LL * 1000;
    const qint64 from = to - span;
    TelemetrySeries s;
    s.metric = u"temperature"_s;
    s.unit = u"°C"_s;
    s.t.reserve(points);
    s.v.reserve(points);
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0, 0.3);
    for (int i = 0; i < points; ++i) {
        const double ts = double(from + span * i / points) / 1000.0;
        s.t.append(ts);
        s.v.append(20 + 5 * std::sin(ts / 3600.0) + noise(rng));
    }

    ReplotResult r;
    QElapsedTimer t;
    t.start();
    chart.setSeries({s}, from, to);
    r.setSeriesMs = msSince(t);
    chart.plot()->replot(QCustomPlot::rpImmediateRefresh);

    // The whole data visible: the worst case for adaptive sampling, which walks every visible point.
    chart.setVisibleRange(from, to);
    t.start();
    chart.plot()->replot(QCustomPlot::rpImmediateRefresh);
    r.fullViewMs = msSince(t);

    // Panning: half the data visible, moved across in 30 steps; each replot rescales the value axis too.
    const qint64 window = span / 2;
    for (int step = 0; step < 30; ++step) {
        const qint64 a = from + (span - window) * step / 29;
        chart.setVisibleRange(a, a + window);
        t.start();
        chart.plot()->replot(QCustomPlot::rpImmediateRefresh);
        r.replotMs.push_back(msSince(t));
    }

    // Live readings with Live on (the window slides; replots are queued and coalesced).
    chart.setLive(true);
    QCoreApplication::processEvents();
    constexpr int appends = 10000;
    const qint64 liveStart = QDateTime::currentMSecsSinceEpoch();
    t.start();
    for (int i = 0; i < appends; ++i)
        chart.appendLive(u"temperature"_s, liveStart + i, 21.0);
    r.appendUs = msSince(t) * 1000 / appends;
    QCoreApplication::processEvents();
    return r;
}

void printFilter(int devices, const FilterResult &r)
{
    std::printf("  %7d devices  %3zu keystrokes   p50 %6.1f ms   p95 %6.1f ms   max %6.1f ms (\"%s\")   first load %6.1f ms\n",
                devices, r.ms.size(), Bench::percentile(r.ms, 0.5), Bench::percentile(r.ms, 0.95), r.worst,
                qPrintable(r.worstText), r.loadMs);
    if (!r.liveEventMs.empty())
        std::printf("  %7d devices  resync (same rows, 1 %% changed, filter \"pump\") %6.1f ms   live connection event p50 %5.2f ms  p95 %5.2f ms"
                    "  max %5.2f ms\n",
                    devices, r.resyncMs, Bench::percentile(r.liveEventMs, 0.5), Bench::percentile(r.liveEventMs, 0.95),
                    Bench::percentile(r.liveEventMs, 1.0));
}

void printReplot(int points, const ReplotResult &r)
{
    std::printf("  %9d points   setSeries %7.1f ms   replot, all visible %6.1f ms   panning half visible p50 %6.1f ms  p95 %6.1f ms"
                "   appendLive %.1f us\n",
                points, r.setSeriesMs, r.fullViewMs, Bench::percentile(r.replotMs, 0.5), Bench::percentile(r.replotMs, 0.95),
                r.appendUs);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(u"Fleetdeck console benchmark: fleet filter per keystroke and telemetry replot."_s);
    p.addHelpOption();
    const QCommandLineOption devices(u"devices"_s, u"Devices for the filter run. Default 100000."_s, u"N"_s, u"100000"_s);
    const QCommandLineOption points(u"points"_s, u"Points in the chart's graph. Default 1000000."_s, u"N"_s, u"1000000"_s);
    p.addOptions({devices, points});
    p.process(app);
    const int nDevices = std::max(1, p.value(devices).toInt());
    const int nPoints = std::max(2, p.value(points).toInt());

    std::printf("fleetdeck console benchmark (%d cores, platform %s)\n", QThread::idealThreadCount(),
                qPrintable(QGuiApplication::platformName()));

    std::printf("\nfleet filter: FleetModel + FleetFilterProxy + QTableView sorted by name, 1600x900; per keystroke "
                "setFilterText + processEvents (target < 100 ms)\n");
    printFilter(10000, typeIntoFleet(10000, false));
    printFilter(nDevices, typeIntoFleet(nDevices, false));
    const FilterResult big = typeIntoFleet(nDevices, true);
    std::printf("  breakdown at %d (a third run, timing every call) over all keystrokes: total %.0f ms; filterAcceptsRow %lld calls"
                " %.0f ms; lessThan %lld calls %.0f ms; the rest (proxy mapping, view, paint) %.0f ms\n",
                nDevices, big.totalMs, (long long)big.filterCalls, double(big.filterNs) / 1e6, (long long)big.lessCalls,
                double(big.lessNs) / 1e6, big.totalMs - double(big.filterNs + big.lessNs) / 1e6);

    std::printf("\nreplot: TelemetryChart 1600x900, one graph, replot(rpImmediateRefresh) (target < 50 ms)\n");
    printReplot(10000, replotChart(10000));
    printReplot(nPoints, replotChart(nPoints));
    return 0;
}
