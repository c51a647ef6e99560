// The device view end to end, with nothing faked: the real server (HTTPS API, WebSocket API, embedded mosquitto
// with mTLS, SQLite) and a simulated device (fleetdeck_sim's SimDevice: its own key and certificate, telemetry with
// end-to-end acks, a command executor and the twin), driven from the console's widgets as an operator would: find
// the device, open it, watch live points arrive in its chart, send a command and see it succeed, change its twin,
// and see it drop off the network through the live link (the fleet list is polled only once a minute here).

#include "connection/liveclient.h"
#include "base/consolesettings.h"
#include "device/commandconsole.h"
#include "device/deviceview.h"
#include "device/jsoneditor.h"
#include "device/telemetrychart.h"
#include "device/twinview.h"
#include "live/livehub.h"
#include "fleet/fleetmodel.h"
#include "realserver.h"
#include "shell/mainwindow.h"
#include "simdevice.h"

#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConsoleTest;
namespace Sim = Fleetdeck::Sim;

class TestDeviceEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void operatorWatchesAndCommandsADevice();
    void commandStatesArePolledWithoutTheLiveLink();

private:
    std::unique_ptr<Sim::SimDevice> provision(const QString &serial, const QString &name);

    QTemporaryDir m_files;
    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<Sim::SimDevice>> m_devices;
    std::unique_ptr<ConsoleSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

std::unique_ptr<Sim::SimDevice> TestDeviceEndToEnd::provision(const QString &serial, const QString &name)
{
    const EnrolledDevice enrolled = enrollDevice(*m_server, m_files.path(), serial, u"pump"_s, name, {u"north"_s});
    if (enrolled.deviceId.isEmpty())
        return nullptr;
    Sim::DeviceIdentity id;
    id.deviceId = enrolled.deviceId;
    id.serialNumber = serial;
    id.certFile = enrolled.certFile;
    id.keyFile = enrolled.keyFile;
    id.caFile = m_server->caFile();
    id.mqttHost = u"localhost"_s;
    id.mqttPort = m_server->mqttPort();
    return std::make_unique<Sim::SimDevice>(id, u"2.4.1"_s);
}

void TestDeviceEndToEnd::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_files.isValid());
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    for (int i = 1; i <= 3; ++i) {
        auto device = provision(u"DEV-%1"_s.arg(i, 4, 10, QLatin1Char('0')), u"Booster pump %1"_s.arg(i));
        QVERIFY(device);
        QVERIFY2(device->start(), qPrintable(device->lastError()));
        m_devices.push_back(std::move(device));
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::ranges::all_of(m_devices, [](const auto &d) { return d->isOnline(); }), 20000);

    // Polled once a minute: whatever changes faster on screen came over the live link.
    const QString ini = m_files.filePath(u"console.ini"_s);
    QSettings(ini, QSettings::IniFormat).setValue(u"fleet/pollIntervalSeconds"_s, 60);
    m_settings = std::make_unique<ConsoleSettings>(ini);
}

void TestDeviceEndToEnd::cleanupTestCase()
{
    m_window.reset();
    for (auto &d : m_devices)
        d->stop();
    m_devices.clear();
    m_server.reset();
}

