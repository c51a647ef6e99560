#include "testsupport.h"

#include <QtCore/QFile>

#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QRandomGenerator>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpServer>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

namespace Fleetdeck::Test {

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

bool waitFor(const std::function<bool()> &predicate, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!predicate()) {
        if (deadline.hasExpired())
            return predicate();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    return true;
}

std::unique_ptr<Application> restartInProcess(TestServer &server)
{
    server.app().stop();
    auto second = std::make_unique<Application>(server.app().options());
    bool ready = false;
    QObject::connect(second.get(), &Application::ready, second.get(), [&ready] { ready = true; });
    if (auto st = second->start(); !st) {
        qWarning() << "the restarted server did not start:" << st.error().message;
        return nullptr;
    }
    if (!waitFor([&] { return ready; }, 10000)) {
        qWarning() << "the restarted server was not ready within 10 s";
        return nullptr;
    }
    return second;
}

bool PgDatabase::available()
{
    return !QProcessEnvironment::systemEnvironment().value(QStringLiteral("FLEETDECK_TEST_PG_URL")).isEmpty();
}

namespace {
/// Runs one statement on the maintenance database named by FLEETDECK_TEST_PG_URL; the error text or empty.
QString adminStatement(const QString &connection, const QString &sql)
{
    const QUrl u(QProcessEnvironment::systemEnvironment().value(QStringLiteral("FLEETDECK_TEST_PG_URL")));
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(u.host());
        db.setPort(u.port(5432));
        db.setUserName(u.userName());
        db.setPassword(u.password());
        db.setDatabaseName(u.path().mid(1));
        if (!db.open())
            error = db.lastError().text();
        else if (QSqlQuery q(db); !q.exec(sql))
            error = q.lastError().text();
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return error;
}
} // namespace

PgDatabase::PgDatabase()
{
    if (!available())
        return;
    m_name = QStringLiteral("fd_test_%1").arg(QRandomGenerator::global()->generate64(), 0, 16);
    m_error = adminStatement(QStringLiteral("pg-admin-") + m_name, QStringLiteral("CREATE DATABASE ") + m_name);
    if (m_error.isEmpty()) {
        QUrl t(QProcessEnvironment::systemEnvironment().value(QStringLiteral("FLEETDECK_TEST_PG_URL")));
        t.setPath(QStringLiteral("/") + m_name);
        m_url = t.toString();
    }
}

PgDatabase::~PgDatabase()
{
    if (!m_url.isEmpty())
        adminStatement(QStringLiteral("pg-drop-") + m_name, QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name));
}

QJsonObject HttpReply::json() const { return QJsonDocument::fromJson(body).object(); }

TestServer::TestServer(const QString &backend, const std::function<void(ServerOptions &)> &tweak)
{
    m_dir.setAutoRemove(true);
    m_mqttPort = freePort();
    ServerOptions o;
    o.dataDir = m_dir.path();
    o.bindAddress = QStringLiteral("127.0.0.1");
    o.httpPort = 0;
    o.wsPort = 0;
    o.transferPort = 0;
    o.mqttPort = m_mqttPort;
    m_password = QStringLiteral("test-admin-password-1");
    o.adminPassword = m_password;
    if (backend == u"postgresql") {
        m_pg = std::make_unique<PgDatabase>();
        o.database = m_pg->url();
        if (o.database.isEmpty())
            m_error = QStringLiteral("no PostgreSQL: ") + (m_pg->error().isEmpty() ? QStringLiteral("FLEETDECK_TEST_PG_URL is not set") : m_pg->error());
    }
    if (tweak)
        tweak(o);
    m_app = std::make_unique<Application>(o);
}

TestServer::~TestServer()
{
    m_app.reset();
    m_pg.reset();
}

bool TestServer::start(int timeoutMs)
{
    if (!m_error.isEmpty())
        return false;
    // freePort() releases the port before mosquitto binds it, so another test (or an ephemeral port of another
    // listener) can take it in between: then the broker cannot listen and the server never becomes ready. Such a
    // start is tried again, up to three times, on a new port.
    for (int attempt = 1;; ++attempt) {
        bool ready = false;
        QObject::connect(m_app.get(), &Application::ready, m_app.get(), [&ready] { ready = true; });
        if (auto st = m_app->start(); !st) {
            m_error = st.error().message;
            return false;
        }
        if (waitFor([&] { return ready; }, timeoutMs))
            return true;
        QFile log(m_dir.path() + QStringLiteral("/broker/mosquitto.log"));
        const bool portTaken = log.open(QIODevice::ReadOnly) && log.readAll().contains("Address already in use");
        if (!portTaken || attempt == 3) {
            m_error = QStringLiteral("server not ready within %1 ms").arg(timeoutMs);
            return false;
        }
        qWarning() << "the broker's port" << m_mqttPort << "was taken meanwhile; starting again on another";
        ServerOptions o = m_app->options();
        m_app->stop();
        m_app.reset();
        QFile::remove(log.fileName());
        m_mqttPort = freePort();
        o.mqttPort = m_mqttPort;
        m_app = std::make_unique<Application>(o);
    }
}

QSslConfiguration TestServer::sslConfiguration() const
{
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setCaCertificates(QSslCertificate::fromPath(caFile(), QSsl::Pem));
    return c;
}

HttpReply TestServer::request(const QByteArray &method, const QString &path, const QByteArray &body, const QByteArray &contentType, const QByteArray &token)
{
    static QNetworkAccessManager *nam = new QNetworkAccessManager(qApp);
    QUrl url(QStringLiteral("https://localhost:%1").arg(m_app->httpPort()));
    const qsizetype q = path.indexOf(u'?');
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest req(url);
    req.setSslConfiguration(sslConfiguration());
    if (!contentType.isEmpty())
        req.setRawHeader("Content-Type", contentType);
    if (!token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + token);
    QNetworkReply *reply = nam->sendCustomRequest(req, method, body);
    HttpReply out;
    bool done = false;
    QObject::connect(reply, &QNetworkReply::finished, reply, [&] { done = true; });
    waitFor([&] { return done; }, 30000);
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    reply->deleteLater();
    return out;
}

HttpReply TestServer::requestJson(const QByteArray &method, const QString &path, const QJsonObject &body, const QByteArray &token)
{
    return request(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json", token);
}

QByteArray TestServer::adminToken()
{
    if (!m_token.isEmpty())
        return m_token;
    const HttpReply r = requestJson("POST", QStringLiteral("/v1/auth/login"),
                                    {{QStringLiteral("email"), QStringLiteral("admin@localhost")}, {QStringLiteral("password"), m_password}}, {});
    m_token = r.json().value(QStringLiteral("token")).toString().toLatin1();
    return m_token;
}

QByteArray TestServer::rawExchange(const QByteArray &bytes, int timeoutMs)
{
    QSslSocket socket;
    socket.setSslConfiguration(sslConfiguration());
    socket.connectToHostEncrypted(QStringLiteral("localhost"), m_app->httpPort());
    if (!waitFor([&] { return socket.isEncrypted(); }, timeoutMs))
        return {};
    socket.write(bytes);
    QByteArray answer;
    waitFor([&] {
        answer += socket.readAll();
        return socket.state() == QAbstractSocket::UnconnectedState || (answer.contains("\r\n\r\n{") && answer.endsWith('}'));
    }, timeoutMs);
    answer += socket.readAll();
    return answer;
}

} // namespace Fleetdeck::Test
