// End to end, with nothing faked: the real server (HTTPS API, embedded mosquitto with mTLS, SQLite), three devices
// registered with their own keys and connected as real MQTT clients, and the console's own widgets driven as an
// operator would: sign in, trust the CA, find a device with the filter box, watch it go offline.

#include "connection/certificateinfo.h"
#include "base/consolesettings.h"
#include "fleet/fleetmodel.h"
#include "mqtt/mqttclient.h"
#include "protocol/messages.h"
#include "protocol/topics.h"
#include "realserver.h"
#include "shell/connectdialog.h"
#include "shell/mainwindow.h"
#include "shell/overviewbar.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace ConsoleTest;
using Fleetdeck::MqttClient;
namespace Messages = Fleetdeck::Messages;
namespace Topics = Fleetdeck::Topics;

namespace {

struct FieldDevice
{
    QString id;
    QString serial;
    std::unique_ptr<MqttClient> client;
};

} // namespace

class TestConsoleEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void operatorSeesDevicesComeAndGo();

private:
    bool addDevice(const QString &serial, const QString &name);
    /// The connection column of the only row the table shows, as the operator reads it.
    QString shownConnection() const;

    QTemporaryDir m_files;
    std::unique_ptr<TestServer> m_server;
    std::vector<FieldDevice> m_devices;
    std::unique_ptr<ConsoleSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

bool TestConsoleEndToEnd::addDevice(const QString &serial, const QString &name)
{
    const EnrolledDevice enrolled = enrollDevice(*m_server, m_files.path(), serial, u"pump"_s, name);
    if (enrolled.deviceId.isEmpty())
        return false;
    FieldDevice device;
    device.id = enrolled.deviceId;
    device.serial = serial;
    const QString certFile = enrolled.certFile;
    const QString keyFile = enrolled.keyFile;

    Fleetdeck::MqttClientOptions o;
    o.host = u"localhost"_s;
    o.port = m_server->mqttPort();
    o.clientId = device.id;
    o.caFile = m_server->caFile();
    o.certFile = certFile;
    o.keyFile = keyFile;
    // The device protocol: whoever vanishes without a word is declared offline by the broker.
    o.willTopic = Topics::status(device.id);
    o.willPayload = Messages::encode({Messages::DeviceStatus::State::Offline, {}});
    o.willRetain = true;
    device.client = std::make_unique<MqttClient>(o);
    MqttClient *client = device.client.get();
    const QString id = device.id;
    connect(client, &MqttClient::connected, this, [client, id] {
        (void)client->publish(Topics::status(id), Messages::encode({Messages::DeviceStatus::State::Online, {}}), 1, true);
    });
    if (!client->start())
        return false;
    m_devices.push_back(std::move(device));
    return true;
}

QString TestConsoleEndToEnd::shownConnection() const
{
    const auto *table = m_window->findChild<QTableView *>(u"fleetTable"_s);
    if (!table || table->model()->rowCount() != 1)
        return {};
    return table->model()->index(0, FleetModel::ConnectionColumn).data().toString();
}

void TestConsoleEndToEnd::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_files.isValid());
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    for (int i = 1; i <= 3; ++i)
        QVERIFY(addDevice(u"E2E-%1"_s.arg(i, 4, 10, QLatin1Char('0')), u"Pump %1"_s.arg(i)));
    QTRY_VERIFY_WITH_TIMEOUT(std::ranges::all_of(m_devices, [](const FieldDevice &d) {
                                 return d.client->state() == MqttClient::State::Connected;
                             }), 20000);

    const QString ini = m_files.filePath(u"console.ini"_s);
    QSettings(ini, QSettings::IniFormat).setValue(u"fleet/pollIntervalSeconds"_s, 1);
    m_settings = std::make_unique<ConsoleSettings>(ini);
}

void TestConsoleEndToEnd::cleanupTestCase()
{
    m_window.reset();
    m_devices.clear();
    m_server.reset();
}

void TestConsoleEndToEnd::operatorSeesDevicesComeAndGo()
{
    // Sign in through the dialog, typing what an operator types.
    ConnectDialog dialog(*m_settings);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *server = dialog.findChild<QComboBox *>(u"serverEdit"_s);
    server->lineEdit()->clear();
    QTest::keyClicks(server->lineEdit(), serverUrl(*m_server).toString());
    QTest::keyClicks(dialog.findChild<QLineEdit *>(u"emailEdit"_s), adminEmail());
    QTest::keyClicks(dialog.findChild<QLineEdit *>(u"passwordEdit"_s), m_server->adminPassword());
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);

    // First contact: the console asks about the server's CA and shows the fingerprint of the real one.
    QTRY_COMPARE_WITH_TIMEOUT(dialog.findChild<QStackedWidget *>()->currentWidget()->objectName(), u"trustPage"_s, 15000);
    QCOMPARE(dialog.findChild<QLabel *>(u"fingerprintLabel"_s)->text().remove(u'\n'),
             CertificateInfo::sha256Fingerprint(platformCa(*m_server)));
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"trustButton"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);

    // The main window takes the session, as the console's main() does.
    m_window = std::make_unique<MainWindow>(*m_settings, MainWindow::Mode::Desktop);
    m_window->resize(1200, 700);
    m_window->show();
    m_window->setSession(dialog.session());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->fleetModel()->rowCount(), 3, 15000);
    auto *overview = m_window->findChild<OverviewBar *>();
    QTRY_COMPARE_WITH_TIMEOUT(overview->tileText(u"online"_s), u"3"_s, 15000);

    // Find the second pump by typing its serial number into the filter box.
    const FieldDevice &target = m_devices.at(1);
    auto *filter = m_window->findChild<QLineEdit *>(u"filterEdit"_s);
    QTest::keyClicks(filter, target.serial);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->findChild<QTableView *>(u"fleetTable"_s)->model()->rowCount(), 1, 5000);
    const auto *table = m_window->findChild<QTableView *>(u"fleetTable"_s);
    QCOMPARE(table->model()->index(0, FleetModel::NameColumn).data().toString(), u"Pump 2"_s);
    QCOMPARE(table->model()->index(0, FleetModel::SerialColumn).data().toString(), target.serial);
    QCOMPARE(shownConnection(), u"Online"_s);
    QCOMPARE(table->model()->index(0, FleetModel::StatusColumn).data().toString(), u"Active"_s);

    // The device drops off the network without a word; the broker publishes its will, and the next poll shows it.
    target.client->abort();
    QTRY_COMPARE_WITH_TIMEOUT(shownConnection(), u"Offline"_s, 20000);
    // Active but offline is the abnormal case: a warning icon and colour besides the word.
    QVERIFY(table->model()->index(0, FleetModel::ConnectionColumn).data(FleetModel::AbnormalRole).toBool());
    QVERIFY(!table->model()->index(0, FleetModel::ConnectionColumn).data(Qt::DecorationRole).isNull());
    // The row changes at once; the tiles are recounted on the window's one-second tick, so they may lag by that much.
    QTRY_COMPARE_WITH_TIMEOUT(overview->tileText(u"offline"_s), u"1"_s, 3000);
    QCOMPARE(overview->tileText(u"online"_s), u"2"_s);

    // The other two are untouched.
    filter->clear();
    QTest::keyClicks(filter, u"conn:online"_s);
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, 5000);
    QCOMPARE(m_window->linkMonitor().state(), LinkMonitor::State::Connected);
}

QTEST_MAIN(TestConsoleEndToEnd)
#include "tst_console_e2e.moc"
