// Command & control benchmark: N simulated devices (real mTLS MQTT clients that answer a "ping" with "delivered" and
// then "succeeded") connected to a real fleetdeck-server, then
//   1. rate phase: POST /v1/devices/{id}/commands at a fixed total rate, round-robin over the devices, over
//      --parallel keep-alive HTTPS connections (one request in flight on each); afterwards every command is read
//      back and REST -> delivered / REST -> succeeded come from the server's own timestamps;
//   2. group phase: one POST /v1/commands to every device of the fleet's type, polled until all are final.
// Prints p50/p99/max, counts per final status, HTTP errors, server CPU per command and peak RSS, next to the targets.
// Exit code 2 when a command was lost (not final at the end, timed out or expired, or an HTTP 5xx / no answer).
#include "benchsession.h"
#include "benchsupport.h"
#include "fleet.h"
#include "restclient.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>
#include <QtCore/QMap>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <numeric>
#include <vector>

using namespace Fleetdeck;
using Fleetdeck::Bench::spin;
using Fleetdeck::Bench::waitUntil;

namespace {

constexpr int kTimeoutS = 30;
// After the last command was sent, how long a command may take to become final: its own timeout plus a margin for
// the server's timeout sweep.
constexpr int kFinalWaitMs = (kTimeoutS + 15) * 1000;

const QStringList &allStatuses()
{
    static const QStringList s{QStringLiteral("queued"),    QStringLiteral("sent"),     QStringLiteral("delivered"),
                               QStringLiteral("succeeded"), QStringLiteral("failed"),   QStringLiteral("rejected"),
                               QStringLiteral("timed_out"), QStringLiteral("expired"),  QStringLiteral("cancelled")};
    return s;
}

const QStringList &finalStatuses()
{
    static const QStringList s{QStringLiteral("succeeded"), QStringLiteral("failed"), QStringLiteral("rejected"),
                               QStringLiteral("timed_out"), QStringLiteral("expired"), QStringLiteral("cancelled")};
    return s;
}

bool isFinal(const QString &status) { return finalStatuses().contains(status); }

/// A simulator that always answers cannot time out or expire unless a message was lost on the way.
bool isLost(const QString &status) { return status == u"timed_out" || status == u"expired"; }


/// ISO 8601 (UTC, milliseconds) to ms since the epoch; -1 for null or unparsable.
qint64 isoMs(const QJsonValue &v)
{
    if (!v.isString())
        return -1;
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : -1;
}

QString countsText(const QMap<QString, qint64> &counts)
{
    QStringList parts;
    for (const QString &s : allStatuses())
        if (counts.value(s))
            parts << QStringLiteral("%1 %2").arg(s).arg(counts.value(s));
    for (auto it = counts.begin(); it != counts.end(); ++it)
        if (!allStatuses().contains(it.key()) && it.value())
            parts << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

void printLatency(const char *what, const std::vector<qint64> &ms, double p50Target, double p99Target)
{
    if (ms.empty()) {
        std::printf("  %-22s no samples\n", what);
        return;
    }
    const double p50 = Bench::percentile(ms, 0.5), p99 = Bench::percentile(ms, 0.99), max = Bench::percentile(ms, 1);
    std::printf("  %-22s n %6zu   p50 %4.0f ms   p99 %4.0f ms   max %5.0f ms", what, ms.size(), p50, p99, max);
    if (p50Target > 0)
        std::printf("   target p50 < %.0f, p99 < %.0f: %s", p50Target, p99Target, p50 < p50Target && p99 < p99Target ? "met" : "NOT met");
    std::printf("\n");
}

/// The simulated devices run in a thread of their own, so 1,000 MQTT connections answering commands and the REST
/// load generator's 1 ms timer do not queue behind each other in one event loop (both still share the machine's
/// cores with the server).
class DeviceThread
{
public:
    explicit DeviceThread(Sim::FleetOptions options)
    {
        m_thread.setObjectName(QStringLiteral("devices"));
        m_thread.start();
        m_anchor.moveToThread(&m_thread);
        call([this, options] {
            m_fleet = new Sim::Fleet(options);
            QObject::connect(m_fleet, &Sim::Fleet::progress, m_fleet, [](const QString &m) {
                std::printf("  simulator: %s\n", qPrintable(m));
                std::fflush(stdout);
            });
            QObject::connect(m_fleet, &Sim::Fleet::failed, m_fleet, [this](const QString &why) {
                std::fprintf(stderr, "simulator: %s\n", qPrintable(why));
                m_failed = true;
            });
            QObject::connect(m_fleet, &Sim::Fleet::allOnline, m_fleet, [this] { m_allOnline = true; });
            m_fleet->start();
        });
    }
    ~DeviceThread() { stop(); }

    bool failed() const { return m_failed; }
    bool allOnline() const { return m_allOnline; }

    struct Progress { int total = 0; int registered = 0; int online = 0; QString firstError; };
    Progress progress()
    {
        Progress p;
        call([&] {
            p.total = m_fleet->deviceCount();
            p.registered = m_fleet->registeredNow() + m_fleet->reused();
            p.online = m_fleet->onlineCount();
            for (const auto &d : m_fleet->devices())
                if (d && !d->isOnline() && !d->lastError().isEmpty()) {
                    p.firstError = d->lastError();
                    break;
                }
        });
        return p;
    }

    QStringList deviceIds()
    {
        QStringList ids;
        call([&] {
            for (const auto &d : m_fleet->devices())
                if (d)
                    ids << d->identity().deviceId;
        });
        return ids;
    }

    void stop()
    {
        if (!m_thread.isRunning())
            return;
        call([this] { m_fleet->stop(); });
        spin(300); // the devices' "offline" statuses and DISCONNECTs go out
        QThread *main = QThread::currentThread();
        call([this, main] {
            delete m_fleet;
            m_fleet = nullptr;
            m_anchor.moveToThread(main);
        });
        m_thread.quit();
        m_thread.wait();
    }

private:
    template<typename F>
    void call(F &&f) { QMetaObject::invokeMethod(&m_anchor, std::forward<F>(f), Qt::BlockingQueuedConnection); }

    QThread m_thread;
    QObject m_anchor; ///< lives in m_thread while it runs: what `call` runs its functions on
    Sim::Fleet *m_fleet = nullptr; ///< created, used and deleted in m_thread only
    std::atomic<bool> m_failed = false;
    std::atomic<bool> m_allOnline = false;
};

/// `parallel` REST clients, each with its own QNetworkAccessManager and so its own keep-alive connection, each with
/// at most one request in flight.
struct Lanes
{
    std::vector<std::unique_ptr<Sim::RestClient>> clients;
    std::vector<int> idle;

    bool open(const QUrl &server, const QString &caFile, const QString &token, int parallel)
    {
        for (int i = 0; i < parallel; ++i) {
            auto c = std::make_unique<Sim::RestClient>(server, caFile);
            if (!c->loadCa())
                return false;
            c->setToken(token);
            clients.push_back(std::move(c));
            idle.push_back(i);
        }
        return true;
    }

    /// Runs request `make(i)` for i in [0, count) over all lanes; `done(i, reply)` for each. Returns when all answered.
    void runAll(int count, const std::function<QString(int)> &path, const std::function<void(int, const Sim::RestReply &)> &done)
    {
        int next = 0, answered = 0;
        std::function<void(int)> launch = [&](int lane) {
            if (next >= count)
                return;
            const int i = next++;
            clients[size_t(lane)]->request("GET", path(i), {}, [&, lane, i](const Sim::RestReply &r) {
                done(i, r);
                ++answered;
                launch(lane);
            });
        };
        for (int lane = 0; lane < int(clients.size()); ++lane)
            launch(lane);
        while (answered < count)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }

    /// Opens (or re-opens after the server's idle timeout) every lane's connection before a timed phase.
    void warmUp()
    {
        runAll(int(clients.size()) * 2, [](int) { return QStringLiteral("/v1/health"); }, [](int, const Sim::RestReply &) {});
    }
};

struct Sample
{
    qint64 sentMs = -1;   ///< wall clock just before sending
    qint64 sentNs = -1;   ///< phase clock just before sending
    qint64 answerNs = -1; ///< phase clock when the POST was answered
    int http = -1;        ///< -1: never sent; 0: no HTTP answer
    QString error;
    QString commandId;
    QString status;       ///< last status read back
    qint64 sentAtMs = -1, deliveredAtMs = -1, finishedAtMs = -1;
};

struct HttpErrors
{
    QMap<int, qint64> byStatus; ///< 0 = no answer
    QString first;

    void add(const Sim::RestReply &r, const char *what)
    {
        ++byStatus[r.status];
        if (first.isEmpty())
            first = QStringLiteral("%1: HTTP %2 %3").arg(QString::fromLatin1(what)).arg(r.status).arg(r.error);
    }
    qint64 total() const { return std::accumulate(byStatus.begin(), byStatus.end(), qint64(0)); }
    /// Answers that mean a command may have been lost: a server error or no answer at all.
    qint64 serious() const
    {
        qint64 n = 0;
        for (auto it = byStatus.begin(); it != byStatus.end(); ++it)
            if (it.key() == 0 || it.key() >= 500)
                n += it.value();
        return n;
    }
    QString text() const
    {
        QStringList parts;
        for (auto it = byStatus.begin(); it != byStatus.end(); ++it)
            parts << QStringLiteral("%1 x %2").arg(it.value()).arg(it.key() == 0 ? QStringLiteral("no answer") : QString::number(it.key()));
        return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", ")) + QStringLiteral(" (first: ") + first + u')';
    }
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Fleetdeck command benchmark: REST -> delivered / succeeded latency at a fixed rate, and a group command."));
    p.addHelpOption();
    const QCommandLineOption devicesOpt(QStringLiteral("devices"), QStringLiteral("Simulated devices (default 1000)."), QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption rateOpt(QStringLiteral("rate"), QStringLiteral("Commands per second in total (default 1000)."), QStringLiteral("R"), QStringLiteral("1000"));
    const QCommandLineOption secondsOpt(QStringLiteral("seconds"), QStringLiteral("Length of the rate phase (default 10)."), QStringLiteral("T"), QStringLiteral("10"));
    const QCommandLineOption parallelOpt(QStringLiteral("parallel"), QStringLiteral("Keep-alive HTTPS connections, one request in flight each (default 16)."),
                                         QStringLiteral("N"), QStringLiteral("16"));
    const QCommandLineOption databaseOpt(QStringLiteral("database"), QStringLiteral("PostgreSQL URL of an empty database (default: SQLite)."), QStringLiteral("URL"));
    p.addOptions({devicesOpt, rateOpt, secondsOpt, parallelOpt, databaseOpt});
    p.process(app);
    const int nDevices = std::max(1, p.value(devicesOpt).toInt());
    const double rate = std::max(1.0, p.value(rateOpt).toDouble());
    const int seconds = std::max(1, p.value(secondsOpt).toInt());
    const int parallel = std::max(1, p.value(parallelOpt).toInt());
    const QByteArray adminPassword = "bench-password-1";
    qputenv("FLEETDECK_ADMIN_PASSWORD", adminPassword);
    QLoggingCategory::setFilterRules(QStringLiteral("fleetdeck.*.info=false\nqt.network.ssl.warning=false"));

    QTemporaryDir tmp;
    Bench::ServerProcess server;
    server.dataDir = tmp.filePath(QStringLiteral("data"));
    server.httpPort = Bench::freePort();
    server.mqttPort = Bench::freePort();
    server.database = p.value(databaseOpt);
    std::printf("fleetdeck command benchmark: %d devices, %.0f commands/s for %d s over %d connections, %s, %d cores\n", nDevices, rate,
                seconds, parallel, server.database.isEmpty() ? "SQLite" : "PostgreSQL", QThread::idealThreadCount());
    std::fflush(stdout);

    // 1. Server, admin, devices.
    auto session = Bench::startAndLogIn(server, adminPassword);
    if (!session)
        return 1;
    const auto failSetup = [&](const char *what) {
        std::fprintf(stderr, "%s; server log: %s-server.log\n", what, qPrintable(server.dataDir));
        server.stop();
        return 1;
    };
    Sim::RestClient &rest = *session->rest;
    const QString &caFile = session->caFile;
    const QUrl &base = session->base;
    const QString &password = session->password;
    const QString &token = session->token;
    const qint64 pid = server.process.processId();

    // A type (and serial prefix) of this run only: a reused database may hold devices of earlier runs, and the group
    // phase must target exactly the devices connected now.
    const QString run = QString::number(QDateTime::currentMSecsSinceEpoch(), 36);
    Sim::FleetOptions fo;
    fo.server = base;
    fo.caFile = caFile;
    fo.email = QStringLiteral("admin@localhost");
    fo.password = password;
    fo.stateDir = tmp.filePath(QStringLiteral("sim"));
    fo.count = nDevices;
    fo.deviceType = QStringLiteral("bench-cmd-") + run;
    fo.serialPrefix = QStringLiteral("CMD-") + run.toUpper();
    fo.mqttHost = QStringLiteral("127.0.0.1");
    fo.mqttPort = server.mqttPort;
    std::printf("\nprovisioning and connecting %d devices (type %s, mTLS)...\n", nDevices, qPrintable(fo.deviceType));
    std::fflush(stdout);
    QElapsedTimer setupClock;
    setupClock.start();
    DeviceThread devices(fo);
    {
        // Registration is ~300/s and each mTLS connect costs a handshake: allow generously, report every 2 s.
        const qint64 limitMs = std::max(60000, nDevices * 100);
        QString last;
        QElapsedTimer report;
        report.start();
        while (!devices.allOnline() && !devices.failed()) {
            spin(100);
            if (report.elapsed() >= 2000 || setupClock.elapsed() > limitMs) {
                report.restart();
                const DeviceThread::Progress pr = devices.progress();
                const QString line = QStringLiteral("registered %1/%2, online %3/%2").arg(pr.registered).arg(pr.total).arg(pr.online);
                if (line != last)
                    std::printf("  %5.1f s  %s\n", double(setupClock.elapsed()) / 1000, qPrintable(line));
                std::fflush(stdout);
                last = line;
                if (setupClock.elapsed() > limitMs) {
                    std::fprintf(stderr, "not all devices online after %lld s%s\n", (long long)(limitMs / 1000),
                                 pr.firstError.isEmpty() ? "" : qPrintable(QStringLiteral(" (one says: ") + pr.firstError + u')'));
                    devices.stop();
                    return failSetup("devices did not come online");
                }
            }
        }
        if (devices.failed()) {
            devices.stop();
            return failSetup("the simulator failed");
        }
    }
    const QStringList ids = devices.deviceIds();
    std::printf("  %5.1f s  all %lld devices connected\n", double(setupClock.elapsed()) / 1000, (long long)ids.size());
    if (ids.size() < nDevices)
        std::printf("  WARNING: %lld of %d devices could not be registered; measuring with the others\n", (long long)(nDevices - ids.size()), nDevices);
    // The server must have seen every "online" status too. A device subscribes to its commands right after publishing
    // that status, hence the second more before the first command.
    const auto serverOnline = [&] {
        qint64 n = 0;
        QString cursor;
        do {
            QString path = QStringLiteral("/v1/devices?connection=online&limit=1000&type=") + fo.deviceType;
            if (!cursor.isEmpty())
                path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
            const Sim::RestReply r = rest.requestSync("GET", path);
            if (r.status != 200)
                return qint64(-1);
            n += r.body.value(QStringLiteral("items")).toArray().size();
            cursor = r.body.value(QStringLiteral("next_cursor")).toString();
        } while (!cursor.isEmpty());
        return n;
    };
    qint64 seen = 0;
    if (!waitUntil([&] { seen = serverOnline(); spin(200); return seen >= ids.size(); }, 60000))
        std::printf("  WARNING: the server lists %lld of %lld devices as online; going on\n", (long long)seen, (long long)ids.size());
    else
        std::printf("  %5.1f s  the server lists all of them as online\n", double(setupClock.elapsed()) / 1000);
    spin(1000);

    Lanes lanes;
    if (!lanes.open(base, caFile, token, parallel))
        return failSetup("cannot set up the REST clients");
    lanes.warmUp();

    // Baseline on the same connections: GET /v1/health back to back, the most requests per second this client, the
    // server's HTTPS front and this machine can carry together.
    double baselineRate = 0;
    {
        const int n = std::max(1000, int(rate));
        std::vector<qint64> startNs(static_cast<size_t>(n)), latencyUs;
        QElapsedTimer bc;
        bc.start();
        lanes.runAll(n, [&](int i) { startNs[size_t(i)] = bc.nsecsElapsed(); return QStringLiteral("/v1/health"); },
                     [&](int i, const Sim::RestReply &) { latencyUs.push_back((bc.nsecsElapsed() - startNs[size_t(i)]) / 1000); });
        baselineRate = double(n) / (double(bc.nsecsElapsed()) / 1e9);
        std::printf("\nHTTPS baseline, GET /v1/health back to back over the %d connections: %.0f req/s, p50 %.1f ms, p99 %.1f ms\n", parallel,
                    baselineRate, Bench::percentile(latencyUs, 0.5) / 1000, Bench::percentile(latencyUs, 0.99) / 1000);
        if (baselineRate < rate)
            std::printf("  WARNING: below the asked %.0f/s: the commands cannot reach it on this machine and connection count\n", rate);
    }

    // 2. Rate phase. Command i is due at i / rate seconds; a free connection sends the oldest due command at once.
    const qint64 total = qint64(std::llround(rate * seconds));
    std::vector<Sample> samples(static_cast<size_t>(total));
    std::vector<QString> paths;
    for (const QString &id : ids)
        paths.push_back(QStringLiteral("/v1/devices/%1/commands").arg(id));
    const QJsonObject pingBody{{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("timeout_s"), kTimeoutS}};
    const qint64 phaseNs = qint64(seconds) * 1'000'000'000;
    const auto scheduledNs = [&](qint64 i) { return qint64(double(i) * 1e9 / rate); };
    std::vector<qint64> lagNs;
    lagNs.reserve(size_t(total));
    std::vector<qint64> perSecond(size_t(seconds), 0);
    HttpErrors postErrors;
    qint64 next = 0, inFlight = 0;
    qint64 waitedUpTo = 0, waited = 0; // commands that were due while every connection was busy
    QElapsedTimer clock;
    std::function<void()> pump = [&] {
        const qint64 now = clock.nsecsElapsed();
        if (now >= phaseNs)
            return;
        const qint64 due = std::min(total, qint64(double(now) * rate / 1e9) + 1);
        while (next < due) {
            if (lanes.idle.empty()) {
                waited += due - std::max(next, waitedUpTo);
                waitedUpTo = std::max(waitedUpTo, due);
                return;
            }
            const int lane = lanes.idle.back();
            lanes.idle.pop_back();
            const qint64 i = next++;
            Sample &s = samples[size_t(i)];
            s.sentNs = clock.nsecsElapsed();
            lagNs.push_back(s.sentNs - scheduledNs(i));
            ++perSecond[size_t(std::min<qint64>(seconds - 1, s.sentNs / 1'000'000'000))];
            ++inFlight;
            s.sentMs = QDateTime::currentMSecsSinceEpoch();
            lanes.clients[size_t(lane)]->request("POST", paths[size_t(i) % paths.size()], pingBody, [&, lane, i](const Sim::RestReply &r) {
                Sample &answered = samples[size_t(i)];
                answered.answerNs = clock.nsecsElapsed();
                answered.http = r.status;
                if (r.status == 201)
                    answered.commandId = r.body.value(QStringLiteral("command_id")).toString();
                else
                    postErrors.add(r, "POST /v1/devices/{id}/commands");
                --inFlight;
                lanes.idle.push_back(lane);
                pump();
            });
        }
    };
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, &app, [&] { pump(); });
    std::printf("\nrate phase: %lld ping commands, %.0f/s for %d s, round-robin over %lld devices, %d connections...\n", (long long)total, rate,
                seconds, (long long)ids.size(), parallel);
    std::fflush(stdout);
    const double benchCpu0 = Bench::cpuSeconds(QCoreApplication::applicationPid());
    const double cpu0 = Bench::cpuSeconds(pid);
    clock.start();
    tick.start();
    pump();
    while (clock.nsecsElapsed() < phaseNs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    tick.stop();
    const double sendSeconds = double(clock.nsecsElapsed()) / 1e9;
    waitUntil([&] { return inFlight == 0; }, 30000);
    spin(500); // the last commands' replies reach the server
    const double cpu1 = Bench::cpuSeconds(pid);
    const double benchCpu1 = Bench::cpuSeconds(QCoreApplication::applicationPid());
    const double rateSeconds = double(clock.nsecsElapsed()) / 1e9;

    // Read every command back, only now: polling during the phase would load the server being measured.
    std::vector<int> pending;
    for (int i = 0; i < int(total); ++i)
        if (!samples[size_t(i)].commandId.isEmpty())
            pending.push_back(i);
    const qint64 created = qint64(pending.size());
    HttpErrors pollErrors;
    QElapsedTimer finalClock;
    finalClock.start();
    while (!pending.empty()) {
        lanes.runAll(int(pending.size()), [&](int k) { return QStringLiteral("/v1/commands/") + samples[size_t(pending[size_t(k)])].commandId; },
                     [&](int k, const Sim::RestReply &r) {
                         Sample &s = samples[size_t(pending[size_t(k)])];
                         if (r.status != 200) {
                             pollErrors.add(r, "GET /v1/commands/{id}");
                             return;
                         }
                         s.status = r.body.value(QStringLiteral("status")).toString();
                         s.sentAtMs = isoMs(r.body.value(QStringLiteral("sent_at")));
                         s.deliveredAtMs = isoMs(r.body.value(QStringLiteral("delivered_at")));
                         s.finishedAtMs = isoMs(r.body.value(QStringLiteral("finished_at")));
                     });
        std::erase_if(pending, [&](int i) { return isFinal(samples[size_t(i)].status); });
        if (pending.empty() || finalClock.elapsed() > kFinalWaitMs)
            break;
        std::printf("  %lld of %lld commands final, waiting for the rest...\n", (long long)(created - qint64(pending.size())), (long long)created);
        std::fflush(stdout);
        spin(1000);
    }

    std::vector<qint64> toSent, toDelivered, toSucceeded, restUs;
    QMap<QString, qint64> rateCounts;
    qint64 rateLost = qint64(pending.size()) + postErrors.serious();
    for (const Sample &s : samples) {
        if (s.answerNs >= 0)
            restUs.push_back((s.answerNs - s.sentNs) / 1000);
        if (s.commandId.isEmpty())
            continue;
        ++rateCounts[s.status.isEmpty() ? QStringLiteral("unread") : s.status];
        if (isLost(s.status))
            ++rateLost;
        if (s.sentAtMs >= 0)
            toSent.push_back(s.sentAtMs - s.sentMs);
        if (s.deliveredAtMs >= 0)
            toDelivered.push_back(s.deliveredAtMs - s.sentMs);
        if (s.status == u"succeeded" && s.finishedAtMs >= 0)
            toSucceeded.push_back(s.finishedAtMs - s.sentMs);
    }
    const qint64 unsent = total - next;
    const double achieved = double(next) / sendSeconds;
    const double p99Lag = Bench::percentile(lagNs, 0.99) / 1e6, maxLag = Bench::percentile(lagNs, 1) / 1e6;
    std::printf("\nrate phase (%s)\n", server.database.isEmpty() ? "SQLite" : "PostgreSQL");
    std::printf("  sent %lld of %lld in %.1f s: %.0f/s (asked %.0f/s); per second min %lld max %lld\n", (long long)next, (long long)total, sendSeconds,
                achieved, rate, (long long)*std::min_element(perSecond.begin(), perSecond.end()),
                (long long)*std::max_element(perSecond.begin(), perSecond.end()));
    std::printf("  behind schedule when sent: p50 %.1f ms  p99 %.1f ms  max %.1f ms; %lld commands waited for one of the %d connections\n",
                Bench::percentile(lagNs, 0.5) / 1e6, p99Lag, maxLag, (long long)waited, parallel);
    if (unsent > 0)
        std::printf("  WARNING: the asked rate was NOT reached: %lld of %lld commands (%.1f%%) were not sent within %d s (every connection "
                    "waiting for an answer, or this process short of CPU); the figures below are for %.0f/s, not %.0f/s\n",
                    (long long)unsent, (long long)total, 100.0 * double(unsent) / double(total), seconds, achieved, rate);
    else if (p99Lag > 5)
        std::printf("  WARNING: all commands went out, but 1%% of them more than %.0f ms late: the achieved rate was uneven\n", p99Lag);
    std::printf("  POST -> answer at the bench:  p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", Bench::percentile(restUs, 0.5) / 1000,
                Bench::percentile(restUs, 0.99) / 1000, Bench::percentile(restUs, 1) / 1000);
    std::printf("  created %lld; HTTP errors: %s\n", (long long)created, qPrintable(postErrors.text()));
    if (pollErrors.total())
        std::printf("  errors reading commands back: %s\n", qPrintable(pollErrors.text()));
    std::printf("  final status: %s\n", qPrintable(countsText(rateCounts)));
    if (!pending.empty())
        std::printf("  WARNING: %lld commands still not final %d s after the phase\n", (long long)pending.size(), kFinalWaitMs / 1000);
    std::printf("  latency from the bench's clock just before the POST to the server's timestamps (1 ms resolution on both):\n");
    printLatency("REST -> sent", toSent, 0, 0);
    printLatency("REST -> delivered", toDelivered, 5, 25);
    printLatency("REST -> succeeded", toSucceeded, 5, 25);
    std::printf("  server CPU %.2f s over %.1f s (%.0f%% of one core), %.0f us per command; peak RSS %lld MiB\n", cpu1 - cpu0, rateSeconds,
                100 * (cpu1 - cpu0) / rateSeconds, created ? (cpu1 - cpu0) / double(created) * 1e6 : 0.0, (long long)Bench::peakRssKiB(pid) / 1024);
    std::printf("  this process (the devices and the REST client) %.0f%% of one core\n", 100 * (benchCpu1 - benchCpu0) / rateSeconds);
    if (created == 0) {
        std::fprintf(stderr, "\nno command was created (first error: %s); does this server have the command API?\n", qPrintable(postErrors.first));
        devices.stop();
        server.stop();
        return 1;
    }

    // 3. Group phase: one command to every device of this run's type.
    std::printf("\ngroup phase: POST /v1/commands to device_type %s (%lld devices), polled every 20 ms...\n", qPrintable(fo.deviceType),
                (long long)ids.size());
    std::fflush(stdout);
    lanes.warmUp();
    Sim::RestClient &group = *lanes.clients.front();
    const QJsonObject groupBody{{QStringLiteral("type"), QStringLiteral("ping")},
                                {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_type"), fo.deviceType}}},
                                {QStringLiteral("timeout_s"), kTimeoutS}};
    const double gcpu0 = Bench::cpuSeconds(pid);
    const qint64 groupSentMs = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer gclock;
    gclock.start();
    const Sim::RestReply job = group.requestSync("POST", QStringLiteral("/v1/commands"), groupBody);
    const double postMs = double(gclock.nsecsElapsed()) / 1e6;
    bool groupLost = false;
    bool groupMet = false;
    double groupMs = -1;
    if (job.status != 201) {
        std::printf("  POST /v1/commands: HTTP %d %s\n", job.status, qPrintable(job.error));
        groupLost = job.status == 0 || job.status >= 500;
    } else {
        const QString jobId = job.body.value(QStringLiteral("job_id")).toString();
        const qint64 groupTotal = job.body.value(QStringLiteral("total")).toInteger();
        if (jobId.isEmpty() || groupTotal <= 0) {
            std::fprintf(stderr, "unexpected answer to POST /v1/commands: %s\n", QJsonDocument(job.body).toJson(QJsonDocument::Compact).constData());
            devices.stop();
            server.stop();
            return rateLost > 0 ? 2 : 1;
        }
        QJsonObject doc = job.body;
        const auto finalCount = [](const QJsonObject &d) {
            const QJsonObject c = d.value(QStringLiteral("counts")).toObject();
            qint64 n = 0;
            for (const QString &s : finalStatuses())
                n += c.value(s).toInteger();
            return n;
        };
        // All final somewhere between the send of the last poll that showed otherwise and the answer that showed it.
        double doneMs = finalCount(doc) >= groupTotal ? postMs : -1, notYetMs = 0;
        HttpErrors jobErrors;
        while (doneMs < 0 && gclock.elapsed() < kFinalWaitMs) {
            const qint64 at = gclock.elapsed();
            const double pollSentMs = double(gclock.nsecsElapsed()) / 1e6;
            const Sim::RestReply r = group.requestSync("GET", QStringLiteral("/v1/command-jobs/") + jobId);
            if (r.status == 200) {
                doc = r.body;
                if (finalCount(doc) >= groupTotal) {
                    doneMs = double(gclock.nsecsElapsed()) / 1e6;
                    break;
                }
                notYetMs = pollSentMs;
            } else {
                jobErrors.add(r, "GET /v1/command-jobs/{id}");
            }
            spin(int(std::max<qint64>(0, at + 20 - gclock.elapsed())));
        }
        const double gcpu1 = Bench::cpuSeconds(pid);
        QMap<QString, qint64> counts;
        const QJsonObject c = doc.value(QStringLiteral("counts")).toObject();
        for (auto it = c.begin(); it != c.end(); ++it)
            counts[it.key()] = it.value().toInteger();
        const qint64 succeeded = counts.value(QStringLiteral("succeeded"));
        std::printf("  job %s: total %lld (the fleet has %lld), POST answered in %.0f ms\n", qPrintable(jobId), (long long)groupTotal,
                    (long long)ids.size(), postMs);
        std::printf("  final counts: %s; job status %s\n", qPrintable(countsText(counts)), qPrintable(doc.value(QStringLiteral("status")).toString()));
        if (jobErrors.total())
            std::printf("  errors polling the job: %s\n", qPrintable(jobErrors.text()));
        if (doneMs < 0) {
            std::printf("  WARNING: %lld of %lld commands still not final after %d s\n", (long long)(groupTotal - finalCount(doc)), (long long)groupTotal,
                        kFinalWaitMs / 1000);
            groupLost = true;
        } else {
            groupMs = doneMs;
            groupMet = groupTotal > 0 && groupTotal == ids.size() && succeeded == groupTotal && doneMs < 2000;
            std::printf("  POST -> all final: %.0f ms (between %.0f and %.0f ms)%s   target all succeeded < 2000 ms for 1,000: %s\n", doneMs,
                        notYetMs, doneMs, succeeded == groupTotal ? ", all succeeded" : ", NOT all succeeded", groupMet ? "met" : "NOT met");
        }
        // Without the poll's granularity: the job's last finished_at against the bench's clock before the POST.
        const qint64 jobFinished = isoMs(doc.value(QStringLiteral("finished_at")));
        if (jobFinished >= 0)
            std::printf("  POST -> the job's finished_at (the last command's): %lld ms (1 ms resolution)\n", (long long)(jobFinished - groupSentMs));
        groupLost = groupLost || counts.value(QStringLiteral("timed_out")) > 0 || counts.value(QStringLiteral("expired")) > 0;
        std::printf("  server CPU %.2f s, %.0f us per command (polls included)\n", gcpu1 - gcpu0, groupTotal ? (gcpu1 - gcpu0) / double(groupTotal) * 1e6 : 0.0);
    }

    // 4. Figures next to the targets.
    std::printf("\nsummary (%s, %lld devices, %.0f commands/s achieved of %.0f asked, HTTPS baseline %.0f req/s; server peak RSS %lld MiB)\n",
                server.database.isEmpty() ? "SQLite" : "PostgreSQL", (long long)ids.size(), achieved, rate, baselineRate,
                (long long)Bench::peakRssKiB(pid) / 1024);
    for (const auto &[name, v] : {std::pair{"REST -> delivered", &toDelivered}, std::pair{"REST -> succeeded", &toSucceeded}}) {
        if (v->empty()) {
            std::printf("  %-20s no samples                        target p50 < 5 ms, p99 < 25 ms: NOT met\n", name);
            continue;
        }
        const double p50 = Bench::percentile(*v, 0.5), p99 = Bench::percentile(*v, 0.99);
        std::printf("  %-20s p50 %4.0f ms   p99 %4.0f ms   target p50 < 5 ms, p99 < 25 ms: %s\n", name, p50, p99, p50 < 5 && p99 < 25 ? "met" : "NOT met");
    }
    if (groupMs >= 0)
        std::printf("  %-20s %5.0f ms                    target < 2000 ms for 1,000: %s\n", "group -> all final", groupMs, groupMet ? "met" : "NOT met");
    else
        std::printf("  %-20s did not finish                target < 2000 ms for 1,000: NOT met\n", "group -> all final");
    const bool lost = rateLost > 0 || groupLost;
    std::printf("  commands lost (not final, timed out, expired, HTTP 5xx or no answer): %s\n",
                lost ? qPrintable(QStringLiteral("YES, %1 in the rate phase%2").arg(rateLost).arg(groupLost ? QStringLiteral(", and in the group phase") : QString()))
                     : "none");
    std::fflush(stdout);
    devices.stop();
    server.stop();
    if (lost)
        return 2;
    return job.status == 201 ? 0 : 1;
}
