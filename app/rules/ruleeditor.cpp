#include "ruleeditor.h"

#include "ruletext.h"

#include "alerts/alertinfo.h"
#include "alerts/alertstyle.h"
#include "base/theme.h"
#include "connection/apiclient.h"
#include "connection/problemdetails.h"
#include "device/jsoneditor.h"
#include "device/telemetrychart.h"
#include "device/telemetryseries.h"
#include "fleet/device.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTimeZone>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr int kConditionRole = Qt::UserRole + 1;   // the node's own fields (a compound's without its children)
constexpr int kValidateDelayMs = 400;
constexpr int kJsonDelayMs = 300;

constexpr qint64 kHourMs = 3600 * 1000;

struct Choice
{
    const char *value;
    const char *label;
};
constexpr Choice kTypes[] = {
    {"threshold", QT_TRANSLATE_NOOP("RuleEditor", "Threshold (value compared with a limit)")},
    {"range", QT_TRANSLATE_NOOP("RuleEditor", "Range (inside or outside two limits)")},
    {"rate_of_change", QT_TRANSLATE_NOOP("RuleEditor", "Rate of change (per second)")},
    {"aggregate", QT_TRANSLATE_NOOP("RuleEditor", "Windowed aggregate (avg, min, max, count)")},
    {"absence", QT_TRANSLATE_NOOP("RuleEditor", "Absence (no telemetry for a time)")},
    {"offline", QT_TRANSLATE_NOOP("RuleEditor", "Offline (longer than a time)")},
    {"all", QT_TRANSLATE_NOOP("RuleEditor", "All of (and)")},
    {"any", QT_TRANSLATE_NOOP("RuleEditor", "Any of (or)")},
};
constexpr const char *kOps[] = {">", ">=", "<", "<=", "==", "!="};
constexpr const char *kAggs[] = {"avg", "min", "max", "count"};
struct RangeChoice
{
    const char *label;
    qint64 spanMs;
};
constexpr RangeChoice kBacktestRanges[] = {
    {QT_TRANSLATE_NOOP("RuleEditor", "Last 15 minutes"), kHourMs / 4},
    {QT_TRANSLATE_NOOP("RuleEditor", "Last hour"), kHourMs},
    {QT_TRANSLATE_NOOP("RuleEditor", "Last 24 hours"), 24 * kHourMs},
    {QT_TRANSLATE_NOOP("RuleEditor", "Last 7 days"), 7 * 24 * kHourMs},
    {QT_TRANSLATE_NOOP("RuleEditor", "Last 30 days"), 30 * 24 * kHourMs},
};

bool isCompound(const QString &type) { return type == u"all" || type == u"any"; }
bool isValueTest(const QString &type)
{
    return type == u"threshold" || type == u"range" || type == u"rate_of_change" || type == u"aggregate";
}

// The fields each kind of node keeps when its type changes; the rest are dropped so the server does not refuse
// a range with a stray "op".
QStringList fieldsOf(const QString &type)
{
    QStringList f{u"type"_s};
    if (type == u"threshold" || type == u"rate_of_change")
        f << u"metric"_s << u"op"_s << u"value"_s;
    else if (type == u"range")
        f << u"metric"_s << u"min"_s << u"max"_s << u"outside"_s;
    else if (type == u"aggregate")
        f << u"metric"_s << u"agg"_s << u"window_s"_s << u"op"_s << u"value"_s;
    else if (type == u"absence")
        f << u"metric"_s << u"seconds"_s;
    else if (type == u"offline")
        f << u"seconds"_s;
    if (isValueTest(type))
        f << u"for_s"_s << u"repeat"_s << u"deadband"_s;
    return f;
}

// A number as typed ("80", "2.5", "2,5" in German); nullopt when empty, NaN when not a number.
std::optional<double> parseNumber(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    bool ok = false;
    double v = QLocale().toDouble(t, &ok);
    if (!ok)
        v = t.toDouble(&ok);
    return ok ? v : std::nan("");
}

QString numberText(const QJsonValue &v)
{
    return v.isDouble() ? QLocale().toString(v.toDouble(), 'g', 12) : QString();
}

QJsonValue jsonNumber(double v)
{
    // Whole numbers as integers, so the JSON view reads "for_s": 60 and not 60.0.
    if (std::abs(v) < 9e15 && v == std::floor(v))
        return QJsonValue(qint64(v));
    return QJsonValue(v);
}

void setComboValue(QComboBox *combo, const QString &value)
{
    const int i = combo->findData(value);
    if (i >= 0)
        combo->setCurrentIndex(i);
    else if (combo->isEditable())
        combo->setEditText(value);
}

// Today's times to the second (firings minutes apart must read apart), other days with their date.
QString timeText(qint64 ms)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    if (t.date() == QDate::currentDate())
        return t.toString(u"HH:mm:ss"_s);
    return QLocale().toString(t, QLocale::ShortFormat);
}

QString durationText(qint64 ms)
{
    const qint64 s = ms / 1000;
    if (s < 120)
        return RuleEditor::tr("%1 s").arg(s);
    if (s < 7200)
        return RuleEditor::tr("%1 min").arg(s / 60);
    return RuleEditor::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

} // namespace

RuleEditor::RuleEditor(ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_validateTimer(new QTimer(this))
    , m_jsonTimer(new QTimer(this))
{
    setObjectName(u"ruleEditor"_s);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"ruleEditorTabs"_s);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *formPage = new QWidget;
    buildForm(formPage);
    scroll->setWidget(formPage);
    m_tabs->addTab(scroll, tr("Form"));
    m_json = new JsonEditor;
    m_json->setObjectName(u"ruleJson"_s);
    m_json->setAllowEmpty(false);
    m_tabs->addTab(m_json, tr("JSON"));

    m_validationLabel = new QLabel;
    m_validationLabel->setObjectName(u"validationMessage"_s);
    m_validationLabel->setWordWrap(true);
    m_validationLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_save = new QPushButton(tr("Save"));
    m_save->setObjectName(u"saveRuleButton"_s);
    m_save->setDefault(true);
    m_revert = new QPushButton(tr("Revert"));
    m_revert->setObjectName(u"revertRuleButton"_s);
    m_revert->setToolTip(tr("Forget the changes since the rule was loaded or saved"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_validationLabel, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);

    auto *top = new QWidget;
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_tabs, 1);
    topLayout->addLayout(buttons);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(buildBacktest());
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({1000, 1000});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(kValidateDelayMs);
    connect(m_validateTimer, &QTimer::timeout, this, &RuleEditor::validateNow);
    m_jsonTimer->setSingleShot(true);
    m_jsonTimer->setInterval(kJsonDelayMs);
    connect(m_jsonTimer, &QTimer::timeout, this, &RuleEditor::jsonEdited);
    connect(m_json, &JsonEditor::edited, this, [this] {
        if (!m_loading)
            m_jsonTimer->start();
    });
    connect(m_save, &QPushButton::clicked, this, &RuleEditor::save);
    connect(m_revert, &QPushButton::clicked, this, [this] {
        if (m_ruleId.isEmpty())
            newRule();
        else
            setRule(m_stored);
    });

    newRule();
}

RuleEditor::~RuleEditor() = default;

// --- building -------------------------------------------------------------------------------------

