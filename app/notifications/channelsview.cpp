#include "channelsview.h"

#include "base/theme.h"
#include "channeldialog.h"
#include "channelsmodel.h"
#include "connection/apiclient.h"
#include "deliveriesmodel.h"
#include "policiesmodel.h"
#include "policydialog.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAppNotifications, "fleetdeck.app.notifications")

namespace {

constexpr int kLogPageSize = 200;
constexpr int kFollowIntervalMs = 1000;
/// How long a test delivery is followed; the server goes on trying for a day, Refresh shows the rest.
constexpr int kFollowTicks = 90;

QString now()
{
    return QLocale().toString(QTime::currentTime(), u"HH:mm:ss"_s);
}

QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent, std::initializer_list<int> widthsEm)
{
    auto *t = new QTableView(parent);
    t->setObjectName(name);
    t->setModel(model);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setWordWrap(false);
    t->verticalHeader()->setVisible(false);
    t->horizontalHeader()->setStretchLastSection(true);
    const int em = t->fontMetrics().horizontalAdvance(u'M');
    int c = 0;
    for (int w : widthsEm)
        t->setColumnWidth(c++, w * em);
    return t;
}

} // namespace

ChannelsView::ChannelsView(ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_channels(new ChannelsModel(this))
    , m_deliveries(new DeliveriesModel(this))
    , m_policies(new PoliciesModel(this))
{
    setObjectName(u"view-channels"_s);
    m_policies->setChannelNames([this](const QString &id) { return m_channels->nameOf(id); });
    buildUi();
    m_follow.setInterval(kFollowIntervalMs);
    connect(&m_follow, &QTimer::timeout, this, &ChannelsView::followTick);
    for (QAbstractItemModel *m : {static_cast<QAbstractItemModel *>(m_channels), static_cast<QAbstractItemModel *>(m_deliveries)}) {
        connect(m, &QAbstractItemModel::rowsInserted, this, &ChannelsView::updateCounts);
        connect(m, &QAbstractItemModel::rowsRemoved, this, &ChannelsView::updateCounts);
        connect(m, &QAbstractItemModel::modelReset, this, &ChannelsView::updateCounts);
    }
    updateButtons();
    updateCounts();
}

ChannelsView::~ChannelsView() = default;

bool ChannelsView::roleCanEdit(const QString &role)
{
    return role == u"tenant-admin" || role == u"platform-admin";
}

void ChannelsView::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    m_message = new QLabel(this);
    m_message->setObjectName(u"channelsMessage"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);
    layout->addWidget(m_message);

    auto *split = new QSplitter(Qt::Vertical, this);
    layout->addWidget(split, 1);

    auto *top = new QWidget(split);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("Notification channels"), top);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    topLayout->addWidget(title);
    m_channelTable = makeTable(m_channels, u"channelTable"_s, top, {16, 9, 9, 28, 32});
    topLayout->addWidget(m_channelTable, 1);
    auto *buttons = new QHBoxLayout;
    m_channelsUpdated = new QLabel(top);
    m_channelsUpdated->setObjectName(u"channelsUpdated"_s);
    buttons->addWidget(m_channelsUpdated, 1);
    const auto button = [&](const QString &name, const QString &text, QWidget *parent, QHBoxLayout *row) {
        auto *b = new QPushButton(text, parent);
        b->setObjectName(name);
        row->addWidget(b);
        return b;
    };
    m_new = button(u"newChannel"_s, tr("New…"), top, buttons);
    m_edit = button(u"editChannel"_s, tr("Edit…"), top, buttons);
    m_delete = button(u"deleteChannel"_s, tr("Delete…"), top, buttons);
    m_test = button(u"testChannel"_s, tr("Send test"), top, buttons);
    m_test->setToolTip(tr("Send a test message over the selected channel; its outcome shows in the delivery log"));
    topLayout->addLayout(buttons);
    connect(m_new, &QPushButton::clicked, this, [this]() { newChannel(); });
    connect(m_edit, &QPushButton::clicked, this, [this]() { editSelected(); });
    connect(m_delete, &QPushButton::clicked, this, &ChannelsView::deleteSelected);
    connect(m_test, &QPushButton::clicked, this, &ChannelsView::sendTestToSelected);
    connect(m_channelTable, &QTableView::activated, this, [this]() { editSelected(); });
    connect(m_channelTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ChannelsView::updateButtons);

    m_lower = new QTabWidget(split);
    m_lower->setObjectName(u"channelsLower"_s);
    m_lower->setDocumentMode(true);

    auto *log = new QWidget(m_lower);
    auto *logLayout = new QVBoxLayout(log);
    logLayout->setContentsMargins(0, 0, 0, 0);
    m_deliveryTable = makeTable(m_deliveries, u"deliveryTable"_s, log, {16, 16, 16, 30, 6, 30});
    logLayout->addWidget(m_deliveryTable, 1);
    auto *logButtons = new QHBoxLayout;
    m_deliveriesUpdated = new QLabel(log);
    m_deliveriesUpdated->setObjectName(u"deliveriesUpdated"_s);
    logButtons->addWidget(m_deliveriesUpdated, 1);
    m_refresh = button(u"refreshDeliveries"_s, tr("Refresh"), log, logButtons);
    connect(m_refresh, &QPushButton::clicked, this, &ChannelsView::refreshDeliveries);
    logLayout->addLayout(logButtons);
    m_lower->addTab(log, tr("Delivery log"));

    auto *policies = new QWidget(m_lower);
    auto *policyLayout = new QVBoxLayout(policies);
    policyLayout->setContentsMargins(0, 0, 0, 0);
    auto *about = new QLabel(tr("Policies decide which alerts, and which of their changes, go to which channels."), policies);
    about->setWordWrap(true);
    policyLayout->addWidget(about);
    m_policyTable = makeTable(m_policies, u"policyTable"_s, policies, {16, 26, 16, 20, 18});
    policyLayout->addWidget(m_policyTable, 1);
    auto *policyButtons = new QHBoxLayout;
    policyButtons->addStretch(1);
    m_addPolicy = button(u"addPolicy"_s, tr("Add…"), policies, policyButtons);
    m_removePolicy = button(u"removePolicy"_s, tr("Remove…"), policies, policyButtons);
    connect(m_addPolicy, &QPushButton::clicked, this, [this]() { newPolicy(); });
    connect(m_removePolicy, &QPushButton::clicked, this, &ChannelsView::removeSelectedPolicy);
    connect(m_policyTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ChannelsView::updateButtons);
    policyLayout->addLayout(policyButtons);
    m_lower->addTab(policies, tr("Policies"));

    split->addWidget(top);
    split->addWidget(m_lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
}

