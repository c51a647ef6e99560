#include "rulesview.h"

#include "ruleeditor.h"
#include "ruletext.h"

#include "alerts/alertinfo.h"
#include "alerts/alertstyle.h"
#include "connection/apiclient.h"
#include "fleet/device.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

constexpr int kIdRole = Qt::UserRole + 1;
enum Column { Name, Priority, Active, Condition, Scope, ColumnCount };

} // namespace

RulesView::RulesView(ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_filter(new QLineEdit(this))
    , m_list(new QTreeWidget(this))
    , m_new(new QPushButton(tr("New rule"), this))
    , m_delete(new QPushButton(tr("Delete"), this))
    , m_toggle(new QPushButton(tr("Switch off"), this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_status(new QLabel(this))
    , m_editor(new RuleEditor(api, this))
{
    setObjectName(u"view-rules"_s);
    m_filter->setObjectName(u"ruleFilter"_s);
    m_filter->setPlaceholderText(tr("Filter rules by name, metric or scope"));
    m_filter->setClearButtonEnabled(true);
    m_list->setObjectName(u"ruleList"_s);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSortingEnabled(true);
    m_list->setHeaderLabels({tr("Name"), tr("Priority"), tr("Active"), tr("Condition"), tr("Devices")});
    m_list->header()->setSectionResizeMode(Name, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);
    m_list->sortByColumn(Name, Qt::AscendingOrder);
    m_new->setObjectName(u"newRuleButton"_s);
    m_delete->setObjectName(u"deleteRuleButton"_s);
    m_toggle->setObjectName(u"toggleRuleButton"_s);
    m_toggle->setToolTip(tr("A rule switched off is not evaluated and its open alerts close"));
    m_refresh->setObjectName(u"refreshRulesButton"_s);
    m_status->setObjectName(u"rulesStatus"_s);
    m_status->setWordWrap(true);

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_list, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_new);
    buttons->addWidget(m_toggle);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    buttons->addWidget(m_refresh);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_status);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_editor);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        const QString needle = text.trimmed().toLower();
        for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
            QTreeWidgetItem *item = m_list->topLevelItem(i);
            bool match = needle.isEmpty();
            for (int c = 0; c < ColumnCount && !match; ++c)
                match = item->text(c).toLower().contains(needle);
            item->setHidden(!match);
        }
    });
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *current, QTreeWidgetItem *previous) {
        if (m_selecting || current == previous)
            return;
        if (!confirmDiscard()) {
            m_selecting = true;
            m_list->setCurrentItem(previous);
            m_selecting = false;
            return;
        }
        openSelected();
    });
    connect(m_new, &QPushButton::clicked, this, [this] {
        if (!confirmDiscard())
            return;
        m_selecting = true;
        m_list->setCurrentItem(nullptr);
        m_list->clearSelection();
        m_selecting = false;
        m_editor->newRule();
        updateButtons();
    });
    connect(m_delete, &QPushButton::clicked, this, &RulesView::deleteSelected);
    connect(m_toggle, &QPushButton::clicked, this, &RulesView::toggleSelected);
    connect(m_refresh, &QPushButton::clicked, this, &RulesView::reload);
    connect(m_editor, &RuleEditor::saved, this, [this](const QJsonObject &stored) {
        const QString id = stored.value(u"id").toString();
        bool found = false;
        for (QJsonObject &r : m_rules) {
            if (r.value(u"id") == stored.value(u"id")) {
                r = stored;
                found = true;
            }
        }
        if (!found)
            m_rules << stored;
        showRules(m_rules, id);
        m_status->setText(tr("Saved \"%1\".").arg(stored.value(u"name").toString()));
    });
    m_editor->setReadOnly(true);   // until setCanWrite(true)
    updateButtons();
}

void RulesView::setCanWrite(bool canWrite)
{
    m_canWrite = canWrite;
    m_editor->setReadOnly(!canWrite);
    updateButtons();
}

