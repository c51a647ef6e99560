#pragma once

#include "connection/apierror.h"
#include "connection/sessioninfo.h"

#include <QDialog>

class ConsoleSettings;
class Connector;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;

/// Sign-in to a server: address, e-mail, password, remembered servers; shows progress
/// and readable errors, and asks whether to trust the server's CA on first contact (or
/// warns loudly when it changed). Accepted when a session exists.
class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectDialog(ConsoleSettings &settings, QWidget *parent = nullptr);
    ~ConnectDialog() override;

    void setServer(const QUrl &server);
    void setEmail(const QString &email);
    void setPassword(const QString &password);

    SessionInfo session() const { return m_session; }
    /// The error shown to the user, empty if none (for tests and logs).
    QString errorText() const;

public Q_SLOTS:
    void attemptConnect();

protected:
    void reject() override;

private:
    void buildFormPage();
    void buildTrustPage();
    void fillRememberedServers();
    void onServerChosen(int index);
    void forgetCurrentServer();
    void setBusy(bool busy, const QString &step = {});
    void showError(const QString &message);
    void showTrust(const TrustRequest &request);
    void onTrustAccepted();
    void onTrustRejected();
    void onSucceeded(const SessionInfo &session);
    void onFailed(const ApiError &error);

    ConsoleSettings &m_settings;
    Connector *m_connector;
    SessionInfo m_session;
    TrustRequest m_trustRequest;

    QStackedWidget *m_pages = nullptr;
    QComboBox *m_server = nullptr;
    QLineEdit *m_email = nullptr;
    QLineEdit *m_password = nullptr;
    QCheckBox *m_stayLoggedIn = nullptr;
    QLabel *m_serverProblem = nullptr;
    QLabel *m_emailProblem = nullptr;
    QLabel *m_passwordProblem = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressLabel = nullptr;
    QLabel *m_errorIcon = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_connect = nullptr;
    QPushButton *m_forget = nullptr;

    QLabel *m_trustTitle = nullptr;
    QLabel *m_trustIcon = nullptr;
    QLabel *m_trustExplanation = nullptr;
    QLabel *m_trustSubject = nullptr;
    QLabel *m_trustFingerprint = nullptr;
    QLabel *m_previousFingerprint = nullptr;
    QLabel *m_previousCaption = nullptr;
    QCheckBox *m_confirmChange = nullptr;
    QPushButton *m_trustButton = nullptr;
    QPushButton *m_distrustButton = nullptr;
};
