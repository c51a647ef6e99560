#include "channeldialog.h"

#include "base/theme.h"
#include "connection/apiclient.h"
#include "connection/problemdetails.h"
#include "secretedit.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

QString channelScope() { return u"channel"_s; }

QStringList splitList(const QString &text)
{
    static const QRegularExpression separators(u"[,;\\s]+"_s);
    return text.split(separators, Qt::SkipEmptyParts);
}

QString joinList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &x : v.toArray())
        out << x.toString();
    return out.join(u", "_s);
}

QString headerLines(const QJsonValue &v)
{
    QStringList lines;
    const QJsonObject h = v.toObject();
    for (auto it = h.begin(); it != h.end(); ++it)
        lines << it.key() + u": "_s + it.value().toString();
    return lines.join(u'\n');
}

/// "Name: value" per line into a JSON object; the number of the first line that is not one, else 0.
int readHeaders(const QString &text, QJsonObject &out)
{
    const QStringList lines = text.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0)
            return i + 1;
        out.insert(line.left(colon).trimmed(), line.mid(colon + 1).trimmed());
    }
    return 0;
}

void setText(QLineEdit *edit, const QJsonObject &config, QStringView key)
{
    edit->setText(config.value(key).toString());
}

} // namespace

ChannelDialog::ChannelDialog(ApiClient *api, QWidget *parent)
    : QDialog(parent)
    , m_api(api)
{
    setWindowTitle(tr("New notification channel"));
    build();
    setKind(ChannelInfo::Kind::Webhook);
}

ChannelDialog::ChannelDialog(ApiClient *api, const ChannelInfo &channel, bool readOnly, QWidget *parent)
    : QDialog(parent)
    , m_api(api)
    , m_channelId(channel.id)
    , m_readOnly(readOnly)
{
    setWindowTitle(readOnly ? tr("Notification channel “%1”").arg(channel.name)
                            : tr("Change notification channel “%1”").arg(channel.name));
    build();
    load(channel);
}

