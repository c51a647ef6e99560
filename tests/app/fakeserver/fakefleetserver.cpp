#include "fakefleetserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QUrlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

// A cursor with characters that must survive URL encoding (+, /, =).
QString cursorFor(int offset)
{
    return u"c+%1/=="_s.arg(offset);
}

} // namespace

FakeFleetServer::FakeFleetServer(QObject *parent)
    : QObject(parent)
{
    m_health = QJsonObject{{u"status"_s, u"ok"_s},
                           {u"database"_s, QJsonObject{{u"status"_s, u"up"_s}, {u"latency_ms"_s, 2}}},
                           {u"broker"_s, QJsonObject{{u"status"_s, u"connected"_s}}},
                           {u"version"_s, u"0.1.0-fake"_s}};
    connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, &FakeFleetServer::onConnection);
}

void FakeFleetServer::setPki(const TestPki &pki)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain({pki.serverCertificate, pki.ca});
    tls.setPrivateKey(pki.serverKey);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_server.setSslConfiguration(tls);
}

bool FakeFleetServer::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

void FakeFleetServer::close()
{
    m_server.close();
    const auto sockets = m_buffers.keys();
    for (QSslSocket *s : sockets)
        s->abort();
}

QString FakeFleetServer::url() const
{
    return u"https://localhost:%1"_s.arg(port());
}

void FakeFleetServer::setDeviceCount(int count)
{
    static const char *types[] = {"pump", "gateway", "meter", "valve"};
    static const char *statuses[] = {"active", "active", "active", "active", "active",
                                     "active", "provisioned", "suspended", "decommissioned", "active"};
    static const char *sites[] = {"north", "south", "harbour", "depot"};
    const QDateTime base = QDateTime::currentDateTimeUtc();
    m_devices.clear();
    m_devices.reserve(count);
    for (int i = 0; i < count; ++i) {
        const QString status = QString::fromLatin1(statuses[i % 10]);
        QString typeName = QString::fromLatin1(types[i % 4]);
        typeName[0] = typeName[0].toUpper();
        const bool provisioned = status == u"provisioned";
        const bool online = !provisioned && status != u"decommissioned" && (i % 13) != 5;
        QJsonObject d{
            {u"device_id"_s, u"00000000-0000-4000-8000-%1"_s.arg(i, 12, 10, QLatin1Char('0'))},
            {u"tenant_id"_s, i % 7 == 0 ? u"tenant-b"_s : u"tenant-a"_s},
            {u"serial_number"_s, u"SN-%1"_s.arg(100000 + i)},
            {u"device_type"_s, QString::fromLatin1(types[i % 4])},
            {u"name"_s, typeName + u' ' + QString::number(i)},
            {u"status"_s, status},
            {u"connection"_s, online ? u"online"_s : u"offline"_s},
            {u"last_seen_at"_s, provisioned ? QJsonValue() : QJsonValue(base.addSecs(-(i % 600) * (online ? 1 : 60)).toString(Qt::ISODate))},
            {u"firmware_version"_s, provisioned ? QJsonValue() : QJsonValue(u"1.%1.%2"_s.arg(i % 3).arg(i % 5))},
            {u"tags"_s, QJsonArray{QString::fromLatin1(sites[i % 4]), i % 2 ? u"line-1"_s : u"line-2"_s}},
            {u"metadata"_s, QJsonObject{{u"site"_s, QString::fromLatin1(sites[i % 4])}}},
            {u"created_at"_s, base.addDays(-30).toString(Qt::ISODate)},
        };
        m_devices.append(d);
    }
}

