#include "mqtt/mqttclient.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QPointer>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>

#include <mosquitto.h>

#include <csignal>
#include <mutex>
#include <openssl/ssl.h>
#include <sys/socket.h>

Q_LOGGING_CATEGORY(lcMqtt, "fleetdeck.common.mqtt", QtInfoMsg)

namespace Fleetdeck {

struct MqttClient::Private
{
    mosquitto *mosq = nullptr;
    QSocketNotifier *readNotifier = nullptr;
    QSocketNotifier *writeNotifier = nullptr;
    QTimer miscTimer;
    QTimer reconnectTimer;
    QTimer connectTimeout;
    int socket = -1;
    bool tcpConnected = false; ///< the non-blocking TCP connect has completed

    static void onConnect(mosquitto *, void *obj, int rc, int flags, const mosquitto_property *)
    {
        auto *self = static_cast<MqttClient *>(obj);
        if (rc == 0) {
            self->d->connectTimeout.stop();
            self->m_backoffMs = 0;
            ++self->m_connectCount;
            self->m_lastError.clear();
            self->setState(State::Connected);
            Q_EMIT self->connected(flags & 1);
        } else {
            self->m_lastError = QString::fromUtf8(mosquitto_connack_string(rc));
            qCInfo(lcMqtt) << self->m_options.clientId << "connection refused:" << self->m_lastError;
        }
    }
    static void onDisconnect(mosquitto *, void *obj, int rc, const mosquitto_property *)
    {
        auto *self = static_cast<MqttClient *>(obj);
        if (rc != 0 && self->m_lastError.isEmpty())
            self->m_lastError = QString::fromUtf8(mosquitto_strerror(rc));
    }
    static void onMessage(mosquitto *, void *obj, const mosquitto_message *msg, const mosquitto_property *)
    {
        auto *self = static_cast<MqttClient *>(obj);
        Q_EMIT self->messageReceived(QString::fromUtf8(msg->topic),
                                     QByteArray(static_cast<const char *>(msg->payload), msg->payloadlen), msg->qos,
                                     msg->retain);
    }
    static void onPublish(mosquitto *, void *obj, int mid, int, const mosquitto_property *)
    {
        Q_EMIT static_cast<MqttClient *>(obj)->published(mid);
    }
    static void onSubscribe(mosquitto *, void *obj, int mid, int, const int *, const mosquitto_property *)
    {
        Q_EMIT static_cast<MqttClient *>(obj)->subscribed(mid);
    }
};

namespace {
void libInit()
{
    static std::once_flag once;
    std::call_once(once, [] {
        mosquitto_lib_init();
        // A write to a socket the peer closed must be an error code, not the end of the process.
        std::signal(SIGPIPE, SIG_IGN);
    });
}
}

MqttClient::MqttClient(MqttClientOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), d(std::make_unique<Private>())
{
    libInit();
    d->miscTimer.setInterval(1000);
    connect(&d->miscTimer, &QTimer::timeout, this, &MqttClient::onMisc);
    d->reconnectTimer.setSingleShot(true);
    connect(&d->reconnectTimer, &QTimer::timeout, this, &MqttClient::connectNow);
    d->connectTimeout.setSingleShot(true);
    connect(&d->connectTimeout, &QTimer::timeout, this, [this] {
        if (m_state == State::Connecting)
            dropConnection(QStringLiteral("connect to %1:%2 timed out").arg(m_options.host).arg(m_options.port));
    });
}

MqttClient::~MqttClient()
{
    delete d->readNotifier;
    delete d->writeNotifier;
    if (d->mosq) {
        if (m_state != State::Disconnected)
            mosquitto_disconnect(d->mosq);
        mosquitto_destroy(d->mosq);
    }
}

Status MqttClient::start()
{
    if (d->mosq)
        return {};
    const QByteArray id = m_options.clientId.toUtf8();
    d->mosq = mosquitto_new(id.isEmpty() ? nullptr : id.constData(), m_options.cleanSession, this);
    if (!d->mosq)
        return fail(Error::internal(QStringLiteral("mosquitto_new failed (client id or memory)")));
    mosquitto_int_option(d->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_int_option(d->mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_max_inflight_messages_set(d->mosq, static_cast<unsigned>(m_options.maxInflight));
    mosquitto_connect_v5_callback_set(d->mosq, &Private::onConnect);
    mosquitto_disconnect_v5_callback_set(d->mosq, &Private::onDisconnect);
    mosquitto_message_v5_callback_set(d->mosq, &Private::onMessage);
    mosquitto_publish_v5_callback_set(d->mosq, &Private::onPublish);
    mosquitto_subscribe_v5_callback_set(d->mosq, &Private::onSubscribe);

    if (!m_options.caFile.isEmpty()) {
        const QByteArray ca = m_options.caFile.toLocal8Bit();
        const QByteArray cert = m_options.certFile.toLocal8Bit();
        const QByteArray key = m_options.keyFile.toLocal8Bit();
        int rc = mosquitto_tls_set(d->mosq, ca.constData(), nullptr, cert.isEmpty() ? nullptr : cert.constData(),
                                   key.isEmpty() ? nullptr : key.constData(), nullptr);
        if (rc != MOSQ_ERR_SUCCESS)
            return fail(Error::invalid(QStringLiteral("TLS files for %1 are unusable (%2): ca=%3 cert=%4 key=%5")
                                           .arg(m_options.clientId, QString::fromUtf8(mosquitto_strerror(rc)),
                                                m_options.caFile, m_options.certFile, m_options.keyFile)));
        mosquitto_tls_opts_set(d->mosq, SSL_VERIFY_PEER, "tlsv1.2", nullptr);
    }
    if (!m_options.willTopic.isEmpty()) {
        const QByteArray topic = m_options.willTopic.toUtf8();
        mosquitto_will_set(d->mosq, topic.constData(), int(m_options.willPayload.size()),
                           m_options.willPayload.constData(), m_options.willQos, m_options.willRetain);
    }
    m_running = true;
    d->miscTimer.start();
    connectNow();
    return {};
}

void MqttClient::stop()
{
    m_running = false;
    d->reconnectTimer.stop();
    if (d->mosq && m_state == State::Connected) {
        mosquitto_disconnect(d->mosq);
        mosquitto_loop_write(d->mosq, 1);
    }
    dropConnection(QStringLiteral("stopped"));
    d->miscTimer.stop();
}

void MqttClient::setReadPaused(bool paused)
{
    m_readPaused = paused;
    if (d->readNotifier)
        d->readNotifier->setEnabled(!paused);
}

void MqttClient::abort()
{
    m_running = false;
    d->reconnectTimer.stop();
    if (d->socket >= 0)
        ::shutdown(d->socket, SHUT_RDWR);
    dropConnection(QStringLiteral("aborted"));
    d->miscTimer.stop();
    if (d->mosq) {
        // Forget the session so that the destructor does not send DISCONNECT.
        mosquitto_destroy(d->mosq);
        d->mosq = nullptr;
    }
}

void MqttClient::reconnectNow()
{
    if (!m_running || m_state != State::Disconnected)
        return;
    d->reconnectTimer.stop();
    connectNow();
}

void MqttClient::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void MqttClient::connectNow()
{
    if (!m_running || !d->mosq)
        return;
    setState(State::Connecting);
    const QByteArray host = m_options.host.toUtf8();
    const bool first = d->socket < 0 && m_connectCount == 0;
    int rc = first ? mosquitto_connect_async(d->mosq, host.constData(), m_options.port, m_options.keepAliveSeconds)
                   : mosquitto_reconnect_async(d->mosq);
    if (rc != MOSQ_ERR_SUCCESS) {
        // A first connect_async that failed leaves no state behind, so later attempts also use connect_async.
        const QString why = rc == MOSQ_ERR_ERRNO ? QString::fromLocal8Bit(strerror(errno))
                                                 : QString::fromUtf8(mosquitto_strerror(rc));
        dropConnection(QStringLiteral("connect to %1:%2 failed: %3").arg(m_options.host).arg(m_options.port).arg(why));
        return;
    }
    d->tcpConnected = false;
    d->connectTimeout.start(10000);
    armNotifiers();
}

void MqttClient::armNotifiers()
{
    const int sock = mosquitto_socket(d->mosq);
    if (sock < 0) {
        dropConnection(QStringLiteral("no socket after connect"));
        return;
    }
    if (sock != d->socket || !d->readNotifier) {
        delete d->readNotifier;
        delete d->writeNotifier;
        d->socket = sock;
        d->readNotifier = new QSocketNotifier(sock, QSocketNotifier::Read, this);
        d->writeNotifier = new QSocketNotifier(sock, QSocketNotifier::Write, this);
        connect(d->readNotifier, &QSocketNotifier::activated, this, &MqttClient::onReadable);
        d->readNotifier->setEnabled(!m_readPaused);
        connect(d->writeNotifier, &QSocketNotifier::activated, this, &MqttClient::onWritable);
    }
    // Writability is how a non-blocking connect completes (or fails).
    d->writeNotifier->setEnabled(true);
}

void MqttClient::updateWriteInterest()
{
    if (d->writeNotifier)
        d->writeNotifier->setEnabled(d->mosq && (mosquitto_want_write(d->mosq) || !d->tcpConnected));
}

void MqttClient::onReadable()
{
    if (m_state != State::Connected) {
        // libmosquitto starts the TLS handshake before the TCP connect completes and swallows a refused connect
        // (the error is consumed by its first write); a readable socket with nothing to read is that dead socket.
        char byte;
        const ssize_t n = ::recv(d->socket, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            const QString why = n == 0 ? QStringLiteral("connection refused or closed by the broker") : QString::fromLocal8Bit(strerror(errno));
            dropConnection(m_lastError.isEmpty() ? QStringLiteral("connect to %1:%2 failed: %3").arg(m_options.host).arg(m_options.port).arg(why)
                                                 : m_lastError);
            return;
        }
    }
    QPointer<MqttClient> guard(this);
    const int rc = mosquitto_loop_read(d->mosq, 64);
    if (!guard)
        return;
    handleLoopResult(rc, "read");
}

void MqttClient::onWritable()
{
    if (!d->tcpConnected) {
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(d->socket, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0) {
            dropConnection(QStringLiteral("connect to %1:%2 failed: %3").arg(m_options.host).arg(m_options.port).arg(QString::fromLocal8Bit(strerror(err))));
            return;
        }
        d->tcpConnected = true;
    }
    QPointer<MqttClient> guard(this);
    const int rc = mosquitto_loop_write(d->mosq, 64);
    if (!guard)
        return;
    handleLoopResult(rc, "write");
}

void MqttClient::onMisc()
{
    if (!d->mosq || d->socket < 0)
        return;
    const int rc = mosquitto_loop_misc(d->mosq);
    handleLoopResult(rc, "misc");
}

void MqttClient::handleLoopResult(int rc, const char *where)
{
    if (rc == MOSQ_ERR_SUCCESS) {
        if (mosquitto_socket(d->mosq) < 0) {
            dropConnection(m_lastError.isEmpty() ? QStringLiteral("connection closed") : m_lastError);
            return;
        }
        updateWriteInterest();
        return;
    }
    QString why = rc == MOSQ_ERR_ERRNO ? QString::fromLocal8Bit(strerror(errno)) : QString::fromUtf8(mosquitto_strerror(rc));
    if (rc == MOSQ_ERR_TLS)
        why = QStringLiteral("TLS error (certificate refused, revoked or untrusted)");
    if (!m_lastError.isEmpty() && m_state != State::Connected)
        why = m_lastError;
    qCDebug(lcMqtt) << m_options.clientId << "loop" << where << "ended:" << why;
    dropConnection(why);
}

void MqttClient::dropConnection(const QString &reason)
{
    const bool wasActive = m_state != State::Disconnected;
    if (d->readNotifier) {
        d->readNotifier->setEnabled(false);
        d->readNotifier->deleteLater();
        d->readNotifier = nullptr;
    }
    if (d->writeNotifier) {
        d->writeNotifier->setEnabled(false);
        d->writeNotifier->deleteLater();
        d->writeNotifier = nullptr;
    }
    d->socket = -1;
    m_lastError = reason;
    setState(State::Disconnected);
    if (wasActive)
        Q_EMIT disconnected(reason);
    if (m_running && m_options.autoReconnect && !d->reconnectTimer.isActive()) {
        m_backoffMs = m_backoffMs == 0 ? m_options.reconnectMinMs : qMin(m_backoffMs * 2, m_options.reconnectMaxMs);
        d->reconnectTimer.start(m_backoffMs);
    }
}

Result<int> MqttClient::publish(const QString &topic, const QByteArray &payload, int qos, bool retain)
{
    if (!d->mosq || m_state != State::Connected)
        return fail(Error::unavailable(QStringLiteral("not connected to the broker")));
    int mid = 0;
    const QByteArray t = topic.toUtf8();
    const int rc = mosquitto_publish(d->mosq, &mid, t.constData(), int(payload.size()), payload.constData(), qos, retain);
    if (rc != MOSQ_ERR_SUCCESS)
        return fail(Error::unavailable(QStringLiteral("publish to %1 failed: %2").arg(topic, QString::fromUtf8(mosquitto_strerror(rc)))));
    updateWriteInterest();
    return mid;
}

Result<int> MqttClient::subscribe(const QString &filter, int qos)
{
    if (!d->mosq || m_state != State::Connected)
        return fail(Error::unavailable(QStringLiteral("not connected to the broker")));
    int mid = 0;
    const QByteArray f = filter.toUtf8();
    const int rc = mosquitto_subscribe(d->mosq, &mid, f.constData(), qos);
    if (rc != MOSQ_ERR_SUCCESS)
        return fail(Error::unavailable(QStringLiteral("subscribe to %1 failed: %2").arg(filter, QString::fromUtf8(mosquitto_strerror(rc)))));
    updateWriteInterest();
    return mid;
}

} // namespace Fleetdeck
