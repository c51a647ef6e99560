// Ingest benchmark: K simulated devices publish QoS 1 telemetry (3 metrics) as fast as their in-flight window
// allows for T seconds per phase, the two kinds of phase alternating in the same run (A1 B1 A2 B2 A3 by default):
//   A. the broker alone: the embedded broker's own configuration run as a plain mosquitto, one null subscriber (the
//      server's identity and transport, persistent session, QoS 1, a thread of its own) that only counts; the mean
//      of the A phases is the ceiling;
//   B. the real server: parse, validate, batch, COMMIT, acknowledge; the mean of the B phases is the stored rate.
// Prints the broker ceiling, stored msg/s and their ratio, publish -> commit (-> ack at the device) latency,
// server CPU and peak RSS, and sent vs stored counts (a broker that drops messages shows up there).
#include "benchsupport.h"
#include "fleet.h"
#include "mqtt/mqttconnection.h"
#include "protocol/topics.h"
#include "restclient.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtNetwork/QTcpServer>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cstdio>
#include <ctime>
#include <unistd.h>

using namespace Fleetdeck;
using Fleetdeck::Bench::spin;
using Fleetdeck::Bench::waitUntil;

namespace {

/// Phase A's null subscriber: the server's identity and its transport (MqttConnection), on a thread of its own so
/// that it takes no time from the load generator's thread; it only counts. Everything lives in that thread.
class NullSubscriber
{
public:
    explicit NullSubscriber(MqttClientOptions options)
    {
        m_context.moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(&m_context, [this, options] {
            m_connection = new MqttConnection(options);
            QObject::connect(m_connection, &MqttConnection::messageReceived, [this] { m_received.fetch_add(1, std::memory_order_relaxed); });
            QObject::connect(m_connection, &MqttConnection::connected, [this] {
                (void)m_connection->subscribe(Topics::allDevices(Topics::Kind::Telemetry), 1);
                m_connected = true;
            });
            QObject::connect(m_connection, &MqttConnection::disconnected, [this](const QString &why) {
                m_connected = false;
                std::lock_guard<std::mutex> lock(m_mutex);
                m_lastError = why;
            });
            if (auto st = m_connection->start(); !st) {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_lastError = st.error().message;
            }
        }, Qt::BlockingQueuedConnection);
    }
    ~NullSubscriber()
    {
        QMetaObject::invokeMethod(&m_context, [this] {
            m_connection->stop();
            delete m_connection;
        }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    qint64 received() const { return m_received.load(std::memory_order_relaxed); }
    /// CPU seconds the subscriber's thread has used so far.
    double cpuSeconds()
    {
        double s = 0;
        QMetaObject::invokeMethod(&m_context, [&s] {
            timespec ts{};
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
            s = double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
        }, Qt::BlockingQueuedConnection);
        return s;
    }
    bool isConnected() const { return m_connected; }
    QString lastError() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_lastError;
    }

private:
    QThread m_thread;
    QObject m_context;
    MqttConnection *m_connection = nullptr;
    std::atomic<qint64> m_received{0};
    std::atomic<bool> m_connected{false};
    mutable std::mutex m_mutex;
    QString m_lastError;
};

/// Starts the fleet and waits up to 30 s for every device to be online.
bool bringOnline(Sim::Fleet &fleet)
{
    bool online = false;
    QObject::connect(&fleet, &Sim::Fleet::allOnline, [&] { online = true; });
    fleet.start();
    return waitUntil([&] { return online; }, 30000);
}

/// Latency percentiles in ms from ns samples.
double percentileMs(const std::vector<qint64> &v, double p) { return Bench::percentile(v, p) / 1e6; }


struct Flood
{
    qint64 published = 0;
    qint64 acked = 0;
    qint64 dropped = 0;
    double seconds = 0;
    std::vector<qint64> latencies;
};

/// Floods from every device for `seconds`, then lets acknowledgements drain (when `waitForAcks`).
Flood flood(const std::vector<std::unique_ptr<Sim::SimDevice>> &devices, int seconds, int window, int ackWindow, bool waitForAcks, quint64 seed)
{
    Sim::TelemetryOptions o;
    o.flood = true;
    o.window = window;
    o.ackWindow = ackWindow;
    o.maxBuffered = 5'000'000;
    o.recordLatency = waitForAcks;
    std::vector<Sim::TelemetryCounters> before;
    for (const auto &d : devices)
        before.push_back(d->counters());
    QElapsedTimer clock;
    clock.start();
    quint64 s = seed;
    for (const auto &d : devices) {
        o.seed = ++s;
        d->startTelemetry(o);
    }
    spin(seconds * 1000);
    for (const auto &d : devices)
        d->stopTelemetry();
    Flood f;
    f.seconds = double(clock.nsecsElapsed()) / 1e9;
    if (waitForAcks)
        waitUntil([&] { return std::all_of(devices.begin(), devices.end(), [](const auto &d) { return d->buffered() == 0; }); }, 60000);
    for (size_t i = 0; i < devices.size(); ++i) {
        const auto &c = devices[i]->counters();
        f.published += c.generated - before[i].generated;
        f.acked += c.acked - before[i].acked;
        f.dropped += c.dropped - before[i].dropped;
        f.latencies.insert(f.latencies.end(), devices[i]->latencies().begin(), devices[i]->latencies().end());
    }
    return f;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Fleetdeck ingest benchmark: broker ceiling vs stored msg/s."));
    p.addHelpOption();
    const QCommandLineOption devicesOpt(QStringLiteral("devices"), QStringLiteral("Simulated devices (default 10)."), QStringLiteral("K"), QStringLiteral("10"));
    const QCommandLineOption secondsOpt(QStringLiteral("seconds"), QStringLiteral("Seconds per phase (default 10)."), QStringLiteral("T"), QStringLiteral("10"));
    const QCommandLineOption windowOpt(QStringLiteral("window"), QStringLiteral("QoS 1 publishes in flight per device (default 50)."), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption ackWindowOpt(QStringLiteral("ack-window"),
        QStringLiteral("Phase B: messages per device not yet acknowledged by the server (end-to-end flow control, default 400; 0 = none)."),
        QStringLiteral("N"), QStringLiteral("400"));
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("PostgreSQL URL of an empty database (default: SQLite)."), QStringLiteral("URL"));
    const QCommandLineOption roundsOpt(QStringLiteral("rounds"),
        QStringLiteral("Server phases (B), each between two broker-alone phases (A): A1 B1 A2 ... (default 2)."), QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption syncOpt(QStringLiteral("sqlite-synchronous"),
                                     QStringLiteral("The server's --sqlite-synchronous (full or normal; default: the server's default, full)."),
                                     QStringLiteral("MODE"));
    const QCommandLineOption rulesOpt(QStringLiteral("rules"),
                                      QStringLiteral("Active rules over every device during the server phases (default 0): thresholds, ranges, rates "
                                                     "of change, 1-minute averages and absences on the three metrics, a few of which fire."),
                                      QStringLiteral("N"), QStringLiteral("0"));
    p.addOptions({devicesOpt, secondsOpt, windowOpt, ackWindowOpt, roundsOpt, database, syncOpt, rulesOpt});
    p.process(app);
    const int K = p.value(devicesOpt).toInt();
    const int T = p.value(secondsOpt).toInt();
    const int window = p.value(windowOpt).toInt();
    const int ackWindow = p.value(ackWindowOpt).toInt();
    const int nRounds = std::max(1, p.value(roundsOpt).toInt());
    const int nRules = p.value(rulesOpt).toInt();
    qputenv("FLEETDECK_ADMIN_PASSWORD", "bench-password-1");
    QLoggingCategory::setFilterRules(QStringLiteral("fleetdeck.*.info=false\nqt.network.ssl.warning=false"));

    QTemporaryDir tmp;
    tmp.setAutoRemove(qEnvironmentVariableIsEmpty("FLEETDECK_BENCH_KEEP")); // keep the server log and data for a look
    Bench::ServerProcess server;
    server.dataDir = tmp.filePath(QStringLiteral("data"));
    server.httpPort = Bench::freePort();
    server.mqttPort = Bench::freePort();
    server.database = p.value(database);
    if (p.isSet(syncOpt))
        server.extraArgs << QStringLiteral("--sqlite-synchronous") << p.value(syncOpt);
    std::printf("fleetdeck ingest benchmark: %d devices, %d s per phase, window %d, 3 metrics, QoS 1, mTLS, %s%s\n", K, T, window,
                server.database.isEmpty() ? "SQLite" : "PostgreSQL",
                server.database.isEmpty() ? qPrintable(QStringLiteral(", synchronous=") + (p.isSet(syncOpt) ? p.value(syncOpt) : QStringLiteral("full"))) : "");

    // Provision K devices through the server (CSR path), and keep their identities.
    if (!server.start())
        { std::fprintf(stderr, "benchmark step 1 failed\n"); return 1; }
    const QString caFile = server.dataDir + QStringLiteral("/pki/ca.crt");
    if (!waitUntil([&] { return QFile::exists(caFile); }, 10000))
        { std::fprintf(stderr, "benchmark step 2 failed\n"); return 1; }
    Sim::RestClient health(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server.httpPort)), caFile);
    (void)health.loadCa();
    if (!waitUntil([&] { return health.requestSync("GET", QStringLiteral("/v1/health")).status == 200; }, 20000)) {
        std::fprintf(stderr, "server not healthy; see %s-server.log\n", qPrintable(server.dataDir));
        { std::fprintf(stderr, "benchmark step 3 failed\n"); return 1; }
    }
    // The health details (stored counts) are for signed-in callers; sessions survive the restarts below.
    health.setToken(health.requestSync("POST", QStringLiteral("/v1/auth/login"),
                                       {{QStringLiteral("email"), QStringLiteral("admin@localhost")}, {QStringLiteral("password"), QStringLiteral("bench-password-1")}})
                        .body.value(QStringLiteral("token")).toString());
    // Rules over every device (tenant-wide), of every kind; about one in twenty holds at times and raises alerts.
    for (int i = 0; i < nRules; ++i) {
        static const char *metrics[] = {"temperature", "humidity", "power"};
        const QString metric = QString::fromLatin1(metrics[i % 3]);
        const bool fires = i % 20 == 0;
        QJsonObject condition;
        switch (i % 5) {
        case 0: condition = {{QStringLiteral("type"), QStringLiteral("threshold")}, {QStringLiteral("metric"), metric}, {QStringLiteral("op"), QStringLiteral(">")},
                             {QStringLiteral("value"), fires ? 0.0 : 1e6 + i}, {QStringLiteral("for_s"), 5}, {QStringLiteral("deadband"), 1}}; break;
        case 1: condition = {{QStringLiteral("type"), QStringLiteral("range")}, {QStringLiteral("metric"), metric}, {QStringLiteral("min"), -1e6},
                             {QStringLiteral("max"), 1e6 + i}}; break;
        case 2: condition = {{QStringLiteral("type"), QStringLiteral("rate_of_change")}, {QStringLiteral("metric"), metric}, {QStringLiteral("op"), QStringLiteral(">")},
                             {QStringLiteral("value"), 1e6}}; break;
        case 3: condition = {{QStringLiteral("type"), QStringLiteral("aggregate")}, {QStringLiteral("metric"), metric}, {QStringLiteral("agg"), QStringLiteral("avg")},
                             {QStringLiteral("window_s"), 60}, {QStringLiteral("op"), QStringLiteral(">")}, {QStringLiteral("value"), 1e6}}; break;
        default: condition = {{QStringLiteral("type"), QStringLiteral("absence")}, {QStringLiteral("metric"), metric}, {QStringLiteral("seconds"), 300}}; break;
        }
        const Sim::RestReply r = health.requestSync("POST", QStringLiteral("/v1/rules"),
                                                    {{QStringLiteral("name"), QStringLiteral("bench rule %1").arg(i)},
                                                     {QStringLiteral("condition"), condition},
                                                     {QStringLiteral("actions"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("alert")},
                                                                                                         {QStringLiteral("severity"), QStringLiteral("minor")}}}}});
        if (r.status != 201) {
            std::fprintf(stderr, "cannot create rule %d: HTTP %d %s\n", i, r.status, qPrintable(r.error));
            return 1;
        }
    }
    if (nRules > 0)
        std::printf("%d active rules over every device\n", nRules);
    Sim::FleetOptions fo;
    fo.server = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server.httpPort));
    fo.caFile = caFile;
    fo.email = QStringLiteral("admin@localhost");
    fo.password = QStringLiteral("bench-password-1");
    fo.stateDir = tmp.filePath(QStringLiteral("sim"));
    fo.count = K;
    fo.mqttHost = QStringLiteral("127.0.0.1");
    fo.mqttPort = server.mqttPort;
    auto fleet = std::make_unique<Sim::Fleet>(fo);
    bool online = false;
    QObject::connect(fleet.get(), &Sim::Fleet::allOnline, [&] { online = true; });
    QObject::connect(fleet.get(), &Sim::Fleet::failed, [](const QString &why) { std::fprintf(stderr, "fleet: %s\n", qPrintable(why)); });
    fleet->start();
    if (!waitUntil([&] { return online; }, 30000))
        { std::fprintf(stderr, "benchmark step 4 failed\n"); return 1; }
    fleet->stop();
    fleet.reset();
    spin(300);
    server.stop();

    // A. The broker alone, with exactly the configuration the server generated for it. Run before and after B: this
    // host's speed drifts with its neighbours, and the mean of the two is the ceiling B is compared with.
    MqttClientOptions nullOpts;
    nullOpts.host = QStringLiteral("127.0.0.1");
    nullOpts.port = server.mqttPort;
    nullOpts.clientId = QStringLiteral("fleetdeck-server");
    nullOpts.caFile = caFile;
    nullOpts.certFile = server.dataDir + QStringLiteral("/pki/broker-client.crt");
    nullOpts.keyFile = server.dataDir + QStringLiteral("/pki/broker-client.key");
    nullOpts.cleanSession = false;
    nullOpts.maxInflight = 1000;
    auto brokerAlone = [&](const char *label, quint64 seed) -> double {
        QProcess broker;
        broker.setProcessChannelMode(QProcess::MergedChannels);
        broker.setStandardOutputFile(QProcess::nullDevice());
        broker.start(QStringLiteral("mosquitto"), {QStringLiteral("-c"), server.dataDir + QStringLiteral("/broker/mosquitto.conf")});
        if (!broker.waitForStarted(5000)) {
            std::fprintf(stderr, "mosquitto does not start\n");
            return 0;
        }
        spin(300);
        double rate = 0;
        {
            NullSubscriber nullSub(nullOpts);
            if (!waitUntil([&] { return nullSub.isConnected(); }, 10000)) {
                std::fprintf(stderr, "null subscriber cannot connect: %s; mosquitto %s\n", qPrintable(nullSub.lastError()),
                             broker.state() == QProcess::Running ? "running" : "not running");
                return 0;
            }
            spin(200);
            Sim::Fleet a(fo);
            if (!bringOnline(a)) {
                std::fprintf(stderr, "the devices do not come online on the broker alone\n");
                return 0;
            }
            const qint64 receivedBefore = nullSub.received();
            const double subCpu0 = nullSub.cpuSeconds(), selfCpu0 = Bench::cpuSeconds(getpid()), brokerCpu0 = Bench::cpuSeconds(broker.processId());
            QElapsedTimer clock;
            clock.start();
            const Flood fa = flood(a.devices(), T, window, 0, false, seed);
            // Count what the subscriber got while the devices published, plus what was still in flight at the end.
            waitUntil([&] { return nullSub.received() - receivedBefore >= fa.published; }, 10000);
            const double seconds = double(clock.nsecsElapsed()) / 1e9;
            const qint64 got = nullSub.received() - receivedBefore;
            rate = double(got) / seconds;
            const double sub = nullSub.cpuSeconds() - subCpu0;
            const double load = Bench::cpuSeconds(getpid()) - selfCpu0 - sub;
            const double brk = Bench::cpuSeconds(broker.processId()) - brokerCpu0;
            std::printf("\n%s broker alone (null subscriber on its own thread, the server's transport, QoS 1, persistent session)\n", label);
            std::printf("   published %lld, delivered %lld, %.0f msg/s over %.1f s\n", (long long)fa.published, (long long)got, rate, seconds);
            if (got)
                std::printf("   CPU per message: load generator %.1f us, broker %.1f us, null subscriber %.1f us; %.0f%% of the 2 cores busy\n",
                            load * 1e6 / double(got), brk * 1e6 / double(got), sub * 1e6 / double(got), 100 * (load + brk + sub) / (2 * seconds));
            a.stop();
            spin(300);
        }
        broker.terminate();
        broker.waitForFinished(5000);
        return rate;
    };
    // B. The real server, started for each round on the same data (its database grows from round to round).
    struct Round
    {
        double rate = 0;
        qint64 published = 0, stored = 0;
        bool ok = false;
    };
    auto serverRound = [&](const char *label, quint64 seed) -> Round {
        Round out;
        if (!server.start() || !waitUntil([&] { return health.requestSync("GET", QStringLiteral("/v1/health")).status == 200; }, 20000)) {
            std::fprintf(stderr, "the server does not start; see %s-server.log\n", qPrintable(server.dataDir));
            return out;
        }
        const qint64 storedBefore = health.requestSync("GET", QStringLiteral("/v1/health")).body.value(QStringLiteral("telemetry")).toObject().value(QStringLiteral("stored_messages")).toInteger();
        {
            Sim::Fleet b(fo);
            if (!bringOnline(b)) {
                std::fprintf(stderr, "the devices do not come online on the server\n");
                return out;
            }
            const qint64 pid = server.process.processId();
            const qint64 brokerPid = Bench::childPid(pid, "mosquitto");
            const double cpu0 = Bench::cpuSeconds(pid), selfCpu0 = Bench::cpuSeconds(getpid()), brokerCpu0 = Bench::cpuSeconds(brokerPid);
            QElapsedTimer bc;
            bc.start();
            const Flood fb = flood(b.devices(), T, window, ackWindow, true, seed);
            const double bSeconds = double(bc.nsecsElapsed()) / 1e9;
            const double cpu1 = Bench::cpuSeconds(pid);
            const double load = Bench::cpuSeconds(getpid()) - selfCpu0, brk = brokerPid ? Bench::cpuSeconds(brokerPid) - brokerCpu0 : 0;
            const QJsonObject tel = health.requestSync("GET", QStringLiteral("/v1/health")).body.value(QStringLiteral("telemetry")).toObject();
            out.published = fb.published;
            out.stored = tel.value(QStringLiteral("stored_messages")).toInteger() - storedBefore;
            out.rate = double(out.stored) / bSeconds;
            const qint64 stored = out.stored;
            std::printf("\n%s fleetdeck-server (%s)\n", label, server.database.isEmpty() ? "SQLite" : "PostgreSQL");
            std::printf("   published %lld, acknowledged %lld, stored %lld (duplicates %lld, refused %lld), %.0f msg/s over %.1f s incl. drain\n",
                        (long long)fb.published, (long long)fb.acked, (long long)stored, (long long)tel.value(QStringLiteral("duplicates")).toInteger(),
                        (long long)tel.value(QStringLiteral("rejected")).toObject().count(), out.rate, bSeconds);
            std::printf("   publish -> commit -> ack at the device: p50 %.1f ms  p99 %.1f ms   (target p99 < 250 ms)\n",
                        percentileMs(fb.latencies, 0.5), percentileMs(fb.latencies, 0.99));
            std::printf("   server CPU %.1f s (%.0f%% of one core, %.1f us per message), peak RSS %lld MiB\n", cpu1 - cpu0, 100 * (cpu1 - cpu0) / bSeconds,
                        stored ? (cpu1 - cpu0) * 1e6 / double(stored) : 0.0, (long long)Bench::peakRssKiB(pid) / 1024);
            if (stored)
                std::printf("   CPU per message: load generator %.1f us, broker %.1f us, server %.1f us%s; %.0f%% of the 2 cores busy\n",
                            load * 1e6 / double(stored), brk * 1e6 / double(stored), (cpu1 - cpu0) * 1e6 / double(stored),
                            server.database.isEmpty() ? "" : " (PostgreSQL's own processes not counted)", 100 * (load + brk + cpu1 - cpu0) / (2 * bSeconds));
            b.stop();
            spin(300);
        }
        server.stop();
        out.ok = true;
        return out;
    };

    // A and B alternate, A first and last (A1 B1 A2 B2 A3 for two rounds): this host's speed drifts with its
    // neighbours by up to a third within a run, and each B is compared with the A phases on either side of it.
    std::vector<double> ceilings;
    std::vector<Round> rounds;
    for (int i = 0; i <= nRounds; ++i) {
        const QByteArray a = "A" + QByteArray::number(i + 1) + ".";
        const double c = brokerAlone(a.constData(), 1000 + 2000 * quint64(i));
        if (c <= 0) {
            std::fprintf(stderr, "benchmark phase %s failed\n", a.constData());
            return 1;
        }
        ceilings.push_back(c);
        if (i == nRounds)
            break;
        const QByteArray b = "B" + QByteArray::number(i + 1) + ".";
        const Round r = serverRound(b.constData(), 2000 + 2000 * quint64(i));
        if (!r.ok) {
            std::fprintf(stderr, "benchmark phase %s failed\n", b.constData());
            return 1;
        }
        rounds.push_back(r);
    }
    // Each B is compared with the ceiling at its time: the mean of the A phases on either side of it. The overall
    // ceiling is the mean of those (A1 + 2 A2 + ... + An+1, over 2n), not of all A phases alike, which would weigh
    // the first and the last as much as those between two rounds.
    double ceilingSum = 0, storedSum = 0;
    qint64 published = 0, stored = 0;
    std::printf("\n");
    for (size_t i = 0; i < rounds.size(); ++i) {
        storedSum += rounds[i].rate;
        published += rounds[i].published;
        stored += rounds[i].stored;
        const double around = (ceilings[i] + ceilings[i + 1]) / 2;
        ceilingSum += around;
        std::printf("round %zu: ceiling %.0f msg/s (A%zu %.0f, A%zu %.0f), stored %.0f msg/s, ratio %.2f\n", i + 1, around, i + 1, ceilings[i], i + 2,
                    ceilings[i + 1], rounds[i].rate, rounds[i].rate / around);
    }
    const double ceiling = ceilingSum / double(rounds.size()), storedRate = storedSum / double(rounds.size());
    std::printf("broker ceiling %.0f msg/s (at each B, the mean of the A phases around it), stored %.0f msg/s (mean of %zu B phases), ratio %.2f "
                "(target >= %.2f), sent %lld vs stored %lld: %s\n",
                ceiling, storedRate, rounds.size(), storedRate / ceiling, server.database.isEmpty() ? 0.9 : 0.75, (long long)published,
                (long long)stored, stored == published ? "nothing lost" : "MISMATCH");
    return stored == published ? 0 : 2;
}
