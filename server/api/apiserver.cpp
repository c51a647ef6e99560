#include "api/apiserver.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLoggingCategory>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtHttpServer/QHttpServerRequest>
#include <QtHttpServer/QHttpServerResponder>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslServer>
#include <QtNetwork/QSslSocket>

#include <map>

Q_DECLARE_LOGGING_CATEGORY(lcApi)

namespace Fleetdeck::Api {

namespace {

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

/// The order of the responses on one connection. A handler may answer later (Response::deferred()); HTTP/1.1 answers
/// in request order, so a response that is ready while an earlier one is still out waits here. Lives as a child of
/// its socket, so it goes with it.
class ResponseOrder : public QObject
{
public:
    explicit ResponseOrder(QObject *socket) : QObject(socket) { setObjectName(QString::fromLatin1(kName)); }
    /// Found by name: the class has no meta-object of its own, so findChild<ResponseOrder *> would match any child.
    static ResponseOrder *of(QObject *socket)
    {
        return static_cast<ResponseOrder *>(socket->findChild<QObject *>(QString::fromLatin1(kName), Qt::FindDirectChildrenOnly));
    }
    static constexpr char kName[] = "fleetdeck-response-order";
    quint64 next = 0;     ///< the number the next request gets
    quint64 written = 0;  ///< requests answered so far
    std::map<quint64, Response> ready;
};

/// The whole response, as QHttpServerResponder writes it (status line, our headers, body).
QByteArray serialise(const Response &resp)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(resp.status) + ' ' + statusTitle(resp.status).toLatin1() + "\r\n";
    if (!resp.contentType.isEmpty())
        out += "Content-Type: " + resp.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(resp.body.size()) + "\r\nCache-Control: no-store\r\n";
    for (const auto &h : resp.headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n";
    out += resp.body;
    return out;
}

/// Follows the byte stream of one connection just far enough to see each request's header block and
/// Content-Length, so that an oversized request is refused before QtHttpServer buffers its body.
struct RequestFramer
{
    enum class Verdict { Ok, TooLarge, HeadersTooLarge, LengthRequired, BadLength };
    static constexpr qsizetype kMaxHeaderBytes = 64 * 1024;

    QByteArray headerBuffer;
    qint64 bodyRemaining = 0;
    bool rejected = false;
    /// After a refusal: body bytes still to read and throw away before closing, so that the client, which may
    /// still be sending, reads the answer instead of a connection reset (nginx's lingering close).
    qint64 drainLeft = 0;
    QString badLength; ///< why a Content-Length was refused

    bool midRequest() const { return !headerBuffer.isEmpty() || bodyRemaining > 0; }

    Verdict feed(QByteArrayView data, qint64 maxBody, qint64 *announced)
    {
        while (!data.isEmpty()) {
            if (bodyRemaining > 0) {
                const qint64 n = qMin<qint64>(bodyRemaining, data.size());
                bodyRemaining -= n;
                data = data.sliced(n);
                continue;
            }
            const qsizetype before = headerBuffer.size();
            headerBuffer.append(data.constData(), data.size());
            const qsizetype end = headerBuffer.indexOf("\r\n\r\n");
            if (end < 0) {
                if (headerBuffer.size() > kMaxHeaderBytes)
                    return Verdict::HeadersTooLarge;
                return Verdict::Ok;
            }
            const QByteArray head = headerBuffer.left(end);
            const qsizetype consumed = end + 4 - before;
            headerBuffer.clear();
            data = data.sliced(consumed);
            qint64 length = 0;
            int lengths = 0;
            const QList<QByteArray> lines = head.split('\n');
            for (qsizetype i = 1; i < lines.size(); ++i) { // the first line is the request line
                const QByteArray &line = lines.at(i);
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue; // QtHttpServer refuses malformed header lines itself
                const QByteArray name = line.left(colon).toLower();
                if (name.trimmed() != name)
                    return bad(QStringLiteral("a header name is followed by white space before its colon"));
                const QByteArray value = line.mid(colon + 1).trimmed();
                if (name == "content-length") {
                    if (++lengths > 1)
                        return bad(QStringLiteral("the request has more than one Content-Length header"));
                    bool ok = !value.isEmpty() && value.size() <= 18;
                    for (char c : value)
                        ok = ok && c >= '0' && c <= '9';
                    if (!ok)
                        return bad(QStringLiteral("Content-Length must be a non-negative decimal number, not \"%1\"")
                                       .arg(QString::fromLatin1(value.left(32))));
                    length = value.toLongLong();
                } else if (name == "transfer-encoding") {
                    return Verdict::LengthRequired; // no chunked (or any other coded) request bodies
                }
            }
            *announced = length;
            if (length > maxBody) {
                drainLeft = length - data.size(); // what is still to come of this body
                return Verdict::TooLarge;
            }
            bodyRemaining = length;
        }
        return Verdict::Ok;
    }

private:
    Verdict bad(QString why)
    {
        badLength = std::move(why);
        return Verdict::BadLength;
    }
};

/// A problem+json answer that closes the connection. With `lingerBytes`, the connection stays open to read and
/// throw away up to that many more bytes (for at most a few seconds) before it closes, so that a client still
/// sending its request body sees the answer rather than a reset.
void writeRaw(QTcpSocket *socket, int status, const QString &detail, qint64 lingerBytes = 0)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("about:blank")},
                                                      {QStringLiteral("title"), statusTitle(status)},
                                                      {QStringLiteral("status"), status},
                                                      {QStringLiteral("detail"), detail}})
                                .toJson(QJsonDocument::Compact);
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + statusTitle(status).toLatin1() + "\r\n"
                     + "Content-Type: application/problem+json\r\nContent-Length: " + QByteArray::number(body.size())
                     + "\r\nConnection: close\r\n\r\n" + body;
    socket->write(out);
    if (lingerBytes <= 0) {
        socket->disconnectFromHost();
        return;
    }
    QTimer::singleShot(5000, socket, [socket] { socket->disconnectFromHost(); });
}

} // namespace