void RuleEditor::buildForm(QWidget *page)
{
    auto *layout = new QVBoxLayout(page);

    auto *general = new QGroupBox(tr("Rule"));
    auto *generalForm = new QFormLayout(general);
    m_name = new QLineEdit;
    m_name->setObjectName(u"ruleName"_s);
    m_name->setPlaceholderText(tr("What the operator reads, e.g. \"Pump overheating\""));
    m_description = new QLineEdit;
    m_description->setObjectName(u"ruleDescription"_s);
    m_active = new QCheckBox(tr("Active (evaluated on incoming telemetry)"));
    m_active->setObjectName(u"ruleActive"_s);
    generalForm->addRow(tr("Name:"), m_name);
    generalForm->addRow(tr("Description:"), m_description);
    generalForm->addRow(QString(), m_active);
    layout->addWidget(general);

    auto *scope = new QGroupBox(tr("Devices it watches"));
    auto *scopeForm = new QFormLayout(scope);
    m_scopeType = new QComboBox;
    m_scopeType->setObjectName(u"scopeDeviceType"_s);
    m_scopeType->setEditable(true);
    m_scopeType->lineEdit()->setPlaceholderText(tr("any type"));
    m_scopeTags = new QLineEdit;
    m_scopeTags->setObjectName(u"scopeTags"_s);
    m_scopeTags->setPlaceholderText(tr("comma-separated; a device needs all of them"));
    m_scopeDevices = new QListWidget;
    m_scopeDevices->setObjectName(u"scopeDevices"_s);
    m_scopeDevices->setMaximumHeight(110);
    m_scopeDevices->setToolTip(tr("Tick devices to limit the rule to them; none ticked: every device the type and "
                                  "tags allow"));
    scopeForm->addRow(tr("Device type:"), m_scopeType);
    scopeForm->addRow(tr("Tags:"), m_scopeTags);
    scopeForm->addRow(tr("Only these devices:"), m_scopeDevices);
    layout->addWidget(scope);

    auto *condition = new QGroupBox(tr("Condition"));
    auto *conditionLayout = new QHBoxLayout(condition);
    auto *treeSide = new QVBoxLayout;
    m_tree = new QTreeWidget;
    m_tree->setObjectName(u"conditionTree"_s);
    m_tree->setHeaderHidden(true);
    m_tree->setMinimumWidth(260);
    m_tree->setMinimumHeight(160);
    m_raiseRoot = new QTreeWidgetItem(m_tree, {tr("Raise when")});
    m_raiseRoot->setFlags(Qt::ItemIsEnabled);
    m_clearRoot = new QTreeWidgetItem(m_tree, {tr("Clear when (instead of when the condition stops)")});
    m_clearRoot->setFlags(Qt::ItemIsEnabled);
    m_clearRoot->setHidden(true);
    QFont bold = m_raiseRoot->font(0);
    bold.setBold(true);
    m_raiseRoot->setFont(0, bold);
    m_clearRoot->setFont(0, bold);
    treeSide->addWidget(m_tree, 1);
    auto *treeButtons = new QHBoxLayout;
    m_addChild = new QPushButton(tr("Add"));
    m_addChild->setObjectName(u"addConditionButton"_s);
    m_addChild->setToolTip(tr("Add a condition to the selected \"all of\" / \"any of\""));
    m_wrapAll = new QPushButton(tr("And…"));
    m_wrapAll->setObjectName(u"wrapAllButton"_s);
    m_wrapAll->setToolTip(tr("Combine the selected condition with another one: both must hold"));
    m_wrapAny = new QPushButton(tr("Or…"));
    m_wrapAny->setObjectName(u"wrapAnyButton"_s);
    m_wrapAny->setToolTip(tr("Combine the selected condition with another one: either may hold"));
    m_remove = new QPushButton(tr("Remove"));
    m_remove->setObjectName(u"removeConditionButton"_s);
    for (QPushButton *b : {m_addChild, m_wrapAll, m_wrapAny, m_remove})
        treeButtons->addWidget(b);
    treeSide->addLayout(treeButtons);
    m_useClear = new QCheckBox(tr("Separate clear condition"));
    m_useClear->setObjectName(u"useClearCondition"_s);
    treeSide->addWidget(m_useClear);
    conditionLayout->addLayout(treeSide, 1);

    m_nodeBox = new QWidget;
    m_nodeForm = new QFormLayout(m_nodeBox);
    m_nodeForm->setContentsMargins(0, 0, 0, 0);
    m_nodeType = new QComboBox;
    m_nodeType->setObjectName(u"conditionType"_s);
    for (const Choice &c : kTypes)
        m_nodeType->addItem(tr(c.label), QString::fromLatin1(c.value));
    m_metric = new QComboBox;
    m_metric->setObjectName(u"conditionMetric"_s);
    m_metric->setEditable(true);
    m_op = new QComboBox;
    m_op->setObjectName(u"conditionOp"_s);
    for (const char *op : kOps)
        m_op->addItem(QString::fromLatin1(op), QString::fromLatin1(op));
    m_agg = new QComboBox;
    m_agg->setObjectName(u"conditionAgg"_s);
    for (const char *a : kAggs)
        m_agg->addItem(QString::fromLatin1(a), QString::fromLatin1(a));
    auto numberEdit = [](const char *name, const QString &placeholder) {
        auto *e = new QLineEdit;
        e->setObjectName(QString::fromLatin1(name));
        e->setPlaceholderText(placeholder);
        return e;
    };
    m_value = numberEdit("conditionValue", QString());
    m_min = numberEdit("conditionMin", QString());
    m_max = numberEdit("conditionMax", QString());
    m_outside = new QCheckBox(tr("Fires outside the range (off: inside)"));
    m_outside->setObjectName(u"conditionOutside"_s);
    m_window = numberEdit("conditionWindow", tr("seconds"));
    m_seconds = numberEdit("conditionSeconds", tr("seconds"));
    m_for = numberEdit("conditionFor", tr("seconds; empty: at once"));
    m_repeatCount = numberEdit("conditionRepeatCount", tr("readings; empty: one is enough"));
    m_repeatWindow = numberEdit("conditionRepeatWindow", tr("seconds"));
    m_deadband = numberEdit("conditionDeadband", tr("empty: none"));
    m_deadband->setToolTip(tr("Once raised, the value must go back past the limit by this much before it clears, "
                              "so a value hovering at the limit does not chatter"));
    m_nodeForm->addRow(tr("Type:"), m_nodeType);
    m_nodeForm->addRow(tr("Metric:"), m_metric);
    m_nodeForm->addRow(tr("Aggregate:"), m_agg);
    m_nodeForm->addRow(tr("Window:"), m_window);
    m_nodeForm->addRow(tr("Operator:"), m_op);
    m_nodeForm->addRow(tr("Value:"), m_value);
    m_nodeForm->addRow(tr("Minimum:"), m_min);
    m_nodeForm->addRow(tr("Maximum:"), m_max);
    m_nodeForm->addRow(QString(), m_outside);
    m_nodeForm->addRow(tr("For:"), m_seconds);
    m_nodeForm->addRow(tr("Holds for:"), m_for);
    m_nodeForm->addRow(tr("Repeated:"), m_repeatCount);
    m_nodeForm->addRow(tr("Within:"), m_repeatWindow);
    m_nodeForm->addRow(tr("Deadband:"), m_deadband);
    conditionLayout->addWidget(m_nodeBox, 1);
    layout->addWidget(condition);

    auto *timing = new QGroupBox(tr("Delays"));
    auto *timingForm = new QFormLayout(timing);
    m_onDelay = new QSpinBox;
    m_onDelay->setObjectName(u"onDelay"_s);
    m_onDelay->setRange(0, 7 * 86400);
    m_onDelay->setSuffix(tr(" s"));
    m_onDelay->setToolTip(tr("The condition must hold this long before the alert is raised"));
    m_offDelay = new QSpinBox;
    m_offDelay->setObjectName(u"offDelay"_s);
    m_offDelay->setRange(0, 7 * 86400);
    m_offDelay->setSuffix(tr(" s"));
    m_offDelay->setToolTip(tr("The condition must stay false this long before the alert clears"));
    timingForm->addRow(tr("On-delay:"), m_onDelay);
    timingForm->addRow(tr("Off-delay:"), m_offDelay);
    layout->addWidget(timing);

    m_alert = new QGroupBox(tr("Raise an alert"));
    m_alert->setObjectName(u"alertAction"_s);
    m_alert->setCheckable(true);
    auto *alertForm = new QFormLayout(m_alert);
    m_severity = new QComboBox;
    m_severity->setObjectName(u"alertSeverity"_s);
    for (const auto severity : {AlertInfo::Severity::Critical, AlertInfo::Severity::Major, AlertInfo::Severity::Minor,
                                AlertInfo::Severity::Warning, AlertInfo::Severity::Info})
        m_severity->addItem(AlertStyle::symbol(severity, false, 16), AlertInfo::severityLabel(severity),
                            AlertInfo::severityName(severity));
    m_message = new QLineEdit;
    m_message->setObjectName(u"alertMessage"_s);
    m_message->setPlaceholderText(tr("{device.name}: {metric} at {value}"));
    m_message->setToolTip(tr("Placeholders: {device.name} {device.id} {device.type} {rule.name} {metric} {value} "
                             "{severity}"));
    alertForm->addRow(tr("Priority:"), m_severity);
    alertForm->addRow(tr("Message:"), m_message);
    layout->addWidget(m_alert);

    auto *commands = new QGroupBox(tr("Run commands"));
    auto *commandsLayout = new QVBoxLayout(commands);
    m_commands = new QTableWidget(0, 3);
    m_commands->setObjectName(u"commandActions"_s);
    m_commands->setHorizontalHeaderLabels({tr("Command"), tr("Parameters (JSON)"), tr("At most every (s)")});
    m_commands->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_commands->verticalHeader()->hide();
    m_commands->setMaximumHeight(110);
    auto *commandButtons = new QHBoxLayout;
    auto *addCommand = new QPushButton(tr("Add command"));
    addCommand->setObjectName(u"addCommandButton"_s);
    auto *removeCommand = new QPushButton(tr("Remove command"));
    removeCommand->setObjectName(u"removeCommandButton"_s);
    commandButtons->addWidget(addCommand);
    commandButtons->addWidget(removeCommand);
    commandButtons->addStretch(1);
    commandsLayout->addWidget(m_commands);
    commandsLayout->addLayout(commandButtons);
    layout->addWidget(commands);
    layout->addStretch(1);

    // Every edit goes through formChanged(): JSON view, dirty flag, validation.
    for (QLineEdit *e : {m_name, m_description, m_scopeTags, m_message})
        connect(e, &QLineEdit::textEdited, this, &RuleEditor::formChanged);
    connect(m_scopeType, &QComboBox::currentTextChanged, this, &RuleEditor::formChanged);
    connect(m_active, &QCheckBox::toggled, this, &RuleEditor::formChanged);
    connect(m_scopeDevices, &QListWidget::itemChanged, this, &RuleEditor::formChanged);
    connect(m_onDelay, &QSpinBox::valueChanged, this, &RuleEditor::formChanged);
    connect(m_offDelay, &QSpinBox::valueChanged, this, &RuleEditor::formChanged);
    connect(m_alert, &QGroupBox::toggled, this, &RuleEditor::formChanged);
    connect(m_severity, &QComboBox::currentIndexChanged, this, &RuleEditor::formChanged);
    connect(m_commands, &QTableWidget::itemChanged, this, &RuleEditor::formChanged);
    connect(addCommand, &QPushButton::clicked, this, [this] {
        const int row = m_commands->rowCount();
        m_commands->insertRow(row);
        m_commands->setItem(row, 0, new QTableWidgetItem(u"reboot"_s));
        m_commands->setItem(row, 1, new QTableWidgetItem(u"{}"_s));
        m_commands->setItem(row, 2, new QTableWidgetItem(u"60"_s));
        m_commands->editItem(m_commands->item(row, 0));
        formChanged();
    });
    connect(removeCommand, &QPushButton::clicked, this, [this] {
        if (m_commands->currentRow() >= 0) {
            m_commands->removeRow(m_commands->currentRow());
            formChanged();
        }
    });

    for (QLineEdit *e : {m_value, m_min, m_max, m_window, m_seconds, m_for, m_repeatCount, m_repeatWindow, m_deadband})
        connect(e, &QLineEdit::textEdited, this, &RuleEditor::nodeEdited);
    connect(m_metric, &QComboBox::currentTextChanged, this, &RuleEditor::nodeEdited);
    connect(m_op, &QComboBox::currentIndexChanged, this, &RuleEditor::nodeEdited);
    connect(m_agg, &QComboBox::currentIndexChanged, this, &RuleEditor::nodeEdited);
    connect(m_outside, &QCheckBox::toggled, this, &RuleEditor::nodeEdited);
    connect(m_nodeType, &QComboBox::currentIndexChanged, this, [this] {
        if (m_loading || !m_node)
            return;
        const QString type = m_nodeType->currentData().toString();
        QJsonObject own = m_node->data(0, kConditionRole).toJsonObject();
        const QString before = own.value(u"type").toString();
        own.insert(u"type"_s, type);
        // Defaults a new kind needs, so the form shows something sensible to change.
        if (type == u"aggregate" && !own.contains(u"window_s"))
            own.insert(u"window_s"_s, 300);
        if ((type == u"absence" || type == u"offline") && !own.contains(u"seconds"))
            own.insert(u"seconds"_s, 300);
        if (type == u"range" && !own.contains(u"min")) {
            own.insert(u"min"_s, 0);
            own.insert(u"max"_s, 100);
        }
        if ((type == u"threshold" || type == u"rate_of_change" || type == u"aggregate") && !own.contains(u"op"))
            own.insert(u"op"_s, u">"_s);
        QJsonObject kept;
        for (const QString &f : fieldsOf(type)) {
            if (own.contains(f))
                kept.insert(f, own.value(f));
        }
        m_node->setData(0, kConditionRole, kept);
        if (isCompound(before) && !isCompound(type))
            qDeleteAll(m_node->takeChildren());
        showNode(m_node);
        formChanged();
    });

    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *current) {
        showNode(current && current != m_raiseRoot && current != m_clearRoot ? current : nullptr);
    });
    connect(m_addChild, &QPushButton::clicked, this, &RuleEditor::addChild);
    connect(m_remove, &QPushButton::clicked, this, &RuleEditor::removeNode);
    connect(m_wrapAll, &QPushButton::clicked, this, [this] { wrapNode(u"all"_s); });
    connect(m_wrapAny, &QPushButton::clicked, this, [this] { wrapNode(u"any"_s); });
    connect(m_useClear, &QCheckBox::toggled, this, [this](bool on) {
        if (!m_loading)
            setClearCondition(on);
    });
}

