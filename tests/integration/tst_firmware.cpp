// The firmware repository end to end against a real server: an image announced over the API, streamed in on the
// transfer listener, checked (hash, header, size), signed (the signature verifies with the published key), and
// downloaded by a device with its short-lived token — whole, by byte ranges, within the concurrency bound. Every
// refusal is a clear problem+json and leaves nothing half-stored.
#include "runtime/application.h"
#include "firmware/downloadtoken.h"
#include "pki/firmwaresigning.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDirIterator>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtNetwork/QSslSocket>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

namespace {

struct Exchange
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

/// A raw HTTPS client of the transfer listener that lets the event loop run (the server lives in this thread).
class RawClient
{
public:
    bool open(TestServer &server)
    {
        m_reader = QObject::connect(&m_socket, &QIODevice::readyRead, [this] { m_in += m_socket.readAll(); });
        m_socket.setSslConfiguration(server.sslConfiguration());
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.app().transferPort());
        return waitFor([this] { return m_socket.isEncrypted(); }, 10000);
    }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    /// Writes `body` in pieces as the socket drains (a real upload, not one buffer); stops early if the server closes.
    void sendBody(const QByteArray &body, qint64 upTo = -1)
    {
        const qint64 end = upTo < 0 ? body.size() : upTo;
        for (qint64 at = 0; at < end && m_socket.state() == QAbstractSocket::ConnectedState;) {
            const qint64 n = qMin<qint64>(256 * 1024, end - at);
            m_socket.write(body.constData() + at, n);
            at += n;
            waitFor([this] { return m_socket.bytesToWrite() + m_socket.encryptedBytesToWrite() < 1024 * 1024
                                    || m_socket.state() != QAbstractSocket::ConnectedState; }, 20000);
        }
    }
    /// The next complete response (head and Content-Length body), or status 0 after the timeout.
    Exchange response(int timeoutMs = 20000, bool headOnly = false)
    {
        Exchange x;
        waitFor([&] {
            const qsizetype end = m_in.indexOf("\r\n\r\n");
            if (end < 0)
                return false;
            const QList<QByteArray> lines = m_in.left(end).split('\n');
            x.headers.clear();
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray l = lines[i].trimmed();
                const qsizetype c = l.indexOf(':');
                x.headers.insert(l.left(c).toLower(), l.mid(c + 1).trimmed());
            }
            const qint64 length = headOnly ? 0 : x.headers.value("content-length").toLongLong();
            if (m_in.size() < end + 4 + length)
                return false;
            x.status = lines.first().split(' ').value(1).toInt();
            if (x.status == 100) { // an interim answer: drop it and wait for the real one
                m_in.remove(0, end + 4);
                x.status = 0;
                return false;
            }
            x.body = m_in.mid(end + 4, length);
            m_in.remove(0, end + 4 + length);
            return true;
        }, timeoutMs);
        return x;
    }
    bool closed(int timeoutMs = 10000)
    {
        return waitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    }
    void close() { m_socket.abort(); }
    /// From now on reads nothing: the server's writes back up (a stalled device on a bad link).
    void stopReading()
    {
        QObject::disconnect(m_reader);
        m_socket.setReadBufferSize(4096);
    }
    QSslSocket &socket() { return m_socket; }

private:
    QSslSocket m_socket;
    QByteArray m_in;
    QMetaObject::Connection m_reader;
};

QByteArray fleetdeckImage(const QString &type, const QString &version, qint64 size)
{
    QByteArray img = "FDFW1\n" + QJsonDocument(QJsonObject{{QStringLiteral("device_type"), type}, {QStringLiteral("version"), version}}).toJson(QJsonDocument::Compact) + '\n';
    img.reserve(size);
    quint32 x = 2463534242u;
    while (img.size() < size) { // xorshift: incompressible, reproducible
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        img.append(char(x & 0xff));
    }
    img.truncate(size);
    return img;
}

QString sha256(const QByteArray &b) { return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex()); }

} // namespace

