#include "alertsview.h"

#include "alarmkpisview.h"
#include "alertactiondialog.h"
#include "alertsfilterproxy.h"
#include "alertsmodel.h"
#include "alertstyle.h"
#include "connection/apiclient.h"
#include "connection/liveclient.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

constexpr int kPageSize = 500;
constexpr int kMaxAlerts = 5000;

QString showParam(AlertsView::Show show)
{
    switch (show) {
    case AlertsView::Show::Closed: return u"closed"_s;
    case AlertsView::Show::All: return u"all"_s;
    default: break;
    }
    return u"open"_s;
}

} // namespace

AlertsView::AlertsView(ApiClient *api, LiveClient *live, Access access, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_live(live)
    , m_access(access)
    , m_model(new AlertsModel(this))
    , m_proxy(new AlertsFilterProxy(this))
{
    setObjectName(u"view-alerts"_s);
    m_proxy->setSourceModel(m_model);
    buildUi();
    m_live->setFollowAlerts(true);
    connect(m_live, &LiveClient::alertChanged, this, &AlertsView::onLiveAlert);
    // ISA-101: unacknowledged active alarms flash (about 1 Hz); nothing else moves.
    m_blink.setInterval(500);
    connect(&m_blink, &QTimer::timeout, this, &AlertsView::blink);
    m_blink.start();
    m_soundRepeat.setInterval(5000);
    connect(&m_soundRepeat, &QTimer::timeout, this, &AlertsView::soundTick);
}

AlertsView::~AlertsView() = default;

void AlertsView::buildUi()
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_pages = new QTabWidget(this);
    m_pages->setDocumentMode(true);
    outer->addWidget(m_pages);

    auto *list = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(list);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), list));
    m_showBox = new QComboBox(list);
    m_showBox->setObjectName(u"alertShow"_s);
    m_showBox->addItem(tr("Open"), int(Show::Open));
    m_showBox->addItem(tr("Needing acknowledgement"), int(Show::Unacknowledged));
    m_showBox->addItem(tr("Active"), int(Show::Active));
    m_showBox->addItem(tr("Shelved"), int(Show::Shelved));
    m_showBox->addItem(tr("Returned to normal"), int(Show::Returned));
    m_showBox->addItem(tr("Closed (history)"), int(Show::Closed));
    m_showBox->addItem(tr("All"), int(Show::All));
    bar->addWidget(m_showBox);
    connect(m_showBox, &QComboBox::currentIndexChanged, this,
            [this]() { setShow(Show(m_showBox->currentData().toInt())); });
    for (const auto s : {AlertInfo::Severity::Critical, AlertInfo::Severity::Major, AlertInfo::Severity::Minor,
                         AlertInfo::Severity::Warning, AlertInfo::Severity::Info}) {
        auto *b = new QToolButton(list);
        b->setObjectName(u"severity-"_s + AlertInfo::severityName(s));
        b->setCheckable(true);
        b->setChecked(true);
        b->setIcon(AlertStyle::symbol(s, false));
        b->setText(AlertInfo::severityLabel(s));
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        b->setToolTip(tr("Show or hide %1 alerts").arg(AlertInfo::severityLabel(s)));
        connect(b, &QToolButton::toggled, this, [this]() {
            QSet<AlertInfo::Severity> wanted;
            for (auto it = m_severityButtons.cbegin(); it != m_severityButtons.cend(); ++it)
                if (it.value()->isChecked())
                    wanted.insert(AlertInfo::Severity(it.key()));
            m_proxy->setSeverities(wanted.size() == 5 ? QSet<AlertInfo::Severity>() : wanted);
            updateSummary();
        });
        m_severityButtons.insert(int(s), b);
        bar->addWidget(b);
    }
    m_filter = new QLineEdit(list);
    m_filter->setObjectName(u"alertFilter"_s);
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("Filter – device, rule, message"));
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &t) {
        m_proxy->setText(t);
        updateSummary();
    });
    bar->addWidget(m_filter, 1);
    m_audible = new QCheckBox(tr("Sound for new criticals"), list);
    m_audible->setObjectName(u"audibleAlarm"_s);
    bar->addWidget(m_audible);
    m_silence = new QPushButton(tr("Silence"), list);
    m_silence->setObjectName(u"silence"_s);
    m_silence->setToolTip(tr("Stop the sound until the next new critical; silencing does not acknowledge"));
    m_silence->setEnabled(false);
    connect(m_silence, &QPushButton::clicked, this, [this]() {
        m_silenced = true;
        m_soundRepeat.stop();
        m_silence->setEnabled(false);
    });
    connect(m_audible, &QCheckBox::toggled, this, &AlertsView::audibleAlarmChanged);
    connect(m_audible, &QCheckBox::toggled, this, [this](bool on) {
        if (!on) {
            m_soundRepeat.stop();
            m_silence->setEnabled(false);
        }
    });
    bar->addWidget(m_silence);
    layout->addLayout(bar);

    m_problem = new QLabel(list);
    m_problem->setObjectName(u"alertProblem"_s);
    m_problem->setWordWrap(true);
    m_problem->setVisible(false);
    layout->addWidget(m_problem);

    auto *split = new QSplitter(Qt::Vertical, list);
    m_table = new QTableView(split);
    m_table->setObjectName(u"alertTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(AlertsModel::PriorityColumn, Qt::AscendingOrder);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(m_access == Access::Operate ? QAbstractItemView::ExtendedSelection
                                                          : QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setVisible(false);
    // The message takes what is left; the state reads in full ("Active, unacknowledged" in bold).
    const int em = m_table->fontMetrics().horizontalAdvance(u'M');
    const int widths[] = {8, 19, 16, 14, 26, 11, 14, 5, 10, 13};
    for (int c = 0; c < AlertsModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, widths[c] * em);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(AlertsModel::MessageColumn, QHeaderView::Stretch);
    m_details = new QTextBrowser(split);
    m_details->setObjectName(u"alertDetails"_s);
    split->addWidget(m_table);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    auto *buttons = new QHBoxLayout;
    m_countLabel = new QLabel(list);
    m_countLabel->setObjectName(u"alertCount"_s);
    buttons->addWidget(m_countLabel, 1);
    const auto addButton = [&](QPushButton *&b, const QString &name, const QString &text, int action) {
        b = new QPushButton(text, list);
        b->setObjectName(name);
        connect(b, &QPushButton::clicked, this, [this, action]() { act(action); });
        buttons->addWidget(b);
        b->setVisible(m_access == Access::Operate);
    };
    addButton(m_ack, u"acknowledge"_s, tr("Acknowledge…"), int(AlertActionDialog::Action::Acknowledge));
    addButton(m_clear, u"clear"_s, tr("Clear…"), int(AlertActionDialog::Action::Clear));
    addButton(m_shelve, u"shelve"_s, tr("Shelve…"), int(AlertActionDialog::Action::Shelve));
    addButton(m_unshelve, u"unshelve"_s, tr("Unshelve…"), int(AlertActionDialog::Action::Unshelve));
    addButton(m_assign, u"assign"_s, tr("Assign…"), int(AlertActionDialog::Action::Assign));
    m_openDevice = new QPushButton(tr("Open device"), list);
    m_openDevice->setObjectName(u"openDevice"_s);
    m_openDevice->setVisible(m_access == Access::Operate);
    connect(m_openDevice, &QPushButton::clicked, this, [this]() {
        const auto sel = selectedAlerts();
        if (!sel.isEmpty())
            Q_EMIT openDeviceRequested(sel.first().deviceId);
    });
    buttons->addWidget(m_openDevice);
    layout->addLayout(buttons);
    m_pages->addTab(list, tr("Alarm list"));

    m_kpis = new AlarmKpisView(m_api, m_pages);
    m_pages->addTab(m_kpis, tr("Alarm performance (KPIs)"));
    connect(m_pages, &QTabWidget::currentChanged, this, [this](int i) {
        if (m_pages->widget(i) == m_kpis)
            m_kpis->reload();
    });

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this]() {
        updateButtons();
        showDetails();
    });
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        if (m_access == Access::Operate)
            Q_EMIT openDeviceRequested(m_model->alert(m_proxy->mapToSource(index).row()).deviceId);
    });
    if (m_access == Access::Operate) {
        m_table->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
            QMenu menu(this);
            for (QPushButton *b : {m_ack, m_clear, m_shelve, m_unshelve, m_assign, m_openDevice}) {
                QAction *a = menu.addAction(b->text(), b, &QPushButton::click);
                a->setEnabled(b->isEnabled());
            }
            menu.exec(m_table->viewport()->mapToGlobal(pos));
        });
    }
    updateButtons();
}