void ChannelsView::setCanEdit(bool canEdit)
{
    m_canEdit = canEdit;
    updateButtons();
}

void ChannelsView::updateButtons()
{
    const bool selected = !selectedChannelId().isEmpty();
    for (QPushButton *b : {m_new, m_delete, m_test, m_addPolicy, m_removePolicy})
        b->setVisible(m_canEdit);
    m_new->setEnabled(m_canEdit);
    m_edit->setText(m_canEdit ? tr("Edit…") : tr("Details…"));
    m_edit->setEnabled(selected);
    m_delete->setEnabled(m_canEdit && selected);
    m_test->setEnabled(m_canEdit && selected);
    m_addPolicy->setEnabled(m_canEdit && m_channels->rowCount() > 0);
    m_removePolicy->setEnabled(m_canEdit && !selectedPolicyId().isEmpty());
}

void ChannelsView::updateCounts()
{
    // Freshness: when each list was last read from the server, and plainly when that failed since.
    const QLocale locale;
    QString channels = tr("Channels: %1").arg(locale.toString(m_channels->rowCount()));
    if (!m_channelsReadAt.isEmpty())
        channels += u" · "_s + tr("read at %1").arg(m_channelsReadAt);
    if (!m_channelsProblem.isEmpty())
        channels += u" · "_s + tr("not current: %1").arg(m_channelsProblem);
    m_channelsUpdated->setText(channels);
    QString log = m_deliveriesTruncated ? tr("Entries: the newest %1").arg(locale.toString(m_deliveries->rowCount()))
                                        : tr("Entries: %1").arg(locale.toString(m_deliveries->rowCount()));
    if (!m_deliveriesReadAt.isEmpty())
        log += u" · "_s + tr("read at %1").arg(m_deliveriesReadAt);
    if (!m_deliveriesProblem.isEmpty())
        log += u" · "_s + tr("not current: %1").arg(m_deliveriesProblem);
    m_deliveriesUpdated->setText(log);
    for (QLabel *l : {m_channelsUpdated, m_deliveriesUpdated}) {
        QPalette p = palette();
        const bool stale = l == m_channelsUpdated ? !m_channelsProblem.isEmpty() : !m_deliveriesProblem.isEmpty();
        if (stale)
            p.setColor(QPalette::WindowText, Theme::warningColor());
        l->setPalette(p);
    }
}

