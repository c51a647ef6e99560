#include "live/livehub.h"

#include "alerts/alert.h"

#include "events/eventbus.h"

#include "api/apiserver.h"
#include "api/router.h"
#include "core/jsonutil.h"
#include "protocol/messages.h"
#include "devices/devicedirectory.h"
#include "telemetry/telemetrytypes.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QUuid>
#include <QtNetwork/QAbstractSocket>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>
#include <deque>
#include <optional>

Q_LOGGING_CATEGORY(lcLive, "fleetdeck.server.live", QtInfoMsg)

namespace Fleetdeck {

namespace {

// JSON-RPC 2.0 error codes; -32000..-32099 are the server's own.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kRestError = -32000;
constexpr int kUnauthenticated = -32001;

QJsonObject rpcError(int code, const QString &message, const QJsonObject &data = {})
{
    QJsonObject e{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!data.isEmpty())
        e.insert(QStringLiteral("data"), data);
    return e;
}

QByteArray encode(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

const QStringList kTopics{QStringLiteral("devices"), QStringLiteral("commands"), QStringLiteral("telemetry"), QStringLiteral("alerts")};

} // namespace

struct LiveHub::Client
{
    QWebSocket *socket = nullptr;
    QByteArray token;
    QString userId;
    QString tenantId;   ///< the tenant the client acts in
    QString actingTenantHeader;
    QSet<QString> topics;
    QSet<QString> telemetryDevices;
    QHash<QString, QJsonObject> pendingTelemetry; ///< device -> metrics merged since the last update sent
    QHash<QString, qint64> lastTelemetryMs;
    std::deque<QString> backlog;                  ///< notifications held while the client is slow
    qint64 droppedEvents = 0;
    qint64 mergedTelemetry = 0;
    bool slow = false;
    bool authenticated() const { return !token.isEmpty(); }
};

LiveHub::LiveHub(Api::Router &router, const DeviceDirectory &devices, Options options, QObject *parent)
    : QObject(parent), m_router(router), m_devices(devices), m_options(options), m_limiter(options.maxConnections, options.maxConnectionsPerSource)
{
    m_telemetryTimer.setInterval(std::max(5, m_options.telemetryIntervalMs / 5));
    connect(&m_telemetryTimer, &QTimer::timeout, this, &LiveHub::flushTelemetry);
    // Tokens expire and are revoked: every minute each connection's token is checked again.
    m_authTimer.setInterval(60000);
    connect(&m_authTimer, &QTimer::timeout, this, &LiveHub::reauthenticate);
}

LiveHub::~LiveHub() { stop(); }

Result<quint16> LiveHub::listen(const QHostAddress &address, quint16 port, const QString &chainPemFile, const QString &keyPemFile)
{
    auto conf = Api::serverTlsConfiguration(chainPemFile, keyPemFile);
    if (!conf)
        return fail(conf.error());
    m_server = new QWebSocketServer(QStringLiteral("fleetdeck"), QWebSocketServer::SecureMode, this);
    m_server->setSslConfiguration(*conf);
    m_server->setHandshakeTimeout(10000);
    connect(m_server, &QWebSocketServer::newConnection, this, &LiveHub::onNewConnection);
    if (!m_server->listen(address, port)) {
        const QString why = m_server->errorString();
        delete m_server;
        m_server = nullptr;
        return fail(Error::unavailable(QStringLiteral("cannot listen on %1:%2 for the WebSocket API: %3").arg(address.toString()).arg(port).arg(why)));
    }
    m_port = m_server->serverPort();
    m_telemetryTimer.start();
    m_authTimer.start();
    return m_port;
}

void LiveHub::stop()
{
    m_telemetryTimer.stop();
    m_authTimer.stop();
    for (auto it = m_clients.begin(); it != m_clients.end(); ++it)
        it.key()->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server shutting down"));
    if (m_server)
        m_server->close();
}

void LiveHub::onNewConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        if (socket->requestUrl().path() != u"/v1/ws") {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("the WebSocket API is at /v1/ws"));
            socket->deleteLater();
            continue;
        }
        QString why;
        if (!m_limiter.admit(socket->peerAddress(), socket, &why)) {
            qCWarning(lcLive).noquote() << "WebSocket connection from" << socket->peerAddress().toString() << "refused:" << why;
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, why);
            socket->deleteLater();
            continue;
        }
        ++m_connections;
        // Notifications are small frames that must leave now: with Nagle on, each one waits for the client's ACK of
        // the previous one (its delayed ACK: up to 40 ms on Linux). QWebSocket does not expose its socket, but the
        // TLS sockets the server accepted stay in its object tree; setting the option again on older ones is a no-op.
        for (QAbstractSocket *tcp : m_server->findChildren<QAbstractSocket *>())
            if (tcp->state() == QAbstractSocket::ConnectedState)
                tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto client = std::make_shared<Client>();
        client->socket = socket;
        Client *c = client.get();
        m_clients.insert(socket, client);
        socket->setMaxAllowedIncomingMessageSize(quint64(m_options.maxMessageBytes));
        socket->setMaxAllowedIncomingFrameSize(quint64(m_options.maxMessageBytes));
        connect(socket, &QWebSocket::textMessageReceived, this, [this, c](const QString &text) { onText(c, text); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, c](const QByteArray &) {
            ++m_rejectedMessages;
            if (!c->authenticated()) {
                ++m_closedUnauthenticated;
                closeClient(c, QStringLiteral("authenticate first with auth.login (JSON-RPC 2.0 as text messages)"));
                return;
            }
            notify(c, QStringLiteral("error"), {{QStringLiteral("message"), QStringLiteral("send JSON-RPC 2.0 as text messages")}});
        });
        connect(socket, &QWebSocket::bytesWritten, this, [this, c] { drain(c); });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            auto it = m_clients.find(socket);
            if (it == m_clients.end())
                return;
            for (const QString &d : std::as_const((*it)->telemetryDevices))
                m_telemetryFollowers[d].remove(it->get());
            m_clients.erase(it);
            socket->deleteLater();
        });
        QTimer::singleShot(m_options.authTimeoutMs, socket, [this, socket] {
            auto it = m_clients.find(socket);
            if (it != m_clients.end() && !(*it)->authenticated())
                socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("not authenticated within %1 s").arg(m_options.authTimeoutMs / 1000));
        });
    }
}