bool RulesView::roleCanWrite(const QString &role)
{
    return role == u"tenant-admin" || role == u"platform-admin";
}

int RulesView::ruleCount() const
{
    return m_list->topLevelItemCount();
}

void RulesView::reload()
{
    m_status->setText(tr("Loading rules…"));
    const QString current = m_editor->ruleId();
    m_api->get(u"/v1/rules"_s, {}, ApiClient::Auth::Bearer, this, [this, current](const ApiResult<QJsonDocument> &result) {
        if (!result) {
            m_status->setText(tr("Could not load the rules: %1").arg(result.error().message));
            return;
        }
        QList<QJsonObject> rules;
        for (const QJsonValue &v : result->object().value(u"items").toArray())
            rules << v.toObject();
        m_rules = rules;
        showRules(rules, current);
        m_rulesLoaded = true;
        openPending();
        m_status->setText(rules.isEmpty() ? tr("No rules yet: make one with \"New rule\".")
                                          : tr("%n rule(s).", nullptr, int(rules.size())));
        Q_EMIT loaded(int(rules.size()));
    });
}

void RulesView::showRules(const QList<QJsonObject> &rules, const QString &select)
{
    m_selecting = true;
    m_list->setSortingEnabled(false);
    m_list->clear();
    QTreeWidgetItem *selected = nullptr;
    for (const QJsonObject &r : rules) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setData(0, kIdRole, r.value(u"id").toString());
        item->setText(Name, r.value(u"name").toString());
        const QString severity = r.value(u"severity").toString();
        if (!severity.isEmpty()) {
            const auto s = AlertInfo::severityFromName(severity);
            item->setText(Priority, AlertInfo::severityLabel(s));
            item->setIcon(Priority, AlertStyle::symbol(s, false, 16));
            item->setData(Priority, Qt::InitialSortOrderRole, int(s));
        } else {
            item->setText(Priority, tr("no alert"));
        }
        const bool active = r.value(u"is_active").toBool();
        item->setText(Active, active ? tr("yes") : tr("off"));
        item->setText(Condition, RuleText::conditionTree(r.value(u"condition").toObject()));
        item->setToolTip(Condition, item->text(Condition));
        item->setText(Scope, RuleText::scope(r.value(u"scope").toObject()));
        if (!active) {
            // Off is not abnormal: grey text, no colour.
            for (int c = 0; c < ColumnCount; ++c)
                item->setForeground(c, palette().color(QPalette::Disabled, QPalette::Text));
        }
        if (!select.isEmpty() && r.value(u"id").toString() == select)
            selected = item;
    }
    m_list->setSortingEnabled(true);
    if (selected) {
        m_list->setCurrentItem(selected);
        if (!m_editor->isDirty())
            openSelected();
    }
    m_selecting = false;
    updateButtons();
}

bool RulesView::selectRule(const QString &id)
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        if (m_list->topLevelItem(i)->data(0, kIdRole).toString() == id) {
            m_selecting = true;
            m_list->setCurrentItem(m_list->topLevelItem(i));
            m_selecting = false;
            openSelected();
            return true;
        }
    }
    return false;
}

void RulesView::openSelected()
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (item) {
        const QString id = item->data(0, kIdRole).toString();
        for (const QJsonObject &r : std::as_const(m_rules)) {
            if (r.value(u"id").toString() == id)
                m_editor->setRule(r);
        }
    }
    updateButtons();
}