void AlertsView::setDeviceNames(std::function<QString(const QString &)> names)
{
    m_model->setDeviceNames(names);
    m_kpis->setDeviceNames(names);
}

void AlertsView::devicesChanged()
{
    m_model->refreshDevices();
    if (!m_detailsFor.isEmpty())
        showDetails();
}

void AlertsView::setAudibleAlarm(bool on) { m_audible->setChecked(on); }
bool AlertsView::audibleAlarm() const { return m_audible->isChecked(); }
void AlertsView::showKpis() { m_pages->setCurrentWidget(m_kpis); }

void AlertsView::setShow(Show show)
{
    const Show before = m_show;
    m_show = show;
    if (const int i = m_showBox->findData(int(show)); i >= 0 && i != m_showBox->currentIndex())
        m_showBox->setCurrentIndex(i);
    switch (show) {
    case Show::Unacknowledged: m_proxy->setState(AlertsFilterProxy::State::Unacknowledged); break;
    case Show::Active: m_proxy->setState(AlertsFilterProxy::State::Active); break;
    case Show::Shelved: m_proxy->setState(AlertsFilterProxy::State::Shelved); break;
    case Show::Returned: m_proxy->setState(AlertsFilterProxy::State::Returned); break;
    default: m_proxy->setState(AlertsFilterProxy::State::Any); break;
    }
    // The open subsets are filtered here; closed and all are other lists on the server.
    if (showParam(before) != showParam(show))
        reload();
    else
        updateSummary();
}

