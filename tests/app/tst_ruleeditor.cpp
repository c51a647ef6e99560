// The Rules tab end to end against the real server (HTTPS API, embedded mosquitto with mTLS, SQLite): the rule
// editor's form and JSON view stay in sync both ways, the server's validation names and marks the field as the
// admin types, the condition tree grows into all/any compounds, saving creates and then patches, switching off and
// deleting work from the list, and a backtest over a device's stored history (sent over MQTT with past
// timestamps) lists the firings and draws them on the metric's chart with the rule's limit.

#include "connection/apiclient.h"
#include "device/jsoneditor.h"
#include "device/telemetrychart.h"
#include "fleet/device.h"
#include "mqtt/mqttclient.h"
#include "protocol/telemetry.h"
#include "protocol/topics.h"
#include "realserver.h"
#include "rules/ruleeditor.h"
#include "rules/rulesview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTimer>
#include <QApplication>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <qcustomplot.h>

using namespace Qt::StringLiterals;
using namespace ConsoleTest;

namespace {
constexpr int kTimeoutMs = 15000;
}

class TestRuleEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void formAndJsonStayInSync();
    void validationNamesAndMarksTheField();
    void conditionTreeGrowsCompounds();
    void saveCreatesThenPatches();
    void switchOffAndDeleteFromTheList();
    void backtestDrawsTheFirings();

private:
    template<typename T>
    T *child(const char *name) const
    {
        return m_view->findChild<T *>(QString::fromLatin1(name));
    }
    void connectDevice();
    void send(double temp, qint64 ts);
    QJsonArray storedRules();

    QTemporaryDir m_files;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<RulesView> m_view;
    std::unique_ptr<Fleetdeck::MqttClient> m_mqtt;
    QString m_deviceId;
    QList<Device> m_devices;
    qint64 m_seq = 0;
    qint64 m_lastAck = 0;
};

void TestRuleEditor::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_files.isValid());
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    connectDevice();

    const SessionInfo session = adminSession(*m_server);
    QVERIFY(!session.token.isEmpty());
    m_api = std::make_unique<ApiClient>();
    m_api->setBaseUrl(session.server);
    m_api->setTrustedCa(session.trustedCa);
    m_api->setBearerToken(session.token);

    const auto list = m_server->request("GET", u"/v1/devices"_s, {}, {}, m_server->adminToken());
    QCOMPARE(list.status, 200);
    auto page = parseDevicePage(QJsonDocument(list.json()));
    QVERIFY(page);
    m_devices = page->items;
    QCOMPARE(m_devices.size(), 1);

    m_view = std::make_unique<RulesView>(m_api.get());
    QCOMPARE(m_view->objectName(), u"view-rules"_s);
    m_view->resize(1400, 900);
    m_view->show();
    m_view->setDevices(m_devices);
    QSignalSpy loaded(m_view.get(), &RulesView::loaded);
    m_view->reload();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
    QVERIFY(!m_view->canWrite());   // read-only until told the role
    QVERIFY(m_view->editor()->isReadOnly());
    QVERIFY(RulesView::roleCanWrite(u"tenant-admin"_s) && !RulesView::roleCanWrite(u"operator"_s));
    m_view->setCanWrite(true);   // the admin
    QCOMPARE(m_view->ruleCount(), 0);
    QVERIFY(!m_view->editor()->isReadOnly());
}

void TestRuleEditor::cleanupTestCase()
{
    m_view.reset();
    m_api.reset();
    if (m_mqtt)
        m_mqtt->stop();
    m_mqtt.reset();
    m_server.reset();
}

void TestRuleEditor::connectDevice()
{
    const EnrolledDevice enrolled = enrollDevice(*m_server, m_files.path(), u"RULE-1"_s, u"boiler"_s, u"Boiler 1"_s);
    QVERIFY(!enrolled.deviceId.isEmpty());
    m_deviceId = enrolled.deviceId;
    Fleetdeck::MqttClientOptions o;
    o.host = u"localhost"_s;
    o.port = m_server->mqttPort();
    o.clientId = m_deviceId;
    o.caFile = m_server->caFile();
    o.certFile = enrolled.certFile;
    o.keyFile = enrolled.keyFile;
    m_mqtt = std::make_unique<Fleetdeck::MqttClient>(o);
    connect(m_mqtt.get(), &Fleetdeck::MqttClient::messageReceived, this, [this](const QString &topic, const QByteArray &payload) {
        if (topic == Fleetdeck::Topics::telemetryAck(m_deviceId))
            m_lastAck = std::max(m_lastAck, Fleetdeck::Telemetry::decodeAck(payload).value_or(0));
    });
    bool subscribed = false;
    connect(m_mqtt.get(), &Fleetdeck::MqttClient::connected, this, [this, &subscribed] {
        (void)m_mqtt->subscribe(Fleetdeck::Topics::telemetryAck(m_deviceId), 1);
        subscribed = true;
    });
    QVERIFY(m_mqtt->start().has_value());
    QTRY_VERIFY_WITH_TIMEOUT(subscribed, kTimeoutMs);
    QTest::qWait(200);   // the SUBACK
    disconnect(m_mqtt.get(), &Fleetdeck::MqttClient::connected, this, nullptr);
}

