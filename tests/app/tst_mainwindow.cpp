// The main window against the real server: the table fills from registered devices across pages, the link state
// and the stale banner follow the server going away and coming back on the same data dir and ports, revoked
// sessions sign out (or in again, with credentials), and the server's own health is shown.

#include "alerts/alertsview.h"
#include "connection/liveclient.h"
#include "device/deviceview.h"
#include "device/telemetrychart.h"
#include "broker/embeddedbroker.h"
#include "base/consolesettings.h"
#include "fleet/fleetfilterproxy.h"
#include "fleet/fleetmodel.h"
#include "realserver.h"
#include "shell/mainwindow.h"
#include "shell/overviewbar.h"

#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConsoleTest;

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
    void emptyFleetSaysSo();
    void kioskRotatesReadOnlyDeviceViews();

private:
    QString label(const char *name) const;
    QStringList idsInTable() const;

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<ConsoleSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    QStringList m_deviceIds;
    static constexpr int deviceCount = 7;
    static constexpr int pageSize = 3;   // three pages
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestMainWindow::init()
{
    const QString ini = m_dir.filePath(u"console.ini"_s);
    QFile::remove(ini);
    {
        QSettings raw(ini, QSettings::IniFormat);
        raw.setValue(u"fleet/pollIntervalSeconds"_s, 1);
        raw.setValue(u"fleet/pageSize"_s, pageSize);
        raw.setValue(u"link/lostAfterSeconds"_s, 5);
        raw.setValue(u"kiosk/rotateSeconds"_s, 5);
        raw.setValue(u"kiosk/devices"_s, u"MW-101, no-such-device, MW-102"_s);
        if (QTest::currentTestFunction() == "kioskRotatesReadOnlyDeviceViews"_ba)
            raw.setValue(u"alerts/audible"_s, true);   // a wall nobody clicks takes its sound from the settings
    }
    m_settings = std::make_unique<ConsoleSettings>(ini);
    QCOMPARE(m_settings->lostAfterSeconds(), 5);
    QCOMPARE(m_settings->pageSize(), pageSize);

    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    static const QString types[] = {u"pump"_s, u"gateway"_s, u"meter"_s};
    m_deviceIds.clear();
    const int devices = QTest::currentTestFunction() == "emptyFleetSaysSo"_ba ? 0 : deviceCount;
    for (int i = 0; i < devices; ++i) {
        const QString type = types[i % 3];
        const QJsonObject d = registerDevice(*m_server, u"MW-%1"_s.arg(100 + i), type, u"%1 %2"_s.arg(type).arg(i));
        QVERIFY(!d.isEmpty());
        m_deviceIds << d.value(u"device_id"_s).toString();
    }
    m_deviceIds.sort();

    const bool kiosk = QTest::currentTestFunction() == "kioskRotatesReadOnlyDeviceViews"_ba;
    m_window = std::make_unique<MainWindow>(*m_settings, kiosk ? MainWindow::Mode::Kiosk : MainWindow::Mode::Desktop);
    m_window->show();
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_server.reset();
    m_settings.reset();
}

QString TestMainWindow::label(const char *name) const
{
    const auto *l = m_window->findChild<QLabel *>(QString::fromLatin1(name));
    return l ? l->text() : QString();
}

QStringList TestMainWindow::idsInTable() const
{
    QStringList ids;
    const FleetModel *model = m_window->fleetModel();
    for (int row = 0; row < model->rowCount(); ++row)
        ids << model->index(row, 0).data(FleetModel::DeviceIdRole).toString();
    ids.sort();
    return ids;
}

