#include "mqtt/mqttconnection.h"

#include <QtCore/QDateTime>
#include <QtCore/QFile>
#include <QtCore/QLoggingCategory>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslSocket>

#include <sys/socket.h>

Q_DECLARE_LOGGING_CATEGORY(lcMqtt)

namespace Fleetdeck {

namespace {

/// Bytes a connection may hold undelivered in its socket buffer while reading is paused.
constexpr qint64 kReadBufferBytes = 1024 * 1024;
/// QoS 1 publishes that may wait for a free in-flight slot before publish() refuses more.
constexpr size_t kMaxWaiting = 50000;

enum : quint8 {
    Connect = 1, Connack = 2, Publish = 3, Puback = 4, Pubrec = 5, Pubrel = 6, Pubcomp = 7,
    Subscribe = 8, Suback = 9, Unsuback = 11, Pingreq = 12, Pingresp = 13, Disconnect = 14,
};

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

quint16 be16(const char *p) { return quint16((quint8(p[0]) << 8) | quint8(p[1])); }

void appendLength(QByteArray &out, qsizetype n)
{
    do {
        quint8 byte = quint8(n % 128);
        n /= 128;
        if (n > 0)
            byte |= 0x80;
        out.append(char(byte));
    } while (n > 0);
}

void append16(QByteArray &out, quint16 v)
{
    out.append(char(v >> 8));
    out.append(char(v & 0xff));
}

void appendString(QByteArray &out, const QByteArray &s)
{
    append16(out, quint16(s.size()));
    out.append(s);
}

QByteArray packet(quint8 header, const QByteArray &body)
{
    QByteArray p;
    p.reserve(body.size() + 5);
    p.append(char(header));
    appendLength(p, body.size());
    p.append(body);
    return p;
}

QString connackReason(int rc)
{
    switch (rc) {
    case 1: return QStringLiteral("connection refused: unacceptable protocol version");
    case 2: return QStringLiteral("connection refused: identifier rejected");
    case 3: return QStringLiteral("connection refused: broker unavailable");
    case 4: return QStringLiteral("connection refused: bad user name or password");
    case 5: return QStringLiteral("connection refused: not authorised");
    default: return QStringLiteral("connection refused: reason %1").arg(rc);
    }
}

} // namespace

struct MqttConnection::Tls
{
    QSslConfiguration config;
};

MqttConnection::MqttConnection(MqttClientOptions options, QObject *parent) : QObject(parent), m_options(std::move(options))
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &MqttConnection::connectNow);
    m_connectTimeout.setSingleShot(true);
    connect(&m_connectTimeout, &QTimer::timeout, this, [this] {
        if (m_state == State::Connecting)
            drop(QStringLiteral("connect to %1:%2 timed out").arg(m_options.host).arg(m_options.port));
    });
    connect(&m_keepAlive, &QTimer::timeout, this, &MqttConnection::onKeepAlive);
}

MqttConnection::~MqttConnection()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

Status MqttConnection::start()
{
    if (m_running)
        return {};
    if (m_options.clientId.toUtf8().size() > 65535 || m_options.willTopic.toUtf8().size() > 65535)
        return fail(Error::invalid(QStringLiteral("client id or will topic too long")));
    if (!m_options.caFile.isEmpty()) {
        if (!QSslSocket::supportsSsl())
            return fail(Error::unavailable(QStringLiteral("no TLS backend: cannot reach the broker over TLS")));
        auto unusable = [this](const QString &why) {
            return fail(Error::invalid(QStringLiteral("TLS files for %1 are unusable (%2): ca=%3 cert=%4 key=%5")
                                           .arg(m_options.clientId, why, m_options.caFile, m_options.certFile, m_options.keyFile)));
        };
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(m_options.caFile, QSsl::Pem);
        if (cas.isEmpty())
            return unusable(QStringLiteral("no CA certificate"));
        auto tls = std::make_unique<Tls>();
        tls->config = QSslConfiguration::defaultConfiguration();
        tls->config.setCaCertificates(cas);
        tls->config.setPeerVerifyMode(QSslSocket::VerifyPeer);
        tls->config.setProtocol(QSsl::TlsV1_2OrLater);
        if (!m_options.certFile.isEmpty()) {
            QFile certFile(m_options.certFile), keyFile(m_options.keyFile);
            if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
                return unusable(QStringLiteral("cannot read the certificate or key"));
            const QSslCertificate cert(certFile.readAll(), QSsl::Pem);
            const QByteArray keyPem = keyFile.readAll();
            QSslKey key(keyPem, QSsl::Ec);
            if (key.isNull())
                key = QSslKey(keyPem, QSsl::Rsa);
            if (cert.isNull() || key.isNull())
                return unusable(cert.isNull() ? QStringLiteral("not a PEM certificate") : QStringLiteral("not an unencrypted PEM EC or RSA key"));
            tls->config.setLocalCertificate(cert);
            tls->config.setPrivateKey(key);
        }
        m_tls = std::move(tls);
    }
    m_running = true;
    connectNow();
    return {};
}

