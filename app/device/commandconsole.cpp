#include "commandconsole.h"

#include "jsoneditor.h"

#include "connection/apiclient.h"
#include "base/theme.h"

#include <QAbstractTableModel>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "protocol/states.h"

using namespace Qt::StringLiterals;

namespace {

constexpr int historyLimit = 100;

using Fleetdeck::States::CommandState;

bool isFinal(const QString &status)
{
    const auto s = Fleetdeck::States::commandState(status);
    return s && Fleetdeck::States::isFinal(*s);
}

QString statusLabel(const QString &status)
{
    const auto s = Fleetdeck::States::commandState(status);
    if (!s)
        return status; // a state this console does not know yet: the server's word
    switch (*s) {
    case CommandState::Queued: return CommandConsole::tr("queued");
    case CommandState::Sent: return CommandConsole::tr("sent");
    case CommandState::Delivered: return CommandConsole::tr("delivered");
    case CommandState::Succeeded: return CommandConsole::tr("succeeded");
    case CommandState::Failed: return CommandConsole::tr("failed");
    case CommandState::Rejected: return CommandConsole::tr("rejected");
    case CommandState::TimedOut: return CommandConsole::tr("timed out");
    case CommandState::Expired: return CommandConsole::tr("expired");
    case CommandState::Cancelled: return CommandConsole::tr("cancelled");
    }
    return status;
}

QDateTime timeOf(const QJsonValue &v)
{
    return v.isString() ? QDateTime::fromString(v.toString(), Qt::ISODateWithMs) : QDateTime();
}

} // namespace

/// The device's commands, newest first.
class CommandListModel : public QAbstractTableModel
{
public:
    enum Column { CreatedColumn, TypeColumn, StatusColumn, DurationColumn, ResultColumn, ByColumn, ColumnCount };
    static constexpr int CommandIdRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }

    QVariant headerData(int section, Qt::Orientation o, int role) const override
    {
        if (o != Qt::Horizontal || role != Qt::DisplayRole)
            return {};
        switch (section) {
        case CreatedColumn: return CommandConsole::tr("Sent at");
        case TypeColumn: return CommandConsole::tr("Command");
        case StatusColumn: return CommandConsole::tr("State");
        case DurationColumn: return CommandConsole::tr("Took");
        case ResultColumn: return CommandConsole::tr("Result");
        case ByColumn: return CommandConsole::tr("By");
        }
        return {};
    }

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!index.isValid() || index.row() >= m_rows.size())
            return {};
        const QJsonObject &c = m_rows[index.row()];
        const QString status = c.value(u"status").toString();
        if (role == CommandIdRole)
            return c.value(u"command_id").toString();
        if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
            const auto s = Fleetdeck::States::commandState(status);
            if (s && Fleetdeck::States::isFailure(*s))
                return Theme::alarmColor();
            if (s == CommandState::Expired || s == CommandState::Cancelled)
                return Theme::warningColor();
            return {};
        }
        if (role == Qt::FontRole && index.column() == StatusColumn && !isFinal(status)) {
            QFont f;
            f.setBold(true);
            return f;
        }
        if (role == Qt::ToolTipRole) {
            QStringList lines;
            for (const QJsonValue &h : c.value(u"history").toArray()) {
                const QJsonObject step = h.toObject();
                lines << u"%1  %2"_s.arg(QLocale().toString(timeOf(step.value(u"at")).toLocalTime(), u"HH:mm:ss.zzz"_s),
                                         statusLabel(step.value(u"status").toString()));
            }
            if (!c.value(u"payload").toObject().isEmpty())
                lines << CommandConsole::tr("Payload: %1").arg(QString::fromUtf8(QJsonDocument(c.value(u"payload").toObject()).toJson(QJsonDocument::Compact)));
            return lines.join(u'\n');
        }
        if (role != Qt::DisplayRole)
            return {};
        switch (index.column()) {
        case CreatedColumn:
            return QLocale().toString(timeOf(c.value(u"created_at")).toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s);
        case TypeColumn:
            return c.value(u"type").toString();
        case StatusColumn:
            return statusLabel(status);
        case DurationColumn: {
            const QDateTime from = timeOf(c.value(u"created_at"));
            const QDateTime to = timeOf(c.value(u"finished_at"));
            if (!from.isValid() || !to.isValid())
                return u"—"_s;
            const qint64 ms = from.msecsTo(to);
            return ms < 10000 ? CommandConsole::tr("%1 ms").arg(ms) : CommandConsole::tr("%1 s").arg(ms / 1000);
        }
        case ResultColumn: {
            const QString error = c.value(u"error").toString();
            if (!error.isEmpty())
                return error;
            const QJsonObject result = c.value(u"result").toObject();
            return result.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(result).toJson(QJsonDocument::Compact));
        }
        case ByColumn:
            return c.value(u"created_by").toString();
        }
        return {};
    }

    void setRows(QList<QJsonObject> rows)
    {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    }

    /// Inserts or replaces one command (kept newest first).
    void upsert(const QJsonObject &command)
    {
        const QString id = command.value(u"command_id").toString();
        for (int i = 0; i < m_rows.size(); ++i) {
            if (m_rows[i].value(u"command_id").toString() == id) {
                m_rows[i] = command;
                Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
                return;
            }
        }
        beginInsertRows({}, 0, 0);
        m_rows.prepend(command);
        endInsertRows();
        if (m_rows.size() > historyLimit) {
            beginRemoveRows({}, historyLimit, int(m_rows.size()) - 1);
            m_rows.resize(historyLimit);
            endRemoveRows();
        }
    }

    /// A status change known before the row is fetched again.
    void setStatus(const QString &id, const QString &status)
    {
        for (int i = 0; i < m_rows.size(); ++i) {
            if (m_rows[i].value(u"command_id").toString() == id) {
                // Never backwards: an event overtaken by a fetch of a later state is old news.
                if (isFinal(m_rows[i].value(u"status").toString()))
                    return;
                m_rows[i].insert(u"status"_s, status);
                Q_EMIT dataChanged(index(i, StatusColumn), index(i, StatusColumn));
                return;
            }
        }
    }

    const QJsonObject *find(const QString &id) const
    {
        for (const QJsonObject &c : m_rows)
            if (c.value(u"command_id").toString() == id)
                return &c;
        return nullptr;
    }
    const QJsonObject &row(int r) const { return m_rows.at(r); }