void LiveHub::onText(Client *c, const QString &text)
{
    if (c->socket->state() != QAbstractSocket::ConnectedState)
        return; // closing: what it still sent is not answered
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &err);
    if (!c->authenticated()) {
        // Before login nothing is answered but auth.login itself: an unauthenticated peer learns nothing and
        // costs no more than one parse; anything else ends the connection with its reason.
        const QJsonObject req = doc.object();
        if (req.value(QStringLiteral("method")).toString() != u"auth.login" || req.value(QStringLiteral("jsonrpc")) != QStringLiteral("2.0")
            || !req.contains(QStringLiteral("id"))) {
            ++m_rejectedMessages;
            ++m_closedUnauthenticated;
            closeClient(c, QStringLiteral("authenticate first: {\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"auth.login\", \"params\": {\"token\": ...}}"));
            return;
        }
    }
    QJsonValue id(QJsonValue::Null);
    QJsonObject error, result;
    if (err.error != QJsonParseError::NoError) {
        ++m_rejectedMessages;
        error = rpcError(kParseError, QStringLiteral("not JSON: %1 at offset %2").arg(err.errorString()).arg(err.offset));
    } else if (!doc.isObject()) {
        ++m_rejectedMessages;
        error = rpcError(kInvalidRequest, QStringLiteral("a request is a JSON object (batches are not supported)"));
    } else {
        const QJsonObject req = doc.object();
        id = req.value(QStringLiteral("id"));
        const QJsonValue params = req.value(QStringLiteral("params"));
        if (req.value(QStringLiteral("jsonrpc")) != QStringLiteral("2.0") || !req.value(QStringLiteral("method")).isString()) {
            ++m_rejectedMessages;
            error = rpcError(kInvalidRequest, QStringLiteral("a request needs \"jsonrpc\": \"2.0\" and a \"method\" string"));
        } else if (!params.isUndefined() && !params.isObject()) {
            error = rpcError(kInvalidParams, QStringLiteral("\"params\" must be an object"));
        } else {
            result = call(c, req.value(QStringLiteral("method")).toString(), params.toObject(), &error);
        }
        if (id.isUndefined())
            return; // a notification from the client: no answer
    }
    QJsonObject answer{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id}};
    if (!error.isEmpty())
        answer.insert(QStringLiteral("error"), error);
    else
        answer.insert(QStringLiteral("result"), result);
    LiveHub::answer(c, QString::fromUtf8(encode(answer)));
    // A refused login ends the connection (after its answer): the same socket cannot be used to try token after token.
    if (!c->authenticated()) {
        ++m_closedUnauthenticated;
        closeClient(c, QStringLiteral("authentication failed"));
    }
}

