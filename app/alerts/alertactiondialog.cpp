#include "alertactiondialog.h"

#include "alertstyle.h"
#include "connection/apiclient.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

constexpr int kMaxNote = 1000;

} // namespace

QString AlertActionDialog::verb(Action action)
{
    switch (action) {
    case Action::Acknowledge: return u"acknowledge"_s;
    case Action::Clear: return u"clear"_s;
    case Action::Shelve: return u"shelve"_s;
    case Action::Unshelve: return u"unshelve"_s;
    case Action::Assign: break;
    }
    return u"assign"_s;
}

AlertActionDialog::AlertActionDialog(Action action, const QList<AlertInfo> &alerts, ApiClient *api,
                                     const QHash<QString, QString> &users, QWidget *parent)
    : QDialog(parent)
    , m_action(action)
    , m_alerts(alerts)
    , m_api(api)
{
    setObjectName(u"alertActionDialog"_s);
    const int n = int(alerts.size());
    QString title, intro, okText;
    switch (action) {
    case Action::Acknowledge:
        title = tr("Acknowledge alerts");
        intro = n == 1 ? tr("Acknowledge this occurrence. A new occurrence will need its own acknowledgement.")
                       : tr("Acknowledge these %1 alerts. A new occurrence will need its own acknowledgement.").arg(n);
        okText = tr("Acknowledge");
        break;
    case Action::Clear:
        title = tr("Clear alerts");
        intro = n == 1 ? tr("Close this alert: it has returned to normal.")
                       : tr("Close these %1 alerts that returned to normal.").arg(n);
        okText = tr("Clear");
        break;
    case Action::Shelve:
        title = tr("Shelve alerts");
        intro = n == 1 ? tr("Set this alert aside: it stays listed, greyed, and notifies no one while shelved.")
                       : tr("Set these %1 alerts aside: they stay listed, greyed, and notify no one while shelved.").arg(n);
        okText = tr("Shelve");
        break;
    case Action::Unshelve:
        title = tr("Unshelve alerts");
        intro = n == 1 ? tr("End the shelving of this alert.") : tr("End the shelving of these %1 alerts.").arg(n);
        okText = tr("Unshelve");
        break;
    case Action::Assign:
        title = tr("Assign alerts");
        intro = n == 1 ? tr("Who takes care of this alert?") : tr("Who takes care of these %1 alerts?").arg(n);
        okText = tr("Assign");
        break;
    }
    setWindowTitle(title);

    auto *layout = new QVBoxLayout(this);
    auto *introLabel = new QLabel(intro, this);
    introLabel->setWordWrap(true);
    layout->addWidget(introLabel);

    // The alerts concerned, the first few by name.
    QStringList lines;
    for (int i = 0; i < alerts.size() && i < 5; ++i)
        lines << u"• %1 – %2"_s.arg(AlertInfo::severityLabel(alerts.at(i).severity), alerts.at(i).message.toHtmlEscaped());
    if (alerts.size() > 5)
        lines << tr("… and %1 more").arg(alerts.size() - 5);
    auto *list = new QLabel(lines.join(u"<br>"_s), this);
    list->setObjectName(u"alertList"_s);
    list->setTextFormat(Qt::RichText);
    list->setWordWrap(true);
    layout->addWidget(list);

    auto *form = new QFormLayout;
    if (action == Action::Shelve) {
        m_timed = new QRadioButton(tr("For"), this);
        m_timed->setChecked(true);
        m_duration = new QComboBox(this);
        m_duration->setObjectName(u"shelveDuration"_s);
        for (const auto &[label, seconds] : {std::pair{tr("15 minutes"), 900}, std::pair{tr("1 hour"), 3600},
                                             std::pair{tr("4 hours"), 4 * 3600}, std::pair{tr("8 hours (a shift)"), 8 * 3600},
                                             std::pair{tr("24 hours (the longest)"), 24 * 3600}})
            m_duration->addItem(label, seconds);
        m_duration->setCurrentIndex(1);
        auto *timedRow = new QHBoxLayout;
        timedRow->addWidget(m_timed);
        timedRow->addWidget(m_duration, 1);
        form->addRow(tr("Shelve:"), timedRow);
        m_oneShot = new QRadioButton(tr("Until it next returns to normal (one-shot)"), this);
        m_oneShot->setObjectName(u"shelveOneShot"_s);
        form->addRow(QString(), m_oneShot);
        connect(m_timed, &QRadioButton::toggled, m_duration, &QWidget::setEnabled);
    }
    if (action == Action::Assign) {
        m_assignee = new QComboBox(this);
        m_assignee->setObjectName(u"assignee"_s);
        m_assignee->addItem(tr("Nobody (unassign)"), QString());
        QList<std::pair<QString, QString>> sorted;
        for (auto it = users.cbegin(); it != users.cend(); ++it)
            sorted.append({it.value(), it.key()});
        std::sort(sorted.begin(), sorted.end());
        for (const auto &[email, id] : sorted)
            m_assignee->addItem(email, id);
        if (users.isEmpty())
            m_assignee->setToolTip(tr("Your role cannot list the organisation's users; you can only unassign."));
        else
            m_assignee->setCurrentIndex(1);
        form->addRow(tr("Assign to:"), m_assignee);
    }
    m_note = new QPlainTextEdit(this);
    m_note->setObjectName(u"note"_s);
    m_note->setTabChangesFocus(true);
    m_note->setPlaceholderText(action == Action::Shelve ? tr("Why it is set aside (required), e.g. sensor replaced, ticket 4711")
                                                        : tr("Optional, e.g. crew on the way"));
    m_note->setFixedHeight(m_note->fontMetrics().lineSpacing() * 4 + 12);
    form->addRow(action == Action::Shelve ? tr("Note (required):") : tr("Note:"), m_note);
    layout->addLayout(form);

    m_problem = new QLabel(this);
    m_problem->setObjectName(u"problem"_s);
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setVisible(false);
    QPalette p = m_problem->palette();
    p.setColor(QPalette::WindowText, AlertStyle::color(AlertInfo::Severity::Critical));
    m_problem->setPalette(p);
    layout->addWidget(m_problem);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, n);
    m_progress->setFormat(tr("%v of %m"));
    m_progress->setVisible(false);
    layout->addWidget(m_progress);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(okText);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &AlertActionDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    m_note->setFocus();
    setMinimumWidth(460);
}