void AlertsView::reload()
{
    if (m_api->bearerToken().isEmpty())
        return;
    m_loading = true;
    m_queuedLive.clear();
    m_countLabel->setText(tr("Loading alerts…"));
    load(QString(), {}, ++m_generation);
    loadRole();
    if (m_pages->currentWidget() == m_kpis)
        m_kpis->reload();
}

void AlertsView::load(const QString &cursor, QList<AlertInfo> collected, int generation)
{
    QUrlQuery q;
    q.addQueryItem(u"state"_s, showParam(m_show));
    q.addQueryItem(u"limit"_s, QString::number(kPageSize));
    if (!cursor.isEmpty())
        q.addQueryItem(u"cursor"_s, cursor);
    m_api->get(u"/v1/alerts"_s, q, ApiClient::Auth::Bearer, this,
               [this, collected, generation](const ApiResult<QJsonDocument> &r) mutable {
                   if (generation != m_generation)
                       return;
                   if (!r) {
                       m_loading = false;
                       m_problem->setText(tr("Cannot read the alerts: %1").arg(r.error().message));
                       m_problem->setVisible(true);
                       updateSummary();
                       return;
                   }
                   const QJsonObject page = r->object();
                   for (const QJsonValue &v : page.value(u"items").toArray())
                       collected.append(AlertInfo::fromJson(v.toObject()));
                   const QString next = page.value(u"next_cursor").toString();
                   if (!next.isEmpty() && collected.size() < kMaxAlerts) {
                       load(next, collected, generation);
                       return;
                   }
                   m_truncated = !next.isEmpty();
                   m_loading = false;
                   m_problem->setVisible(false);
                   m_model->replaceAll(collected);
                   // What changed while the pages were read is applied on top.
                   const QList<QJsonObject> queued = std::exchange(m_queuedLive, {});
                   for (const QJsonObject &o : queued)
                       apply(AlertInfo::fromJson(o), false);
                   updateSummary();
                   updateButtons();
                   showDetails();
                   Q_EMIT loaded();
               });
}

