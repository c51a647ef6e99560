#include "mainwindow.h"

#include "connectdialog.h"
#include "overviewbar.h"

#include "alerts/alertstyle.h"
#include "alerts/alertsmodel.h"
#include "alerts/alertsview.h"
#include "notifications/channelsview.h"
#include "rules/rulesview.h"
#include "connection/apiclient.h"
#include "connection/connector.h"
#include "connection/liveclient.h"
#include "device/deviceview.h"
#include "base/consolesettings.h"
#include "base/logcategories.h"
#include "base/theme.h"
#include "fleet/fleetfilterproxy.h"
#include "fleet/fleetmodel.h"
#include "fleet/fleetpoller.h"

#include <QAction>
#include <QActionGroup>
#include <QFrame>
#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSet>
#include <QStatusBar>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

QString ageText(const QDateTime &then, const QDateTime &now)
{
    const qint64 s = std::max<qint64>(0, then.secsTo(now));
    if (s < 60)
        return MainWindow::tr("%n s ago", nullptr, int(s));
    if (s < 3600)
        return MainWindow::tr("%n min ago", nullptr, int(s / 60));
    return MainWindow::tr("%n h ago", nullptr, int(s / 3600));
}

QString clock(const QDateTime &t)
{
    return t.toLocalTime().toString(u"HH:mm:ss");
}

constexpr int kioskRetrySeconds = 15;

} // namespace

