#include "apiclient.h"

#include "certificateinfo.h"
#include "problemdetails.h"

#include "base/logcategories.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace {

// Errors that only mean "I do not know who signed this"; trusting the server's CA can
// cure them. Everything else (host name, expiry, revocation) it cannot.
bool isUnknownIssuerError(QSslError::SslError e)
{
    switch (e) {
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::CertificateUntrusted:
        return true;
    default:
        return false;
    }
}

QString networkMessage(QNetworkReply::NetworkError error, const QUrl &url)
{
    const QString where = url.host() + (url.port() > 0 ? u':' + QString::number(url.port()) : QString());
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return ApiClient::tr("Nothing answers at %1. Check the address and port, and that the server is running.").arg(where);
    case QNetworkReply::HostNotFoundError:
        return ApiClient::tr("The server name %1 could not be found. Check the address.").arg(url.host());
    case QNetworkReply::RemoteHostClosedError:
        return ApiClient::tr("The server at %1 closed the connection unexpectedly.").arg(where);
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return ApiClient::tr("The server at %1 did not answer in time.").arg(where);
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::UnknownNetworkError:
        return ApiClient::tr("The network is not available.");
    case QNetworkReply::ProtocolUnknownError:
        return ApiClient::tr("Only https:// addresses are supported.");
    default:
        return ApiClient::tr("Could not reach the server at %1.").arg(where);
    }
}

} // namespace

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    m_nam->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

ApiClient::~ApiClient()
{
    abortAll();
}

void ApiClient::setBaseUrl(const QUrl &url)
{
    m_baseUrl = url.adjusted(QUrl::StripTrailingSlash | QUrl::RemoveQuery | QUrl::RemoveFragment);
}

void ApiClient::setTrustedCa(const QSslCertificate &ca)
{
    if (ca == m_trustedCa)
        return;
    m_trustedCa = ca;
    // A connection verified under the old trust must not be reused under the new one.
    m_nam->clearConnectionCache();
}

void ApiClient::get(const QString &path, const QUrlQuery &query, Auth auth, QObject *context, Callback callback)
{
    track(send(u"GET"_s, path, query, {}, auth), context, std::move(callback));
}

void ApiClient::post(const QString &path, const QJsonObject &body, Auth auth, QObject *context,
                     Callback callback)
{
    track(send(u"POST"_s, path, {}, QJsonDocument(body).toJson(QJsonDocument::Compact), auth), context,
          std::move(callback));
}

void ApiClient::put(const QString &path, const QJsonObject &body, Auth auth, QObject *context,
                    Callback callback)
{
    track(send(u"PUT"_s, path, {}, QJsonDocument(body).toJson(QJsonDocument::Compact), auth), context,
          std::move(callback));
}

void ApiClient::patch(const QString &path, const QJsonObject &body, Auth auth, QObject *context,
                      Callback callback)
{
    track(send(u"PATCH"_s, path, {}, QJsonDocument(body).toJson(QJsonDocument::Compact), auth), context,
          std::move(callback));
}

void ApiClient::deleteResource(const QString &path, Auth auth, QObject *context, Callback callback)
{
    track(send(u"DELETE"_s, path, {}, {}, auth), context, std::move(callback));
}

QNetworkReply *ApiClient::send(const QString &method, const QString &path, const QUrlQuery &query,
                               const QByteArray &body, Auth auth)
{
    QUrl url = m_baseUrl;
    url.setPath(m_baseUrl.path() + path);
    if (!query.isEmpty())
        url.setQuery(query);

    QNetworkRequest request(url);
    request.setTransferTimeout(int(m_timeout.count()));
    request.setRawHeader("Accept", "application/json, application/problem+json");
    if (auth == Auth::Bearer && !m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));

    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (!m_trustedCa.isNull())
        tls.setCaCertificates({m_trustedCa});
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    request.setSslConfiguration(tls);

    qCDebug(lcAppConnection) << method << url.toDisplayString();
    return m_nam->sendCustomRequest(request, method.toLatin1(), body);
}