QWidget *RuleEditor::buildBacktest()
{
    auto *box = new QGroupBox(tr("Backtest: when would this rule have fired?"));
    box->setObjectName(u"backtestBox"_s);
    auto *layout = new QVBoxLayout(box);
    auto *bar = new QHBoxLayout;
    m_btDevice = new QComboBox;
    m_btDevice->setObjectName(u"backtestDevice"_s);
    m_btDevice->setMinimumContentsLength(18);
    m_btDevice->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_btRange = new QComboBox;
    m_btRange->setObjectName(u"backtestRange"_s);
    for (const RangeChoice &r : kBacktestRanges)
        m_btRange->addItem(tr(r.label), QVariant::fromValue(r.spanMs));
    m_btRange->setCurrentIndex(2);   // the last 24 hours
    m_btRun = new QPushButton(tr("Run backtest"));
    m_btRun->setObjectName(u"backtestButton"_s);
    m_btRun->setToolTip(tr("Run the rule as it is in the editor (saved or not) over the device's stored history"));
    bar->addWidget(new QLabel(tr("Device:")));
    bar->addWidget(m_btDevice, 1);
    bar->addWidget(m_btRange);
    bar->addWidget(m_btRun);
    layout->addLayout(bar);
    m_btSummary = new QLabel(tr("Pick a device and run the draft over its history: nothing is saved or alerted."));
    m_btSummary->setObjectName(u"backtestSummary"_s);
    m_btSummary->setWordWrap(true);
    layout->addWidget(m_btSummary);

    auto *split = new QSplitter(Qt::Horizontal);
    m_chart = new TelemetryChart;
    m_chart->setObjectName(u"backtestChart"_s);
    m_chart->setLive(false);
    m_chart->setRangeControlsVisible(false);   // the backtest's range is the chart's
    m_btTable = new QTableWidget(0, 4);
    m_btTable->setObjectName(u"backtestFirings"_s);
    m_btTable->setHorizontalHeaderLabels({tr("Raised"), tr("Cleared"), tr("Lasted"), tr("Value")});
    m_btTable->verticalHeader()->setToolTip(tr("The number the chart shows above the firing"));
    m_btTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_btTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_btTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    split->addWidget(m_chart);
    split->addWidget(m_btTable);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({3000, 1000});   // the chart gets most of the width from the start
    layout->addWidget(split, 1);

    connect(m_btRun, &QPushButton::clicked, this, &RuleEditor::runBacktest);
    connect(m_chart, &TelemetryChart::rangeRequested, this, [this](qint64 from, qint64 to, qint64 interval) {
        if (!m_btDeviceId.isEmpty())
            loadBacktestHistory(from, to, interval);
    });
    // A firing picked in the table: the chart zooms to it with some context either side.
    connect(m_btTable, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row < 0 || row >= m_firings.size())
            return;
        const auto [raised, cleared] = m_firings.at(row);
        const qint64 end = cleared > 0 ? cleared : QDateTime::currentMSecsSinceEpoch();
        const qint64 pad = std::max<qint64>((end - raised) / 2, 5 * 60 * 1000);
        m_chart->setVisibleRange(raised - pad, end + pad);
    });
    return box;
}