void ChannelDialog::build()
{
    setObjectName(u"channelDialog"_s);
    auto *layout = new QVBoxLayout(this);

    auto *common = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("e.g. On-call webhook"));
    addField(common, channelScope(), u"name"_s, tr("Name:"), m_name);
    m_kind = new QComboBox(this);
    for (ChannelInfo::Kind k : ChannelInfo::kinds())
        m_kind->addItem(ChannelInfo::kindLabel(k), int(k));
    addField(common, channelScope(), u"kind"_s, tr("Kind:"), m_kind);
    m_active = new QCheckBox(tr("Send notifications over this channel"), this);
    m_active->setChecked(true);
    m_active->setToolTip(tr("A channel that is switched off keeps its settings; what waits for it is cancelled."));
    addField(common, channelScope(), u"is_active"_s, tr("Active:"), m_active);
    layout->addLayout(common);

    m_pages = new QStackedWidget(this);
    layout->addWidget(m_pages, 1);
    const QString secretHint = tr("Write-only: the server never shows it again; ******** keeps the stored one.");
    const QString headersHint = tr("One “Name: value” per line.");

    {
        const QString s = ChannelInfo::kindName(ChannelInfo::Kind::Webhook);
        QFormLayout *form = addPage(ChannelInfo::Kind::Webhook,
                                    tr("The server POSTs each notification as JSON to this URL. With a secret, each request "
                                       "is signed (X-Fleetdeck-Signature: HMAC-SHA256 of timestamp and body)."));
        m_webhookUrl = new QLineEdit(this);
        m_webhookUrl->setPlaceholderText(u"https://hooks.example.com/fleetdeck"_s);
        addField(form, s, u"url"_s, tr("URL:"), m_webhookUrl);
        m_webhookSecret = new SecretEdit(this);
        addField(form, s, u"secret"_s, tr("HMAC secret:"), m_webhookSecret, secretHint);
        m_webhookHeaders = new QPlainTextEdit(this);
        m_webhookHeaders->setPlaceholderText(u"X-Team: ops"_s);
        m_webhookHeaders->setFixedHeight(m_webhookHeaders->fontMetrics().lineSpacing() * 4);
        addField(form, s, u"headers"_s, tr("Extra headers:"), m_webhookHeaders, headersHint);
    }
    {
        const QString s = ChannelInfo::kindName(ChannelInfo::Kind::Email);
        QFormLayout *form = addPage(ChannelInfo::Kind::Email, tr("The server sends each notification as an e-mail through this SMTP server."));
        m_mailHost = new QLineEdit(this);
        m_mailHost->setPlaceholderText(u"smtp.example.com"_s);
        addField(form, s, u"host"_s, tr("SMTP host:"), m_mailHost);
        m_mailSecurity = new QComboBox(this);
        m_mailSecurity->addItem(tr("STARTTLS"), u"starttls"_s);
        m_mailSecurity->addItem(tr("TLS from the start (SMTPS)"), u"tls"_s);
        m_mailSecurity->addItem(tr("None (no credentials)"), u"none"_s);
        addField(form, s, u"security"_s, tr("Security:"), m_mailSecurity);
        m_mailPort = new QSpinBox(this);
        m_mailPort->setRange(0, 65535);
        m_mailPort->setSpecialValueText(tr("Default (587, 465 or 25)"));
        addField(form, s, u"port"_s, tr("Port:"), m_mailPort);
        m_mailUser = new QLineEdit(this);
        addField(form, s, u"username"_s, tr("User name:"), m_mailUser, tr("Empty: no login."));
        m_mailPassword = new SecretEdit(this);
        addField(form, s, u"password"_s, tr("Password:"), m_mailPassword, secretHint);
        m_mailFrom = new QLineEdit(this);
        m_mailFrom->setPlaceholderText(u"fleetdeck@example.com"_s);
        addField(form, s, u"from"_s, tr("From:"), m_mailFrom);
        m_mailTo = new QLineEdit(this);
        m_mailTo->setPlaceholderText(u"oncall@example.com, noc@example.com"_s);
        addField(form, s, u"to"_s, tr("To:"), m_mailTo, tr("Addresses separated by commas."));
        m_mailCaFile = new QLineEdit(this);
        addField(form, s, u"ca_file"_s, tr("CA file on the server:"), m_mailCaFile, tr("Empty: the server's system CAs."));
        m_mailVerify = new QCheckBox(tr("Verify the mail server's certificate"), this);
        m_mailVerify->setChecked(true);
        addField(form, s, u"verify_peer"_s, tr("Certificate:"), m_mailVerify);
    }
    {
        const QString s = ChannelInfo::kindName(ChannelInfo::Kind::Sms);
        QFormLayout *form = addPage(ChannelInfo::Kind::Sms, tr("The server POSTs one request per number to the SMS gateway's URL."));
        m_smsUrl = new QLineEdit(this);
        m_smsUrl->setPlaceholderText(u"https://sms.example.com/send"_s);
        addField(form, s, u"url"_s, tr("Gateway URL:"), m_smsUrl);
        m_smsTo = new QLineEdit(this);
        m_smsTo->setPlaceholderText(u"+491701234567, +491707654321"_s);
        addField(form, s, u"to"_s, tr("Numbers:"), m_smsTo, tr("Separated by commas; 5 to 15 digits, an optional leading +."));
        m_smsFormat = new QComboBox(this);
        m_smsFormat->addItem(tr("JSON"), u"json"_s);
        m_smsFormat->addItem(tr("Form (URL-encoded)"), u"form"_s);
        addField(form, s, u"format"_s, tr("Body format:"), m_smsFormat);
        m_smsToField = new QLineEdit(this);
        m_smsToField->setPlaceholderText(u"to"_s);
        addField(form, s, u"to_field"_s, tr("Number field:"), m_smsToField);
        m_smsTextField = new QLineEdit(this);
        m_smsTextField->setPlaceholderText(u"text"_s);
        addField(form, s, u"text_field"_s, tr("Text field:"), m_smsTextField);
        m_smsAuth = new SecretEdit(this);
        m_smsAuth->setPlaceholderText(u"Bearer …"_s);
        addField(form, s, u"auth_header"_s, tr("Authorization header:"), m_smsAuth, secretHint);
        m_smsHeaders = new QPlainTextEdit(this);
        m_smsHeaders->setFixedHeight(m_smsHeaders->fontMetrics().lineSpacing() * 4);
        addField(form, s, u"headers"_s, tr("Extra headers:"), m_smsHeaders, headersHint);
    }
    {
        const QString s = ChannelInfo::kindName(ChannelInfo::Kind::PagerDuty);
        QFormLayout *form = addPage(ChannelInfo::Kind::PagerDuty,
                                    tr("Alerts become PagerDuty incidents (Events API v2): raised triggers, acknowledged "
                                       "acknowledges, cleared and closed resolve."));
        m_pdKey = new SecretEdit(this);
        addField(form, s, u"routing_key"_s, tr("Routing key:"), m_pdKey, secretHint);
        m_pdUrl = new QLineEdit(this);
        m_pdUrl->setPlaceholderText(tr("Default: PagerDuty's Events API"));
        addField(form, s, u"url"_s, tr("Events URL:"), m_pdUrl);
    }

    connect(m_kind, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_pages->setCurrentIndex(i);
        clearErrors();
    });

    m_message = new QLabel(this);
    m_message->setObjectName(u"channelMessage"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    m_buttons = new QDialogButtonBox(m_readOnly ? QDialogButtonBox::Close : QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(u"channelButtons"_s);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ChannelDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ChannelDialog::reject);
    layout->addWidget(m_buttons);

    if (m_readOnly) {
        for (const Field &f : std::as_const(m_fields))
            f.editor->setEnabled(false);
        m_message->setText(tr("Only tenant administrators can change notification channels."));
    }
}

