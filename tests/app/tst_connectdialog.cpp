// The connect dialog: validation, readable errors, trust on first use, a changed CA,
// and remembered servers, against a loopback HTTPS server.

#include "connection/certificateinfo.h"
#include "connection/connector.h"
#include "core/consolesettings.h"
#include "fakefleetserver.h"
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
    static QString fingerprintShown(const ConnectDialog &dialog, const char *label);
    static bool onTrustPage(const ConnectDialog &dialog);

    QTemporaryDir m_dir;
    TestPki m_pki;
    TestPki m_otherPki;
    std::unique_ptr<FakeFleetServer> m_server;
};

void TestConnectDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"FleetdeckTest"_s);
    QCoreApplication::setApplicationName(u"tst_connectdialog"_s);
    QVERIFY(m_dir.isValid());
    auto pki = TestPki::create(m_dir.filePath(u"a"_s), u"Platform CA A"_s);
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error()));
    m_pki = *pki;
    auto other = TestPki::create(m_dir.filePath(u"b"_s), u"Platform CA B"_s);
    QVERIFY2(other, qPrintable(other ? QString() : other.error()));
    m_otherPki = *other;
}

void TestConnectDialog::init()
{
    // Every test starts without remembered servers and with a fresh server.
    ConsoleSettings settings;
    QVERIFY2(settings.fileName().contains(u".qttest"_s), qPrintable(settings.fileName()));
    QFile::remove(settings.fileName());
    m_server = std::make_unique<FakeFleetServer>();
    m_server->setPki(m_pki);
    m_server->setDeviceCount(5);
    QVERIFY(m_server->listen());
}

void TestConnectDialog::cleanup()
{
    if (QTest::currentTestFailed())
        m_dir.setAutoRemove(false);
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
    QVERIFY(m_server->requests().isEmpty());

    // Fixing the form clears the problems on the next attempt.
    fill(dialog, m_server->url(), u"operator@example.com"_s, u"secret"_s);
    settings.setTrustedCa(QUrl(m_server->url()), m_pki.ca);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
    QVERIFY(!serverProblem->isVisible());
    QVERIFY(!emailProblem->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
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
    fill(dialog, u"https://127.0.0.1:%1"_s.arg(port), u"operator@example.com"_s, u"secret"_s);
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
    fill(dialog, m_server->url(), u"operator@example.com"_s, u"secret"_s);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);

    QTRY_VERIFY_WITH_TIMEOUT(onTrustPage(dialog), 15000);
    QCOMPARE(fingerprintShown(dialog, "fingerprintLabel"), CertificateInfo::sha256Fingerprint(m_pki.ca));
    QVERIFY(dialog.findChild<QLabel *>(u"trustSubject"_s)->text().contains(u"Platform CA A"_s));
    QVERIFY(!dialog.findChild<QCheckBox *>(u"confirmChangeCheck"_s)->isVisible());
    // Nothing was trusted or sent yet: no login happened before the user decided.
    QVERIFY(settings.trustedCa(QUrl(m_server->url())).isNull());
    for (const auto &r : m_server->requests())
        QVERIFY(r.path != "/v1/auth/login");

    QTest::mouseClick(dialog.findChild<QPushButton *>(u"trustButton"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);

    const SessionInfo session = dialog.session();
    QVERIFY(!session.token.isEmpty());
    QCOMPARE(session.trustedCa, m_pki.ca);
    QCOMPARE(session.email, u"operator@example.com"_s);
    QCOMPARE(settings.trustedCa(QUrl(m_server->url())), m_pki.ca);
    QCOMPARE(m_server->requests().last().path, QByteArray("/v1/auth/login"));
}

void TestConnectDialog::wrongPasswordShowsProblemDetail()
{
    ConsoleSettings settings;
    settings.setTrustedCa(QUrl(m_server->url()), m_pki.ca);
    ConnectDialog dialog(settings);
    dialog.show();
    fill(dialog, m_server->url(), u"operator@example.com"_s, u"wrong"_s);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);

    auto *error = dialog.findChild<QLabel *>(u"errorLabel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!error->text().isEmpty(), 15000);
    QCOMPARE(error->text(), u"Invalid e-mail or password."_s);   // the detail, not raw JSON
    QVERIFY(!onTrustPage(dialog));
    QCOMPARE(QApplication::focusWidget(), dialog.findChild<QLineEdit *>(u"passwordEdit"_s));
    QVERIFY(settings.rememberedServers().constFirst().email.isEmpty());
}

void TestConnectDialog::distrustDoesNotStoreTheCa()
{
    ConsoleSettings settings;
    ConnectDialog dialog(settings);
    dialog.show();
    fill(dialog, m_server->url(), u"operator@example.com"_s, u"secret"_s);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(onTrustPage(dialog), 15000);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"distrustButton"_s), Qt::LeftButton);

    QVERIFY(!onTrustPage(dialog));
    QVERIFY(dialog.errorText().contains(u"did not trust"_s));
    QVERIFY(settings.trustedCa(QUrl(m_server->url())).isNull());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
}