void AlertsView::loadRole()
{
    m_api->get(u"/v1/auth/me"_s, {}, ApiClient::Auth::Bearer, this, [this](const ApiResult<QJsonDocument> &r) {
        if (!r)
            return;
        m_role = r->object().value(u"role").toString();
        updateButtons();
        if (m_role != u"tenant-admin" && m_role != u"platform-admin")
            return;
        m_api->get(u"/v1/users"_s, {}, ApiClient::Auth::Bearer, this, [this](const ApiResult<QJsonDocument> &users) {
            if (!users)
                return;
            m_users.clear();
            for (const QJsonValue &v : users->object().value(u"items").toArray()) {
                const QJsonObject u = v.toObject();
                const QString id = u.value(u"user_id").toString(u.value(u"id").toString());
                if (!id.isEmpty())
                    m_users.insert(id, u.value(u"email").toString());
            }
            m_model->setUserNames(m_users);
        });
    });
}

bool AlertsView::belongs(const AlertInfo &a) const
{
    switch (m_show) {
    case Show::Closed: return a.closed;
    case Show::All: return true;
    default: return !a.closed;
    }
}

void AlertsView::onLiveAlert(const QJsonObject &json)
{
    if (m_loading) {
        m_queuedLive.append(json);
        return;
    }
    apply(AlertInfo::fromJson(json), true);
    updateSummary();
    updateButtons();
    if (m_detailsFor == json.value(u"id").toString())
        showDetails();
}

void AlertsView::apply(const AlertInfo &alert, bool fromLive)
{
    if (!belongs(alert)) {
        m_model->remove(alert.id);
        return;
    }
    const AlertsModel::Change change = m_model->upsert(alert);
    if (fromLive && change.raised && alert.severity == AlertInfo::Severity::Critical && !alert.isSidelined()
        && m_audible->isChecked()) {
        m_silenced = false;
        sound();
        m_soundRepeat.start();
        m_silence->setEnabled(true);
    }
}

void AlertsView::sound()
{
    ++m_sounds;
    QApplication::beep();
    Q_EMIT alarmSounded();
}

void AlertsView::soundTick()
{
    // Repeats while a critical waits for acknowledgement, unless silenced.
    bool waiting = false;
    for (const AlertInfo &a : m_model->alerts())
        waiting |= a.severity == AlertInfo::Severity::Critical && a.isUnacknowledgedActive() && !a.isSidelined();
    if (!waiting || m_silenced || !m_audible->isChecked()) {
        m_soundRepeat.stop();
        m_silence->setEnabled(false);
        return;
    }
    sound();
}

void AlertsView::blink()
{
    m_blinkOn = !m_blinkOn;
    m_model->setBlinkPhase(m_blinkOn);
}

void AlertsView::updateSummary()
{
    Summary s;
    for (const AlertInfo &a : m_model->alerts()) {
        if (a.closed)
            continue;
        ++s.open;
        s.unacknowledged += !a.acknowledged;
        s.activeUnacknowledged += a.isUnacknowledgedActive();
        if (a.active && !a.isSidelined() && (!s.highest || int(a.severity) < int(*s.highest)))
            s.highest = a.severity;
    }
    m_summary = s;
    const QLocale locale;
    QString text = tr("%1 shown of %2; %3 open, %4 need acknowledgement")
                       .arg(locale.toString(m_proxy->rowCount()), locale.toString(m_model->rowCount()),
                            locale.toString(s.open), locale.toString(s.unacknowledged));
    if (m_truncated)
        text += u"  "_s + tr("(the newest %1 only)").arg(locale.toString(m_model->rowCount()));
    m_countLabel->setText(text);
    Q_EMIT summaryChanged();
}

QList<AlertInfo> AlertsView::selectedAlerts() const
{
    QList<AlertInfo> out;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        out.append(m_model->alert(m_proxy->mapToSource(i).row()));
    return out;
}

void AlertsView::updateButtons()
{
    const QList<AlertInfo> sel = selectedAlerts();
    const bool admin = m_role == u"tenant-admin" || m_role == u"platform-admin";
    const bool writer = admin || m_role == u"operator" || m_role.isEmpty();
    bool canAck = false, canClear = false, canShelve = false, canUnshelve = false;
    for (const AlertInfo &a : sel) {
        canAck |= !a.acknowledged && !a.closed;
        canClear |= !a.active && !a.closed;
        canShelve |= !a.shelved && !a.closed;
        canUnshelve |= a.shelved;
    }
    m_ack->setEnabled(writer && canAck);
    m_clear->setEnabled(writer && canClear);
    m_shelve->setEnabled(admin && canShelve);
    m_unshelve->setEnabled(admin && canUnshelve);
    m_assign->setEnabled(writer && !sel.isEmpty());
    m_openDevice->setEnabled(sel.size() == 1);
    const QString adminOnly = tr("Shelving is for tenant administrators");
    m_shelve->setToolTip(admin ? QString() : adminOnly);
    m_unshelve->setToolTip(admin ? QString() : adminOnly);
}

