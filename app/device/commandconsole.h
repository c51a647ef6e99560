#pragma once

#include "connection/apierror.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QTimer>
#include <QWidget>

class ApiClient;
class CommandListModel;
class JsonEditor;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;

/// The command console of one device: choose a command (templates for the ones devices know), edit its JSON
/// payload with validation, send it, and watch it go queued → sent → delivered → succeeded in the history below,
/// live. A past command is sent again with a double-click into the editor; a queued one can be cancelled.
class CommandConsole : public QWidget
{
    Q_OBJECT

public:
    CommandConsole(ApiClient *api, const QString &deviceId, QWidget *parent = nullptr);

    /// Suspended and decommissioned devices take no commands; the console says so instead of offering Send.
    void setDeviceAccepts(bool accepts, const QString &why = {});
    /// A command.changed event for this device.
    void onCommandChanged(const QString &commandId, const QString &status);
    /// Reloads the history (after a reconnect: events may have been missed).
    void reload();
    /// Without the live link nobody pushes command states: the unfinished ones are then read every 2 s.
    void setLive(bool live);

    /// The status of a command as the history shows it; empty if it is not listed.
    QString shownStatus(const QString &commandId) const;
    QString lastCommandId() const { return m_lastCommandId; }

    struct Template
    {
        QString type;
        QString label;
        QJsonObject payload;
        QString help;
    };
    static QList<Template> templates();

Q_SIGNALS:
    void commandSent(const QString &commandId);

private:
    void send();
    void cancelSelected();
    void fetchCommand(const QString &commandId);
    void onTypeChanged();
    /// The type chosen from the templates or typed in.
    QString currentType() const;
    void updateSendState();
    void showMessage(const QString &text, bool error);

    ApiClient *m_api;
    QString m_deviceId;
    CommandListModel *m_model;
    QComboBox *m_type;
    JsonEditor *m_payload;
    QSpinBox *m_timeout;
    QSpinBox *m_ttl;
    QPushButton *m_send;
    QPushButton *m_cancel;
    QLabel *m_help;
    QLabel *m_message;
    QTableView *m_table;
    bool m_accepts = true;
    QString m_refusal;
    bool m_sending = false;
    QString m_lastCommandId;
    QHash<QString, QJsonObject> m_editedPayloads;   ///< per type, what the operator typed last
    QTimer m_refetch;                               ///< coalesces bursts of events into one fetch per command
    QSet<QString> m_toFetch;
    QTimer m_poll;                                  ///< while not live: unfinished commands read again
    bool m_live = true;
};
