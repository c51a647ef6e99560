// The console's Alerts tab end to end, with nothing faked: the real server (HTTPS API, WebSocket API, embedded
// mosquitto with mTLS, SQLite, the rule engine and the alert service) and a simulated pump (fleetdeck_sim) sending
// real telemetry. Rules are made over the REST API as an admin would; everything else is done from the console's
// widgets as an operator would: a rule fires and its row appears through the live link, the alert is acknowledged
// with a note in the action dialog, shelving asks for a note and a tenant admin, a new critical sounds until
// silenced, and the alarm KPI tab counts what happened. Last, the fleet overview's Alarms tile, fed with those alerts.

#include "alerts/alarmkpisview.h"
#include "alerts/alertactiondialog.h"
#include "alerts/alertsmodel.h"
#include "alerts/alertsview.h"
#include "base/consolesettings.h"
#include "base/theme.h"
#include "connection/liveclient.h"
#include "realserver.h"
#include "alerts/alertstyle.h"
#include "shell/mainwindow.h"
#include "shell/overviewbar.h"
#include "simdevice.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace Qt::StringLiterals;
using namespace ConsoleTest;
namespace Sim = Fleetdeck::Sim;

class TestAlertsEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void aRuleFiresAndItsRowAppearsLive();
    void acknowledgeWithANote();
    void shelvingNeedsANoteAndATenantAdmin();
    void aNewCriticalSoundsUntilSilenced();
    void theKpiTabCountsWhatHappened();
    void theOverviewAlarmsTile();

private:
    std::unique_ptr<Sim::SimDevice> provision(const QString &serial, const QString &name);
    QString createUser(const QString &email, const QString &role);
    SessionInfo signIn(const QString &email);
    QString createRule(const QString &name, const QString &metric, double above, const QString &severity);
    QJsonObject serverAlert(const QString &id);
    AlertsView *view() const { return m_window->alertsView(); }
    /// Selects the alert's row in the table, as a click would; false when it is not shown.
    bool select(const QString &alertId);
    /// Presses one of the view's action buttons and returns the dialog it opened.
    AlertActionDialog *openAction(const QString &button);
    /// Types the note and presses the dialog's OK button.
    static void fillAndPressOk(AlertActionDialog *dialog, const QString &note);
    const AlertInfo *shown(const QString &alertId) const;

    QTemporaryDir m_files;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<Sim::SimDevice> m_pump;
    std::unique_ptr<ConsoleSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    const QString m_password = u"alerts e2e password 1"_s;
    const QString m_tenantAdmin = u"shift-lead@alerts.test"_s;
    const QString m_operator = u"operator@alerts.test"_s;
    QString m_majorId;     ///< the alert of the "Pump hot" rule
    QString m_criticalId;  ///< the alert of the "Pressure high" rule
};