void ChannelsView::showMessage(const QString &text, bool problem)
{
    QPalette p = palette();
    if (problem)
        p.setColor(QPalette::WindowText, Theme::warningColor());
    m_message->setPalette(p);
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
    m_reported.clear();
}

void ChannelsView::reportTest(const DeliveryInfo &d)
{
    showMessage(tr("Test over “%1”: %2").arg(d.channelName, d.outcome()), d.troubled() || d.status == u"cancelled");
    m_reported = d.id;
}

QString ChannelsView::message() const
{
    return m_message->text();
}

void ChannelsView::reload()
{
    if (m_api->bearerToken().isEmpty())
        return;
    const int generation = ++m_generation;
    loadChannels(generation);
    loadPolicies(generation);
    refreshDeliveries();
}

void ChannelsView::loadChannels(int generation)
{
    m_api->get(u"/v1/notification-channels"_s, {}, ApiClient::Auth::Bearer, this, [this, generation](const ApiResult<QJsonDocument> &r) {
        if (generation != m_generation)
            return;
        if (!r) {
            qCInfo(lcAppNotifications) << "reading the channels failed:" << r.error().message;
            if (r.error().httpStatus == 403)
                showMessage(tr("Your role may not see the notification channels (operators and administrators can)."), true);
            else
                showMessage(tr("Cannot read the notification channels: %1").arg(r.error().message), true);
            m_channelsProblem = tr("could not be read at %1").arg(now());
            updateCounts();
            return;
        }
        const QString keep = selectedChannelId();
        QList<ChannelInfo> list;
        for (const QJsonValue &v : r->object().value(u"items").toArray())
            list.append(ChannelInfo::fromJson(v.toObject()));
        m_channels->replaceAll(list);
        updateLastDeliveries();
        m_policies->refreshChannelNames();
        if (!keep.isEmpty())
            selectChannel(keep);
        m_channelsReadAt = now();
        if (!std::exchange(m_channelsProblem, QString()).isEmpty())
            showMessage(QString());   // the problem reading is over
        updateCounts();
        updateButtons();
        Q_EMIT channelsLoaded();
    });
}

void ChannelsView::loadPolicies(int generation)
{
    m_api->get(u"/v1/notification-policies"_s, {}, ApiClient::Auth::Bearer, this, [this, generation](const ApiResult<QJsonDocument> &r) {
        if (generation != m_generation || !r)
            return;
        QList<PolicyInfo> list;
        for (const QJsonValue &v : r->object().value(u"items").toArray())
            list.append(PolicyInfo::fromJson(v.toObject()));
        m_policies->replaceAll(list);
        updateButtons();
        Q_EMIT policiesLoaded();
    });
}