void TestMainWindow::fillsTableAcrossPagesAndShowsHealth()
{
    QCOMPARE(m_window->linkMonitor().state(), LinkMonitor::State::Connecting);
    QVERIFY(label("refreshLabel").contains(u"No data"_s));

    m_window->setSession(adminSession(*m_server));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->fleetModel()->rowCount(), deviceCount, 15000);
    // Every registered device, once: the pages of 3 were followed through the server's cursors.
    QCOMPARE(idsInTable(), m_deviceIds);
    QCOMPARE(m_window->linkMonitor().state(), LinkMonitor::State::Connected);
    QCOMPARE(label("linkLabel"), u"Connected"_s);
    QVERIFY(label("refreshLabel").startsWith(u"Last refresh"_s));
    QVERIFY(m_window->bannerText().isEmpty());
    QVERIFY(!m_window->fleetModel()->isStale());
    QCOMPARE(label("sessionLabel"), u"admin@localhost @ localhost:%1"_s.arg(m_server->app().httpPort()));
    // One tenant: its opaque id would only be noise in every row.
    QVERIFY(m_window->findChild<QTableView *>(u"fleetTable"_s)->isColumnHidden(FleetModel::TenantColumn));
    QVERIFY(!m_window->findChild<QLabel *>(u"emptyHint"_s)->isVisible());

    // Registered, never connected: provisioned and offline, which is not an alarm.
    const Device &first = m_window->fleetModel()->device(0);
    QCOMPARE(first.status, Device::Status::Provisioned);
    QCOMPARE(first.connection, Device::Connection::Offline);
    QVERIFY(!first.isUnexpectedlyOffline());

    // The tiles are recounted on the window's one-second tick, not at once when the rows arrive.
    auto *overview = m_window->findChild<OverviewBar *>();
    QTRY_COMPARE_WITH_TIMEOUT(overview->tileText(u"total"_s), QLocale().toString(deviceCount), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(overview->tileText(u"never"_s), QLocale().toString(deviceCount), 5000);
    QCOMPARE(overview->tileText(u"offline"_s), u"0"_s);
    QTRY_COMPARE_WITH_TIMEOUT(overview->tileText(u"health"_s), u"Server OK"_s, 15000);
}

void TestMainWindow::overviewTileFiltersTheTable()
{
    QCOMPARE(deviceAction(*m_server, m_deviceIds[1], u"suspend"_s), 200);
    QCOMPARE(deviceAction(*m_server, m_deviceIds[4], u"suspend"_s), 200);
    m_window->setSession(adminSession(*m_server));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->fleetModel()->rowCount(), deviceCount, 15000);
    auto *overview = m_window->findChild<OverviewBar *>();
    QCOMPARE(overview->tileText(u"suspended"_s), u"2"_s);

    auto *tile = m_window->findChild<QWidget *>(u"suspended"_s);
    QVERIFY(tile);
    QTest::mouseClick(tile, Qt::LeftButton);
    QCOMPARE(m_window->findChild<QLineEdit *>(u"filterEdit"_s)->text(), u"status:suspended"_s);
    const FleetFilterProxy *proxy = m_window->filterProxy();
    QCOMPARE(proxy->rowCount(), 2);
    QStringList shown;
    for (int row = 0; row < proxy->rowCount(); ++row)
        shown << proxy->index(row, 0).data(FleetModel::DeviceIdRole).toString();
    shown.sort();
    QCOMPARE(shown, (QStringList{m_deviceIds[1], m_deviceIds[4]}));
    QCOMPARE(label("filterCount"), u"2 of 7 devices"_s);

    // A filter that matches nothing says so on the table.
    auto *filter = m_window->findChild<QLineEdit *>(u"filterEdit"_s);
    filter->clear();
    QTest::keyClicks(filter, u"no-such-device"_s);
    QCOMPARE(proxy->rowCount(), 0);
    QVERIFY(m_window->findChild<QLabel *>(u"emptyHint"_s)->isVisible());
    QCOMPARE(label("emptyHint"), u"No device matches the filter."_s);
}

