#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <memory>

namespace Fleetdeck {

struct MqttClientOptions
{
    QString host = QStringLiteral("localhost");
    quint16 port = 8883;
    QString clientId;
    QString caFile;    ///< PEM of the CA that signed the broker's certificate
    QString certFile;  ///< client certificate (mTLS); its CN is the identity the broker sees
    QString keyFile;
    bool cleanSession = true;
    int keepAliveSeconds = 30;
    int maxInflight = 100;
    QString willTopic;
    QByteArray willPayload;
    int willQos = 1;
    bool willRetain = true;
    bool autoReconnect = true;
    int reconnectMinMs = 250;
    int reconnectMaxMs = 10000;
};

/// An MQTT 3.1.1 client on libmosquitto, driven by the Qt event loop of the thread it lives in: socket notifiers
/// for I/O and a timer for keep-alive, no extra threads. Reconnects with exponential backoff when allowed.
class MqttClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected };
    Q_ENUM(State)

    explicit MqttClient(MqttClientOptions options, QObject *parent = nullptr);
    ~MqttClient() override;

    /// Starts connecting (asynchronous). Returns an error only for bad options (e.g. unreadable key files).
    [[nodiscard]] Status start();
    /// Stops reading from the socket (backpressure): the broker keeps what it has not delivered.
    void setReadPaused(bool paused);
    bool isReadPaused() const { return m_readPaused; }
    /// Drops the connection without DISCONNECT, as a crash or a cut cable would (the broker sends the will).
    void abort();
    /// Skips the remaining backoff and tries to connect now (when disconnected).
    void reconnectNow();
    /// Disconnects cleanly and stops reconnecting.
    void stop();

    [[nodiscard]] Result<int> publish(const QString &topic, const QByteArray &payload, int qos = 1, bool retain = false);
    [[nodiscard]] Result<int> subscribe(const QString &filter, int qos = 1);

    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    const MqttClientOptions &options() const { return m_options; }
    /// Number of connections established since start (1 after the first CONNACK).
    int connectCount() const { return m_connectCount; }

Q_SIGNALS:
    void connected(bool sessionPresent);
    /// The connection ended or a connect attempt failed; `reason` is human-readable.
    void disconnected(const QString &reason);
    void messageReceived(const QString &topic, const QByteArray &payload, int qos, bool retained);
    void published(int mid);
    void subscribed(int mid);
    void stateChanged(Fleetdeck::MqttClient::State state);

private:
    struct Private;
    friend struct Private;
    void setState(State s);
    void connectNow();
    void onReadable();
    void onWritable();
    void onMisc();
    void handleLoopResult(int rc, const char *where);
    void dropConnection(const QString &reason);
    void armNotifiers();
    void updateWriteInterest();

    MqttClientOptions m_options;
    std::unique_ptr<Private> d;
    State m_state = State::Disconnected;
    QString m_lastError;
    int m_backoffMs = 0;
    int m_connectCount = 0;
    bool m_running = false;
    bool m_readPaused = false;
};

} // namespace Fleetdeck
