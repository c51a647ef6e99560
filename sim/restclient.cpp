#include "restclient.h"

#include <QtCore/QEventLoop>
#include <QtCore/QJsonDocument>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QSslCertificate>

namespace Fleetdeck::Sim {

RestClient::RestClient(QUrl baseUrl, const QString &caFile, QObject *parent)
    : QObject(parent), m_base(std::move(baseUrl)), m_caFile(caFile), m_nam(new QNetworkAccessManager(this))
{
}

Status RestClient::loadCa()
{
    const QList<QSslCertificate> ca = QSslCertificate::fromPath(m_caFile, QSsl::Pem);
    if (ca.isEmpty())
        return fail(Error::invalid(QStringLiteral("no CA certificate in %1 (the server's DATA_DIR/pki/ca.crt)").arg(m_caFile)));
    m_ssl = QSslConfiguration::defaultConfiguration();
    m_ssl.setCaCertificates(ca);
    return {};
}

void RestClient::request(const QByteArray &method, const QString &path, const QJsonObject &body, std::function<void(const RestReply &)> done)
{
    QUrl url = m_base;
    const qsizetype q = path.indexOf(u'?');
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest req(url);
    req.setSslConfiguration(m_ssl);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
    const QByteArray payload = body.isEmpty() && method == "GET" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_nam->sendCustomRequest(req, method, payload);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        RestReply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray data = reply->readAll();
        r.body = QJsonDocument::fromJson(data).object();
        if (r.status == 0)
            r.error = reply->errorString();
        else if (r.status >= 400)
            r.error = r.body.value(QStringLiteral("detail")).toString(QString::fromUtf8(data.left(200)));
        done(r);
    });
}

void RestClient::login(const QString &email, const QString &password, std::function<void(const RestReply &)> done)
{
    request("POST", QStringLiteral("/v1/auth/login"), {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}},
            [this, done = std::move(done)](const RestReply &r) {
                if (r.status == 200)
                    m_token = r.body.value(QStringLiteral("token")).toString();
                done(r);
            });
}

RestReply RestClient::requestSync(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    QEventLoop loop;
    RestReply out;
    request(method, path, body, [&](const RestReply &r) {
        out = r;
        loop.quit();
    });
    loop.exec();
    return out;
}

} // namespace Fleetdeck::Sim