void AlertsView::act(int action)
{
    const auto kind = AlertActionDialog::Action(action);
    QList<AlertInfo> targets;
    for (const AlertInfo &a : selectedAlerts()) {
        const bool fits = (kind == AlertActionDialog::Action::Acknowledge && !a.acknowledged && !a.closed)
            || (kind == AlertActionDialog::Action::Clear && !a.active && !a.closed)
            || (kind == AlertActionDialog::Action::Shelve && !a.shelved && !a.closed)
            || (kind == AlertActionDialog::Action::Unshelve && a.shelved)
            || kind == AlertActionDialog::Action::Assign;
        if (fits)
            targets.append(a);
    }
    if (targets.isEmpty())
        return;
    auto *dialog = new AlertActionDialog(kind, targets, m_api, m_users, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &AlertActionDialog::alertUpdated, this, [this](const QJsonObject &json) {
        apply(AlertInfo::fromJson(json), false);
        updateSummary();
        updateButtons();
        showDetails();
    });
    dialog->open();
}

void AlertsView::showDetails()
{
    const QList<AlertInfo> sel = selectedAlerts();
    if (sel.size() != 1) {
        m_detailsFor.clear();
        m_details->setPlainText(sel.isEmpty() ? tr("Select an alert to see its history.")
                                              : tr("%1 alerts selected.").arg(sel.size()));
        return;
    }
    const AlertInfo a = sel.first();
    m_detailsFor = a.id;
    renderDetails(a, {});
    m_api->get(u"/v1/alerts/%1"_s.arg(a.id), {}, ApiClient::Auth::Bearer, this, [this, id = a.id](const ApiResult<QJsonDocument> &r) {
        if (!r || m_detailsFor != id)
            return;
        renderDetails(AlertInfo::fromJson(r->object()), r->object().value(u"history").toArray());
    });
}

void AlertsView::renderDetails(const AlertInfo &a, const QJsonArray &history)
{
    const QLocale locale;
    const auto when = [&](const QDateTime &t) {
        return t.isValid() ? locale.toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
    };
    QString html = u"<p><b>%1 – %2</b><br>%3</p>"_s.arg(AlertInfo::severityLabel(a.severity).toHtmlEscaped(),
                                                        a.stateLabel().toHtmlEscaped(), a.message.toHtmlEscaped());
    html += u"<p>"_s + tr("Device: %1").arg(m_model->data(m_model->index(m_model->rowOf(a.id), AlertsModel::DeviceColumn)).toString().toHtmlEscaped());
    html += u"<br>"_s + tr("Rule / check: %1").arg(a.sourceLabel().toHtmlEscaped());
    html += u"<br>"_s + tr("First raised %1, last raised %2, occurrences: %3").arg(when(a.raisedAt), when(a.lastRaisedAt)).arg(a.occurrences);
    if (!a.conditionsLabel().isEmpty())
        html += u"<br>"_s + a.conditionsLabel().toHtmlEscaped();
    html += u"</p>"_s;
    if (!history.isEmpty()) {
        html += u"<table cellspacing=4><tr><th align=left>"_s + tr("When") + u"</th><th align=left>"_s + tr("What")
            + u"</th><th align=left>"_s + tr("Who") + u"</th><th align=left>"_s + tr("Note") + u"</th></tr>"_s;
        for (const QJsonValue &v : history) {
            const QJsonObject e = v.toObject();
            html += u"<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>"_s.arg(
                when(QDateTime::fromString(e.value(u"at").toString(), Qt::ISODateWithMs)),
                e.value(u"kind").toString().replace(u'_', u' ').toHtmlEscaped(), e.value(u"actor").toString().toHtmlEscaped(),
                e.value(u"note").toString().toHtmlEscaped());
        }
        html += u"</table>"_s;
    }
    m_details->setHtml(html);
}
