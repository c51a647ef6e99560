#pragma once

#include <QDateTime>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

/// What a successful sign-in yields; enough to configure an ApiClient for the session.
struct SessionInfo
{
    QUrl server;
    QString email;
    QString token;
    QDateTime expiresAt;
    QSslCertificate trustedCa;   ///< null when the system CA store verified the server
};

/// Asked of the user when the server's CA is unknown or has changed.
struct TrustRequest
{
    QUrl server;
    QSslCertificate presentedCa;
    QSslCertificate previouslyTrustedCa;   ///< non-null only when the CA changed
    bool caChanged() const { return !previouslyTrustedCa.isNull(); }
};
