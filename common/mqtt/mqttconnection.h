#pragma once

#include "core/result.h"
#include "mqtt/mqttclient.h"

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QTimer>
#include <deque>
#include <memory>
#include <vector>

class QSslSocket;

namespace Fleetdeck {

/// An MQTT 3.1.1 client on QSslSocket for one connection that receives a lot: the server's link to the broker.
///
/// libmosquitto (MqttClient) reads a packet at a time, a byte at a time for its header, and writes each PUBACK as a
/// TLS record and a system call of its own, before the application has seen the message. Here a read takes what
/// the socket holds, every complete packet in it is handed on, and the acknowledgements of that read go out
/// together afterwards: one TLS record and one write for many messages, and a PUBACK never precedes delivery.
///
/// Same options and signals as MqttClient. QoS 1 publishes not acknowledged when the connection drops are sent
/// again (DUP) after the next connect; subscriptions are the caller's to make again (on connected()).
class MqttConnection : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected };
    Q_ENUM(State)

    explicit MqttConnection(MqttClientOptions options, QObject *parent = nullptr);
    ~MqttConnection() override;

    /// Loads the TLS files and starts connecting. Fails only for unusable options (unreadable or invalid files).
    [[nodiscard]] Status start();
    /// Sends DISCONNECT and stops reconnecting.
    void stop();
    /// Drops the connection without DISCONNECT (the broker sends the will) and stops reconnecting.
    void abort();
    /// Skips the remaining backoff (when disconnected and running).
    void reconnectNow();
    /// Backpressure: stops taking packets from the connection; what the broker has not delivered waits there.
    void setReadPaused(bool paused);

    [[nodiscard]] Result<int> publish(const QString &topic, const QByteArray &payload, int qos = 1, bool retain = false);
    [[nodiscard]] Result<int> subscribe(const QString &filter, int qos = 1);

    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    const MqttClientOptions &options() const { return m_options; }
    /// QoS 1 publishes sent and not yet acknowledged, plus those waiting for a free slot.
    int outstanding() const { return int(m_inflight.size() + m_waiting.size()); }

    /// The default for the largest packet taken from the broker (and the largest payload publish() sends).
    static constexpr qint64 kMaxPacketBytes = 16 * 1024 * 1024;
    /// A packet from the broker larger than this is skipped, never buffered: its bytes are read and discarded as
    /// they arrive, a QoS 1 PUBLISH among them is acknowledged (or the persistent session would deliver it again
    /// after every reconnect), and packetSkipped() says so. The connection stays up.
    void setMaxIncomingPacketBytes(qint64 bytes) { m_maxIncoming = qMax<qint64>(64, bytes); }
    qint64 maxIncomingPacketBytes() const { return m_maxIncoming; }
    /// Oversized packets skipped since construction.
    qint64 skippedPackets() const { return m_skippedPackets; }

Q_SIGNALS:
    void connected(bool sessionPresent);
    void disconnected(const QString &reason);
    void messageReceived(const QString &topic, const QByteArray &payload, int qos, bool retained);
    /// An oversized packet was skipped (see setMaxIncomingPacketBytes()); topic is empty unless it was a PUBLISH.
    void packetSkipped(const QString &topic, qint64 bytes);
    void published(int mid);
    void subscribed(int mid);
    void stateChanged(Fleetdeck::MqttConnection::State state);

private:
    struct Outgoing
    {
        quint16 mid = 0;
        QByteArray packet; ///< the whole PUBLISH; the DUP bit is set when it is sent again
    };

    void connectNow();
    void onEncrypted();
    void onReadyRead();
    void onSocketError();
    void onKeepAlive();
    void drop(const QString &reason);
    /// Closes and forgets the socket (no DISCONNECT) and what was read or owed on it.
    void releaseSocket();
    void setState(State s);
    /// Parses every complete packet in m_in; false when the connection was dropped on the way.
    bool parsePackets();
    bool handlePacket(quint8 header, const char *body, qsizetype length);
    /// Starts skipping the oversized packet at m_inPos (fixed header of `headerBytes`): NeedMore to wait for the
    /// rest of its topic and packet id, Dropped when it was malformed and the connection ended.
    enum class SkipStart { Started, NeedMore, Dropped };
    SkipStart startSkipping(qsizetype headerBytes, qint64 length);
    /// Discards what the socket holds of a packet being skipped; true when nothing of it is left to discard.
    bool discardSkipped();
    void send(const QByteArray &packet);
    void flushAcks();
    void sendWaiting();
    quint16 nextMid();

    MqttClientOptions m_options;
    struct Tls;
    std::unique_ptr<Tls> m_tls;
    QSslSocket *m_socket = nullptr;
    QByteArray m_in;
    qsizetype m_inPos = 0;
    QByteArray m_acks; ///< PUBACKs of the current read, written together
    std::deque<Outgoing> m_inflight;
    std::deque<Outgoing> m_waiting;
    quint16 m_mid = 0;
    std::vector<bool> m_midUsed = std::vector<bool>(65536);
    QTimer m_keepAlive;
    QTimer m_reconnect;
    QTimer m_connectTimeout;
    qint64 m_maxIncoming = kMaxPacketBytes;
    qint64 m_skipRemaining = 0; ///< bytes of a skipped packet still to come on the socket
    qint64 m_skippedPackets = 0;
    qint64 m_lastSentMs = 0;
    qint64 m_lastReceivedMs = 0;
    qint64 m_pingSentMs = 0;
    bool m_pingOutstanding = false;
    State m_state = State::Disconnected;
    QString m_lastError;
    int m_backoffMs = 0;
    bool m_running = false;
    bool m_readPaused = false;
    bool m_parsing = false;
};

} // namespace Fleetdeck