class TestFirmware : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QString m_deviceId;

    QByteArray token() { return m_server->adminToken(); }

    HttpReply announce(const QString &type, const QString &version, qint64 size, const QString &sha = {})
    {
        QJsonObject body{{QStringLiteral("device_type"), type}, {QStringLiteral("version"), version}, {QStringLiteral("size"), size},
                         {QStringLiteral("release_notes"), QStringLiteral("test build")}};
        if (!sha.isEmpty())
            body.insert(QStringLiteral("sha256"), sha);
        return m_server->requestJson("POST", QStringLiteral("/v1/firmware"), body, token());
    }

    /// PUTs the image on a fresh connection; `cutAfter` >= 0 sends only that many body bytes, then drops the connection.
    Exchange upload(const QString &id, const QByteArray &image, qint64 cutAfter = -1, const QByteArray &extraHeaders = {}, qint64 contentLength = -1)
    {
        RawClient c;
        if (!c.open(*m_server))
            return {};
        c.send("PUT /v1/firmware/" + id.toLatin1() + "/image HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token()
               + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + QByteArray::number(contentLength < 0 ? image.size() : contentLength)
               + "\r\n" + extraHeaders + "\r\n");
        c.sendBody(image, cutAfter);
        if (cutAfter >= 0) {
            waitFor([] { return false; }, 200);
            c.close();
            return {};
        }
        return c.response();
    }

    QString readyImage(const QString &type, const QString &version, const QByteArray &image)
    {
        const HttpReply a = announce(type, version, image.size(), sha256(image));
        if (a.status != 201)
            return {};
        const QString id = a.json().value(QStringLiteral("id")).toString();
        return upload(id, image).status == 200 ? id : QString();
    }

    QJsonObject registerDevice(TestServer &, const QString &serial, const QString &type)
    {
        return m_server->requestJson("POST", QStringLiteral("/v1/devices"), {{QStringLiteral("serial_number"), serial}, {QStringLiteral("device_type"), type}}, token()).json();
    }
    int deviceAction(TestServer &, const QString &id, const QString &verb)
    {
        return m_server->request("POST", QStringLiteral("/v1/devices/%1/%2").arg(id, verb), {}, {}, token()).status;
    }

    QString downloadToken(const QString &firmwareId, const QString &deviceId)
    {
        const HttpReply r = m_server->requestJson("POST", QStringLiteral("/v1/firmware/%1/download-url").arg(firmwareId),
                                                  {{QStringLiteral("device_id"), deviceId}}, token());
        return r.json().value(QStringLiteral("token")).toString();
    }

    Exchange get(const QString &firmwareId, const QByteArray &auth, const QByteArray &extra = {}, const QByteArray &method = "GET")
    {
        RawClient c;
        if (!c.open(*m_server))
            return {};
        c.send(method + " /v1/firmware/" + firmwareId.toLatin1() + "/image HTTP/1.1\r\nHost: localhost\r\n"
               + (auth.isEmpty() ? QByteArray() : "Authorization: Bearer " + auth + "\r\n") + extra + "\r\n");
        return c.response(20000, method == "HEAD");
    }

    int storeFiles(const QString &pattern)
    {
        int n = 0;
        QDirIterator it(m_server->dataDir() + QStringLiteral("/firmware"), {pattern}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            ++n;
        }
        return n;
    }