private:
    QList<QJsonObject> m_rows;
};

QList<CommandConsole::Template> CommandConsole::templates()
{
    return {
        {u"ping"_s, tr("Ping"), {}, tr("Answers at once; checks that the device runs commands.")},
        {u"reboot"_s, tr("Reboot"), {}, tr("Restarts the device; it goes offline for a while and comes back.")},
        {u"set_reporting_interval"_s, tr("Set reporting interval"), {{u"interval_s"_s, 10}},
         tr("Seconds between telemetry readings (0.05 to 86400).")},
    };
}

CommandConsole::CommandConsole(ApiClient *api, const QString &deviceId, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_deviceId(deviceId)
    , m_model(new CommandListModel(this))
{
    setObjectName(u"commandConsole"_s);
    auto *layout = new QVBoxLayout(this);

    auto *form = new QFormLayout;
    m_type = new QComboBox(this);
    m_type->setObjectName(u"commandType"_s);
    m_type->setEditable(true);
    m_type->setInsertPolicy(QComboBox::NoInsert);
    for (const Template &t : templates())
        m_type->addItem(tr("%1  (%2)").arg(t.label, t.type), t.type);
    m_type->lineEdit()->setPlaceholderText(tr("command type, e.g. reboot"));
    form->addRow(tr("&Command:"), m_type);
    m_help = new QLabel(this);
    m_help->setWordWrap(true);
    form->addRow(QString(), m_help);

    m_payload = new JsonEditor(this);
    m_payload->setObjectName(u"payloadEditor"_s);
    m_payload->textEdit()->setObjectName(u"payloadEdit"_s);
    m_payload->setMaximumHeight(m_payload->fontMetrics().height() * 8);
    form->addRow(tr("&Payload (JSON):"), m_payload);

    auto *limits = new QHBoxLayout;
    m_timeout = new QSpinBox(this);
    m_timeout->setObjectName(u"timeoutSpin"_s);
    m_timeout->setRange(1, 3600);
    m_timeout->setValue(30);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setToolTip(tr("How long the device has to answer once the command reached it."));
    m_ttl = new QSpinBox(this);
    m_ttl->setObjectName(u"ttlSpin"_s);
    m_ttl->setRange(1, 7 * 24 * 3600);
    m_ttl->setValue(3600);
    m_ttl->setSuffix(tr(" s"));
    m_ttl->setToolTip(tr("How long the command may wait for an offline device before it expires."));
    limits->addWidget(new QLabel(tr("Timeout:"), this));
    limits->addWidget(m_timeout);
    limits->addSpacing(12);
    limits->addWidget(new QLabel(tr("Waits while offline up to:"), this));
    limits->addWidget(m_ttl);
    limits->addStretch(1);
    m_send = new QPushButton(tr("&Send command"), this);
    m_send->setObjectName(u"sendCommand"_s);
    m_send->setDefault(true);
    limits->addWidget(m_send);
    form->addRow(QString(), limits);
    layout->addLayout(form);

    m_message = new QLabel(this);
    m_message->setObjectName(u"commandMessage"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    auto *historyHeader = new QHBoxLayout;
    auto *historyTitle = new QLabel(tr("<b>History</b> – double-click a command to send it again"), this);
    historyHeader->addWidget(historyTitle, 1);
    m_cancel = new QPushButton(tr("Cancel &queued command"), this);
    m_cancel->setObjectName(u"cancelCommand"_s);
    m_cancel->setEnabled(false);
    historyHeader->addWidget(m_cancel);
    layout->addLayout(historyHeader);

    m_table = new QTableView(this);
    m_table->setObjectName(u"commandTable"_s);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(false);
    // Short columns fit what they hold; the result takes the rest (its full text is in the tooltip).
    for (int c = 0; c < CommandListModel::ColumnCount; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, c == CommandListModel::ResultColumn ? QHeaderView::Stretch
                                                                                             : QHeaderView::ResizeToContents);
    m_table->setWordWrap(false);
    layout->addWidget(m_table, 1);

    connect(m_type, &QComboBox::currentIndexChanged, this, &CommandConsole::onTypeChanged);
    connect(m_type, &QComboBox::editTextChanged, this, &CommandConsole::updateSendState);
    connect(m_payload, &JsonEditor::validityChanged, this, &CommandConsole::updateSendState);
    connect(m_payload, &JsonEditor::edited, this, [this]() {
        if (const auto o = m_payload->object())
            m_editedPayloads.insert(currentType(), *o);
    });
    connect(m_send, &QPushButton::clicked, this, &CommandConsole::send);
    connect(m_cancel, &QPushButton::clicked, this, &CommandConsole::cancelSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this]() {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        m_cancel->setEnabled(!rows.isEmpty()
                             && m_model->row(rows.first().row()).value(u"status").toString() == Fleetdeck::States::name(CommandState::Queued));
    });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        const QJsonObject &c = m_model->row(index.row());
        const QString type = c.value(u"type").toString();
        const int known = m_type->findData(type);
        if (known >= 0)
            m_type->setCurrentIndex(known);
        else
            m_type->setEditText(type);
        m_payload->setObject(c.value(u"payload").toObject());
        m_timeout->setValue(c.value(u"timeout_s").toInt(m_timeout->value()));
        m_ttl->setValue(c.value(u"ttl_s").toInt(m_ttl->value()));
        m_payload->textEdit()->setFocus();
    });

    m_refetch.setSingleShot(true);
    m_refetch.setInterval(150);
    connect(&m_refetch, &QTimer::timeout, this, [this]() {
        const QSet<QString> ids = std::exchange(m_toFetch, {});
        for (const QString &id : ids)
            fetchCommand(id);
    });

    m_poll.setInterval(2000);
    connect(&m_poll, &QTimer::timeout, this, [this]() {
        int asked = 0;
        for (int r = 0; r < m_model->rowCount() && asked < 10; ++r) {
            const QJsonObject &c = m_model->row(r);
            if (!isFinal(c.value(u"status").toString())) {
                fetchCommand(c.value(u"command_id").toString());
                ++asked;
            }
        }
    });

    onTypeChanged();
    reload();
}

