#include "fleet.h"
#include "protocol/version.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QStandardPaths>
#include <QtCore/QTimer>

#include <algorithm>
#include <csignal>
#include <cstdio>

namespace {
void quitOnSignal(int) { QCoreApplication::quit(); }
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fleetdeck-sim"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(Fleetdeck::kProductVersion));
    qSetMessagePattern(QStringLiteral("%{time hh:mm:ss.zzz} %{category}: %{message}"));

    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Fleetdeck device simulator: registers N devices through the REST API (with CSRs; keys stay here) or reuses\n"
        "them from the state directory, and connects each as a real mTLS MQTT client.\n"
        "Credentials: --email/--password-file, or FLEETDECK_EMAIL / FLEETDECK_PASSWORD."));
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption server(QStringLiteral("server"), QStringLiteral("Server URL. Default: https://localhost:8443."), QStringLiteral("URL"), QStringLiteral("https://localhost:8443"));
    const QCommandLineOption ca(QStringLiteral("ca"), QStringLiteral("Platform CA certificate (the server's DATA_DIR/pki/ca.crt)."), QStringLiteral("FILE"));
    const QCommandLineOption email(QStringLiteral("email"), QStringLiteral("User to register devices as. Default: admin@localhost."), QStringLiteral("EMAIL"));
    const QCommandLineOption passwordFile(QStringLiteral("password-file"), QStringLiteral("File holding the password."), QStringLiteral("FILE"));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Number of devices. Default: 5."), QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption state(QStringLiteral("state-dir"), QStringLiteral("Where device identities are kept. Default: %1.")
                                       .arg(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/fleetdeck-sim")), QStringLiteral("DIR"));
    const QCommandLineOption type(QStringLiteral("device-type"), QStringLiteral("Device type. Default: sim-sensor."), QStringLiteral("TYPE"), QStringLiteral("sim-sensor"));
    const QCommandLineOption prefix(QStringLiteral("serial-prefix"), QStringLiteral("Serial number prefix. Default: SIM."), QStringLiteral("PREFIX"), QStringLiteral("SIM"));
    const QCommandLineOption mqttHost(QStringLiteral("mqtt-host"), QStringLiteral("Broker host, instead of what the server says."), QStringLiteral("HOST"));
    const QCommandLineOption mqttPort(QStringLiteral("mqtt-port"), QStringLiteral("Broker port, instead of what the server says."), QStringLiteral("N"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Telemetry messages per second per device; 0 = none. Default: 0.2."), QStringLiteral("R"), QStringLiteral("0.2"));
    const QCommandLineOption profile(QStringLiteral("profile"), QStringLiteral("Metric profile: mixed (default), sine, random-walk, steps, spikes or noise."), QStringLiteral("NAME"), QStringLiteral("mixed"));
    const QCommandLineOption batch(QStringLiteral("batch"), QStringLiteral("Telemetry messages per publish. Default: 1."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption buffer(QStringLiteral("buffer"), QStringLiteral("Unacknowledged messages kept per device for re-sending. Default: 10000."), QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed of the metric generators and of the command delays and failures (runs repeat exactly). Default: 1."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption commandFailureRate(QStringLiteral("command-failure-rate"),
        QStringLiteral("Share (0 to 1) of the commands that would succeed but fail instead. Default: 0."), QStringLiteral("R"), QStringLiteral("0"));
    const QCommandLineOption commandDelay(QStringLiteral("command-delay-ms"),
        QStringLiteral("A command runs after a random delay of 0 to N ms (after its \"delivered\" reply). Default: 0."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption rebootSeconds(QStringLiteral("reboot-seconds"), QStringLiteral("Seconds a device stays offline for a reboot command. Default: 2."),
                                           QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption duration(QStringLiteral("duration"), QStringLiteral("Seconds to run, 0 = until interrupted. Default: 0."), QStringLiteral("S"), QStringLiteral("0"));
    const QCommandLineOption history(QStringLiteral("history-minutes"),
                                     QStringLiteral("At start, send readings for the last N minutes (one every 10 s, with their past times), "
                                                    "as a device catching up after an outage would; for demos and backtests. Default: 0."),
                                     QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption firmwareFault(QStringLiteral("firmware-fault"),
                                           QStringLiteral("A fault for firmware updates, on a share of the devices: NAME[:SHARE] with NAME one of download-error, "
                                                          "checksum-mismatch, signature-mismatch, boot-failure, never-returns and SHARE from 0 to 1 (default 1). "
                                                          "Default: none."),
                                           QStringLiteral("FAULT"));
    p.addOptions({server, ca, email, passwordFile, count, state, type, prefix, mqttHost, mqttPort, rate, profile, batch, buffer, seed,
                  commandFailureRate, commandDelay, rebootSeconds, duration, history, firmwareFault});
    p.process(app);

    const auto env = QProcessEnvironment::systemEnvironment();
    Fleetdeck::Sim::FleetOptions o;
    o.server = QUrl(p.value(server));
    o.caFile = p.value(ca);
    o.email = p.isSet(email) ? p.value(email) : env.value(QStringLiteral("FLEETDECK_EMAIL"), QStringLiteral("admin@localhost"));
    o.password = env.value(QStringLiteral("FLEETDECK_PASSWORD"));
    if (p.isSet(passwordFile)) {
        QFile f(p.value(passwordFile));
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "fleetdeck-sim: cannot read %s\n", qPrintable(p.value(passwordFile)));
            return 2;
        }
        o.password = QString::fromUtf8(f.readAll()).trimmed();
    }
    bool ok = false;
    o.count = p.value(count).toInt(&ok);
    if (!ok || o.count < 1 || o.count > 100000) {
        std::fprintf(stderr, "fleetdeck-sim: --count must be from 1 to 100000\n");
        return 2;
    }
    if (o.caFile.isEmpty() || o.password.isEmpty() || !o.server.isValid() || o.server.scheme() != u"https") {
        std::fprintf(stderr, "fleetdeck-sim: needs --server https://..., --ca FILE and a password (--password-file or FLEETDECK_PASSWORD); see --help\n");
        return 2;
    }
    o.stateDir = p.isSet(state) ? p.value(state) : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/fleetdeck-sim");
    o.deviceType = p.value(type);
    if (p.isSet(firmwareFault)) {
        const QStringList parts = p.value(firmwareFault).split(u':');
        const auto fault = Fleetdeck::Sim::faultFromName(parts.value(0));
        bool shareOk = true;
        const double share = parts.size() > 1 ? parts[1].toDouble(&shareOk) : 1.0;
        if (!fault || !shareOk || share < 0 || share > 1 || parts.size() > 2) {
            std::fprintf(stderr, "fleetdeck-sim: --firmware-fault is NAME[:SHARE] (download-error, checksum-mismatch, signature-mismatch, boot-failure, "
                                 "never-returns; SHARE 0..1)\n");
            return 2;
        }
        o.firmwareFault = *fault;
        o.firmwareFaultShare = share;
    }
    o.serialPrefix = p.value(prefix);
    o.mqttHost = p.value(mqttHost);
    o.mqttPort = p.value(mqttPort).toInt();
    const int seconds = p.value(duration).toInt();
    const int historyMinutes = p.value(history).toInt(&ok);
    if (!ok || historyMinutes < 0 || historyMinutes > 7 * 24 * 60) {
        std::fprintf(stderr, "fleetdeck-sim: --history-minutes must be from 0 to 10080 (a week)\n");
        return 2;
    }
    o.telemetry.historyMs = qint64(historyMinutes) * 60 * 1000;
    o.telemetry.ratePerSecond = p.value(rate).toDouble(&ok);
    if (!ok || o.telemetry.ratePerSecond < 0 || o.telemetry.ratePerSecond > 1000) {
        std::fprintf(stderr, "fleetdeck-sim: --rate must be from 0 to 1000 messages per second\n");
        return 2;
    }
    if (p.value(profile) != u"mixed") {
        const auto prof = Fleetdeck::Sim::TelemetryGenerator::profileFromName(p.value(profile));
        if (!prof) {
            std::fprintf(stderr, "fleetdeck-sim: unknown --profile %s (mixed, sine, random-walk, steps, spikes, noise)\n", qPrintable(p.value(profile)));
            return 2;
        }
        o.telemetry.metrics = Fleetdeck::Sim::TelemetryGenerator::metricsWithProfile(*prof);
    }
    o.telemetry.batch = std::clamp(p.value(batch).toInt(), 1, 500);
    o.telemetry.maxBuffered = std::clamp(p.value(buffer).toInt(), 1, 10000000);
    o.telemetry.seed = p.value(seed).toULongLong();
    o.commands.seed = o.telemetry.seed;
    o.commands.failureRate = p.value(commandFailureRate).toDouble(&ok);
    if (!ok || !(o.commands.failureRate >= 0 && o.commands.failureRate <= 1)) {
        std::fprintf(stderr, "fleetdeck-sim: --command-failure-rate must be from 0 to 1\n");
        return 2;
    }
    o.commands.delayMs = p.value(commandDelay).toInt(&ok);
    if (!ok || o.commands.delayMs < 0 || o.commands.delayMs > 3600000) {
        std::fprintf(stderr, "fleetdeck-sim: --command-delay-ms must be from 0 to 3600000\n");
        return 2;
    }
    o.commands.rebootSeconds = p.value(rebootSeconds).toInt(&ok);
    if (!ok || o.commands.rebootSeconds < 0 || o.commands.rebootSeconds > 3600) {
        std::fprintf(stderr, "fleetdeck-sim: --reboot-seconds must be from 0 to 3600\n");
        return 2;
    }

    Fleetdeck::Sim::Fleet fleet(o);
    QObject::connect(&fleet, &Fleetdeck::Sim::Fleet::progress, &app, [](const QString &m) { std::printf("fleetdeck-sim: %s\n", qPrintable(m)); std::fflush(stdout); });
    QObject::connect(&fleet, &Fleetdeck::Sim::Fleet::failed, &app, [](const QString &m) {
        std::fprintf(stderr, "fleetdeck-sim: %s\n", qPrintable(m));
        QCoreApplication::exit(1);
    });
    QObject::connect(&fleet, &Fleetdeck::Sim::Fleet::allOnline, &app, [&fleet] {
        std::printf("fleetdeck-sim: all %d devices online\n", fleet.deviceCount());
        std::fflush(stdout);
    });
    std::signal(SIGINT, quitOnSignal);
    std::signal(SIGTERM, quitOnSignal);
    if (seconds > 0)
        QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    QTimer::singleShot(0, &fleet, &Fleetdeck::Sim::Fleet::start);
    const int rc = app.exec();
    // Give the server up to 3 s to confirm what is still in flight before the summary.
    for (const auto &d : fleet.devices())
        if (d)
            d->stopTelemetry();
    QElapsedTimer drain;
    drain.start();
    while (drain.elapsed() < 3000) {
        const auto c = fleet.telemetryTotals();
        if (c.generated - c.acked - c.dropped <= 0)
            break;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    const auto t = fleet.telemetryTotals();
    std::printf("fleetdeck-sim: stopping; %d of %d devices were online\n", fleet.onlineCount(), fleet.deviceCount());
    if (o.telemetry.ratePerSecond > 0)
        std::printf("fleetdeck-sim: telemetry: %lld generated, %lld acknowledged as stored, %lld re-sent, %lld waiting for an ack, %lld dropped (buffer full)\n",
                    (long long)t.generated, (long long)t.acked, (long long)t.resent, (long long)(t.generated - t.acked - t.dropped), (long long)t.dropped);
    const auto c = fleet.commandTotals();
    std::printf("fleetdeck-sim: commands: %lld received, %lld succeeded, %lld failed, %lld rejected; %lld configurations applied\n",
                (long long)c.commandsReceived, (long long)c.commandsSucceeded, (long long)c.commandsFailed, (long long)c.commandsRejected,
                (long long)c.configsApplied);
    fleet.stop();
    // Let the offline status messages go out.
    QTimer::singleShot(200, &app, &QCoreApplication::quit);
    app.exec();
    return rc;
}
