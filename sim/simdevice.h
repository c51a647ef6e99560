#pragma once

#include "mqtt/mqttclient.h"
#include "protocol/commands.h"
#include "protocol/telemetry.h"
#include "telemetrygenerator.h"
#include "firmwareagent.h"

#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QRandomGenerator>
#include <QtCore/QSet>
#include <QtCore/QTimer>
#include <deque>
#include <memory>
#include <vector>

namespace Fleetdeck::Sim {

/// What a simulated device needs to connect: its identity and the files of its certificate.
struct DeviceIdentity
{
    QString deviceId;
    QString serialNumber;
    QString certFile;
    QString keyFile;
    QString caFile;
    QString mqttHost;
    quint16 mqttPort = 8883;
};

struct TelemetryOptions
{
    double ratePerSecond = 0;   ///< messages per second; 0 = no telemetry
    bool flood = false;         ///< as fast as the window allows (benchmarks)
    int window = 64;            ///< flood: publishes in flight (not yet PUBACKed by the broker)
    int ackWindow = 0;          ///< flood: messages not yet acknowledged by the server; 0 = no limit
    int batch = 1;              ///< messages per publish
    int maxBuffered = 20000;    ///< unacknowledged messages kept for re-sending; the oldest go when full
    quint64 seed = 1;
    QList<TelemetryGenerator::Metric> metrics = TelemetryGenerator::defaultMetrics();
    bool recordLatency = false; ///< keep publish -> ack latencies (benchmarks)
    qint64 historyMs = 0;       ///< at start, readings for this long before now, one every historyStepMs
    qint64 historyStepMs = 10'000;
};

struct TelemetryCounters
{
    qint64 generated = 0;
    qint64 published = 0;  ///< messages handed to the broker (re-sends included)
    qint64 resent = 0;
    qint64 acked = 0;      ///< messages the server confirmed stored
    qint64 dropped = 0;    ///< lost to a full re-send buffer
    qint64 ackedUpTo = 0;
};

/// How a simulated device runs commands (reboot, set_reporting_interval, ping). The default runs every command at
/// once and never fails.
struct CommandOptions
{
    double failureRate = 0; ///< share (0..1) of the commands that would succeed but reply "failed" instead
    int delayMs = 0;        ///< a command runs after a uniform random delay of 0..delayMs; 0 = right after "delivered"
    int rebootSeconds = 2;  ///< how long a reboot keeps the device offline
    quint64 seed = 1;       ///< the delays and failures repeat exactly for a given seed and sequence of commands
};

struct CommandCounters
{
    qint64 commandsReceived = 0;  ///< duplicates (a command id seen before) not counted
    qint64 commandsSucceeded = 0;
    qint64 commandsFailed = 0;
    qint64 commandsRejected = 0;  ///< malformed, expired, of an unknown type, or arrived while rebooting
    qint64 configsApplied = 0;    ///< desired configurations applied and reported (a re-sent one counts again)
};

/// One simulated device: a real mTLS MQTT client speaking the device protocol: status with a will, and telemetry
/// that is kept until the server acknowledges it and re-sent after a reconnect; it runs commands and applies the
/// desired configuration of its device twin.
class SimDevice : public QObject
{
    Q_OBJECT
public:
    SimDevice(DeviceIdentity identity, QString firmwareVersion, QObject *parent = nullptr);

    [[nodiscard]] Status start();
    void stop();
    /// Connected to the broker and not rebooting.
    bool isOnline() const;
    const DeviceIdentity &identity() const { return m_identity; }
    /// The current connection; a reboot replaces it with a new one.
    MqttClient &client() { return *m_client; }
    QString lastError() const { return m_client->lastError(); }

    void startTelemetry(const TelemetryOptions &options);
    void stopTelemetry();
    const TelemetryCounters &counters() const { return m_counters; }
    qint64 buffered() const { return qint64(m_buffer.size()); }
    /// Telemetry publishes the broker has not acknowledged yet (QoS 1).
    int inFlight() const { return m_inFlight; }
    /// Publish -> acknowledgement latencies in ns, when recorded.
    const std::vector<qint64> &latencies() const { return m_latencies; }
    /// What telemetry runs with; a set_reporting_interval command or a desired reporting_interval_s changes the rate.
    const TelemetryOptions &telemetryOptions() const { return m_telemetry; }

