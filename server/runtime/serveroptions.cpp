#include "runtime/serveroptions.h"

#include "protocol/version.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QUrl>

#include <cstdio>
#include <tuple>

namespace Fleetdeck {

namespace {

Result<quint16> parsePort(const QString &name, const QString &value)
{
    bool ok = false;
    const int port = value.toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return fail(Error::invalid(QStringLiteral("--%1 must be a port number from 0 to 65535 (got \"%2\")").arg(name, value)));
    return quint16(port);
}

} // namespace

Result<ParsedOptions> parseServerOptions(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Fleetdeck server: device registry, PKI, broker supervision and the HTTPS API.\n"
        "Every option can also be set in an INI file given with --config (keys as the long option names, e.g.\n"
        "http-port=8443); the command line wins. The admin password comes from FLEETDECK_ADMIN_PASSWORD, or is\n"
        "generated at first start into DATA_DIR/admin-password."));
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption config(QStringLiteral("config"), QStringLiteral("INI file with options."), QStringLiteral("FILE"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Data directory (PKI, database, broker state). Default: %1.")
                                         .arg(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/fleetdeck")), QStringLiteral("DIR"));
    const QCommandLineOption httpPort(QStringLiteral("http-port"), QStringLiteral("HTTPS port for REST. Default: 8443."), QStringLiteral("N"));
    const QCommandLineOption wsPort(QStringLiteral("ws-port"), QStringLiteral("Port of the WebSocket API (wss://HOST:N/v1/ws, the console's). Default: 8444."), QStringLiteral("N"));
    const QCommandLineOption transferPort(QStringLiteral("transfer-port"),
                                          QStringLiteral("Port of firmware uploads and downloads (https://HOST:N/v1/firmware/ID/image). Default: 8445."), QStringLiteral("N"));
    const QCommandLineOption firmwareMaxImage(QStringLiteral("firmware-max-image-mb"), QStringLiteral("Largest firmware image in MiB. Default: 1024."), QStringLiteral("MIB"));
    const QCommandLineOption firmwareQuota(QStringLiteral("firmware-quota-mb"),
                                           QStringLiteral("Firmware images one organisation may store, in MiB. Default: 8192."), QStringLiteral("MIB"));
    const QCommandLineOption maxDownloads(QStringLiteral("max-downloads"),
                                          QStringLiteral("Firmware images sent at once; more get 503 with Retry-After. Default: 64."), QStringLiteral("N"));
    const QCommandLineOption mqttPort(QStringLiteral("mqtt-port"), QStringLiteral("Device mTLS port of the embedded broker. Default: 8883."), QStringLiteral("N"));
    const QCommandLineOption bind(QStringLiteral("bind"), QStringLiteral("Address to listen on. Default: 0.0.0.0 (all interfaces)."), QStringLiteral("ADDR"));
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("sqlite:PATH or postgresql://user:pass@host:port/db. Default: sqlite:DATA_DIR/fleetdeck.db."), QStringLiteral("URL"));
    const QCommandLineOption broker(QStringLiteral("broker"), QStringLiteral("'embedded' (supervised mosquitto) or mqtts://host:port of an external broker. Default: embedded."), QStringLiteral("MODE"));
    const QCommandLineOption publicHost(QStringLiteral("public-host"), QStringLiteral("Host name devices are told to connect to. Default: localhost."), QStringLiteral("HOST"));
    const QCommandLineOption serverName(QStringLiteral("server-name"), QStringLiteral("Extra DNS name or IP for the server certificate (repeatable)."), QStringLiteral("NAME"));
    const QCommandLineOption maxBody(QStringLiteral("max-body"), QStringLiteral("Largest accepted request body in bytes. Default: 1048576."), QStringLiteral("BYTES"));
    const QCommandLineOption mosquitto(QStringLiteral("mosquitto"), QStringLiteral("Path of the mosquitto binary. Default: found on PATH or in /usr/sbin."), QStringLiteral("PATH"));
    const QCommandLineOption keyPassphraseFile(QStringLiteral("key-passphrase-file"),
                                               QStringLiteral("File whose first line is the passphrase that encrypts the CA private key at rest "
                                                              "(or set FLEETDECK_KEY_PASSPHRASE)."), QStringLiteral("FILE"));
    const QCommandLineOption telemetryMaxMb(QStringLiteral("telemetry-max-mb"),
                                            QStringLiteral("Size limit of stored raw telemetry in MiB; the oldest days go first (never today). Default: 0 = no limit."),
                                            QStringLiteral("MIB"));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"),
                                            QStringLiteral("Open connections the HTTPS and the WebSocket listener each accept. Default: 2000."), QStringLiteral("N"));
    const QCommandLineOption maxConnectionsPerSource(QStringLiteral("max-connections-per-source"),
                                                     QStringLiteral("Of those, from one IPv4 address or IPv6 /64. Default: 100."), QStringLiteral("N"));
    const QCommandLineOption sqliteSync(QStringLiteral("sqlite-synchronous"),
                                        QStringLiteral("SQLite only: 'full' (an acknowledged reading survives power loss and an OS crash) or 'normal' "
                                                       "(it survives a crash of the server, not of the machine; faster commits). Default: full."),
                                        QStringLiteral("MODE"));
    p.addOptions({config, dataDir, httpPort, wsPort, mqttPort, bind, database, broker, publicHost, serverName, maxBody, mosquitto, keyPassphraseFile, telemetryMaxMb,
                  maxConnections, maxConnectionsPerSource, sqliteSync, transferPort, firmwareMaxImage, firmwareQuota, maxDownloads});

    ParsedOptions out;
    if (!p.parse(arguments))
        return fail(Error::invalid(p.errorText() + QStringLiteral("\nRun with --help for the options.")));
    if (p.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(p.helpText()), stdout);
        out.exitNow = true;
        return out;
    }
    if (p.isSet(QStringLiteral("version"))) {
        std::printf("fleetdeck-server %s\n", kProductVersion);
        out.exitNow = true;
        return out;
    }
    if (!p.positionalArguments().isEmpty())
        return fail(Error::invalid(QStringLiteral("unexpected argument \"%1\"; run with --help for the options").arg(p.positionalArguments().first())));

    // Values from the INI file first, then the command line over them.
    QHash<QString, QString> values;
    if (p.isSet(config)) {
        const QString file = p.value(config);
        if (!QFileInfo(file).isReadable())
            return fail(Error::invalid(QStringLiteral("--config %1: no such readable file").arg(file)));
        QSettings ini(file, QSettings::IniFormat);
        if (ini.status() != QSettings::NoError)
            return fail(Error::invalid(QStringLiteral("--config %1: not a valid INI file").arg(file)));
        static const QStringList known{QStringLiteral("data-dir"), QStringLiteral("http-port"), QStringLiteral("ws-port"), QStringLiteral("mqtt-port"), QStringLiteral("bind"),
                                       QStringLiteral("database"), QStringLiteral("broker"), QStringLiteral("public-host"), QStringLiteral("server-name"),
                                       QStringLiteral("max-body"), QStringLiteral("mosquitto"), QStringLiteral("key-passphrase-file"),
                                       QStringLiteral("telemetry-max-mb"), QStringLiteral("max-connections"), QStringLiteral("max-connections-per-source"),
                                       QStringLiteral("sqlite-synchronous"), QStringLiteral("transfer-port"), QStringLiteral("firmware-max-image-mb"),
                                       QStringLiteral("firmware-quota-mb"), QStringLiteral("max-downloads")};
        const QStringList keys = ini.allKeys();
        for (const QString &key : keys) {
            if (!known.contains(key))
                return fail(Error::invalid(QStringLiteral("--config %1: unknown key \"%2\"").arg(file, key)));
            values.insert(key, ini.value(key).toStringList().join(u','));
        }
    }
    for (const QCommandLineOption *o : {&dataDir, &httpPort, &wsPort, &mqttPort, &bind, &database, &broker, &publicHost, &maxBody, &mosquitto, &keyPassphraseFile, &telemetryMaxMb,
                                         &maxConnections, &maxConnectionsPerSource, &sqliteSync, &transferPort, &firmwareMaxImage, &firmwareQuota, &maxDownloads})
        if (p.isSet(*o))
            values.insert(o->names().first(), p.value(*o));

    ServerOptions &o = out.options;
    o.dataDir = values.value(QStringLiteral("data-dir"),
                             QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/fleetdeck"));
    o.dataDir = QFileInfo(o.dataDir).absoluteFilePath();
    if (values.contains(QStringLiteral("http-port"))) {
        auto port = parsePort(QStringLiteral("http-port"), values.value(QStringLiteral("http-port")));
        if (!port)
            return fail(port.error());
        o.httpPort = *port;
    }
    if (values.contains(QStringLiteral("ws-port"))) {
        auto port = parsePort(QStringLiteral("ws-port"), values.value(QStringLiteral("ws-port")));
        if (!port)
            return fail(port.error());
        o.wsPort = *port;
    }
    if (values.contains(QStringLiteral("transfer-port"))) {
        auto port = parsePort(QStringLiteral("transfer-port"), values.value(QStringLiteral("transfer-port")));
        if (!port)
            return fail(port.error());
        o.transferPort = *port;
    }
    for (auto [key, target, max] : {std::tuple{QStringLiteral("firmware-max-image-mb"), &o.firmwareMaxImageMiB, 64LL * 1024},
                                    std::tuple{QStringLiteral("firmware-quota-mb"), &o.firmwareQuotaMiB, 100LL * 1024 * 1024}}) {
        if (!values.contains(key))
            continue;
        bool ok = false;
        const qint64 v = values.value(key).toLongLong(&ok);
        if (!ok || v < 1 || v > max)
            return fail(Error::invalid(QStringLiteral("--%1 must be a number of MiB from 1 to %2").arg(key).arg(max)));
        *target = v;
    }
    if (values.contains(QStringLiteral("max-downloads"))) {
        bool ok = false;
        o.maxDownloads = values.value(QStringLiteral("max-downloads")).toInt(&ok);
        if (!ok || o.maxDownloads < 1 || o.maxDownloads > 100000)
            return fail(Error::invalid(QStringLiteral("--max-downloads must be from 1 to 100000")));
    }
    if (values.contains(QStringLiteral("mqtt-port"))) {
        auto port = parsePort(QStringLiteral("mqtt-port"), values.value(QStringLiteral("mqtt-port")));
        if (!port)
            return fail(port.error());
        if (*port == 0)
            return fail(Error::invalid(QStringLiteral("--mqtt-port must not be 0: devices need a fixed port")));
        o.mqttPort = *port;
    }
    o.bindAddress = values.value(QStringLiteral("bind"), o.bindAddress);
    o.database = values.value(QStringLiteral("database"));
    o.broker = values.value(QStringLiteral("broker"), o.broker);
    if (!o.embeddedBroker()) {
        const QUrl url(o.broker);
        if (url.scheme() != u"mqtts" || url.host().isEmpty() || url.port() <= 0)
            return fail(Error::invalid(QStringLiteral("--broker must be 'embedded' or mqtts://host:port (got \"%1\")").arg(o.broker)));
    }
    o.publicHost = values.value(QStringLiteral("public-host"), o.publicHost);
    o.serverNames = p.isSet(serverName) ? p.values(serverName)
                                        : values.value(QStringLiteral("server-name")).split(u',', Qt::SkipEmptyParts);
    if (values.contains(QStringLiteral("telemetry-max-mb"))) {
        bool ok = false;
        o.telemetryMaxMiB = values.value(QStringLiteral("telemetry-max-mb")).toLongLong(&ok);
        if (!ok || o.telemetryMaxMiB < 0 || o.telemetryMaxMiB > 100LL * 1024 * 1024)
            return fail(Error::invalid(QStringLiteral("--telemetry-max-mb must be a number of MiB from 0 (no limit) to 104857600")));
    }
    if (values.contains(QStringLiteral("max-body"))) {
        bool ok = false;
        o.maxBodyBytes = values.value(QStringLiteral("max-body")).toLongLong(&ok);
        if (!ok || o.maxBodyBytes < 1024 || o.maxBodyBytes > 1024LL * 1024 * 1024)
            return fail(Error::invalid(QStringLiteral("--max-body must be from 1024 to 1073741824 bytes")));
    }
    for (auto [key, target] : {std::pair{QStringLiteral("max-connections"), &o.maxConnections},
                               std::pair{QStringLiteral("max-connections-per-source"), &o.maxConnectionsPerSource}}) {
        if (!values.contains(key))
            continue;
        bool ok = false;
        *target = values.value(key).toInt(&ok);
        if (!ok || *target < 1 || *target > 1'000'000)
            return fail(Error::invalid(QStringLiteral("--%1 must be a number from 1 to 1000000").arg(key)));
    }
    if (o.maxConnectionsPerSource > o.maxConnections)
        return fail(Error::invalid(QStringLiteral("--max-connections-per-source (%1) must not be above --max-connections (%2)")
                                       .arg(o.maxConnectionsPerSource).arg(o.maxConnections)));
    if (values.contains(QStringLiteral("sqlite-synchronous"))) {
        const QString mode = values.value(QStringLiteral("sqlite-synchronous")).toLower();
        if (mode != u"full" && mode != u"normal")
            return fail(Error::invalid(QStringLiteral("--sqlite-synchronous must be 'full' or 'normal' (got \"%1\")").arg(values.value(QStringLiteral("sqlite-synchronous")))));
        o.sqliteFullSync = mode == u"full";
    }
    o.mosquittoBinary = values.value(QStringLiteral("mosquitto"));
    const auto env = QProcessEnvironment::systemEnvironment();
    o.adminEmail = env.value(QStringLiteral("FLEETDECK_ADMIN_EMAIL"), o.adminEmail);
    o.adminPassword = env.value(QStringLiteral("FLEETDECK_ADMIN_PASSWORD"));
    o.brokerPlugin = env.value(QStringLiteral("FLEETDECK_BROKER_PLUGIN"));
    o.keyPassphrase = env.value(QStringLiteral("FLEETDECK_KEY_PASSPHRASE"));
    if (values.contains(QStringLiteral("key-passphrase-file"))) {
        const QString file = values.value(QStringLiteral("key-passphrase-file"));
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return fail(Error::invalid(QStringLiteral("--key-passphrase-file %1: cannot read it").arg(file)));
        const QString line = QString::fromUtf8(f.readLine(4096)).trimmed();
        if (line.isEmpty())
            return fail(Error::invalid(QStringLiteral("--key-passphrase-file %1: the first line is empty").arg(file)));
        o.keyPassphrase = line;
    }
    return out;
}

} // namespace Fleetdeck