void MqttConnection::stop()
{
    m_running = false;
    m_reconnect.stop();
    if (m_socket && m_state == State::Connected) {
        flushAcks();
        send(QByteArray("\xe0\x00", 2));
        m_socket->flush();
        // A half-close, not a reset: the broker reads everything written before the FIN (the last acknowledgements
        // may still sit unread in its socket), then closes its side; what arrives meanwhile is discarded unread
        // and, unacknowledged, delivered again to the next session.
        QSslSocket *s = m_socket;
        m_socket = nullptr;
        s->disconnect(this);
        ::shutdown(int(s->socketDescriptor()), SHUT_WR);
        connect(s, &QIODevice::readyRead, s, [s] { s->readAll(); });
        connect(s, &QAbstractSocket::disconnected, s, &QObject::deleteLater);
        connect(s, &QAbstractSocket::errorOccurred, s, &QObject::deleteLater);
        QTimer::singleShot(2000, s, [s] {
            s->abort();
            s->deleteLater();
        });
    }
    drop(QStringLiteral("stopped"));
}

void MqttConnection::abort()
{
    m_running = false;
    m_reconnect.stop();
    drop(QStringLiteral("aborted"));
}

void MqttConnection::reconnectNow()
{
    if (!m_running || m_state != State::Disconnected)
        return;
    m_reconnect.stop();
    connectNow();
}

void MqttConnection::setReadPaused(bool paused)
{
    if (m_readPaused == paused)
        return;
    m_readPaused = paused;
    if (!paused) // what waited in our buffer and in the socket's
        QMetaObject::invokeMethod(this, &MqttConnection::onReadyRead, Qt::QueuedConnection);
}

void MqttConnection::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void MqttConnection::connectNow()
{
    if (!m_running)
        return;
    releaseSocket();
    m_pingOutstanding = false;
    setState(State::Connecting);
    m_socket = new QSslSocket(this);
    m_socket->setReadBufferSize(kReadBufferBytes);
    connect(m_socket, &QIODevice::readyRead, this, &MqttConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &MqttConnection::onSocketError);
    connect(m_socket, &QAbstractSocket::disconnected, this, [this] {
        drop(m_state == State::Connected ? QStringLiteral("connection closed by the broker")
                                         : QStringLiteral("connection to %1:%2 closed by the broker before CONNACK (identity refused or blocked?)")
                                               .arg(m_options.host).arg(m_options.port));
    });
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList what;
        for (const QSslError &e : errors)
            what << e.errorString();
        m_lastError = QStringLiteral("TLS: %1").arg(what.join(QStringLiteral("; ")));
    });
    m_connectTimeout.start(10000);
    if (m_tls) {
        connect(m_socket, &QSslSocket::encrypted, this, &MqttConnection::onEncrypted);
        m_socket->setSslConfiguration(m_tls->config);
        m_lastError.clear();
        m_socket->connectToHostEncrypted(m_options.host, m_options.port);
    } else {
        connect(m_socket, &QAbstractSocket::connected, this, &MqttConnection::onEncrypted);
        m_lastError.clear();
        m_socket->connectToHost(m_options.host, m_options.port);
    }
}

