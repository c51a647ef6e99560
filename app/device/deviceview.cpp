#include "deviceview.h"

#include "commandconsole.h"
#include "telemetrychart.h"
#include "telemetryseries.h"
#include "twinview.h"

#include "connection/apiclient.h"
#include "connection/liveclient.h"
#include "base/theme.h"
#include "fleet/fleetmodel.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QSplitter>
#include <QTabWidget>
#include <QUrlQuery>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

constexpr int timelineLimit = 200;

QString timeText(const QDateTime &t)
{
    return t.isValid() ? QLocale().toString(t.toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s) : DeviceView::tr("never");
}

} // namespace

DeviceView::DeviceView(ApiClient *api, LiveClient *live, const Device &device, Access access, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_live(live)
    , m_device(device)
{
    setObjectName(u"deviceView"_s);
    buildUi(access);
    showDevice();
    if (m_device.lastSeenAt.isValid())
        addTimelineEntry(m_device.lastSeenAt,
                         m_device.connection == Device::Connection::Online ? tr("online (last message)")
                                                                            : tr("last seen"),
                         m_device.isUnexpectedlyOffline());

    connect(m_live, &LiveClient::telemetry, this, &DeviceView::onTelemetry);
    connect(m_live, &LiveClient::commandChanged, this,
            [this](const QString &commandId, const QString &deviceId, const QString &status) {
        if (deviceId == m_device.deviceId)
            m_commands->onCommandChanged(commandId, status);
    });
    m_live->followTelemetry(m_device.deviceId);
    const auto followLinkState = [this]() { m_commands->setLive(m_live && m_live->state() == LiveClient::State::Live); };
    connect(m_live, &LiveClient::stateChanged, this, followLinkState);
    followLinkState();
}

DeviceView::~DeviceView()
{
    if (m_live)
        m_live->unfollowTelemetry(m_device.deviceId);
}

void DeviceView::buildUi(Access access)
{
    auto *layout = new QVBoxLayout(this);

    auto *header = new QVBoxLayout;
    m_name = new QLabel(this);
    m_name->setObjectName(u"deviceName"_s);
    QFont nf = m_name->font();
    nf.setPointSizeF(nf.pointSizeF() * 1.4);
    nf.setBold(true);
    m_name->setFont(nf);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_name->setTextFormat(Qt::PlainText);
    m_state = new QLabel(this);
    m_state->setObjectName(u"deviceState"_s);
    header->addWidget(m_name);
    header->addWidget(m_state);
    layout->addLayout(header);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    auto *side = new QWidget(splitter);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    auto *detailsBox = new QGroupBox(tr("Details"), side);
    auto *form = new QFormLayout(detailsBox);
    const std::pair<QString, QString> fields[] = {
        {u"device_id"_s, tr("Device ID")}, {u"serial"_s, tr("Serial number")}, {u"type"_s, tr("Type")},
        {u"firmware"_s, tr("Firmware")},   {u"status"_s, tr("Status")},        {u"connection"_s, tr("Connection")},
        {u"last_seen"_s, tr("Last seen")}, {u"registered"_s, tr("Registered")}, {u"tags"_s, tr("Tags")},
        {u"tenant"_s, tr("Tenant")},       {u"metadata"_s, tr("Metadata")},
    };
    for (const auto &[key, label] : fields) {
        auto *value = new QLabel(detailsBox);
        value->setObjectName(u"field_"_s + key);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        // Names and tags are whatever was registered: never interpreted as markup (metadata is escaped).
        value->setTextFormat(key == u"metadata" ? Qt::RichText : Qt::PlainText);
        form->addRow(label + u':', value);
        m_fields.insert(key, value);
    }
    sideLayout->addWidget(detailsBox);
    auto *timelineBox = new QGroupBox(tr("Connection timeline"), side);
    auto *timelineLayout = new QVBoxLayout(timelineBox);
    m_timeline = new QListWidget(timelineBox);
    m_timeline->setObjectName(u"connectionTimeline"_s);
    m_timeline->setToolTip(tr("Connection changes seen since this view was opened, newest first."));
    timelineLayout->addWidget(m_timeline);
    sideLayout->addWidget(timelineBox, 1);

    m_tabs = new QTabWidget(splitter);
    m_tabs->setObjectName(u"deviceTabs"_s);
    m_chart = new TelemetryChart(m_tabs);
    m_tabs->addTab(m_chart, tr("&Telemetry"));
    m_commands = new CommandConsole(m_api, m_device.deviceId, m_tabs);
    m_twin = new TwinView(m_api, m_device.deviceId, m_tabs);
    if (access == Access::Operate) {
        m_tabs->addTab(m_commands, tr("&Commands"));
        m_tabs->addTab(m_twin, tr("T&win"));
    } else {
        // Read-only (kiosk): nothing that changes the device is even shown.
        m_commands->hide();
        m_twin->hide();
    }
    splitter->addWidget(side);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({fontMetrics().horizontalAdvance(u'M') * 24, 1000});
    layout->addWidget(splitter, 1);

    connect(m_chart, &TelemetryChart::rangeRequested, this, &DeviceView::loadTelemetry);
}

QString DeviceView::title() const
{
    return m_device.name.isEmpty() ? m_device.serialNumber : m_device.name;
}

void DeviceView::setDevice(const Device &device)
{
    const QString before = title();
    const Device::Connection was = m_device.connection;
    m_device = device;
    showDevice();
    // The one place the timeline learns of a change: a live event reaches the view through the fleet model (the
    // window applies it there first), and so does a change found by a list refresh while the live link is down.
    if (was != Device::Connection::Unknown && was != device.connection && device.connection != Device::Connection::Unknown)
        noteConnection(device.connection == Device::Connection::Online,
                       device.lastSeenAt.isValid() ? device.lastSeenAt : QDateTime::currentDateTimeUtc(), device.firmwareVersion);
    if (title() != before)
        Q_EMIT titleChanged(title());
    Q_EMIT deviceStateChanged();
}

void DeviceView::showDevice()
{
    const Device &d = m_device;
    m_name->setText(title());
    const QString status = FleetModel::statusLabel(d.status, d.statusText);
    const QString connection = FleetModel::connectionLabel(d.connection);
    m_state->setText(tr("%1 · %2 · %3").arg(status, connection, d.deviceType));
    QPalette p = m_state->palette();
    p.setColor(QPalette::WindowText, d.isUnexpectedlyOffline() ? Theme::warningColor() : palette().color(QPalette::WindowText));
    m_state->setPalette(p);

    m_fields[u"device_id"_s]->setText(d.deviceId);
    m_fields[u"serial"_s]->setText(d.serialNumber);
    m_fields[u"type"_s]->setText(d.deviceType);
    m_fields[u"firmware"_s]->setText(d.firmwareVersion.isEmpty() ? tr("unknown") : d.firmwareVersion);
    m_fields[u"status"_s]->setText(status);
    m_fields[u"connection"_s]->setText(connection);
    m_fields[u"last_seen"_s]->setText(timeText(d.lastSeenAt));
    m_fields[u"registered"_s]->setText(timeText(d.createdAt));
    m_fields[u"tags"_s]->setText(d.tags.isEmpty() ? tr("none") : d.tags.join(u", "_s));
    m_fields[u"tenant"_s]->setText(d.tenantId);
    QStringList meta;
    for (auto it = d.metadata.begin(); it != d.metadata.end(); ++it) {
        const QJsonValue v = it.value();
        const QString text = v.isString() ? v.toString()
            : v.isObject() ? QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact))
            : v.isArray() ? QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact))
                          : v.toVariant().toString();
        meta << u"%1: %2"_s.arg(it.key().toHtmlEscaped(), text.toHtmlEscaped());
    }
    m_fields[u"metadata"_s]->setText(meta.isEmpty() ? tr("none") : meta.join(u"<br>"_s));

    const bool accepts = d.status != Device::Status::Suspended && d.status != Device::Status::Decommissioned;
    m_commands->setDeviceAccepts(accepts, accepts ? QString()
                                                  : tr("The device is %1: it takes no commands. Resume it first.").arg(status));
    m_twin->setEditable(d.status != Device::Status::Decommissioned,
                        tr("A decommissioned device's configuration can no longer change."));
}

