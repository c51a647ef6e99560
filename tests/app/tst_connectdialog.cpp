// The connect dialog against the real server: validation, readable errors, trust on first use of the server's
// platform CA, a changed CA at a known address, and remembered servers.

#include "connection/certificateinfo.h"
#include "connection/connector.h"
#include "base/consolesettings.h"
#include "realserver.h"
#include "shell/connectdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConsoleTest;

class TestConnectDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void serverUrlValidation_data();
    void serverUrlValidation();
    void emailValidation_data();
    void emailValidation();
    void invalidFormShowsProblemsAndStaysIdle();
    void unreachableServerShowsReadableError();
    void firstContactAsksTrustThenSignsIn();
    void wrongPasswordShowsProblemDetail();
    void distrustDoesNotStoreTheCa();
    void changedCaIsALoudWarning();
    void rememberedServersArePersistedAndForgettable();

private:
    void fill(ConnectDialog &dialog, const QString &server, const QString &email, const QString &password);
    void fillForServer(ConnectDialog &dialog, const QString &password = {});
    static QString fingerprintShown(const ConnectDialog &dialog, const char *label);
    static bool onTrustPage(const ConnectDialog &dialog);
    int loginAttempts() { return auditCount(*m_server, u"auth.login"_s) + auditCount(*m_server, u"auth.login_failed"_s); }

    std::unique_ptr<TestServer> m_server;
    QUrl m_url;
    QSslCertificate m_ca;
};

void TestConnectDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"FleetdeckTest"_s);
    QCoreApplication::setApplicationName(u"tst_connectdialog"_s);
}

void TestConnectDialog::init()
{
    // Every test starts without remembered servers and with a fresh server (so a fresh platform CA).
    ConsoleSettings settings;
    QVERIFY2(settings.fileName().contains(u".qttest"_s), qPrintable(settings.fileName()));
    QFile::remove(settings.fileName());
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    m_url = serverUrl(*m_server);
    m_ca = platformCa(*m_server);
    QVERIFY(!m_ca.isNull());
}

void TestConnectDialog::cleanup()
{
    m_server.reset();
}

void TestConnectDialog::serverUrlValidation_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("valid");
    QTest::newRow("empty") << u""_s << false;
    QTest::newRow("blank") << u"   "_s << false;
    QTest::newRow("https with port") << u"https://localhost:8443"_s << true;
    QTest::newRow("host only gets https") << u"fleet.example.com"_s << true;
    QTest::newRow("trailing slash") << u"https://fleet.example.com/"_s << true;
    QTest::newRow("plain http refused") << u"http://fleet.example.com"_s << false;
    QTest::newRow("ftp refused") << u"ftp://fleet.example.com"_s << false;
    QTest::newRow("path refused") << u"https://fleet.example.com/v1/devices"_s << false;
    QTest::newRow("no host") << u"https://"_s << false;
    QTest::newRow("bad port") << u"https://host:99999"_s << false;
}

void TestConnectDialog::serverUrlValidation()
{
    QFETCH(QString, input);
    QFETCH(bool, valid);
    const QString problem = Connector::validateServerUrl(input);
    QCOMPARE(problem.isEmpty(), valid);
}

void TestConnectDialog::emailValidation_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("valid");
    QTest::newRow("empty") << u""_s << false;
    QTest::newRow("plain") << u"ops@example.com"_s << true;
    QTest::newRow("surrounding blanks") << u"  ops@example.com "_s << true;
    QTest::newRow("no at") << u"ops.example.com"_s << false;
    QTest::newRow("local domain (bootstrap admin)") << u"admin@localhost"_s << true;
    QTest::newRow("nothing after at") << u"ops@"_s << false;
    QTest::newRow("domain starts with dot") << u"ops@.example.com"_s << false;
    QTest::newRow("two ats") << u"ops@@example.com"_s << false;
    QTest::newRow("space inside") << u"o ps@example.com"_s << false;
}

void TestConnectDialog::emailValidation()
{
    QFETCH(QString, input);
    QFETCH(bool, valid);
    QCOMPARE(Connector::validateEmail(input).isEmpty(), valid);
}

void TestConnectDialog::fill(ConnectDialog &dialog, const QString &server, const QString &email,
                             const QString &password)
{
    dialog.findChild<QComboBox *>(u"serverEdit"_s)->setEditText(server);
    dialog.findChild<QLineEdit *>(u"emailEdit"_s)->setText(email);
    dialog.findChild<QLineEdit *>(u"passwordEdit"_s)->setText(password);
}

void TestConnectDialog::fillForServer(ConnectDialog &dialog, const QString &password)
{
    fill(dialog, m_url.toString(), adminEmail(), password.isEmpty() ? m_server->adminPassword() : password);
}

QString TestConnectDialog::fingerprintShown(const ConnectDialog &dialog, const char *label)
{
    return dialog.findChild<QLabel *>(QString::fromLatin1(label))->text().remove(u'\n');
}

bool TestConnectDialog::onTrustPage(const ConnectDialog &dialog)
{
    const auto *pages = dialog.findChild<QStackedWidget *>();
    return pages && pages->currentWidget()->objectName() == u"trustPage";
}