// --- the condition tree -----------------------------------------------------------------------------

QTreeWidgetItem *RuleEditor::addConditionItem(QTreeWidgetItem *parent, const QJsonObject &condition)
{
    QJsonObject own = condition;
    const QJsonArray children = own.take(u"conditions"_s).toArray();
    auto *item = new QTreeWidgetItem(parent);
    item->setData(0, kConditionRole, own);
    const QString type = own.value(u"type").toString();
    if (isCompound(type)) {
        for (const QJsonValue &c : children)
            addConditionItem(item, c.toObject());
    }
    item->setText(0, RuleText::condition(conditionOf(item)));
    item->setExpanded(true);
    return item;
}

QJsonObject RuleEditor::conditionOf(const QTreeWidgetItem *item) const
{
    QJsonObject o = item->data(0, kConditionRole).toJsonObject();
    if (isCompound(o.value(u"type").toString())) {
        QJsonArray children;
        for (int i = 0; i < item->childCount(); ++i)
            children.append(conditionOf(item->child(i)));
        o.insert(u"conditions"_s, children);
    }
    return o;
}

void RuleEditor::showNode(QTreeWidgetItem *item)
{
    m_node = item;
    m_nodeBox->setEnabled(item && !m_readOnly);
    const QJsonObject c = item ? item->data(0, kConditionRole).toJsonObject() : QJsonObject();
    const QString type = c.value(u"type").toString(u"threshold"_s);
    const bool wasLoading = m_loading;
    m_loading = true;
    setComboValue(m_nodeType, type);
    m_metric->setEditText(c.value(u"metric").toString());
    setComboValue(m_op, c.value(u"op").toString(u">"_s));
    setComboValue(m_agg, c.value(u"agg").toString(u"avg"_s));
    m_value->setText(numberText(c.value(u"value")));
    m_min->setText(numberText(c.value(u"min")));
    m_max->setText(numberText(c.value(u"max")));
    m_outside->setChecked(c.value(u"outside").toBool(true));
    m_window->setText(numberText(c.value(u"window_s")));
    m_seconds->setText(numberText(c.value(u"seconds")));
    m_for->setText(numberText(c.value(u"for_s")));
    const QJsonObject repeat = c.value(u"repeat").toObject();
    m_repeatCount->setText(numberText(repeat.value(u"count")));
    m_repeatWindow->setText(numberText(repeat.value(u"window_s")));
    m_deadband->setText(numberText(c.value(u"deadband")));
    m_loading = wasLoading;
    updateNodeRows(type);
    updateButtons();
}

void RuleEditor::updateNodeRows(const QString &type)
{
    const bool value = isValueTest(type);
    m_nodeForm->setRowVisible(m_metric, value || type == u"absence");
    m_metric->lineEdit()->setPlaceholderText(type == u"absence" ? tr("empty: any telemetry") : QString());
    m_nodeForm->setRowVisible(m_agg, type == u"aggregate");
    m_nodeForm->setRowVisible(m_window, type == u"aggregate");
    m_nodeForm->setRowVisible(m_op, type == u"threshold" || type == u"rate_of_change" || type == u"aggregate");
    m_nodeForm->setRowVisible(m_value, type == u"threshold" || type == u"rate_of_change" || type == u"aggregate");
    m_nodeForm->setRowVisible(m_min, type == u"range");
    m_nodeForm->setRowVisible(m_max, type == u"range");
    m_nodeForm->setRowVisible(m_outside, type == u"range");
    m_nodeForm->setRowVisible(m_seconds, type == u"absence" || type == u"offline");
    for (QWidget *w : {static_cast<QWidget *>(m_for), static_cast<QWidget *>(m_repeatCount),
                       static_cast<QWidget *>(m_repeatWindow), static_cast<QWidget *>(m_deadband)})
        m_nodeForm->setRowVisible(w, value);
}

// The node editor's fields back into the selected node.
void RuleEditor::nodeEdited()
{
    if (m_loading || !m_node)
        return;
    QJsonObject own = m_node->data(0, kConditionRole).toJsonObject();
    const QString type = own.value(u"type").toString();
    QStringList bad;
    auto putNumber = [&](const char *key, QLineEdit *edit, bool visible) {
        const QString k = QString::fromLatin1(key);
        edit->setProperty("localError", false);
        if (!visible)
            return;
        const auto n = parseNumber(edit->text());
        if (!n) {
            own.remove(k);
        } else if (std::isnan(*n)) {
            own.insert(k, edit->text().trimmed());   // the server names it: "/condition/value: must be a number"
            bad << k;
        } else {
            own.insert(k, jsonNumber(*n));
        }
    };
    const bool value = isValueTest(type);
    const bool compares = type == u"threshold" || type == u"rate_of_change" || type == u"aggregate";
    if (value || type == u"absence") {
        const QString metric = m_metric->currentText().trimmed();
        if (metric.isEmpty())
            own.remove(u"metric"_s);
        else
            own.insert(u"metric"_s, metric);
    }
    if (compares)
        own.insert(u"op"_s, m_op->currentData().toString());
    if (type == u"aggregate")
        own.insert(u"agg"_s, m_agg->currentData().toString());
    if (type == u"range")
        own.insert(u"outside"_s, m_outside->isChecked());
    putNumber("value", m_value, compares);
    putNumber("min", m_min, type == u"range");
    putNumber("max", m_max, type == u"range");
    putNumber("window_s", m_window, type == u"aggregate");
    putNumber("seconds", m_seconds, type == u"absence" || type == u"offline");
    putNumber("for_s", m_for, value);
    putNumber("deadband", m_deadband, value);
    if (value) {
        const auto count = parseNumber(m_repeatCount->text());
        const auto window = parseNumber(m_repeatWindow->text());
        if (!count && !window) {
            own.remove(u"repeat"_s);
        } else {
            QJsonObject repeat;
            if (count)
                repeat.insert(u"count"_s, std::isnan(*count) ? QJsonValue(m_repeatCount->text()) : jsonNumber(*count));
            if (window)
                repeat.insert(u"window_s"_s, std::isnan(*window) ? QJsonValue(m_repeatWindow->text()) : jsonNumber(*window));
            own.insert(u"repeat"_s, repeat);
        }
    }
    m_node->setData(0, kConditionRole, own);
    m_node->setText(0, RuleText::condition(conditionOf(m_node)));
    formChanged();
}