QString DeviceView::fieldText(const QString &field) const
{
    const QLabel *l = m_fields.value(field);
    return l ? l->text() : QString();
}

int DeviceView::timelineCount() const
{
    return m_timeline->count();
}

void DeviceView::addTimelineEntry(const QDateTime &at, const QString &text, bool abnormal)
{
    auto *item = new QListWidgetItem(tr("%1  %2").arg(timeText(at), text));
    if (abnormal)
        item->setForeground(Theme::warningColor());
    m_timeline->insertItem(0, item);
    while (m_timeline->count() > timelineLimit)
        delete m_timeline->takeItem(m_timeline->count() - 1);
}

void DeviceView::noteConnection(bool online, const QDateTime &at, const QString &firmware)
{
    QString text = online ? tr("online") : tr("offline");
    if (online && !firmware.isEmpty())
        text = tr("online, firmware %1").arg(firmware);
    addTimelineEntry(at.isValid() ? at : QDateTime::currentDateTimeUtc(), text,
                     !online && m_device.status == Device::Status::Active);
}

void DeviceView::onTelemetry(const QString &deviceId, const QJsonObject &metrics)
{
    if (deviceId != m_device.deviceId)
        return;
    qint64 newest = 0;
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        const QJsonObject point = it.value().toObject();
        newest = std::max(newest, point.value(u"ts").toInteger());
        const QJsonValue value = point.value(u"value");
        if (!value.isDouble() && !value.isBool())
            continue;   // strings are shown in the details, not plotted
        m_chart->appendLive(it.key(), point.value(u"ts").toInteger(), value.isBool() ? (value.toBool() ? 1.0 : 0.0) : value.toDouble());
    }
    // A reading is a sign of life: "last seen" follows it here rather than waiting for the next list refresh.
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(newest, Qt::UTC);
    if (newest > 0 && (!m_device.lastSeenAt.isValid() || at > m_device.lastSeenAt)) {
        m_device.lastSeenAt = at;
        m_fields[u"last_seen"_s]->setText(timeText(at));
    }
}

