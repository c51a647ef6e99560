#include "overviewbar.h"

#include "alerts/alertstyle.h"
#include "base/theme.h"

#include <QApplication>
#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

using namespace Qt::StringLiterals;

/// One number with its caption; abnormal tiles get colour plus an icon.
class OverviewTile : public QFrame
{
    Q_OBJECT

public:
    OverviewTile(const QString &name, const QString &caption, const QString &filter, QWidget *parent)
        : QFrame(parent)
        , m_filter(filter)
    {
        setObjectName(name);
        setFrameShape(QFrame::StyledPanel);
        setCursor(filter.isEmpty() ? Qt::ArrowCursor : Qt::PointingHandCursor);
        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(12, 6, 12, 6);
        layout->setSpacing(0);
        m_caption = new QLabel(caption, this);
        auto *valueRow = new QHBoxLayout;
        valueRow->setSpacing(6);
        m_icon = new QLabel(this);
        m_icon->setVisible(false);
        m_value = new QLabel(u"–"_s, this);
        m_value->setObjectName(name + u"Value"_s);
        QFont big = m_value->font();
        big.setPointSizeF(big.pointSizeF() * 1.6);
        big.setBold(true);
        m_value->setFont(big);
        valueRow->addWidget(m_icon);
        valueRow->addWidget(m_value, 1);
        layout->addWidget(m_caption);
        layout->addLayout(valueRow);
        if (!filter.isEmpty())
            setToolTip(tr("Show these devices in the table (filter: %1)").arg(filter));
    }

    void setValue(const QString &text, bool abnormal, bool stale)
    {
        m_value->setText(text);
        QPalette p = palette();
        QColor color = p.color(QPalette::WindowText);
        if (stale)
            color = Theme::staleTextColor();
        else if (abnormal)
            color = m_alarm ? Theme::alarmColor() : Theme::warningColor();
        p.setColor(QPalette::WindowText, color);
        m_value->setPalette(p);
        const int size = m_value->fontMetrics().height();
        m_icon->setPixmap(style()->standardIcon(m_alarm ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxWarning)
                              .pixmap(size));
        m_icon->setVisible(abnormal);
    }

    void setAlarmLevel(bool alarm) { m_alarm = alarm; }
    QString text() const { return m_value->text(); }

Q_SIGNALS:
    void clicked(const QString &filter);

protected:
    void mouseReleaseEvent(QMouseEvent *event) override
    {
        if (event->button() == Qt::LeftButton && !m_filter.isEmpty())
            Q_EMIT clicked(m_filter);
        QFrame::mouseReleaseEvent(event);
    }

private:
    QString m_filter;
    QLabel *m_caption;
    QLabel *m_icon;
    QLabel *m_value;
    bool m_alarm = false;
};


/// The open alarms: "to acknowledge / active" with the highest active priority's symbol (shape, number and colour),
/// and a line that says the same in words. Grey and without a symbol when there are none.
class AlarmTile : public QFrame
{
    Q_OBJECT

public:
    explicit AlarmTile(QWidget *parent)
        : QFrame(parent)
    {
        setObjectName(u"alarms"_s);
        setFrameShape(QFrame::StyledPanel);
        setCursor(Qt::PointingHandCursor);
        setFocusPolicy(Qt::TabFocus);
        setAccessibleName(tr("Alarms"));
        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(12, 6, 12, 6);
        layout->setSpacing(0);
        layout->addWidget(new QLabel(tr("Alarms: to acknowledge / active"), this));
        auto *valueRow = new QHBoxLayout;
        valueRow->setSpacing(6);
        m_symbol = new QLabel(this);
        m_symbol->setObjectName(u"alarmsSymbol"_s);
        m_symbol->setVisible(false);
        m_value = new QLabel(u"–"_s, this);
        m_value->setObjectName(u"alarmsValue"_s);
        QFont big = m_value->font();
        big.setPointSizeF(big.pointSizeF() * 1.6);
        big.setBold(true);
        m_value->setFont(big);
        valueRow->addWidget(m_symbol);
        valueRow->addWidget(m_value, 1);
        layout->addLayout(valueRow);
        m_detail = new QLabel(this);
        m_detail->setObjectName(u"alarmsDetail"_s);
        layout->addWidget(m_detail);
    }

    /// symbol: the priority to show, hollow for alarms that returned to normal; color: the value's, invalid = normal.
    void display(const QString &value, const QString &detail, std::optional<AlertInfo::Severity> symbol, bool hollow,
              const QColor &color)
    {
        m_value->setText(value);
        m_detail->setText(detail);
        QPalette p = palette();
        if (color.isValid())
            p.setColor(QPalette::WindowText, color);
        m_value->setPalette(p);
        if (symbol)
            m_symbol->setPixmap(AlertStyle::symbol(*symbol, hollow, m_value->fontMetrics().height()).pixmap(m_value->fontMetrics().height()));
        m_symbol->setVisible(symbol.has_value());
        setAccessibleDescription(value + u"; "_s + detail);
    }

