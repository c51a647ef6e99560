#pragma once

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QStringList>
#include <QWidget>

class ApiClient;
class JsonEditor;
class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;
class TelemetryChart;
struct Device;

/// Edits one rule: a form (name, scope, the condition tree, delays, the alert and command actions) and the same rule
/// as JSON, kept in sync both ways; every change is checked by the server (POST /v1/rules/validate, the parser
/// POST /v1/rules uses) a moment after typing stops, and its message names the field, which is marked. A backtest
/// (POST /v1/rules/backtest) runs the draft over a device's stored history and draws when it would have fired on the
/// metric's chart, with the rule's limits as lines.
///
/// Saving creates (POST) or replaces the changed fields (PATCH) and emits saved(); read-only for roles that may not
/// write rules.
class RuleEditor : public QWidget
{
    Q_OBJECT

public:
    explicit RuleEditor(ApiClient *api, QWidget *parent = nullptr);
    ~RuleEditor() override;

    /// A new, unsaved rule with a threshold condition and a major alert.
    void newRule();
    /// A stored rule as GET /v1/rules answers it (with its id).
    void setRule(const QJsonObject &stored);
    /// The rule body the form holds now (what POST /v1/rules takes: no id, version or times).
    QJsonObject rule() const;
    /// The stored rule's id, empty for a new one.
    QString ruleId() const { return m_ruleId; }
    /// Changed since it was loaded or saved.
    bool isDirty() const { return m_dirty; }

    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }
    /// The devices the scope list and the backtest offer.
    void setDevices(const QList<Device> &devices);

    enum class Validation { Unchecked, Checking, Valid, Invalid };
    Validation validation() const { return m_validation; }
    /// The last validation's message ("Valid." or the server's message with its field).
    QString validationMessage() const;
    /// The JSON path the last validation complained about ("/condition/op"), empty if none.
    QString invalidPath() const { return m_invalidPath; }

    /// Saves the rule (as the Save button does).
    void save();
    /// Chooses the backtest's range (one of the offered spans: 15 min, 1 h, 24 h, 7 d, 30 d); false otherwise.
    bool setBacktestRange(qint64 spanMs);
    /// Chooses the backtest's device; false if it is not in the list.
    bool setBacktestDevice(const QString &deviceId);
    /// Runs the backtest on the chosen device and range (as the Run button does).
    void runBacktest();
    /// Firings of the last backtest: [raised_at_ms, cleared_at_ms or 0].
    QList<std::pair<qint64, qint64>> backtestFirings() const { return m_firings; }
    TelemetryChart *backtestChart() const { return m_chart; }

Q_SIGNALS:
    void saved(const QJsonObject &stored);
    void dirtyChanged(bool dirty);
    void validated(bool valid);
    void backtestFinished(int firings);

private:
    void buildForm(QWidget *page);
    QWidget *buildBacktest();
    QTreeWidgetItem *addConditionItem(QTreeWidgetItem *parent, const QJsonObject &condition);
    QJsonObject conditionOf(const QTreeWidgetItem *item) const;
    void loadForm(const QJsonObject &body);
    void showNode(QTreeWidgetItem *item);
    void nodeEdited();
    void updateNodeRows(const QString &type);
    void addChild();
    void removeNode();
    void wrapNode(const QString &type);
    void setClearCondition(bool on);
    void formChanged();
    void jsonEdited();
    void setDirty(bool dirty);
    void scheduleValidation();
    void validateNow();
    void showValidation(Validation state, const QString &message, const QString &path);
    void markPath(const QString &path);
    void loadBacktestHistory(qint64 fromMs, qint64 toMs, qint64 intervalMs);
    void updateButtons();
    void keepCheckedScopeDevices(const QStringList &ids);
    QTreeWidgetItem *itemAtPath(const QStringList &segments) const;

    ApiClient *m_api;
    QString m_ruleId;
    QJsonObject m_stored;   ///< as loaded or last saved, to PATCH only what changed
    bool m_dirty = false;
    bool m_readOnly = false;
    bool m_loading = false;   ///< filling the form from JSON: no echo back

    QTabWidget *m_tabs = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_description = nullptr;
    QCheckBox *m_active = nullptr;
    QComboBox *m_scopeType = nullptr;
    QLineEdit *m_scopeTags = nullptr;
    QListWidget *m_scopeDevices = nullptr;
    QSpinBox *m_onDelay = nullptr;
    QSpinBox *m_offDelay = nullptr;

    QTreeWidget *m_tree = nullptr;
    QTreeWidgetItem *m_raiseRoot = nullptr;
    QTreeWidgetItem *m_clearRoot = nullptr;
    QPushButton *m_addChild = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_wrapAll = nullptr;
    QPushButton *m_wrapAny = nullptr;
    QCheckBox *m_useClear = nullptr;
    QWidget *m_nodeBox = nullptr;
    QFormLayout *m_nodeForm = nullptr;
    QComboBox *m_nodeType = nullptr;
    QComboBox *m_metric = nullptr;
    QComboBox *m_op = nullptr;
    QLineEdit *m_value = nullptr;
    QLineEdit *m_min = nullptr;
    QLineEdit *m_max = nullptr;
    QCheckBox *m_outside = nullptr;
    QComboBox *m_agg = nullptr;
    QLineEdit *m_window = nullptr;
    QLineEdit *m_seconds = nullptr;
    QLineEdit *m_for = nullptr;
    QLineEdit *m_repeatCount = nullptr;
    QLineEdit *m_repeatWindow = nullptr;
    QLineEdit *m_deadband = nullptr;
    QTreeWidgetItem *m_node = nullptr;

    QGroupBox *m_alert = nullptr;
    QComboBox *m_severity = nullptr;
    QLineEdit *m_message = nullptr;
    QTableWidget *m_commands = nullptr;
    QJsonObject m_extra;   ///< fields the form does not show, kept as they are

    JsonEditor *m_json = nullptr;
    QLabel *m_validationLabel = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
    QTimer *m_validateTimer = nullptr;
    QTimer *m_jsonTimer = nullptr;
    quint64 m_validateSeq = 0;
    Validation m_validation = Validation::Unchecked;
    QString m_validationText;
    QString m_invalidPath;
    QList<QWidget *> m_marked;

    QComboBox *m_btDevice = nullptr;
    QComboBox *m_btRange = nullptr;
    QPushButton *m_btRun = nullptr;
    QLabel *m_btSummary = nullptr;
    QTableWidget *m_btTable = nullptr;
    TelemetryChart *m_chart = nullptr;
    QString m_btDeviceId;
    QStringList m_btMetrics;
    QStringList m_deviceSignature;   ///< the devices setDevices() last listed
    QSet<QString> m_schemaTypes;     ///< device types whose telemetry schema was asked for
    quint64 m_btSeq = 0;
    quint64 m_historySeq = 0;
    QList<std::pair<qint64, qint64>> m_firings;
};
