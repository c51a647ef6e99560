#pragma once

#include "connection/apierror.h"
#include "connection/linkmonitor.h"
#include "connection/sessioninfo.h"
#include "fleet/device.h"
#include "fleet/health.h"

#include <QMainWindow>
#include <QSet>
#include <QTimer>

class AlertsView;
class ApiClient;
class DeviceView;
class LiveClient;
class QTabWidget;
class ConsoleSettings;
class Connector;
class FleetFilterProxy;
class ChannelsView;
class FleetModel;
class RulesView;
class FleetPoller;
class OverviewBar;
class QFrame;
class QLabel;
class QLineEdit;
class QTableView;

/// The console's main window: level-1 overview, the fleet table and a status bar that
/// always tells the state of the link and the age of the data.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum class Mode { Desktop, Kiosk };

    MainWindow(ConsoleSettings &settings, Mode mode, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Starts polling with this session (replaces any previous one).
    void setSession(const SessionInfo &session);

    /// Credentials for signing in again without asking (kiosk): used at start when there is
    /// no session, and whenever the session expires. The CA must already be trusted.
    void setAutoLogin(const QUrl &server, const QString &email, const QString &password,
                      const QSslCertificate &trustedCa);

    enum class StartupProblem { NoServer, NoCredentials };
    /// Shown when the window cannot even try to sign in (kiosk without credentials).
    void setStartupProblem(StartupProblem problem, const QUrl &server = {});

    const LinkMonitor &linkMonitor() const { return *m_link; }
    FleetModel *fleetModel() const { return m_model; }
    FleetFilterProxy *filterProxy() const { return m_proxy; }
    QString bannerText() const;
    LiveClient *liveClient() const { return m_live; }

    /// Opens the device's view in a tab (or shows the open one); null if the device is not in the fleet list.
    DeviceView *openDevice(const QString &deviceId);
    DeviceView *deviceView(const QString &deviceId) const;
    /// Opens these devices (serial numbers or ids) as soon as the fleet list has them; the last one's view shows
    /// tab ("telemetry", "commands", "twin"). A kiosk opens those of its settings by itself.
    void openWhenListed(const QStringList &devices, const QString &tab = {});
    QTabWidget *tabs() const { return m_tabs; }
    AlertsView *alertsView() const { return m_alerts; }
    /// Shows the tab whose page is named view-<name> ("fleet", "alerts", ...); false if there is none.
    bool showView(const QString &name);
    /// The Rules tab; null in kiosk mode.
    RulesView *rulesView() const { return m_rules; }

private:
    void buildUi();
    void buildMenus();
    void onDevicesRefreshed(const QList<Device> &devices, const QDateTime &at);
    void onDevicesFailed(const ApiError &error);
    void onHealthRefreshed(const HealthStatus &health, const QDateTime &at);
    void onHealthFailed(const ApiError &error);
    void onLinkStateChanged();
    void tick();
    void autoLogin();
    void signInInteractively();
    void updateStatusBar();
    void updateBanner();
    void setTheme(const QString &name);
    void startLive(const HealthStatus &health);
    void onLiveStateChanged();
    void onLiveDeviceConnection(const QString &deviceId, bool online, const QDateTime &at, const QString &firmware);
    void onLiveDeviceChanged(const QString &deviceId, const QString &status, const QString &connection);
    void onSessionEnded(const QString &reason);
    void refreshSoon();
    /// Reads these devices again, one request each, a burst of events at a time (a PATCH or a registration
    /// brings more than the event says; reloading the whole list for it would not scale to 100,000 devices).
    void fetchDeviceSoon(const QString &deviceId);
    void fetchDevices();
    /// One row changed: the overview is recounted at the next tick, the device's open view follows.
    void rowChanged(const QString &deviceId);
    void closeDeviceTab(int index);
    void rotateKioskView();
    void updateAlertsTab();
    void openPending();

    ConsoleSettings &m_settings;
    Mode m_mode;
    ApiClient *m_api;
    FleetPoller *m_poller;
    LinkMonitor *m_link;
    FleetModel *m_model;
    RulesView *m_rules = nullptr;         ///< desktop only
    ChannelsView *m_channels = nullptr;   ///< desktop only
    FleetFilterProxy *m_proxy;
    SessionInfo m_session;
    QDateTime m_lastRefresh;
    QString m_lastDeviceError;

    struct AutoLogin
    {
        QUrl server;
        QString email;
        QString password;
        QSslCertificate trustedCa;
    };
    std::optional<AutoLogin> m_autoLogin;
    Connector *m_connector = nullptr;
    QTimer m_retryLogin;

    OverviewBar *m_overview = nullptr;
    QFrame *m_banner = nullptr;
    QLabel *m_bannerIcon = nullptr;
    QLabel *m_bannerText = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_filterCount = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_emptyHint = nullptr;
    QLabel *m_linkIcon = nullptr;
    QLabel *m_linkLabel = nullptr;
    QLabel *m_refreshLabel = nullptr;
    QLabel *m_sessionLabel = nullptr;
    QLabel *m_kioskClock = nullptr;
    QLabel *m_liveLabel = nullptr;
    QTabWidget *m_tabs = nullptr;
    AlertsView *m_alerts = nullptr;
    LiveClient *m_live = nullptr;
    QTimer m_refreshSoon;     ///< an event about a device not in the list: reload the list, once per burst
    QTimer m_fetchSoon;
    QSet<QString> m_toFetch;
    QTimer m_kioskRotate;
    bool m_overviewDirty = false;
    int m_loadingReceived = 0;   ///< devices of a first, multi-page list received so far
    QStringList m_toOpen;   ///< serials or ids to open once the fleet is listed
    QString m_openTab;
    QTimer m_tick;
};
