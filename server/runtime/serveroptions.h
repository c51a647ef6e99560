#pragma once

#include "core/result.h"

#include <QtCore/QStringList>

namespace Fleetdeck {

/// Everything the server can be told at start, from the command line and/or an INI file (command line wins).
struct ServerOptions
{
    QString dataDir;
    QString bindAddress = QStringLiteral("0.0.0.0");
    quint16 httpPort = 8443;
    quint16 mqttPort = 8883;
    quint16 wsPort = 8444;       ///< WebSocket API (wss://…/v1/ws); 0 = any free port
    quint16 transferPort = 8445; ///< firmware uploads and downloads (streamed); 0 = any free port
    qint64 firmwareMaxImageMiB = 1024;  ///< one firmware image
    qint64 firmwareQuotaMiB = 8192;     ///< all of one organisation's firmware images
    int maxDownloads = 64;              ///< firmware images sent at once; beyond, 503 + Retry-After
    QString database;            ///< empty = sqlite:DATA_DIR/fleetdeck.db
    QString broker = QStringLiteral("embedded"); ///< or mqtts://host:port
    QString publicHost = QStringLiteral("localhost"); ///< host name devices are told to connect to
    QStringList serverNames;     ///< extra DNS names / IPs for the server certificate
    qint64 maxBodyBytes = 1024 * 1024;
    qint64 telemetryMaxMiB = 0;  ///< size limit of raw telemetry, 0 = none
    /// SQLite: the telemetry writer commits with synchronous=FULL (an acknowledged reading survives power loss and
    /// an OS crash); false = NORMAL (survives a crash of the server only, faster commits).
    bool sqliteFullSync = true;
    int httpIdleTimeoutMs = 60000; ///< not on the command line; tests shorten it
    qint64 notificationRetryBaseMs = 10000; ///< the first pause after a failed delivery; not on the command line; tests shorten it
    /// Open connections each listener (HTTPS, WebSocket) takes, overall and per source (IPv4 address / IPv6 /64).
    int maxConnections = 2000;
    int maxConnectionsPerSource = 100;
    qint64 wsMaxClientOutputBytes = 8 << 20; ///< unsent answers before a WebSocket client is closed; tests shorten it
    QString adminEmail = QStringLiteral("admin@localhost");
    QString adminPassword;       ///< from FLEETDECK_ADMIN_PASSWORD only; never from files or the command line
    /// Encrypts the CA private key at rest: FLEETDECK_KEY_PASSPHRASE, or the first line of --key-passphrase-file.
    QString keyPassphrase;
    QString mosquittoBinary;
    QString brokerPlugin;

    bool embeddedBroker() const { return broker == u"embedded"; }
};

/// Parses argv (and the INI file named by --config). On --help/--version prints and returns an empty error
/// message with `exitNow` set.
struct ParsedOptions
{
    ServerOptions options;
    bool exitNow = false;
    int exitCode = 0;
};
[[nodiscard]] Result<ParsedOptions> parseServerOptions(const QStringList &arguments);

} // namespace Fleetdeck