MainWindow::MainWindow(ConsoleSettings &settings, Mode mode, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_mode(mode)
    , m_api(new ApiClient(this))
    , m_poller(new FleetPoller(m_api, this))
    , m_link(new LinkMonitor(settings.lostAfterSeconds(), this))
    , m_model(new FleetModel(this))
    , m_proxy(new FleetFilterProxy(this))
    , m_live(new LiveClient(this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("Fleetdeck Console"));
    m_proxy->setFleetModel(m_model);
    m_poller->setIntervalSeconds(settings.pollIntervalSeconds());
    m_poller->setPageSize(settings.pageSize());

    buildUi();
    if (m_mode == Mode::Desktop)
        buildMenus();

    connect(m_poller, &FleetPoller::devicesRefreshed, this, &MainWindow::onDevicesRefreshed);
    connect(m_poller, &FleetPoller::devicesFailed, this, &MainWindow::onDevicesFailed);
    connect(m_poller, &FleetPoller::healthRefreshed, this, &MainWindow::onHealthRefreshed);
    connect(m_poller, &FleetPoller::healthFailed, this, &MainWindow::onHealthFailed);
    connect(m_poller, &FleetPoller::sessionChecked, this, [this](const QDateTime &at) {
        // While live, the table is kept current by events: a confirmed session makes it as fresh as a full list.
        if (m_live->state() != LiveClient::State::Live || !m_lastRefresh.isValid())
            return;
        m_lastRefresh = at;
        m_link->recordSuccess(at);
        updateStatusBar();
    });
    connect(m_poller, &FleetPoller::devicesLoading, this, [this](int received) {
        m_loadingReceived = received;
        updateStatusBar();
    });
    connect(m_link, &LinkMonitor::stateChanged, this, &MainWindow::onLinkStateChanged);

    // Command states are followed only while a device view is open (openDevice, closeDeviceTab): a group command
    // to 100,000 devices would otherwise push 400,000 events to every console.
    m_live->setFollowDevices(true);
    connect(m_live, &LiveClient::stateChanged, this, &MainWindow::onLiveStateChanged);
    connect(m_live, &LiveClient::deviceConnection, this, &MainWindow::onLiveDeviceConnection);
    connect(m_live, &LiveClient::deviceChanged, this, &MainWindow::onLiveDeviceChanged);
    connect(m_live, &LiveClient::sessionEnded, this, &MainWindow::onSessionEnded);
    connect(m_live, &LiveClient::resynced, this, [this]() {
        // Whatever happened while the link was down is reloaded, not guessed.
        m_poller->refreshNow();
        m_alerts->reload();
        for (int i = 1; i < m_tabs->count(); ++i)
            if (auto *view = qobject_cast<DeviceView *>(m_tabs->widget(i)))
                view->resync();
    });
    m_refreshSoon.setSingleShot(true);
    m_refreshSoon.setInterval(500);
    connect(&m_refreshSoon, &QTimer::timeout, m_poller, &FleetPoller::refreshNow);
    m_fetchSoon.setSingleShot(true);
    m_fetchSoon.setInterval(200);
    connect(&m_fetchSoon, &QTimer::timeout, this, &MainWindow::fetchDevices);
    m_kioskRotate.setInterval(settings.kioskRotateSeconds() * 1000);   // validated: 5..3600
    connect(&m_kioskRotate, &QTimer::timeout, this, &MainWindow::rotateKioskView);
    if (m_mode == Mode::Kiosk) {
        m_kioskRotate.start();
        m_toOpen = settings.kioskDevices();
    }

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &MainWindow::tick);
    m_tick.start();

    m_retryLogin.setSingleShot(true);
    m_retryLogin.setInterval(kioskRetrySeconds * 1000);
    connect(&m_retryLogin, &QTimer::timeout, this, &MainWindow::autoLogin);

    onLinkStateChanged();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildUi()
{
    // The banner (and a kiosk's title and clock) sit above the tabs: a lost link must show on a device view too.
    auto *root = new QWidget(this);
    auto *rootLayout = new QVBoxLayout(root);
    rootLayout->setContentsMargins(0, 0, 0, 0);
    rootLayout->setSpacing(0);
    m_tabs = new QTabWidget(root);
    m_tabs->setObjectName(u"mainTabs"_s);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(m_mode == Mode::Desktop);
    m_tabs->setMovable(true);
    auto *central = new QWidget(m_tabs);
    central->setObjectName(u"fleetPage"_s);
    auto *layout = new QVBoxLayout(central);

    if (m_mode == Mode::Kiosk) {
        // Wall screens: larger type, nothing to click that could block the view.
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.35);
        setFont(f);
        auto *header = new QHBoxLayout;
        header->setContentsMargins(9, 6, 9, 6);
        auto *title = new QLabel(tr("Fleetdeck – fleet overview"), root);
        title->setObjectName(u"kioskTitle"_s);
        QFont tf = title->font();
        tf.setBold(true);
        tf.setPointSizeF(tf.pointSizeF() * 1.3);
        title->setFont(tf);
        m_kioskClock = new QLabel(root);
        m_kioskClock->setFont(tf);
        header->addWidget(title, 1);
        header->addWidget(m_kioskClock);
        rootLayout->addLayout(header);
        // The wall says what it shows while it rotates.
        connect(m_tabs, &QTabWidget::currentChanged, title, [this, title](int index) {
            title->setText(index <= 0 ? tr("Fleetdeck – fleet overview") : tr("Fleetdeck – %1").arg(m_tabs->tabText(index)));
        });
    }

    m_overview = new OverviewBar(central);
    layout->addWidget(m_overview);

    m_banner = new QFrame(root);
    m_banner->setObjectName(u"staleBanner"_s);
    m_banner->setAutoFillBackground(true);
    m_banner->setVisible(false);
    auto *bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(8, 6, 8, 6);
    m_bannerIcon = new QLabel(m_banner);
    m_bannerText = new QLabel(m_banner);
    m_bannerText->setObjectName(u"staleBannerText"_s);
    m_bannerText->setWordWrap(true);
    bannerLayout->addWidget(m_bannerIcon, 0, Qt::AlignTop);
    bannerLayout->addWidget(m_bannerText, 1);
    rootLayout->addWidget(m_banner);
    rootLayout->addWidget(m_tabs, 1);

    auto *filterRow = new QHBoxLayout;
    m_filter = new QLineEdit(central);
    m_filter->setObjectName(u"filterEdit"_s);
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("Filter – e.g. pump  status:suspended  conn:offline  tag:north  -type:gateway"));
    m_filterCount = new QLabel(central);
    m_filterCount->setObjectName(u"filterCount"_s);
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_filterCount);
    layout->addLayout(filterRow);
    if (m_mode == Mode::Kiosk) {
        m_filter->setVisible(false);
        m_filterCount->setVisible(false);
    }

    m_table = new QTableView(central);
    m_table->setObjectName(u"fleetTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FleetModel::NameColumn, Qt::AscendingOrder);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(m_mode == Mode::Kiosk ? QAbstractItemView::NoSelection
                                                    : QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const int em = m_table->fontMetrics().horizontalAdvance(u'M');
    const int widths[] = {10, 9, 16, 12, 10, 8, 12, 10, 14};
    for (int c = 0; c < FleetModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, widths[c] * em);
    // Shown on the empty table: an empty fleet or a filter that matches nothing must not
    // look like a view that failed to load.
    m_emptyHint = new QLabel(m_table->viewport());
    m_emptyHint->setObjectName(u"emptyHint"_s);
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setWordWrap(true);
    m_emptyHint->setVisible(false);
    m_emptyHint->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto *hintLayout = new QVBoxLayout(m_table->viewport());
    hintLayout->addWidget(m_emptyHint);
    layout->addWidget(m_table, 1);
    central->setObjectName(u"view-fleet"_s);
    m_tabs->addTab(central, tr("Fleet"));
    // The alarm list, live for the whole organisation; a kiosk shows it read-only.
    m_alerts = new AlertsView(m_api, m_live, m_mode == Mode::Kiosk ? AlertsView::Access::ReadOnly : AlertsView::Access::Operate,
                              m_tabs);
    m_alerts->setDeviceNames([this](const QString &deviceId) {
        const int row = m_model->rowOf(deviceId);
        if (row < 0)
            return QString();
        const Device d = m_model->device(row);
        return d.name.isEmpty() || d.name == d.serialNumber ? d.serialNumber : u"%1 (%2)"_s.arg(d.name, d.serialNumber);
    });
    m_tabs->addTab(m_alerts, tr("Alerts"));
    // The sound option is kept: a wall screen, which nobody clicks, takes it from the settings (alerts/audible).
    m_alerts->setAudibleAlarm(m_settings.audibleAlarm());
    connect(m_alerts, &AlertsView::audibleAlarmChanged, this, [this](bool on) {
        if (m_mode == Mode::Desktop && on != m_settings.audibleAlarm()) {
            m_settings.setAudibleAlarm(on);
            m_settings.sync();
        }
    });
    connect(m_alerts, &AlertsView::summaryChanged, this, &MainWindow::updateAlertsTab);
    connect(m_alerts, &AlertsView::openDeviceRequested, this, [this](const QString &deviceId) { openDevice(deviceId); });
    // Rules and notification channels are set up at a desk, not on a wall.
    if (m_mode == Mode::Desktop) {
        m_rules = new RulesView(m_api, m_tabs);
        m_tabs->addTab(m_rules, tr("Rules"));
        m_channels = new ChannelsView(m_api, m_tabs);
        m_tabs->addTab(m_channels, tr("Notifications"));
    }
    connect(m_alerts, &AlertsView::summaryChanged, this, [this] {
        m_overview->setAlarmCounts(OverviewBar::AlarmCounts::count(m_alerts->model()->alerts()));
    });
    connect(m_overview, &OverviewBar::alarmsClicked, this, [this] { showView(u"alerts"_s); });
    // The fleet, the alerts, rules and channels are always there: their tabs have no close button.
    for (int i = 0; i < m_tabs->count(); ++i) {
        m_tabs->tabBar()->setTabButton(i, QTabBar::RightSide, nullptr);
        m_tabs->tabBar()->setTabButton(i, QTabBar::LeftSide, nullptr);
    }
    setCentralWidget(root);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &MainWindow::closeDeviceTab);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        if (m_mode == Mode::Desktop)
            openDevice(index.data(FleetModel::DeviceIdRole).toString());
    });

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterText(text);
        updateStatusBar();
    });
    connect(m_overview, &OverviewBar::filterRequested, this, [this](const QString &filter) {
        if (m_mode == Mode::Desktop)
            m_filter->setText(filter);
    });

    m_linkIcon = new QLabel(this);
    m_linkLabel = new QLabel(this);
    m_linkLabel->setObjectName(u"linkLabel"_s);
    m_refreshLabel = new QLabel(this);
    m_refreshLabel->setObjectName(u"refreshLabel"_s);
    m_sessionLabel = new QLabel(this);
    m_sessionLabel->setObjectName(u"sessionLabel"_s);
    statusBar()->addWidget(m_linkIcon);
    statusBar()->addWidget(m_linkLabel);
    statusBar()->addWidget(m_refreshLabel, 1);
    m_liveLabel = new QLabel(this);
    m_liveLabel->setObjectName(u"liveLabel"_s);
    statusBar()->addPermanentWidget(m_liveLabel);
    statusBar()->addPermanentWidget(m_sessionLabel);
    statusBar()->setSizeGripEnabled(m_mode == Mode::Desktop);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *signIn = file->addAction(tr("&Sign in again…"), this, &MainWindow::signInInteractively);
    signIn->setObjectName(u"signInAction"_s);
    QAction *refresh = file->addAction(tr("&Refresh now"), m_poller, &FleetPoller::refreshNow);
    refresh->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *openDeviceAction = view->addAction(tr("&Open selected device"), this, [this]() {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid())
            openDevice(current.data(FleetModel::DeviceIdRole).toString());
    });
    openDeviceAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    QAction *closeTab = view->addAction(tr("&Close device tab"), this, [this]() {
        if (m_tabs->currentIndex() > 0)
            closeDeviceTab(m_tabs->currentIndex());
    });
    closeTab->setShortcut(QKeySequence::Close);
    QAction *fleetTab = view->addAction(tr("Show &fleet"), this, [this]() { m_tabs->setCurrentIndex(0); });
    fleetTab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    view->addSeparator();
    QAction *find = view->addAction(tr("&Filter devices"), this, [this]() {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    QMenu *themes = view->addMenu(tr("&Theme"));
    auto *group = new QActionGroup(themes);
    const std::pair<QString, QString> choices[] = {{u"light"_s, tr("&Light")}, {u"dark"_s, tr("&Dark")}};
    for (const auto &[name, label] : choices) {
        QAction *a = themes->addAction(label);
        a->setCheckable(true);
        a->setChecked(Theme::name(Theme::current()) == name);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, name]() { setTheme(name); });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Fleetdeck Console"), this, [this]() {
        QMessageBox::about(this, tr("About Fleetdeck Console"),
                           tr("<b>Fleetdeck Console</b> %1<br>Device management for IoT fleets.")
                               .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::setTheme(const QString &name)
{
    m_settings.setTheme(name);
    m_settings.sync();
    Theme::apply(*qApp, Theme::fromName(name));
    // Cached colours live in palettes set on a few labels; recompute them.
    onLinkStateChanged();
    m_overview->setStale(m_link->isStale());
    m_table->viewport()->update();
}

void MainWindow::setSession(const SessionInfo &session)
{
    m_session = session;
    m_api->abortAll();
    m_api->setBaseUrl(session.server);
    m_api->setTrustedCa(session.trustedCa);
    m_api->setBearerToken(session.token);
    const QString where = session.server.port() > 0 && session.server.port() != 443
        ? session.server.host() + u':' + QString::number(session.server.port())
        : session.server.host();
    m_sessionLabel->setText(tr("%1 @ %2").arg(session.email, where));
    // The live link starts once the health check has named its address (startLive).
    m_live->stop();
    m_sessionLabel->setToolTip(session.expiresAt.isValid()
                                   ? tr("Session valid until %1").arg(QLocale().toString(
                                         session.expiresAt.toLocalTime(), QLocale::ShortFormat))
                                   : QString());
    m_poller->start();
    m_alerts->reload();
    if (m_rules && m_channels) {
        // Rules and channels are written by tenant admins; others see them read-only until the role is known (the
        // server decides in the end). One question for both.
        m_rules->setCanWrite(false);
        m_channels->setCanEdit(false);
        m_api->get(u"/v1/auth/me"_s, {}, ApiClient::Auth::Bearer, this, [this](const ApiResult<QJsonDocument> &me) {
            if (!me)
                return;   // the lists' own requests say what is wrong
            const QString role = me->object().value(u"role").toString();
            m_rules->setCanWrite(RulesView::roleCanWrite(role));
            m_channels->setCanEdit(ChannelsView::roleCanEdit(role));
        });
        m_rules->reload();
        m_channels->reload();
    }
}

void MainWindow::setAutoLogin(const QUrl &server, const QString &email, const QString &password,
                              const QSslCertificate &trustedCa)
{
    m_autoLogin = AutoLogin{server, email, password, trustedCa};
    if (m_session.token.isEmpty())
        autoLogin();
}

void MainWindow::autoLogin()
{
    if (!m_autoLogin || (m_connector && m_connector->isBusy()))
        return;
    if (!m_connector) {
        m_connector = new Connector(this);
        m_connector->setInteractive(false);
        connect(m_connector, &Connector::succeeded, this, [this](const SessionInfo &session) {
            if (m_settings.rememberToken())
                m_settings.storeToken(session.server, session.token, session.expiresAt);
            setSession(session);
        });
        connect(m_connector, &Connector::failed, this, [this](const ApiError &error) {
            const QDateTime now = QDateTime::currentDateTimeUtc();
            if (error.kind == ApiError::Kind::Unauthorized)
                m_link->recordSignedOut(now, error.message);
            else
                m_link->recordFailure(now, error.message);
            m_lastDeviceError = error.message;
            updateBanner();
            m_retryLogin.start();
        });
    }
    qCInfo(lcAppConnection) << "Signing in automatically to" << m_autoLogin->server;
    m_connector->start(m_autoLogin->server, m_autoLogin->email, m_autoLogin->password, m_autoLogin->trustedCa);
}

void MainWindow::signInInteractively()
{
    ConnectDialog dialog(m_settings, this);
    if (m_session.server.isValid())
        dialog.setServer(m_session.server);
    if (!m_session.email.isEmpty())
        dialog.setEmail(m_session.email);
    if (dialog.exec() == QDialog::Accepted)
        setSession(dialog.session());
}

void MainWindow::onDevicesRefreshed(const QList<Device> &devices, const QDateTime &at)
{
    m_lastRefresh = at;
    m_lastDeviceError.clear();
    m_alerts->devicesChanged();
    m_model->setDevices(devices);
    if (m_rules)
        m_rules->setDevices(devices);
    m_overview->setDevices(devices);
    // Tenant ids are opaque; the column only helps where a fleet spans several tenants.
    QSet<QString> tenants;
    for (const Device &d : devices) {
        tenants.insert(d.tenantId);
        if (tenants.size() > 1)
            break;
    }
    m_table->setColumnHidden(FleetModel::TenantColumn, tenants.size() <= 1);
    openPending();
    for (int i = 1; i < m_tabs->count(); ++i) {
        if (auto *view = qobject_cast<DeviceView *>(m_tabs->widget(i))) {
            const int row = m_model->rowOf(view->deviceId());
            if (row >= 0)
                view->setDevice(m_model->device(row));
        }
    }
    m_link->recordSuccess(at);
    updateStatusBar();
    updateBanner();
}

void MainWindow::onDevicesFailed(const ApiError &error)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_lastDeviceError = error.message;
    if (error.kind == ApiError::Kind::Unauthorized) {
        m_link->recordSignedOut(now, error.message);
        m_settings.clearToken(m_session.server);
        m_session.token.clear();
        m_api->setBearerToken({});
        if (m_autoLogin)
            autoLogin();
        else
            m_poller->stop();
    } else {
        m_link->recordFailure(now, error.message);
    }
    updateBanner();
}

void MainWindow::onHealthRefreshed(const HealthStatus &health, const QDateTime &)
{
    m_overview->setHealth(health);
    startLive(health);
}

void MainWindow::startLive(const HealthStatus &health)
{
    if (health.webSocketUrl.isEmpty() || m_session.token.isEmpty())
        return;
    // The host is the one the operator connected to (and the certificate was checked for); the server only names
    // the port and path, and may not know under which name it is reached.
    const QUrl announced(health.webSocketUrl);
    QUrl url;
    url.setScheme(u"wss"_s);
    url.setHost(m_session.server.host());
    url.setPort(announced.port(8444));
    url.setPath(announced.path().isEmpty() ? u"/v1/ws"_s : announced.path());
    if (m_live->isRunning() && m_live->url() == url)
        return;   // up, or reconnecting by itself
    m_live->start(url, m_session.token, m_session.trustedCa);
}

void MainWindow::onLiveStateChanged()
{
    // Live: the list is only a resynchronisation, once a minute; without the link, polling is all there is.
    const int interval = m_settings.pollIntervalSeconds();
    m_poller->setDeviceListEvery(m_live->state() == LiveClient::State::Live ? std::max(1, 60 / interval) : 1);
    QString text;
    QString tip;
    switch (m_live->state()) {
    case LiveClient::State::Live:
        text = tr("● Live");
        tip = tr("Changes are pushed by the server as they happen (%1).").arg(m_live->url().toDisplayString());
        break;
    case LiveClient::State::Connecting:
    case LiveClient::State::SigningIn:
        text = tr("Live link: connecting…");
        break;
    case LiveClient::State::Disconnected:
        text = m_session.token.isEmpty() ? QString() : tr("No live link – refreshing every %n s", nullptr, interval);
        tip = m_live->lastError();
        break;
    }
    m_liveLabel->setText(text);
    m_liveLabel->setToolTip(tip);
}

void MainWindow::refreshSoon()
{
    if (!m_refreshSoon.isActive())
        m_refreshSoon.start();
}

void MainWindow::onLiveDeviceConnection(const QString &deviceId, bool online, const QDateTime &at,
                                        const QString &firmware)
{
    if (!m_model->applyConnection(deviceId, online, at, firmware)) {
        fetchDeviceSoon(deviceId);
        return;
    }
    rowChanged(deviceId);
}

void MainWindow::rowChanged(const QString &deviceId)
{
    m_overviewDirty = true;
    if (DeviceView *view = deviceView(deviceId))
        view->setDevice(m_model->device(m_model->rowOf(deviceId)));
}

void MainWindow::onLiveDeviceChanged(const QString &deviceId, const QString &status, const QString &connection)
{
    // The event carries status and connection; a registration or a PATCH (name, tags, metadata) brings more, so the
    // device itself is read again.
    if (m_model->applyStatus(deviceId, status, connection))
        rowChanged(deviceId);
    fetchDeviceSoon(deviceId);
}

void MainWindow::fetchDeviceSoon(const QString &deviceId)
{
    if (m_refreshSoon.isActive())
        return;   // the whole list is about to be read anyway
    m_toFetch.insert(deviceId);
    if (m_toFetch.size() > 200) {
        // A burst of that size (a bulk import, say) is cheaper as one list.
        m_toFetch.clear();
        m_fetchSoon.stop();
        refreshSoon();
        return;
    }
    if (!m_fetchSoon.isActive())
        m_fetchSoon.start();
}

void MainWindow::fetchDevices()
{
    const QSet<QString> ids = std::exchange(m_toFetch, {});
    for (const QString &id : ids) {
        m_api->get(u"/v1/devices/%1"_s.arg(id), {}, ApiClient::Auth::Bearer, this, [this, id](const ApiResult<QJsonDocument> &r) {
            if (!r) {
                if (r.error().httpStatus != 404)   // a device deleted meanwhile is simply not shown again
                    refreshSoon();
                return;
            }
            auto device = parseDevice(r->object());
            if (!device) {
                qCWarning(lcAppShell) << "Unusable device" << id << ":" << device.error();
                return;
            }
            m_model->upsertDevice(std::move(*device));
            rowChanged(id);
            updateStatusBar();
        });
    }
}

void MainWindow::onSessionEnded(const QString &reason)
{
    ApiError error;
    error.kind = ApiError::Kind::Unauthorized;
    error.message = reason.isEmpty() ? tr("The session ended.") : reason;
    m_live->stop();
    onDevicesFailed(error);
}

void MainWindow::openWhenListed(const QStringList &devices, const QString &tab)
{
    m_toOpen << devices;
    m_openTab = tab;
    openPending();
}

void MainWindow::openPending()
{
    if (m_toOpen.isEmpty() || m_model->rowCount() == 0)
        return;
    // Views asked for at start (kiosk settings, --open-device), in that order; a name that matches nothing is
    // logged, not fatal.
    const QStringList wanted = std::exchange(m_toOpen, {});
    const int current = m_tabs->currentIndex();
    DeviceView *last = nullptr;
    for (const QString &name : wanted) {
        const auto &devices = m_model->devices();
        auto it = std::ranges::find_if(devices, [&](const Device &d) {
            return d.deviceId == name || d.serialNumber == name;
        });
        if (it == devices.end())
            qCWarning(lcAppShell) << "Device" << name << "to open is not in the fleet";
        else
            last = openDevice(it->deviceId);
    }
    if (m_mode == Mode::Kiosk || !last)
        m_tabs->setCurrentIndex(current);
    else
        last->showTab(m_openTab);
}


DeviceView *MainWindow::deviceView(const QString &deviceId) const
{
    for (int i = 1; i < m_tabs->count(); ++i)
        if (auto *view = qobject_cast<DeviceView *>(m_tabs->widget(i)); view && view->deviceId() == deviceId)
            return view;
    return nullptr;
}

DeviceView *MainWindow::openDevice(const QString &deviceId)
{
    if (DeviceView *open = deviceView(deviceId)) {
        m_tabs->setCurrentWidget(open);
        return open;
    }
    const int row = m_model->rowOf(deviceId);
    if (row < 0)
        return nullptr;
    auto *view = new DeviceView(m_api, m_live, m_model->device(row),
                                m_mode == Mode::Kiosk ? DeviceView::Access::ReadOnly : DeviceView::Access::Operate, m_tabs);
    const int index = m_tabs->addTab(view, view->title());
    m_live->setFollowCommands(true);
    connect(view, &DeviceView::titleChanged, this, [this, view](const QString &title) {
        m_tabs->setTabText(m_tabs->indexOf(view), title);
    });
    // An active device that drops off shows on its tab too, wherever the operator is looking.
    const auto markTab = [this, view]() {
        const bool abnormal = view->device().isUnexpectedlyOffline();
        m_tabs->setTabIcon(m_tabs->indexOf(view), abnormal ? style()->standardIcon(QStyle::SP_MessageBoxWarning) : QIcon());
        m_tabs->setTabToolTip(m_tabs->indexOf(view), abnormal ? tr("%1 – active but offline").arg(view->device().serialNumber)
                                                              : view->device().serialNumber);
    };
    connect(view, &DeviceView::deviceStateChanged, this, markTab);
    markTab();
    m_tabs->setCurrentIndex(index);
    return view;
}

void MainWindow::closeDeviceTab(int index)
{
    QWidget *page = m_tabs->widget(index);
    if (!qobject_cast<DeviceView *>(page))
        return;   // the fleet and the alerts stay
    m_tabs->removeTab(index);
    page->deleteLater();
    bool anyDevice = false;
    for (int i = 0; i < m_tabs->count(); ++i)
        anyDevice |= qobject_cast<DeviceView *>(m_tabs->widget(i)) != nullptr;
    m_live->setFollowCommands(anyDevice);
}

bool MainWindow::showView(const QString &name)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->widget(i)->objectName() == u"view-"_s + name) {
            m_tabs->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void MainWindow::updateAlertsTab()
{
    const AlertsView::Summary s = m_alerts->summary();
    const int index = m_tabs->indexOf(m_alerts);
    m_tabs->setTabText(index, s.unacknowledged > 0 ? tr("Alerts (%1)").arg(s.unacknowledged) : tr("Alerts"));
    // The highest active priority's symbol, so that a new alarm shows from any tab; none when all is normal.
    m_tabs->setTabIcon(index, s.highest ? AlertStyle::symbol(*s.highest, false) : QIcon());
    m_tabs->setTabToolTip(index, s.open > 0 ? tr("%1 open alerts, %2 not acknowledged").arg(s.open).arg(s.unacknowledged)
                                            : tr("No open alerts"));
}

void MainWindow::rotateKioskView()
{
    if (m_tabs->count() > 1)
        m_tabs->setCurrentIndex((m_tabs->currentIndex() + 1) % m_tabs->count());
}

void MainWindow::onHealthFailed(const ApiError &error)
{
    m_overview->setHealth(std::nullopt, error.message);
}

void MainWindow::onLinkStateChanged()
{
    const bool stale = m_link->isStale() && m_lastRefresh.isValid();
    m_model->setStale(stale);
    m_overview->setStale(stale);

    QStyle::StandardPixmap icon = QStyle::SP_DialogApplyButton;
    QColor color = palette().color(QPalette::WindowText);
    switch (m_link->state()) {
    case LinkMonitor::State::Connected:
        break;
    case LinkMonitor::State::Connecting:
        icon = QStyle::SP_BrowserReload;
        break;
    case LinkMonitor::State::Reconnecting:
        icon = QStyle::SP_MessageBoxWarning;
        color = Theme::warningColor();
        break;
    case LinkMonitor::State::Lost:
    case LinkMonitor::State::SignedOut:
        icon = QStyle::SP_MessageBoxCritical;
        color = Theme::alarmColor();
        break;
    }
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_linkIcon->setPixmap(style()->standardIcon(icon).pixmap(size));
    QPalette p = m_linkLabel->palette();
    p.setColor(QPalette::WindowText, color);
    m_linkLabel->setPalette(p);
    QFont f = m_linkLabel->font();
    f.setBold(m_link->state() != LinkMonitor::State::Connected);
    m_linkLabel->setFont(f);
    updateStatusBar();
    updateBanner();
}

void MainWindow::tick()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Live events change single rows; the counts are recomputed once a second at most, not per event.
    if (m_overviewDirty) {
        m_overviewDirty = false;
        m_overview->setDevices(m_model->devices());
    }
    m_link->evaluate(now);
    if (m_kioskClock)
        m_kioskClock->setText(QLocale().toString(QDateTime::currentDateTime(), QLocale::ShortFormat));
    // A kiosk renews its session before it runs out rather than after.
    if (m_autoLogin && !m_session.token.isEmpty() && m_session.expiresAt.isValid()
        && now.secsTo(m_session.expiresAt) < 120 && !(m_connector && m_connector->isBusy())) {
        m_session.expiresAt = {};
        autoLogin();
    }
    updateStatusBar();
    updateBanner();
}

