#pragma once

#include "core/result.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QProcess>
#include <QtCore/QStringList>
#include <QtCore/QTimer>

namespace Fleetdeck {

struct EmbeddedBrokerConfig
{
    QString dataDir;        ///< DATA_DIR/broker: config, persistence, log, block list
    QString bindAddress;    ///< empty = all interfaces
    quint16 port = 8883;
    QString caFile;
    QString certFile;
    QString keyFile;
    QString crlFile;
    QString pluginPath;     ///< fleetdeck_broker_plugin.so
    QString serverIdentity = QStringLiteral("fleetdeck-server");
    QString mosquittoBinary; ///< empty = search PATH and /usr/sbin
    int offlineSessionExpiryDays = 7;
};

/// Runs mosquitto as a supervised child: writes its configuration, restarts it with backoff when it dies, stops
/// it with the server. The child also dies with the server (PR_SET_PDEATHSIG), so a kill -9 leaves no broker
/// holding the port.
class EmbeddedBroker : public QObject
{
    Q_OBJECT
public:
    explicit EmbeddedBroker(EmbeddedBrokerConfig config, QObject *parent = nullptr);
    ~EmbeddedBroker() override;

    [[nodiscard]] Status start();
    void stop();
    /// SIGHUP: mosquitto re-reads its configuration, certificates and the plugin's block list.
    void reload();

    bool isRunning() const { return m_process.state() == QProcess::Running; }
    int restartCount() const { return m_restarts; }
    QString blockListPath() const;
    QString logPath() const;
    QString configPath() const;
    /// The last lines mosquitto wrote, for error messages.
    QString recentLog() const;
    /// Keeps mosquitto.log below `maxBytes`: the current log becomes mosquitto.log.1 and mosquitto reopens its log.
    void rotateLogIfLarger(qint64 maxBytes);
    /// Writes the block list (device identities the broker must refuse).
    [[nodiscard]] Status writeBlockList(const QStringList &deviceIds) const;

    static QString findMosquitto(const QString &hint);

Q_SIGNALS:
    void started();
    /// The broker accepts TCP connections on its port (after every (re)start).
    void listening();
    void exited(const QString &reason);

private:
    Status writeConfig() const;
    void launch();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void probe();

    EmbeddedBrokerConfig m_config;
    QProcess m_process;
    QTimer m_restartTimer;
    QTimer m_probeTimer;
    int m_probes = 0;
    QString m_binary;
    int m_restarts = 0;
    QElapsedTimer m_runningSince;
    int m_backoffMs = 0;
    bool m_stopping = false;
};

} // namespace Fleetdeck