void LiveHub::answer(Client *c, const QString &text)
{
    // Answers are never dropped: the client asked for them (and waits), so they go out even to a slow client —
    // up to a bound. A client that keeps asking and never reads is closed rather than held in memory.
    if (c->socket->bytesToWrite() + text.size() > m_options.maxClientOutputBytes) {
        ++m_closedNotReading;
        qCWarning(lcLive).noquote() << QStringLiteral("closing WebSocket client %1 (%2): %3 bytes unsent, it is not reading its answers")
                                           .arg(c->socket->peerAddress().toString(), c->userId.isEmpty() ? QStringLiteral("not signed in") : c->userId)
                                           .arg(c->socket->bytesToWrite());
        closeClient(c, QStringLiteral("the client is not reading: over %1 KiB of answers unsent").arg(m_options.maxClientOutputBytes >> 10));
        // It will not read the close frame either: the connection and what it holds go now (queued: the caller
        // still uses the client).
        QMetaObject::invokeMethod(c->socket, &QWebSocket::abort, Qt::QueuedConnection);
        return;
    }
    c->socket->sendTextMessage(text);
}

void LiveHub::closeClient(Client *c, const QString &reason)
{
    // Whatever it subscribed to stops now, not when the close handshake ends.
    for (const QString &d : std::as_const(c->telemetryDevices))
        m_telemetryFollowers[d].remove(c);
    c->telemetryDevices.clear();
    c->pendingTelemetry.clear();
    c->topics.clear();
    c->token.clear();
    c->backlog.clear();
    if (c->socket->state() != QAbstractSocket::UnconnectedState)
        c->socket->close(QWebSocketProtocol::CloseCodePolicyViolated, reason.left(120)); // a close reason is at most 123 bytes
}