void TestConnectDialog::changedCaIsALoudWarning()
{
    const QUrl url(m_server->url());
    ConsoleSettings settings;
    settings.setTrustedCa(url, m_pki.ca);

    // Same address, different platform CA.
    const quint16 port = m_server->port();
    m_server->close();
    m_server = std::make_unique<FakeFleetServer>();
    m_server->setPki(m_otherPki);
    QVERIFY(m_server->listen(port));

    ConnectDialog dialog(settings);
    dialog.show();
    fill(dialog, url.toString(), u"operator@example.com"_s, u"secret"_s);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(onTrustPage(dialog), 15000);

    QVERIFY(dialog.findChild<QLabel *>(u"trustTitle"_s)->text().contains(u"WARNING"_s));
    QCOMPARE(fingerprintShown(dialog, "fingerprintLabel"), CertificateInfo::sha256Fingerprint(m_otherPki.ca));
    QCOMPARE(fingerprintShown(dialog, "previousFingerprintLabel"), CertificateInfo::sha256Fingerprint(m_pki.ca));
    auto *trust = dialog.findChild<QPushButton *>(u"trustButton"_s);
    auto *confirm = dialog.findChild<QCheckBox *>(u"confirmChangeCheck"_s);
    QVERIFY(confirm->isVisible());
    QVERIFY(!trust->isEnabled());   // not a one-click accept
    QVERIFY(dialog.findChild<QPushButton *>(u"distrustButton"_s)->isDefault());

    // Declining keeps the old trust.
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"distrustButton"_s), Qt::LeftButton);
    QVERIFY(dialog.errorText().contains(u"changed"_s));
    QCOMPARE(settings.trustedCa(url), m_pki.ca);

    // Confirming explicitly replaces it and signs in.
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(onTrustPage(dialog), 15000);
    confirm->setChecked(true);
    QVERIFY(trust->isEnabled());
    QTest::mouseClick(trust, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
    QCOMPARE(settings.trustedCa(url), m_otherPki.ca);
}

void TestConnectDialog::rememberedServersArePersistedAndForgettable()
{
    const QUrl url(m_server->url());
    {
        ConsoleSettings settings;
        settings.setTrustedCa(url, m_pki.ca);
        ConnectDialog dialog(settings);
        dialog.show();
        fill(dialog, url.toString(), u"operator@example.com"_s, u"secret"_s);
        QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
    }

    // A new settings object reads what the dialog wrote to disk.
    ConsoleSettings reread;
    const QList<RememberedServer> servers = reread.rememberedServers();
    QCOMPARE(servers.size(), 1);
    QCOMPARE(servers.first().url, ConsoleSettings::normalisedOrigin(url));
    QCOMPARE(servers.first().email, u"operator@example.com"_s);
    QVERIFY(servers.first().token.isEmpty());   // "stay signed in" was off
    QCOMPARE(reread.lastServer(), ConsoleSettings::normalisedOrigin(url));

    ConnectDialog next(reread);
    next.show();
    auto *server = next.findChild<QComboBox *>(u"serverEdit"_s);
    QCOMPARE(server->count(), 1);
    QCOMPARE(server->currentText(), ConsoleSettings::normalisedOrigin(url).toString());
    QCOMPARE(next.findChild<QLineEdit *>(u"emailEdit"_s)->text(), u"operator@example.com"_s);
    QVERIFY(next.findChild<QLineEdit *>(u"passwordEdit"_s)->text().isEmpty());

    QTest::mouseClick(next.findChild<QPushButton *>(u"forgetButton"_s), Qt::LeftButton);
    QCOMPARE(server->count(), 0);
    QVERIFY(ConsoleSettings().rememberedServers().isEmpty());
    QVERIFY(ConsoleSettings().trustedCa(url).isNull());
}

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