ApiServer::ApiServer(Router &router, QObject *parent) : QAbstractHttpServer(parent), m_router(router) {}
ApiServer::~ApiServer() = default;

Result<QSslConfiguration> serverTlsConfiguration(const QString &chainPemFile, const QString &keyPemFile)
{
    QFile keyFile(keyPemFile);
    if (!keyFile.open(QIODevice::ReadOnly))
        return fail(Error::internal(QStringLiteral("cannot read the TLS key %1").arg(keyPemFile)));
    const QSslKey key(&keyFile, QSsl::Ec, QSsl::Pem);
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(chainPemFile, QSsl::Pem);
    if (key.isNull() || chain.isEmpty())
        return fail(Error::internal(QStringLiteral("the TLS certificate %1 or key %2 is unusable").arg(chainPemFile, keyPemFile)));
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setLocalCertificateChain(chain);
    conf.setPrivateKey(key);
    conf.setProtocol(QSsl::TlsV1_2OrLater);
    conf.setPeerVerifyMode(QSslSocket::VerifyNone);
    return conf;
}

Result<quint16> ApiServer::listenTls(const QHostAddress &address, quint16 port, const QString &chainPemFile, const QString &keyPemFile)
{
    auto conf = serverTlsConfiguration(chainPemFile, keyPemFile);
    if (!conf)
        return fail(conf.error());
    m_server = new QSslServer(this);
    m_server->setSslConfiguration(*conf);
    m_server->setHandshakeTimeout(10000);
    connect(m_server, &QSslServer::startedEncryptionHandshake, this, &ApiServer::guard);
    if (!m_server->listen(address, port)) {
        const QString why = m_server->errorString();
        delete m_server;
        m_server = nullptr;
        return fail(Error::unavailable(QStringLiteral("cannot listen on %1:%2 for HTTPS: %3").arg(address.toString()).arg(port).arg(why)));
    }
    m_port = m_server->serverPort();
    bind(m_server);
    return m_port;
}