void ChannelsView::refreshDeliveries()
{
    if (m_api->bearerToken().isEmpty())
        return;
    const int generation = ++m_deliveriesGeneration;
    QUrlQuery q;
    q.addQueryItem(u"limit"_s, QString::number(kLogPageSize));
    m_api->get(u"/v1/notification-deliveries"_s, q, ApiClient::Auth::Bearer, this, [this, generation](const ApiResult<QJsonDocument> &r) {
        if (generation != m_deliveriesGeneration)
            return;
        if (!r) {
            qCInfo(lcAppNotifications) << "reading the delivery log failed:" << r.error().message;
            m_deliveriesProblem = tr("could not be read at %1 (%2)").arg(now(), r.error().message);
            updateCounts();
            return;
        }
        QList<DeliveryInfo> list;
        for (const QJsonValue &v : r->object().value(u"items").toArray())
            list.append(DeliveryInfo::fromJson(v.toObject()));
        m_deliveries->replaceAll(list);
        updateLastDeliveries();
        // A message that said "retrying" must not stay after the log says otherwise.
        if (const int row = m_deliveries->rowOf(m_reported); !m_reported.isEmpty() && row >= 0)
            reportTest(m_deliveries->delivery(row));
        m_deliveriesTruncated = !r->object().value(u"next_cursor").toString().isEmpty();
        m_deliveriesReadAt = now();
        m_deliveriesProblem.clear();
        updateCounts();
        Q_EMIT deliveriesLoaded();
    });
}

void ChannelsView::updateLastDeliveries()
{
    m_channels->setLastDeliveries(m_deliveries->newestPerChannel());
}

QString ChannelsView::selectedChannelId() const
{
    const QModelIndexList rows = m_channelTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(ChannelsModel::IdRole).toString();
}

QString ChannelsView::selectedPolicyId() const
{
    const QModelIndexList rows = m_policyTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(PoliciesModel::IdRole).toString();
}

bool ChannelsView::selectChannel(const QString &id)
{
    const int row = m_channels->rowOf(id);
    if (row < 0)
        return false;
    m_channelTable->selectRow(row);
    return true;
}

ChannelDialog *ChannelsView::newChannel()
{
    if (!m_canEdit)
        return nullptr;
    auto *dialog = new ChannelDialog(m_api, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ChannelDialog::saved, this, [this](const QJsonObject &json) {
        const ChannelInfo c = ChannelInfo::fromJson(json);
        m_channels->upsert(c);
        selectChannel(c.id);
        showMessage(tr("Channel “%1” made. Send a test to check that it reaches its receiver.").arg(c.name));
        updateButtons();
    });
    dialog->open();
    return dialog;
}

ChannelDialog *ChannelsView::editSelected()
{
    const int row = m_channels->rowOf(selectedChannelId());
    if (row < 0)
        return nullptr;
    auto *dialog = new ChannelDialog(m_api, m_channels->channel(row), !m_canEdit, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ChannelDialog::saved, this, [this](const QJsonObject &json) {
        const ChannelInfo c = ChannelInfo::fromJson(json);
        m_channels->upsert(c);
        m_policies->refreshChannelNames();
        showMessage(tr("Channel “%1” changed.").arg(c.name));
    });
    dialog->open();
    return dialog;
}