    QString text() const { return m_value->text(); }
    QString detail() const { return m_detail->text(); }

Q_SIGNALS:
    void clicked();

protected:
    void mouseReleaseEvent(QMouseEvent *event) override
    {
        if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
            Q_EMIT clicked();
        QFrame::mouseReleaseEvent(event);
    }
    void keyPressEvent(QKeyEvent *event) override
    {
        if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_Space) {
            Q_EMIT clicked();
            return;
        }
        QFrame::keyPressEvent(event);
    }

private:
    QLabel *m_symbol;
    QLabel *m_value;
    QLabel *m_detail;
};

int OverviewBar::AlarmCounts::totalActive() const
{
    return std::accumulate(active.cbegin(), active.cend(), 0);
}

int OverviewBar::AlarmCounts::totalUnacknowledged() const
{
    return std::accumulate(unacknowledged.cbegin(), unacknowledged.cend(), 0);
}

namespace {

std::optional<AlertInfo::Severity> highest(const std::array<int, 5> &counts)
{
    for (int i = 0; i < int(counts.size()); ++i)
        if (counts[i] > 0)
            return AlertInfo::Severity(i + 1);
    return std::nullopt;
}

} // namespace

std::optional<AlertInfo::Severity> OverviewBar::AlarmCounts::highestActive() const { return highest(active); }
std::optional<AlertInfo::Severity> OverviewBar::AlarmCounts::highestUnacknowledged() const { return highest(unacknowledged); }

OverviewBar::AlarmCounts OverviewBar::AlarmCounts::count(const QList<AlertInfo> &alerts)
{
    AlarmCounts c;
    for (const AlertInfo &a : alerts) {
        if (a.closed)
            continue;
        if (a.isSidelined()) {
            ++c.sidelined;
            continue;
        }
        const int i = std::clamp(int(a.severity), 1, 5) - 1;
        c.active[i] += a.active;
        c.unacknowledged[i] += !a.acknowledged;
    }
    return c;
}

OverviewBar::OverviewBar(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_alarms = new AlarmTile(this);
    m_alarms->setToolTip(tr("Open alarms: how many wait for acknowledgement and how many are active, by priority. "
                            "Set aside (shelved, suppressed or out of service) alarms are not counted. "
                            "Click to show the alarm list."));
    connect(m_alarms, &AlarmTile::clicked, this, &OverviewBar::alarmsClicked);
    layout->addWidget(m_alarms);
    m_total = new OverviewTile(u"total"_s, tr("Devices"), u""_s, this);
    m_online = new OverviewTile(u"online"_s, tr("Online"), u"conn:online"_s, this);
    m_offline = new OverviewTile(u"offline"_s, tr("Active but offline"), u"status:active conn:offline"_s, this);
    m_suspended = new OverviewTile(u"suspended"_s, tr("Suspended"), u"status:suspended"_s, this);
    m_neverSeen = new OverviewTile(u"never"_s, tr("Provisioned, not yet seen"), u"status:provisioned"_s, this);
    m_ingest = new OverviewTile(u"ingest"_s, tr("Readings stored / s"), u""_s, this);
    m_ingest->setToolTip(tr("Telemetry readings the server stored per second, between the last two health checks."));
    m_commands = new OverviewTile(u"commands"_s, tr("Commands in flight"), u""_s, this);
    m_commands->setToolTip(tr("Commands queued for a device or sent and not finished yet."));
    m_health = new OverviewTile(u"health"_s, tr("Server health"), u""_s, this);
    m_health->setAlarmLevel(true);
    for (OverviewTile *tile : {m_total, m_online, m_offline, m_suspended, m_neverSeen}) {
        layout->addWidget(tile);
        connect(tile, &OverviewTile::clicked, this, &OverviewBar::filterRequested);
    }
    layout->addWidget(m_ingest);
    layout->addWidget(m_commands);
    layout->addWidget(m_health, 2);
    renderAlarms();
}

void OverviewBar::setDevices(const QList<Device> &devices)
{
    m_devices = devices;
    m_hasDevices = true;
    render();
}

void OverviewBar::setHealth(const std::optional<HealthStatus> &health, const QString &problem)
{
    m_healthStatus = health;
    m_healthProblem = problem;
    if (health && health->storedReadings >= 0) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (m_lastStored >= 0 && health->storedReadings >= m_lastStored && m_lastStoredAt.msecsTo(now) > 200)
            m_ingestRate = double(health->storedReadings - m_lastStored) * 1000.0 / double(m_lastStoredAt.msecsTo(now));
        else if (health->storedReadings < m_lastStored)
            m_ingestRate = -1;   // the server restarted: its counter did too
        m_lastStored = health->storedReadings;
        m_lastStoredAt = now;
    }
    render();
}