void CommandConsole::setLive(bool live)
{
    if (live == m_live)
        return;
    m_live = live;
    if (live)
        m_poll.stop();
    else
        m_poll.start();
}

void CommandConsole::onTypeChanged()
{
    const QString type = m_type->currentData().toString();
    for (const Template &t : templates()) {
        if (t.type == type) {
            m_help->setText(t.help);
            m_payload->setObject(m_editedPayloads.value(type, t.payload));
            break;
        }
    }
    updateSendState();
}

QString CommandConsole::currentType() const
{
    const int i = m_type->currentIndex();
    if (i >= 0 && m_type->currentText() == m_type->itemText(i))
        return m_type->currentData().toString();
    return m_type->currentText().trimmed();
}

void CommandConsole::setDeviceAccepts(bool accepts, const QString &why)
{
    m_accepts = accepts;
    m_refusal = why;
    updateSendState();
}

void CommandConsole::updateSendState()
{
    const QString type = currentType();
    const bool typeOk = !type.isEmpty();
    m_send->setEnabled(m_accepts && !m_sending && typeOk && m_payload->isValid());
    if (!m_accepts)
        m_send->setToolTip(m_refusal);
    else if (!m_payload->isValid())
        m_send->setToolTip(m_payload->problem());
    else
        m_send->setToolTip({});
    if (!m_accepts && !m_refusal.isEmpty())
        showMessage(m_refusal, false);
    else if (m_accepts && !m_refusal.isEmpty() && m_message->text() == m_refusal)
        m_message->clear();
}