bool RulesView::confirmDiscard()
{
    if (!m_editor->isDirty() || !m_canWrite)
        return true;
    return QMessageBox::question(this, tr("Discard changes?"),
                                 tr("The rule in the editor has changes that are not saved. Discard them?"),
                                 QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Discard;
}

void RulesView::deleteSelected()
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const QString id = item->data(0, kIdRole).toString();
    const QString name = item->text(Name);
    if (QMessageBox::question(this, tr("Delete rule"),
                              tr("Delete the rule \"%1\"? Its open alerts close; their history stays.").arg(name),
                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        != QMessageBox::Yes)
        return;
    m_api->deleteResource(u"/v1/rules/%1"_s.arg(id), ApiClient::Auth::Bearer, this,
                          [this, id, name](const ApiResult<QJsonDocument> &result) {
        if (!result) {
            m_status->setText(tr("Could not delete \"%1\": %2").arg(name, result.error().message));
            return;
        }
        m_rules.removeIf([&](const QJsonObject &r) { return r.value(u"id").toString() == id; });
        if (m_editor->ruleId() == id)
            m_editor->newRule();
        showRules(m_rules, QString());
        m_status->setText(tr("Deleted \"%1\".").arg(name));
    });
}

void RulesView::toggleSelected()
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const QString id = item->data(0, kIdRole).toString();
    bool active = false;
    for (const QJsonObject &r : std::as_const(m_rules)) {
        if (r.value(u"id").toString() == id)
            active = r.value(u"is_active").toBool();
    }
    m_api->patch(u"/v1/rules/%1"_s.arg(id), QJsonObject{{u"is_active"_s, !active}}, ApiClient::Auth::Bearer, this,
                 [this](const ApiResult<QJsonDocument> &result) {
        if (!result) {
            m_status->setText(tr("Could not change the rule: %1").arg(result.error().message));
            return;
        }
        const QJsonObject stored = result->object();
        for (QJsonObject &r : m_rules) {
            if (r.value(u"id") == stored.value(u"id"))
                r = stored;
        }
        showRules(m_rules, stored.value(u"id").toString());
        if (m_editor->ruleId() == stored.value(u"id").toString() && !m_editor->isDirty())
            m_editor->setRule(stored);
        m_status->setText(stored.value(u"is_active").toBool() ? tr("\"%1\" is on.").arg(stored.value(u"name").toString())
                                                               : tr("\"%1\" is off.").arg(stored.value(u"name").toString()));
    });
}

void RulesView::updateButtons()
{
    QTreeWidgetItem *item = m_list->currentItem();
    m_new->setEnabled(m_canWrite);
    m_delete->setEnabled(m_canWrite && item);
    m_toggle->setEnabled(m_canWrite && item);
    if (item)
        m_toggle->setText(item->text(Active) == tr("yes") ? tr("Switch off") : tr("Switch on"));
}

void RulesView::setDevices(const QList<Device> &devices)
{
    m_devices = devices;
    m_editor->setDevices(devices);
    openPending();
}

void RulesView::openWhenLoaded(const QString &ruleName, const QString &backtestSerial, qint64 backtestSpanMs)
{
    m_pendingRule = ruleName;
    m_pendingSerial = backtestSerial;
    m_pendingSpanMs = backtestSpanMs;
    openPending();
}

void RulesView::openPending()
{
    if (m_pendingRule.isEmpty() || !m_rulesLoaded)
        return;
    QString id;
    for (const QJsonObject &r : std::as_const(m_rules)) {
        if (r.value(u"name").toString() == m_pendingRule)
            id = r.value(u"id").toString();
    }
    if (id.isEmpty()) {
        m_status->setText(tr("There is no rule named \"%1\".").arg(m_pendingRule));
        m_pendingRule.clear();
        return;
    }
    if (m_pendingSerial.isEmpty()) {
        selectRule(id);
        m_pendingRule.clear();
        return;
    }
    const auto device = std::ranges::find(m_devices, m_pendingSerial, &Device::serialNumber);
    if (device == m_devices.cend())
        return;   // the fleet list is not there yet
    selectRule(id);
    m_editor->setBacktestDevice(device->deviceId);
    if (m_pendingSpanMs > 0)
        m_editor->setBacktestRange(m_pendingSpanMs);
    m_pendingRule.clear();
    m_pendingSerial.clear();
    m_editor->runBacktest();
}
