#include "connectdialog.h"

#include "connection/certificateinfo.h"
#include "connection/connector.h"
#include "base/consolesettings.h"
#include "base/logcategories.h"
#include "base/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

constexpr auto defaultServer = "https://localhost:8443";

// Two rows of 16 bytes read far better than one line of 95 characters.
QString wrappedFingerprint(const QSslCertificate &certificate)
{
    const QString fp = CertificateInfo::sha256Fingerprint(certificate);
    const qsizetype half = 16 * 3;
    return fp.size() > half ? fp.left(half) + u'\n' + fp.mid(half) : fp;
}

QLabel *problemLabel(QWidget *parent, const char *objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QString::fromLatin1(objectName));
    label->setWordWrap(true);
    label->setVisible(false);
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, Theme::alarmColor());
    label->setPalette(p);
    return label;
}

void showProblem(QLabel *label, const QString &problem)
{
    // The ⚠ keeps the message recognisable without colour.
    label->setText(problem.isEmpty() ? QString() : u"⚠ "_s + problem);
    label->setVisible(!problem.isEmpty());
}

} // namespace

ConnectDialog::ConnectDialog(ConsoleSettings &settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_connector(new Connector(this))
{
    setObjectName(u"connectDialog"_s);
    setWindowTitle(tr("Fleetdeck – Connect to server"));
    setMinimumWidth(520);

    m_pages = new QStackedWidget(this);
    buildFormPage();
    buildTrustPage();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);

    connect(m_connector, &Connector::progress, this, [this](const QString &step) { setBusy(true, step); });
    connect(m_connector, &Connector::trustRequired, this, &ConnectDialog::showTrust);
    connect(m_connector, &Connector::succeeded, this, &ConnectDialog::onSucceeded);
    connect(m_connector, &Connector::failed, this, &ConnectDialog::onFailed);

    fillRememberedServers();
}

ConnectDialog::~ConnectDialog() = default;

void ConnectDialog::buildFormPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);

    auto *title = new QLabel(tr("Connect to a Fleetdeck server"), page);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    title->setFont(titleFont);
    layout->addWidget(title);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_server = new QComboBox(page);
    m_server->setObjectName(u"serverEdit"_s);
    m_server->setEditable(true);
    m_server->setInsertPolicy(QComboBox::NoInsert);
    m_server->lineEdit()->setPlaceholderText(QString::fromLatin1(defaultServer));
    m_server->setToolTip(tr("Address of the server. Servers you connected to before are in the list."));
    m_forget = new QPushButton(tr("Forget"), page);
    m_forget->setObjectName(u"forgetButton"_s);
    m_forget->setToolTip(tr("Remove this server, its trusted certificate and any saved session from this computer."));
    auto *serverRow = new QHBoxLayout;
    serverRow->addWidget(m_server, 1);
    serverRow->addWidget(m_forget);
    auto *serverLabel = new QLabel(tr("&Server:"), page);
    serverLabel->setBuddy(m_server);
    form->addRow(serverLabel, serverRow);
    m_serverProblem = problemLabel(page, "serverProblem");
    form->addRow(QString(), m_serverProblem);

    m_email = new QLineEdit(page);
    m_email->setObjectName(u"emailEdit"_s);
    m_email->setPlaceholderText(tr("name@example.com"));
    form->addRow(tr("&E-mail:"), m_email);
    m_emailProblem = problemLabel(page, "emailProblem");
    form->addRow(QString(), m_emailProblem);

    m_password = new QLineEdit(page);
    m_password->setObjectName(u"passwordEdit"_s);
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Password:"), m_password);
    m_passwordProblem = problemLabel(page, "passwordProblem");
    form->addRow(QString(), m_passwordProblem);

    m_stayLoggedIn = new QCheckBox(tr("Stay signed in on this computer (needed for unattended wall screens)"), page);
    m_stayLoggedIn->setObjectName(u"stayLoggedIn"_s);
    m_stayLoggedIn->setChecked(m_settings.rememberToken());
    form->addRow(QString(), m_stayLoggedIn);
    layout->addLayout(form);

    m_progress = new QProgressBar(page);
    m_progress->setObjectName(u"progressBar"_s);
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(8);
    m_progress->setVisible(false);
    m_progressLabel = new QLabel(page);
    m_progressLabel->setObjectName(u"progressLabel"_s);
    m_progressLabel->setVisible(false);
    layout->addWidget(m_progressLabel);
    layout->addWidget(m_progress);

    auto *errorRow = new QHBoxLayout;
    m_errorIcon = new QLabel(page);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_errorIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(iconSize * 2));
    m_errorIcon->setAlignment(Qt::AlignTop);
    m_errorIcon->setVisible(false);
    m_error = new QLabel(page);
    m_error->setObjectName(u"errorLabel"_s);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setVisible(false);
    errorRow->addWidget(m_errorIcon);
    errorRow->addWidget(m_error, 1);
    layout->addLayout(errorRow);
    layout->addStretch(1);

    auto *buttons = new QDialogButtonBox(page);
    m_connect = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    m_connect->setObjectName(u"connectButton"_s);
    m_connect->setDefault(true);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(u"cancelButton"_s);
    connect(m_connect, &QPushButton::clicked, this, &ConnectDialog::attemptConnect);
    connect(cancel, &QPushButton::clicked, this, &ConnectDialog::reject);
    layout->addWidget(buttons);

    connect(m_server, &QComboBox::activated, this, &ConnectDialog::onServerChosen);
    connect(m_forget, &QPushButton::clicked, this, &ConnectDialog::forgetCurrentServer);

    m_pages->addWidget(page);
}

