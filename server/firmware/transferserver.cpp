#include "firmware/transferserver.h"

#include "api/apiserver.h"
#include "api/router.h"
#include "devices/devicedirectory.h"
#include "firmware/downloadtoken.h"
#include "firmware/firmwarerepository.h"
#include "storage/database.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QPointer>
#include <QtCore/QRandomGenerator>
#include <QtCore/QRegularExpression>
#include <QtCore/QTimer>
#include <QtCore/QUrlQuery>
#include <QtNetwork/QSslServer>
#include <QtNetwork/QSslSocket>

#include <limits>
#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcFirmware)

namespace Fleetdeck {

namespace {

constexpr qint64 kChunk = 64 * 1024;
constexpr qint64 kHighWater = 256 * 1024;    ///< bytes in flight per download connection before we wait for the socket
constexpr qint64 kReadBuffer = 1024 * 1024;  ///< the socket's read buffer during uploads: TCP holds back the rest
constexpr qint64 kMaxDrain = 8 * 1024 * 1024; ///< body bytes read and dropped after a refusal before closing

struct Head
{
    QByteArray method;
    QString path;
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers;
    bool http10 = false;
};

/// A single byte range of `size` from a Range header value; nullopt when there is none we serve (then the whole
/// image is sent), `unsatisfiable` set when the range lies outside the image.
std::optional<std::pair<qint64, qint64>> parseRange(const QByteArray &value, qint64 size, bool *unsatisfiable)
{
    *unsatisfiable = false;
    const QByteArray v = value.trimmed();
    if (!v.startsWith("bytes=") || v.contains(','))
        return std::nullopt; // other units, or several ranges: RFC 9110 lets a server send the whole representation
    const QByteArray spec = v.mid(6).trimmed();
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return std::nullopt;
    const QByteArray a = spec.left(dash).trimmed(), b = spec.mid(dash + 1).trimmed();
    bool okA = true, okB = true;
    if (a.isEmpty()) { // the last N bytes
        const qint64 n = b.toLongLong(&okB);
        if (!okB || n < 0)
            return std::nullopt;
        if (n == 0 || size == 0) {
            *unsatisfiable = true;
            return std::nullopt;
        }
        return std::pair{qMax<qint64>(0, size - n), size - 1};
    }
    const qint64 first = a.toLongLong(&okA);
    const qint64 last = b.isEmpty() ? std::numeric_limits<qint64>::max() : b.toLongLong(&okB);
    if (!okA || !okB || first < 0 || last < first)
        return std::nullopt; // not a valid range: ignored, the whole image
    if (first >= size) {
        *unsatisfiable = true;
        return std::nullopt;
    }
    return std::pair{first, qMin(last, size - 1)};
}

QByteArray statusLine(int status) { return "HTTP/1.1 " + QByteArray::number(status) + ' ' + Api::statusTitle(status).toLatin1() + "\r\n"; }

} // namespace

/// One connection of the transfer listener: reads a request head, then either streams an upload body to the
/// repository or streams an image back; keep-alive between requests.
class TransferConnection : public QObject
{
public:
    TransferConnection(TransferServer &server, QSslSocket *socket) : QObject(socket), m_server(server), m_socket(socket)
    {
        ++m_server.m_connections;
        m_idle.setSingleShot(true);
        m_idle.setInterval(server.m_options.idleTimeoutMs);
        connect(&m_idle, &QTimer::timeout, this, [this] {
            if (m_state == State::Upload || !m_in.isEmpty())
                answer(408, problem(408, QStringLiteral("the request was not completed within %1 s").arg(m_server.m_options.idleTimeoutMs / 1000)), true);
            else
                m_socket->disconnectFromHost();
        });
        m_idle.start();
        connect(socket, &QIODevice::readyRead, this, &TransferConnection::onReadyRead);
        connect(socket, &QSslSocket::encryptedBytesWritten, this, &TransferConnection::pump);
        connect(socket, &QIODevice::bytesWritten, this, &TransferConnection::pump);
        connect(socket, &QAbstractSocket::disconnected, this, &TransferConnection::onDisconnected);
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    }
    ~TransferConnection() override
    {
        --m_server.m_connections;
        endDownload(false);
    }

private:
    enum class State { Head, Upload, Download, Draining };

