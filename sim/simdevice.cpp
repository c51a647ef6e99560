#include "simdevice.h"

#include "protocol/messages.h"
#include "protocol/topics.h"

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
        Q_EMIT online();
    });
    connect(m_client.get(), &MqttClient::disconnected, this, &SimDevice::offline);
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

} // namespace Fleetdeck::Sim