void ConnectDialog::buildTrustPage()
{
    auto *page = new QWidget(m_pages);
    page->setObjectName(u"trustPage"_s);
    auto *layout = new QVBoxLayout(page);

    auto *titleRow = new QHBoxLayout;
    m_trustIcon = new QLabel(page);
    m_trustTitle = new QLabel(page);
    m_trustTitle->setObjectName(u"trustTitle"_s);
    m_trustTitle->setWordWrap(true);
    QFont titleFont = m_trustTitle->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_trustTitle->setFont(titleFont);
    titleRow->addWidget(m_trustIcon);
    titleRow->addWidget(m_trustTitle, 1);
    layout->addLayout(titleRow);

    m_trustExplanation = new QLabel(page);
    m_trustExplanation->setObjectName(u"trustExplanation"_s);
    m_trustExplanation->setWordWrap(true);
    layout->addWidget(m_trustExplanation);

    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto *details = new QFormLayout;
    m_trustSubject = new QLabel(page);
    m_trustSubject->setObjectName(u"trustSubject"_s);
    m_trustSubject->setWordWrap(true);
    m_trustSubject->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details->addRow(tr("Certificate authority:"), m_trustSubject);
    m_trustFingerprint = new QLabel(page);
    m_trustFingerprint->setObjectName(u"fingerprintLabel"_s);
    m_trustFingerprint->setFont(mono);
    m_trustFingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details->addRow(tr("SHA-256 fingerprint:"), m_trustFingerprint);
    m_previousCaption = new QLabel(tr("Previously trusted:"), page);
    m_previousFingerprint = new QLabel(page);
    m_previousFingerprint->setObjectName(u"previousFingerprintLabel"_s);
    m_previousFingerprint->setFont(mono);
    m_previousFingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details->addRow(m_previousCaption, m_previousFingerprint);
    layout->addLayout(details);

    m_confirmChange = new QCheckBox(
        tr("I have confirmed the new fingerprint with the server's administrator"), page);
    m_confirmChange->setObjectName(u"confirmChangeCheck"_s);
    layout->addWidget(m_confirmChange);
    layout->addStretch(1);

    auto *buttons = new QDialogButtonBox(page);
    m_distrustButton = buttons->addButton(tr("Do &not trust"), QDialogButtonBox::RejectRole);
    m_distrustButton->setObjectName(u"distrustButton"_s);
    m_trustButton = buttons->addButton(tr("&Trust and connect"), QDialogButtonBox::AcceptRole);
    m_trustButton->setObjectName(u"trustButton"_s);
    connect(m_trustButton, &QPushButton::clicked, this, &ConnectDialog::onTrustAccepted);
    connect(m_distrustButton, &QPushButton::clicked, this, &ConnectDialog::onTrustRejected);
    connect(m_confirmChange, &QCheckBox::toggled, m_trustButton, &QPushButton::setEnabled);
    layout->addWidget(buttons);

    m_pages->addWidget(page);
}

