#include "alertsmodel.h"

#include "alertstyle.h"

#include <QFont>
#include <QLocale>

using namespace Qt::StringLiterals;

AlertsModel::AlertsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void AlertsModel::setDeviceNames(std::function<QString(const QString &)> names)
{
    m_deviceNames = std::move(names);
    refreshDevices();
}

void AlertsModel::setUserNames(const QHash<QString, QString> &names)
{
    m_userNames = names;
    if (!m_alerts.isEmpty())
        Q_EMIT dataChanged(index(0, AssignedColumn), index(int(m_alerts.size()) - 1, AssignedColumn));
}

void AlertsModel::refreshDevices()
{
    if (!m_alerts.isEmpty())
        Q_EMIT dataChanged(index(0, DeviceColumn), index(int(m_alerts.size()) - 1, DeviceColumn));
}

void AlertsModel::replaceAll(const QList<AlertInfo> &alerts)
{
    beginResetModel();
    m_alerts = alerts;
    m_rows.clear();
    for (int i = 0; i < m_alerts.size(); ++i)
        m_rows.insert(m_alerts.at(i).id, i);
    endResetModel();
}

AlertsModel::Change AlertsModel::upsert(const AlertInfo &alert)
{
    Change change;
    const auto it = m_rows.constFind(alert.id);
    if (it == m_rows.cend()) {
        const int row = int(m_alerts.size());
        beginInsertRows({}, row, row);
        m_alerts.append(alert);
        m_rows.insert(alert.id, row);
        endInsertRows();
        change.inserted = true;
        change.raised = alert.isUnacknowledgedActive();
        return change;
    }
    const int row = *it;
    AlertInfo &shown = m_alerts[row];
    // The REST answer to an action and the live event of the same change can arrive in either order.
    if (shown.updatedAt.isValid() && alert.updatedAt.isValid() && alert.updatedAt < shown.updatedAt)
        return change;
    change.raised = alert.isUnacknowledgedActive()
        && (!shown.active || alert.occurrences > shown.occurrences || shown.acknowledged);
    shown = alert;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    return change;
}

void AlertsModel::remove(const QString &alertId)
{
    const auto it = m_rows.constFind(alertId);
    if (it == m_rows.cend())
        return;
    const int row = *it;
    beginRemoveRows({}, row, row);
    m_alerts.removeAt(row);
    m_rows.remove(alertId);
    for (int i = row; i < m_alerts.size(); ++i)
        m_rows[m_alerts.at(i).id] = i;
    endRemoveRows();
}

void AlertsModel::clear()
{
    replaceAll({});
}

int AlertsModel::rowOf(const QString &alertId) const
{
    return m_rows.value(alertId, -1);
}

void AlertsModel::setBlinkPhase(bool on)
{
    if (on == m_blinkOn)
        return;
    m_blinkOn = on;
    for (int row = 0; row < m_alerts.size(); ++row)
        if (m_alerts.at(row).isUnacknowledgedActive())
            Q_EMIT dataChanged(index(row, PriorityColumn), index(row, PriorityColumn), {Qt::DecorationRole});
}

int AlertsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

int AlertsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertsModel::deviceText(const QString &deviceId) const
{
    const QString name = m_deviceNames ? m_deviceNames(deviceId) : QString();
    return name.isEmpty() ? deviceId : name;
}

QVariant AlertsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_alerts.size())
        return {};
    const AlertInfo &a = m_alerts.at(index.row());
    const QLocale locale;
    switch (role) {
    case AlertIdRole:
        return a.id;
    case SeverityRole:
        return int(a.severity);
    case UnacknowledgedRole:
        return !a.acknowledged && !a.closed;
    case SidelinedRole:
        return a.isSidelined();
    case Qt::DisplayRole:
        switch (index.column()) {
        case PriorityColumn: return AlertInfo::severityLabel(a.severity);
        case StateColumn: return a.stateLabel();
        case DeviceColumn: return deviceText(a.deviceId);
        case SourceColumn: return a.sourceLabel();
        case MessageColumn: return a.message;
        case ValueColumn:
            if (!a.hasValue)
                return QString();
            return a.metric.isEmpty() ? locale.toString(a.value, 'g', 6)
                                      : u"%1 = %2"_s.arg(a.metric, locale.toString(a.value, 'g', 6));
        case RaisedColumn:
            return locale.toString(a.lastRaisedAt.toLocalTime(), QLocale::ShortFormat);
        case CountColumn: return a.occurrences;
        case AssignedColumn:
            return a.assignedTo.isEmpty() ? QString() : m_userNames.value(a.assignedTo, a.assignedTo.left(8));
        case ConditionsColumn: return a.conditionsLabel();
        }
        break;
    case SortRole:
        switch (index.column()) {
        case PriorityColumn:
            // What needs the operator first: unacknowledged active, then by priority, then the newest.
            return QString::asprintf("%d%d%d%015lld", a.isUnacknowledgedActive() ? 0 : 1, a.isSidelined() ? 1 : 0,
                                     int(a.severity), 999999999999999LL - a.lastRaisedAt.toMSecsSinceEpoch());
        case StateColumn:
            return (a.closed ? 3 : 0) + (a.active ? 0 : 1) + (a.acknowledged ? 1 : 0);
        case RaisedColumn: return a.lastRaisedAt.toMSecsSinceEpoch();
        case CountColumn: return a.occurrences;
        case ValueColumn: return a.hasValue ? a.value : -1e300;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::DecorationRole:
        if (index.column() == PriorityColumn)
            return AlertStyle::symbol(a.severity,
                                      (a.isUnacknowledgedActive() && !m_blinkOn) || !a.active || a.isSidelined());
        break;
    case Qt::ForegroundRole:
        // Grey is normal: an alert that returned to normal, or one set aside, reads muted.
        if (!a.active || a.isSidelined())
            return QColor(0x80, 0x84, 0x8a);
        if (index.column() == PriorityColumn)
            return AlertStyle::color(a.severity);
        break;
    case Qt::FontRole:
        if (a.isUnacknowledgedActive() && (index.column() == StateColumn || index.column() == PriorityColumn)) {
            QFont f;
            f.setBold(true);
            return f;
        }
        break;
    case Qt::ToolTipRole: {
        QStringList lines{a.message};
        lines << tr("First raised %1; occurrences: %2")
                     .arg(locale.toString(a.raisedAt.toLocalTime(), QLocale::ShortFormat))
                     .arg(a.occurrences);
        if (a.acknowledged && !a.acknowledgedBy.isEmpty())
            lines << tr("Acknowledged by %1: %2").arg(a.acknowledgedBy, a.acknowledgeNote);
        if (a.shelved && !a.shelveNote.isEmpty())
            lines << tr("Shelved by %1: %2").arg(a.shelvedBy, a.shelveNote);
        if (!a.conditionsLabel().isEmpty())
            lines << a.conditionsLabel();
        return lines.join(u'\n');
    }
    case Qt::TextAlignmentRole:
        if (index.column() == CountColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    }
    return {};
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PriorityColumn: return tr("Priority");
    case StateColumn: return tr("State");
    case DeviceColumn: return tr("Device");
    case SourceColumn: return tr("Rule / check");
    case MessageColumn: return tr("Message");
    case ValueColumn: return tr("Value");
    case RaisedColumn: return tr("Last raised");
    case CountColumn: return tr("Count");
    case AssignedColumn: return tr("Assigned to");
    case ConditionsColumn: return tr("Shelved / suppressed");
    }
    return {};
}
