#pragma once

#include <QJsonObject>
#include <QList>
#include <QWidget>

class ApiClient;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class RuleEditor;
struct Device;

/// The Rules tab: the organisation's rules (name, priority, active, condition, scope) beside the rule editor with its
/// backtest. Tenant admins create, change, switch off and delete rules; other roles read them: read-only until
/// setCanWrite(true) (the window knows the signed-in role).
class RulesView : public QWidget
{
    Q_OBJECT

public:
    explicit RulesView(ApiClient *api, QWidget *parent = nullptr);

    /// Loads the rules (GET /v1/rules).
    void reload();
    void setCanWrite(bool canWrite);
    /// Who may write rules (the server's rule.write): tenant and platform admins.
    static bool roleCanWrite(const QString &role);
    void setDevices(const QList<Device> &devices);

    RuleEditor *editor() const { return m_editor; }
    QTreeWidget *list() const { return m_list; }
    int ruleCount() const;
    /// Selects the rule with this id in the list and opens it in the editor; false if there is none.
    bool selectRule(const QString &id);
    bool canWrite() const { return m_canWrite; }
    /// Opens the rule with this name once the rules are loaded and, with a device serial number, runs its backtest
    /// on that device once the fleet is known (the console's --rule and --backtest options).
    void openWhenLoaded(const QString &ruleName, const QString &backtestSerial, qint64 backtestSpanMs = 0);

Q_SIGNALS:
    void loaded(int rules);

private:
    void showRules(const QList<QJsonObject> &rules, const QString &select);
    void openSelected();
    void deleteSelected();
    void toggleSelected();
    void updateButtons();
    bool confirmDiscard();
    void openPending();

    ApiClient *m_api;
    QLineEdit *m_filter;
    QTreeWidget *m_list;
    QPushButton *m_new;
    QPushButton *m_delete;
    QPushButton *m_toggle;
    QPushButton *m_refresh;
    QLabel *m_status;
    RuleEditor *m_editor;
    QList<QJsonObject> m_rules;
    bool m_canWrite = false;
    bool m_selecting = false;
    QString m_pendingRule;
    QString m_pendingSerial;
    qint64 m_pendingSpanMs = 0;
    QList<Device> m_devices;
    bool m_rulesLoaded = false;
};