    static QByteArray problem(int status, const QString &detail)
    {
        return QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("about:blank")},
                                         {QStringLiteral("title"), Api::statusTitle(status)},
                                         {QStringLiteral("status"), status},
                                         {QStringLiteral("detail"), detail}})
            .toJson(QJsonDocument::Compact);
    }

    /// A complete JSON answer. `close` ends the connection after it; with `drain`, body bytes still coming are read
    /// and dropped first (up to kMaxDrain or a few seconds).
    void answer(int status, const QByteArray &json, bool close, qint64 drain = 0, const QList<std::pair<QByteArray, QByteArray>> &extra = {})
    {
        QByteArray out = statusLine(status);
        out += status >= 400 ? "Content-Type: application/problem+json\r\n" : "Content-Type: application/json\r\n";
        out += "Content-Length: " + QByteArray::number(json.size()) + "\r\nCache-Control: no-store\r\n";
        for (const auto &h : extra)
            out += h.first + ": " + h.second + "\r\n";
        if (close || !m_keepAlive)
            out += "Connection: close\r\n";
        out += "\r\n" + json;
        m_socket->write(out);
        if (close || !m_keepAlive) {
            m_drainLeft = qMin(drain, kMaxDrain);
            if (m_drainLeft <= 0) {
                m_state = State::Draining;
                m_socket->disconnectFromHost();
                return;
            }
            m_state = State::Draining;
            QTimer::singleShot(5000, m_socket, [s = m_socket] { s->disconnectFromHost(); });
            return;
        }
        m_state = State::Head;
    }
    void answerError(const Error &e, bool close, qint64 drain = 0)
    {
        const Api::Response r = Api::Response::fromError(e);
        answer(r.status, r.body, close, drain, r.headers);
    }

    void onReadyRead()
    {
        m_idle.start();
        for (;;) {
            switch (m_state) {
            case State::Draining: {
                const qint64 n = m_socket->readAll().size();
                m_drainLeft -= n;
                if (m_drainLeft <= 0)
                    m_socket->disconnectFromHost();
                return;
            }
            case State::Download:
                return; // a pipelined request waits in the socket until this download is sent
            case State::Upload:
                if (!readUpload())
                    return;
                continue;
            case State::Head:
                if (!readHead())
                    return;
                continue;
            }
        }
    }

    /// Reads up to the end of a request head; false when more bytes are needed or the connection is done.
    bool readHead()
    {
        const qint64 max = m_server.m_options.maxHeaderBytes;
        while (m_socket->bytesAvailable() > 0 || !m_in.isEmpty()) {
            if (m_socket->bytesAvailable() > 0)
                m_in += m_socket->read(qMax<qint64>(1, max + 4 - m_in.size()));
            const qsizetype end = m_in.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_in.size() > max) {
                    answer(431, problem(431, QStringLiteral("the request headers exceed %1 bytes").arg(max)), true);
                    return false;
                }
                if (m_socket->bytesAvailable() == 0)
                    return false;
                continue;
            }
            const QByteArray head = m_in.left(end);
            m_in.remove(0, end + 4);
            handle(head);
            return m_state == State::Upload || m_state == State::Head;
        }
        return false;
    }

    void handle(const QByteArray &raw)
    {
        ++m_server.m_requests;
        const QList<QByteArray> lines = raw.split('\n');
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            answer(400, problem(400, QStringLiteral("a request line is METHOD PATH HTTP/1.1")), true);
            return;
        }
        Head h;
        h.method = requestLine[0];
        h.http10 = requestLine[2] == "HTTP/1.0";
        const QByteArray target = requestLine[1];
        const qsizetype qm = target.indexOf('?');
        h.path = QString::fromUtf8(QByteArray::fromPercentEncoding(target.left(qm < 0 ? target.size() : qm)));
        if (qm >= 0)
            h.query = QUrlQuery(QString::fromUtf8(target.mid(qm + 1)));
        int lengths = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].endsWith('\r') ? lines[i].chopped(1) : lines[i];
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0 || line.startsWith(' ') || line.startsWith('\t') || line.left(colon).trimmed() != line.left(colon)) {
                answer(400, problem(400, QStringLiteral("malformed header line %1").arg(i)), true);
                return;
            }
            const QByteArray name = line.left(colon).toLower();
            if (name == "content-length")
                ++lengths;
            h.headers.insert(name, line.mid(colon + 1).trimmed());
        }
        const QByteArray connection = h.headers.value("connection").toLower();
        m_keepAlive = h.http10 ? connection.contains("keep-alive") : !connection.contains("close");
        if (lengths > 1) {
            answer(400, problem(400, QStringLiteral("the request has more than one Content-Length header")), true);
            return;
        }
        if (h.headers.contains("transfer-encoding")) {
            answer(411, problem(411, QStringLiteral("chunked request bodies are not accepted; send Content-Length")), true, kMaxDrain);
            return;
        }
        qint64 length = 0;
        if (h.headers.contains("content-length")) {
            const QByteArray v = h.headers.value("content-length");
            bool ok = !v.isEmpty() && v.size() <= 18;
            for (char c : v)
                ok = ok && c >= '0' && c <= '9';
            if (!ok) {
                answer(400, problem(400, QStringLiteral("Content-Length must be a non-negative decimal number")), true);
                return;
            }
            length = v.toLongLong();
        }
        static const QRegularExpression route(QStringLiteral("^/v1/firmware/([0-9a-f-]{36})/image$"));
        const auto m = route.match(h.path);
        if (!m.hasMatch()) {
            answer(404, problem(404, QStringLiteral("no such endpoint on the firmware transfer listener: %1 %2 (it serves PUT|GET|HEAD /v1/firmware/{id}/image)")
                                         .arg(QString::fromLatin1(h.method), h.path.left(200))),
                   length > 0, length);
            return;
        }
        const QString id = m.captured(1);
        if (h.method == "PUT")
            startUpload(h, id, length, h.headers.contains("content-length"));
        else if (h.method == "GET" || h.method == "HEAD")
            startDownload(h, id, length);
        else
            answer(405, problem(405, QStringLiteral("%1 is not supported here; allowed: GET, HEAD, PUT").arg(QString::fromLatin1(h.method))), length > 0,
                   length, {{"Allow", "GET, HEAD, PUT"}});
    }

    Api::Request apiRequest(const Head &h) const
    {
        Api::Request req;
        req.method = h.method;
        req.path = h.path;
        req.query = h.query;
        req.headers = h.headers;
        req.peer = m_socket->peerAddress().toString();
        return req;
    }

    void startUpload(const Head &h, const QString &id, qint64 length, bool hasLength)
    {
        if (!hasLength) {
            answer(411, problem(411, QStringLiteral("an image upload needs Content-Length (the image's size in bytes)")), true, kMaxDrain);
            return;
        }
        Api::Request req = apiRequest(h);
        if (auto refused = m_server.m_auth.authorize(req, QStringLiteral("firmware.write"), QStringLiteral("/v1/firmware/{firmware_id}/image"))) {
            answer(refused->status, refused->body, true, length, refused->headers);
            return;
        }
        auto upload = m_server.m_repository.beginUpload(req.who(), id, length);
        if (!upload) {
            answerError(upload.error(), true, length);
            return;
        }
        m_upload = std::move(*upload);
        m_state = State::Upload;
        m_socket->setReadBufferSize(kReadBuffer);
        if (h.headers.value("expect").toLower() == "100-continue")
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }

    /// Moves body bytes into the upload; true when the upload is over (answered) and the next request may follow.
    bool readUpload()
    {
        const auto feed = [this](QByteArrayView data) -> bool {
            if (auto st = m_upload->write(data); !st) {
                m_upload.reset();
                m_socket->setReadBufferSize(0);
                answerError(st.error(), true, kMaxDrain);
                return false;
            }
            return true;
        };
        if (!m_in.isEmpty()) { // body bytes that came with the head
            const QByteArray first = m_in.left(m_upload->expected() - m_upload->received());
            m_in.remove(0, first.size());
            if (!feed(first))
                return false;
        }
        while (m_upload->received() < m_upload->expected() && m_socket->bytesAvailable() > 0) {
            const QByteArray chunk = m_socket->read(qMin<qint64>(m_socket->bytesAvailable(), m_upload->expected() - m_upload->received()));
            if (!feed(chunk))
                return false;
        }
        if (m_upload->received() < m_upload->expected())
            return false;
        m_socket->setReadBufferSize(0);
        auto done = m_server.m_repository.finishUpload(std::move(m_upload));
        if (!done) {
            answerError(done.error(), false);
            return m_state == State::Head;
        }
        const QJsonObject json = m_server.m_render ? m_server.m_render(*done) : QJsonObject{{QStringLiteral("id"), done->id}};
        answer(200, QJsonDocument(json).toJson(QJsonDocument::Compact), false);
        return m_state == State::Head;
    }

    void startDownload(const Head &h, const QString &id, qint64 bodyLength)
    {
        if (bodyLength > 0) {
            answer(400, problem(400, QStringLiteral("a download request has no body")), true, bodyLength);
            return;
        }
        QString token;
        const QByteArray auth = h.headers.value("authorization");
        if (auth.size() > 7 && auth.left(7).toLower() == "bearer ")
            token = QString::fromLatin1(auth.mid(7).trimmed());
        if (token.isEmpty())
            token = h.query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
        QString tenantId;
        m_deviceId.clear();
        if (DownloadTokens::looksLikeToken(token)) {
            auto claims = m_server.m_tokens.check(token, Storage::nowMs());
            if (!claims) {
                answerError(claims.error(), false);
                return;
            }
            if (claims->firmwareId != id) {
                answer(403, problem(403, QStringLiteral("this download token is for another firmware image")), false);
                return;
            }
            const auto device = m_server.m_devices.find(claims->deviceId);
            if (!device || device->tenantId != claims->tenantId || device->blocked()) {
                answer(403, problem(403, QStringLiteral("the device this token was issued to may no longer download (suspended, decommissioned or gone)")), false);
                return;
            }
            tenantId = claims->tenantId;
            m_deviceId = claims->deviceId;
        } else {
            Api::Request req = apiRequest(h);
            if (!token.isEmpty() && auth.isEmpty())
                req.headers.insert("authorization", "Bearer " + token.toLatin1());
            if (auto refused = m_server.m_auth.authorize(req, QStringLiteral("firmware.read"), QStringLiteral("/v1/firmware/{firmware_id}/image"))) {
                answer(refused->status, refused->body, false, 0, refused->headers);
                return;
            }
            tenantId = req.who().tenantId;
        }
        auto image = m_server.m_repository.readyImage(tenantId, id);
        if (!image) {
            answerError(image.error(), false);
            return;
        }
        const bool headOnly = h.method == "HEAD";
        if (!headOnly && m_server.m_downloads >= m_server.m_options.maxDownloads) {
            ++m_server.m_downloadsRefusedBusy;
            const int retry = 5 + int(QRandomGenerator::global()->bounded(10)); // spread the returns
            answer(503, problem(503, QStringLiteral("%1 image downloads are running, the most this server sends at once; retry in %2 s")
                                         .arg(m_server.m_options.maxDownloads).arg(retry)),
                   false, 0, {{"Retry-After", QByteArray::number(retry)}});
            return;
        }
        m_file.setFileName(m_server.m_repository.imagePath(*image));
        if (!m_file.open(QIODevice::ReadOnly) || m_file.size() != image->size) {
            qCCritical(lcFirmware).noquote() << "the image of firmware" << image->id << "is missing or damaged in the store:" << m_file.fileName();
            m_file.close();
            answer(500, problem(500, QStringLiteral("the stored image is missing or damaged (logged)")), false);
            return;
        }
        const QByteArray etag = '"' + image->sha256.toLatin1() + '"';
        qint64 first = 0, last = image->size - 1;
        bool partial = false;
        const QByteArray range = h.headers.value("range");
        const QByteArray ifRange = h.headers.value("if-range");
        if (!range.isEmpty() && (ifRange.isEmpty() || ifRange == etag)) {
            bool unsatisfiable = false;
            if (const auto r = parseRange(range, image->size, &unsatisfiable)) {
                first = r->first;
                last = r->second;
                partial = true;
            } else if (unsatisfiable) {
                m_file.close();
                answer(416, problem(416, QStringLiteral("the range %1 is outside the image of %2 bytes").arg(QString::fromLatin1(range.left(64))).arg(image->size)),
                       false, 0, {{"Content-Range", "bytes */" + QByteArray::number(image->size)}});
                return;
            }
        }
        const qint64 length = last - first + 1;
        QByteArray out = statusLine(partial ? 206 : 200);
        out += "Content-Type: application/octet-stream\r\nContent-Length: " + QByteArray::number(length) + "\r\n";
        out += "Accept-Ranges: bytes\r\nETag: " + etag + "\r\nCache-Control: no-store\r\n";
        out += "Content-Disposition: attachment; filename=\"" + (image->deviceType + u'-' + image->version).toUtf8() + ".img\"\r\n";
        out += "X-Fleetdeck-Firmware-Version: " + image->version.toUtf8() + "\r\n";
        if (partial)
            out += "Content-Range: bytes " + QByteArray::number(first) + '-' + QByteArray::number(last) + '/' + QByteArray::number(image->size) + "\r\n";
        if (!m_keepAlive)
            out += "Connection: close\r\n";
        out += "\r\n";
        m_socket->write(out);
        if (headOnly || length == 0) {
            m_file.close();
            finishResponse();
            return;
        }
        m_file.seek(first);
        m_sendLeft = length;
        m_sent = 0;
        m_tenantId = tenantId;
        m_firmwareId = id;
        m_state = State::Download;
        m_counted = true;
        ++m_server.m_downloads;
        ++m_server.m_downloadsStarted;
        pump();
    }

    void pump()
    {
        if (m_state != State::Download)
            return;
        m_idle.start();
        while (m_sendLeft > 0 && m_socket->bytesToWrite() + m_socket->encryptedBytesToWrite() < kHighWater) {
            const QByteArray chunk = m_file.read(qMin(kChunk, m_sendLeft));
            if (chunk.isEmpty()) {
                qCCritical(lcFirmware).noquote() << "reading" << m_file.fileName() << "failed:" << m_file.errorString();
                m_socket->abort();
                return;
            }
            m_socket->write(chunk);
            m_sendLeft -= chunk.size();
            m_sent += chunk.size();
            m_server.m_bytesSent += chunk.size();
        }
        if (m_sendLeft == 0) {
            m_file.close();
            endDownload(true);
            finishResponse();
        }
    }

    void endDownload(bool complete)
    {
        if (!m_counted)
            return;
        m_counted = false;
        --m_server.m_downloads;
        if (complete)
            ++m_server.m_downloadsCompleted;
        if (!m_deviceId.isEmpty())
            Q_EMIT m_server.deviceDownload(m_tenantId, m_deviceId, m_firmwareId, m_sent, complete);
    }

    void finishResponse()
    {
        if (!m_keepAlive) {
            m_state = State::Draining;
            m_socket->disconnectFromHost();
            return;
        }
        m_state = State::Head;
        if (m_socket->bytesAvailable() > 0 || !m_in.isEmpty())
            QTimer::singleShot(0, this, &TransferConnection::onReadyRead);
    }

    void onDisconnected()
    {
        if (m_upload) {
            ++m_server.m_uploadsCutOff;
            qCWarning(lcFirmware).noquote() << "the upload of firmware" << m_upload->firmwareId() << "from" << m_socket->peerAddress().toString()
                                            << "was cut off after" << m_upload->received() << "of" << m_upload->expected() << "bytes; nothing stored";
            m_upload.reset();
        }
        endDownload(false);
    }

    TransferServer &m_server;
    QSslSocket *m_socket;
    QTimer m_idle;
    State m_state = State::Head;
    QByteArray m_in;
    bool m_keepAlive = true;
    qint64 m_drainLeft = 0;
    std::unique_ptr<ImageUpload> m_upload;
    QFile m_file;
    qint64 m_sendLeft = 0;
    qint64 m_sent = 0;
    bool m_counted = false;
    QString m_tenantId, m_deviceId, m_firmwareId;
};

