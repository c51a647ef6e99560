#pragma once

#include "apierror.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>
#include <QUrlQuery>

#include <chrono>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

/// HTTPS REST client for one Fleetdeck server.
///
/// TLS policy: with a trusted CA set, the CA list of every request is exactly that CA
/// (the system store is not consulted) and verification is never bypassed. Without one
/// the system store is used; a chain it cannot verify comes back as UntrustedCa with the
/// peer chain, so the caller can ask the user (trust on first use). A different CA than
/// the trusted one comes back as CaChanged.
class ApiClient : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const ApiResult<QJsonDocument> &)>;

    explicit ApiClient(QObject *parent = nullptr);
    ~ApiClient() override;

    void setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_baseUrl; }
    void setTrustedCa(const QSslCertificate &ca);
    QSslCertificate trustedCa() const { return m_trustedCa; }
    void setBearerToken(const QString &token) { m_token = token; }
    QString bearerToken() const { return m_token; }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    enum class Auth { None, Bearer };

    /// callback runs on the event loop unless context was destroyed first.
    void get(const QString &path, const QUrlQuery &query, Auth auth, QObject *context, Callback callback);
    void post(const QString &path, const QJsonObject &body, Auth auth, QObject *context, Callback callback);
    void put(const QString &path, const QJsonObject &body, Auth auth, QObject *context, Callback callback);
    /// A partial update: the fields given replace the stored ones (the server's PATCH semantics).
    void patch(const QString &path, const QJsonObject &body, Auth auth, QObject *context, Callback callback);
    /// DELETE (named so because `delete` is a keyword); a 204 comes back as an empty document.
    void deleteResource(const QString &path, Auth auth, QObject *context, Callback callback);

    /// Aborts all requests in flight; their callbacks get a Cancelled error.
    void abortAll();

private:
    QNetworkReply *send(const QString &method, const QString &path, const QUrlQuery &query,
                        const QByteArray &body, Auth auth);
    void track(QNetworkReply *reply, QObject *context, Callback callback);
    ApiResult<QJsonDocument> evaluate(QNetworkReply *reply, const QList<QSslError> &sslErrors,
                                      const QList<QSslCertificate> &peerChain) const;

    QNetworkAccessManager *m_nam = nullptr;
    QUrl m_baseUrl;
    QSslCertificate m_trustedCa;
    QString m_token;
    std::chrono::milliseconds m_timeout{15000};
    QList<QPointer<QNetworkReply>> m_inFlight;
};