void TestRuleEditor::send(double temp, qint64 ts)
{
    const qint64 seq = ++m_seq;
    const QByteArray payload = QJsonDocument(QJsonObject{{u"seq"_s, seq}, {u"ts"_s, ts},
                                                         {u"metrics"_s, QJsonObject{{u"temp"_s, temp}}}})
                                   .toJson(QJsonDocument::Compact);
    QVERIFY(m_mqtt->publish(Fleetdeck::Topics::telemetry(m_deviceId), payload, 1).has_value());
    QTRY_VERIFY_WITH_TIMEOUT(m_lastAck >= seq, kTimeoutMs);
}

QJsonArray TestRuleEditor::storedRules()
{
    const auto r = m_server->request("GET", u"/v1/rules"_s, {}, {}, m_server->adminToken());
    return r.json().value(u"items").toArray();
}

void TestRuleEditor::formAndJsonStayInSync()
{
    RuleEditor *editor = m_view->editor();
    editor->newRule();
    QVERIFY(!editor->isDirty());
    auto *name = child<QLineEdit>("ruleName");
    QVERIFY(name);
    name->setFocus();
    QTest::keyClicks(name, u"Boiler hot"_s);
    QVERIFY(editor->isDirty());
    // The new rule's threshold node is selected; change its value as typed.
    auto *value = child<QLineEdit>("conditionValue");
    QVERIFY(value && value->isVisible());
    value->selectAll();
    QTest::keyClicks(value, u"95"_s);
    auto *json = child<JsonEditor>("ruleJson");
    QVERIFY(json);
    auto object = json->object();
    QVERIFY(object);
    QCOMPARE(object->value(u"name").toString(), u"Boiler hot"_s);
    QCOMPARE(object->value(u"condition").toObject().value(u"value").toInteger(), 95);
    QCOMPARE(editor->rule(), *object);

    // And back: an edit in the JSON view fills the form.
    QJsonObject changed = *object;
    QJsonObject cond = changed.value(u"condition").toObject();
    cond.insert(u"op"_s, u"<="_s);
    cond.insert(u"for_s"_s, 30);
    changed.insert(u"condition"_s, cond);
    changed.insert(u"off_delay_s"_s, 45);
    json->textEdit()->setPlainText(QString::fromUtf8(QJsonDocument(changed).toJson()));
    QTRY_COMPARE_WITH_TIMEOUT(child<QComboBox>("conditionOp")->currentText(), u"<="_s, kTimeoutMs);
    QCOMPARE(child<QLineEdit>("conditionFor")->text(), u"30"_s);
    QCOMPARE(child<QSpinBox>("offDelay")->value(), 45);
    QCOMPARE(editor->rule().value(u"condition").toObject().value(u"op").toString(), u"<="_s);
    // The tree's line reads the condition.
    auto *tree = child<QTreeWidget>("conditionTree");
    QCOMPARE(tree->topLevelItem(0)->child(0)->text(0), u"temp <= 95 for 30 s"_s);
    QTRY_COMPARE_WITH_TIMEOUT(editor->validation(), RuleEditor::Validation::Valid, kTimeoutMs);
}