void TestConnectDialog::invalidFormShowsProblemsAndStaysIdle()
{
    ConsoleSettings settings;
    ConnectDialog dialog(settings);
    dialog.show();
    fill(dialog, u"http://example.com"_s, u"not-an-email"_s, {});
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);

    auto *serverProblem = dialog.findChild<QLabel *>(u"serverProblem"_s);
    auto *emailProblem = dialog.findChild<QLabel *>(u"emailProblem"_s);
    auto *passwordProblem = dialog.findChild<QLabel *>(u"passwordProblem"_s);
    QVERIFY(serverProblem->isVisible());
    QVERIFY(serverProblem->text().contains(u"https://"_s));
    QVERIFY(emailProblem->isVisible());
    QVERIFY(passwordProblem->isVisible());
    QVERIFY(!dialog.findChild<QWidget *>(u"progressBar"_s)->isVisible());
    QVERIFY(dialog.findChild<QPushButton *>(u"connectButton"_s)->isEnabled());

    // Fixing the form clears the problems on the next attempt, which signs in.
    fillForServer(dialog);
    settings.setTrustedCa(m_url, m_ca);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
    QVERIFY(!serverProblem->isVisible());
    QVERIFY(!emailProblem->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
    // The invalid attempt never reached the server: one sign-in in its audit log, the valid one.
    QCOMPARE(loginAttempts(), 1);
}

void TestConnectDialog::unreachableServerShowsReadableError()
{
    // A port that was free a moment ago: nothing listens there.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    ConsoleSettings settings;
    ConnectDialog dialog(settings);
    dialog.show();
    fill(dialog, u"https://127.0.0.1:%1"_s.arg(port), adminEmail(), u"secret"_s);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);

    auto *error = dialog.findChild<QLabel *>(u"errorLabel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!error->text().isEmpty(), 15000);
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(u"127.0.0.1:%1"_s.arg(port)), qPrintable(error->text()));
    QVERIFY(error->text().contains(u"Nothing answers"_s));
    QVERIFY(dialog.findChild<QPushButton *>(u"connectButton"_s)->isEnabled());
    QVERIFY(!dialog.findChild<QWidget *>(u"progressBar"_s)->isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));   // still open, not accepted
    QVERIFY(settings.rememberedServers().isEmpty());
}

void TestConnectDialog::firstContactAsksTrustThenSignsIn()
{
    ConsoleSettings settings;
    ConnectDialog dialog(settings);
    dialog.show();
    fillForServer(dialog);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);

    QTRY_VERIFY_WITH_TIMEOUT(onTrustPage(dialog), 15000);
    // The fingerprint shown is the one of the CA file in the server's data directory.
    QCOMPARE(fingerprintShown(dialog, "fingerprintLabel"), CertificateInfo::sha256Fingerprint(m_ca));
    QVERIFY(dialog.findChild<QLabel *>(u"trustSubject"_s)->text().contains(m_ca.subjectInfo(QSslCertificate::CommonName).value(0)));
    QVERIFY(!dialog.findChild<QCheckBox *>(u"confirmChangeCheck"_s)->isVisible());
    // Nothing was trusted or sent yet: no sign-in happened before the user decided.
    QVERIFY(settings.trustedCa(m_url).isNull());
    QCOMPARE(loginAttempts(), 0);

    QTest::mouseClick(dialog.findChild<QPushButton *>(u"trustButton"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);

    const SessionInfo session = dialog.session();
    QVERIFY(!session.token.isEmpty());
    QCOMPARE(session.trustedCa, m_ca);
    QCOMPARE(session.email, adminEmail());
    QCOMPARE(settings.trustedCa(m_url), m_ca);
    QCOMPARE(auditCount(*m_server, u"auth.login"_s), 1);
    // The session is one the server honours.
    QCOMPARE(m_server->request("GET", u"/v1/devices"_s, {}, {}, session.token.toLatin1()).status, 200);
}

void TestConnectDialog::wrongPasswordShowsProblemDetail()
{
    const auto direct = m_server->requestJson("POST", u"/v1/auth/login"_s,
                                              {{u"email"_s, adminEmail()}, {u"password"_s, u"wrong"_s}}, {});
    QCOMPARE(direct.contentType, QByteArray("application/problem+json"));
    const QString detail = direct.json().value(u"detail"_s).toString();
    QVERIFY(!detail.isEmpty());

    ConsoleSettings settings;
    settings.setTrustedCa(m_url, m_ca);
    ConnectDialog dialog(settings);
    dialog.show();
    fillForServer(dialog, u"wrong"_s);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);

    auto *error = dialog.findChild<QLabel *>(u"errorLabel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!error->text().isEmpty(), 15000);
    QVERIFY(error->isVisible());
    // The server's detail, not raw JSON, written as a sentence ("wrong password" -> "Wrong password.").
    QString sentence = detail;
    sentence[0] = sentence[0].toUpper();
    if (!sentence.endsWith(u'.'))
        sentence += u'.';
    QCOMPARE(error->text(), sentence);
    QVERIFY(!onTrustPage(dialog));
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QCOMPARE(QApplication::focusWidget(), dialog.findChild<QLineEdit *>(u"passwordEdit"_s));
    QVERIFY(settings.rememberedServers().constFirst().email.isEmpty());
    QCOMPARE(auditCount(*m_server, u"auth.login_failed"_s), 2);
}