void ApiClient::track(QNetworkReply *reply, QObject *context, Callback callback)
{
    m_inFlight.append(reply);

    // The chain is only readable while the handshake is in progress, so keep it here.
    struct TlsTrace
    {
        QList<QSslError> errors;
        QList<QSslCertificate> chain;
    };
    auto trace = std::make_shared<TlsTrace>();
    connect(reply, &QNetworkReply::sslErrors, this, [reply, trace](const QList<QSslError> &errors) {
        trace->errors = errors;
        trace->chain = reply->sslConfiguration().peerCertificateChain();
        // Deliberately no ignoreSslErrors(): the request fails and the caller decides.
    });

    QPointer<QObject> guard(context);
    connect(reply, &QNetworkReply::finished, this, [this, reply, trace, guard, callback]() {
        m_inFlight.removeAll(reply);
        reply->deleteLater();
        const ApiResult<QJsonDocument> result = evaluate(reply, trace->errors, trace->chain);
        if (!result)
            qCInfo(lcAppConnection) << reply->url().toDisplayString() << "failed:" << result.error().message;
        if (guard)
            callback(result);
    });
}

ApiResult<QJsonDocument> ApiClient::evaluate(QNetworkReply *reply, const QList<QSslError> &sslErrors,
                                             const QList<QSslCertificate> &peerChain) const
{
    ApiError error;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();

    if (!sslErrors.isEmpty()) {
        error.peerChain = peerChain;
        const QSslCertificate presentedCa = CertificateInfo::issuingCa(peerChain);
        const bool onlyUnknownIssuer = std::ranges::all_of(sslErrors, [](const QSslError &e) {
            return isUnknownIssuerError(e.error());
        });
        if (!m_trustedCa.isNull() && !presentedCa.isNull() && presentedCa != m_trustedCa) {
            error.kind = ApiError::Kind::CaChanged;
            error.message = tr("The server presented a different certificate authority than the one you trusted. "
                               "This can mean that someone is intercepting the connection.");
            qCWarning(lcAppTrust) << "CA changed for" << m_baseUrl << "now"
                                  << CertificateInfo::sha256Fingerprint(presentedCa);
        } else if (m_trustedCa.isNull() && onlyUnknownIssuer && !presentedCa.isNull()) {
            error.kind = ApiError::Kind::UntrustedCa;
            error.message = tr("This server's certificate authority is not trusted yet.");
        } else if (m_trustedCa.isNull() && onlyUnknownIssuer) {
            error.kind = ApiError::Kind::Tls;
            error.message = tr("The server did not send its certificate authority, so it cannot be verified.");
        } else {
            QStringList reasons;
            for (const QSslError &e : sslErrors)
                reasons << e.errorString();
            reasons.removeDuplicates();
            error.kind = ApiError::Kind::Tls;
            error.message = tr("The server's certificate is not valid: %1").arg(reasons.join(u"; "_s));
        }
        return std::unexpected(error);
    }

    if (reply->error() == QNetworkReply::OperationCanceledError && reply->property("fd_aborted").toBool()) {
        error.kind = ApiError::Kind::Cancelled;
        error.message = tr("Cancelled.");
        return std::unexpected(error);
    }

    if (status == 0) {
        error.kind = (reply->error() == QNetworkReply::OperationCanceledError
                      || reply->error() == QNetworkReply::TimeoutError)
            ? ApiError::Kind::Timeout
            : ApiError::Kind::Network;
        if (reply->error() == QNetworkReply::SslHandshakeFailedError) {
            error.kind = ApiError::Kind::Tls;
            error.message = tr("The secure connection could not be set up (%1).").arg(reply->errorString());
        } else {
            error.message = networkMessage(reply->error(), reply->url());
        }
        return std::unexpected(error);
    }

    if (status < 200 || status >= 300) {
        error.kind = status == 401 ? ApiError::Kind::Unauthorized : ApiError::Kind::Http;
        error.httpStatus = status;
        error.message = userMessageForHttpError(status, body);
        error.body = QJsonDocument::fromJson(body);
        return std::unexpected(error);
    }

    if (body.isEmpty())
        return QJsonDocument();
    QJsonParseError parseError;
    QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        error.kind = ApiError::Kind::Protocol;
        error.httpStatus = status;
        error.message = tr("The server sent an answer the console does not understand.");
        qCWarning(lcAppConnection) << "Invalid JSON from" << reply->url().toDisplayString() << ":"
                                   << parseError.errorString();
        return std::unexpected(error);
    }
    return doc;
}

void ApiClient::abortAll()
{
    const auto replies = m_inFlight;
    for (const QPointer<QNetworkReply> &reply : replies) {
        if (reply) {
            reply->setProperty("fd_aborted", true);
            reply->abort();
        }
    }
}
