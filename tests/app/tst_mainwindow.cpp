// The main window against a loopback server: the table fills across pages, the link
// state and the stale banner follow outages and expired sessions, health is shown.

#include "connection/apiclient.h"
#include "core/consolesettings.h"
#include "fakefleetserver.h"
#include "fleet/fleetfilterproxy.h"
#include "fleet/fleetmodel.h"
#include "shell/mainwindow.h"
#include "shell/overviewbar.h"

#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void fillsTableAcrossPagesAndShowsHealth();
    void overviewTileFiltersTheTable();
    void outageTurnsStaleThenLostThenRecovers();
    void revokedSessionIsSignedOut();
    void autoLoginRenewsARevokedSession();
    void degradedHealthIsAbnormal();

private:
    SessionInfo signIn();
    QString label(const char *name) const;

    QTemporaryDir m_dir;
    TestPki m_pki;
    std::unique_ptr<FakeFleetServer> m_server;
    std::unique_ptr<ConsoleSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    static constexpr int deviceCount = 1234;   // three pages of 500
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    auto pki = TestPki::create(m_dir.filePath(u"pki"_s), u"Platform CA"_s);
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error()));
    m_pki = *pki;
}

void TestMainWindow::init()
{
    const QString ini = m_dir.filePath(u"console.ini"_s);
    QFile::remove(ini);
    {
        QSettings raw(ini, QSettings::IniFormat);
        raw.setValue(u"fleet/pollIntervalSeconds"_s, 1);
        raw.setValue(u"link/lostAfterSeconds"_s, 5);
    }
    m_settings = std::make_unique<ConsoleSettings>(ini);
    QCOMPARE(m_settings->lostAfterSeconds(), 5);

    m_server = std::make_unique<FakeFleetServer>();
    m_server->setPki(m_pki);
    m_server->setDeviceCount(deviceCount);
    QVERIFY(m_server->listen());
    m_window = std::make_unique<MainWindow>(*m_settings, MainWindow::Mode::Desktop);
    m_window->show();
}

void TestMainWindow::cleanup()
{
    if (QTest::currentTestFailed())
        m_dir.setAutoRemove(false);
    m_window.reset();
    m_server.reset();
    m_settings.reset();
}

SessionInfo TestMainWindow::signIn()
{
    ApiClient api;
    api.setBaseUrl(QUrl(m_server->url()));
    api.setTrustedCa(m_pki.ca);
    QString token;
    api.post(u"/v1/auth/login"_s, {{u"email"_s, u"operator@example.com"_s}, {u"password"_s, u"secret"_s}},
             ApiClient::Auth::None, this, [&](const ApiResult<QJsonDocument> &r) {
                 if (r)
                     token = r->object().value(u"token"_s).toString();
             });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!token.isEmpty(), 15000); }();
    return SessionInfo{QUrl(m_server->url()), u"operator@example.com"_s, token, {}, m_pki.ca};
}

QString TestMainWindow::label(const char *name) const
{
    const auto *l = m_window->findChild<QLabel *>(QString::fromLatin1(name));
    return l ? l->text() : QString();
}

void TestMainWindow::fillsTableAcrossPagesAndShowsHealth()
{
    QCOMPARE(m_window->linkMonitor().state(), LinkMonitor::State::Connecting);
    QVERIFY(label("refreshLabel").contains(u"No data"_s));

    m_window->setSession(signIn());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->fleetModel()->rowCount(), deviceCount, 15000);
    QCOMPARE(m_window->linkMonitor().state(), LinkMonitor::State::Connected);
    QCOMPARE(label("linkLabel"), u"Connected"_s);
    QVERIFY(label("refreshLabel").startsWith(u"Last refresh"_s));
    QVERIFY(m_window->bannerText().isEmpty());
    QVERIFY(!m_window->fleetModel()->isStale());

    // All pages were fetched with the bearer token, following the cursors.
    int devicePages = 0;
    for (const auto &r : m_server->requests()) {
        if (r.path == "/v1/devices") {
            QVERIFY(r.authorization.startsWith("Bearer "));
            devicePages += r.query.contains("cursor=") ? 1 : 0;
        }
    }
    QVERIFY(devicePages >= 2);

    auto *overview = m_window->findChild<OverviewBar *>();
    QCOMPARE(overview->tileText(u"total"_s), QLocale().toString(deviceCount));
    QTRY_COMPARE_WITH_TIMEOUT(overview->tileText(u"health"_s), u"Server OK"_s, 5000);
}