void RuleEditor::addChild()
{
    QTreeWidgetItem *parent = m_node;
    if (!parent || !isCompound(parent->data(0, kConditionRole).toJsonObject().value(u"type").toString()))
        return;
    const QStringList metrics = RuleText::metrics(conditionOf(parent));
    QTreeWidgetItem *child = addConditionItem(
        parent, QJsonObject{{u"type"_s, u"threshold"_s},
                            {u"metric"_s, metrics.isEmpty() ? m_metric->itemText(0) : metrics.first()},
                            {u"op"_s, u">"_s},
                            {u"value"_s, 0}});
    parent->setText(0, RuleText::condition(conditionOf(parent)));
    m_tree->setCurrentItem(child);
    formChanged();
}

void RuleEditor::removeNode()
{
    if (!m_node)
        return;
    QTreeWidgetItem *parent = m_node->parent();
    if (parent == m_raiseRoot)
        return;   // the rule needs a condition: change its type instead
    if (parent == m_clearRoot) {
        m_useClear->setChecked(false);   // removes the clear condition
        return;
    }
    delete m_node;
    m_node = nullptr;
    parent->setText(0, RuleText::condition(conditionOf(parent)));
    m_tree->setCurrentItem(parent);
    formChanged();
}

// The selected node becomes the first child of a new all/any, with a second condition to fill in.
void RuleEditor::wrapNode(const QString &type)
{
    if (!m_node)
        return;
    QTreeWidgetItem *parent = m_node->parent();
    const int index = parent->indexOfChild(m_node);
    const QJsonObject inner = conditionOf(m_node);
    delete parent->takeChild(index);
    m_node = nullptr;
    QTreeWidgetItem *compound = addConditionItem(nullptr, QJsonObject{{u"type"_s, type}, {u"conditions"_s, QJsonArray{inner}}});
    parent->insertChild(index, compound);
    compound->setExpanded(true);
    m_tree->setCurrentItem(compound);
    addChild();
}

void RuleEditor::setClearCondition(bool on)
{
    qDeleteAll(m_clearRoot->takeChildren());
    m_clearRoot->setHidden(!on);
    if (on) {
        // Starts as the raise condition's first test with the comparison reversed: a common shape to adjust.
        QJsonObject c = conditionOf(m_raiseRoot->child(0));
        if (isCompound(c.value(u"type").toString()) && !c.value(u"conditions").toArray().isEmpty())
            c = c.value(u"conditions").toArray().first().toObject();
        static const QHash<QString, QString> reversed{{u">"_s, u"<="_s}, {u">="_s, u"<"_s}, {u"<"_s, u">="_s},
                                                      {u"<="_s, u">"_s}, {u"=="_s, u"!="_s}, {u"!="_s, u"=="_s}};
        if (c.contains(u"op"))
            c.insert(u"op"_s, reversed.value(c.value(u"op").toString(), u"<"_s));
        QTreeWidgetItem *item = addConditionItem(m_clearRoot, c);
        m_clearRoot->setExpanded(true);
        m_tree->setCurrentItem(item);
    } else if (m_node && m_node->parent() == nullptr) {
        m_tree->setCurrentItem(m_raiseRoot->child(0));
    }
    formChanged();
}

// --- form <-> JSON ------------------------------------------------------------------------------------

QJsonObject RuleEditor::rule() const
{
    QJsonObject o = m_extra;
    o.insert(u"name"_s, m_name->text().trimmed());
    if (!m_description->text().trimmed().isEmpty())
        o.insert(u"description"_s, m_description->text().trimmed());
    o.insert(u"is_active"_s, m_active->isChecked());

    QJsonObject scope;
    const QString type = m_scopeType->currentText().trimmed();
    if (!type.isEmpty())
        scope.insert(u"device_type"_s, type);
    QJsonArray tags;
    for (const QString &t : m_scopeTags->text().split(u',', Qt::SkipEmptyParts)) {
        if (!t.trimmed().isEmpty())
            tags.append(t.trimmed());
    }
    if (!tags.isEmpty())
        scope.insert(u"tags"_s, tags);
    QJsonArray ids;
    for (int i = 0; i < m_scopeDevices->count(); ++i) {
        if (m_scopeDevices->item(i)->checkState() == Qt::Checked)
            ids.append(m_scopeDevices->item(i)->data(Qt::UserRole).toString());
    }
    if (!ids.isEmpty())
        scope.insert(u"device_ids"_s, ids);
    o.insert(u"scope"_s, scope);

    if (m_raiseRoot->childCount() > 0)
        o.insert(u"condition"_s, conditionOf(m_raiseRoot->child(0)));
    if (!m_clearRoot->isHidden() && m_clearRoot->childCount() > 0)
        o.insert(u"clear_condition"_s, conditionOf(m_clearRoot->child(0)));
    if (m_onDelay->value() > 0)
        o.insert(u"on_delay_s"_s, m_onDelay->value());
    if (m_offDelay->value() > 0)
        o.insert(u"off_delay_s"_s, m_offDelay->value());

    QJsonArray actions;
    if (m_alert->isChecked()) {
        QJsonObject alert{{u"type"_s, u"alert"_s}, {u"severity"_s, m_severity->currentData().toString()}};
        if (!m_message->text().trimmed().isEmpty())
            alert.insert(u"message"_s, m_message->text().trimmed());
        actions.append(alert);
    }
    for (int row = 0; row < m_commands->rowCount(); ++row) {
        auto text = [&](int column) { return m_commands->item(row, column) ? m_commands->item(row, column)->text().trimmed() : QString(); };
        QJsonObject command{{u"type"_s, u"command"_s}, {u"command"_s, text(0)}};
        const QString params = text(1);
        if (!params.isEmpty()) {
            const QJsonDocument doc = QJsonDocument::fromJson(params.toUtf8());
            // Not an object: sent as typed, and the server names the field.
            command.insert(u"params"_s, doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(params));
        }
        const auto interval = parseNumber(text(2));
        if (interval)
            command.insert(u"min_interval_s"_s, std::isnan(*interval) ? QJsonValue(text(2)) : jsonNumber(*interval));
        actions.append(command);
    }
    o.insert(u"actions"_s, actions);
    return o;
}