QFormLayout *ChannelDialog::addPage(ChannelInfo::Kind kind, const QString &help)
{
    auto *page = new QWidget(m_pages);
    page->setObjectName(u"page-"_s + ChannelInfo::kindName(kind));
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *about = new QLabel(help, page);
    about->setWordWrap(true);
    layout->addWidget(about);
    auto *form = new QFormLayout;
    layout->addLayout(form);
    layout->addStretch(1);
    m_pages->addWidget(page);
    return form;
}

void ChannelDialog::addField(QFormLayout *form, const QString &scope, const QString &key, const QString &label, QWidget *editor,
                             const QString &hint)
{
    editor->setObjectName(scope + u'-' + key);
    auto *cell = new QWidget(this);
    auto *column = new QVBoxLayout(cell);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    column->addWidget(editor);
    if (!hint.isEmpty()) {
        auto *h = new QLabel(hint, cell);
        h->setWordWrap(true);
        QPalette p = h->palette();
        p.setColor(QPalette::WindowText, Theme::staleTextColor());
        h->setPalette(p);
        column->addWidget(h);
    }
    auto *error = new QLabel(cell);
    error->setObjectName(scope + u'-' + key + u"-error"_s);
    error->setWordWrap(true);
    error->setVisible(false);
    QPalette p = error->palette();
    p.setColor(QPalette::WindowText, Theme::warningColor());
    error->setPalette(p);
    column->addWidget(error);
    form->addRow(label, cell);
    m_fields.insert(scope + u'/' + key, Field{editor, error});
}

ChannelInfo::Kind ChannelDialog::kind() const
{
    return ChannelInfo::Kind(m_kind->currentData().toInt());
}

void ChannelDialog::setKind(ChannelInfo::Kind kind)
{
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
    m_pages->setCurrentIndex(m_kind->currentIndex());
}