void TestMainWindow::outageTurnsStaleThenLostThenRecovers()
{
    m_window->setSession(adminSession(*m_server));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Connected, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->fleetModel()->rowCount(), deviceCount, 15000);
    const QString refreshedBefore = label("refreshLabel");
    QTRY_COMPARE_WITH_TIMEOUT(m_window->liveClient()->state(), LiveClient::State::Live, 15000);

    // The server goes away (its API port closes, its broker stops).
    Fleetdeck::ServerOptions options = m_server->app().options();
    options.httpPort = m_server->app().httpPort();
    m_server->app().stop();

    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Reconnecting, 20000);
    QVERIFY(label("linkLabel").startsWith(u"Reconnecting since"_s));
    QVERIFY(m_window->bannerText().contains(u"not live"_s));
    QVERIFY(m_window->fleetModel()->isStale());
    QCOMPARE(m_window->fleetModel()->rowCount(), deviceCount);   // last data kept, but marked stale
    QVERIFY(m_window->liveClient()->state() != LiveClient::State::Live);
    QVERIFY2(label("liveLabel").startsWith(u"No live link"_s), qPrintable(label("liveLabel")));

    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Lost, 20000);
    QVERIFY(m_window->bannerText().contains(u"LINK LOST"_s));
    QVERIFY(label("linkLabel").startsWith(u"Link lost since"_s));
    // The refresh time stays at the last success; it must not keep ticking.
    QCOMPARE(label("refreshLabel").section(u' ', 0, 2), refreshedBefore.section(u' ', 0, 2));

    // The server restarts on the same data dir and ports: the console comes back by itself, with the same session.
    QString error;
    auto restarted = startServer(options, &error);
    QVERIFY2(restarted, qPrintable(error));
    QCOMPARE(restarted->httpPort(), options.httpPort);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Connected, 20000);
    QVERIFY(m_window->bannerText().isEmpty());
    QVERIFY(!m_window->fleetModel()->isStale());
    QCOMPARE(idsInTable(), m_deviceIds);
    QVERIFY(label("refreshLabel") != refreshedBefore);
    // The live link too (the restarted server's WebSocket port is a new one: the console learns it from health).
    QTRY_COMPARE_WITH_TIMEOUT(m_window->liveClient()->state(), LiveClient::State::Live, 30000);
    QCOMPARE(label("liveLabel"), u"● Live"_s);
    m_window.reset();
    restarted.reset();
}

void TestMainWindow::revokedSessionIsSignedOut()
{
    m_window->setSession(adminSession(*m_server));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Connected, 15000);
    // Live: the list is then read only once a minute, and the revocation must still show within seconds.
    QTRY_COMPARE_WITH_TIMEOUT(m_window->liveClient()->state(), LiveClient::State::Live, 15000);
    QTest::qWait(1500);   // past the reload that follows the live sign-in
    QVERIFY(revokeAllSessions(*m_server));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::SignedOut, 10000);
    QVERIFY(m_window->bannerText().contains(u"SIGNED OUT"_s));
    QVERIFY(m_window->fleetModel()->isStale());
    // The server's reason is at hand for whoever looks closer.
    QVERIFY2(m_window->linkMonitor().lastError().contains(u"revoked"_s), qPrintable(m_window->linkMonitor().lastError()));
}

void TestMainWindow::autoLoginRenewsARevokedSession()
{
    const int loginsBefore = auditCount(*m_server, u"auth.login"_s);
    m_window->setAutoLogin(serverUrl(*m_server), adminEmail(), m_server->adminPassword(), platformCa(*m_server));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->linkMonitor().state(), LinkMonitor::State::Connected, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->fleetModel()->rowCount(), deviceCount, 15000);
    QCOMPARE(auditCount(*m_server, u"auth.login"_s), loginsBefore + 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->liveClient()->state(), LiveClient::State::Live, 15000);

    QVERIFY(revokeAllSessions(*m_server));
    // Signed out for a moment at most, then back without anyone clicking: exactly one new sign-in.
    QTRY_VERIFY_WITH_TIMEOUT(auditCount(*m_server, u"auth.login"_s) == loginsBefore + 2
                                 && m_window->linkMonitor().state() == LinkMonitor::State::Connected,
                             15000);
    QTest::qWait(2500);   // two more polls: still connected, and no sign-in storm
    QCOMPARE(m_window->linkMonitor().state(), LinkMonitor::State::Connected);
    QCOMPARE(auditCount(*m_server, u"auth.login"_s), loginsBefore + 2);
    // The live link follows the new session (signed in with the new token: the old one is refused).
    QTRY_COMPARE_WITH_TIMEOUT(m_window->liveClient()->state(), LiveClient::State::Live, 15000);
}