void TestMainWindow::overviewTileFiltersTheTable()
{
    m_window->setSession(signIn());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->fleetModel()->rowCount(), deviceCount, 15000);
    auto *tile = m_window->findChild<QWidget *>(u"suspended"_s);
    QVERIFY(tile);
    QTest::mouseClick(tile, Qt::LeftButton);
    QCOMPARE(m_window->findChild<QLineEdit *>(u"filterEdit"_s)->text(), u"status:suspended"_s);
    const int shown = m_window->filterProxy()->rowCount();
    QCOMPARE(QString::number(shown), m_window->findChild<OverviewBar *>()->tileText(u"suspended"_s).remove(u','));
    QVERIFY(shown > 0 && shown < deviceCount);
}

void TestMainWindow::outageTurnsStaleThenLostThenRecovers()
{
    m_window->setSession(signIn());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Connected, 15000);
    const QString refreshedBefore = label("refreshLabel");

    const quint16 port = m_server->port();
    m_server->close();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Reconnecting, 10000);
    QVERIFY(label("linkLabel").startsWith(u"Reconnecting since"_s));
    QVERIFY(m_window->bannerText().contains(u"not live"_s));
    QVERIFY(m_window->fleetModel()->isStale());
    QCOMPARE(m_window->fleetModel()->rowCount(), deviceCount);   // last data kept, but marked stale

    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Lost, 15000);
    QVERIFY(m_window->bannerText().contains(u"LINK LOST"_s));
    QVERIFY(label("linkLabel").startsWith(u"Link lost since"_s));
    // The refresh time stays at the last success; it must not keep ticking.
    QCOMPARE(label("refreshLabel").section(u' ', 0, 2), refreshedBefore.section(u' ', 0, 2));

    QVERIFY(m_server->listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Connected, 15000);
    QVERIFY(m_window->bannerText().isEmpty());
    QVERIFY(!m_window->fleetModel()->isStale());
}

void TestMainWindow::revokedSessionIsSignedOut()
{
    m_window->setSession(signIn());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Connected, 15000);
    m_server->revokeTokens();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::SignedOut, 10000);
    QVERIFY(m_window->bannerText().contains(u"SIGNED OUT"_s));
    QVERIFY(m_window->fleetModel()->isStale());
}

void TestMainWindow::autoLoginRenewsARevokedSession()
{
    m_window->setAutoLogin(QUrl(m_server->url()), u"operator@example.com"_s, u"secret"_s, m_pki.ca);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Connected, 15000);
    QCOMPARE(m_window->fleetModel()->rowCount(), deviceCount);

    m_server->revokeTokens();
    const qsizetype before = m_server->requests().size();
    // Signed out for a moment at most, then back without anyone clicking.
    QTRY_VERIFY_WITH_TIMEOUT(m_server->requests().size() > before + 2
                                 && m_window->linkMonitor().state() == LinkMonitor::State::Connected,
                             15000);
    int logins = 0;
    for (const auto &r : m_server->requests())
        logins += r.path == "/v1/auth/login";
    QCOMPARE(logins, 2);
}

void TestMainWindow::degradedHealthIsAbnormal()
{
    m_server->setHealth(QJsonObject{{u"status"_s, u"degraded"_s},
                                    {u"database"_s, QJsonObject{{u"status"_s, u"down"_s}}},
                                    {u"broker"_s, QJsonObject{{u"status"_s, u"connected"_s}}},
                                    {u"version"_s, u"x"_s}},
                        503);
    m_window->setSession(signIn());
    auto *overview = m_window->findChild<OverviewBar *>();
    QTRY_COMPARE_WITH_TIMEOUT(overview->tileText(u"health"_s), u"Server degraded: database down"_s, 15000);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