QJsonObject LiveHub::call(Client *c, const QString &method, const QJsonObject &params, QJsonObject *error)
{
    const auto rest = [&](const QByteArray &verb, const QString &path, const QUrlQuery &query, const QByteArray &body, const QByteArray &token) {
        Api::Request r;
        r.method = verb;
        r.path = path;
        r.query = query;
        r.body = body;
        r.peer = c->socket->peerAddress().toString();
        r.headers.insert("authorization", "Bearer " + token);
        if (!body.isEmpty())
            r.headers.insert("content-type", "application/json");
        if (!c->actingTenantHeader.isEmpty())
            r.headers.insert("x-fleetdeck-tenant", c->actingTenantHeader.toUtf8());
        return m_router.dispatch(r);
    };

    if (method == u"auth.login") {
        const QString token = params.value(QStringLiteral("token")).toString();
        if (token.isEmpty()) {
            *error = rpcError(kInvalidParams, QStringLiteral("auth.login needs {\"token\": ...} from POST /v1/auth/login or an API token"));
            return {};
        }
        c->actingTenantHeader = params.value(QStringLiteral("tenant")).toString();
        // The same authentication as REST: who the token belongs to, from GET /v1/auth/me.
        const Api::Response me = rest("GET", QStringLiteral("/v1/auth/me"), {}, {}, token.toUtf8());
        const QJsonObject doc = QJsonDocument::fromJson(me.body).object();
        if (me.status != 200) {
            *error = rpcError(me.status == 401 ? kUnauthenticated : kRestError, doc.value(QStringLiteral("detail")).toString(),
                              {{QStringLiteral("status"), me.status}});
            return {};
        }
        // A second login may be someone else, in another tenant: nothing followed under the first one carries over.
        for (const QString &d : std::as_const(c->telemetryDevices))
            m_telemetryFollowers[d].remove(c);
        c->telemetryDevices.clear();
        c->pendingTelemetry.clear();
        c->topics.clear();
        c->token = token.toUtf8();
        c->userId = doc.value(QStringLiteral("user_id")).toString();
        c->tenantId = doc.value(QStringLiteral("acting_tenant_id")).toString();
        return doc;
    }

    if (!c->authenticated()) { // not reached from onText (it closes first); kept for any other caller
        *error = rpcError(kUnauthenticated, QStringLiteral("authenticate first: {\"method\": \"auth.login\", \"params\": {\"token\": ...}}"));
        return {};
    }

    if (method == u"ping")
        return {{QStringLiteral("pong"), true}, {QStringLiteral("server_time"), Json::timestamp(QDateTime::currentDateTimeUtc())}};

    if (method == u"rest") {
        static const QSet<QString> verbs{QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"), QStringLiteral("PATCH"), QStringLiteral("DELETE")};
        const QString verb = params.value(QStringLiteral("method")).toString(QStringLiteral("GET")).toUpper();
        const QString path = params.value(QStringLiteral("path")).toString();
        if (!verbs.contains(verb) || !path.startsWith(QStringLiteral("/v1/")) || path.contains(u'?') || path.contains(u'#')) {
            *error = rpcError(kInvalidParams, QStringLiteral("rest needs \"method\" (GET, POST, PUT, PATCH, DELETE) and a \"path\" under /v1/ "
                                                             "without a query (put it in \"query\")"));
            return {};
        }
        QUrlQuery query;
        const QJsonObject q = params.value(QStringLiteral("query")).toObject();
        for (auto it = q.begin(); it != q.end(); ++it)
            query.addQueryItem(it.key(), it.value().isString() ? it.value().toString() : it.value().toVariant().toString());
        const QJsonValue body = params.value(QStringLiteral("body"));
        const QByteArray bytes = body.isObject() ? encode(body.toObject()) : QByteArray();
        const Api::Response r = rest(verb.toLatin1(), path, query, bytes, c->token);
        const QJsonDocument answer = QJsonDocument::fromJson(r.body);
        if (r.status >= 400) {
            *error = rpcError(r.status == 401 ? kUnauthenticated : kRestError, answer.object().value(QStringLiteral("detail")).toString(),
                              {{QStringLiteral("status"), r.status}, {QStringLiteral("problem"), answer.object()}});
            return {};
        }
        return {{QStringLiteral("status"), r.status},
                {QStringLiteral("body"), answer.isObject() ? QJsonValue(answer.object()) : answer.isArray() ? QJsonValue(answer.array()) : QJsonValue(QJsonValue::Null)}};
    }

    if (method == u"subscribe" || method == u"unsubscribe") {
        const bool on = method == u"subscribe";
        const QString topic = params.value(QStringLiteral("topic")).toString();
        if (!kTopics.contains(topic)) {
            *error = rpcError(kInvalidParams, QStringLiteral("\"topic\" must be one of %1").arg(kTopics.join(QStringLiteral(", "))));
            return {};
        }
        if (topic != u"telemetry") {
            if (on)
                c->topics.insert(topic);
            else
                c->topics.remove(topic);
            return {{QStringLiteral("topic"), topic}, {QStringLiteral("subscribed"), on}};
        }
        const QJsonArray ids = params.value(QStringLiteral("device_ids")).toArray();
        if (ids.isEmpty()) {
            *error = rpcError(kInvalidParams, QStringLiteral("telemetry needs \"device_ids\": [...]"));
            return {};
        }
        QStringList valid;
        for (const QJsonValue &v : ids) {
            const QString id = v.toString();
            if (on) {
                // Another tenant's device does not exist for this caller.
                auto tenant = QUuid::fromString(id).isNull() ? Result<QString>(fail(Error::notFound({}))) : tenantOfDevice(id);
                if (!tenant || *tenant != c->tenantId) {
                    *error = rpcError(kInvalidParams, QStringLiteral("no device with id %1").arg(id.left(64)), {{QStringLiteral("status"), 404}});
                    return {};
                }
            }
            valid << id;
        }
        if (on && c->telemetryDevices.size() + valid.size() > m_options.maxTelemetryDevices) {
            *error = rpcError(kInvalidParams, QStringLiteral("a connection may follow at most %1 devices live").arg(m_options.maxTelemetryDevices));
            return {};
        }
        for (const QString &id : std::as_const(valid)) {
            if (on) {
                c->telemetryDevices.insert(id);
                m_telemetryFollowers[id].insert(c);
            } else {
                c->telemetryDevices.remove(id);
                c->pendingTelemetry.remove(id);
                m_telemetryFollowers[id].remove(c);
            }
        }
        return {{QStringLiteral("topic"), topic}, {QStringLiteral("subscribed"), on}, {QStringLiteral("devices"), qint64(c->telemetryDevices.size())}};
    }

    *error = rpcError(kMethodNotFound, QStringLiteral("no method \"%1\"; methods: ping, auth.login, rest, subscribe, unsubscribe").arg(method.left(64)));
    return {};
}

QString LiveHub::notification(const QString &method, const QJsonObject &params)
{
    return QString::fromUtf8(encode({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("method"), method}, {QStringLiteral("params"), params}}));
}

