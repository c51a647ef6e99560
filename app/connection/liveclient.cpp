#include "liveclient.h"

#include "base/logcategories.h"
#include "protocol/states.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSslConfiguration>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace {

constexpr int firstRetryMs = 1000;
constexpr int maxRetryMs = 15000;
// A link that carries nothing for this long is probed with a ping; an unanswered ping ends it.
constexpr int pingIntervalMs = 20000;

ApiError rpcError(const QJsonObject &error)
{
    ApiError e;
    const int code = error.value(u"code").toInt();
    const QJsonObject data = error.value(u"data").toObject();
    if (code == -32001) {
        e.kind = ApiError::Kind::Unauthorized;
        e.httpStatus = 401;
    } else if (code == -32000 || data.contains(u"status")) {
        e.kind = ApiError::Kind::Http;
        e.httpStatus = data.value(u"status").toInt();
        e.body = QJsonDocument(data.value(u"problem").toObject());
    } else {
        e.kind = ApiError::Kind::Protocol;
    }
    const QString detail = data.value(u"problem").toObject().value(u"detail").toString();
    e.message = detail.isEmpty() ? error.value(u"message").toString() : detail;
    if (e.message.isEmpty())
        e.message = LiveClient::tr("The server refused the request (code %1).").arg(code);
    return e;
}

ApiError notLive()
{
    ApiError e;
    e.kind = ApiError::Kind::Network;
    e.message = LiveClient::tr("The live link to the server is not up.");
    return e;
}

} // namespace

LiveClient::LiveClient(QObject *parent)
    : QObject(parent)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &LiveClient::open);
    m_ping.setInterval(pingIntervalMs);
    connect(&m_ping, &QTimer::timeout, this, [this]() {
        if (!m_socket || m_state != State::Live)
            return;
        // The answer resets nothing by itself: an unanswered ping within the next interval closes the link.
        if (m_pending.contains(-1)) {
            qCInfo(lcAppConnection) << "Live link: no answer to ping, reconnecting";
            m_socket->abort();
            return;
        }
        m_pending.insert(-1, Pending{nullptr, false, [](const ApiResult<QJsonValue> &) {}});
        sendRaw(-1, u"ping"_s, {});
    });
}

LiveClient::~LiveClient()
{
    stop();
}

void LiveClient::start(const QUrl &url, const QString &token, const QSslCertificate &trustedCa)
{
    stop();
    m_url = url;
    m_token = token;
    m_trustedCa = trustedCa;
    m_running = true;
    m_retryDelayMs = firstRetryMs;
    open();
}

void LiveClient::stop()
{
    m_running = false;
    m_retry.stop();
    m_ping.stop();
    if (m_socket) {
        QWebSocket *socket = std::exchange(m_socket, nullptr);
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
    failPending();
    setState(State::Disconnected);
}

void LiveClient::open()
{
    if (!m_running)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_sslFailed = false;
    m_signInRefused = false;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (!m_trustedCa.isNull())
        tls.setCaCertificates({m_trustedCa});
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_socket->setSslConfiguration(tls);
    QWebSocket *socket = m_socket;
    connect(socket, &QWebSocket::connected, this, &LiveClient::onConnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &LiveClient::onText);
    connect(socket, &QWebSocket::disconnected, this, &LiveClient::onClosed);
    connect(socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        // Never ignored: the REST link already went through trust on first use with the same CA.
        QStringList reasons;
        for (const QSslError &e : errors)
            reasons << e.errorString();
        reasons.removeDuplicates();
        m_sslFailed = true;
        m_lastError = tr("The live link's certificate is not valid: %1").arg(reasons.join(u"; "_s));
    });
    setState(State::Connecting);
    qCInfo(lcAppConnection) << "Live link: connecting to" << m_url.toDisplayString();
    socket->open(m_url);
}