void TestConnectDialog::distrustDoesNotStoreTheCa()
{
    ConsoleSettings settings;
    ConnectDialog dialog(settings);
    dialog.show();
    fillForServer(dialog);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(onTrustPage(dialog), 15000);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"distrustButton"_s), Qt::LeftButton);

    QVERIFY(!onTrustPage(dialog));
    QVERIFY(dialog.errorText().contains(u"did not trust"_s));
    QVERIFY(settings.trustedCa(m_url).isNull());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QCOMPARE(loginAttempts(), 0);
}

void TestConnectDialog::changedCaIsALoudWarning()
{
    // The console trusts this server's CA...
    ConsoleSettings settings;
    settings.setTrustedCa(m_url, m_ca);

    // ...then the server is reinstalled: a new data directory (so a new platform CA) on the same address.
    const Fleetdeck::ServerOptions options = m_server->app().options();
    const quint16 httpPort = m_server->app().httpPort();
    m_server->app().stop();
    QTemporaryDir otherData;
    Fleetdeck::ServerOptions reinstalled = options;
    reinstalled.dataDir = otherData.path();
    reinstalled.httpPort = httpPort;
    QString error;
    auto other = startServer(reinstalled, &error);
    QVERIFY2(other, qPrintable(error));
    const QSslCertificate otherCa = QSslCertificate::fromPath(other->caCertificatePath(), QSsl::Pem).value(0);
    QVERIFY(!otherCa.isNull() && otherCa != m_ca);

    ConnectDialog dialog(settings);
    dialog.show();
    fillForServer(dialog);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(onTrustPage(dialog), 15000);

    QVERIFY(dialog.findChild<QLabel *>(u"trustTitle"_s)->text().contains(u"WARNING"_s));
    QCOMPARE(fingerprintShown(dialog, "fingerprintLabel"), CertificateInfo::sha256Fingerprint(otherCa));
    QCOMPARE(fingerprintShown(dialog, "previousFingerprintLabel"), CertificateInfo::sha256Fingerprint(m_ca));
    auto *trust = dialog.findChild<QPushButton *>(u"trustButton"_s);
    auto *confirm = dialog.findChild<QCheckBox *>(u"confirmChangeCheck"_s);
    QVERIFY(confirm->isVisible());
    QVERIFY(!trust->isEnabled());   // not a one-click accept
    QVERIFY(dialog.findChild<QPushButton *>(u"distrustButton"_s)->isDefault());

    // Declining keeps the old trust.
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"distrustButton"_s), Qt::LeftButton);
    QVERIFY(dialog.errorText().contains(u"changed"_s));
    QCOMPARE(settings.trustedCa(m_url), m_ca);

    // Confirming explicitly replaces it and signs in to the reinstalled server.
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(onTrustPage(dialog), 15000);
    confirm->setChecked(true);
    QVERIFY(trust->isEnabled());
    QTest::mouseClick(trust, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
    QCOMPARE(settings.trustedCa(m_url), otherCa);
    QCOMPARE(dialog.session().trustedCa, otherCa);
    other.reset();
}

void TestConnectDialog::rememberedServersArePersistedAndForgettable()
{
    {
        ConsoleSettings settings;
        settings.setTrustedCa(m_url, m_ca);
        ConnectDialog dialog(settings);
        dialog.show();
        fillForServer(dialog);
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
    }

    // A new settings object reads what the dialog wrote to disk.
    ConsoleSettings reread;
    const QList<RememberedServer> servers = reread.rememberedServers();
    QCOMPARE(servers.size(), 1);
    QCOMPARE(servers.first().url, ConsoleSettings::normalisedOrigin(m_url));
    QCOMPARE(servers.first().email, adminEmail());
    QVERIFY(servers.first().token.isEmpty());   // "stay signed in" was off
    QCOMPARE(reread.lastServer(), ConsoleSettings::normalisedOrigin(m_url));

    ConnectDialog next(reread);
    next.show();
    auto *server = next.findChild<QComboBox *>(u"serverEdit"_s);
    QCOMPARE(server->count(), 1);
    QCOMPARE(server->currentText(), ConsoleSettings::normalisedOrigin(m_url).toString());
    QCOMPARE(next.findChild<QLineEdit *>(u"emailEdit"_s)->text(), adminEmail());
    QVERIFY(next.findChild<QLineEdit *>(u"passwordEdit"_s)->text().isEmpty());

    QTest::mouseClick(next.findChild<QPushButton *>(u"forgetButton"_s), Qt::LeftButton);
    QCOMPARE(server->count(), 0);
    QVERIFY(ConsoleSettings().rememberedServers().isEmpty());
    QVERIFY(ConsoleSettings().trustedCa(m_url).isNull());
}

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