std::unique_ptr<Sim::SimDevice> TestAlertsEndToEnd::provision(const QString &serial, const QString &name)
{
    const EnrolledDevice enrolled = enrollDevice(*m_server, m_files.path(), serial, u"pump"_s, name);
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

QString TestAlertsEndToEnd::createUser(const QString &email, const QString &role)
{
    // In the platform admin's tenant, where the pump is.
    const auto r = m_server->requestJson("POST", u"/v1/users"_s,
                                         {{u"email"_s, email}, {u"password"_s, m_password}, {u"role"_s, role}},
                                         m_server->adminToken());
    if (r.status != 201)
        qWarning() << "creating" << email << "failed:" << r.status << r.body;
    return r.json().value(u"user_id"_s).toString();
}

SessionInfo TestAlertsEndToEnd::signIn(const QString &email)
{
    const auto r = m_server->requestJson("POST", u"/v1/auth/login"_s, {{u"email"_s, email}, {u"password"_s, m_password}}, {});
    if (r.status != 200)
        qWarning() << "sign-in of" << email << "failed:" << r.status << r.body;
    const QJsonObject o = r.json();
    return SessionInfo{serverUrl(*m_server), email, o.value(u"token"_s).toString(),
                       QDateTime::fromString(o.value(u"expires_at"_s).toString(), Qt::ISODate), platformCa(*m_server)};
}

QString TestAlertsEndToEnd::createRule(const QString &name, const QString &metric, double above, const QString &severity)
{
    const QJsonObject rule{
        {u"name"_s, name},
        {u"scope"_s, QJsonObject{{u"device_type"_s, u"pump"_s}}},
        {u"condition"_s, QJsonObject{{u"type"_s, u"threshold"_s}, {u"metric"_s, metric}, {u"op"_s, u">"_s}, {u"value"_s, above}}},
        {u"actions"_s, QJsonArray{QJsonObject{{u"type"_s, u"alert"_s}, {u"severity"_s, severity},
                                              {u"message"_s, u"{device.name}: %1 at {value}"_s.arg(metric)}}}}};
    const auto r = m_server->requestJson("POST", u"/v1/rules"_s, rule, m_server->adminToken());
    if (r.status != 201)
        qWarning() << "creating rule" << name << "failed:" << r.status << r.body;
    return r.json().value(u"id"_s).toString();
}

QJsonObject TestAlertsEndToEnd::serverAlert(const QString &id)
{
    const auto r = m_server->request("GET", u"/v1/alerts/%1"_s.arg(id), {}, {}, m_server->adminToken());
    if (r.status != 200)
        qWarning() << "GET alert" << id << "failed:" << r.status << r.body;
    return r.json();
}

const AlertInfo *TestAlertsEndToEnd::shown(const QString &alertId) const
{
    const int row = view()->model()->rowOf(alertId);
    return row < 0 ? nullptr : &view()->model()->alert(row);
}

bool TestAlertsEndToEnd::select(const QString &alertId)
{
    QTableView *table = view()->table();
    for (int r = 0; r < table->model()->rowCount(); ++r) {
        const QModelIndex index = table->model()->index(r, AlertsModel::MessageColumn);
        if (index.data(AlertsModel::AlertIdRole).toString() == alertId) {
            table->clearSelection();
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
            return table->selectionModel()->isRowSelected(r, {});
        }
    }
    return false;
}

AlertActionDialog *TestAlertsEndToEnd::openAction(const QString &button)
{
    auto *b = view()->findChild<QPushButton *>(button);
    if (!b || !b->isEnabled()) {
        qWarning() << "the" << button << "button is" << (b ? "disabled" : "missing");
        return nullptr;
    }
    QTest::mouseClick(b, Qt::LeftButton);
    auto *dialog = view()->findChild<AlertActionDialog *>();
    if (dialog && !QTest::qWaitForWindowExposed(dialog))
        qWarning() << "the action dialog is not shown";
    return dialog;
}

void TestAlertsEndToEnd::fillAndPressOk(AlertActionDialog *dialog, const QString &note)
{
    auto *edit = dialog->findChild<QPlainTextEdit *>(u"note"_s);
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    if (!note.isEmpty())
        QTest::keyClicks(edit, note);
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
}

void TestAlertsEndToEnd::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_files.isValid());
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    QVERIFY(!createUser(m_tenantAdmin, u"tenant-admin"_s).isEmpty());
    QVERIFY(!createUser(m_operator, u"operator"_s).isEmpty());

    m_pump = provision(u"PMP-0001"_s, u"Booster pump 1"_s);
    QVERIFY(m_pump);
    QVERIFY2(m_pump->start(), qPrintable(m_pump->lastError()));
    QTRY_VERIFY_WITH_TIMEOUT(m_pump->isOnline(), 20000);
    // A hot pump with a normal pressure: the rules made below decide what is abnormal.
    Sim::TelemetryOptions telemetry;
    telemetry.ratePerSecond = 2;
    telemetry.metrics = {{u"temperature"_s, Sim::Profile::Noise, 90.0, 1.0}, {u"pressure"_s, Sim::Profile::Noise, 5.0, 1.0}};
    m_pump->startTelemetry(telemetry);

    // The fleet list is polled once a minute: what shows faster came over the live link.
    const QString ini = m_files.filePath(u"console.ini"_s);
    QSettings(ini, QSettings::IniFormat).setValue(u"fleet/pollIntervalSeconds"_s, 60);
    m_settings = std::make_unique<ConsoleSettings>(ini);

    m_window = std::make_unique<MainWindow>(*m_settings, MainWindow::Mode::Desktop);
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestAlertsEndToEnd::cleanupTestCase()
{
    m_window.reset();
    if (m_pump)
        m_pump->stop();
    m_pump.reset();
    m_server.reset();
}