void LiveHub::notify(Client *c, const QString &method, const QJsonObject &params, bool droppable)
{
    send(c, notification(method, params), droppable);
}

void LiveHub::send(Client *c, const QString &text, bool droppable)
{
    if (!c->slow && c->socket->bytesToWrite() > m_options.maxClientBacklogBytes)
        c->slow = true;
    if (!c->slow || !droppable) {
        if (c->authenticated())
            answer(c, text);
        return;
    }
    // A slow client: events wait in a bounded queue (the oldest go first), telemetry waits merged per device.
    c->backlog.push_back(text);
    while (int(c->backlog.size()) > m_options.maxQueuedEvents) {
        c->backlog.pop_front();
        ++c->droppedEvents;
        ++m_dropped;
    }
}

void LiveHub::drain(Client *c)
{
    if (!c->slow || c->socket->bytesToWrite() > m_options.maxClientBacklogBytes / 2)
        return;
    while (!c->backlog.empty() && c->socket->bytesToWrite() <= m_options.maxClientBacklogBytes / 2) {
        c->socket->sendTextMessage(c->backlog.front());
        c->backlog.pop_front();
    }
    if (!c->backlog.empty())
        return;
    c->slow = false;
    if (c->droppedEvents > 0 || c->mergedTelemetry > 0) {
        // Tell the client what it missed, so that it can reload what it shows instead of trusting a gap.
        const QJsonObject lost{{QStringLiteral("dropped_events"), c->droppedEvents}, {QStringLiteral("merged_telemetry_updates"), c->mergedTelemetry}};
        c->droppedEvents = 0;
        c->mergedTelemetry = 0;
        notify(c, QStringLiteral("overflow"), lost);
    }
}

