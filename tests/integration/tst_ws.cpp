// The WebSocket API against a real server, broker and device: JSON-RPC framing and its errors, authentication with
// the REST tokens, the REST mirror with the same authorisation, tenant isolation of subscriptions, live telemetry
// coalesced per client, device and command events, and a slow client that is told what it missed instead of
// growing the server's memory.
#include "runtime/application.h"
#include "devices/deviceservice.h"
#include "live/livehub.h"
#include "mqtt/mqttclient.h"
#include "pki/certificateauthority.h"
#include "protocol/messages.h"
#include "protocol/topics.h"
#include "testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <QtNetwork/QSslSocket>
#include <QtWebSockets/QWebSocket>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

namespace {

/// A console's connection: JSON-RPC calls and the notifications that arrive in between.
class WsClient : public QObject
{
public:
    QWebSocket socket;
    QList<QJsonObject> notifications;
    QHash<int, QJsonObject> answers;
    int nextId = 1;
    bool closed = false;

    bool open(const QString &url, const QSslConfiguration &ssl)
    {
        socket.setSslConfiguration(ssl);
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            if (o.contains(QStringLiteral("id")))
                answers.insert(o.value(QStringLiteral("id")).toInt(), o);
            else
                notifications.append(o);
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] { closed = true; });
        socket.open(QUrl(url));
        return waitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }

    QJsonObject call(const QString &method, const QJsonObject &params = {})
    {
        const int id = nextId++;
        socket.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id},
                                                                            {QStringLiteral("method"), method}, {QStringLiteral("params"), params}}).toJson(QJsonDocument::Compact)));
        waitFor([&] { return answers.contains(id) || closed; }, 5000);
        return answers.take(id);
    }
    QJsonObject raw(const QByteArray &text)
    {
        answers.clear();
        socket.sendTextMessage(QString::fromUtf8(text));
        waitFor([&] { return !answers.isEmpty() || closed; }, 5000);
        return answers.isEmpty() ? QJsonObject() : answers.begin().value();
    }
    int errorCode(const QJsonObject &answer) const { return answer.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(); }
    QList<QJsonObject> named(const QString &method) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &n : notifications)
            if (n.value(QStringLiteral("method")).toString() == method)
                out << n.value(QStringLiteral("params")).toObject();
        return out;
    }
};

/// A WebSocket client by hand over TLS, that reads only when told: a client that asks and never reads.
class RawWsClient
{
public:
    QSslSocket tls;

    bool open(quint16 port, const QSslConfiguration &ssl)
    {
        tls.setSslConfiguration(ssl);
        tls.setReadBufferSize(4096); // stop taking bytes from the kernel: its buffers fill, then the server's
        tls.connectToHostEncrypted(QStringLiteral("localhost"), port);
        if (!waitFor([&] { return tls.isEncrypted(); }, 5000))
            return false;
        tls.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        tls.write("GET /v1/ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        QByteArray head;
        waitFor([&] {
            head += tls.readAll();
            return head.contains("\r\n\r\n");
        }, 5000);
        return head.startsWith("HTTP/1.1 101");
    }
    /// One masked text frame (a zero mask: the payload as it is).
    void send(const QByteArray &text)
    {
        QByteArray frame("\x81", 1);
        if (text.size() < 126) {
            frame += char(0x80 | text.size());
        } else {
            frame += char(0x80 | 126);
            frame += char(text.size() >> 8);
            frame += char(text.size() & 0xff);
        }
        frame += QByteArray(4, '\0');
        tls.write(frame + text);
    }
};

} // namespace