void ChannelDialog::load(const ChannelInfo &c)
{
    setKind(c.kind);
    // A channel's kind cannot change on the server: a new channel is made instead.
    m_kind->setEnabled(false);
    m_kind->setToolTip(tr("The kind of a channel cannot change; make a new channel instead."));
    m_name->setText(c.name);
    m_active->setChecked(c.active);
    const QJsonObject &cfg = c.config;
    const auto stored = [&cfg](QStringView key) { return !cfg.value(key).toString().isEmpty(); };
    switch (c.kind) {
    case ChannelInfo::Kind::Webhook:
        setText(m_webhookUrl, cfg, u"url");
        m_webhookSecret->setStored(stored(u"secret"));
        m_webhookHeaders->setPlainText(headerLines(cfg.value(u"headers")));
        break;
    case ChannelInfo::Kind::Email:
        setText(m_mailHost, cfg, u"host");
        m_mailSecurity->setCurrentIndex(std::max(0, m_mailSecurity->findData(cfg.value(u"security").toString(u"starttls"_s))));
        m_mailPort->setValue(cfg.value(u"port").toInt());
        setText(m_mailUser, cfg, u"username");
        m_mailPassword->setStored(stored(u"password"));
        setText(m_mailFrom, cfg, u"from");
        m_mailTo->setText(joinList(cfg.value(u"to")));
        setText(m_mailCaFile, cfg, u"ca_file");
        m_mailVerify->setChecked(cfg.value(u"verify_peer").toBool(true));
        break;
    case ChannelInfo::Kind::Sms:
        setText(m_smsUrl, cfg, u"url");
        m_smsTo->setText(joinList(cfg.value(u"to")));
        m_smsFormat->setCurrentIndex(std::max(0, m_smsFormat->findData(cfg.value(u"format").toString(u"json"_s))));
        setText(m_smsToField, cfg, u"to_field");
        setText(m_smsTextField, cfg, u"text_field");
        m_smsAuth->setStored(stored(u"auth_header"));
        m_smsHeaders->setPlainText(headerLines(cfg.value(u"headers")));
        break;
    case ChannelInfo::Kind::PagerDuty:
        m_pdKey->setStored(stored(u"routing_key"));
        setText(m_pdUrl, cfg, u"url");
        break;
    }
}

QJsonObject ChannelDialog::body(QString *problem, QString *problemField) const
{
    QJsonObject config;
    const auto putText = [&config](const QString &key, const QLineEdit *edit, bool always) {
        const QString v = edit->text().trimmed();
        if (always || !v.isEmpty())
            config.insert(key, v);
    };
    // A secret goes as typed: the placeholder keeps the stored one, empty removes it.
    const auto putSecret = [&config](const QString &key, const SecretEdit *edit) {
        if (!edit->text().isEmpty())
            config.insert(key, edit->text());
    };
    const auto putHeaders = [&](const QPlainTextEdit *edit) {
        QJsonObject headers;
        if (const int bad = readHeaders(edit->toPlainText(), headers)) {
            if (problem)
                *problem = tr("Line %1 is not “Name: value”.").arg(bad);
            if (problemField)
                *problemField = u"headers"_s;
            return false;
        }
        if (!headers.isEmpty())
            config.insert(u"headers"_s, headers);
        return true;
    };

    switch (kind()) {
    case ChannelInfo::Kind::Webhook:
        putText(u"url"_s, m_webhookUrl, true);
        putSecret(u"secret"_s, m_webhookSecret);
        if (!putHeaders(m_webhookHeaders))
            return {};
        break;
    case ChannelInfo::Kind::Email:
        putText(u"host"_s, m_mailHost, true);
        config.insert(u"security"_s, m_mailSecurity->currentData().toString());
        if (m_mailPort->value() > 0)
            config.insert(u"port"_s, m_mailPort->value());
        putText(u"username"_s, m_mailUser, false);
        putSecret(u"password"_s, m_mailPassword);
        putText(u"from"_s, m_mailFrom, true);
        config.insert(u"to"_s, QJsonArray::fromStringList(splitList(m_mailTo->text())));
        putText(u"ca_file"_s, m_mailCaFile, false);
        if (!m_mailVerify->isChecked())
            config.insert(u"verify_peer"_s, false);
        break;
    case ChannelInfo::Kind::Sms:
        putText(u"url"_s, m_smsUrl, true);
        config.insert(u"to"_s, QJsonArray::fromStringList(splitList(m_smsTo->text())));
        config.insert(u"format"_s, m_smsFormat->currentData().toString());
        putText(u"to_field"_s, m_smsToField, false);
        putText(u"text_field"_s, m_smsTextField, false);
        putSecret(u"auth_header"_s, m_smsAuth);
        if (!putHeaders(m_smsHeaders))
            return {};
        break;
    case ChannelInfo::Kind::PagerDuty:
        putSecret(u"routing_key"_s, m_pdKey);
        putText(u"url"_s, m_pdUrl, false);
        break;
    }

    QJsonObject body{{u"name"_s, m_name->text().trimmed()}, {u"is_active"_s, m_active->isChecked()}, {u"config"_s, config}};
    if (isNew())
        body.insert(u"kind"_s, ChannelInfo::kindName(kind()));
    return body;
}

