#pragma once

#include "mqtt/mqttclient.h"
#include "protocol/telemetry.h"
#include "telemetrygenerator.h"

#include <QtCore/QObject>
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

/// One simulated device: a real mTLS MQTT client speaking the device protocol: status with a will, and telemetry
/// that is kept until the server acknowledges it and re-sent after a reconnect.
class SimDevice : public QObject
{
    Q_OBJECT
public:
    SimDevice(DeviceIdentity identity, QString firmwareVersion, QObject *parent = nullptr);

    [[nodiscard]] Status start();
    void stop();
    bool isOnline() const;
    const DeviceIdentity &identity() const { return m_identity; }
    MqttClient &client() { return *m_client; }
    QString lastError() const { return m_client->lastError(); }

    void startTelemetry(const TelemetryOptions &options);
    void stopTelemetry();
    const TelemetryCounters &counters() const { return m_counters; }
    qint64 buffered() const { return qint64(m_buffer.size()); }
    /// Publish -> acknowledgement latencies in ns, when recorded.
    const std::vector<qint64> &latencies() const { return m_latencies; }

Q_SIGNALS:
    void online();
    void offline(const QString &reason);

private:
    void generate();
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
};

} // namespace Fleetdeck::Sim
