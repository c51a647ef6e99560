#pragma once

#include "mqtt/mqttclient.h"

#include <QtCore/QObject>
#include <memory>

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

/// One simulated device: a real mTLS MQTT client speaking the device protocol (status with a will for now).
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

Q_SIGNALS:
    void online();
    void offline(const QString &reason);

private:
    DeviceIdentity m_identity;
    QString m_firmware;
    std::unique_ptr<MqttClient> m_client;
};

} // namespace Fleetdeck::Sim