void LiveHub::onTelemetry(const QString &deviceId, const QHash<QString, LatestValue> &values)
{
    auto followers = m_telemetryFollowers.constFind(deviceId);
    if (followers == m_telemetryFollowers.constEnd() || followers->isEmpty())
        return;
    QJsonObject metrics;
    for (auto it = values.begin(); it != values.end(); ++it)
        metrics.insert(it.key(), QJsonObject{{QStringLiteral("ts"), it->ts},
                                             {QStringLiteral("value"), it->isText ? QJsonValue(it->text) : QJsonValue(it->value)}});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QString text; // encoded on first use, then the same for every client that gets it now
    for (Client *c : *followers) {
        auto pending = c->pendingTelemetry.find(deviceId);
        if (pending != c->pendingTelemetry.end()) {
            for (auto it = metrics.begin(); it != metrics.end(); ++it)
                pending->insert(it.key(), it.value());
            ++c->mergedTelemetry;
            ++m_merged;
            continue;
        }
        if (!c->slow && now - c->lastTelemetryMs.value(deviceId) >= m_options.telemetryIntervalMs) {
            c->lastTelemetryMs.insert(deviceId, now);
            if (text.isEmpty())
                text = notification(QStringLiteral("telemetry"), {{QStringLiteral("device_id"), deviceId}, {QStringLiteral("metrics"), metrics}});
            send(c, text, false);
        } else {
            c->pendingTelemetry.insert(deviceId, metrics);
        }
    }
}

void LiveHub::flushTelemetry()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &client : std::as_const(m_clients)) {
        Client *c = client.get();
        if (c->pendingTelemetry.isEmpty() || c->slow)
            continue;
        for (auto it = c->pendingTelemetry.begin(); it != c->pendingTelemetry.end();) {
            if (now - c->lastTelemetryMs.value(it.key()) < m_options.telemetryIntervalMs) {
                ++it;
                continue;
            }
            c->lastTelemetryMs.insert(it.key(), now);
            notify(c, QStringLiteral("telemetry"), {{QStringLiteral("device_id"), it.key()}, {QStringLiteral("metrics"), it.value()}});
            it = c->pendingTelemetry.erase(it);
        }
    }
}

Result<QString> LiveHub::tenantOfDevice(const QString &deviceId)
{
    const QString tenant = m_devices.tenantOf(deviceId);
    if (tenant.isEmpty())
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    return tenant;
}

void LiveHub::broadcast(const QString &tenantId, const QString &topic, const QString &method, const QJsonObject &params)
{
    QString text;
    for (const auto &client : std::as_const(m_clients))
        if (client->authenticated() && client->tenantId == tenantId && client->topics.contains(topic)) {
            if (text.isEmpty())
                text = notification(method, params);
            send(client.get(), text, true);
        }
}

void LiveHub::onCommandChanged(const QString &commandId, const QString &deviceId, const QString &status)
{
    if (m_clients.isEmpty())
        return;
    if (auto tenant = tenantOfDevice(deviceId))
        broadcast(*tenant, QStringLiteral("commands"), QStringLiteral("command.changed"),
                  {{QStringLiteral("command_id"), commandId}, {QStringLiteral("device_id"), deviceId}, {QStringLiteral("status"), status}});
}

void LiveHub::onAlertChanged(const Alert &alert)
{
    if (!m_clients.isEmpty())
        broadcast(alert.tenantId, QStringLiteral("alerts"), QStringLiteral("alert.changed"), toJson(alert));
}

void LiveHub::onDeviceChanged(const DeviceSummary &d)
{
    if (m_clients.isEmpty())
        return;
    broadcast(d.tenantId, QStringLiteral("devices"), QStringLiteral("device.changed"),
              {{QStringLiteral("device_id"), d.id}, {QStringLiteral("status"), States::name(d.status)}, {QStringLiteral("connection"), States::name(d.connection)}});
}