void ChannelsView::deleteSelected()
{
    const int row = m_channels->rowOf(selectedChannelId());
    if (!m_canEdit || row < 0)
        return;
    const ChannelInfo c = m_channels->channel(row);
    auto *box = new QMessageBox(QMessageBox::Question, tr("Delete channel"),
                                tr("Delete the channel “%1”? Notifications still waiting for it are cancelled.").arg(c.name),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmDeleteChannel"_s);
    box->button(QMessageBox::Yes)->setText(tr("Delete"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, c]() {
        if (box->clickedButton() != box->button(QMessageBox::Yes))
            return;
        m_api->deleteResource(u"/v1/notification-channels/%1"_s.arg(c.id), ApiClient::Auth::Bearer, this,
                              [this, c](const ApiResult<QJsonDocument> &r) {
                                  if (!r) {
                                      // 409: a policy still sends to it; the server names the policy.
                                      showMessage(tr("The channel “%1” was not deleted: %2").arg(c.name, r.error().message), true);
                                      return;
                                  }
                                  m_channels->remove(c.id);
                                  showMessage(tr("Channel “%1” deleted.").arg(c.name));
                                  updateButtons();
                                  refreshDeliveries();
                              });
    });
    box->open();
}

void ChannelsView::sendTestToSelected()
{
    const int row = m_channels->rowOf(selectedChannelId());
    if (!m_canEdit || row < 0)
        return;
    const ChannelInfo c = m_channels->channel(row);
    m_test->setEnabled(false);
    showMessage(tr("Sending a test message over “%1”…").arg(c.name));
    m_api->post(u"/v1/notification-channels/%1/test"_s.arg(c.id), {}, ApiClient::Auth::Bearer, this,
                [this, c](const ApiResult<QJsonDocument> &r) {
                    updateButtons();
                    if (!r) {
                        showMessage(tr("The test over “%1” was not started: %2").arg(c.name, r.error().message), true);
                        return;
                    }
                    const DeliveryInfo d = DeliveryInfo::fromJson(r->object());
                    m_lower->setCurrentIndex(0);
                    m_followed.insert(d.id, Follow{});
                    onDeliveryUpdate(d);
                    if (m_followed.contains(d.id)) {
                        showMessage(tr("Test message for “%1” is queued; waiting for the receiver…").arg(c.name));
                        m_follow.start();
                    }
                });
}

void ChannelsView::followTick()
{
    if (m_followed.isEmpty()) {
        m_follow.stop();
        return;
    }
    for (auto it = m_followed.begin(); it != m_followed.end();) {
        const QString id = it.key();
        if (++it->ticks > kFollowTicks) {
            it = m_followed.erase(it);
            showMessage(tr("The test message has not been tried yet; Refresh shows its outcome later."), true);
            continue;
        }
        ++it;
        if (m_followRequests.contains(id))
            continue;
        m_followRequests.insert(id);
        m_api->get(u"/v1/notification-deliveries/%1"_s.arg(id), {}, ApiClient::Auth::Bearer, this, [this, id](const ApiResult<QJsonDocument> &r) {
            m_followRequests.remove(id);
            if (r)
                onDeliveryUpdate(DeliveryInfo::fromJson(r->object()));
        });
    }
}

void ChannelsView::onDeliveryUpdate(const DeliveryInfo &d)
{
    m_deliveries->upsert(d);
    updateLastDeliveries();
    if (!m_followed.contains(d.id) || d.awaitingFirstTry())
        return;
    m_followed.remove(d.id);
    if (m_followed.isEmpty())
        m_follow.stop();
    reportTest(d);
    Q_EMIT testFinished(d.id);
}

PolicyDialog *ChannelsView::newPolicy()
{
    if (!m_canEdit)
        return nullptr;
    auto *dialog = new PolicyDialog(m_api, m_channels->channels(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PolicyDialog::saved, this, [this](const QJsonObject &json) {
        const PolicyInfo p = PolicyInfo::fromJson(json);
        m_policies->upsert(p);
        showMessage(tr("Policy “%1” added.").arg(p.name));
        updateButtons();
    });
    dialog->open();
    return dialog;
}

void ChannelsView::removeSelectedPolicy()
{
    const int row = m_policies->rowOf(selectedPolicyId());
    if (!m_canEdit || row < 0)
        return;
    const PolicyInfo p = m_policies->policy(row);
    auto *box = new QMessageBox(QMessageBox::Question, tr("Remove policy"),
                                tr("Remove the policy “%1”? Its alerts are no longer sent; what it already sent stays in the log.").arg(p.name),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmRemovePolicy"_s);
    box->button(QMessageBox::Yes)->setText(tr("Remove"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, p]() {
        if (box->clickedButton() != box->button(QMessageBox::Yes))
            return;
        m_api->deleteResource(u"/v1/notification-policies/%1"_s.arg(p.id), ApiClient::Auth::Bearer, this,
                              [this, p](const ApiResult<QJsonDocument> &r) {
                                  if (!r) {
                                      showMessage(tr("The policy “%1” was not removed: %2").arg(p.name, r.error().message), true);
                                      return;
                                  }
                                  m_policies->remove(p.id);
                                  showMessage(tr("Policy “%1” removed.").arg(p.name));
                                  updateButtons();
                              });
    });
    box->open();
}