void MqttConnection::onEncrypted()
{
    // QoS 1 at full rate needs this on both ends (Nagle + delayed ACK would cap it at a few hundred round trips/s).
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    QByteArray body("\x00\x04MQTT\x04", 7);
    const bool will = !m_options.willTopic.isEmpty();
    quint8 flags = m_options.cleanSession ? 0x02 : 0x00;
    if (will)
        flags |= quint8(0x04 | (qBound(0, m_options.willQos, 1) << 3) | (m_options.willRetain ? 0x20 : 0));
    body.append(char(flags));
    append16(body, quint16(qBound(0, m_options.keepAliveSeconds, 65535)));
    appendString(body, m_options.clientId.toUtf8());
    if (will) {
        appendString(body, m_options.willTopic.toUtf8());
        appendString(body, m_options.willPayload);
    }
    send(packet(Connect << 4, body));
    m_lastReceivedMs = nowMs();
}

void MqttConnection::onSocketError()
{
    if (!m_socket)
        return;
    QString why = m_socket->errorString();
    if (m_state == State::Connecting) {
        if (!m_lastError.isEmpty())
            why = m_lastError; // the certificate problem says more than "handshake failed"
        why = QStringLiteral("connect to %1:%2 failed: %3").arg(m_options.host).arg(m_options.port).arg(why);
    }
    drop(why);
}

void MqttConnection::releaseSocket()
{
    if (m_socket) {
        QSslSocket *s = m_socket;
        m_socket = nullptr;
        s->disconnect(this);
        s->abort();
        s->deleteLater();
    }
    m_in.clear();
    m_inPos = 0;
    m_acks.clear();
    m_skipRemaining = 0;
}

void MqttConnection::drop(const QString &reason)
{
    const bool wasActive = m_state != State::Disconnected;
    m_connectTimeout.stop();
    m_keepAlive.stop();
    releaseSocket();
    m_lastError = reason;
    setState(State::Disconnected);
    if (wasActive) {
        qCDebug(lcMqtt) << m_options.clientId << "connection ended:" << reason;
        Q_EMIT disconnected(reason);
    }
    if (m_running && m_options.autoReconnect && !m_reconnect.isActive()) {
        m_backoffMs = m_backoffMs == 0 ? m_options.reconnectMinMs : qMin(m_backoffMs * 2, m_options.reconnectMaxMs);
        m_reconnect.start(m_backoffMs);
    }
}

void MqttConnection::onReadyRead()
{
    if (!m_socket || m_readPaused || m_parsing)
        return;
    if (m_skipRemaining > 0 && !discardSkipped()) {
        flushAcks(); // the skipped PUBLISH's PUBACK need not wait for its last byte
        return;
    }
    const qint64 available = m_socket->bytesAvailable();
    if (available > 0) {
        if (m_inPos == m_in.size()) {
            m_in.truncate(0);
            m_inPos = 0;
        }
        const qsizetype old = m_in.size();
        m_in.resize(old + available);
        const qint64 n = m_socket->read(m_in.data() + old, available);
        m_in.truncate(old + qMax<qint64>(n, 0));
        m_lastReceivedMs = nowMs();
    }
    parsePackets();
}