void LiveClient::onConnected()
{
    setState(State::SigningIn);
    const int loginId = m_nextId++;
    m_pending.insert(loginId, Pending{nullptr, false, [this](const ApiResult<QJsonValue> &result) {
        if (!result) {
            qCInfo(lcAppConnection) << "Live link: sign-in refused:" << result.error().message;
            m_lastError = result.error().message;
            m_signInRefused = true;
            if (result.error().kind == ApiError::Kind::Unauthorized) {
                // The same token will not do better next time: the owner signs in again and calls start().
                m_running = false;
                Q_EMIT sessionEnded(m_lastError);
            }
            if (m_socket)
                m_socket->close();
            return;
        }
        m_retryDelayMs = firstRetryMs;
        m_lastError.clear();
        m_ping.start();
        setState(State::Live);
        if (m_followDevices)
            subscribe(u"devices"_s, true);
        if (m_followCommands)
            subscribe(u"commands"_s, true);
        if (m_followAlerts)
            subscribe(u"alerts"_s, true);
        if (!m_telemetry.isEmpty())
            subscribe(u"telemetry"_s, true, m_telemetry.keys());
        Q_EMIT resynced();
    }});
    sendRaw(loginId, u"auth.login"_s, {{u"token"_s, m_token}});
}

void LiveClient::onClosed()
{
    m_ping.stop();
    if (!m_socket)
        return;
    QString reason;
    if (m_signInRefused || m_sslFailed)
        reason = m_lastError;   // the server's own words, or the certificate's problem, not "closed"
    else if (m_socket->closeCode() != QWebSocketProtocol::CloseCodeNormal && !m_socket->closeReason().isEmpty())
        reason = tr("The server closed the live link: %1").arg(m_socket->closeReason());
    else if (m_socket->error() != QAbstractSocket::UnknownSocketError)
        reason = tr("The live link failed: %1").arg(m_socket->errorString());
    else
        reason = tr("The server closed the live link.");
    m_socket->disconnect(this);
    m_socket->deleteLater();
    m_socket = nullptr;
    failPending();
    scheduleRetry(reason);
}

void LiveClient::failPending()
{
    const auto pending = std::exchange(m_pending, {});
    for (const Pending &p : pending) {
        if (!p.hasContext || p.context)
            p.callback(std::unexpected(notLive()));
    }
}

void LiveClient::scheduleRetry(const QString &error)
{
    m_lastError = error;
    setState(State::Disconnected);
    if (!m_running)
        return;
    qCInfo(lcAppConnection) << "Live link down (" << error << "), retrying in" << m_retryDelayMs << "ms";
    m_retry.start(m_retryDelayMs);
    m_retryDelayMs = std::min(maxRetryMs, m_retryDelayMs * 2);
}

void LiveClient::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void LiveClient::sendRaw(int id, const QString &method, const QJsonObject &params)
{
    if (!m_socket)
        return;
    QJsonObject request{{u"jsonrpc"_s, u"2.0"_s}, {u"id"_s, id}, {u"method"_s, method}};
    if (!params.isEmpty())
        request.insert(u"params"_s, params);
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(request).toJson(QJsonDocument::Compact)));
}

void LiveClient::call(const QString &method, const QJsonObject &params, QObject *context, ResultCallback callback)
{
    if (m_state != State::Live) {
        QPointer<QObject> guard(context);
        // Asynchronously, like every other answer.
        QMetaObject::invokeMethod(this, [guard, callback, hasContext = context != nullptr]() {
            if (!hasContext || guard)
                callback(std::unexpected(notLive()));
        }, Qt::QueuedConnection);
        return;
    }
    const int id = m_nextId++;
    m_pending.insert(id, Pending{context, context != nullptr, std::move(callback)});
    sendRaw(id, method, params);
}