void OverviewBar::setStale(bool stale)
{
    m_stale = stale;
    render();
    renderAlarms();
}

void OverviewBar::setAlarmCounts(const AlarmCounts &counts)
{
    m_alarmCounts = counts;
    renderAlarms();
}

void OverviewBar::clearAlarmCounts()
{
    m_alarmCounts.reset();
    renderAlarms();
}

void OverviewBar::renderAlarms()
{
    if (!m_alarmCounts) {
        // "No data" is its own state, never "no alarms".
        m_alarms->display(u"–"_s, tr("Not known yet"), std::nullopt, false, Theme::staleTextColor());
        return;
    }
    const AlarmCounts &c = *m_alarmCounts;
    const QLocale locale;
    const int active = c.totalActive();
    const int unacked = c.totalUnacknowledged();
    const QString value = u"%1 / %2"_s.arg(locale.toString(unacked), locale.toString(active));

    QStringList parts;
    std::optional<AlertInfo::Severity> symbol;
    bool hollow = false;
    QColor color;   // invalid: the normal text colour
    if (const auto top = c.highestActive()) {
        symbol = top;
        color = AlertStyle::color(*top);
        QStringList perPriority;
        for (int i = 0; i < int(c.active.size()); ++i)
            if (c.active[i] > 0)
                perPriority << tr("%1 %2", "count, priority").arg(locale.toString(c.active[i]), AlertInfo::severityLabel(AlertInfo::Severity(i + 1)));
        // Highest first: the first word names what the symbol shows.
        parts << perPriority.join(u", "_s);
    } else if (const auto waiting = c.highestUnacknowledged()) {
        // Back to normal but not acknowledged: the hollow symbol of the highest one, no colour on the number.
        symbol = waiting;
        hollow = true;
        parts << tr("None active; %1 returned to normal, not acknowledged").arg(locale.toString(unacked));
    } else {
        parts << tr("No open alarms");
    }
    if (c.sidelined > 0)
        parts << tr("%1 set aside").arg(locale.toString(c.sidelined));
    if (m_stale)
        color = Theme::staleTextColor();
    m_alarms->display(value, parts.join(u" · "_s), symbol, hollow, color);
}

void OverviewBar::render()
{
    qsizetype online = 0, offline = 0, suspended = 0, neverSeen = 0;
    for (const Device &d : std::as_const(m_devices)) {
        online += d.connection == Device::Connection::Online;
        offline += d.isUnexpectedlyOffline();
        suspended += d.status == Device::Status::Suspended;
        neverSeen += d.status == Device::Status::Provisioned && !d.lastSeenAt.isValid();
    }
    const QLocale locale;
    if (!m_hasDevices) {
        for (OverviewTile *tile : {m_total, m_online, m_offline, m_suspended, m_neverSeen})
            tile->setValue(u"–"_s, false, true);
    } else {
        m_total->setValue(locale.toString(m_devices.size()), false, m_stale);
        m_online->setValue(locale.toString(online), false, m_stale);
        m_offline->setValue(locale.toString(offline), offline > 0, m_stale);
        m_suspended->setValue(locale.toString(suspended), false, m_stale);
        m_neverSeen->setValue(locale.toString(neverSeen), false, m_stale);
    }

    const bool healthStale = m_stale || !m_healthStatus;
    if (m_ingestRate < 0)
        m_ingest->setValue(u"–"_s, false, true);
    else
        m_ingest->setValue(locale.toString(m_ingestRate, 'f', m_ingestRate < 10 ? 1 : 0), false, healthStale);
    if (!m_healthStatus || m_healthStatus->commandsOpen < 0)
        m_commands->setValue(u"–"_s, false, true);
    else
        m_commands->setValue(locale.toString(m_healthStatus->commandsOpen), false, healthStale);

    if (!m_healthStatus) {
        // "No data" is its own state, never "OK".
        if (m_healthProblem.isEmpty())
            m_health->setValue(u"–"_s, false, true);
        else
            m_health->setValue(tr("Unknown"), true, m_stale);
        // The reason can be long; the banner and this tooltip carry it.
        m_health->setToolTip(m_healthProblem);
        return;
    }
    m_health->setValue(m_healthStatus->summary(), m_healthStatus->isAbnormal(), m_stale);
    m_health->setToolTip(tr("Server version %1").arg(m_healthStatus->version));
}

QString OverviewBar::tileText(const QString &tile) const
{
    if (tile == u"alarms")
        return m_alarms->text();
    if (tile == u"alarmsDetail")
        return m_alarms->detail();
    const auto *t = findChild<OverviewTile *>(tile);
    return t ? t->text() : QString();
}

#include "overviewbar.moc"