class TestWebSocket : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_files;
    int m_serial = 0;

    QString url() { return m_server->app().webSocketUrl(); }

    std::unique_ptr<WsClient> client(const QByteArray &token = {})
    {
        auto c = std::make_unique<WsClient>();
        if (!c->open(url(), m_server->sslConfiguration()))
            return nullptr;
        if (!token.isEmpty() && !c->call(QStringLiteral("auth.login"), {{QStringLiteral("token"), QString::fromLatin1(token)}}).contains(QStringLiteral("result")))
            return nullptr;
        return c;
    }

    /// Registers a device and connects it as a plain MQTT client.
    std::pair<QString, std::unique_ptr<MqttClient>> device(const QByteArray &token)
    {
        auto kc = Pki::makeKeyAndRequest(QStringLiteral("x"));
        const HttpReply r = m_server->requestJson("POST", QStringLiteral("/v1/devices"),
                                                  {{QStringLiteral("serial_number"), QStringLiteral("WS-%1").arg(++m_serial)},
                                                   {QStringLiteral("device_type"), QStringLiteral("meter")},
                                                   {QStringLiteral("csr"), QString::fromLatin1(kc->second)}}, token);
        const QString id = r.json().value(QStringLiteral("device_id")).toString();
        QFile c(m_files.filePath(id + QStringLiteral(".crt"))), k(m_files.filePath(id + QStringLiteral(".key")));
        if (!c.open(QIODevice::WriteOnly) || !k.open(QIODevice::WriteOnly))
            return {};
        c.write(r.json().value(QStringLiteral("certificate")).toString().toLatin1());
        k.write(kc->first);
        c.close();
        k.close();
        MqttClientOptions o;
        o.host = QStringLiteral("localhost");
        o.port = m_server->mqttPort();
        o.clientId = id;
        o.caFile = m_server->caFile();
        o.certFile = c.fileName();
        o.keyFile = k.fileName();
        return {id, std::make_unique<MqttClient>(o)};
    }

    static QByteArray reading(qint64 seq, double value)
    {
        return QJsonDocument(QJsonObject{{QStringLiteral("seq"), seq}, {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("power"), value}}}}).toJson(QJsonDocument::Compact);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    }
    void cleanup() { m_server.reset(); }

    void nothingIsAnsweredBeforeLogin()
    {
        // Before auth.login succeeded a connection gets no answer to anything else, not even ping: it is closed with
        // the reason (1008). A refused login is answered, then closed: one socket, one try.
        const QList<QByteArray> early{"not json", "[1,2]", R"({"jsonrpc":"2.0","id":1,"method":"ping"})",
                                      R"({"jsonrpc":"2.0","id":2,"method":"rest","params":{"path":"/v1/devices"}})",
                                      R"({"jsonrpc":"2.0","method":"auth.login","params":{"token":"x"}})"}; // a notification: no id
        for (const QByteArray &text : early) {
            auto c = client();
            QVERIFY(c);
            QVERIFY2(c->raw(text).isEmpty(), text.constData());
            QVERIFY2(waitFor([&] { return c->closed; }, 5000), text.constData());
            QCOMPARE(c->socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
            QVERIFY2(c->socket.closeReason().contains(QStringLiteral("auth.login")), qPrintable(c->socket.closeReason()));
        }
        {
            auto c = client();
            QVERIFY(c);
            c->socket.sendBinaryMessage("\x01\x02");
            QVERIFY(waitFor([&] { return c->closed; }, 5000));
            QVERIFY(c->notifications.isEmpty());
        }
        for (const QJsonObject &params : {QJsonObject{{QStringLiteral("token"), QStringLiteral("nonsense")}}, QJsonObject{}}) {
            auto c = client();
            QVERIFY(c);
            const QJsonObject refused = c->call(QStringLiteral("auth.login"), params);
            QCOMPARE(c->errorCode(refused), params.isEmpty() ? -32602 : -32001);
            QVERIFY(waitFor([&] { return c->closed; }, 5000));
            QCOMPARE(c->socket.closeReason(), QStringLiteral("authentication failed"));
        }
        const QJsonObject ws = m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, m_server->adminToken()).json().value(QStringLiteral("websocket")).toObject();
        QCOMPARE(ws.value(QStringLiteral("closed_unauthenticated")).toInt(), 8);
    }

    void framingAndAuthenticationErrors()
    {
        auto c = client();
        QVERIFY(c);
        const QJsonObject me = c->call(QStringLiteral("auth.login"), {{QStringLiteral("token"), QString::fromLatin1(m_server->adminToken())}});
        QCOMPARE(me.value(QStringLiteral("result")).toObject().value(QStringLiteral("email")).toString(), QStringLiteral("admin@localhost"));
        QCOMPARE(c->errorCode(c->raw("not json")), -32700);
        QCOMPARE(c->errorCode(c->raw("[1,2]")), -32600);
        QCOMPARE(c->errorCode(c->raw(R"({"jsonrpc":"1.0","id":7,"method":"ping"})")), -32600);
        QCOMPARE(c->errorCode(c->raw(R"({"jsonrpc":"2.0","id":8,"method":"ping","params":[1]})")), -32602);
        QCOMPARE(c->call(QStringLiteral("ping")).value(QStringLiteral("result")).toObject().value(QStringLiteral("pong")).toBool(), true);
        QCOMPARE(c->errorCode(c->call(QStringLiteral("nope"))), -32601);
        QCOMPARE(c->errorCode(c->call(QStringLiteral("rest"), {{QStringLiteral("path"), QStringLiteral("/v1/devices?limit=1")}})), -32602);
        QCOMPARE(c->errorCode(c->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("weather")}})), -32602);
        // A wrong path is closed at once; the server stays healthy.
        WsClient stray;
        QString wrong = url();
        wrong.replace(QStringLiteral("/v1/ws"), QStringLiteral("/other"));
        stray.open(wrong, m_server->sslConfiguration());
        QVERIFY(waitFor([&] { return stray.closed; }, 5000));
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/health")).status, 200);
    }

    void restMirrorWithTheSameAuthorisation()
    {
        const QByteArray admin = m_server->adminToken();
        auto [deviceId, mqtt] = device(admin);
        QVERIFY(!deviceId.isEmpty());
        auto c = client(admin);
        QVERIFY(c);
        const QJsonObject list = c->call(QStringLiteral("rest"), {{QStringLiteral("path"), QStringLiteral("/v1/devices")}, {QStringLiteral("query"), QJsonObject{{QStringLiteral("limit"), 10}}}});
        QCOMPARE(list.value(QStringLiteral("result")).toObject().value(QStringLiteral("status")).toInt(), 200);
        QCOMPARE(list.value(QStringLiteral("result")).toObject().value(QStringLiteral("body")).toObject().value(QStringLiteral("items")).toArray().size(), 1);
        // Errors carry the REST status and problem document.
        const QJsonObject missing = c->call(QStringLiteral("rest"), {{QStringLiteral("path"), QStringLiteral("/v1/devices/") + QUuid::createUuid().toString(QUuid::WithoutBraces)}});
        QCOMPARE(missing.value(QStringLiteral("error")).toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("status")).toInt(), 404);

        // A viewer may read but not send commands: the same policy answers.
        QCOMPARE(m_server->requestJson("POST", QStringLiteral("/v1/users"), {{QStringLiteral("email"), QStringLiteral("viewer@ws.test")},
                                                                              {QStringLiteral("password"), QStringLiteral("viewer password 1")},
                                                                              {QStringLiteral("role"), QStringLiteral("viewer")}}, admin).status, 201);
        const QByteArray viewerToken = m_server->requestJson("POST", QStringLiteral("/v1/auth/login"), {{QStringLiteral("email"), QStringLiteral("viewer@ws.test")},
                                                                                                         {QStringLiteral("password"), QStringLiteral("viewer password 1")}}, {})
                                           .json().value(QStringLiteral("token")).toString().toLatin1();
        auto viewer = client(viewerToken);
        QVERIFY(viewer);
        QCOMPARE(viewer->call(QStringLiteral("rest"), {{QStringLiteral("path"), QStringLiteral("/v1/devices/") + deviceId}})
                     .value(QStringLiteral("result")).toObject().value(QStringLiteral("status")).toInt(), 200);
        const QJsonObject denied = viewer->call(QStringLiteral("rest"), {{QStringLiteral("method"), QStringLiteral("POST")},
                                                                         {QStringLiteral("path"), QStringLiteral("/v1/devices/%1/commands").arg(deviceId)},
                                                                         {QStringLiteral("body"), QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")}}}});
        QCOMPARE(denied.value(QStringLiteral("error")).toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("status")).toInt(), 403);
        // Logging out ends the socket too, at once (not at the next minute's check): told why, then closed.
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/auth/logout"), {}, {}, viewerToken).status, 204);
        QVERIFY(waitFor([&] { return viewer->closed; }, 5000));
        QCOMPARE(viewer->named(QStringLiteral("session.ended")).size(), 1);
    }

    void losingAccessClosesOpenSocketsAtOnce()
    {
        const QByteArray admin = m_server->adminToken();
        const auto login = [&](const QString &email) {
            return m_server->requestJson("POST", QStringLiteral("/v1/auth/login"), {{QStringLiteral("email"), email}, {QStringLiteral("password"), QStringLiteral("a long password 1")}}, {})
                .json().value(QStringLiteral("token")).toString().toLatin1();
        };
        const auto user = [&](const QString &email, const QString &role) {
            return m_server->requestJson("POST", QStringLiteral("/v1/users"), {{QStringLiteral("email"), email}, {QStringLiteral("password"), QStringLiteral("a long password 1")},
                                                                                {QStringLiteral("role"), role}}, admin).json().value(QStringLiteral("user_id")).toString();
        };
        // 401: an operator deactivated while its socket is open.
        const QString operatorId = user(QStringLiteral("op@ws.test"), QStringLiteral("operator"));
        auto op = client(login(QStringLiteral("op@ws.test")));
        QVERIFY(op);
        QVERIFY(op->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("devices")}}).contains(QStringLiteral("result")));
        QCOMPARE(m_server->requestJson("PATCH", QStringLiteral("/v1/users/") + operatorId, {{QStringLiteral("active"), false}}, admin).status, 200);
        QVERIFY(waitFor([&] { return op->closed; }, 5000));
        QCOMPARE(op->named(QStringLiteral("session.ended")).size(), 1);

        // 403: a platform admin acting in another tenant, demoted to a tenant admin, may no longer act there.
        const QString other = m_server->requestJson("POST", QStringLiteral("/v1/tenants"), {{QStringLiteral("name"), QStringLiteral("elsewhere")}}, admin)
                                  .json().value(QStringLiteral("tenant_id")).toString();
        const QString platformId = user(QStringLiteral("pa@ws.test"), QStringLiteral("platform-admin"));
        QVERIFY(!platformId.isEmpty());
        auto pa = std::make_unique<WsClient>();
        QVERIFY(pa->open(url(), m_server->sslConfiguration()));
        QVERIFY(pa->call(QStringLiteral("auth.login"), {{QStringLiteral("token"), QString::fromLatin1(login(QStringLiteral("pa@ws.test")))}, {QStringLiteral("tenant"), other}})
                    .contains(QStringLiteral("result")));
        QVERIFY(pa->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("devices")}}).contains(QStringLiteral("result")));
        QCOMPARE(m_server->requestJson("PATCH", QStringLiteral("/v1/users/") + platformId, {{QStringLiteral("role"), QStringLiteral("tenant-admin")}}, admin).status, 200);
        QVERIFY(waitFor([&] { return pa->closed; }, 5000));
        QCOMPARE(pa->named(QStringLiteral("session.ended")).size(), 1);
        // The admin's own socket, still allowed, stays.
        auto mine = client(admin);
        QVERIFY(mine);
        QCOMPARE(m_server->requestJson("PATCH", QStringLiteral("/v1/tenants/") + other, {{QStringLiteral("name"), QStringLiteral("elsewhere 2")}}, admin).status, 200);
        QVERIFY(mine->call(QStringLiteral("ping")).contains(QStringLiteral("result")));
        QVERIFY(!mine->closed);
        const QJsonObject ws = m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, m_server->adminToken()).json().value(QStringLiteral("websocket")).toObject();
        QCOMPARE(ws.value(QStringLiteral("closed_access_revoked")).toInt(), 2);
    }

    void aClientThatAsksAndNeverReadsIsClosed()
    {
        m_server = std::make_unique<TestServer>(QStringLiteral("sqlite"), [](ServerOptions &o) { o.wsMaxClientOutputBytes = 256 << 10; });
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        RawWsClient raw;
        QVERIFY(raw.open(m_server->app().wsPort(), m_server->sslConfiguration()));
        raw.send(R"({"jsonrpc":"2.0","id":1,"method":"auth.login","params":{"token":")" + m_server->adminToken() + R"("}})");
        const auto health = [&] { return m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, m_server->adminToken()).json().value(QStringLiteral("websocket")).toObject(); };
        QVERIFY(waitFor([&] { return raw.tls.bytesAvailable() > 0; }, 5000)); // logged in
        QCOMPARE(health().value(QStringLiteral("clients")).toInt(), 1);
        // 400 requests for the 150 KB API description (60 MB of answers), never read: the server holds at most its
        // limit for this client and then drops it, instead of growing without end.
        for (int i = 0; i < 400; ++i)
            raw.send(QStringLiteral(R"({"jsonrpc":"2.0","id":%1,"method":"rest","params":{"path":"/v1/openapi.json"}})").arg(i + 2).toUtf8());
        QVERIFY(waitFor([&] { return health().value(QStringLiteral("closed_not_reading")).toInt() == 1; }, 30000));
        QVERIFY(waitFor([&] { return health().value(QStringLiteral("clients")).toInt() == 0; }, 5000));
        // Everyone else is served as before.
        auto other = client(m_server->adminToken());
        QVERIFY(other);
        QVERIFY(other->call(QStringLiteral("ping")).contains(QStringLiteral("result")));
    }

    void connectionsAreCappedPerSource()
    {
        m_server = std::make_unique<TestServer>(QStringLiteral("sqlite"), [](ServerOptions &o) {
            o.maxConnections = 10;
            o.maxConnectionsPerSource = 3;
        });
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        std::vector<std::unique_ptr<WsClient>> open;
        for (int i = 0; i < 3; ++i) {
            open.push_back(client(m_server->adminToken()));
            QVERIFY(open.back());
        }
        auto fourth = std::make_unique<WsClient>();
        fourth->open(url(), m_server->sslConfiguration());
        QVERIFY(waitFor([&] { return fourth->closed; }, 5000));
        QVERIFY2(fourth->socket.closeReason().contains(QStringLiteral("the limit per source")), qPrintable(fourth->socket.closeReason()));
        // One closed: room for one more.
        open.pop_back();
        QVERIFY(waitFor([&] { return m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, m_server->adminToken()).json().value(QStringLiteral("websocket")).toObject()
                                         .value(QStringLiteral("clients")).toInt() == 2; }, 5000));
        QVERIFY(client(m_server->adminToken()));

        // HTTPS the same way: connections kept open (keep-alive) up to the limit, then 503 with the reason.
        std::vector<std::unique_ptr<QSslSocket>> https;
        int served = 0;
        QByteArray refusal;
        for (int i = 0; i < 5 && refusal.isEmpty(); ++i) {
            auto sock = std::make_unique<QSslSocket>();
            QByteArray answer;
            QSslSocket *raw = sock.get();
            connect(raw, &QSslSocket::encrypted, raw, [raw] { raw->write("GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n"); });
            connect(raw, &QIODevice::readyRead, raw, [raw, &answer] { answer += raw->readAll(); });
            sock->setSslConfiguration(m_server->sslConfiguration());
            sock->connectToHostEncrypted(QStringLiteral("localhost"), m_server->app().httpPort());
            QVERIFY2(waitFor([&] { return answer.contains("}"); }, 5000), qPrintable(QStringLiteral("connection %1: %2").arg(i).arg(sock->errorString())));
            QObject::disconnect(raw, nullptr, raw, nullptr);
            if (answer.startsWith("HTTP/1.1 200"))
                ++served;
            else if (answer.startsWith("HTTP/1.1 503"))
                refusal = answer;
            https.push_back(std::move(sock));
        }
        QVERIFY2(served >= 1 && served <= 3, qPrintable(QString::number(served))); // the test's own client may hold one
        QVERIFY2(refusal.contains("the limit per source"), refusal.constData());
        https.clear();
        QVERIFY(waitFor([&] { return m_server->request("GET", QStringLiteral("/v1/health")).status == 200; }, 5000));
        const QJsonObject h = m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, m_server->adminToken()).json();
        QVERIFY(h.value(QStringLiteral("http")).toObject().value(QStringLiteral("refused_connections")).toInt() >= 1);
        QCOMPARE(h.value(QStringLiteral("websocket")).toObject().value(QStringLiteral("refused_connections")).toInt(), 1);
    }

    void liveEventsAreCoalescedAndTenantScoped()
    {
        const QByteArray admin = m_server->adminToken();
        auto [deviceId, mqtt] = device(admin);
        auto c = client(admin);
        QVERIFY(c);
        QVERIFY(c->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("devices")}}).contains(QStringLiteral("result")));
        QVERIFY(c->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("commands")}}).contains(QStringLiteral("result")));
        QVERIFY(c->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("telemetry")}, {QStringLiteral("device_ids"), QJsonArray{deviceId}}})
                    .contains(QStringLiteral("result")));

        // Another tenant's admin can neither follow the device nor hear of it.
        const QJsonObject t = m_server->requestJson("POST", QStringLiteral("/v1/tenants"), {{QStringLiteral("name"), QStringLiteral("other")}}, admin).json();
        const QString otherTenant = t.value(QStringLiteral("tenant_id")).toString();
        QCOMPARE(m_server->requestJson("POST", QStringLiteral("/v1/users"), {{QStringLiteral("email"), QStringLiteral("admin@other.test")},
                                                                              {QStringLiteral("password"), QStringLiteral("other admin password 1")},
                                                                              {QStringLiteral("role"), QStringLiteral("tenant-admin")},
                                                                              {QStringLiteral("tenant_id"), otherTenant}}, admin).status, 201);
        const QByteArray otherToken = m_server->requestJson("POST", QStringLiteral("/v1/auth/login"), {{QStringLiteral("email"), QStringLiteral("admin@other.test")},
                                                                                                        {QStringLiteral("password"), QStringLiteral("other admin password 1")}}, {})
                                          .json().value(QStringLiteral("token")).toString().toLatin1();
        auto other = client(otherToken);
        QVERIFY(other);
        const QJsonObject refused = other->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("telemetry")}, {QStringLiteral("device_ids"), QJsonArray{deviceId}}});
        QCOMPARE(refused.value(QStringLiteral("error")).toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("status")).toInt(), 404);
        QVERIFY(other->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("devices")}}).contains(QStringLiteral("result")));
        QVERIFY(other->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("commands")}}).contains(QStringLiteral("result")));

        // The device comes online: a connection event.
        QVERIFY(mqtt->start().has_value());
        QVERIFY(waitFor([&] { return mqtt->state() == MqttClient::State::Connected; }, 10000));
        (void)mqtt->publish(Topics::status(deviceId), Messages::encode(Messages::DeviceStatus{Messages::DeviceStatus::State::Online, QStringLiteral("2.0.1")}), 1, true);
        QVERIFY(waitFor([&] { return !c->named(QStringLiteral("device.connection")).isEmpty(); }, 5000));
        QCOMPARE(c->named(QStringLiteral("device.connection")).first().value(QStringLiteral("connection")).toString(), QStringLiteral("online"));
        QCOMPARE(c->named(QStringLiteral("device.connection")).first().value(QStringLiteral("firmware_version")).toString(), QStringLiteral("2.0.1"));

        // 60 readings in a burst: the client gets a few merged updates (at most one per 100 ms), the last value last.
        QElapsedTimer burst;
        burst.start();
        for (int i = 1; i <= 60; ++i)
            (void)mqtt->publish(Topics::telemetry(deviceId), reading(i, i), 1);
        QVERIFY(waitFor([&] {
            const auto t = c->named(QStringLiteral("telemetry"));
            return !t.isEmpty() && t.last().value(QStringLiteral("metrics")).toObject().value(QStringLiteral("power")).toObject().value(QStringLiteral("value")).toDouble() == 60;
        }, 5000));
        const qint64 span = burst.elapsed();
        const auto updates = c->named(QStringLiteral("telemetry"));
        QVERIFY2(updates.size() < 60, qPrintable(QString::number(updates.size())));
        QVERIFY2(updates.size() <= span / 100 + 2, qPrintable(QStringLiteral("%1 updates in %2 ms").arg(updates.size()).arg(span)));
        QCOMPARE(updates.first().value(QStringLiteral("device_id")).toString(), deviceId);

        // A command: its state changes arrive.
        const QString commandId = m_server->requestJson("POST", QStringLiteral("/v1/devices/%1/commands").arg(deviceId), {{QStringLiteral("type"), QStringLiteral("ping")}}, admin)
                                      .json().value(QStringLiteral("command_id")).toString();
        QVERIFY(waitFor([&] {
            for (const QJsonObject &n : c->named(QStringLiteral("command.changed")))
                if (n.value(QStringLiteral("command_id")).toString() == commandId && n.value(QStringLiteral("status")).toString() == u"sent")
                    return true;
            return false;
        }, 5000));
        // A second login on the same connection, as tenant B's admin, keeps nothing that was followed as A.
        QVERIFY(c->call(QStringLiteral("auth.login"), {{QStringLiteral("token"), QString::fromLatin1(otherToken)}}).contains(QStringLiteral("result")));
        const qsizetype seenAsA = c->named(QStringLiteral("telemetry")).size();
        (void)mqtt->publish(Topics::telemetry(deviceId), reading(61, 61), 1);
        (void)m_server->requestJson("POST", QStringLiteral("/v1/devices/%1/commands").arg(deviceId), {{QStringLiteral("type"), QStringLiteral("ping")}}, admin);
        // Nothing of tenant A reached tenant B's console.
        waitFor([] { return false; }, 300);
        QVERIFY(other->named(QStringLiteral("telemetry")).isEmpty());
        QVERIFY(other->named(QStringLiteral("device.connection")).isEmpty());
        QVERIFY(other->named(QStringLiteral("command.changed")).isEmpty());
        QCOMPARE(c->named(QStringLiteral("telemetry")).size(), seenAsA);
        mqtt->stop();
    }

    void alertsAreLiveAndTenantScoped()
    {
        const QByteArray admin = m_server->adminToken();
        auto c = client(admin);
        QVERIFY(c);
        QVERIFY(c->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("alerts")}}).contains(QStringLiteral("result")));
        const QString otherTenant = m_server->requestJson("POST", QStringLiteral("/v1/tenants"), {{QStringLiteral("name"), QStringLiteral("alerts-other")}}, admin)
                                        .json().value(QStringLiteral("tenant_id")).toString();
        QCOMPARE(m_server->requestJson("POST", QStringLiteral("/v1/users"), {{QStringLiteral("email"), QStringLiteral("viewer@alerts-other.test")},
                                                                              {QStringLiteral("password"), QStringLiteral("other viewer password 1")},
                                                                              {QStringLiteral("role"), QStringLiteral("viewer")},
                                                                              {QStringLiteral("tenant_id"), otherTenant}}, admin).status, 201);
        const QByteArray otherToken = m_server->requestJson("POST", QStringLiteral("/v1/auth/login"), {{QStringLiteral("email"), QStringLiteral("viewer@alerts-other.test")},
                                                                                                        {QStringLiteral("password"), QStringLiteral("other viewer password 1")}}, {})
                                          .json().value(QStringLiteral("token")).toString().toLatin1();
        auto other = client(otherToken);
        QVERIFY(other);
        QVERIFY(other->call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("alerts")}}).contains(QStringLiteral("result")));

        // A device that never connected and a rule "offline for 0 s" on it: its alert is raised as the rule is made.
        auto [deviceId, mqtt] = device(admin);
        const QJsonObject rule{{QStringLiteral("name"), QStringLiteral("Unreachable")},
                               {QStringLiteral("scope"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray{deviceId}}}},
                               {QStringLiteral("condition"), QJsonObject{{QStringLiteral("type"), QStringLiteral("offline")}, {QStringLiteral("seconds"), 0}}},
                               {QStringLiteral("actions"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("alert")}, {QStringLiteral("severity"), QStringLiteral("critical")}}}}};
        QCOMPARE(m_server->requestJson("POST", QStringLiteral("/v1/rules"), rule, admin).status, 201);
        QVERIFY(waitFor([&] { return !c->named(QStringLiteral("alert.changed")).isEmpty(); }, 5000));
        const QJsonObject raised = c->named(QStringLiteral("alert.changed")).first();
        QCOMPARE(raised.value(QStringLiteral("device_id")).toString(), deviceId);
        QCOMPARE(raised.value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
        QCOMPARE(raised.value(QStringLiteral("state")).toString(), QStringLiteral("active_unacknowledged"));
        const QString alertId = raised.value(QStringLiteral("id")).toString();
        QCOMPARE(m_server->requestJson("POST", QStringLiteral("/v1/alerts/%1/acknowledge").arg(alertId), {{QStringLiteral("note"), QStringLiteral("on it")}}, admin).status, 200);
        QVERIFY(waitFor([&] { return c->named(QStringLiteral("alert.changed")).size() >= 2; }, 5000));
        QCOMPARE(c->named(QStringLiteral("alert.changed")).last().value(QStringLiteral("state")).toString(), QStringLiteral("active_acknowledged"));
        // Another organisation hears nothing of it, and cannot read or acknowledge it over the API either.
        waitFor([] { return false; }, 200);
        QVERIFY(other->named(QStringLiteral("alert.changed")).isEmpty());
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/alerts/%1").arg(alertId), {}, {}, otherToken).status, 404);
        Q_UNUSED(mqtt);
    }

    void aSlowClientIsBoundedAndToldWhatItMissed()
    {
        // A hub of its own with a tiny backlog, so that a burst of events makes the client "slow" at once.
        LiveHub::Options o;
        o.maxClientBacklogBytes = 1;
        o.maxQueuedEvents = 10;
        LiveHub hub(m_server->app().router(), m_server->app().devices().directory(), o);
        const QString pki = m_server->dataDir() + QStringLiteral("/pki");
        auto port = hub.listen(QHostAddress::LocalHost, 0, pki + QStringLiteral("/server-chain.pem"), pki + QStringLiteral("/server.key"));
        QVERIFY(port.has_value());
        const QByteArray admin = m_server->adminToken();
        auto [deviceId, mqtt] = device(admin);
        WsClient c;
        QVERIFY(c.open(QStringLiteral("wss://localhost:%1/v1/ws").arg(*port), m_server->sslConfiguration()));
        QVERIFY(c.call(QStringLiteral("auth.login"), {{QStringLiteral("token"), QString::fromLatin1(admin)}}).contains(QStringLiteral("result")));
        QVERIFY(c.call(QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("commands")}}).contains(QStringLiteral("result")));
        for (int i = 0; i < 5000; ++i)
            hub.onCommandChanged(QStringLiteral("burst-%1").arg(i), deviceId, QStringLiteral("sent"));
        // Memory stays bounded: all but the last few were dropped and counted.
        QVERIFY(hub.health().value(QStringLiteral("dropped_events")).toInteger() >= 4000);
        QVERIFY(waitFor([&] { return !c.named(QStringLiteral("overflow")).isEmpty(); }, 10000));
        QVERIFY(c.named(QStringLiteral("overflow")).first().value(QStringLiteral("dropped_events")).toInteger() >= 4000);
        QVERIFY(c.named(QStringLiteral("command.changed")).size() < 1000);
        // Afterwards it is an ordinary client again.
        QCOMPARE(c.call(QStringLiteral("ping")).value(QStringLiteral("result")).toObject().value(QStringLiteral("pong")).toBool(), true);
        hub.stop();
    }
};

QTEST_GUILESS_MAIN(TestWebSocket)
#include "tst_ws.moc"
