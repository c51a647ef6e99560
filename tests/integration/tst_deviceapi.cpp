// End-to-end tests of the device registry against a real server: embedded mosquitto with mTLS and the ACL plugin,
// HTTPS REST, and SQLite or PostgreSQL (every test runs once per backend).
#include "auth/authservice.h"
#include "broker/embeddedbroker.h"
#include "storage/database.h"
#include "mqtt/mqttclient.h"
#include "pki/certificateauthority.h"
#include "protocol/messages.h"
#include "protocol/topics.h"
#include "testsupport.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <arpa/inet.h>
#include <atomic>
#include <csignal>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

namespace {

struct RegisteredDevice
{
    QString id;
    QString certFile;
    QString keyFile;
    QJsonObject response;
};

/// What Python `requests` does: a blocking client that writes the whole request (no "Expect: 100-continue") and only
/// then reads. If the server closes while the body is still coming, the reset that follows the unread body
/// discards the answer on the client's side before it reads it.
QByteArray blockingExchange(quint16 port, const QByteArray &head, const QByteArray &body)
{
    std::signal(SIGPIPE, SIG_IGN);
    QByteArray answer;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return "connect failed";
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
        SSL_write(ssl, head.constData(), int(head.size()));
        for (qsizetype at = 0; at < body.size();) { // in pieces over a third of a second, as over a real network
            const int n = SSL_write(ssl, body.constData() + at, int(qMin<qsizetype>(64 * 1024, body.size() - at)));
            ::usleep(10000);
            if (n <= 0) { // what requests reports as "SSLEOFError: EOF occurred in violation of protocol"
                answer = "the server closed while the body was being sent, after " + QByteArray::number(at) + " bytes";
                break;
            }
            at += n;
        }
        char buf[4096];
        while (!answer.startsWith("the server closed")) {
            const int n = SSL_read(ssl, buf, sizeof buf);
            if (n <= 0)
                break;
            answer.append(buf, n);
            if (answer.contains("\r\n\r\n{") && answer.endsWith('}'))
                break;
        }
    } else {
        answer = "handshake failed";
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(fd);
    return answer;
}

} // namespace