    /// Takes effect for the commands that arrive from now on; restarts the random sequence from options.seed.
    void setCommandOptions(const CommandOptions &options);
    const CommandOptions &commandOptions() const { return m_commandOptions; }
    const CommandCounters &commandCounters() const { return m_commandCounters; }
    /// Between a reboot command going offline and the new connection being started.
    bool isRebooting() const { return m_rebooting; }
    /// The version of the last desired configuration applied (0: none yet) and the values reported for it.
    qint64 appliedConfigVersion() const { return m_configVersion; }

    /// Takes firmware jobs from now on (devices/{id}/firmware/job), as a device of `deviceType`.
    void enableFirmware(QNetworkAccessManager &network, const FirmwareOptions &options, const QString &deviceType);
    void setFirmwareOptions(const FirmwareOptions &options);
    FirmwareAgent *firmwareAgent() const { return m_firmwareAgent; }
    QString firmwareVersion() const { return m_firmware; }
    const QJsonObject &reportedConfig() const { return m_reportedConfig; }

Q_SIGNALS:
    void online();
    void offline(const QString &reason);
    /// A command got its final reply (also a rejection of a malformed or expired one; `type` may then be empty).
    void commandFinished(const QString &commandId, const QString &type, Fleetdeck::Commands::Reply::Status status);
    /// A desired configuration was applied and the reported one published (or queued while offline).
    void configApplied(qint64 version);
    /// The server acknowledged telemetry up to `seq` (stored); emitted after the device forgot it and, flooding,
    /// sent what its windows allow again.
    void telemetryAcked(qint64 seq);

private:
    std::unique_ptr<MqttClient> makeClient();
    void onConnected();
    void onMessage(const QString &topic, const QByteArray &payload);
    Result<int> publishStatus(bool online);
    /// Publishes now, or keeps the message for the next connection when there is none.
    Result<int> publishOrQueue(const QString &topic, const QByteArray &payload);

    void onCommand(const QString &commandId, const QByteArray &payload);
    void execute(const Commands::CommandMessage &command, bool simulatedFailure);
    void reply(const QString &commandId, Commands::Reply::Status status, const QJsonObject &result = {});
    void finish(const QString &commandId, const QString &type, Commands::Reply::Status status, const QJsonObject &result);
    void onDesiredConfig(const QByteArray &payload);
    bool setReportingInterval(double seconds);
    int tickIntervalMs() const;
    void reboot();
    void installFirmware(const QString &version, bool bootOk, bool returns);
    void powerOff();
    void finishReboot();
    void cancelPendingCommands(const char *why);

    void generate();
    void generateOne(); ///< one message (or one batch of them) into the buffer, then sends what it can
    void sendPending();
    void onAck(qint64 seq);

    DeviceIdentity m_identity;
    QString m_firmware;
    std::unique_ptr<MqttClient> m_client;

    TelemetryOptions m_telemetry;
    std::unique_ptr<TelemetryGenerator> m_generator;
    QTimer m_tick;
    std::deque<Telemetry::Message> m_buffer; ///< unacknowledged, oldest first
    std::deque<qint64> m_sentNs;             ///< send time of each buffered message (when recording latency)
    size_t m_nextToSend = 0;                 ///< index into m_buffer of the first message not sent on this connection
    qint64 m_seq = 0;
    int m_inFlight = 0;
    TelemetryCounters m_counters;
    std::vector<qint64> m_latencies;

    CommandOptions m_commandOptions;
    CommandCounters m_commandCounters;
    QRandomGenerator m_commandRng;
    QSet<QString> m_seenCommands;            ///< recent command ids: a QoS 1 duplicate is not executed twice
    std::deque<QString> m_seenOrder;         ///< the same ids, oldest first, to forget the oldest
    quint64 m_commandGeneration = 0;         ///< bumped by a reboot or stop: delayed commands of before are dropped
    int m_pendingCommands = 0;               ///< delivered, waiting for their delay
    std::deque<std::pair<QString, QByteArray>> m_outbox; ///< replies and reports waiting for a connection
    QJsonObject m_reportedConfig;
    qint64 m_configVersion = 0;
    QTimer m_shutdownTimer;                  ///< a reboot disconnects once the broker has the last messages, or on this
    int m_shutdownMid = -1;                  ///< the offline status of a reboot, whose PUBACK ends the connection
    QTimer m_rebootTimer;
    bool m_rebooting = false;
    bool m_resumeTick = false;               ///< the rate timer ran when the reboot began
    FirmwareAgent *m_firmwareAgent = nullptr;
    QString m_deviceType;
    bool m_staysOff = false;
    QString m_nextFirmware;                  ///< installed, runs after the reboot                 ///< a firmware fault: the reboot never ends
};

} // namespace Fleetdeck::Sim
