#pragma once

#include "commands/commandservice.h"
#include "devices/brokercontrol.h"
#include "mqtt/mqttconnection.h"

#include <QtCore/QDateTime>
#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <functional>

class QTimer;

namespace Fleetdeck {

class EmbeddedBroker;

/// The server's own connection to the broker: a persistent session (clean-start false, QoS 1) authenticated with
/// the server's client certificate. Routes device-protocol messages to the services and carries the block list
/// to the broker plugin.
class BrokerLink : public QObject, public IBrokerControl, public ICommandTransport
{
    Q_OBJECT
public:
    BrokerLink(MqttClientOptions options, EmbeddedBroker *embedded, QObject *parent = nullptr);

    [[nodiscard]] Status start();
    void stop();

    /// Supplies the ids the broker must refuse; asked at every (re)connect.
    void setBlockListProvider(std::function<QStringList()> provider) { m_blockList = std::move(provider); }

    bool isConnected() const override { return m_client.state() == MqttConnection::State::Connected; }
    QJsonObject health() const;
    MqttConnection &client() { return m_client; }

    /// Status messages per device: up to `burst` within `windowMs` pass at once; beyond that only the latest waits
    /// and is passed on when the window ends (earlier waiting ones are dropped and counted). Each status costs a
    /// database write and, going online, a desired-config publish: a device flapping or flooding pays in delay,
    /// the server does not, and the last word of the device is never lost.
    void setStatusRateLimit(int burst, qint64 windowMs)
    {
        m_statusBurst = burst;
        m_statusWindowMs = windowMs;
    }

    /// devices/{id}/telemetry/ack {"seq":N}: everything up to N is stored.
    void publishTelemetryAck(const QString &deviceId, qint64 seq);

    // ICommandTransport
    [[nodiscard]] Result<int> publishCommand(const QString &deviceId, const QString &commandId, const QByteArray &payload) override;
    [[nodiscard]] Result<int> publishDesiredConfig(const QString &deviceId, const QByteArray &payload) override;

    /// devices/{id}/firmware/job (QoS 1, not retained): an update job, or its cancellation.
    [[nodiscard]] Result<int> publishFirmwareJob(const QString &deviceId, const QByteArray &payload);

    // IBrokerControl
    void setDeviceBlocked(const QString &deviceId, bool blocked) override;
    void clearRetainedStatus(const QString &deviceId) override;
    void revocationListChanged() override;

    static constexpr const char *kControlTopic = "$CONTROL/fleetdeck/v1";
    /// Where the embedded broker's plugin reports, per device, the messages it refused for their size.
    static constexpr const char *kRejectsTopic = "fleetdeck/v1/broker/rejects";

Q_SIGNALS:
    void statusMessage(const QString &deviceId, const QByteArray &payload, bool retained);
    void telemetryMessage(const QString &deviceId, const QByteArray &payload);
    void commandReply(const QString &deviceId, const QString &commandId, const QByteArray &payload);
    void configReported(const QString &deviceId, const QByteArray &payload);
    void firmwareProgress(const QString &deviceId, const QByteArray &payload);
    /// The broker acknowledged (PUBACK) our QoS 1 publish with this message id.
    void published(int mid);
    /// A device's message was too large: refused by the broker's plugin (`count` of them since its last report) or
    /// skipped on the link. deviceId is empty when it is not known.
    void oversizeRefused(const QString &deviceId, qint64 count, bool byBroker);
    void linkUp();
    void linkDown(const QString &reason);

private:
    void onConnected(bool sessionPresent);
    void onMessage(const QString &topic, const QByteArray &payload, int qos, bool retained);
    void syncBlockList();
    void onBrokerReport(const QByteArray &payload);
    void gateStatus(const QString &deviceId, const QByteArray &payload, bool retained);
    void flushStatus();

    MqttConnection m_client;
    EmbeddedBroker *m_embedded;
    std::function<QStringList()> m_blockList;
    QDateTime m_stateSince;
    QString m_lastError;
    qint64 m_ignoredMessages = 0;
    qint64 m_brokerOversize = 0;
    QJsonObject m_lastOversize;

    struct StatusGate
    {
        qint64 windowStart = 0;
        int passed = 0;
        bool waiting = false;
        QByteArray payload;
        bool retained = false;
    };
    QHash<QString, StatusGate> m_statusGates;
    QTimer *m_statusFlush = nullptr;
    int m_statusBurst = 5;
    qint64 m_statusWindowMs = 10000;
    qint64 m_statusPassed = 0;
    qint64 m_statusDelayed = 0;
    qint64 m_statusDropped = 0;
};

} // namespace Fleetdeck
