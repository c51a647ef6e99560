#pragma once

#include "alertinfo.h"

#include <QDialog>
#include <QHash>
#include <QList>

class ApiClient;
class QButtonGroup;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QRadioButton;

/// Acknowledge, clear, shelve, unshelve or assign one or several alerts, with a note. The requests go one by one;
/// what the server refuses is shown with its reason and the dialog stays open to try again.
class AlertActionDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Action { Acknowledge, Clear, Shelve, Unshelve, Assign };

    /// users: id → e-mail of the organisation's users, for Assign (may be empty when the caller cannot list them).
    AlertActionDialog(Action action, const QList<AlertInfo> &alerts, ApiClient *api,
                      const QHash<QString, QString> &users = {}, QWidget *parent = nullptr);

    Action action() const { return m_action; }
    /// The request body the dialog sends for each alert.
    QJsonObject body() const;
    static QString verb(Action action);   ///< the path's last segment

    /// Prefills (tests, and the kiosk's quick acknowledge).
    void setNote(const QString &note);
    void setShelveDurationSeconds(int seconds);   ///< 0 = one-shot
    void setAssignee(const QString &userId);      ///< empty = unassign

Q_SIGNALS:
    /// The server's answer for one alert: the view shows it at once instead of waiting for the live event.
    void alertUpdated(const QJsonObject &alert);

public Q_SLOTS:
    void accept() override;

private:
    void sendNext();
    void finish();
    QString inputProblem() const;

    Action m_action;
    QList<AlertInfo> m_alerts;
    ApiClient *m_api;
    QList<int> m_pending;   ///< indexes into m_alerts still to send
    QStringList m_failures;
    int m_done = 0;

    QPlainTextEdit *m_note = nullptr;
    QComboBox *m_duration = nullptr;
    QRadioButton *m_timed = nullptr;
    QRadioButton *m_oneShot = nullptr;
    QComboBox *m_assignee = nullptr;
    QLabel *m_problem = nullptr;
    QProgressBar *m_progress = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};