void TestDeviceEndToEnd::operatorWatchesAndCommandsADevice()
{
    m_window = std::make_unique<MainWindow>(*m_settings, MainWindow::Mode::Desktop);
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->setSession(adminSession(*m_server));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->fleetModel()->rowCount(), 3, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->liveClient()->state(), LiveClient::State::Live, 15000);
    QVERIFY(m_window->findChild<QLabel *>(u"liveLabel"_s)->text().contains(u"Live"_s));

    // Find the second pump with the filter box and open it with a double-click.
    Sim::SimDevice &target = *m_devices.at(1);
    auto *filter = m_window->findChild<QLineEdit *>(u"filterEdit"_s);
    QTest::keyClicks(filter, target.identity().serialNumber);
    auto *table = m_window->findChild<QTableView *>(u"fleetTable"_s);
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 5000);
    const QRect cell = table->visualRect(table->model()->index(0, FleetModel::NameColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    DeviceView *view = m_window->deviceView(target.identity().deviceId);
    QVERIFY2(view, "a double-click on the row opens the device");
    QCOMPARE(m_window->tabs()->currentWidget(), view);
    QCOMPARE(m_window->tabs()->tabText(m_window->tabs()->currentIndex()), u"Booster pump 2"_s);
    QCOMPARE(view->fieldText(u"serial"_s), target.identity().serialNumber);
    QVERIFY(m_window->tabs()->tabIcon(m_window->tabs()->indexOf(view)).isNull());   // nothing abnormal
    QCOMPARE(view->fieldText(u"tags"_s), u"north"_s);
    QTRY_COMPARE_WITH_TIMEOUT(view->fieldText(u"firmware"_s), u"2.4.1"_s, 5000);

    // Live points arrive in the chart while the device sends (the history query alone would not grow it).
    const QString lastSeenBefore = view->fieldText(u"last_seen"_s);
    Sim::TelemetryOptions telemetry;
    telemetry.ratePerSecond = 5;
    target.startTelemetry(telemetry);
    TelemetryChart *chart = view->chart();
    QTRY_VERIFY_WITH_TIMEOUT(chart->metrics().contains(u"temperature"_s), 15000);
    const int before = chart->pointCount(u"temperature"_s);
    QTRY_VERIFY_WITH_TIMEOUT(chart->pointCount(u"temperature"_s) >= before + 5, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(view->fieldText(u"last_seen"_s) != lastSeenBefore, 5000);   // readings are signs of life

    // The command console: a broken payload cannot be sent, and says where it is broken.
    view->tabs()->setCurrentWidget(view->commandConsole());
    CommandConsole *console = view->commandConsole();
    auto *type = console->findChild<QComboBox *>(u"commandType"_s);
    auto *payload = console->findChild<QPlainTextEdit *>(u"payloadEdit"_s);
    auto *send = console->findChild<QPushButton *>(u"sendCommand"_s);
    type->setCurrentIndex(type->findData(u"set_reporting_interval"_s));
    payload->setFocus();
    payload->selectAll();
    QTest::keyClicks(payload, u"{\"interval_s\": 0.5,}"_s);
    QVERIFY(!send->isEnabled());
    QVERIFY(console->findChild<QLabel *>(u"jsonStatus"_s)->text().startsWith(u"Line 1, column"_s));
    payload->selectAll();
    QTest::keyClicks(payload, u"{\"interval_s\": 0.5}"_s);
    QVERIFY(send->isEnabled());
    QTest::mouseClick(send, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!console->lastCommandId().isEmpty(), 10000);
    // queued → sent → delivered → succeeded, pushed over the live link into the history.
    QTRY_COMPARE_WITH_TIMEOUT(console->shownStatus(console->lastCommandId()), u"succeeded"_s, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(target.telemetryOptions().ratePerSecond, 2.0, 5000);
    auto *history = console->findChild<QTableView *>(u"commandTable"_s);
    QTRY_VERIFY_WITH_TIMEOUT(history->model()->index(0, 4).data().toString().contains(u"interval_s"_s), 5000);

    // Someone renames the device and registers another one: both show within seconds, with the list polled once a
    // minute (each changed device is read again on its own, not the whole list).
    const auto renamed = m_server->requestJson("PATCH", u"/v1/devices/%1"_s.arg(target.identity().deviceId),
                                               {{u"name"_s, u"Booster pump 2 (north)"_s}}, m_server->adminToken());
    QCOMPARE(renamed.status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tabs()->tabText(m_window->tabs()->indexOf(view)), u"Booster pump 2 (north)"_s, 5000);
    QCOMPARE(m_window->fleetModel()->device(m_window->fleetModel()->rowOf(target.identity().deviceId)).name,
             u"Booster pump 2 (north)"_s);
    QVERIFY(!registerDevice(*m_server, u"DEV-0099"_s, u"meter"_s, u"New meter"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->fleetModel()->rowCount(), 4, 5000);

    // The twin: a desired configuration the device applies and reports.
    view->tabs()->setCurrentWidget(view->twinView());
    TwinView *twin = view->twinView();
    auto *desired = twin->findChild<JsonEditor *>(u"desiredEditor"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!twin->stateText().isEmpty(), 10000);
    desired->setText(u"{\"reporting_interval_s\": 1}"_s);
    auto *apply = twin->findChild<QPushButton *>(u"twinApply"_s);
    QVERIFY(apply->isEnabled());
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(twin->desiredVersion(), qint64(1), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(twin->inSync(), 15000);   // the device applied and reported it (refresh every 5 s)
    QVERIFY(twin->stateText().contains(u"In sync"_s));

    // It drops off the network: the broker publishes its will, the server pushes the change, and the fleet row,
    // the device view and its timeline show it long before the next poll.
    const int timeline = view->timelineCount();
    target.stopTelemetry();
    target.client().abort();
    QTRY_COMPARE_WITH_TIMEOUT(view->fieldText(u"connection"_s), u"Offline"_s, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(view->timelineCount() > timeline, 5000);
    QTest::qWait(300);
    QCOMPARE(view->timelineCount(), timeline + 1);   // one change, one entry
    QVERIFY2(!m_window->tabs()->tabIcon(m_window->tabs()->indexOf(view)).isNull(), "active but offline: a warning on its tab");
    const int row = m_window->fleetModel()->rowOf(target.identity().deviceId);
    QCOMPARE(m_window->fleetModel()->device(row).connection, Device::Connection::Offline);

    // A suspended device takes no commands: the console says so instead of failing after Send.
    QCOMPARE(deviceAction(*m_server, target.identity().deviceId, u"suspend"_s), 200);
    QTRY_COMPARE_WITH_TIMEOUT(view->fieldText(u"status"_s), u"Suspended"_s, 10000);
    QVERIFY(!send->isEnabled());
    QVERIFY(console->findChild<QLabel *>(u"commandMessage"_s)->text().contains(u"takes no commands"_s));
    QCOMPARE(deviceAction(*m_server, target.identity().deviceId, u"resume"_s), 200);
    QTRY_VERIFY_WITH_TIMEOUT(send->isEnabled(), 10000);

    // Closing the tab lets go of the device's live telemetry.
    QVERIFY(m_window->liveClient()->telemetryDevices().contains(target.identity().deviceId));
    m_window->tabs()->tabCloseRequested(m_window->tabs()->indexOf(view));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->liveClient()->telemetryDevices().contains(target.identity().deviceId), 5000);
}

void TestDeviceEndToEnd::commandStatesArePolledWithoutTheLiveLink()
{
    // The live link goes down (a firewall between console and port 8444, say): the console still follows the
    // commands it sent, by reading the unfinished ones again.
    QVERIFY(m_window);
    Sim::SimDevice &device = *m_devices.at(2);
    QVERIFY(device.isOnline());
    DeviceView *view = m_window->openDevice(device.identity().deviceId);
    QVERIFY(view);
    m_server->app().live().stop();   // its port closes: every reconnect attempt is refused
    QTRY_VERIFY_WITH_TIMEOUT(m_window->liveClient()->state() != LiveClient::State::Live, 5000);
    view->tabs()->setCurrentWidget(view->commandConsole());
    CommandConsole *console = view->commandConsole();
    auto *type = console->findChild<QComboBox *>(u"commandType"_s);
    type->setCurrentIndex(type->findData(u"ping"_s));
    auto *send = console->findChild<QPushButton *>(u"sendCommand"_s);
    QTRY_VERIFY_WITH_TIMEOUT(send->isEnabled(), 5000);
    QTest::mouseClick(send, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!console->lastCommandId().isEmpty(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(console->shownStatus(console->lastCommandId()), u"succeeded"_s, 15000);
    QVERIFY(m_window->liveClient()->state() != LiveClient::State::Live);   // it was the polling
}

QTEST_MAIN(TestDeviceEndToEnd)
#include "tst_device_e2e.moc"