void TestAlertsEndToEnd::aRuleFiresAndItsRowAppearsLive()
{
    m_window->setSession(signIn(m_tenantAdmin));
    QVERIFY(m_window->showView(u"alerts"_s));
    QCOMPARE(m_window->tabs()->currentIndex(), 1);
    QCOMPARE(m_window->tabs()->currentWidget(), view());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->liveClient()->state(), LiveClient::State::Live, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(!view()->isLoading(), 10000);
    QCOMPARE(view()->model()->rowCount(), 0);   // nothing abnormal yet

    // From here on the list must not be read again: the row has to come over the live link.
    QSignalSpy reloads(view(), &AlertsView::loaded);
    QVERIFY(!createRule(u"Pump hot"_s, u"temperature"_s, 80, u"major"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(view()->model()->rowCount(), 1, 15000);
    QCOMPARE(reloads.count(), 0);

    const AlertInfo &a = view()->model()->alert(0);
    m_majorId = a.id;
    QCOMPARE(a.deviceId, m_pump->identity().deviceId);
    QCOMPARE(a.severity, AlertInfo::Severity::Major);
    QCOMPARE(a.ruleName, u"Pump hot"_s);
    QVERIFY(a.isUnacknowledgedActive());
    const QAbstractItemModel *table = view()->table()->model();
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->index(0, AlertsModel::StateColumn).data().toString(), u"Active, unacknowledged"_s);
    QVERIFY(table->index(0, AlertsModel::MessageColumn).data().toString().startsWith(u"Booster pump 1: temperature at"_s));
    QCOMPARE(view()->summary().unacknowledged, 1);
    QCOMPARE(view()->summary().highest, std::optional(AlertInfo::Severity::Major));
    QCOMPARE(serverAlert(m_majorId).value(u"state"_s).toString(), u"active_unacknowledged"_s);
}

void TestAlertsEndToEnd::acknowledgeWithANote()
{
    QVERIFY(!m_majorId.isEmpty());
    QVERIFY(select(m_majorId));
    QPointer<AlertActionDialog> dialog = openAction(u"acknowledge"_s);
    QVERIFY(dialog);
    QCOMPARE(dialog->action(), AlertActionDialog::Action::Acknowledge);
    const QString note = u"Crew on the way, ticket 4711"_s;
    fillAndPressOk(dialog, note);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog, 10000);   // accepted and closed

    QTRY_VERIFY_WITH_TIMEOUT(shown(m_majorId) && shown(m_majorId)->acknowledged, 10000);
    QVERIFY(shown(m_majorId)->active);
    const int row = view()->model()->rowOf(m_majorId);
    QCOMPARE(view()->model()->index(row, AlertsModel::StateColumn).data().toString(), u"Active, acknowledged"_s);
    QCOMPARE(view()->summary().unacknowledged, 0);

    const QJsonObject alert = serverAlert(m_majorId);
    QCOMPARE(alert.value(u"state"_s).toString(), u"active_acknowledged"_s);
    QCOMPARE(alert.value(u"acknowledge_note"_s).toString(), note);
    QCOMPARE(alert.value(u"acknowledged_by"_s).toString(), m_tenantAdmin);
    // Everyone sees the note: it is in the details' history.
    QTRY_VERIFY_WITH_TIMEOUT(view()->findChild<QTextBrowser *>(u"alertDetails"_s)->toPlainText().contains(note), 10000);
}

void TestAlertsEndToEnd::shelvingNeedsANoteAndATenantAdmin()
{
    QVERIFY(!m_majorId.isEmpty());
    auto *shelve = view()->findChild<QPushButton *>(u"shelve"_s);

    // An operator may acknowledge, not shelve: the button says so instead of failing after the dialog.
    m_window->setSession(signIn(m_operator));
    QTRY_VERIFY_WITH_TIMEOUT(!view()->isLoading() && shown(m_majorId), 15000);
    QVERIFY(select(m_majorId));
    QTRY_VERIFY_WITH_TIMEOUT(!shelve->toolTip().isEmpty(), 10000);   // the role is read after the list
    QVERIFY(!shelve->isEnabled());
    QCOMPARE(shelve->toolTip(), u"Shelving is for tenant administrators"_s);

    m_window->setSession(signIn(m_tenantAdmin));
    QTRY_VERIFY_WITH_TIMEOUT(!view()->isLoading() && shown(m_majorId), 15000);
    QVERIFY(select(m_majorId));
    QTRY_VERIFY_WITH_TIMEOUT(shelve->isEnabled(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->liveClient()->state(), LiveClient::State::Live, 15000);

    QPointer<AlertActionDialog> dialog = openAction(u"shelve"_s);
    QVERIFY(dialog);
    QCOMPARE(dialog->action(), AlertActionDialog::Action::Shelve);
    // Without a note the dialog refuses before asking the server: it says why and stays open.
    fillAndPressOk(dialog, {});
    auto *problem = dialog->findChild<QLabel *>(u"problem"_s);
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().contains(u"note is required"_s), qPrintable(problem->text()));
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());   // fix it and retry
    QTest::qWait(300);
    QVERIFY(serverAlert(m_majorId).value(u"shelved"_s).isNull());
    QVERIFY(!shown(m_majorId)->shelved);

    const QString note = u"Sensor being replaced, ticket 4712"_s;
    dialog->setShelveDurationSeconds(3600);
    fillAndPressOk(dialog, note);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(shown(m_majorId)->shelved, 10000);
    QCOMPARE(shown(m_majorId)->shelveNote, note);
    QVERIFY(shown(m_majorId)->isSidelined());
    QCOMPARE(view()->summary().highest, std::nullopt);   // a shelved alarm is no longer the highest priority
    const QJsonObject shelved = serverAlert(m_majorId).value(u"shelved"_s).toObject();
    QCOMPARE(shelved.value(u"note"_s).toString(), note);
    QCOMPARE(shelved.value(u"by"_s).toString(), m_tenantAdmin);
    QCOMPARE(shelved.value(u"one_shot"_s).toBool(), false);
    QVERIFY(!shelved.value(u"until"_s).toString().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(view()->findChild<QPushButton *>(u"unshelve"_s)->isEnabled(), 5000);
}