void TestRuleEditor::validationNamesAndMarksTheField()
{
    RuleEditor *editor = m_view->editor();
    editor->newRule();
    QTest::keyClicks(child<QLineEdit>("ruleName"), u"Bad"_s);
    QTRY_COMPARE_WITH_TIMEOUT(editor->validation(), RuleEditor::Validation::Valid, kTimeoutMs);
    // An operator the server does not know, typed in the JSON view.
    QJsonObject body = editor->rule();
    QJsonObject cond = body.value(u"condition").toObject();
    cond.insert(u"op"_s, u"=>"_s);
    body.insert(u"condition"_s, cond);
    child<JsonEditor>("ruleJson")->textEdit()->setPlainText(QString::fromUtf8(QJsonDocument(body).toJson()));
    QTRY_COMPARE_WITH_TIMEOUT(editor->validation(), RuleEditor::Validation::Invalid, kTimeoutMs);
    QCOMPARE(editor->invalidPath(), u"/condition/op"_s);
    QVERIFY2(editor->validationMessage().contains(u"unknown operator"_s), qPrintable(editor->validationMessage()));
    QVERIFY(child<QLabel>("validationMessage")->text().contains(u"/condition/op"_s));
    QVERIFY(!child<QComboBox>("conditionOp")->styleSheet().isEmpty());   // the field is marked
    QVERIFY(!child<QPushButton>("saveRuleButton")->isEnabled());

    // A missing name, from the form: the name field is marked instead.
    editor->newRule();
    QJsonObject ok = editor->rule();
    child<QLineEdit>("conditionValue")->selectAll();
    QTest::keyClicks(child<QLineEdit>("conditionValue"), u"70"_s);
    QTRY_COMPARE_WITH_TIMEOUT(editor->validation(), RuleEditor::Validation::Invalid, kTimeoutMs);
    QCOMPARE(editor->invalidPath(), u"/name"_s);
    QVERIFY(!child<QLineEdit>("ruleName")->styleSheet().isEmpty());
    QVERIFY(child<QComboBox>("conditionOp")->styleSheet().isEmpty());   // the old mark went
    QTest::keyClicks(child<QLineEdit>("ruleName"), u"Named"_s);
    QTRY_COMPARE_WITH_TIMEOUT(editor->validation(), RuleEditor::Validation::Valid, kTimeoutMs);
    QVERIFY(child<QLineEdit>("ruleName")->styleSheet().isEmpty());
}

void TestRuleEditor::conditionTreeGrowsCompounds()
{
    RuleEditor *editor = m_view->editor();
    editor->newRule();
    QTest::keyClicks(child<QLineEdit>("ruleName"), u"Two things"_s);
    auto *tree = child<QTreeWidget>("conditionTree");
    QTreeWidgetItem *raise = tree->topLevelItem(0);
    tree->setCurrentItem(raise->child(0));
    QTest::mouseClick(child<QPushButton>("wrapAllButton"), Qt::LeftButton);
    // all(temp > 80, new threshold) with the new one selected to fill in.
    QCOMPARE(raise->childCount(), 1);
    QTreeWidgetItem *all = raise->child(0);
    QCOMPARE(all->childCount(), 2);
    QCOMPARE(tree->currentItem(), all->child(1));
    child<QLineEdit>("conditionValue")->selectAll();
    QTest::keyClicks(child<QLineEdit>("conditionValue"), u"5"_s);
    // Change the second one's type to "absence".
    auto *type = child<QComboBox>("conditionType");
    type->setCurrentIndex(type->findData(u"absence"_s));
    QVERIFY(child<QLineEdit>("conditionSeconds")->isVisible());
    QVERIFY(!child<QLineEdit>("conditionValue")->isVisible());
    QJsonObject cond = editor->rule().value(u"condition").toObject();
    QCOMPARE(cond.value(u"type").toString(), u"all"_s);
    const QJsonArray children = cond.value(u"conditions").toArray();
    QCOMPARE(children.size(), 2);
    QCOMPARE(children.at(0).toObject().value(u"value").toInteger(), 80);
    QCOMPARE(children.at(1).toObject().value(u"type").toString(), u"absence"_s);
    QVERIFY(!children.at(1).toObject().contains(u"op"));   // fields of the old type dropped
    QCOMPARE(children.at(1).toObject().value(u"seconds").toInteger(), 300);
    QTRY_COMPARE_WITH_TIMEOUT(editor->validation(), RuleEditor::Validation::Valid, kTimeoutMs);

    // Remove the absence again; a separate clear condition starts as the reversed test.
    QTest::mouseClick(child<QPushButton>("removeConditionButton"), Qt::LeftButton);
    QCOMPARE(editor->rule().value(u"condition").toObject().value(u"conditions").toArray().size(), 1);
    child<QCheckBox>("useClearCondition")->setChecked(true);
    const QJsonObject clear = editor->rule().value(u"clear_condition").toObject();
    QCOMPARE(clear.value(u"op").toString(), u"<="_s);
    QCOMPARE(clear.value(u"metric").toString(), u"temp"_s);
    QTRY_COMPARE_WITH_TIMEOUT(editor->validation(), RuleEditor::Validation::Valid, kTimeoutMs);
    child<QCheckBox>("useClearCondition")->setChecked(false);
    QVERIFY(!editor->rule().contains(u"clear_condition"));
}