void CommandConsole::showMessage(const QString &text, bool error)
{
    QPalette p = m_message->palette();
    p.setColor(QPalette::WindowText, error ? Theme::alarmColor() : palette().color(QPalette::WindowText));
    m_message->setPalette(p);
    m_message->setText(text);
}

void CommandConsole::send()
{
    const auto payload = m_payload->object();
    if (!payload)
        return;
    const QString type = currentType();
    QJsonObject body{{u"type"_s, type}, {u"timeout_s"_s, m_timeout->value()}, {u"ttl_s"_s, m_ttl->value()}};
    if (!payload->isEmpty())
        body.insert(u"payload"_s, *payload);
    m_sending = true;
    updateSendState();
    showMessage(tr("Sending %1…").arg(type), false);
    m_api->post(u"/v1/devices/%1/commands"_s.arg(m_deviceId), body, ApiClient::Auth::Bearer, this,
                [this, type](const ApiResult<QJsonDocument> &result) {
        m_sending = false;
        updateSendState();
        if (!result) {
            showMessage(tr("The command was not sent: %1").arg(result.error().message), true);
            return;
        }
        const QJsonObject command = result->object();
        m_lastCommandId = command.value(u"command_id").toString();
        m_model->upsert(command);
        showMessage(tr("%1 is %2. The history below follows it live.")
                        .arg(type, statusLabel(command.value(u"status").toString())), false);
        Q_EMIT commandSent(m_lastCommandId);
    });
}

void CommandConsole::cancelSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QString id = m_model->row(rows.first().row()).value(u"command_id").toString();
    m_cancel->setEnabled(false);
    m_api->post(u"/v1/commands/%1/cancel"_s.arg(id), {}, ApiClient::Auth::Bearer, this,
                [this](const ApiResult<QJsonDocument> &result) {
        if (!result) {
            showMessage(tr("Could not cancel: %1").arg(result.error().message), true);
            return;
        }
        m_model->upsert(result->object());
        showMessage(tr("Cancelled."), false);
    });
}

void CommandConsole::onCommandChanged(const QString &commandId, const QString &status)
{
    m_model->setStatus(commandId, status);
    // The event names the state only; the row (times, result) comes with one fetch per burst.
    m_toFetch.insert(commandId);
    if (!m_refetch.isActive())
        m_refetch.start();
}

void CommandConsole::fetchCommand(const QString &commandId)
{
    m_api->get(u"/v1/commands/%1"_s.arg(commandId), {}, ApiClient::Auth::Bearer, this,
               [this](const ApiResult<QJsonDocument> &result) {
        if (result && result->isObject())
            m_model->upsert(result->object());
    });
}

void CommandConsole::reload()
{
    QUrlQuery query;
    query.addQueryItem(u"limit"_s, QString::number(historyLimit));
    m_api->get(u"/v1/devices/%1/commands"_s.arg(m_deviceId), query, ApiClient::Auth::Bearer, this,
               [this](const ApiResult<QJsonDocument> &result) {
        if (!result) {
            showMessage(tr("Could not load the command history: %1").arg(result.error().message), true);
            return;
        }
        QList<QJsonObject> rows;
        for (const QJsonValue &v : result->object().value(u"items").toArray())
            rows << v.toObject();
        m_model->setRows(std::move(rows));
    });
}

QString CommandConsole::shownStatus(const QString &commandId) const
{
    const QJsonObject *c = m_model->find(commandId);
    return c ? c->value(u"status").toString() : QString();
}