void DeviceView::loadTelemetry(qint64 fromMs, qint64 toMs, qint64 intervalMs)
{
    m_lastFromMs = fromMs;
    m_lastToMs = toMs;
    m_lastIntervalMs = intervalMs;
    const quint64 request = ++m_telemetryRequest;
    m_chart->setLoading(true);
    m_api->get(u"/v1/devices/%1/telemetry"_s.arg(m_device.deviceId), telemetryHistoryQuery(fromMs, toMs, intervalMs),
               ApiClient::Auth::Bearer, this, [this, request, fromMs, toMs](const ApiResult<QJsonDocument> &result) {
        if (request == m_telemetryRequest)   // else a newer range was asked for meanwhile
            m_chart->setHistoryReply(result, fromMs, toMs);
    });
}

void DeviceView::showTab(const QString &name)
{
    QWidget *page = name == u"commands" ? static_cast<QWidget *>(m_commands)
        : name == u"twin"               ? static_cast<QWidget *>(m_twin)
                                        : static_cast<QWidget *>(m_chart);
    if (m_tabs->indexOf(page) >= 0)
        m_tabs->setCurrentWidget(page);
}

void DeviceView::resync()
{
    m_commands->reload();
    m_twin->reload();
    if (m_lastToMs > 0) {
        const qint64 span = m_lastToMs - m_lastFromMs;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        loadTelemetry(now - span, now, m_lastIntervalMs);
    }
}