void RuleEditor::loadForm(const QJsonObject &body)
{
    const bool wasLoading = m_loading;
    m_loading = true;
    m_extra = QJsonObject();
    static const QStringList known{u"name"_s, u"description"_s, u"is_active"_s, u"scope"_s, u"condition"_s,
                                   u"clear_condition"_s, u"on_delay_s"_s, u"off_delay_s"_s, u"actions"_s};
    static const QStringList stored{u"id"_s, u"version"_s, u"severity"_s, u"created_by"_s, u"created_at"_s,
                                    u"updated_at"_s, u"tenant_id"_s};
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!known.contains(it.key()) && !stored.contains(it.key()))
            m_extra.insert(it.key(), it.value());   // unknown to the form: kept, and the server judges it
    }
    m_name->setText(body.value(u"name").toString());
    m_description->setText(body.value(u"description").toString());
    m_active->setChecked(body.value(u"is_active").toBool(true));
    const QJsonObject scope = body.value(u"scope").toObject();
    m_scopeType->setEditText(scope.value(u"device_type").toString());
    QStringList tags;
    for (const QJsonValue &t : scope.value(u"tags").toArray())
        tags << t.toString();
    m_scopeTags->setText(tags.join(u", "_s));
    QStringList ids;
    for (const QJsonValue &id : scope.value(u"device_ids").toArray())
        ids << id.toString();
    for (int i = 0; i < m_scopeDevices->count(); ++i) {
        QListWidgetItem *item = m_scopeDevices->item(i);
        item->setCheckState(ids.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked : Qt::Unchecked);
    }
    keepCheckedScopeDevices(ids);

    m_node = nullptr;
    qDeleteAll(m_raiseRoot->takeChildren());
    qDeleteAll(m_clearRoot->takeChildren());
    if (body.value(u"condition").isObject())
        addConditionItem(m_raiseRoot, body.value(u"condition").toObject());
    const bool hasClear = body.value(u"clear_condition").isObject();
    if (hasClear)
        addConditionItem(m_clearRoot, body.value(u"clear_condition").toObject());
    m_clearRoot->setHidden(!hasClear);
    m_useClear->setChecked(hasClear);
    m_raiseRoot->setExpanded(true);
    m_clearRoot->setExpanded(true);
    m_onDelay->setValue(body.value(u"on_delay_s").toInt());
    m_offDelay->setValue(body.value(u"off_delay_s").toInt());

    m_alert->setChecked(false);
    m_commands->setRowCount(0);
    for (const QJsonValue &a : body.value(u"actions").toArray()) {
        const QJsonObject action = a.toObject();
        if (action.value(u"type").toString() == u"alert") {
            m_alert->setChecked(true);
            setComboValue(m_severity, action.value(u"severity").toString(u"major"_s));
            m_message->setText(action.value(u"message").toString());
        } else {
            const int row = m_commands->rowCount();
            m_commands->insertRow(row);
            m_commands->setItem(row, 0, new QTableWidgetItem(action.value(u"command").toString()));
            const QJsonValue params = action.value(u"params");
            m_commands->setItem(row, 1, new QTableWidgetItem(params.isObject()
                                                                 ? QString::fromUtf8(QJsonDocument(params.toObject()).toJson(QJsonDocument::Compact))
                                                                 : params.toString()));
            m_commands->setItem(row, 2, new QTableWidgetItem(numberText(action.value(u"min_interval_s"))));
        }
    }
    m_loading = wasLoading;
    m_tree->setCurrentItem(m_raiseRoot->child(0));
    showNode(m_raiseRoot->child(0));
}

void RuleEditor::formChanged()
{
    if (m_loading)
        return;
    m_loading = true;
    m_json->setObject(rule());
    m_loading = false;
    setDirty(true);
    scheduleValidation();
}

void RuleEditor::jsonEdited()
{
    const auto object = m_json->object();
    if (!object) {
        // The JSON editor says what is wrong under the text; the form keeps the last good state.
        showValidation(Validation::Invalid, tr("The JSON is not valid: %1").arg(m_json->problem()), QString());
        return;
    }
    loadForm(*object);
    setDirty(true);
    scheduleValidation();
}

void RuleEditor::setDirty(bool dirty)
{
    if (dirty == m_dirty)
        return;
    m_dirty = dirty;
    updateButtons();
    Q_EMIT dirtyChanged(dirty);
}

// --- validation --------------------------------------------------------------------------------------

void RuleEditor::scheduleValidation()
{
    if (m_readOnly)
        return;
    m_validation = Validation::Checking;
    m_validateTimer->start();
}

void RuleEditor::validateNow()
{
    const quint64 seq = ++m_validateSeq;
    showValidation(Validation::Checking, tr("Checking…"), QString());
    m_api->post(u"/v1/rules/validate"_s, rule(), ApiClient::Auth::Bearer, this,
                [this, seq](const ApiResult<QJsonDocument> &result) {
        if (seq != m_validateSeq)
            return;   // the rule changed again meanwhile
        if (result) {
            showValidation(Validation::Valid, tr("The rule is valid."), QString());
            return;
        }
        const QString detail = refusalDetail(result.error());
        if (!detail.isEmpty()) {
            const auto [path, message] = splitFieldProblem(detail);
            showValidation(Validation::Invalid, path.isEmpty() ? message : u"%1: %2"_s.arg(path, message), path);
        } else {
            // Not an answer about the rule (network, rights): say so, but do not claim the rule is wrong.
            showValidation(Validation::Unchecked, tr("Could not check the rule: %1").arg(result.error().message), QString());
        }
    });
}

QString RuleEditor::validationMessage() const
{
    return m_validationText;
}

void RuleEditor::showValidation(Validation state, const QString &message, const QString &path)
{
    m_validation = state;
    m_validationText = message;
    m_invalidPath = path;
    QPalette pal = m_validationLabel->palette();
    const QColor color = state == Validation::Invalid ? Theme::alarmColor()
        : state == Validation::Unchecked               ? Theme::warningColor()
                                                       : palette().color(QPalette::WindowText);
    pal.setColor(QPalette::WindowText, color);
    m_validationLabel->setPalette(pal);
    // Never colour alone: the state is also in words.
    m_validationLabel->setText(state == Validation::Invalid ? tr("✖ %1").arg(message)
                               : state == Validation::Valid  ? tr("✔ %1").arg(message)
                                                             : message);
    markPath(path);
    updateButtons();
    if (state == Validation::Valid || state == Validation::Invalid)
        Q_EMIT validated(state == Validation::Valid);
}

QTreeWidgetItem *RuleEditor::itemAtPath(const QStringList &segments) const
{
    // segments after /condition or /clear_condition: conditions/N/conditions/M/...
    if (segments.isEmpty())
        return nullptr;
    QTreeWidgetItem *root = segments.first() == u"clear_condition" ? m_clearRoot : m_raiseRoot;
    QTreeWidgetItem *item = root->child(0);
    for (int i = 1; item && i + 1 < segments.size(); i += 2) {
        if (segments.at(i) != u"conditions")
            break;
        bool ok = false;
        const int n = segments.at(i + 1).toInt(&ok);
        if (!ok || n < 0 || n >= item->childCount())
            break;
        item = item->child(n);
    }
    return item;
}

// The field an error names gets a red frame (and the tree node an icon), until the next check.
void RuleEditor::markPath(const QString &path)
{
    for (QWidget *w : std::as_const(m_marked)) {
        if (w) {
            w->setStyleSheet(QString());
            w->setToolTip(w->property("plainToolTip").toString());
        }
    }
    m_marked.clear();
    std::function<void(QTreeWidgetItem *)> clearIcons = [&](QTreeWidgetItem *item) {
        item->setIcon(0, QIcon());
        item->setToolTip(0, QString());
        for (int i = 0; i < item->childCount(); ++i)
            clearIcons(item->child(i));
    };
    clearIcons(m_raiseRoot);
    clearIcons(m_clearRoot);
    if (path.isEmpty())
        return;

    const QStringList segments = path.split(u'/', Qt::SkipEmptyParts);
    const QString first = segments.value(0);
    const QString last = segments.value(segments.size() - 1);
    QWidget *target = nullptr;
    if (first == u"name")
        target = m_name;
    else if (first == u"description")
        target = m_description;
    else if (first == u"on_delay_s")
        target = m_onDelay;
    else if (first == u"off_delay_s")
        target = m_offDelay;
    else if (first == u"scope")
        target = last == u"tags" || segments.value(1) == u"tags" ? static_cast<QWidget *>(m_scopeTags)
            : segments.value(1) == u"device_ids"                 ? static_cast<QWidget *>(m_scopeDevices)
                                                                 : static_cast<QWidget *>(m_scopeType);
    else if (first == u"actions") {
        const int n = segments.value(1).toInt();
        const QJsonArray actions = rule().value(u"actions").toArray();
        if (actions.at(n).toObject().value(u"type").toString() == u"alert")
            target = last == u"message" ? static_cast<QWidget *>(m_message) : static_cast<QWidget *>(m_severity);
        else
            target = m_commands;
    } else if (first == u"condition" || first == u"clear_condition") {
        if (QTreeWidgetItem *item = itemAtPath(segments)) {
            item->setIcon(0, style()->standardIcon(QStyle::SP_MessageBoxCritical));
            item->setToolTip(0, m_validationText);
            m_tree->setCurrentItem(item);
            const QHash<QString, QWidget *> fields{
                {u"metric"_s, m_metric},       {u"op"_s, m_op},           {u"value"_s, m_value},
                {u"min"_s, m_min},             {u"max"_s, m_max},         {u"agg"_s, m_agg},
                {u"window_s"_s, m_window},     {u"seconds"_s, m_seconds}, {u"for_s"_s, m_for},
                {u"count"_s, m_repeatCount},   {u"deadband"_s, m_deadband}, {u"type"_s, m_nodeType},
            };
            target = fields.value(last);
            if (last == u"window_s" && segments.value(segments.size() - 2) == u"repeat")
                target = m_repeatWindow;
        }
    }
    if (!target)
        return;
    if (!target->property("plainToolTip").isValid())
        target->setProperty("plainToolTip", target->toolTip());
    target->setStyleSheet(u"border: 2px solid %1;"_s.arg(Theme::alarmColor().name()));
    target->setToolTip(m_validationText);
    m_marked << target;
}