class TestDeviceApi : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_files;
    int m_serial = 0;

    QByteArray token() { return m_server->adminToken(); }
    static void settle(int ms) { waitFor([] { return false; }, ms); }

    RegisteredDevice registerDevice(bool withCsr = true, const QString &type = QStringLiteral("thermometer"))
    {
        RegisteredDevice d;
        QJsonObject body{{QStringLiteral("serial_number"), QStringLiteral("SN-%1").arg(++m_serial)},
                         {QStringLiteral("device_type"), type}};
        QByteArray key;
        if (withCsr) {
            auto kc = Pki::makeKeyAndRequest(QStringLiteral("ignored-cn"));
            if (!kc)
                return d;
            key = kc->first;
            body.insert(QStringLiteral("csr"), QString::fromLatin1(kc->second));
        }
        const HttpReply r = m_server->requestJson("POST", QStringLiteral("/v1/devices"), body, token());
        if (r.status != 201) {
            qWarning() << "registration failed" << r.status << r.body;
            return d;
        }
        d.response = r.json();
        d.id = d.response.value(QStringLiteral("device_id")).toString();
        if (!withCsr)
            key = d.response.value(QStringLiteral("private_key")).toString().toLatin1();
        d.certFile = m_files.filePath(d.id + QStringLiteral(".crt"));
        d.keyFile = m_files.filePath(d.id + QStringLiteral(".key"));
        QFile c(d.certFile), k(d.keyFile);
        if (!c.open(QIODevice::WriteOnly) || !k.open(QIODevice::WriteOnly))
            return d;
        c.write(d.response.value(QStringLiteral("certificate")).toString().toLatin1());
        k.write(key);
        return d;
    }

    std::unique_ptr<MqttClient> deviceClient(const RegisteredDevice &d, bool withWill = true)
    {
        MqttClientOptions o;
        o.host = QStringLiteral("localhost");
        o.port = m_server->mqttPort();
        o.clientId = d.id;
        o.caFile = m_server->caFile();
        o.certFile = d.certFile;
        o.keyFile = d.keyFile;
        o.reconnectMinMs = 100;
        o.reconnectMaxMs = 200;
        if (withWill) {
            o.willTopic = Topics::status(d.id);
            o.willPayload = Messages::encode({Messages::DeviceStatus::State::Offline, {}});
        }
        return std::make_unique<MqttClient>(o);
    }

    QJsonObject getDevice(const QString &id)
    {
        return m_server->request("GET", QStringLiteral("/v1/devices/") + id, {}, {}, token()).json();
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend == u"postgresql" && !PgDatabase::available())
            QSKIP("FLEETDECK_TEST_PG_URL is not set (./test.sh starts PostgreSQL and sets it)");
        m_server = std::make_unique<TestServer>(backend);
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    }

    void cleanup() { m_server.reset(); }

    void healthIsOkWhenDatabaseAndBrokerAreUp()
    {
        // Without a token: only whether it is up (no version, database location or broker errors).
        const HttpReply anonymous = m_server->request("GET", QStringLiteral("/v1/health"));
        QCOMPARE(anonymous.status, 200);
        QCOMPARE(anonymous.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QVERIFY2(!anonymous.json().contains(QStringLiteral("version")) && !anonymous.json().contains(QStringLiteral("database"))
                     && !anonymous.json().contains(QStringLiteral("broker")), anonymous.body.constData());
        QVERIFY(!m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, "not-a-token").json().contains(QStringLiteral("database")));
        const HttpReply r = m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, token());
        QCOMPARE(r.status, 200);
        const QJsonObject h = r.json();
        QVERIFY(!h.value(QStringLiteral("version")).toString().isEmpty());
        QCOMPARE(h.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(h.value(QStringLiteral("database")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("up"));
        QCOMPARE(h.value(QStringLiteral("broker")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("connected"));
    }

    void healthIsDegradedWhenTheBrokerDies()
    {
        QVERIFY(m_server->app().embeddedBroker());
        // Kill mosquitto behind the supervisor's back: health must say so, then recover by itself.
        const QString pidFile = m_server->dataDir() + QStringLiteral("/broker/mosquitto.conf");
        QVERIFY(QFile::exists(pidFile));
        QProcess::execute(QStringLiteral("pkill"), {QStringLiteral("-9"), QStringLiteral("-f"), pidFile});
        QVERIFY(waitFor([&] { return m_server->request("GET", QStringLiteral("/v1/health")).status == 503; }, 5000));
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/health")).json().value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
        QVERIFY(waitFor([&] { return m_server->request("GET", QStringLiteral("/v1/health")).status == 200; }, 10000));
        QVERIFY(m_server->app().embeddedBroker()->restartCount() >= 1);
    }

    void loginAndBearerTokens()
    {
        HttpReply bad = m_server->requestJson("POST", QStringLiteral("/v1/auth/login"),
                                              {{QStringLiteral("email"), QStringLiteral("admin@localhost")}, {QStringLiteral("password"), QStringLiteral("wrong")}}, {});
        QCOMPARE(bad.status, 401);
        QCOMPARE(bad.contentType, QByteArray("application/problem+json"));
        QVERIFY(!bad.json().value(QStringLiteral("detail")).toString().isEmpty());
        QVERIFY(!token().isEmpty());
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices")).status, 401);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices"), {}, {}, "not-a-token").status, 401);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices"), {}, {}, token()).status, 200);
    }

    void registrationWithCsrKeepsTheKeyOnTheDevice()
    {
        const RegisteredDevice d = registerDevice(true);
        QVERIFY(!d.id.isEmpty());
        QVERIFY(!d.response.contains(QStringLiteral("private_key")));
        QVERIFY(d.response.value(QStringLiteral("certificate")).toString().startsWith(QStringLiteral("-----BEGIN CERTIFICATE-----")));
        QVERIFY(d.response.value(QStringLiteral("ca_certificate")).toString().startsWith(QStringLiteral("-----BEGIN CERTIFICATE-----")));
        QCOMPARE(d.response.value(QStringLiteral("status")).toString(), QStringLiteral("provisioned"));
        QCOMPARE(d.response.value(QStringLiteral("mqtt")).toObject().value(QStringLiteral("port")).toInt(), int(m_server->mqttPort()));
        // The certificate names the device: CN = device id.
        const auto certs = QSslCertificate::fromData(d.response.value(QStringLiteral("certificate")).toString().toLatin1());
        QCOMPARE(certs.size(), 1);
        QCOMPARE(certs.first().subjectInfo(QSslCertificate::CommonName).value(0), d.id);
        const auto ca = QSslCertificate::fromPath(m_server->caFile());
        QCOMPARE(certs.first().issuerDisplayName(), ca.first().subjectDisplayName());

        const RegisteredDevice k = registerDevice(false);
        QVERIFY(k.response.value(QStringLiteral("private_key")).toString().contains(QStringLiteral("PRIVATE KEY")));
    }

    void badRegistrationsGetClearErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("detailContains");
        QTest::newRow("malformed JSON") << QByteArray("{\"serial_number\": ") << QByteArray("application/json") << 400 << QStringLiteral("malformed JSON");
        QTest::newRow("not an object") << QByteArray("[1,2]") << QByteArray("application/json") << 400 << QStringLiteral("object");
        QTest::newRow("form content type") << QByteArray("a=b") << QByteArray("application/x-www-form-urlencoded") << 415 << QStringLiteral("application/json");
        QTest::newRow("missing serial") << QByteArray(R"({"device_type":"x"})") << QByteArray("application/json") << 422 << QStringLiteral("\"serial_number\" is required");
        QTest::newRow("serial wrong type") << QByteArray(R"({"serial_number":42,"device_type":"x"})") << QByteArray("application/json") << 422 << QStringLiteral("must be a string");
        QTest::newRow("type with spaces") << QByteArray(R"({"serial_number":"a","device_type":"bad type"})") << QByteArray("application/json") << 422 << QStringLiteral("letters, digits");
        QTest::newRow("tags not array") << QByteArray(R"({"serial_number":"a","device_type":"x","tags":"t"})") << QByteArray("application/json") << 422 << QStringLiteral("array");
        QTest::newRow("metadata not object") << QByteArray(R"({"serial_number":"a","device_type":"x","metadata":[1]})") << QByteArray("application/json") << 422 << QStringLiteral("object");
        QTest::newRow("unknown field") << QByteArray(R"({"serial_number":"a","device_type":"x","colour":"red"})") << QByteArray("application/json") << 422 << QStringLiteral("unknown field \"colour\"");
        QTest::newRow("csr garbage") << QByteArray(R"({"serial_number":"a","device_type":"x","csr":"hello"})") << QByteArray("application/json") << 422 << QStringLiteral("not a PEM");
        QTest::newRow("csr corrupt") << QByteArray(R"({"serial_number":"a","device_type":"x","csr":"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"})")
                                     << QByteArray("application/json") << 422 << QStringLiteral("could not be decoded");
        QTest::newRow("csr not a string") << QByteArray(R"({"serial_number":"a","device_type":"x","csr":7})") << QByteArray("application/json") << 422 << QStringLiteral("PEM string");
    }

    void badRegistrationsGetClearErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(int, status);
        QFETCH(QString, detailContains);
        const HttpReply r = m_server->request("POST", QStringLiteral("/v1/devices"), body, contentType, token());
        QCOMPARE(r.status, status);
        QCOMPARE(r.contentType, QByteArray("application/problem+json"));
        const QString detail = r.json().value(QStringLiteral("detail")).toString();
        QVERIFY2(detail.contains(detailContains), qPrintable(detail));
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/health")).status, 200);
    }

    void tamperedCsrIsRefused()
    {
        auto kc = Pki::makeKeyAndRequest(QStringLiteral("x"));
        QVERIFY(kc.has_value());
        // Flip one character inside the base64 body (signature area): the request no longer verifies.
        QByteArray csr = kc->second;
        const qsizetype pos = csr.indexOf("-----END") - 10;
        csr[pos] = csr[pos] == 'A' ? 'B' : 'A';
        const HttpReply r = m_server->requestJson("POST", QStringLiteral("/v1/devices"),
                                                  {{QStringLiteral("serial_number"), QStringLiteral("T-1")}, {QStringLiteral("device_type"), QStringLiteral("x")},
                                                   {QStringLiteral("csr"), QString::fromLatin1(csr)}}, token());
        QCOMPARE(r.status, 422);
        QVERIFY2(r.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("CSR")), r.body.constData());
    }

    void duplicateSerialIsAConflict()
    {
        const QJsonObject body{{QStringLiteral("serial_number"), QStringLiteral("DUP-1")}, {QStringLiteral("device_type"), QStringLiteral("x")}};
        QCOMPARE(m_server->requestJson("POST", QStringLiteral("/v1/devices"), body, token()).status, 201);
        const HttpReply again = m_server->requestJson("POST", QStringLiteral("/v1/devices"), body, token());
        QCOMPARE(again.status, 409);
        QVERIFY(again.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("DUP-1")));
    }

    void oversizedAndMalformedRequestsAreRefused()
    {
        // A body announced larger than the limit is refused from its headers, before it is read.
        const QByteArray head = "POST /v1/devices HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                                + token() + "\r\nContent-Length: 50000000\r\n\r\n";
        QByteArray answer = m_server->rawExchange(head);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
        QVERIFY(answer.contains("application/problem+json"));
        // A real 2 MiB body too.
        const QByteArray big = "{\"serial_number\":\"" + QByteArray(2 * 1024 * 1024, 'x') + "\",\"device_type\":\"x\"}";
        answer = m_server->rawExchange("POST /v1/devices HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                                       + QByteArray::number(big.size()) + "\r\n\r\n" + big);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
        // A client that does not send "Expect: 100-continue" and writes all of a 2 MiB body before it reads still
        // gets the 413: the server reads and discards the rest of the body before it closes.
        {
            QByteArray got;
            std::atomic<bool> done = false;
            std::thread client([&] {
                got = blockingExchange(m_server->app().httpPort(),
                                       "POST /v1/devices HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                                           + QByteArray::number(big.size()) + "\r\n\r\n",
                                       big);
                done = true;
            });
            waitFor([&] { return done.load(); }, 30000);
            client.join();
            QVERIFY2(got.startsWith("HTTP/1.1 413"), got.left(200).constData());
            QVERIFY2(got.contains("exceeds the limit"), got.constData());
        }
        // Content-Length is read strictly: one, decimal, not negative; a request smuggled past it is refused.
        for (const QByteArray &lengths : {QByteArray("Content-Length: 2\r\nContent-Length: 200"), QByteArray("Content-Length: -1"),
                                          QByteArray("content-LENGTH: 2\r\nCONTENT-length: 2"), QByteArray("Content-Length: 2x"),
                                          QByteArray("Content-Length : 2"), QByteArray("Content-Length: +2")}) {
            answer = m_server->rawExchange("POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + lengths
                                           + "\r\n\r\n{}");
            QVERIFY2(answer.startsWith("HTTP/1.1 400"), (lengths + " -> " + answer).constData());
            QVERIFY2(answer.contains("Content-Length") || answer.contains("white space"), answer.constData());
        }
        answer = m_server->rawExchange("POST /v1/devices HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 411"), answer.constData());
        answer = m_server->rawExchange("GET /v1/health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + QByteArray(100 * 1024, 'y') + "\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 431"), answer.left(100).constData());
        // Garbage that is not HTTP at all.
        m_server->rawExchange(QByteArray(4096, '\x01'), 1000);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/health")).status, 200);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices?limit=1"), {}, {}, token()).status, 200);
    }

    void slowAndIdleConnectionsAreClosed()
    {
        QFETCH_GLOBAL(QString, backend);
        TestServer quick(backend, [](ServerOptions &o) { o.httpIdleTimeoutMs = 400; });
        QVERIFY2(quick.start(), qPrintable(quick.error()));
        // Half a request line and then silence: 408 and closed.
        QByteArray answer = quick.rawExchange("GET /v1/hea", 3000);
        QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.constData());
        // A body that never completes.
        answer = quick.rawExchange("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\"", 3000);
        QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.constData());
        QCOMPARE(quick.request("GET", QStringLiteral("/v1/health")).status, 200);
    }

    void unknownIdsAndRoutes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::newRow("unknown uuid") << QByteArray("GET") << QStringLiteral("/v1/devices/6b0f3d1e-0000-4000-8000-000000000000") << 404;
        QTest::newRow("not a uuid") << QByteArray("GET") << QStringLiteral("/v1/devices/../../etc/passwd") << 404;
        QTest::newRow("sql in id") << QByteArray("GET") << QStringLiteral("/v1/devices/'%20OR%201=1--") << 404;
        QTest::newRow("suspend unknown") << QByteArray("POST") << QStringLiteral("/v1/devices/6b0f3d1e-0000-4000-8000-000000000000/suspend") << 404;
        QTest::newRow("no such route") << QByteArray("GET") << QStringLiteral("/v1/nothing") << 404;
        QTest::newRow("wrong method") << QByteArray("DELETE") << QStringLiteral("/v1/devices") << 405;
        QTest::newRow("bad limit") << QByteArray("GET") << QStringLiteral("/v1/devices?limit=0") << 400;
        QTest::newRow("bad status filter") << QByteArray("GET") << QStringLiteral("/v1/devices?status=happy") << 400;
        QTest::newRow("bad cursor") << QByteArray("GET") << QStringLiteral("/v1/devices?cursor=%%%") << 400;
    }

    void unknownIdsAndRoutes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(int, status);
        const HttpReply r = m_server->request(method, path, {}, {}, token());
        QCOMPARE(r.status, status);
        QCOMPARE(r.contentType, QByteArray("application/problem+json"));
    }

    void listFiltersAndPaginates()
    {
        QStringList ids;
        for (int i = 0; i < 7; ++i)
            ids << registerDevice(false, i % 2 ? QStringLiteral("odd") : QStringLiteral("even")).id;
        const QString tagged = ids[3];
        QCOMPARE(m_server->requestJson("PATCH", QStringLiteral("/v1/devices/") + tagged,
                                       {{QStringLiteral("tags"), QJsonArray{QStringLiteral("roof"), QStringLiteral("north")}}, {QStringLiteral("name"), QStringLiteral("Roof sensor")}},
                                       token()).status, 200);
        // Pages of 3 walk all 7 without duplicates.
        QStringList seen;
        QString cursor;
        int pages = 0;
        do {
            const HttpReply r = m_server->request("GET", QStringLiteral("/v1/devices?limit=3") + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor), {}, {}, token());
            QCOMPARE(r.status, 200);
            const QJsonArray items = r.json().value(QStringLiteral("items")).toArray();
            QVERIFY(items.size() <= 3);
            for (const QJsonValue &v : items)
                seen << v.toObject().value(QStringLiteral("device_id")).toString();
            cursor = r.json().value(QStringLiteral("next_cursor")).toString();
            ++pages;
        } while (!cursor.isEmpty() && pages < 10);
        QCOMPARE(pages, 3);
        QCOMPARE(seen.size(), 7);
        QCOMPARE(QSet<QString>(seen.begin(), seen.end()), QSet<QString>(ids.begin(), ids.end()));

        auto count = [&](const QString &query) {
            return m_server->request("GET", QStringLiteral("/v1/devices?") + query, {}, {}, token()).json().value(QStringLiteral("items")).toArray().size();
        };
        QCOMPARE(count(QStringLiteral("type=odd")), 3);
        QCOMPARE(count(QStringLiteral("type=even")), 4);
        QCOMPARE(count(QStringLiteral("tag=roof")), 1);
        QCOMPARE(count(QStringLiteral("q=roof%20SENSOR")), 1);
        QCOMPARE(count(QStringLiteral("q=%25")), 0); // a literal %, not a wildcard
        QCOMPARE(count(QStringLiteral("status=provisioned")), 7);
        QCOMPARE(count(QStringLiteral("connection=online")), 0);
    }

    void patchValidatesAndKeepsWhatItDoesNotChange()
    {
        const RegisteredDevice d = registerDevice(false);
        HttpReply r = m_server->requestJson("PATCH", QStringLiteral("/v1/devices/") + d.id,
                                            {{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("site"), QStringLiteral("lab 2")}}}}, token());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("site")).toString(), QStringLiteral("lab 2"));
        QCOMPARE(r.json().value(QStringLiteral("device_type")).toString(), QStringLiteral("thermometer"));
        r = m_server->requestJson("PATCH", QStringLiteral("/v1/devices/") + d.id, {{QStringLiteral("status"), QStringLiteral("active")}}, token());
        QCOMPARE(r.status, 422);
        QVERIFY(r.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("suspend")));
        r = m_server->requestJson("PATCH", QStringLiteral("/v1/devices/") + d.id, {}, token());
        QCOMPARE(r.status, 422);
    }

    void connectOnlineIsolationDecommission()
    {
        const RegisteredDevice a = registerDevice(true);
        const RegisteredDevice b = registerDevice(true);
        QVERIFY(!a.id.isEmpty() && !b.id.isEmpty());

        auto clientA = deviceClient(a);
        auto clientB = deviceClient(b);
        QVERIFY(clientA->start().has_value());
        QVERIFY(clientB->start().has_value());
        QVERIFY2(waitFor([&] { return clientA->state() == MqttClient::State::Connected && clientB->state() == MqttClient::State::Connected; }, 10000),
                 qPrintable(clientA->lastError() + QStringLiteral(" / ") + clientB->lastError()));

        // A malformed status message is refused and counted, and changes nothing.
        QVERIFY(clientA->publish(Topics::status(a.id), "{\"state\":\"dancing\"}", 1).has_value());
        QVERIFY(waitFor([&] {
            return m_server->request("GET", QStringLiteral("/v1/health"), {}, {}, m_server->adminToken()).json().value(QStringLiteral("mqtt")).toObject()
                       .value(QStringLiteral("rejected_status_messages")).toInt() == 1;
        }, 5000));
        QCOMPARE(getDevice(a.id).value(QStringLiteral("status")).toString(), QStringLiteral("provisioned"));

        // Online through the status topic: the registry follows.
        QVERIFY(clientA->publish(Topics::status(a.id), Messages::encode({Messages::DeviceStatus::State::Online, QStringLiteral("2.1.0")}), 1, true).has_value());
        QVERIFY(waitFor([&] { return getDevice(a.id).value(QStringLiteral("connection")).toString() == u"online"; }, 5000));
        const QJsonObject online = getDevice(a.id);
        QCOMPARE(online.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
        QCOMPARE(online.value(QStringLiteral("firmware_version")).toString(), QStringLiteral("2.1.0"));
        QVERIFY(!online.value(QStringLiteral("last_seen_at")).isNull());

        // Isolation: B listens on its own topics; A publishes into B's. B receives nothing, and A may not subscribe to B.
        QList<QString> received;
        connect(clientB.get(), &MqttClient::messageReceived, this, [&](const QString &topic, const QByteArray &) { received << topic; });
        QVERIFY(clientB->subscribe(Topics::deviceFilter(b.id), 1).has_value());
        settle(300);
        received.clear();
        (void)clientA->publish(Topics::commandReply(b.id, QStringLiteral("c1")), "{\"status\":\"succeeded\"}", 1);
        (void)clientA->publish(Topics::status(b.id), Messages::encode({Messages::DeviceStatus::State::Online, {}}), 1, true);
        settle(500);
        QVERIFY2(received.isEmpty(), qPrintable(received.join(u',')));
        // Control: B's own publish to its own topic does arrive, so the silence above is not a dead subscription.
        QVERIFY(clientB->publish(Topics::configReported(b.id), "{}", 1).has_value());
        QVERIFY(waitFor([&] { return received.contains(Topics::configReported(b.id)); }, 3000));
        // A's forged "online" for B did not reach the registry either.
        QCOMPARE(getDevice(b.id).value(QStringLiteral("connection")).toString(), QStringLiteral("offline"));
        QCOMPARE(getDevice(b.id).value(QStringLiteral("status")).toString(), QStringLiteral("provisioned"));
        // And A cannot listen in on B.
        QList<QString> receivedByA;
        connect(clientA.get(), &MqttClient::messageReceived, this, [&](const QString &topic, const QByteArray &) { receivedByA << topic; });
        QVERIFY(clientA->subscribe(Topics::deviceFilter(b.id), 1).has_value());
        settle(300);
        QVERIFY(clientB->publish(Topics::configReported(b.id), "{\"v\":2}", 1).has_value());
        QVERIFY(waitFor([&] { return received.size() == 2; }, 3000));
        settle(200);
        QVERIFY2(receivedByA.isEmpty(), qPrintable(receivedByA.join(u',')));

        // Decommission A: disconnected within 5 s, then refused.
        bool aDisconnected = false;
        connect(clientA.get(), &MqttClient::disconnected, this, [&] { aDisconnected = true; });
        const HttpReply r = m_server->request("POST", QStringLiteral("/v1/devices/%1/decommission").arg(a.id), {}, {}, token());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("status")).toString(), QStringLiteral("decommissioned"));
        QCOMPARE(r.json().value(QStringLiteral("connection")).toString(), QStringLiteral("offline"));
        QVERIFY(waitFor([&] { return aDisconnected; }, 5000));
        const int connectsBefore = clientA->connectCount();
        QVERIFY(!waitFor([&] { return clientA->connectCount() > connectsBefore; }, 3000));
        QVERIFY(clientA->state() != MqttClient::State::Connected);
        // A fresh client with the same certificate is refused as well.
        auto again = deviceClient(a, false);
        QVERIFY(again->start().has_value());
        QVERIFY(!waitFor([&] { return again->connectCount() > 0; }, 3000));
        // Final: cannot be resumed, and it stays offline.
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/devices/%1/resume").arg(a.id), {}, {}, token()).status, 409);
        QCOMPARE(getDevice(a.id).value(QStringLiteral("connection")).toString(), QStringLiteral("offline"));
        // B was not affected.
        QCOMPARE(clientB->state(), MqttClient::State::Connected);
    }

    void suspendDisconnectsAndResumeLetsBackIn()
    {
        const RegisteredDevice d = registerDevice(true);
        auto client = deviceClient(d);
        QVERIFY(client->start().has_value());
        QVERIFY(waitFor([&] { return client->state() == MqttClient::State::Connected; }, 10000));
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/devices/%1/suspend").arg(d.id), {}, {}, token()).status, 200);
        QVERIFY(waitFor([&] { return client->state() != MqttClient::State::Connected; }, 5000));
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/devices/%1/suspend").arg(d.id), {}, {}, token()).status, 409);
        const HttpReply resumed = m_server->request("POST", QStringLiteral("/v1/devices/%1/resume").arg(d.id), {}, {}, token());
        QCOMPARE(resumed.status, 200);
        QCOMPARE(resumed.json().value(QStringLiteral("status")).toString(), QStringLiteral("provisioned"));
        // The client reconnects by itself and may publish again.
        QVERIFY(waitFor([&] { return client->state() == MqttClient::State::Connected; }, 10000));
        QVERIFY(client->publish(Topics::status(d.id), Messages::encode({Messages::DeviceStatus::State::Online, {}}), 1, true).has_value());
        QVERIFY(waitFor([&] { return getDevice(d.id).value(QStringLiteral("status")).toString() == u"active"; }, 5000));
    }

    void willMarksADeviceOfflineWhenItVanishes()
    {
        const RegisteredDevice d = registerDevice(true);
        {
            auto client = deviceClient(d);
            client->setObjectName(QStringLiteral("vanishing"));
            QVERIFY(client->start().has_value());
            QVERIFY(waitFor([&] { return client->state() == MqttClient::State::Connected; }, 10000));
            QVERIFY(client->publish(Topics::status(d.id), Messages::encode({Messages::DeviceStatus::State::Online, {}}), 1, true).has_value());
            QVERIFY(waitFor([&] { return getDevice(d.id).value(QStringLiteral("connection")).toString() == u"online"; }, 5000));
            // Gone without DISCONNECT: the broker sends the will.
            client->abort();
        }
        QVERIFY(waitFor([&] { return getDevice(d.id).value(QStringLiteral("connection")).toString() == u"offline"; }, 5000));
    }

    void anotherTenantSeesNothing()
    {
        const RegisteredDevice mine = registerDevice(false);
        // A second tenant with its admin, made directly in storage (the tenants API comes later).
        Storage::Database &db = m_server->app().database();
        auto hash = AuthService::hashPassword(QStringLiteral("other-password-1"));
        QVERIFY(hash.has_value());
        QVERIFY(db.exec(QStringLiteral("INSERT INTO tenants (id, name, created_at) VALUES ('tenant-b', 'other', 1)")).has_value());
        QVERIFY(db.exec(QStringLiteral("INSERT INTO users (id, tenant_id, email, password_hash, role, created_at) "
                                       "VALUES ('user-b', 'tenant-b', 'op@other', :h, 'tenant-admin', 1)"), {{QStringLiteral("h"), *hash}}).has_value());
        const HttpReply login = m_server->requestJson("POST", QStringLiteral("/v1/auth/login"),
                                                      {{QStringLiteral("email"), QStringLiteral("op@other")}, {QStringLiteral("password"), QStringLiteral("other-password-1")}}, {});
        QCOMPARE(login.status, 200);
        const QByteArray other = login.json().value(QStringLiteral("token")).toString().toLatin1();
        // Another tenant's device does not exist for this user: 404, not 403, and it is in no list.
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices/") + mine.id, {}, {}, other).status, 404);
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/devices/%1/suspend").arg(mine.id), {}, {}, other).status, 404);
        QCOMPARE(m_server->requestJson("PATCH", QStringLiteral("/v1/devices/") + mine.id, {{QStringLiteral("name"), QStringLiteral("x")}}, other).status, 404);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/devices"), {}, {}, other).json().value(QStringLiteral("items")).toArray().size(), 0);
        // The same serial number is free in the other tenant; devices it registers are its own.
        const HttpReply theirs = m_server->requestJson("POST", QStringLiteral("/v1/devices"),
                                                       {{QStringLiteral("serial_number"), mine.response.value(QStringLiteral("serial_number")).toString()},
                                                        {QStringLiteral("device_type"), QStringLiteral("x")}}, other);
        QCOMPARE(theirs.status, 201);
        QCOMPARE(theirs.json().value(QStringLiteral("tenant_id")).toString(), QStringLiteral("tenant-b"));
        // An operator may not register into another tenant by naming it.
        QCOMPARE(m_server->requestJson("POST", QStringLiteral("/v1/devices"),
                                       {{QStringLiteral("serial_number"), QStringLiteral("Z")}, {QStringLiteral("device_type"), QStringLiteral("x")},
                                        {QStringLiteral("tenant_id"), mine.response.value(QStringLiteral("tenant_id")).toString()}}, other).status, 403);
        QVERIFY(getDevice(mine.id).value(QStringLiteral("name")).isNull()); // the foreign PATCH changed nothing
    }

    void stateSurvivesARestart()
    {
        const RegisteredDevice d = registerDevice(true);
        QCOMPARE(m_server->request("POST", QStringLiteral("/v1/devices/%1/suspend").arg(d.id), {}, {}, token()).status, 200);
        QFile caFile(m_server->caFile());
        QVERIFY(caFile.open(QIODevice::ReadOnly));
        const QByteArray ca = caFile.readAll();
        m_server->app().stop();
        ServerOptions o = m_server->app().options();
        Application second(o);
        bool ready = false;
        connect(&second, &Application::ready, this, [&] { ready = true; });
        QVERIFY(second.start().has_value());
        QVERIFY(waitFor([&] { return ready; }, 10000));
        QFile caAfter(m_server->caFile());
        QVERIFY(caAfter.open(QIODevice::ReadOnly));
        QCOMPARE(caAfter.readAll(), ca);
        // The suspended device is still refused by the restarted broker: whatever it tries gets it disconnected.
        auto client = deviceClient(d, false);
        bool dropped = false;
        connect(client.get(), &MqttClient::disconnected, this, [&] { dropped = true; });
        QVERIFY(client->start().has_value());
        waitFor([&] { return client->state() == MqttClient::State::Connected; }, 5000);
        if (client->state() == MqttClient::State::Connected)
            (void)client->subscribe(Topics::deviceFilter(d.id), 1);
        QVERIFY(waitFor([&] { return dropped; }, 5000));
        second.stop();
    }
};

QTEST_GUILESS_MAIN(TestDeviceApi)
#include "tst_deviceapi.moc"