TransferServer::TransferServer(const Api::Router &auth, FirmwareRepository &repository, const DownloadTokens &tokens, const DeviceDirectory &devices,
                               Options options, QObject *parent)
    : QObject(parent), m_auth(auth), m_repository(repository), m_tokens(tokens), m_devices(devices), m_options(options)
{
}

TransferServer::~TransferServer() { stop(); }

Result<quint16> TransferServer::listen(const QHostAddress &address, quint16 port, const QString &chainPemFile, const QString &keyPemFile)
{
    auto conf = Api::serverTlsConfiguration(chainPemFile, keyPemFile);
    if (!conf)
        return fail(conf.error());
    m_server = new QSslServer(this);
    m_server->setSslConfiguration(*conf);
    m_server->setHandshakeTimeout(10000);
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &TransferServer::accept);
    if (!m_server->listen(address, port)) {
        const QString why = m_server->errorString();
        delete m_server;
        m_server = nullptr;
        return fail(Error::unavailable(QStringLiteral("cannot listen on %1:%2 for firmware transfers: %3").arg(address.toString()).arg(port).arg(why)));
    }
    m_port = m_server->serverPort();
    return m_port;
}

void TransferServer::accept()
{
    while (m_server && m_server->hasPendingConnections()) {
        auto *socket = qobject_cast<QSslSocket *>(m_server->nextPendingConnection());
        if (!socket)
            continue;
        if (m_connections >= m_options.maxConnections) {
            const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("status"), 503},
                                                              {QStringLiteral("title"), Api::statusTitle(503)},
                                                              {QStringLiteral("detail"), QStringLiteral("too many open firmware transfer connections")}})
                                        .toJson(QJsonDocument::Compact);
            socket->write(statusLine(503) + "Content-Type: application/problem+json\r\nRetry-After: 10\r\nConnection: close\r\nContent-Length: "
                          + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            socket->disconnectFromHost();
            connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        new TransferConnection(*this, socket);
    }
}

void TransferServer::stop()
{
    if (m_server) {
        m_server->close();
        for (QSslSocket *s : m_server->findChildren<QSslSocket *>())
            s->abort();
    }
}

QJsonObject TransferServer::health() const
{
    return {{QStringLiteral("port"), m_port},
            {QStringLiteral("open_connections"), m_connections},
            {QStringLiteral("downloads_running"), m_downloads},
            {QStringLiteral("max_downloads"), m_options.maxDownloads},
            {QStringLiteral("downloads_started"), m_downloadsStarted},
            {QStringLiteral("downloads_completed"), m_downloadsCompleted},
            {QStringLiteral("downloads_refused_busy"), m_downloadsRefusedBusy},
            {QStringLiteral("bytes_sent"), m_bytesSent},
            {QStringLiteral("uploads_cut_off"), m_uploadsCutOff},
            {QStringLiteral("requests"), m_requests}};
}

} // namespace Fleetdeck
