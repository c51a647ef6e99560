#include "simdevice.h"

#include "protocol/messages.h"
#include "protocol/topics.h"

#include <QtCore/QDateTime>
#include <chrono>

namespace Fleetdeck::Sim {

SimDevice::SimDevice(DeviceIdentity identity, QString firmwareVersion, QObject *parent)
    : QObject(parent), m_identity(std::move(identity)), m_firmware(std::move(firmwareVersion))
{
    MqttClientOptions o;
    o.host = m_identity.mqttHost;
    o.port = m_identity.mqttPort;
    o.clientId = m_identity.deviceId;
    o.caFile = m_identity.caFile;
    o.certFile = m_identity.certFile;
    o.keyFile = m_identity.keyFile;
    o.cleanSession = false;
    o.keepAliveSeconds = 30;
    o.willTopic = Topics::status(m_identity.deviceId);
    o.willPayload = Messages::encode(Messages::DeviceStatus{Messages::DeviceStatus::State::Offline, {}});
    o.willQos = 1;
    o.willRetain = true;
    o.reconnectMaxMs = 30000;
    m_client = std::make_unique<MqttClient>(o);
    connect(m_client.get(), &MqttClient::connected, this, [this] {
        const QByteArray status = Messages::encode(Messages::DeviceStatus{Messages::DeviceStatus::State::Online, m_firmware});
        (void)m_client->publish(Topics::status(m_identity.deviceId), status, 1, true);
        (void)m_client->subscribe(Topics::telemetryAck(m_identity.deviceId), 1);
        // Everything not acknowledged goes again, in order; the server recognises what it already stored.
        if (m_nextToSend > 0)
            m_counters.resent += qint64(m_nextToSend);
        m_nextToSend = 0;
        m_inFlight = 0;
        sendPending();
        Q_EMIT online();
    });
    connect(m_client.get(), &MqttClient::disconnected, this, &SimDevice::offline);
    connect(m_client.get(), &MqttClient::messageReceived, this, [this](const QString &topic, const QByteArray &payload) {
        if (topic.endsWith(u"/telemetry/ack"))
            if (const auto seq = Telemetry::decodeAck(payload))
                onAck(*seq);
    });
    connect(m_client.get(), &MqttClient::published, this, [this] {
        if (m_inFlight > 0)
            --m_inFlight;
        if (m_telemetry.flood)
            generate();
    });
    connect(&m_tick, &QTimer::timeout, this, &SimDevice::generate);
}

Status SimDevice::start() { return m_client->start(); }

void SimDevice::stop()
{
    if (m_client->state() == MqttClient::State::Connected) {
        // A clean stop says so; the will is only for unexpected loss.
        const QByteArray status = Messages::encode(Messages::DeviceStatus{Messages::DeviceStatus::State::Offline, m_firmware});
        (void)m_client->publish(Topics::status(m_identity.deviceId), status, 1, true);
    }
    m_client->stop();
}

bool SimDevice::isOnline() const { return m_client->state() == MqttClient::State::Connected; }

void SimDevice::startTelemetry(const TelemetryOptions &options)
{
    m_telemetry = options;
    m_generator = std::make_unique<TelemetryGenerator>(options.seed, options.metrics);
    // Sequence numbers never go back, also across restarts of the simulator: microseconds at start.
    m_seq = QDateTime::currentMSecsSinceEpoch() * 1000;
    if (options.flood) {
        for (int i = 0; i < options.window; ++i)
            generate();
    } else if (options.ratePerSecond > 0) {
        m_tick.start(std::max(1, int(1000.0 * options.batch / options.ratePerSecond)));
    }
}

void SimDevice::stopTelemetry()
{
    m_tick.stop();
    m_telemetry.flood = false;
}

void SimDevice::generate()
{
    if (!m_generator || (m_telemetry.flood && m_inFlight >= m_telemetry.window))
        return;
    if (m_telemetry.flood && m_telemetry.ackWindow > 0 && int(m_buffer.size()) >= m_telemetry.ackWindow)
        return; // end-to-end flow control: wait for the server to confirm what it has
    const int count = std::max(1, m_telemetry.batch);
    for (int i = 0; i < count; ++i) {
        Telemetry::Message m;
        m.seq = ++m_seq;
        m.tsMs = QDateTime::currentMSecsSinceEpoch();
        m.readings = m_generator->next(m.tsMs);
        m_buffer.push_back(std::move(m));
        if (m_telemetry.recordLatency)
            m_sentNs.push_back(0);
        ++m_counters.generated;
        if (int(m_buffer.size()) > m_telemetry.maxBuffered) {
            m_buffer.pop_front();
            if (m_telemetry.recordLatency)
                m_sentNs.pop_front();
            if (m_nextToSend > 0)
                --m_nextToSend;
            ++m_counters.dropped;
        }
    }
    sendPending();
}

void SimDevice::sendPending()
{
    if (m_client->state() != MqttClient::State::Connected)
        return;
    const size_t per = size_t(std::max(1, m_telemetry.batch));
    while (m_nextToSend < m_buffer.size()) {
        if (m_telemetry.flood && m_inFlight >= m_telemetry.window)
            return;
        const size_t end = std::min(m_buffer.size(), m_nextToSend + per);
        QList<Telemetry::Message> chunk;
        for (size_t i = m_nextToSend; i < end; ++i)
            chunk << m_buffer[i];
        if (!m_client->publish(Topics::telemetry(m_identity.deviceId), Telemetry::encode(chunk), 1))
            return;
        if (m_telemetry.recordLatency) {
            const qint64 now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
            for (size_t i = m_nextToSend; i < end; ++i)
                if (m_sentNs[i] == 0)
                    m_sentNs[i] = now;
        }
        m_counters.published += qint64(end - m_nextToSend);
        m_nextToSend = end;
        ++m_inFlight;
    }
}

void SimDevice::onAck(qint64 seq)
{
    if (seq <= m_counters.ackedUpTo)
        return;
    m_counters.ackedUpTo = seq;
    const qint64 now = m_telemetry.recordLatency
                           ? std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count()
                           : 0;
    while (!m_buffer.empty() && m_buffer.front().seq <= seq) {
        if (m_telemetry.recordLatency) {
            if (m_sentNs.front() > 0)
                m_latencies.push_back(now - m_sentNs.front());
            m_sentNs.pop_front();
        }
        m_buffer.pop_front();
        if (m_nextToSend > 0)
            --m_nextToSend;
        ++m_counters.acked;
    }
    if (m_telemetry.flood && m_telemetry.ackWindow > 0)
        generate();
}

} // namespace Fleetdeck::Sim