bool MqttConnection::parsePackets()
{
    m_parsing = true;
    bool alive = true;
    while (!m_readPaused) {
        const char *p = m_in.constData() + m_inPos;
        const qsizetype available = m_in.size() - m_inPos;
        if (available < 2)
            break;
        qint64 length = 0;
        int shift = 0;
        qsizetype at = 1;
        bool complete = false;
        while (at < available && at <= 4) {
            const quint8 b = quint8(p[at++]);
            length |= qint64(b & 0x7f) << shift;
            shift += 7;
            if (!(b & 0x80)) {
                complete = true;
                break;
            }
        }
        if (!complete) {
            if (at > 4) {
                drop(QStringLiteral("protocol error from the broker: malformed packet length"));
                alive = false;
            }
            break;
        }
        if (length > m_maxIncoming) {
            const SkipStart started = startSkipping(at, length);
            if (started == SkipStart::Dropped) {
                alive = false;
                break;
            }
            if (started == SkipStart::NeedMore || m_skipRemaining > 0)
                break;
            continue; // the whole packet was already here and is gone
        }
        if (available - at < length)
            break; // the rest is still on its way
        m_inPos += at + length;
        if (!handlePacket(quint8(p[0]), p + at, qsizetype(length)) || m_state == State::Disconnected) {
            alive = false;
            break;
        }
    }
    m_parsing = false;
    if (!alive)
        return false;
    if (m_inPos == m_in.size()) {
        m_in.truncate(0);
        m_inPos = 0;
    } else if (m_inPos > 256 * 1024) {
        m_in.remove(0, m_inPos);
        m_inPos = 0;
    }
    flushAcks();
    // Data that arrived while a handler ran a nested event loop (readyRead was ignored then) is not left waiting for
    // the next packet.
    if (m_socket && !m_readPaused && m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &MqttConnection::onReadyRead, Qt::QueuedConnection);
    return true;
}

MqttConnection::SkipStart MqttConnection::startSkipping(qsizetype headerBytes, qint64 length)
{
    const char *p = m_in.constData() + m_inPos;
    const quint8 header = quint8(p[0]);
    const quint8 type = header >> 4;
    const qsizetype buffered = m_in.size() - m_inPos - headerBytes; // of the packet's body
    const char *body = p + headerBytes;
    QString topic;
    if (m_state != State::Connected) {
        drop(QStringLiteral("protocol error from the broker: a packet before CONNACK (packet type %1)").arg(type));
        return SkipStart::Dropped;
    }
    if (type == Publish) {
        // Topic and packet id come first; they are all that is needed to acknowledge it.
        const int qos = (header >> 1) & 3;
        if (qos == 3) {
            drop(QStringLiteral("protocol error from the broker: malformed PUBLISH (packet type 3)"));
            return SkipStart::Dropped;
        }
        if (buffered < 2)
            return SkipStart::NeedMore;
        const qsizetype topicLength = be16(body);
        const qsizetype variable = 2 + topicLength + (qos > 0 ? 2 : 0);
        if (variable > length) {
            drop(QStringLiteral("protocol error from the broker: malformed PUBLISH (packet type 3)"));
            return SkipStart::Dropped;
        }
        if (buffered < variable)
            return SkipStart::NeedMore;
        topic = QString::fromUtf8(body + 2, topicLength);
        if (qos > 0) {
            const quint16 mid = be16(body + 2 + topicLength);
            if (mid == 0) {
                drop(QStringLiteral("protocol error from the broker: PUBLISH with packet id 0 (packet type 3)"));
                return SkipStart::Dropped;
            }
            m_acks.append(char(qos == 1 ? 0x40 : 0x50));
            m_acks.append('\x02');
            append16(m_acks, mid);
        }
    } else {
        // Nothing else a broker sends is ever this large; a CONNACK or PUBACK of megabytes is no protocol we speak.
        drop(QStringLiteral("protocol error from the broker: a packet of type %1 and %2 bytes").arg(type).arg(length));
        return SkipStart::Dropped;
    }
    ++m_skippedPackets;
    qCWarning(lcMqtt).noquote() << m_options.clientId << QStringLiteral("skipped a packet of %1 bytes on '%2' (limit %3); the connection stays up")
                                                               .arg(length).arg(topic).arg(m_maxIncoming);
    if (buffered >= length) {
        m_inPos += headerBytes + qsizetype(length);
    } else {
        m_skipRemaining = length - buffered;
        m_inPos = m_in.size();
    }
    Q_EMIT packetSkipped(topic, length);
    if (m_state != State::Connected)
        return SkipStart::Dropped;
    return SkipStart::Started;
}

bool MqttConnection::discardSkipped()
{
    while (m_skipRemaining > 0 && m_socket) {
        const qint64 n = m_socket->skip(qMin(m_skipRemaining, m_socket->bytesAvailable()));
        if (n <= 0)
            break;
        m_skipRemaining -= n;
    }
    return m_skipRemaining == 0;
}

