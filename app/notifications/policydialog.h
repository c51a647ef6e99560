#pragma once

#include "channelinfo.h"

#include <QDialog>
#include <QHash>

class ApiClient;
class QCheckBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QTimeEdit;

/// Makes a notification policy: which alerts (severities, health alerts) and which of their changes go to which
/// channels, with optional quiet hours. What the server refuses is shown next to the field its JSON path names.
class PolicyDialog : public QDialog
{
    Q_OBJECT

public:
    PolicyDialog(ApiClient *api, const QList<ChannelInfo> &channels, QWidget *parent = nullptr);

    QJsonObject body() const;
    /// The error shown next to a top-level field ("name", "severities", "events", "channel_ids", "quiet_hours").
    QString fieldError(const QString &field) const;
    QString message() const;

Q_SIGNALS:
    void saved(const QJsonObject &policy);

public Q_SLOTS:
    void accept() override;

private:
    QLabel *addError(const QString &key);
    void clearErrors();
    void showServerError(const QString &detail);

    ApiClient *m_api;
    bool m_busy = false;
    QLineEdit *m_name = nullptr;
    QHash<QString, QCheckBox *> m_severities;
    QCheckBox *m_health = nullptr;
    QHash<QString, QCheckBox *> m_events;
    QListWidget *m_channels = nullptr;
    QGroupBox *m_quiet = nullptr;
    QTimeEdit *m_quietStart = nullptr;
    QTimeEdit *m_quietEnd = nullptr;
    QLineEdit *m_timeZone = nullptr;
    QCheckBox *m_criticalInQuiet = nullptr;
    QHash<QString, QLabel *> m_errors;
    QLabel *m_message = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};