void MainWindow::updateStatusBar()
{
    m_linkLabel->setText(m_link->describe());
    m_linkLabel->setToolTip(m_link->lastError());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_lastRefresh.isValid())
        m_refreshLabel->setText(tr("Last refresh %1 (%2)").arg(clock(m_lastRefresh), ageText(m_lastRefresh, now)));
    else
        m_refreshLabel->setText(m_loadingReceived > 0
                                    ? tr("Loading the fleet… %1 devices so far").arg(QLocale().toString(m_loadingReceived))
                                    : tr("No data received yet"));
    m_filterCount->setText(tr("%1 of %2 devices")
                               .arg(QLocale().toString(m_proxy->rowCount()), QLocale().toString(m_model->rowCount())));
    const bool empty = m_lastRefresh.isValid() && m_proxy->rowCount() == 0;
    if (empty) {
        m_emptyHint->setText(m_model->rowCount() == 0 ? tr("No devices are registered on this server yet.")
                                                      : tr("No device matches the filter."));
    }
    m_emptyHint->setVisible(empty);
}

void MainWindow::updateBanner()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString dataAge = m_lastRefresh.isValid()
        ? tr("The data shown is from %1 (%2) and is not live.").arg(clock(m_lastRefresh), ageText(m_lastRefresh, now))
        : tr("No data has been received yet.");
    QString text;
    bool alarm = false;
    switch (m_link->state()) {
    case LinkMonitor::State::Connected:
        break;
    case LinkMonitor::State::Connecting:
        if (!m_lastDeviceError.isEmpty())
            text = tr("Cannot reach the server yet: %1").arg(m_lastDeviceError);
        break;
    case LinkMonitor::State::Reconnecting:
        text = tr("Reconnecting since %1. %2").arg(clock(m_link->failingSince()), dataAge);
        break;
    case LinkMonitor::State::Lost:
        alarm = true;
        text = tr("LINK LOST since %1 – %2 Last error: %3")
                   .arg(clock(m_link->failingSince()), dataAge, m_link->lastError());
        break;
    case LinkMonitor::State::SignedOut:
        alarm = true;
        if (m_autoLogin)
            text = tr("SIGNED OUT – signing in again automatically (%1). %2").arg(m_link->lastError(), dataAge);
        else if (m_mode == Mode::Kiosk)
            text = tr("SIGNED OUT – %1").arg(m_link->lastError());
        else
            text = tr("SIGNED OUT – the session ended. Use File › Sign in again. %1").arg(dataAge);
        break;
    }
    m_banner->setVisible(!text.isEmpty());
    if (text.isEmpty())
        return;
    m_bannerText->setText(text);
    const int size = m_bannerText->fontMetrics().height() + 4;
    m_bannerIcon->setPixmap(
        style()->standardIcon(alarm ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxWarning).pixmap(size));
    QPalette p = m_banner->palette();
    p.setColor(QPalette::Window, Theme::bannerBackground(alarm));
    // The banner background is light in the light theme and dark in the dark one; the
    // window text colour reads on both.
    p.setColor(QPalette::WindowText, palette().color(QPalette::WindowText));
    m_banner->setPalette(p);
    QFont f = m_bannerText->font();
    f.setBold(alarm);
    m_bannerText->setFont(f);
}

void MainWindow::setStartupProblem(StartupProblem kind, const QUrl &server)
{
    const QString problem = kind == StartupProblem::NoServer
        ? tr("No server configured: set FLEETDECK_SERVER or use --server.")
        : tr("No saved session for %1 and no FLEETDECK_EMAIL / FLEETDECK_PASSWORD to sign in with.")
              .arg(server.toString());
    m_lastDeviceError = problem;
    m_link->recordSignedOut(QDateTime::currentDateTimeUtc(), problem);
    updateBanner();
}

QString MainWindow::bannerText() const
{
    return m_banner->isVisible() ? m_bannerText->text() : QString();
}
