#pragma once

#include "apierror.h"
#include "sessioninfo.h"

#include <QObject>
#include <QPointer>

class ApiClient;

/// Runs the sign-in sequence against one server: TLS check (via GET /v1/health), trust
/// on first use, POST /v1/auth/login. Shared by the connect dialog and the kiosk, which
/// differ only in whether a trust question may be asked (interactive).
class Connector : public QObject
{
    Q_OBJECT

public:
    explicit Connector(QObject *parent = nullptr);

    void setInteractive(bool interactive) { m_interactive = interactive; }

    /// trustedCa: the CA previously accepted for this server (null if none).
    void start(const QUrl &server, const QString &email, const QString &password,
               const QSslCertificate &trustedCa);
    /// Continues after trustRequired(): from now on the presented CA is the only CA.
    void acceptTrust();
    /// Stops the sequence (also after trustRequired()); emits nothing further.
    void cancel();
    bool isBusy() const { return m_busy; }

    /// Checks the form of a server address; returns a user-facing problem or empty.
    static QString validateServerUrl(const QString &text);
    /// Checks the form of an e-mail address; returns a user-facing problem or empty.
    static QString validateEmail(const QString &text);
    /// Parses what the user typed, adding https:// when no scheme was given.
    static QUrl serverUrlFromInput(const QString &text);

Q_SIGNALS:
    void progress(const QString &step);
    void trustRequired(const TrustRequest &request);
    void succeeded(const SessionInfo &session);
    void failed(const ApiError &error);

private:
    void checkServer();
    void signIn();
    void fail(const ApiError &error);

    ApiClient *m_api = nullptr;
    bool m_interactive = true;
    bool m_busy = false;
    QUrl m_server;
    QString m_email;
    QString m_password;
    TrustRequest m_pendingTrust;
};