void TestMainWindow::degradedHealthIsAbnormal()
{
    m_window->setSession(adminSession(*m_server));
    auto *overview = m_window->findChild<OverviewBar *>();
    QTRY_COMPARE_WITH_TIMEOUT(overview->tileText(u"health"_s), u"Server OK"_s, 15000);

    // The server's broker stops: the server is reachable but degraded, and says so with 503.
    QVERIFY(m_server->app().embeddedBroker());
    m_server->app().embeddedBroker()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(overview->tileText(u"health"_s).startsWith(u"Server degraded: broker"_s), 15000);
    // The device list still comes from the database, so the link itself is fine.
    QCOMPARE(m_window->linkMonitor().state(), LinkMonitor::State::Connected);
}

void TestMainWindow::emptyFleetSaysSo()
{
    auto *hint = m_window->findChild<QLabel *>(u"emptyHint"_s);
    QVERIFY(!hint->isVisible());   // nothing received yet: not "empty" either
    m_window->setSession(adminSession(*m_server));
    QTRY_VERIFY_WITH_TIMEOUT(hint->isVisible(), 15000);
    QCOMPARE(hint->text(), u"No devices are registered on this server yet."_s);
    QCOMPARE(m_window->findChild<OverviewBar *>()->tileText(u"total"_s), u"0"_s);

    // A desk has the fleet, the alerts, the rules and the notification channels, none of them closable.
    QCOMPARE(m_window->tabs()->count(), 4);
    QCOMPARE(m_window->tabs()->widget(2)->objectName(), u"view-rules"_s);
    QCOMPARE(m_window->tabs()->widget(3)->objectName(), u"view-channels"_s);
    QVERIFY(m_window->showView(u"rules"_s));
    QCOMPARE(m_window->tabs()->currentIndex(), 2);
    QVERIFY(!m_window->showView(u"nothing"_s));
    // The sound option is kept in the settings.
    QVERIFY(!m_window->alertsView()->audibleAlarm());
    m_window->alertsView()->setAudibleAlarm(true);
    QVERIFY(m_settings->audibleAlarm());
}

void TestMainWindow::kioskRotatesReadOnlyDeviceViews()
{
    // The wall signs in by itself and opens the configured devices (an unknown name is skipped, not fatal).
    m_window->setAutoLogin(serverUrl(*m_server), adminEmail(), m_server->adminPassword(), platformCa(*m_server));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tabs()->count(), 4, 15000);   // fleet, alerts, the two devices
    QCOMPARE(m_window->tabs()->currentIndex(), 0);   // it starts on the fleet
    auto *first = qobject_cast<DeviceView *>(m_window->tabs()->widget(2));
    auto *second = qobject_cast<DeviceView *>(m_window->tabs()->widget(3));
    QCOMPARE(m_window->tabs()->widget(1), static_cast<QWidget *>(m_window->alertsView()));
    QVERIFY(first && second);
    QCOMPARE(first->device().serialNumber, u"MW-101"_s);
    QCOMPARE(second->device().serialNumber, u"MW-102"_s);
    // Read-only: the views show details, timeline and charts, nothing that changes a device.
    QCOMPARE(first->tabs()->count(), 1);
    QCOMPARE(first->tabs()->widget(0), static_cast<QWidget *>(first->chart()));
    QVERIFY(!m_window->tabs()->tabsClosable());
    QVERIFY(m_window->alertsView()->audibleAlarm());

    // Every 5 s the next view, round and round, with the title saying which.
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tabs()->currentIndex(), 1, 8000);
    QVERIFY(m_window->findChild<QLabel *>(u"kioskTitle"_s)->text().contains(u"Alerts"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tabs()->currentIndex(), 2, 8000);
    QVERIFY(m_window->findChild<QLabel *>(u"kioskTitle"_s)->text().endsWith(first->title()));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tabs()->currentIndex(), 3, 8000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tabs()->currentIndex(), 0, 8000);
    QCOMPARE(m_window->findChild<QLabel *>(u"kioskTitle"_s)->text(), u"Fleetdeck – fleet overview"_s);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