void LiveClient::subscribe(const QString &topic, bool on, const QStringList &devices)
{
    QJsonObject params{{u"topic"_s, topic}};
    if (!devices.isEmpty())
        params.insert(u"device_ids"_s, QJsonArray::fromStringList(devices));
    call(on ? u"subscribe"_s : u"unsubscribe"_s, params, this, [topic](const ApiResult<QJsonValue> &result) {
        if (!result)
            qCWarning(lcAppConnection) << "Live link: subscription to" << topic << "failed:" << result.error().message;
    });
}

void LiveClient::setFollowDevices(bool follow)
{
    if (follow == m_followDevices)
        return;
    m_followDevices = follow;
    if (m_state == State::Live)
        subscribe(u"devices"_s, follow);
}

void LiveClient::setFollowCommands(bool follow)
{
    if (follow == m_followCommands)
        return;
    m_followCommands = follow;
    if (m_state == State::Live)
        subscribe(u"commands"_s, follow);
}

void LiveClient::setFollowAlerts(bool follow)
{
    if (follow == m_followAlerts)
        return;
    m_followAlerts = follow;
    if (m_state == State::Live)
        subscribe(u"alerts"_s, follow);
}

void LiveClient::followTelemetry(const QString &deviceId)
{
    if (m_telemetry[deviceId]++ == 0 && m_state == State::Live)
        subscribe(u"telemetry"_s, true, {deviceId});
}

void LiveClient::unfollowTelemetry(const QString &deviceId)
{
    auto it = m_telemetry.find(deviceId);
    if (it == m_telemetry.end())
        return;
    if (--it.value() > 0)
        return;
    m_telemetry.erase(it);
    if (m_state == State::Live)
        subscribe(u"telemetry"_s, false, {deviceId});
}

void LiveClient::onText(const QString &text)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (!doc.isObject()) {
        qCWarning(lcAppConnection) << "Live link: not a JSON object from the server:" << parseError.errorString();
        return;
    }
    const QJsonObject message = doc.object();
    const QJsonValue id = message.value(u"id");
    if (id.isDouble()) {
        const auto it = m_pending.find(id.toInt());
        if (it == m_pending.end())
            return;
        const Pending pending = it.value();
        m_pending.erase(it);
        if (pending.hasContext && !pending.context)
            return;
        if (message.contains(u"error"))
            pending.callback(std::unexpected(rpcError(message.value(u"error").toObject())));
        else
            pending.callback(message.value(u"result"));
        return;
    }
    const QString method = message.value(u"method").toString();
    if (!method.isEmpty())
        dispatch(method, message.value(u"params").toObject());
}

void LiveClient::dispatch(const QString &method, const QJsonObject &p)
{
    const QString deviceId = p.value(u"device_id").toString();
    if (method == u"telemetry") {
        Q_EMIT telemetry(deviceId, p.value(u"metrics").toObject());
    } else if (method == u"device.connection") {
        Q_EMIT deviceConnection(deviceId, Fleetdeck::States::connection(p.value(u"connection").toString()) == Fleetdeck::States::Connection::Online,
                                QDateTime::fromString(p.value(u"at").toString(), Qt::ISODateWithMs),
                                p.value(u"firmware_version").toString());
    } else if (method == u"device.changed") {
        Q_EMIT deviceChanged(deviceId, p.value(u"status").toString(), p.value(u"connection").toString());
    } else if (method == u"command.changed") {
        Q_EMIT commandChanged(p.value(u"command_id").toString(), deviceId, p.value(u"status").toString());
    } else if (method == u"alert.changed") {
        Q_EMIT alertChanged(p);
    } else if (method == u"overflow") {
        Q_EMIT overflowed(p.value(u"dropped_events").toInteger(), p.value(u"merged_telemetry_updates").toInteger());
        Q_EMIT resynced();
    } else if (method == u"session.ended") {
        m_lastError = p.value(u"reason").toString();
        Q_EMIT sessionEnded(m_lastError);
    } else {
        qCDebug(lcAppConnection) << "Live link: ignoring notification" << method;
    }
}