// --- loading and saving --------------------------------------------------------------------------------

void RuleEditor::newRule()
{
    m_ruleId.clear();
    m_stored = QJsonObject();
    const QString metric = m_metric->count() > 0 ? m_metric->itemText(0) : u"temp"_s;
    loadForm(QJsonObject{
        {u"name"_s, QString()},
        {u"is_active"_s, true},
        {u"scope"_s, QJsonObject()},
        {u"condition"_s, QJsonObject{{u"type"_s, u"threshold"_s}, {u"metric"_s, metric}, {u"op"_s, u">"_s}, {u"value"_s, 80}}},
        {u"actions"_s, QJsonArray{QJsonObject{{u"type"_s, u"alert"_s}, {u"severity"_s, u"major"_s},
                                              {u"message"_s, u"{device.name}: {metric} at {value}"_s}}}},
    });
    m_loading = true;
    m_json->setObject(rule());
    m_loading = false;
    setDirty(false);
    showValidation(Validation::Unchecked, tr("A new rule: give it a name, then save."), QString());
    m_name->setFocus();
}

void RuleEditor::setRule(const QJsonObject &stored)
{
    m_ruleId = stored.value(u"id").toString();
    m_stored = stored;
    loadForm(stored);
    m_loading = true;
    m_json->setObject(rule());
    m_loading = false;
    setDirty(false);
    showValidation(Validation::Unchecked,
                   tr("Version %1, changed %2.").arg(stored.value(u"version").toInt())
                       .arg(QLocale().toString(QDateTime::fromString(stored.value(u"updated_at").toString(), Qt::ISODateWithMs).toLocalTime(),
                                               QLocale::ShortFormat)),
                   QString());
    // Whatever the backtest showed was for another rule.
    m_firings.clear();
    m_btTable->setRowCount(0);
    m_chart->setMarkers({});
    m_btSummary->setText(tr("Pick a device and run the rule over its history: nothing is saved or alerted."));
}

void RuleEditor::save()
{
    if (m_readOnly)
        return;
    const QJsonObject body = rule();
    m_save->setEnabled(false);
    showValidation(Validation::Checking, tr("Saving…"), QString());
    auto done = [this](const ApiResult<QJsonDocument> &result) {
        if (!result) {
            const QString detail = refusalDetail(result.error());
            const auto [path, message] = splitFieldProblem(detail);
            showValidation(Validation::Invalid,
                           tr("Not saved: %1").arg(detail.isEmpty() ? result.error().message
                                                   : path.isEmpty() ? message
                                                                    : u"%1: %2"_s.arg(path, message)),
                           path);
            return;
        }
        const QJsonObject stored = result->object();
        setRule(stored);
        showValidation(Validation::Valid, tr("Saved (version %1).").arg(stored.value(u"version").toInt()), QString());
        Q_EMIT saved(stored);
    };
    if (m_ruleId.isEmpty()) {
        m_api->post(u"/v1/rules"_s, body, ApiClient::Auth::Bearer, this, done);
        return;
    }
    // PATCH replaces the top-level fields given; an optional one the form dropped is sent as null to remove it.
    QJsonObject patch;
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (m_stored.value(it.key()) != it.value())
            patch.insert(it.key(), it.value());
    }
    for (const char *optional : {"description", "clear_condition", "on_delay_s", "off_delay_s"}) {
        const QString k = QString::fromLatin1(optional);
        if (m_stored.contains(k) && !m_stored.value(k).isNull() && !body.contains(k))
            patch.insert(k, QJsonValue::Null);
    }
    if (patch.isEmpty()) {
        setRule(m_stored);
        return;
    }
    m_api->patch(u"/v1/rules/%1"_s.arg(m_ruleId), patch, ApiClient::Auth::Bearer, this, done);
}

void RuleEditor::setReadOnly(bool readOnly)
{
    const bool wasReadOnly = m_readOnly;
    m_readOnly = readOnly;
    for (QWidget *w : std::initializer_list<QWidget *>{m_name, m_description, m_active, m_scopeType, m_scopeTags,
                                                       m_scopeDevices, m_onDelay, m_offDelay, m_alert, m_commands,
                                                       m_useClear})
        w->setEnabled(!readOnly);
    m_json->setReadOnly(readOnly);
    m_nodeBox->setEnabled(m_node && !readOnly);
    if (readOnly && !wasReadOnly)
        showValidation(Validation::Unchecked, tr("Read only: your role may look at rules, not change them."), QString());
    else if (!readOnly && wasReadOnly)
        showValidation(Validation::Unchecked, QString(), QString());   // the read-only line no longer holds
    updateButtons();
}

void RuleEditor::updateButtons()
{
    const QString type = m_node ? m_node->data(0, kConditionRole).toJsonObject().value(u"type").toString() : QString();
    m_addChild->setEnabled(!m_readOnly && isCompound(type));
    m_wrapAll->setEnabled(!m_readOnly && m_node);
    m_wrapAny->setEnabled(!m_readOnly && m_node);
    m_remove->setEnabled(!m_readOnly && m_node && m_node->parent() != m_raiseRoot);
    m_save->setEnabled(!m_readOnly && (m_dirty || m_ruleId.isEmpty()) && m_validation != Validation::Invalid);
    m_revert->setEnabled(!m_readOnly && m_dirty);
}

// Scope device ids not in the fleet list (not listed yet, or gone) stay in the rule: listed by id, ticked.
void RuleEditor::keepCheckedScopeDevices(const QStringList &ids)
{
    for (const QString &id : ids) {
        bool listed = false;
        for (int i = 0; i < m_scopeDevices->count() && !listed; ++i)
            listed = m_scopeDevices->item(i)->data(Qt::UserRole).toString() == id;
        if (!listed) {
            auto *item = new QListWidgetItem(id, m_scopeDevices);
            item->setData(Qt::UserRole, id);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Checked);
        }
    }
}