private slots:
    void initTestCase()
    {
        // CTest runs this binary once per backend (FLEETDECK_TEST_BACKEND); PostgreSQL needs FLEETDECK_TEST_PG_URL (./test.sh).
        const QString backend = qEnvironmentVariable("FLEETDECK_TEST_BACKEND", QStringLiteral("sqlite"));
        if (backend == u"postgresql" && !PgDatabase::available())
            QSKIP("FLEETDECK_TEST_PG_URL is not set (./test.sh starts PostgreSQL and sets it)");
        m_server = std::make_unique<TestServer>(backend, [](ServerOptions &o) {
            o.firmwareMaxImageMiB = 24;
            o.firmwareQuotaMiB = 100;
            o.maxDownloads = 2;
        });
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        const QJsonObject dev = registerDevice(*m_server, QStringLiteral("FW-1"), QStringLiteral("gateway"));
        m_deviceId = dev.value(QStringLiteral("device_id")).toString();
        QVERIFY(!m_deviceId.isEmpty());
    }

    void uploadSignDownload()
    {
        const QByteArray image = fleetdeckImage(QStringLiteral("gateway"), QStringLiteral("1.4.0"), 3 * 1024 * 1024 + 17);
        const HttpReply a = announce(QStringLiteral("gateway"), QStringLiteral("1.4.0"), image.size());
        QCOMPARE(a.status, 201);
        const QJsonObject entry = a.json();
        QCOMPARE(entry.value(QStringLiteral("state")).toString(), QStringLiteral("awaiting_image"));
        const QString id = entry.value(QStringLiteral("id")).toString();
        const QString url = entry.value(QStringLiteral("upload")).toObject().value(QStringLiteral("url")).toString();
        QVERIFY2(url.endsWith(QStringLiteral(":%1/v1/firmware/%2/image").arg(m_server->app().transferPort()).arg(id)), qPrintable(url));

        const Exchange up = upload(id, image, -1, "Expect: 100-continue\r\n");
        QCOMPARE(up.status, 200);
        const QJsonObject ready = up.json();
        QCOMPARE(ready.value(QStringLiteral("state")).toString(), QStringLiteral("ready"));
        QCOMPARE(ready.value(QStringLiteral("sha256")).toString(), sha256(image));
        QCOMPARE(ready.value(QStringLiteral("size")).toInteger(), qint64(image.size()));
        QCOMPARE(ready.value(QStringLiteral("image_format")).toString(), QStringLiteral("fleetdeck"));

        // The signature covers type, version, size and hash, and verifies with the published key (what a device does).
        const HttpReply key = m_server->request("GET", QStringLiteral("/v1/firmware/signing-key"), {}, {}, token());
        QCOMPARE(key.status, 200);
        const QByteArray pem = key.json().value(QStringLiteral("public_key_pem")).toString().toLatin1();
        const QByteArray signature = QByteArray::fromBase64(ready.value(QStringLiteral("signature")).toString().toLatin1());
        const QByteArray manifest = Pki::firmwareManifest(QStringLiteral("gateway"), QStringLiteral("1.4.0"), image.size(), sha256(image));
        QVERIFY(Pki::verifyFirmwareSignature(pem, manifest, signature));
        QVERIFY(!Pki::verifyFirmwareSignature(pem, Pki::firmwareManifest(QStringLiteral("gateway"), QStringLiteral("1.4.1"), image.size(), sha256(image)), signature));
        QCOMPARE(key.json().value(QStringLiteral("key_id")).toString(), ready.value(QStringLiteral("signing_key_id")).toString());

        // A device downloads it with its token: whole, then resumed by ranges.
        const QString tok = downloadToken(id, m_deviceId);
        QVERIFY(tok.startsWith(QStringLiteral("fdl1.")));
        const Exchange whole = get(id, tok.toLatin1());
        QCOMPARE(whole.status, 200);
        QCOMPARE(whole.body.size(), image.size());
        QVERIFY(whole.body == image);
        QCOMPARE(whole.headers.value("accept-ranges"), QByteArray("bytes"));
        const QByteArray etag = whole.headers.value("etag");
        QCOMPARE(etag, '"' + sha256(image).toLatin1() + '"');

        const Exchange part = get(id, tok.toLatin1(), "Range: bytes=1000-1999\r\n");
        QCOMPARE(part.status, 206);
        QCOMPARE(part.headers.value("content-range"), "bytes 1000-1999/" + QByteArray::number(image.size()));
        QVERIFY(part.body == image.mid(1000, 1000));
        const Exchange rest = get(id, tok.toLatin1(), "Range: bytes=3000000-\r\nIf-Range: " + etag + "\r\n");
        QCOMPARE(rest.status, 206);
        QVERIFY(rest.body == image.mid(3000000));
        const Exchange tail = get(id, tok.toLatin1(), "Range: bytes=-10\r\n");
        QCOMPARE(tail.status, 206);
        QVERIFY(tail.body == image.right(10));
        const Exchange stale = get(id, tok.toLatin1(), "Range: bytes=0-9\r\nIf-Range: \"another\"\r\n");
        QCOMPARE(stale.status, 200); // the image changed since: the whole of it
        QCOMPARE(stale.body.size(), image.size());
        const Exchange outside = get(id, tok.toLatin1(), "Range: bytes=99999999-\r\n");
        QCOMPARE(outside.status, 416);
        QCOMPARE(outside.headers.value("content-range"), "bytes */" + QByteArray::number(image.size()));
        const Exchange head = get(id, tok.toLatin1(), {}, "HEAD");
        QCOMPARE(head.status, 200);
        QCOMPARE(head.headers.value("content-length").toLongLong(), qint64(image.size()));

        // ?token= works too (a device's HTTP client that cannot set headers), and a signed-in user may download.
        RawClient q;
        QVERIFY(q.open(*m_server));
        q.send("GET /v1/firmware/" + id.toLatin1() + "/image?token=" + QUrl::toPercentEncoding(tok) + " HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\n\r\n");
        const Exchange viaQuery = q.response();
        QCOMPARE(viaQuery.status, 206);
        QCOMPARE(viaQuery.body, QByteArray("FDFW"));
        // Keep-alive: the next request on the same connection is answered too.
        q.send("GET /v1/firmware/" + id.toLatin1() + "/image HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token() + "\r\nRange: bytes=4-5\r\n\r\n");
        const Exchange asUser = q.response();
        QCOMPARE(asUser.status, 206);
        QCOMPARE(asUser.body, image.mid(4, 2));

        // Release notes are optional, and change later (nothing else does).
        const HttpReply bare = m_server->requestJson("POST", QStringLiteral("/v1/firmware"), {{QStringLiteral("device_type"), QStringLiteral("gateway")},
                                                     {QStringLiteral("version"), QStringLiteral("0.1.0")}, {QStringLiteral("size"), 10}}, token());
        QCOMPARE(bare.status, 201);
        const QString bareId = bare.json().value(QStringLiteral("id")).toString();
        const HttpReply notes = m_server->requestJson("PATCH", QStringLiteral("/v1/firmware/%1").arg(bareId), {{QStringLiteral("release_notes"), QStringLiteral("now with notes")}}, token());
        QCOMPARE(notes.status, 200);
        QCOMPARE(notes.json().value(QStringLiteral("release_notes")).toString(), QStringLiteral("now with notes"));
        QCOMPARE(m_server->requestJson("PATCH", QStringLiteral("/v1/firmware/%1").arg(bareId), {{QStringLiteral("version"), QStringLiteral("0.2.0")}}, token()).status, 422);
        QCOMPARE(m_server->request("DELETE", QStringLiteral("/v1/firmware/%1").arg(bareId), {}, {}, token()).status, 204);

        // Listed newest version first per device type.
        const QByteArray older = fleetdeckImage(QStringLiteral("gateway"), QStringLiteral("1.3.9"), 4096);
        QVERIFY(!readyImage(QStringLiteral("gateway"), QStringLiteral("1.3.9"), older).isEmpty());
        const HttpReply list = m_server->request("GET", QStringLiteral("/v1/firmware?device_type=gateway"), {}, {}, token());
        QCOMPARE(list.status, 200);
        const QJsonArray items = list.json().value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 2);
        QCOMPARE(items.at(0).toObject().value(QStringLiteral("version")).toString(), QStringLiteral("1.4.0"));
        QCOMPARE(items.at(1).toObject().value(QStringLiteral("version")).toString(), QStringLiteral("1.3.9"));
        QCOMPARE(storeFiles(QStringLiteral("*.part")), 0);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("what");
        QTest::newRow("bad version") << "bad version";
        QTest::newRow("leading v") << "leading v";
        QTest::newRow("over the image cap") << "over cap";
        QTest::newRow("over the quota") << "over quota";
        QTest::newRow("duplicate version") << "duplicate";
        QTest::newRow("duplicate by precedence") << "duplicate build";
        QTest::newRow("unknown field") << "unknown field";
        QTest::newRow("bad device type") << "bad type";
    }
    void refusals()
    {
        QFETCH(QString, what);
        const QByteArray img = fleetdeckImage(QStringLiteral("sensor"), QStringLiteral("2.0.0"), 2048);
        HttpReply r;
        int expected = 422;
        QString mentions;
        if (what == u"bad version") {
            r = announce(QStringLiteral("sensor"), QStringLiteral("1.2"), 2048);
            mentions = QStringLiteral("three numbers");
        } else if (what == u"leading v") {
            r = announce(QStringLiteral("sensor"), QStringLiteral("v1.2.3"), 2048);
            mentions = QStringLiteral("leading 'v'");
        } else if (what == u"over cap") {
            r = announce(QStringLiteral("sensor"), QStringLiteral("9.0.0"), 25LL * 1024 * 1024);
            expected = 413;
            mentions = QStringLiteral("over the limit of 24.0 MiB per image");
        } else if (what == u"over quota") {
            QStringList made;
            for (int i = 0; i < 4; ++i) {
                const HttpReply ok = announce(QStringLiteral("big"), QStringLiteral("1.0.%1").arg(i), 24LL * 1024 * 1024 - 1);
                QCOMPARE(ok.status, 201);
                made << ok.json().value(QStringLiteral("id")).toString();
            }
            r = announce(QStringLiteral("big"), QStringLiteral("1.1.0"), 24LL * 1024 * 1024 - 1);
            expected = 413;
            mentions = QStringLiteral("does not fit");
            for (const QString &id : made) // announced uploads count against the quota until deleted
                QCOMPARE(m_server->request("DELETE", QStringLiteral("/v1/firmware/%1").arg(id), {}, {}, token()).status, 204);
        } else if (what == u"duplicate" || what == u"duplicate build") {
            QVERIFY(!readyImage(QStringLiteral("sensor"), QStringLiteral("2.0.0"), img).isEmpty() || announce(QStringLiteral("sensor"), QStringLiteral("2.0.0"), 10).status == 409);
            r = announce(QStringLiteral("sensor"), what == u"duplicate" ? QStringLiteral("2.0.0") : QStringLiteral("2.0.0+build.9"), 2048);
            expected = 409;
            mentions = QStringLiteral("already has version 2.0.0");
        } else if (what == u"unknown field") {
            r = m_server->requestJson("POST", QStringLiteral("/v1/firmware"), {{QStringLiteral("device_type"), QStringLiteral("sensor")}, {QStringLiteral("version"), QStringLiteral("3.0.0")},
                                                                                {QStringLiteral("size"), 10}, {QStringLiteral("sha"), QStringLiteral("x")}}, token());
            mentions = QStringLiteral("sha");
        } else if (what == u"bad type") {
            r = announce(QStringLiteral("../etc"), QStringLiteral("3.0.0"), 10);
            mentions = QStringLiteral("device_type");
        }
        QCOMPARE(r.status, expected);
        QCOMPARE(r.contentType, QByteArray("application/problem+json"));
        QVERIFY2(QString::fromUtf8(r.body).contains(mentions), r.body.constData());
    }

    /// Image refusals on the transfer listener: each says why, the entry keeps waiting for a good image, and no file
    /// (whole or partial) is left in the store.
    void uploadRefusals()
    {
        const int imagesBefore = storeFiles(QStringLiteral("*.img"));
        const QByteArray image = fleetdeckImage(QStringLiteral("pump"), QStringLiteral("0.9.0"), 300000);
        const HttpReply a = announce(QStringLiteral("pump"), QStringLiteral("0.9.0"), image.size(), sha256(image));
        QCOMPARE(a.status, 201);
        const QString id = a.json().value(QStringLiteral("id")).toString();

        // Built for another device type (its header says so).
        const QByteArray wrongType = fleetdeckImage(QStringLiteral("valve"), QStringLiteral("0.9.0"), image.size());
        const HttpReply a2 = announce(QStringLiteral("pump"), QStringLiteral("0.9.1"), wrongType.size());
        const Exchange wt = upload(a2.json().value(QStringLiteral("id")).toString(), wrongType);
        QCOMPARE(wt.status, 422);
        QVERIFY2(wt.body.contains("built for device type \\\"valve\\\""), wt.body.constData());

        // Corrupt in transit: not the announced SHA-256.
        QByteArray corrupt = image;
        corrupt[200000] = char(corrupt[200000] ^ 0x55);
        const Exchange c = upload(id, corrupt);
        QCOMPARE(c.status, 422);
        QVERIFY2(c.body.contains("corrupt"), c.body.constData());

        // A length other than the announced size, before any byte is read.
        const Exchange len = upload(id, image.left(1000));
        QCOMPARE(len.status, 422);
        QVERIFY2(len.body.contains("300000 were announced"), len.body.constData());

        // Chunked bodies: 411.
        RawClient ch;
        QVERIFY(ch.open(*m_server));
        ch.send("PUT /v1/firmware/" + id.toLatin1() + "/image HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token()
                + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        QCOMPARE(ch.response().status, 411);

        // No token, a viewer's token: 401, 403.
        RawClient anon;
        QVERIFY(anon.open(*m_server));
        anon.send("PUT /v1/firmware/" + id.toLatin1() + "/image HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n");
        QCOMPARE(anon.response().status, 401);

        // Cut off halfway: nothing stored, counted, the entry still waits.
        const qint64 cutBefore = m_server->app().health().first.value(QStringLiteral("firmware")).toObject()
                                     .value(QStringLiteral("transfer")).toObject().value(QStringLiteral("uploads_cut_off")).toInteger();
        upload(id, image, 150000);
        QVERIFY(waitFor([&] {
            return m_server->app().health().first.value(QStringLiteral("firmware")).toObject().value(QStringLiteral("transfer")).toObject()
                       .value(QStringLiteral("uploads_cut_off")).toInteger() == cutBefore + 1;
        }, 10000));
        QCOMPARE(storeFiles(QStringLiteral("*.part")), 0);
        QCOMPARE(storeFiles(QStringLiteral("*.img")), imagesBefore);
        const HttpReply still = m_server->request("GET", QStringLiteral("/v1/firmware/%1").arg(id), {}, {}, token());
        QCOMPARE(still.json().value(QStringLiteral("state")).toString(), QStringLiteral("awaiting_image"));

        // Then the good image is taken; a second upload of it is refused, the image never changes.
        QCOMPARE(upload(id, image).status, 200);
        const Exchange again = upload(id, image);
        QCOMPARE(again.status, 409);
        QCOMPARE(storeFiles(QStringLiteral("*.img")), imagesBefore + 1);

        // Delete: the entry and its file go.
        QCOMPARE(m_server->request("DELETE", QStringLiteral("/v1/firmware/%1").arg(id), {}, {}, token()).status, 204);
        QCOMPARE(storeFiles(QStringLiteral("*.img")), imagesBefore);
        QCOMPARE(m_server->request("GET", QStringLiteral("/v1/firmware/%1").arg(id), {}, {}, token()).status, 404);
    }

    void downloadRefusals()
    {
        const QByteArray image = fleetdeckImage(QStringLiteral("gateway"), QStringLiteral("5.0.0"), 4096);
        const QString id = readyImage(QStringLiteral("gateway"), QStringLiteral("5.0.0"), image);
        QVERIFY(!id.isEmpty());
        const QString tok = downloadToken(id, m_deviceId);
        QVERIFY(!tok.isEmpty());

        // An altered token, an expired one, one for another image.
        QString altered = tok;
        altered[10] = altered[10] == u'A' ? u'B' : u'A';
        QCOMPARE(get(id, altered.toLatin1()).status, 401);
        auto keys = DownloadTokens::loadOrCreate(m_server->dataDir() + QStringLiteral("/pki/download-token.key"));
        QVERIFY(keys.has_value());
        const QString expired = keys->issue({QString(), m_deviceId, id, Storage::nowMs() - 1000});
        const Exchange ex = get(id, expired.toLatin1());
        QCOMPARE(ex.status, 401);
        QVERIFY2(ex.body.contains("expired"), ex.body.constData());
        const QString other = readyImage(QStringLiteral("gateway"), QStringLiteral("5.0.1"), fleetdeckImage(QStringLiteral("gateway"), QStringLiteral("5.0.1"), 100));
        QCOMPARE(get(other, tok.toLatin1()).status, 403);
        QCOMPARE(get(id, {}).status, 401);

        // A link for a device of another type is refused when asked for.
        const QJsonObject sensor = registerDevice(*m_server, QStringLiteral("FW-2"), QStringLiteral("sensor"));
        const HttpReply wrong = m_server->requestJson("POST", QStringLiteral("/v1/firmware/%1/download-url").arg(id),
                                                      {{QStringLiteral("device_id"), sensor.value(QStringLiteral("device_id")).toString()}}, token());
        QCOMPARE(wrong.status, 422);

        // A suspended device's token stops working.
        const QJsonObject dev = registerDevice(*m_server, QStringLiteral("FW-3"), QStringLiteral("gateway"));
        const QString devId = dev.value(QStringLiteral("device_id")).toString();
        const QString t3 = downloadToken(id, devId);
        QCOMPARE(get(id, t3.toLatin1()).status, 200);
        QCOMPARE(deviceAction(*m_server, devId, QStringLiteral("suspend")), 200);
        QCOMPARE(get(id, t3.toLatin1()).status, 403);
    }

    /// Beyond max_downloads (2 here) a download gets 503 with Retry-After; the slots free when downloads end.
    void concurrencyBound()
    {
        const QByteArray image = fleetdeckImage(QStringLiteral("gateway"), QStringLiteral("6.0.0"), 20 * 1024 * 1024);
        const QString id = readyImage(QStringLiteral("gateway"), QStringLiteral("6.0.0"), image);
        QVERIFY(!id.isEmpty());
        const QByteArray tok = downloadToken(id, m_deviceId).toLatin1();
        const QByteArray request = "GET /v1/firmware/" + id.toLatin1() + "/image HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\r\n\r\n";
        // Two stalled readers that hold their slots: 20 MB is more than loopback's socket buffers hold, so the server waits on them.
        RawClient slow1, slow2;
        for (RawClient *c : {&slow1, &slow2}) {
            QVERIFY(c->open(*m_server));
            c->stopReading();
            c->send(request);
        }
        const auto running = [this] {
            return m_server->app().health().first.value(QStringLiteral("firmware")).toObject().value(QStringLiteral("transfer")).toObject()
                .value(QStringLiteral("downloads_running")).toInt();
        };
        QVERIFY(waitFor([&] { return running() == 2; }, 10000));
        const Exchange busy = get(id, tok);
        QCOMPARE(busy.status, 503);
        QVERIFY(busy.headers.value("retry-after").toInt() >= 5);
        slow1.close();
        slow2.close();
        QVERIFY(waitFor([&] { return running() == 0; }, 10000));
        QCOMPARE(get(id, tok, "Range: bytes=0-99\r\n").status, 206);
    }

    void unknownPathsAndMethods()
    {
        RawClient c;
        QVERIFY(c.open(*m_server));
        c.send("GET /v1/devices HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(c.response().status, 404);
        RawClient d;
        QVERIFY(d.open(*m_server));
        d.send("DELETE /v1/firmware/00000000-0000-0000-0000-000000000000/image HTTP/1.1\r\nHost: x\r\n\r\n");
        const Exchange x = d.response();
        QCOMPARE(x.status, 405);
        QCOMPARE(x.headers.value("allow"), QByteArray("GET, HEAD, PUT"));
        RawClient e;
        QVERIFY(e.open(*m_server));
        e.send("GARBAGE\r\n\r\n");
        QCOMPARE(e.response().status, 400);
    }

    void cleanupTestCase() { m_server.reset(); }
};

QTEST_GUILESS_MAIN(TestFirmware)
#include "tst_firmware.moc"