void ConnectDialog::fillRememberedServers()
{
    m_server->clear();
    const QList<RememberedServer> servers = m_settings.rememberedServers();
    for (const RememberedServer &s : servers) {
        const QString tip = s.trustedCaPem.isEmpty()
            ? tr("Last signed in as %1").arg(s.email)
            : tr("Last signed in as %1; certificate authority trusted").arg(s.email);
        m_server->addItem(s.url.toString(), s.email);
        m_server->setItemData(m_server->count() - 1, tip, Qt::ToolTipRole);
    }
    if (servers.isEmpty()) {
        m_server->setEditText(QString::fromLatin1(defaultServer));
    } else {
        m_server->setCurrentIndex(0);
        m_email->setText(servers.first().email);
    }
    m_forget->setEnabled(!servers.isEmpty());
}

void ConnectDialog::onServerChosen(int index)
{
    const QString email = m_server->itemData(index).toString();
    if (!email.isEmpty())
        m_email->setText(email);
    m_password->clear();
    m_password->setFocus();
}

void ConnectDialog::forgetCurrentServer()
{
    const QUrl url = Connector::serverUrlFromInput(m_server->currentText());
    if (!url.isValid())
        return;
    m_settings.forgetServer(url);
    m_settings.sync();
    fillRememberedServers();
}

void ConnectDialog::setServer(const QUrl &server)
{
    const int index = m_server->findText(ConsoleSettings::normalisedOrigin(server).toString());
    if (index >= 0) {
        m_server->setCurrentIndex(index);
        onServerChosen(index);
    } else {
        m_server->setEditText(server.toString());
    }
}

void ConnectDialog::setEmail(const QString &email) { m_email->setText(email); }
void ConnectDialog::setPassword(const QString &password) { m_password->setText(password); }

QString ConnectDialog::errorText() const
{
    return m_error->isVisible() || !m_error->text().isEmpty() ? m_error->text() : QString();
}

void ConnectDialog::setBusy(bool busy, const QString &step)
{
    m_progress->setVisible(busy);
    m_progressLabel->setVisible(busy);
    m_progressLabel->setText(step);
    m_connect->setEnabled(!busy);
    m_server->setEnabled(!busy);
    m_email->setEnabled(!busy);
    m_password->setEnabled(!busy);
    m_forget->setEnabled(!busy && m_server->count() > 0);
}

void ConnectDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    m_errorIcon->setVisible(!message.isEmpty());
}

void ConnectDialog::attemptConnect()
{
    if (m_connector->isBusy())
        return;
    showError({});
    const QString serverProblem = Connector::validateServerUrl(m_server->currentText());
    const QString emailProblem = Connector::validateEmail(m_email->text());
    const QString passwordProblem = m_password->text().isEmpty() ? tr("Enter your password.") : QString();
    showProblem(m_serverProblem, serverProblem);
    showProblem(m_emailProblem, emailProblem);
    showProblem(m_passwordProblem, passwordProblem);
    if (!serverProblem.isEmpty()) {
        m_server->setFocus();
        return;
    }
    if (!emailProblem.isEmpty()) {
        m_email->setFocus();
        return;
    }
    if (!passwordProblem.isEmpty()) {
        m_password->setFocus();
        return;
    }

    const QUrl server = ConsoleSettings::normalisedOrigin(Connector::serverUrlFromInput(m_server->currentText()));
    setBusy(true, tr("Contacting %1…").arg(server.host()));
    m_connector->start(server, m_email->text(), m_password->text(), m_settings.trustedCa(server));
}

