#pragma once

#include "alertinfo.h"

#include <QHash>
#include <QSet>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <optional>

class AlarmKpisView;
class AlertsFilterProxy;
class AlertsModel;
class ApiClient;
class LiveClient;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTabWidget;
class QTextBrowser;
class QToolButton;

/// The alarm list: every open alert of the organisation, live, in ISA-101 style (grey is normal; abnormal has colour,
/// shape and number; unacknowledged active alerts flash), with filters, acknowledge / clear / shelve / assign with a
/// note, an optional audible alarm for new criticals, and the alarm system's KPIs (EEMUA 191) on a second tab.
class AlertsView : public QWidget
{
    Q_OBJECT

public:
    enum class Access { ReadOnly, Operate };

    AlertsView(ApiClient *api, LiveClient *live, Access access, QWidget *parent = nullptr);
    ~AlertsView() override;

    /// How a device id reads in the list; the id itself when the function does not know it.
    void setDeviceNames(std::function<QString(const QString &)> names);
    /// The fleet list was read again: device names may have changed.
    void devicesChanged();

    /// Reads the list (and the caller's role and the users) again: after signing in and after the live link
    /// resynchronised, since events may have been missed.
    void reload();

    /// The audible alarm: a beep for each new critical and every few seconds while one is unacknowledged, until
    /// silenced; a new critical sounds again.
    void setAudibleAlarm(bool on);
    bool audibleAlarm() const;
    int soundsMade() const { return m_sounds; }

    AlertsModel *model() const { return m_model; }
    AlertsFilterProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    bool isLoading() const { return m_loading; }
    /// Shows the KPI tab (kiosk walls and screenshots).
    void showKpis();

    /// State filters of the "Show" box: open alerts in subsets are filtered here, closed and all ask the server.
    enum class Show { Open, Unacknowledged, Active, Shelved, Returned, Closed, All };
    void setShow(Show show);

    struct Summary
    {
        int open = 0;
        int unacknowledged = 0;             ///< active or returned, not acknowledged
        int activeUnacknowledged = 0;
        std::optional<AlertInfo::Severity> highest;   ///< of the active alerts that are not set aside
    };
    Summary summary() const { return m_summary; }

    /// Starts an action on the selected alerts (the buttons and the context menu do the same).
    void act(int action);

Q_SIGNALS:
    void summaryChanged();
    void openDeviceRequested(const QString &deviceId);
    void loaded();
    /// A sound was made (tests; the beep itself goes to the platform).
    void alarmSounded();
    /// The audible-alarm option was switched (by the operator or setAudibleAlarm()).
    void audibleAlarmChanged(bool on);

private:
    void buildUi();
    void load(const QString &cursor, QList<AlertInfo> collected, int generation);
    void loadRole();
    void onLiveAlert(const QJsonObject &json);
    void apply(const AlertInfo &alert, bool fromLive);
    bool belongs(const AlertInfo &alert) const;
    void updateSummary();
    void updateButtons();
    void showDetails();
    void renderDetails(const AlertInfo &alert, const QJsonArray &history);
    QList<AlertInfo> selectedAlerts() const;
    void soundTick();
    void sound();
    void blink();

    ApiClient *m_api;
    LiveClient *m_live;
    Access m_access;
    AlertsModel *m_model;
    AlertsFilterProxy *m_proxy;
    Show m_show = Show::Open;
    Summary m_summary;
    QString m_role;
    QHash<QString, QString> m_users;
    bool m_loading = false;
    int m_generation = 0;
    QString m_loadProblem;
    bool m_truncated = false;
    QList<QJsonObject> m_queuedLive;   ///< events that arrived while the list was loading

    QTimer m_blink;
    bool m_blinkOn = true;
    QTimer m_soundRepeat;
    bool m_silenced = false;
    int m_sounds = 0;

    QTabWidget *m_pages = nullptr;
    QComboBox *m_showBox = nullptr;
    QHash<int, QToolButton *> m_severityButtons;
    QLineEdit *m_filter = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_problem = nullptr;
    QTableView *m_table = nullptr;
    QTextBrowser *m_details = nullptr;
    QPushButton *m_ack = nullptr;
    QPushButton *m_clear = nullptr;
    QPushButton *m_shelve = nullptr;
    QPushButton *m_unshelve = nullptr;
    QPushButton *m_assign = nullptr;
    QPushButton *m_openDevice = nullptr;
    QCheckBox *m_audible = nullptr;
    QPushButton *m_silence = nullptr;
    AlarmKpisView *m_kpis = nullptr;
    QString m_detailsFor;
};