QString ChannelDialog::scopeOf(const QString &key) const
{
    return key == u"name" || key == u"kind" || key == u"is_active" ? channelScope() : ChannelInfo::kindName(kind());
}

const ChannelDialog::Field *ChannelDialog::fieldOf(const QString &key) const
{
    const auto it = m_fields.constFind(scopeOf(key) + u'/' + key);
    return it == m_fields.cend() ? nullptr : &*it;
}

QWidget *ChannelDialog::editor(const QString &field) const
{
    const Field *f = fieldOf(field);
    return f ? f->editor : nullptr;
}

QString ChannelDialog::fieldError(const QString &field) const
{
    const Field *f = fieldOf(field);
    return f && !f->error->isHidden() ? f->error->text() : QString();
}

QString ChannelDialog::message() const
{
    return m_message->text();
}

void ChannelDialog::clearErrors()
{
    for (const Field &f : std::as_const(m_fields)) {
        f.error->clear();
        f.error->setVisible(false);
    }
    if (!m_readOnly)
        m_message->clear();
}

void ChannelDialog::showFieldError(const QString &key, const QString &text)
{
    const Field *f = fieldOf(key);
    if (!f)
        return;
    f->error->setText(text);
    f->error->setVisible(true);
    f->editor->setFocus();
}

void ChannelDialog::showServerError(const QString &detail)
{
    // The server names the JSON path of what it refuses: "/config/url: must be an http or https URL",
    // "/config/to/2: is not an e-mail address", "/name: is required".
    const FieldProblem problem = splitFieldProblem(detail);
    const QStringList segments = problem.segments();
    QString key;
    if (segments.size() >= 2 && segments.at(0) == u"config")
        key = segments.at(1);
    else if (segments.size() == 1 && segments.at(0) != u"config")
        key = segments.at(0);
    if (!key.isEmpty() && fieldOf(key))
        showFieldError(key, asSentence(problem.message));
    m_message->setText(tr("The server did not accept the channel: %1").arg(asSentence(detail)));
}

void ChannelDialog::setBusy(bool busy)
{
    m_busy = busy;
    if (QPushButton *save = m_buttons->button(QDialogButtonBox::Save))
        save->setEnabled(!busy);
}

void ChannelDialog::accept()
{
    if (m_readOnly) {
        reject();
        return;
    }
    if (m_busy)
        return;
    clearErrors();
    QString problem, problemField;
    const QJsonObject request = body(&problem, &problemField);
    if (!problem.isEmpty()) {
        showFieldError(problemField, problem);
        m_message->setText(problem);
        return;
    }
    setBusy(true);
    m_message->setText(tr("Saving…"));
    auto done = [this](const ApiResult<QJsonDocument> &r) {
        setBusy(false);
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
            m_message->setText(tr("The channel was not saved: %1").arg(r.error().message));
    };
    if (isNew())
        m_api->post(u"/v1/notification-channels"_s, request, ApiClient::Auth::Bearer, this, done);
    else
        m_api->patch(u"/v1/notification-channels/%1"_s.arg(m_channelId), request, ApiClient::Auth::Bearer, this, done);
}