void ApiServer::guard(QSslSocket *socket)
{
    QString why;
    if (!m_limiter.admit(socket->peerAddress(), socket, &why)) {
        // Answered once TLS is up (nothing can be said before), and never handed to QtHttpServer.
        qCWarning(lcApi).noquote() << "HTTPS connection from" << socket->peerAddress().toString() << "refused:" << why;
        connect(socket, &QSslSocket::encrypted, socket, [socket, why] { writeRaw(socket, 503, why); });
        connect(socket, &QIODevice::readyRead, socket, [socket] { socket->readAll(); });
        QTimer::singleShot(10000, socket, [socket] { socket->abort(); });
        return;
    }
    // Connected before QtHttpServer's own readyRead handler (which it adds after the handshake), so this sees each
    // chunk first. QtHttpServer reads everything available on each readyRead, so peeking sees every byte once.
    auto framer = std::make_shared<RequestFramer>();
    // When the WebSocket API arrives, an upgraded connection must stop this timer: it is not idle HTTP.
    auto *idle = new QTimer(socket);
    idle->setSingleShot(true);
    idle->setInterval(m_idleTimeoutMs);
    connect(idle, &QTimer::timeout, socket, [this, socket, framer] {
        if (framer->midRequest() && !framer->rejected) {
            ++m_rejected;
            framer->rejected = true;
            writeRaw(socket, 408, QStringLiteral("the request was not completed within %1 s").arg(m_idleTimeoutMs / 1000.0));
        } else {
            socket->disconnectFromHost();
        }
    });
    idle->start();
    connect(socket, &QIODevice::readyRead, this, [this, socket, framer, idle] {
        idle->start();
        if (framer->rejected) {
            // Lingering after a refusal: read what the client still sends, close once the body is through.
            const qint64 n = socket->readAll().size();
            if (framer->drainLeft > 0) {
                framer->drainLeft -= n;
                if (framer->drainLeft <= 0)
                    socket->disconnectFromHost();
            }
            return;
        }
        qint64 announced = 0;
        const QByteArray chunk = socket->peek(socket->bytesAvailable());
        const auto verdict = framer->feed(chunk, m_maxBodyBytes, &announced);
        if (verdict == RequestFramer::Verdict::Ok)
            return;
        framer->rejected = true;
        ++m_rejected;
        socket->readAll(); // QtHttpServer never sees this request
        // A client that does not wait for "100 Continue" is still sending: read up to 4× the cap before closing.
        const qint64 linger = 4 * m_maxBodyBytes;
        switch (verdict) {
        case RequestFramer::Verdict::TooLarge:
            framer->drainLeft = std::min(framer->drainLeft, linger);
            writeRaw(socket, 413, QStringLiteral("the request body of %1 bytes exceeds the limit of %2 bytes").arg(announced).arg(m_maxBodyBytes),
                     framer->drainLeft);
            break;
        case RequestFramer::Verdict::HeadersTooLarge:
            writeRaw(socket, 431, QStringLiteral("the request headers exceed %1 bytes").arg(RequestFramer::kMaxHeaderBytes));
            break;
        case RequestFramer::Verdict::LengthRequired:
            framer->drainLeft = linger; // no length: linger for the bytes or the few seconds, whichever ends first
            writeRaw(socket, 411, QStringLiteral("chunked request bodies are not accepted; send Content-Length"), linger);
            break;
        case RequestFramer::Verdict::BadLength:
            writeRaw(socket, 400, framer->badLength);
            break;
        case RequestFramer::Verdict::Ok:
            break;
        }
    });
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ++m_requests;
    Request req;
    req.method = methodName(request.method());
    req.path = request.url().path();
    req.query = request.query();
    req.body = request.body();
    req.peer = request.remoteAddress().toString();
    for (const auto &h : request.headers())
        req.headers.insert(h.first.toLower(), h.second);

    ResponseOrder *order = ResponseOrder::of(socket);
    if (!order)
        order = new ResponseOrder(socket);
    const quint64 id = order->next++;
    const QPointer<ResponseOrder> orderAlive(order);
    const QPointer<QTcpSocket> socketAlive(socket);
    // A later answer (the handler's work ran elsewhere) comes back on this thread; the client may be gone by then.
    req.respondLater = [orderAlive, socketAlive, id](Response later) {
        if (!orderAlive || !socketAlive)
            return;
        orderAlive->ready.emplace(id, std::move(later));
        while (!orderAlive->ready.empty() && orderAlive->ready.begin()->first == orderAlive->written) {
            socketAlive->write(serialise(orderAlive->ready.begin()->second));
            orderAlive->ready.erase(orderAlive->ready.begin());
            ++orderAlive->written;
        }
    };

    Response resp;
    if (req.path.size() > 2048)
        resp = Response::problem(414, QStringLiteral("the request path is too long"));
    else
        resp = m_router.dispatch(req);
    if (resp.isDeferred())
        return true;
    if (order->written != id) { // an earlier answer is still out: this one waits its turn
        req.respondLater(std::move(resp));
        return true;
    }
    ++order->written;

    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(resp.status));
    if (!resp.contentType.isEmpty())
        responder.writeHeader("Content-Type", resp.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(resp.body.size()));
    responder.writeHeader("Cache-Control", "no-store");
    for (const auto &h : resp.headers)
        responder.writeHeader(h.first, h.second);
    responder.writeBody(resp.body);
    return true;
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    Q_UNUSED(request);
    writeRaw(socket, 400, QStringLiteral("the request could not be handled"));
}

} // namespace Fleetdeck::Api
