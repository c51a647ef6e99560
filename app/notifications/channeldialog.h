#pragma once

#include "channelinfo.h"

#include <QDialog>
#include <QHash>

class ApiClient;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;
class SecretEdit;

/// Makes a new notification channel or changes one: a form per kind with the fields of the server's parser.
/// Secrets are password fields holding the server's placeholder, which keeps the stored secret. What the server
/// refuses (422, "/config/url: must be …") is shown next to the field its JSON path names and in the message line;
/// the dialog stays open to correct it.
class ChannelDialog : public QDialog
{
    Q_OBJECT

public:
    /// A new channel.
    explicit ChannelDialog(ApiClient *api, QWidget *parent = nullptr);
    /// An existing channel, to change, or only to look at when readOnly.
    ChannelDialog(ApiClient *api, const ChannelInfo &channel, bool readOnly, QWidget *parent = nullptr);

    bool isNew() const { return m_channelId.isEmpty(); }
    bool isReadOnly() const { return m_readOnly; }
    bool isBusy() const { return m_busy; }
    ChannelInfo::Kind kind() const;
    void setKind(ChannelInfo::Kind kind);

    /// The request body the dialog sends; empty with `problem` set when the form cannot be read (a header line
    /// without a colon). `problemField` names the field of the problem.
    QJsonObject body(QString *problem = nullptr, QString *problemField = nullptr) const;

    /// The editor of a field of the current kind: "name", "kind", "is_active" or a config key ("url", "secret",
    /// "host", …). Its object name is "channel-<key>" for the first three, "<kind>-<key>" for the config.
    QWidget *editor(const QString &field) const;
    /// The error shown next to that field; empty when none.
    QString fieldError(const QString &field) const;
    /// The message line under the form.
    QString message() const;

Q_SIGNALS:
    /// The server stored the channel; its answer (secrets redacted).
    void saved(const QJsonObject &channel);

public Q_SLOTS:
    void accept() override;

private:
    struct Field
    {
        QWidget *editor = nullptr;
        QLabel *error = nullptr;
    };

    void build();
    void load(const ChannelInfo &channel);
    QFormLayout *addPage(ChannelInfo::Kind kind, const QString &help);
    void addField(QFormLayout *form, const QString &scope, const QString &key, const QString &label, QWidget *editor,
                  const QString &hint = {});
    const Field *fieldOf(const QString &key) const;
    QString scopeOf(const QString &key) const;
    void showFieldError(const QString &key, const QString &text);
    void showServerError(const QString &detail);
    void clearErrors();
    void setBusy(bool busy);

    ApiClient *m_api;
    QString m_channelId;
    bool m_readOnly = false;
    bool m_busy = false;
    QHash<QString, Field> m_fields;   ///< by "<scope>/<key>"; scope "channel" or the kind's name

    QLineEdit *m_name = nullptr;
    QComboBox *m_kind = nullptr;
    QCheckBox *m_active = nullptr;
    QStackedWidget *m_pages = nullptr;

    QLineEdit *m_webhookUrl = nullptr;
    SecretEdit *m_webhookSecret = nullptr;
    QPlainTextEdit *m_webhookHeaders = nullptr;

    QLineEdit *m_mailHost = nullptr;
    QSpinBox *m_mailPort = nullptr;
    QComboBox *m_mailSecurity = nullptr;
    QLineEdit *m_mailUser = nullptr;
    SecretEdit *m_mailPassword = nullptr;
    QLineEdit *m_mailFrom = nullptr;
    QLineEdit *m_mailTo = nullptr;
    QLineEdit *m_mailCaFile = nullptr;
    QCheckBox *m_mailVerify = nullptr;

    QLineEdit *m_smsUrl = nullptr;
    QLineEdit *m_smsTo = nullptr;
    QComboBox *m_smsFormat = nullptr;
    QLineEdit *m_smsToField = nullptr;
    QLineEdit *m_smsTextField = nullptr;
    SecretEdit *m_smsAuth = nullptr;
    QPlainTextEdit *m_smsHeaders = nullptr;

    SecretEdit *m_pdKey = nullptr;
    QLineEdit *m_pdUrl = nullptr;

    QLabel *m_message = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};