void TestRuleEditor::saveCreatesThenPatches()
{
    RuleEditor *editor = m_view->editor();
    editor->newRule();
    QTest::keyClicks(child<QLineEdit>("ruleName"), u"Boiler overheating"_s);
    child<QComboBox>("scopeDeviceType")->setEditText(u"boiler"_s);
    QTRY_COMPARE_WITH_TIMEOUT(editor->validation(), RuleEditor::Validation::Valid, kTimeoutMs);
    QSignalSpy saved(editor, &RuleEditor::saved);
    QTest::mouseClick(child<QPushButton>("saveRuleButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, kTimeoutMs);
    QVERIFY(!editor->isDirty());
    QVERIFY(!editor->ruleId().isEmpty());
    QJsonArray rules = storedRules();
    QCOMPARE(rules.size(), 1);
    QJsonObject stored = rules.at(0).toObject();
    QCOMPARE(stored.value(u"name").toString(), u"Boiler overheating"_s);
    QCOMPARE(stored.value(u"scope").toObject().value(u"device_type").toString(), u"boiler"_s);
    QCOMPARE(stored.value(u"version").toInt(), 1);
    QCOMPARE(m_view->ruleCount(), 1);
    QCOMPARE(m_view->list()->topLevelItem(0)->text(0), u"Boiler overheating"_s);

    // A change is a PATCH of what changed: same rule, next version.
    child<QComboBox>("alertSeverity")->setCurrentIndex(child<QComboBox>("alertSeverity")->findData(u"critical"_s));
    QVERIFY(editor->isDirty());
    QTRY_COMPARE_WITH_TIMEOUT(editor->validation(), RuleEditor::Validation::Valid, kTimeoutMs);
    editor->save();
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 2, kTimeoutMs);
    rules = storedRules();
    QCOMPARE(rules.size(), 1);
    stored = rules.at(0).toObject();
    QCOMPARE(stored.value(u"version").toInt(), 2);
    QCOMPARE(stored.value(u"severity").toString(), u"critical"_s);
    QCOMPARE(m_view->list()->topLevelItem(0)->text(1), u"Critical"_s);

    // Revert forgets an unsaved edit.
    QTest::keyClicks(child<QLineEdit>("ruleName"), u" (draft)"_s);
    QVERIFY(editor->isDirty());
    QTest::mouseClick(child<QPushButton>("revertRuleButton"), Qt::LeftButton);
    QCOMPARE(child<QLineEdit>("ruleName")->text(), u"Boiler overheating"_s);
    QVERIFY(!editor->isDirty());
}

void TestRuleEditor::switchOffAndDeleteFromTheList()
{
    // A second rule to switch off and delete, made over the API and found by Refresh.
    const auto made = m_server->requestJson(
        "POST", u"/v1/rules"_s,
        {{u"name"_s, u"Spare"_s},
         {u"condition"_s, QJsonObject{{u"type"_s, u"offline"_s}, {u"seconds"_s, 600}}},
         {u"actions"_s, QJsonArray{QJsonObject{{u"type"_s, u"alert"_s}, {u"severity"_s, u"minor"_s}}}}},
        m_server->adminToken());
    QCOMPARE(made.status, 201);
    const QString id = made.json().value(u"id").toString();
    QSignalSpy loaded(m_view.get(), &RulesView::loaded);
    QTest::mouseClick(child<QPushButton>("refreshRulesButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
    QCOMPARE(m_view->ruleCount(), 2);
    QVERIFY(m_view->selectRule(id));
    QCOMPARE(m_view->editor()->ruleId(), id);
    QCOMPARE(child<QComboBox>("conditionType")->currentData().toString(), u"offline"_s);

    QTest::mouseClick(child<QPushButton>("toggleRuleButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_server->request("GET", u"/v1/rules/"_s + id, {}, {}, m_server->adminToken())
                                  .json().value(u"is_active").toBool(true), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(child<QPushButton>("toggleRuleButton")->text(), u"Switch on"_s, kTimeoutMs);

    // Delete asks first; answered by the test.
    QTimer::singleShot(0, this, [] {
        QTRY_VERIFY_WITH_TIMEOUT(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()), kTimeoutMs);
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        box->button(QMessageBox::Yes)->click();
    });
    QTest::mouseClick(child<QPushButton>("deleteRuleButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->ruleCount(), 1, kTimeoutMs);
    QCOMPARE(storedRules().size(), 1);
    QCOMPARE(m_server->request("GET", u"/v1/rules/"_s + id, {}, {}, m_server->adminToken()).status, 404);
}

void TestRuleEditor::backtestDrawsTheFirings()
{
    // Two hours ago, an hour of readings a minute apart, hot twice: minutes 10-14 and 40-41.
    const qint64 start = (QDateTime::currentMSecsSinceEpoch() / 60000 - 120) * 60000;
    for (int i = 0; i < 60; ++i)
        send((i >= 10 && i < 15) || (i >= 40 && i < 42) ? 90 : 20, start + i * 60000);

    RuleEditor *editor = m_view->editor();
    editor->newRule();
    QTest::keyClicks(child<QLineEdit>("ruleName"), u"Draft"_s);   // not saved: the backtest takes the draft
    auto *device = child<QComboBox>("backtestDevice");
    QCOMPARE(device->count(), 1);
    QCOMPARE(device->currentData().toString(), m_deviceId);
    auto *range = child<QComboBox>("backtestRange");
    QVERIFY(editor->setBacktestRange(24 * 3600 * 1000LL));
    QCOMPARE(range->currentText(), u"Last 24 hours"_s);
    QSignalSpy finished(editor, &RuleEditor::backtestFinished);
    QTest::mouseClick(child<QPushButton>("backtestButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(finished.at(0).at(0).toInt(), 2);
    const auto firings = editor->backtestFirings();
    QCOMPARE(firings.size(), 2);
    QCOMPARE(firings.at(0).first, start + 10 * 60000);
    QCOMPARE(firings.at(0).second, start + 15 * 60000);
    QCOMPARE(firings.at(1).first, start + 40 * 60000);
    QVERIFY2(child<QLabel>("backtestSummary")->text().contains(u"fired 2 time"_s), qPrintable(child<QLabel>("backtestSummary")->text()));
    QVERIFY(child<QLabel>("backtestSummary")->text().contains(u"60 readings"_s));
    auto *table = child<QTableWidget>("backtestFirings");
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 2)->text(), u"5 min"_s);   // lasted minutes 10 to 15
    QCOMPARE(table->item(1, 3)->text(), u"90"_s);

    // The chart: the metric's history over the range (min/max bands when aggregated), the firings marked, the limit.
    TelemetryChart *chart = editor->backtestChart();
    QCOMPARE(chart->markers().size(), 2);
    QCOMPARE(chart->markers().at(0).fromMs, start + 10 * 60000);
    QCOMPARE(chart->markers().at(1).label, u"2"_s);   // the firing's row in the table
    QTRY_VERIFY_WITH_TIMEOUT(chart->pointCount(u"temp"_s) > 0, kTimeoutMs);
    QVERIFY(!chart->isLive());
    QVERIFY(chart->hasBand(u"temp"_s));   // 24 hours are aggregated
    int lines = 0;
    for (int i = 0; i < chart->plot()->itemCount(); ++i) {
        if (auto *l = qobject_cast<QCPItemStraightLine *>(chart->plot()->item(i)))
            lines += l->point1->coords().y() == 80.0;
    }
    QCOMPARE(lines, 1);
    // Picking a firing zooms the chart to it.
    table->setCurrentCell(1, 0);
    const auto [from, to] = chart->visibleRange();
    QVERIFY(from <= start + 40 * 60000 && to >= start + 42 * 60000);
    QVERIFY(to - from < 3 * 3600 * 1000);

    // With for_s 180 only the first stretch (5 minutes) qualifies.
    QJsonObject body = editor->rule();
    QJsonObject cond = body.value(u"condition").toObject();
    cond.insert(u"for_s"_s, 180);
    body.insert(u"condition"_s, cond);
    child<JsonEditor>("ruleJson")->textEdit()->setPlainText(QString::fromUtf8(QJsonDocument(body).toJson()));
    QTRY_COMPARE_WITH_TIMEOUT(child<QLineEdit>("conditionFor")->text(), u"180"_s, kTimeoutMs);
    editor->runBacktest();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
    QCOMPARE(finished.at(1).at(0).toInt(), 1);
    QCOMPARE(chart->markers().size(), 1);
}

QTEST_MAIN(TestRuleEditor)
#include "tst_ruleeditor.moc"