void AlertActionDialog::setNote(const QString &note) { m_note->setPlainText(note); }

void AlertActionDialog::setShelveDurationSeconds(int seconds)
{
    if (!m_duration)
        return;
    if (seconds <= 0) {
        m_oneShot->setChecked(true);
        return;
    }
    m_timed->setChecked(true);
    int i = m_duration->findData(seconds);
    if (i < 0) {
        m_duration->addItem(tr("%1 minutes").arg(seconds / 60), seconds);
        i = m_duration->count() - 1;
    }
    m_duration->setCurrentIndex(i);
}

void AlertActionDialog::setAssignee(const QString &userId)
{
    if (!m_assignee)
        return;
    int i = m_assignee->findData(userId);
    if (i < 0) {
        m_assignee->addItem(userId, userId);
        i = m_assignee->count() - 1;
    }
    m_assignee->setCurrentIndex(i);
}

QJsonObject AlertActionDialog::body() const
{
    QJsonObject b;
    const QString note = m_note->toPlainText().trimmed();
    if (!note.isEmpty())
        b.insert(u"note"_s, note);
    if (m_action == Action::Shelve) {
        if (m_oneShot->isChecked())
            b.insert(u"one_shot"_s, true);
        else
            b.insert(u"duration_s"_s, m_duration->currentData().toInt());
    }
    if (m_action == Action::Assign) {
        const QString user = m_assignee->currentData().toString();
        b.insert(u"user_id"_s, user.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(user));
    }
    return b;
}

QString AlertActionDialog::inputProblem() const
{
    const QString note = m_note->toPlainText().trimmed();
    if (m_action == Action::Shelve && note.isEmpty())
        return tr("Say why the alert is shelved: the note is required and kept in its history.");
    if (note.size() > kMaxNote)
        return tr("The note is %1 characters long; at most %2 are kept.").arg(note.size()).arg(kMaxNote);
    return {};
}

void AlertActionDialog::accept()
{
    if (!m_pending.isEmpty())
        return;   // still sending
    if (const QString problem = inputProblem(); !problem.isEmpty()) {
        m_problem->setText(problem);
        m_problem->setVisible(true);
        m_note->setFocus();
        return;
    }
    // The first press sends all; after failures, a press sends only the ones that failed.
    m_pending.clear();
    for (int i = 0; i < m_alerts.size(); ++i)
        m_pending.append(i);
    m_failures.clear();
    m_done = 0;
    m_problem->setVisible(false);
    m_progress->setValue(0);
    m_progress->setVisible(m_alerts.size() > 1);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    m_note->setReadOnly(true);
    sendNext();
}

void AlertActionDialog::sendNext()
{
    if (m_pending.isEmpty()) {
        finish();
        return;
    }
    const int i = m_pending.first();
    const AlertInfo alert = m_alerts.at(i);
    m_api->post(u"/v1/alerts/%1/%2"_s.arg(alert.id, verb(m_action)), body(), ApiClient::Auth::Bearer, this,
                [this, i, alert](const ApiResult<QJsonDocument> &result) {
                    m_pending.removeFirst();
                    if (result) {
                        ++m_done;
                        m_alerts[i].id.clear();   // done: not sent again on a retry
                        Q_EMIT alertUpdated(result->object());
                    } else {
                        m_failures << tr("%1 (%2): %3").arg(alert.sourceLabel(), AlertInfo::severityLabel(alert.severity),
                                                           result.error().message);
                    }
                    m_progress->setValue(m_done + int(m_failures.size()));
                    sendNext();
                });
}

void AlertActionDialog::finish()
{
    // Keep only the alerts that still need sending.
    QList<AlertInfo> left;
    for (const AlertInfo &a : std::as_const(m_alerts))
        if (!a.id.isEmpty())
            left.append(a);
    m_alerts = left;
    m_note->setReadOnly(false);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
    if (m_failures.isEmpty()) {
        QDialog::accept();
        return;
    }
    QString text = m_done > 0 ? tr("%1 done; the server refused %2:").arg(m_done).arg(m_failures.size())
                              : tr("The server refused it:");
    text += u'\n' + m_failures.join(u'\n');
    m_problem->setText(text);
    m_problem->setVisible(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Try again"));
    m_progress->setRange(0, int(m_alerts.size()));
}