void TestAlertsEndToEnd::aNewCriticalSoundsUntilSilenced()
{
    QTRY_COMPARE_WITH_TIMEOUT(m_window->liveClient()->state(), LiveClient::State::Live, 15000);
    auto *audible = view()->findChild<QCheckBox *>(u"audibleAlarm"_s);
    auto *silence = view()->findChild<QPushButton *>(u"silence"_s);
    QVERIFY(!audible->isChecked());   // off unless chosen
    QTest::mouseClick(audible, Qt::LeftButton);
    QVERIFY(view()->audibleAlarm());
    QCOMPARE(view()->soundsMade(), 0);   // the major alert made no sound
    QVERIFY(!silence->isEnabled());

    QSignalSpy sounded(view(), &AlertsView::alarmSounded);
    const int rows = view()->model()->rowCount();
    QVERIFY(!createRule(u"Pressure high"_s, u"pressure"_s, 3, u"critical"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(view()->model()->rowCount(), rows + 1, 15000);
    for (const AlertInfo &a : view()->model()->alerts())
        if (a.severity == AlertInfo::Severity::Critical)
            m_criticalId = a.id;
    QVERIFY(!m_criticalId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(view()->soundsMade() >= 1, 5000);
    QVERIFY(sounded.count() >= 1);
    QVERIFY(silence->isEnabled());
    QCOMPARE(view()->summary().highest, std::optional(AlertInfo::Severity::Critical));

    // It repeats while the critical waits for acknowledgement...
    QTRY_VERIFY_WITH_TIMEOUT(view()->soundsMade() >= 2, 15000);
    // ... until silenced, which is not an acknowledgement.
    QTest::mouseClick(silence, Qt::LeftButton);
    QVERIFY(!silence->isEnabled());
    const int made = view()->soundsMade();
    QTest::qWait(6500);   // longer than the repeat interval (5 s)
    QCOMPARE(view()->soundsMade(), made);
    QVERIFY(shown(m_criticalId)->isUnacknowledgedActive());
    QCOMPARE(serverAlert(m_criticalId).value(u"state"_s).toString(), u"active_unacknowledged"_s);
}

void TestAlertsEndToEnd::theKpiTabCountsWhatHappened()
{
    auto *kpis = view()->findChild<AlarmKpisView *>();
    QVERIFY(kpis);
    QSignalSpy loaded(kpis, &AlarmKpisView::loaded);
    view()->showKpis();   // what --view alerts-kpis does
    QVERIFY(kpis->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 10000);

    // Two alarms were raised: one major, one critical.
    QCOMPARE(kpis->lastKpis().value(u"raised"_s).toInteger(), 2);
    QCOMPARE(kpis->figure(u"kpiRaised"_s), QLocale().toString(2));
    QCOMPARE(kpis->figure(u"kpiMix"_s), u"50 / 50 / 0 %"_s);
    QVERIFY2(kpis->figure(u"kpiMixTarget"_s).startsWith(u"✗"_s), qPrintable(kpis->figure(u"kpiMixTarget"_s)));
    QCOMPARE(kpis->figure(u"kpiChattering"_s), QLocale().toString(0));
    QVERIFY(!kpis->figure(u"kpiStatus"_s).isEmpty());
    auto *actors = kpis->findChild<QTableWidget *>(u"badActors"_s);
    QCOMPARE(actors->rowCount(), 2);
    QStringList sources;
    for (int r = 0; r < actors->rowCount(); ++r)
        sources << actors->item(r, 0)->text();
    sources.sort();
    QCOMPARE(sources, (QStringList{u"Pressure high"_s, u"Pump hot"_s}));
}

void TestAlertsEndToEnd::theOverviewAlarmsTile()
{
    OverviewBar bar;
    bar.resize(1400, 120);
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    auto *tile = bar.findChild<QWidget *>(u"alarms"_s);
    auto *value = bar.findChild<QLabel *>(u"alarmsValue"_s);
    auto *symbol = bar.findChild<QLabel *>(u"alarmsSymbol"_s);
    QVERIFY(tile && value && symbol);
    const QColor normal = bar.palette().color(QPalette::WindowText);
    const auto valueColor = [&] { return value->palette().color(QPalette::WindowText); };

    // Before any counts: no data, never "no alarms".
    QCOMPARE(bar.tileText(u"alarms"_s), u"–"_s);
    QCOMPARE(valueColor(), Theme::staleTextColor());
    QVERIFY(!symbol->isVisible());

    // None open: grey, no symbol, and words that say so.
    bar.setAlarmCounts({});
    QCOMPARE(bar.tileText(u"alarms"_s), u"0 / 0"_s);
    QCOMPARE(bar.tileText(u"alarmsDetail"_s), u"No open alarms"_s);
    QCOMPARE(valueColor(), normal);
    QVERIFY(!symbol->isVisible());

    // The alerts the tests above left: the critical active and unacknowledged, the major shelved (set aside).
    const OverviewBar::AlarmCounts real = OverviewBar::AlarmCounts::count(view()->model()->alerts());
    QCOMPARE(real.totalActive(), 1);
    QCOMPARE(real.totalUnacknowledged(), 1);
    QCOMPARE(real.active[0], 1);
    QCOMPARE(real.sidelined, 1);
    QCOMPARE(real.highestActive(), std::optional(AlertInfo::Severity::Critical));
    bar.setAlarmCounts(real);
    QCOMPARE(bar.tileText(u"alarms"_s), u"1 / 1"_s);
    QCOMPARE(bar.tileText(u"alarmsDetail"_s), u"1 Critical · 1 set aside"_s);
    QCOMPARE(valueColor(), AlertStyle::color(AlertInfo::Severity::Critical));
    QVERIFY(symbol->isVisible());   // the priority's shape and number, not colour alone
    QVERIFY(!symbol->pixmap().isNull());

    // Several priorities: the highest decides the symbol and the colour, the words list them highest first.
    OverviewBar::AlarmCounts mixed;
    mixed.active = {0, 2, 3, 0, 0};
    mixed.unacknowledged = {0, 1, 2, 0, 0};
    bar.setAlarmCounts(mixed);
    QCOMPARE(bar.tileText(u"alarms"_s), u"3 / 5"_s);
    QCOMPARE(bar.tileText(u"alarmsDetail"_s), u"2 Major, 3 Minor"_s);
    QCOMPARE(valueColor(), AlertStyle::color(AlertInfo::Severity::Major));

    // Returned to normal, not acknowledged: still shown (hollow symbol), the number without alarm colour.
    OverviewBar::AlarmCounts returned;
    returned.unacknowledged = {0, 0, 2, 0, 0};
    bar.setAlarmCounts(returned);
    QCOMPARE(bar.tileText(u"alarms"_s), u"2 / 0"_s);
    QVERIFY(bar.tileText(u"alarmsDetail"_s).startsWith(u"None active; 2 returned to normal"_s));
    QCOMPARE(valueColor(), normal);
    QVERIFY(symbol->isVisible());

    // A lost link greys the figures like every other tile's; unknown again is "–".
    bar.setAlarmCounts(real);
    bar.setStale(true);
    QCOMPARE(valueColor(), Theme::staleTextColor());
    QCOMPARE(bar.tileText(u"alarms"_s), u"1 / 1"_s);
    bar.setStale(false);
    QCOMPARE(valueColor(), AlertStyle::color(AlertInfo::Severity::Critical));
    bar.clearAlarmCounts();
    QCOMPARE(bar.tileText(u"alarms"_s), u"–"_s);

    // A click (or Enter on the focused tile) asks for the alarm list; the device filters are not touched.
    QSignalSpy clicked(&bar, &OverviewBar::alarmsClicked);
    QSignalSpy filtered(&bar, &OverviewBar::filterRequested);
    QTest::mouseClick(tile, Qt::LeftButton);
    QCOMPARE(clicked.count(), 1);
    tile->setFocus();
    QTest::keyClick(tile, Qt::Key_Return);
    QCOMPARE(clicked.count(), 2);
    QCOMPARE(filtered.count(), 0);
}

QTEST_MAIN(TestAlertsEndToEnd)
#include "tst_alerts_e2e.moc"
