#include "connector.h"

#include "apiclient.h"
#include "certificateinfo.h"

#include "base/logcategories.h"

#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

Connector::Connector(QObject *parent)
    : QObject(parent)
    , m_api(new ApiClient(this))
{
}

QUrl Connector::serverUrlFromInput(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    const QString withScheme = trimmed.contains(u"://"_s) ? trimmed : u"https://"_s + trimmed;
    return QUrl(withScheme, QUrl::StrictMode);
}

QString Connector::validateServerUrl(const QString &text)
{
    if (text.trimmed().isEmpty())
        return tr("Enter the server address, for example https://fleet.example.com:8443.");
    const QUrl url = serverUrlFromInput(text);
    if (!url.isValid() || url.host().isEmpty())
        return tr("This is not a valid server address.");
    if (url.scheme() != u"https"_s)
        return tr("The console only connects over https://.");
    if (!url.path().isEmpty() && url.path() != u"/"_s)
        return tr("Enter only the server address, without a path.");
    return {};
}

QString Connector::validateEmail(const QString &text)
{
    // Deliberately loose: the server's own bootstrap account is admin@localhost.
    static const QRegularExpression shape(u"^[^@\\s]+@[^@\\s.][^@\\s]*$"_s);
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return tr("Enter your e-mail address.");
    if (!shape.match(trimmed).hasMatch())
        return tr("This does not look like an e-mail address.");
    return {};
}

void Connector::start(const QUrl &server, const QString &email, const QString &password,
                      const QSslCertificate &trustedCa)
{
    cancel();
    m_busy = true;
    m_server = server.adjusted(QUrl::StripTrailingSlash);
    m_email = email.trimmed();
    m_password = password;
    m_api->setBaseUrl(m_server);
    m_api->setTrustedCa(trustedCa);
    m_api->setBearerToken({});
    m_api->setTimeout(std::chrono::seconds(10));
    checkServer();
}

void Connector::checkServer()
{
    Q_EMIT progress(tr("Contacting %1…").arg(m_server.host()));
    m_api->get(u"/v1/health"_s, {}, ApiClient::Auth::None, this, [this](const ApiResult<QJsonDocument> &result) {
        if (!m_busy)
            return;
        if (result) {
            signIn();
            return;
        }
        const ApiError &error = result.error();
        switch (error.kind) {
        case ApiError::Kind::UntrustedCa:
        case ApiError::Kind::CaChanged: {
            m_pendingTrust = TrustRequest{m_server, CertificateInfo::issuingCa(error.peerChain),
                                          error.kind == ApiError::Kind::CaChanged ? m_api->trustedCa()
                                                                                    : QSslCertificate()};
            if (!m_interactive) {
                ApiError e = error;
                if (error.kind == ApiError::Kind::UntrustedCa)
                    e.message = tr("The server's certificate authority has not been trusted on this computer yet. "
                                   "Connect once from the desktop console (or use --ca-file) to trust it.");
                fail(e);
                return;
            }
            Q_EMIT trustRequired(m_pendingTrust);
            return;
        }
        case ApiError::Kind::Http:
        case ApiError::Kind::Unauthorized:
            // A degraded server may answer its health check with an error status; it is
            // reachable and its TLS checked out, which is all this step is for.
            signIn();
            return;
        default:
            fail(error);
            return;
        }
    });
}

void Connector::acceptTrust()
{
    if (!m_busy || m_pendingTrust.presentedCa.isNull())
        return;
    qCInfo(lcAppTrust) << "User trusts CA" << CertificateInfo::sha256Fingerprint(m_pendingTrust.presentedCa)
                       << "for" << m_server;
    m_api->setTrustedCa(m_pendingTrust.presentedCa);
    m_pendingTrust = TrustRequest();
    checkServer();
}

void Connector::signIn()
{
    Q_EMIT progress(tr("Signing in as %1…").arg(m_email));
    const QJsonObject body{{u"email"_s, m_email}, {u"password"_s, m_password}};
    m_api->post(u"/v1/auth/login"_s, body, ApiClient::Auth::None, this,
                [this](const ApiResult<QJsonDocument> &result) {
                    if (!m_busy)
                        return;
                    if (!result) {
                        fail(result.error());
                        return;
                    }
                    const QJsonObject o = result->object();
                    const QString token = o.value(u"token"_s).toString();
                    if (token.isEmpty()) {
                        fail(ApiError{ApiError::Kind::Protocol, 200,
                                      tr("The server accepted the sign-in but sent no session token."), {}, {}});
                        return;
                    }
                    SessionInfo session;
                    session.server = m_server;
                    session.email = m_email;
                    session.token = token;
                    session.expiresAt = QDateTime::fromString(o.value(u"expires_at"_s).toString(), Qt::ISODate);
                    session.trustedCa = m_api->trustedCa();
                    m_busy = false;
                    m_password.clear();
                    qCInfo(lcAppConnection) << "Signed in to" << m_server << "as" << m_email << "until"
                                            << session.expiresAt;
                    Q_EMIT succeeded(session);
                });
}

void Connector::fail(const ApiError &error)
{
    m_busy = false;
    m_password.clear();
    Q_EMIT failed(error);
}

void Connector::cancel()
{
    if (!m_busy)
        return;
    m_busy = false;
    m_password.clear();
    m_pendingTrust = TrustRequest();
    m_api->abortAll();
}