void FakeFleetServer::onConnection()
{
    while (QTcpSocket *tcp = m_server.nextPendingConnection()) {
        auto *socket = qobject_cast<QSslSocket *>(tcp);
        if (!socket) {
            tcp->deleteLater();
            continue;
        }
        m_buffers.insert(socket, {});
        connect(socket, &QSslSocket::readyRead, this, [this, socket]() { onReadyRead(socket); });
        connect(socket, &QSslSocket::disconnected, this, [this, socket]() {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void FakeFleetServer::onReadyRead(QSslSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    Request request;
    request.method = requestLine.value(0);
    const QByteArray target = requestLine.value(1);
    const qsizetype q = target.indexOf('?');
    request.path = q < 0 ? target : target.left(q);
    request.query = q < 0 ? QByteArray() : target.mid(q + 1);
    qsizetype contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length")
            contentLength = value.toLongLong();
        else if (name == "authorization")
            request.authorization = value;
    }
    if (buffer.size() < headerEnd + 4 + contentLength)
        return;
    const QByteArray body = buffer.mid(headerEnd + 4, contentLength);
    buffer.clear();
    m_requests.append(request);
    handle(socket, request, body);
}

void FakeFleetServer::handle(QSslSocket *socket, const Request &request, const QByteArray &body)
{
    if (request.method == "GET" && request.path == "/v1/health") {
        respond(socket, m_healthStatus, "application/json", QJsonDocument(m_health).toJson(QJsonDocument::Compact));
        return;
    }
    if (request.method == "POST" && request.path == "/v1/auth/login") {
        const QJsonObject o = QJsonDocument::fromJson(body).object();
        if (o.value(u"email"_s).toString() != m_email || o.value(u"password"_s).toString() != m_password) {
            problem(socket, 401, u"Unauthorized"_s, u"Invalid e-mail or password."_s);
            return;
        }
        const QString token = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_tokens << token;
        const QJsonObject answer{{u"token"_s, token},
                                 {u"expires_at"_s, QDateTime::currentDateTimeUtc().addSecs(8 * 3600).toString(Qt::ISODate)}};
        respond(socket, 200, "application/json", QJsonDocument(answer).toJson(QJsonDocument::Compact));
        return;
    }
    if (request.method == "GET" && request.path == "/v1/devices") {
        const QByteArray token = request.authorization.startsWith("Bearer ") ? request.authorization.mid(7) : QByteArray();
        if (!m_tokens.contains(QString::fromLatin1(token))) {
            problem(socket, 401, u"Unauthorized"_s, u"The session token is missing, expired or revoked."_s);
            return;
        }
        const QUrlQuery query(QString::fromLatin1(request.query));
        const QString limitText = query.queryItemValue(u"limit"_s);
        const int limit = std::clamp(limitText.isEmpty() ? 50 : limitText.toInt(), 1, m_pageSize);
        int offset = 0;
        const QString cursor = query.queryItemValue(u"cursor"_s, QUrl::FullyDecoded);
        if (!cursor.isEmpty()) {
            bool ok = false;
            offset = cursor.mid(2, cursor.size() - 5).toInt(&ok);
            if (!ok || cursorFor(offset) != cursor) {
                problem(socket, 400, u"Bad Request"_s, u"Invalid cursor."_s);
                return;
            }
        }
        QJsonArray items;
        for (int i = offset; i < std::min<int>(offset + limit, int(m_devices.size())); ++i)
            items.append(m_devices.at(i));
        const int next = offset + limit;
        const QJsonObject page{{u"items"_s, items},
                               {u"next_cursor"_s, next < m_devices.size() ? QJsonValue(cursorFor(next)) : QJsonValue()}};
        respond(socket, 200, "application/json", QJsonDocument(page).toJson(QJsonDocument::Compact));
        return;
    }
    problem(socket, 404, u"Not Found"_s, u"No such endpoint."_s);
}

void FakeFleetServer::respond(QSslSocket *socket, int status, const QByteArray &contentType, const QByteArray &body)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    out += body;
    socket->write(out);
    socket->disconnectFromHost();
}

void FakeFleetServer::problem(QSslSocket *socket, int status, const QString &title, const QString &detail)
{
    const QJsonObject p{{u"type"_s, u"about:blank"_s}, {u"title"_s, title}, {u"status"_s, status}, {u"detail"_s, detail}};
    respond(socket, status, "application/problem+json", QJsonDocument(p).toJson(QJsonDocument::Compact));
}