void ConnectDialog::showTrust(const TrustRequest &request)
{
    m_trustRequest = request;
    const bool changed = request.caChanged();
    const int iconSize = style()->pixelMetric(QStyle::PM_LargeIconSize);
    m_trustIcon->setPixmap(style()
                               ->standardIcon(changed ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxQuestion)
                               .pixmap(iconSize));
    QPalette titlePalette = palette();
    if (changed)
        titlePalette.setColor(QPalette::WindowText, Theme::alarmColor());
    m_trustTitle->setPalette(titlePalette);

    const QString host = request.server.host() + u':' + QString::number(request.server.port(443));
    if (changed) {
        m_trustTitle->setText(tr("WARNING: the server's identity has changed"));
        m_trustExplanation->setText(
            tr("%1 now presents a different certificate authority than the one you trusted before. "
               "This happens when the platform CA was replaced on purpose – or when someone is "
               "intercepting the connection. Do not continue unless the administrator confirms the new "
               "fingerprint below.")
                .arg(host));
        m_previousFingerprint->setText(wrappedFingerprint(request.previouslyTrustedCa));
        m_trustButton->setText(tr("&Replace trusted authority and connect"));
        m_trustButton->setEnabled(false);
        m_confirmChange->setChecked(false);
        m_distrustButton->setDefault(true);
    } else {
        m_trustTitle->setText(tr("Do you trust this server?"));
        m_trustExplanation->setText(
            tr("This is the first connection to %1. The server identifies itself with the platform's own "
               "certificate authority (CA). Compare the fingerprint below with the one your administrator "
               "gave you. If you trust it, the console will only accept this CA for this server from now on.")
                .arg(host));
        m_trustButton->setText(tr("&Trust and connect"));
        m_trustButton->setEnabled(true);
        m_trustButton->setDefault(true);
    }
    m_previousCaption->setVisible(changed);
    m_previousFingerprint->setVisible(changed);
    m_confirmChange->setVisible(changed);
    m_trustSubject->setText(CertificateInfo::subjectSummary(request.presentedCa));
    m_trustFingerprint->setText(wrappedFingerprint(request.presentedCa));

    setBusy(false);
    m_pages->setCurrentIndex(1);
    (changed ? m_distrustButton : m_trustButton)->setFocus();
}

void ConnectDialog::onTrustAccepted()
{
    if (m_trustRequest.presentedCa.isNull())
        return;
    if (m_trustRequest.caChanged() && !m_confirmChange->isChecked())
        return;
    qCInfo(lcAppTrust) << "Trusting CA" << CertificateInfo::sha256Fingerprint(m_trustRequest.presentedCa) << "for"
                       << m_trustRequest.server;
    // Recorded now: the decision is about the server's identity, not about this password.
    m_settings.setTrustedCa(m_trustRequest.server, m_trustRequest.presentedCa);
    m_settings.sync();
    m_trustRequest = TrustRequest();
    m_pages->setCurrentIndex(0);
    setBusy(true, tr("Connecting with the trusted certificate authority…"));
    m_connector->acceptTrust();
}

void ConnectDialog::onTrustRejected()
{
    const bool changed = m_trustRequest.caChanged();
    m_trustRequest = TrustRequest();
    m_connector->cancel();
    m_pages->setCurrentIndex(0);
    setBusy(false);
    showError(changed ? tr("Not connected: the server's certificate authority changed and you did not accept it.")
                      : tr("Not connected: you did not trust the server's certificate authority."));
}

void ConnectDialog::onSucceeded(const SessionInfo &session)
{
    m_session = session;
    m_settings.setRememberToken(m_stayLoggedIn->isChecked());
    m_settings.rememberServer(session.server, session.email);
    if (m_stayLoggedIn->isChecked())
        m_settings.storeToken(session.server, session.token, session.expiresAt);
    else
        m_settings.clearToken(session.server);
    m_settings.sync();
    setBusy(false);
    m_password->clear();
    accept();
}

void ConnectDialog::onFailed(const ApiError &error)
{
    setBusy(false);
    showError(error.message);
    if (error.kind == ApiError::Kind::Unauthorized) {
        m_password->selectAll();
        m_password->setFocus();
    }
}

void ConnectDialog::reject()
{
    if (m_pages->currentIndex() == 1) {
        onTrustRejected();
        return;
    }
    m_connector->cancel();
    QDialog::reject();
}
