// Foundation benchmark: cold start to healthy (first start, with CA and certificates made, and a restart), and
// device registrations per second through REST with CSRs, against a real fleetdeck-server process with its
// embedded mosquitto. Baseline in the same run: GET /v1/health on the same server, connection and TLS set-up
// included, which is the HTTPS ceiling a registration cannot beat.
#include "pki/certificateauthority.h"
#include "benchsupport.h"
#include "restclient.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QJsonArray>
#include <QtCore/QLoggingCategory>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtNetwork/QTcpServer>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

using namespace Fleetdeck;

namespace {





/// Polls /v1/health until it answers 200; returns the milliseconds since `clock` started, or -1.
double waitHealthy(Sim::RestClient &rest, const QElapsedTimer &clock, QProcess &process)
{
    while (clock.elapsed() < 20000) {
        if (process.state() != QProcess::Running)
            return -1;
        const Sim::RestReply r = rest.requestSync("GET", QStringLiteral("/v1/health"));
        if (r.status == 200)
            return double(clock.nsecsElapsed()) / 1e6;
        QThread::msleep(2);
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Fleetdeck foundation benchmark: cold start and registrations/s."));
    p.addHelpOption();
    const QCommandLineOption starts(QStringLiteral("starts"), QStringLiteral("Cold starts to measure (each kind). Default 5."), QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption devices(QStringLiteral("devices"), QStringLiteral("Registrations to measure. Default 2000."), QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption parallel(QStringLiteral("parallel"), QStringLiteral("Requests in flight. Default 8."), QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("Database URL for the server (default: its SQLite)."), QStringLiteral("URL"));
    p.addOptions({starts, devices, parallel, database});
    p.process(app);
    const int nStarts = p.value(starts).toInt();
    const int nDevices = p.value(devices).toInt();
    const int inFlight = std::max(1, p.value(parallel).toInt());
    qputenv("FLEETDECK_ADMIN_PASSWORD", "bench-password-1");
    QLoggingCategory::setFilterRules(QStringLiteral("qt.network.ssl.warning=false"));

    QTemporaryDir tmp;
    std::printf("fleetdeck foundation benchmark (%d cores), database: %s\n", QThread::idealThreadCount(),
                p.isSet(database) ? qPrintable(p.value(database)) : "SQLite (embedded default)");

    // 1. Cold start to healthy: first start (CA, certificates, migrations, admin) and restart on existing data.
    std::vector<double> first, again;
    for (int i = 0; i < nStarts; ++i) {
        Bench::ServerProcess s;
        s.dataDir = tmp.filePath(QStringLiteral("start-%1").arg(i));
        s.httpPort = Bench::freePort();
        s.mqttPort = Bench::freePort();
        for (int round = 0; round < 2; ++round) {
            QElapsedTimer clock;
            clock.start();
            if (!s.start()) {
                std::fprintf(stderr, "cannot start %s\n", FLEETDECK_SERVER_BINARY);
                return 1;
            }
            // The CA exists only after the server made it; trust it as soon as it is there.
            while (!QFile::exists(s.dataDir + QStringLiteral("/pki/ca.crt")) && clock.elapsed() < 10000)
                QThread::msleep(1);
            Sim::RestClient rest(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(s.httpPort)), s.dataDir + QStringLiteral("/pki/ca.crt"));
            while (!rest.loadCa().has_value() && clock.elapsed() < 10000)
                QThread::msleep(1);
            const double ms = waitHealthy(rest, clock, s.process);
            if (ms < 0) {
                std::fprintf(stderr, "server did not become healthy; log: %s-server.log\n", qPrintable(s.dataDir));
                return 1;
            }
            (round == 0 ? first : again).push_back(ms);
            s.stop();
        }
    }
    std::printf("\ncold start to healthy (process start -> GET /v1/health 200, embedded broker up, SQLite), %d runs each:\n", nStarts);
    std::printf("  first start (makes CA + certs)  p50 %7.1f ms   min %7.1f   max %7.1f   target < 2000 ms\n",
                Bench::percentile(first, 0.5), Bench::percentile(first, 0), Bench::percentile(first, 1));
    std::printf("  restart on existing data        p50 %7.1f ms   min %7.1f   max %7.1f   target < 2000 ms\n",
                Bench::percentile(again, 0.5), Bench::percentile(again, 0), Bench::percentile(again, 1));

    // 2. Registrations per second with CSRs.
    Bench::ServerProcess s;
    s.dataDir = tmp.filePath(QStringLiteral("reg"));
    s.httpPort = Bench::freePort();
    s.mqttPort = Bench::freePort();
    s.database = p.value(database);
    QElapsedTimer boot;
    boot.start();
    if (!s.start())
        return 1;
    while (!QFile::exists(s.dataDir + QStringLiteral("/pki/ca.crt")))
        QThread::msleep(2);
    Sim::RestClient rest(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(s.httpPort)), s.dataDir + QStringLiteral("/pki/ca.crt"));
    while (!rest.loadCa().has_value())
        QThread::msleep(2);
    if (waitHealthy(rest, boot, s.process) < 0)
        return 1;
    const Sim::RestReply login = rest.requestSync("POST", QStringLiteral("/v1/auth/login"),
                                                  {{QStringLiteral("email"), QStringLiteral("admin@localhost")}, {QStringLiteral("password"), QStringLiteral("bench-password-1")}});
    if (login.status != 200) {
        std::fprintf(stderr, "login failed: %d %s\n", login.status, qPrintable(login.error));
        return 1;
    }
    rest.setToken(login.body.value(QStringLiteral("token")).toString());

    std::printf("\npreparing %d P-256 keys and CSRs (not timed)...\n", nDevices);
    std::vector<QByteArray> csrs;
    csrs.reserve(size_t(nDevices));
    for (int i = 0; i < nDevices; ++i)
        csrs.push_back(Pki::makeKeyAndRequest(QStringLiteral("bench-%1").arg(i))->second);

    // Runs `total` requests with `inFlight` in flight; returns {seconds, latencies ms, failures}.
    struct Run { double seconds = 0; std::vector<double> latencies; int failures = 0; QString firstError; };
    auto drive = [&](int total, const std::function<void(int, std::function<void(const Sim::RestReply &)>)> &send) {
        Run run;
        int next = 0, done = 0;
        QElapsedTimer clock;
        clock.start();
        std::function<void()> launch = [&] {
            if (next >= total)
                return;
            const int index = next++;
            const qint64 t0 = clock.nsecsElapsed();
            send(index, [&, t0](const Sim::RestReply &r) {
                run.latencies.push_back(double(clock.nsecsElapsed() - t0) / 1e6);
                if (r.status < 200 || r.status >= 300) {
                    if (run.firstError.isEmpty())
                        run.firstError = QStringLiteral("HTTP %1 %2").arg(r.status).arg(r.error);
                    ++run.failures;
                }
                ++done;
                launch();
            });
        };
        for (int i = 0; i < inFlight; ++i)
            launch();
        while (done < total)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        run.seconds = double(clock.nsecsElapsed()) / 1e9;
        return run;
    };

    const int healthRequests = std::max(500, nDevices);
    const Run baseline = drive(healthRequests, [&](int, auto done) { rest.request("GET", QStringLiteral("/v1/health"), {}, done); });
    const double cpu0 = Bench::cpuSeconds(s.process.processId());
    const Run reg = drive(nDevices, [&](int i, auto done) {
        rest.request("POST", QStringLiteral("/v1/devices"),
                     {{QStringLiteral("serial_number"), QStringLiteral("BENCH-%1").arg(i)},
                      {QStringLiteral("device_type"), QStringLiteral("bench")},
                      {QStringLiteral("tags"), QJsonArray{QStringLiteral("bench")}},
                      {QStringLiteral("csr"), QString::fromLatin1(csrs[size_t(i)])}},
                     done);
    });
    const double cpu1 = Bench::cpuSeconds(s.process.processId());
    s.stop();

    const double healthRate = healthRequests / baseline.seconds;
    const double regRate = nDevices / reg.seconds;
    std::printf("\nHTTPS baseline, GET /v1/health, %d in flight:   %8.0f req/s   p50 %.2f ms  p99 %.2f ms\n", inFlight, healthRate,
                Bench::percentile(baseline.latencies, 0.5), Bench::percentile(baseline.latencies, 0.99));
    std::printf("registrations with CSR, POST /v1/devices:     %8.0f /s      p50 %.2f ms  p99 %.2f ms   target >= 300/s\n", regRate,
                Bench::percentile(reg.latencies, 0.5), Bench::percentile(reg.latencies, 0.99));
    std::printf("  ratio to the HTTPS baseline: %.2f   server CPU %.2f s for %d registrations (%.0f us each)   failures %d%s\n",
                regRate / healthRate, cpu1 - cpu0, nDevices, (cpu1 - cpu0) / nDevices * 1e6, reg.failures,
                reg.failures ? qPrintable(QStringLiteral(" (first: ") + reg.firstError + QStringLiteral(")")) : "");
    return reg.failures == 0 && baseline.failures == 0 ? 0 : 1;
}