void RuleEditor::setDevices(const QList<Device> &devices)
{
    // The fleet list is polled every few seconds: only a change of who is listed (and under what name) is worth
    // rebuilding the lists for, which would otherwise close an open device box under the operator's hand.
    QStringList signature;
    signature.reserve(devices.size());
    for (const Device &d : devices) {
        if (d.status != Device::Status::Decommissioned)
            signature << d.deviceId + u'\x1f' + d.name + u'\x1f' + d.deviceType + u'\x1f' + d.serialNumber;
    }
    if (signature == m_deviceSignature)
        return;
    m_deviceSignature = signature;

    const QString btCurrent = m_btDevice->currentData().toString();
    QStringList checked;
    for (int i = 0; i < m_scopeDevices->count(); ++i) {
        if (m_scopeDevices->item(i)->checkState() == Qt::Checked)
            checked << m_scopeDevices->item(i)->data(Qt::UserRole).toString();
    }
    const bool wasLoading = m_loading;
    m_loading = true;
    const QString typeText = m_scopeType->currentText();
    QStringList types;
    m_scopeDevices->clear();
    m_btDevice->clear();
    for (const Device &d : devices) {
        if (d.status == Device::Status::Decommissioned)
            continue;
        const QString label = d.name.isEmpty() ? d.serialNumber : u"%1 (%2)"_s.arg(d.name, d.deviceType);
        auto *item = new QListWidgetItem(label, m_scopeDevices);
        item->setData(Qt::UserRole, d.deviceId);
        item->setToolTip(d.deviceId);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(d.deviceId) ? Qt::Checked : Qt::Unchecked);
        m_btDevice->addItem(label, d.deviceId);
        if (!d.deviceType.isEmpty() && !types.contains(d.deviceType))
            types << d.deviceType;
    }
    keepCheckedScopeDevices(checked);
    types.sort();
    m_scopeType->clear();
    m_scopeType->addItems(types);
    m_scopeType->setEditText(typeText);
    const int bt = m_btDevice->findData(btCurrent);
    if (bt >= 0)
        m_btDevice->setCurrentIndex(bt);
    m_loading = wasLoading;

    // Metric suggestions: what the device types' schemas name, each type's asked for once.
    for (const QString &type : std::as_const(types)) {
        if (m_schemaTypes.contains(type))
            continue;
        m_schemaTypes.insert(type);
        m_api->get(u"/v1/device-types/%1/telemetry-schema"_s.arg(type), {}, ApiClient::Auth::Bearer, this,
                   [this](const ApiResult<QJsonDocument> &result) {
            if (!result)
                return;   // no schema for this type: the metric stays free text
            const QJsonObject metrics = result->object().value(u"schema").toObject().value(u"metrics").toObject().isEmpty()
                ? result->object().value(u"metrics").toObject()
                : result->object().value(u"schema").toObject().value(u"metrics").toObject();
            QHash<QString, QString> units;
            const bool wasLoading = m_loading;
            m_loading = true;
            const QString current = m_metric->currentText();
            for (auto it = metrics.begin(); it != metrics.end(); ++it) {
                if (m_metric->findText(it.key()) < 0)
                    m_metric->addItem(it.key());
                const QString unit = it.value().toObject().value(u"unit").toString();
                if (!unit.isEmpty())
                    units.insert(it.key(), unit);
            }
            m_metric->setEditText(current);
            m_loading = wasLoading;
            if (!units.isEmpty())
                m_chart->setUnits(units);
        });
    }
}

// --- backtest ----------------------------------------------------------------------------------------

bool RuleEditor::setBacktestRange(qint64 spanMs)
{
    const int i = m_btRange->findData(QVariant::fromValue(spanMs));
    if (i >= 0)
        m_btRange->setCurrentIndex(i);
    return i >= 0;
}

bool RuleEditor::setBacktestDevice(const QString &deviceId)
{
    const int i = m_btDevice->findData(deviceId);
    if (i >= 0)
        m_btDevice->setCurrentIndex(i);
    return i >= 0;
}

void RuleEditor::runBacktest()
{
    const QString deviceId = m_btDevice->currentData().toString();
    if (deviceId.isEmpty()) {
        m_btSummary->setText(tr("No device to test on: the fleet has none yet."));
        return;
    }
    const qint64 to = QDateTime::currentMSecsSinceEpoch();
    const qint64 from = to - m_btRange->currentData().toLongLong();
    const QJsonObject body{{u"rule"_s, rule()},
                           {u"device_id"_s, deviceId},
                           {u"from"_s, QDateTime::fromMSecsSinceEpoch(from, Qt::UTC).toString(Qt::ISODateWithMs)},
                           {u"to"_s, QDateTime::fromMSecsSinceEpoch(to, Qt::UTC).toString(Qt::ISODateWithMs)}};
    const quint64 seq = ++m_btSeq;
    m_btRun->setEnabled(false);
    m_btSummary->setText(tr("Running the rule over %2's history (%1)…").arg(m_btRange->currentText(), m_btDevice->currentText()));
    const QString deviceName = m_btDevice->currentText();
    const QString rangeName = m_btRange->currentText();
    m_api->post(u"/v1/rules/backtest"_s, body, ApiClient::Auth::Bearer, this,
                [this, seq, deviceId, from, to, deviceName, rangeName](const ApiResult<QJsonDocument> &result) {
        if (seq != m_btSeq)
            return;
        m_btRun->setEnabled(true);
        if (!result) {
            const QString detail = refusalDetail(result.error());
            m_btSummary->setText(tr("The backtest failed: %1").arg(detail.isEmpty() ? result.error().message : detail));
            Q_EMIT backtestFinished(-1);
            return;
        }
        const QJsonObject r = result->object();
        m_firings.clear();
        m_btTable->setRowCount(0);
        QList<ChartMarker> markers;
        const QJsonArray firings = r.value(u"firings").toArray();
        for (const QJsonValue &v : firings) {
            const QJsonObject f = v.toObject();
            const qint64 raised = qint64(f.value(u"raised_at_ms").toDouble());
            const qint64 cleared = f.value(u"cleared_at_ms").isDouble() ? qint64(f.value(u"cleared_at_ms").toDouble()) : 0;
            m_firings.append({raised, cleared});
            const int row = m_btTable->rowCount();
            m_btTable->insertRow(row);
            m_btTable->setItem(row, 0, new QTableWidgetItem(timeText(raised)));
            m_btTable->setItem(row, 1, new QTableWidgetItem(cleared > 0 ? timeText(cleared) : tr("still active")));
            m_btTable->setItem(row, 2, new QTableWidgetItem(durationText((cleared > 0 ? cleared : to) - raised)));
            m_btTable->setItem(row, 3, new QTableWidgetItem(f.value(u"value").isDouble()
                                                                ? QLocale().toString(f.value(u"value").toDouble(), 'g', 6)
                                                                : QString()));
            markers.append(ChartMarker{raised, cleared, QString::number(row + 1)});   // the table's row number
        }
        const qint64 readings = qint64(r.value(u"readings").toDouble());
        QString summary = firings.isEmpty()
            ? tr("It would not have fired on %1 (%2, %3 readings checked).")
                  .arg(deviceName, rangeName, QLocale().toString(readings))
            : tr("It would have fired %n time(s) on %1 (%2, %3 readings checked).", nullptr, int(firings.size()))
                  .arg(deviceName, rangeName, QLocale().toString(readings));
        if (r.value(u"truncated").toBool())
            summary += u" "_s + tr("Only the first %1 firings are listed.").arg(firings.size());
        for (const QJsonValue &note : r.value(u"notes").toArray())
            summary += u" "_s + asSentence(note.toString());
        m_btSummary->setText(summary);

        // The metrics the rule reads, with its limits, over the tested range.
        const QJsonObject rule = this->rule();
        QStringList metrics = RuleText::metrics(rule.value(u"condition").toObject());
        for (const QString &m : RuleText::metrics(rule.value(u"clear_condition").toObject())) {
            if (!metrics.contains(m))
                metrics << m;
        }
        m_btDeviceId = deviceId;
        m_btMetrics = metrics;
        m_chart->clear();
        for (const QString &m : std::as_const(metrics))
            m_chart->setReferenceLines(m, RuleText::limits(rule.value(u"condition").toObject(), m));
        m_chart->setMarkers(markers);
        m_chart->setVisibleRange(from, to);   // asks for the history through rangeRequested()
        loadBacktestHistory(from, to, telemetryIntervalForSpan(to - from));
        Q_EMIT backtestFinished(int(firings.size()));
    });
}

void RuleEditor::loadBacktestHistory(qint64 fromMs, qint64 toMs, qint64 intervalMs)
{
    const quint64 seq = ++m_historySeq;
    m_chart->setLoading(true);
    m_api->get(u"/v1/devices/%1/telemetry"_s.arg(m_btDeviceId), telemetryHistoryQuery(fromMs, toMs, intervalMs, m_btMetrics),
               ApiClient::Auth::Bearer, this, [this, seq, fromMs, toMs](const ApiResult<QJsonDocument> &result) {
        if (seq == m_historySeq)   // else another range or backtest was asked for meanwhile
            m_chart->setHistoryReply(result, fromMs, toMs);   // the query asked for the rule's metrics only
    });
}
