#include "policydialog.h"

#include "alerts/alertinfo.h"
#include "base/theme.h"
#include "connection/apiclient.h"
#include "connection/problemdetails.h"
#include "deliveryinfo.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTimeEdit>
#include <QTimeZone>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

constexpr int kIdRole = Qt::UserRole + 1;

const QStringList &eventNames()
{
    static const QStringList names{u"raised"_s, u"acknowledged"_s, u"cleared"_s, u"closed"_s};
    return names;
}

} // namespace

PolicyDialog::PolicyDialog(ApiClient *api, const QList<ChannelInfo> &channels, QWidget *parent)
    : QDialog(parent)
    , m_api(api)
{
    setObjectName(u"policyDialog"_s);
    setWindowTitle(tr("New notification policy"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    layout->addLayout(form);

    const auto cell = [this](QWidget *content, const QString &key) {
        auto *w = new QWidget(this);
        auto *v = new QVBoxLayout(w);
        v->setContentsMargins(0, 0, 0, 0);
        v->setSpacing(2);
        v->addWidget(content);
        v->addWidget(addError(key));
        return w;
    };

    m_name = new QLineEdit(this);
    m_name->setObjectName(u"policy-name"_s);
    m_name->setPlaceholderText(tr("e.g. Criticals to on-call"));
    form->addRow(tr("Name:"), cell(m_name, u"name"_s));

    auto *severities = new QWidget(this);
    auto *sevRow = new QHBoxLayout(severities);
    sevRow->setContentsMargins(0, 0, 0, 0);
    for (const auto s : {AlertInfo::Severity::Critical, AlertInfo::Severity::Major, AlertInfo::Severity::Minor,
                         AlertInfo::Severity::Warning, AlertInfo::Severity::Info}) {
        auto *box = new QCheckBox(AlertInfo::severityLabel(s), severities);
        box->setObjectName(u"policy-severity-"_s + AlertInfo::severityName(s));
        m_severities.insert(AlertInfo::severityName(s), box);
        sevRow->addWidget(box);
    }
    sevRow->addStretch(1);
    severities->setToolTip(tr("None ticked: every severity."));
    form->addRow(tr("Severities:"), cell(severities, u"severities"_s));

    m_health = new QCheckBox(tr("Device-health alerts (offline, stale data) too"), this);
    m_health->setObjectName(u"policy-include_health"_s);
    m_health->setChecked(true);
    form->addRow(QString(), m_health);

    auto *events = new QWidget(this);
    auto *evRow = new QHBoxLayout(events);
    evRow->setContentsMargins(0, 0, 0, 0);
    for (const QString &e : eventNames()) {
        auto *box = new QCheckBox(DeliveryInfo::eventLabel(e), events);
        box->setObjectName(u"policy-event-"_s + e);
        box->setChecked(e == u"raised" || e == u"cleared");
        m_events.insert(e, box);
        evRow->addWidget(box);
    }
    evRow->addStretch(1);
    form->addRow(tr("Notify when an alert is:"), cell(events, u"events"_s));

    m_channels = new QListWidget(this);
    m_channels->setObjectName(u"policy-channels"_s);
    for (const ChannelInfo &c : channels) {
        auto *item = new QListWidgetItem(tr("%1 (%2)").arg(c.name, ChannelInfo::kindLabel(c.kind)), m_channels);
        item->setData(kIdRole, c.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    m_channels->setFixedHeight(m_channels->fontMetrics().lineSpacing() * 6);
    form->addRow(tr("Send to:"), cell(m_channels, u"channel_ids"_s));

    m_quiet = new QGroupBox(tr("Quiet hours"), this);
    m_quiet->setObjectName(u"policy-quiet_hours"_s);
    m_quiet->setCheckable(true);
    m_quiet->setChecked(false);
    auto *quiet = new QFormLayout(m_quiet);
    m_quietStart = new QTimeEdit(QTime(22, 0), m_quiet);
    m_quietStart->setDisplayFormat(u"HH:mm"_s);
    m_quietEnd = new QTimeEdit(QTime(7, 0), m_quiet);
    m_quietEnd->setDisplayFormat(u"HH:mm"_s);
    m_timeZone = new QLineEdit(QString::fromUtf8(QTimeZone::systemTimeZoneId()), m_quiet);
    m_timeZone->setToolTip(tr("An IANA time zone such as Europe/Berlin"));
    m_criticalInQuiet = new QCheckBox(tr("Critical alerts are still sent"), m_quiet);
    m_criticalInQuiet->setChecked(true);
    quiet->addRow(tr("From:"), m_quietStart);
    quiet->addRow(tr("Until:"), m_quietEnd);
    quiet->addRow(tr("Time zone:"), m_timeZone);
    quiet->addRow(QString(), m_criticalInQuiet);
    quiet->addRow(QString(), addError(u"quiet_hours"_s));
    layout->addWidget(m_quiet);

    m_message = new QLabel(this);
    m_message->setObjectName(u"policyMessage"_s);
    m_message->setWordWrap(true);
    layout->addWidget(m_message);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &PolicyDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &PolicyDialog::reject);
    layout->addWidget(m_buttons);
}

QLabel *PolicyDialog::addError(const QString &key)
{
    auto *label = new QLabel(this);
    label->setObjectName(u"policy-"_s + key + u"-error"_s);
    label->setWordWrap(true);
    label->setVisible(false);
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, Theme::warningColor());
    label->setPalette(p);
    m_errors.insert(key, label);
    return label;
}

QJsonObject PolicyDialog::body() const
{
    QJsonArray severities;
    for (const QString &s : {u"critical"_s, u"major"_s, u"minor"_s, u"warning"_s, u"info"_s})
        if (m_severities.value(s)->isChecked())
            severities.append(s);
    QJsonArray events;
    for (const QString &e : eventNames())
        if (m_events.value(e)->isChecked())
            events.append(e);
    QJsonArray channels;
    for (int i = 0; i < m_channels->count(); ++i)
        if (m_channels->item(i)->checkState() == Qt::Checked)
            channels.append(m_channels->item(i)->data(kIdRole).toString());
    QJsonObject body{{u"name"_s, m_name->text().trimmed()},
                     {u"severities"_s, severities},
                     {u"include_health"_s, m_health->isChecked()},
                     {u"events"_s, events},
                     {u"channel_ids"_s, channels}};
    if (m_quiet->isChecked()) {
        QJsonObject q{{u"start"_s, m_quietStart->time().toString(u"HH:mm"_s)},
                      {u"end"_s, m_quietEnd->time().toString(u"HH:mm"_s)},
                      {u"time_zone"_s, m_timeZone->text().trimmed()}};
        if (m_criticalInQuiet->isChecked())
            q.insert(u"except_severities"_s, QJsonArray{u"critical"_s});
        body.insert(u"quiet_hours"_s, q);
    }
    return body;
}

QString PolicyDialog::fieldError(const QString &field) const
{
    const QLabel *l = m_errors.value(field);
    return l && !l->isHidden() ? l->text() : QString();
}

QString PolicyDialog::message() const
{
    return m_message->text();
}

void PolicyDialog::clearErrors()
{
    for (QLabel *l : std::as_const(m_errors)) {
        l->clear();
        l->setVisible(false);
    }
    m_message->clear();
}

void PolicyDialog::showServerError(const QString &detail)
{
    const FieldProblem problem = splitFieldProblem(detail);
    if (QLabel *l = m_errors.value(problem.segments().value(0))) {   // "/channel_ids/0: …" marks the channels
        l->setText(asSentence(problem.message));
        l->setVisible(true);
    }
    m_message->setText(tr("The server did not accept the policy: %1").arg(asSentence(detail)));
}

void PolicyDialog::accept()
{
    if (m_busy)
        return;
    clearErrors();
    m_busy = true;
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(false);
    m_message->setText(tr("Saving…"));
    m_api->post(u"/v1/notification-policies"_s, body(), ApiClient::Auth::Bearer, this, [this](const ApiResult<QJsonDocument> &r) {
        m_busy = false;
        m_buttons->button(QDialogButtonBox::Save)->setEnabled(true);
        if (r) {
            m_message->clear();
            Q_EMIT saved(r->object());
            QDialog::accept();
            return;
        }
        const QString detail = refusalDetail(r.error());
        if (!detail.isEmpty())
            showServerError(detail);
        else
            m_message->setText(tr("The policy was not saved: %1").arg(r.error().message));
    });
}