void LiveHub::onConnection(const ConnectionEvent &e)
{
    // Retained statuses arrive for every device when the server's link (re)subscribes: state, not a change.
    if (e.replayed || m_clients.isEmpty())
        return;
    auto tenant = tenantOfDevice(e.deviceId);
    if (!tenant)
        return;
    QJsonObject params{{QStringLiteral("device_id"), e.deviceId},
                       {QStringLiteral("connection"), e.online ? QStringLiteral("online") : QStringLiteral("offline")},
                       {QStringLiteral("at"), Json::timestamp(QDateTime::fromMSecsSinceEpoch(e.atMs, Qt::UTC))}};
    if (!e.firmwareVersion.isEmpty())
        params.insert(QStringLiteral("firmware_version"), e.firmwareVersion);
    broadcast(*tenant, QStringLiteral("devices"), QStringLiteral("device.connection"), params);
}

void LiveHub::recheckAccessSoon()
{
    if (m_recheckPending || m_clients.isEmpty())
        return;
    m_recheckPending = true;
    QTimer::singleShot(0, this, [this] {
        m_recheckPending = false;
        reauthenticate();
    });
}

void LiveHub::reauthenticate()
{
    const QList<QWebSocket *> sockets = m_clients.keys();
    for (QWebSocket *s : sockets) {
        auto it = m_clients.find(s);
        if (it == m_clients.end() || !(*it)->authenticated())
            continue;
        Client *c = it->get();
        QJsonObject error;
        const QJsonObject me = call(c, QStringLiteral("rest"), {{QStringLiteral("path"), QStringLiteral("/v1/auth/me")}}, &error);
        const int status = error.value(QStringLiteral("data")).toObject().value(QStringLiteral("status")).toInt();
        // Any refusal ends the connection: 401 (the token is no longer valid), 403 (no longer allowed in the tenant it
        // acts in), 404 (the tenant is gone). A server fault (5xx) says nothing about the right to see: kept.
        if (!error.isEmpty() && (status == 0 || (status >= 400 && status < 500))) {
            ++m_closedRevoked;
            const QString reason = error.value(QStringLiteral("message")).toString();
            qCInfo(lcLive).noquote() << "closing the live connection of" << c->userId << "from" << s->peerAddress().toString() << ":" << reason;
            notify(c, QStringLiteral("session.ended"), {{QStringLiteral("reason"), reason}});
            closeClient(c, QStringLiteral("the session ended"));
            continue;
        }
        // Still allowed, but perhaps in another tenant now (a platform admin's acting tenant): events follow it.
        const QString tenant = me.value(QStringLiteral("body")).toObject().value(QStringLiteral("acting_tenant_id")).toString();
        if (error.isEmpty() && !tenant.isEmpty() && tenant != c->tenantId) {
            ++m_closedRevoked;
            notify(c, QStringLiteral("session.ended"), {{QStringLiteral("reason"), QStringLiteral("the tenant this connection acts in changed")}});
            closeClient(c, QStringLiteral("the session ended"));
        }
    }
}

QJsonObject LiveHub::health() const
{
    qint64 slow = 0;
    for (const auto &c : m_clients)
        slow += c->slow ? 1 : 0;
    return {{QStringLiteral("port"), m_port},
            {QStringLiteral("clients"), qint64(m_clients.size())},
            {QStringLiteral("slow_clients"), slow},
            {QStringLiteral("connections_since_start"), m_connections},
            {QStringLiteral("dropped_events"), m_dropped},
            {QStringLiteral("merged_telemetry_updates"), m_merged},
            {QStringLiteral("rejected_messages"), m_rejectedMessages},
            {QStringLiteral("refused_connections"), m_limiter.refused()},
            {QStringLiteral("max_connections"), m_limiter.maxTotal()},
            {QStringLiteral("max_connections_per_source"), m_limiter.maxPerSource()},
            {QStringLiteral("closed_not_reading"), m_closedNotReading},
            {QStringLiteral("closed_unauthenticated"), m_closedUnauthenticated},
            {QStringLiteral("closed_access_revoked"), m_closedRevoked}};
}

} // namespace Fleetdeck