bool MqttConnection::handlePacket(quint8 header, const char *body, qsizetype length)
{
    const quint8 type = header >> 4;
    auto protocolError = [this, type](const char *what) {
        drop(QStringLiteral("protocol error from the broker: %1 (packet type %2)").arg(QString::fromLatin1(what)).arg(type));
        return false;
    };
    if (m_state != State::Connected && type != Connack)
        return protocolError("a packet before CONNACK");
    switch (type) {
    case Connack: {
        if (m_state == State::Connected || length != 2)
            return protocolError("unexpected CONNACK");
        const int rc = quint8(body[1]);
        if (rc != 0) {
            m_running = m_running && rc != 1 && rc != 2; // a refused protocol or identity does not change by trying again
            drop(connackReason(rc));
            return false;
        }
        const bool sessionPresent = body[0] & 1;
        m_connectTimeout.stop();
        m_backoffMs = 0;
        m_lastError.clear();
        setState(State::Connected);
        const int keepAlive = qBound(1, m_options.keepAliveSeconds, 65535);
        m_keepAlive.start(keepAlive * 500);
        // Unacknowledged QoS 1 publishes go again, in their order, marked as duplicates.
        for (Outgoing &o : m_inflight) {
            o.packet[0] = char(quint8(o.packet[0]) | 0x08);
            send(o.packet);
        }
        sendWaiting();
        Q_EMIT connected(sessionPresent);
        return m_state == State::Connected;
    }
    case Publish: {
        const int qos = (header >> 1) & 3;
        if (qos == 3 || length < 2)
            return protocolError("malformed PUBLISH");
        const qsizetype topicLength = be16(body);
        qsizetype at = 2 + topicLength;
        quint16 mid = 0;
        if (qos > 0) {
            if (at + 2 > length)
                return protocolError("malformed PUBLISH");
            mid = be16(body + at);
            at += 2;
            if (mid == 0)
                return protocolError("PUBLISH with packet id 0");
        }
        if (at > length)
            return protocolError("malformed PUBLISH");
        Q_EMIT messageReceived(QString::fromUtf8(body + 2, topicLength), QByteArray(body + at, length - at), qos, header & 1);
        if (m_state != State::Connected)
            return false;
        if (qos > 0) {
            // QoS 1: PUBACK; QoS 2 (never asked for, but a broker may downgrade only): PUBREC, PUBCOMP on PUBREL.
            m_acks.append(char(qos == 1 ? 0x40 : 0x50));
            m_acks.append('\x02');
            append16(m_acks, mid);
        }
        return true;
    }
    case Pubrel:
        if (length != 2)
            return protocolError("malformed PUBREL");
        m_acks.append('\x70');
        m_acks.append('\x02');
        m_acks.append(body, 2);
        return true;
    case Puback: {
        if (length < 2)
            return protocolError("malformed PUBACK");
        const quint16 mid = be16(body);
        for (auto it = m_inflight.begin(); it != m_inflight.end(); ++it) {
            if (it->mid == mid) {
                m_inflight.erase(it);
                m_midUsed[mid] = false;
                Q_EMIT published(mid);
                if (m_state != State::Connected)
                    return false;
                sendWaiting();
                return true;
            }
        }
        qCDebug(lcMqtt) << m_options.clientId << "PUBACK for an unknown packet id" << mid;
        return true;
    }
    case Suback: {
        if (length < 3)
            return protocolError("malformed SUBACK");
        const quint16 mid = be16(body);
        for (qsizetype i = 2; i < length; ++i)
            if (quint8(body[i]) == 0x80)
                qCWarning(lcMqtt) << m_options.clientId << "the broker refused subscription" << mid;
        Q_EMIT subscribed(mid);
        return m_state == State::Connected;
    }
    case Unsuback:
    case Pubrec:
    case Pubcomp:
        return true; // we never unsubscribe nor publish at QoS 2; harmless if a broker sends them anyway
    case Pingresp:
        m_pingOutstanding = false;
        return true;
    default:
        return protocolError("unexpected packet");
    }
}

void MqttConnection::send(const QByteArray &packet)
{
    if (!m_socket)
        return;
    m_socket->write(packet);
    m_lastSentMs = nowMs();
}

