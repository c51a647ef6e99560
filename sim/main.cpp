#include "fleet.h"
#include "protocol/version.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QStandardPaths>
#include <QtCore/QTimer>

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
    const QCommandLineOption duration(QStringLiteral("duration"), QStringLiteral("Seconds to run, 0 = until interrupted. Default: 0."), QStringLiteral("S"), QStringLiteral("0"));
    p.addOptions({server, ca, email, passwordFile, count, state, type, prefix, mqttHost, mqttPort, duration});
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
    o.serialPrefix = p.value(prefix);
    o.mqttHost = p.value(mqttHost);
    o.mqttPort = p.value(mqttPort).toInt();
    const int seconds = p.value(duration).toInt();

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
    std::printf("fleetdeck-sim: stopping; %d of %d devices were online\n", fleet.onlineCount(), fleet.deviceCount());
    fleet.stop();
    // Let the offline status messages go out.
    QTimer::singleShot(200, &app, &QCoreApplication::quit);
    app.exec();
    return rc;
}