void MqttConnection::flushAcks()
{
    if (m_acks.isEmpty() || !m_socket)
        return;
    send(m_acks);
    m_acks.truncate(0);
}

quint16 MqttConnection::nextMid()
{
    // Skips 0 and the ids of publishes still unacknowledged (at most kMaxWaiting + in flight, well below 65,535).
    for (int tries = 0; tries < 65536; ++tries) {
        m_mid = quint16(m_mid + 1);
        if (m_mid != 0 && !m_midUsed[m_mid])
            break;
    }
    return m_mid;
}

void MqttConnection::sendWaiting()
{
    const size_t limit = size_t(qMax(1, m_options.maxInflight));
    while (m_state == State::Connected && !m_waiting.empty() && m_inflight.size() < limit) {
        m_inflight.push_back(std::move(m_waiting.front()));
        m_waiting.pop_front();
        send(m_inflight.back().packet);
    }
}

Result<int> MqttConnection::publish(const QString &topic, const QByteArray &payload, int qos, bool retain)
{
    if (m_state != State::Connected)
        return fail(Error::unavailable(QStringLiteral("not connected to the broker")));
    if (qos < 0 || qos > 1)
        return fail(Error::invalid(QStringLiteral("publish to %1: QoS %2 is not supported here (0 or 1)").arg(topic).arg(qos)));
    const QByteArray t = topic.toUtf8();
    if (t.isEmpty() || t.size() > 65535 || t.contains('+') || t.contains('#'))
        return fail(Error::invalid(QStringLiteral("publish to %1: not a valid topic").arg(topic)));
    if (payload.size() > kMaxPacketBytes)
        return fail(Error::invalid(QStringLiteral("publish to %1: payload of %2 bytes is too large").arg(topic).arg(payload.size())));
    if (qos == 1 && m_waiting.size() >= kMaxWaiting)
        return fail(Error::unavailable(QStringLiteral("publish to %1: %2 messages already wait for the broker").arg(topic).arg(m_waiting.size())));
    QByteArray body;
    body.reserve(t.size() + payload.size() + 4);
    appendString(body, t);
    quint16 mid = 0;
    if (qos == 1) {
        mid = nextMid();
        m_midUsed[mid] = true;
        append16(body, mid);
    }
    body.append(payload);
    QByteArray p = packet(quint8((Publish << 4) | (qos << 1) | (retain ? 1 : 0)), body);
    if (qos == 0) {
        send(p);
        return 0;
    }
    m_waiting.push_back(Outgoing{mid, std::move(p)});
    sendWaiting();
    return int(mid);
}

Result<int> MqttConnection::subscribe(const QString &filter, int qos)
{
    if (m_state != State::Connected)
        return fail(Error::unavailable(QStringLiteral("not connected to the broker")));
    const QByteArray f = filter.toUtf8();
    if (f.isEmpty() || f.size() > 65535)
        return fail(Error::invalid(QStringLiteral("subscribe to %1: not a valid filter").arg(filter)));
    const quint16 mid = nextMid();
    QByteArray body;
    append16(body, mid);
    appendString(body, f);
    body.append(char(qBound(0, qos, 1)));
    send(packet((Subscribe << 4) | 0x02, body));
    return int(mid);
}

void MqttConnection::onKeepAlive()
{
    if (m_state != State::Connected)
        return;
    const qint64 now = nowMs();
    const qint64 period = qint64(qBound(1, m_options.keepAliveSeconds, 65535)) * 1000;
    if (m_pingOutstanding) {
        if (now - m_pingSentMs > period)
            drop(QStringLiteral("the broker did not answer a ping within %1 s").arg(period / 1000));
        return;
    }
    // A ping when we have been quiet for half the period (the broker needs a packet within it) or have heard
    // nothing for that long (is the broker still there?).
    if (now - m_lastSentMs >= period / 2 || now - m_lastReceivedMs >= period / 2) {
        send(QByteArray("\xc0\x00", 2));
        m_pingOutstanding = true;
        m_pingSentMs = now;
    }
}

} // namespace Fleetdeck
