#include "fleetmodel.h"

#include "base/theme.h"

#include <QApplication>
#include <QLocale>
#include <QStyle>

using namespace Qt::StringLiterals;

FleetModel::FleetModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    if (qobject_cast<QApplication *>(QCoreApplication::instance())) {
        m_warningIcon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    }
}

int FleetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_devices.size());
}

int FleetModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString FleetModel::statusLabel(Device::Status status, const QString &raw)
{
    switch (status) {
    case Device::Status::Provisioned: return tr("Provisioned");
    case Device::Status::Active: return tr("Active");
    case Device::Status::Suspended: return tr("Suspended");
    case Device::Status::Decommissioned: return tr("Decommissioned");
    case Device::Status::Unknown: break;
    }
    return raw.isEmpty() ? tr("Unknown") : raw;
}

QString FleetModel::connectionLabel(Device::Connection connection)
{
    switch (connection) {
    case Device::Connection::Online: return tr("Online");
    case Device::Connection::Offline: return tr("Offline");
    case Device::Connection::Unknown: break;
    }
    return tr("Unknown");
}

// Suspended and decommissioned are deliberate administrative states, so they stay grey;
// an active device that is not connected is the abnormal case.
bool FleetModel::isAbnormal(const Device &d, int column) const
{
    if (column == ConnectionColumn)
        return d.isUnexpectedlyOffline();
    return false;
}

QVariant FleetModel::displayData(const Device &d, int column) const
{
    switch (column) {
    case StatusColumn: return statusLabel(d.status, d.statusText);
    case ConnectionColumn: return connectionLabel(d.connection);
    case NameColumn: return d.name;
    case SerialColumn: return d.serialNumber;
    case TypeColumn: return d.deviceType;
    case FirmwareColumn: return d.firmwareVersion.isEmpty() ? tr("unknown") : d.firmwareVersion;
    case LastSeenColumn: {
        if (!d.lastSeenAt.isValid())
            return tr("never");
        const QDateTime local = d.lastSeenAt.toLocalTime();
        if (local.date() == QDate::currentDate())
            return local.toString(u"HH:mm:ss");
        return local.toString(u"yyyy-MM-dd HH:mm");
    }
    case TagsColumn: return d.tags.join(u", "_s);
    case TenantColumn: return d.tenantId;
    default: return {};
    }
}

QVariant FleetModel::sortData(const Device &d, int column) const
{
    switch (column) {
    case StatusColumn: return int(d.status);
    case ConnectionColumn: return int(d.connection);
    case LastSeenColumn:
        // Never-seen devices sort as the oldest.
        return d.lastSeenAt.isValid() ? d.lastSeenAt.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
    default: return displayData(d, column);
    }
}

QVariant FleetModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_devices.size())
        return {};
    const Device &d = m_devices.at(index.row());
    const int column = index.column();

    switch (role) {
    case Qt::DisplayRole:
        return displayData(d, column);
    case SortRole:
        return sortData(d, column);
    case DeviceIdRole:
        return d.deviceId;
    case AbnormalRole:
        return isAbnormal(d, column);
    case Qt::DecorationRole:
        if (column == ConnectionColumn && d.isUnexpectedlyOffline())
            return m_warningIcon;
        return {};
    case Qt::ForegroundRole:
        if (m_stale)
            return Theme::staleTextColor();
        if (isAbnormal(d, column))
            return Theme::warningColor();
        if (d.status == Device::Status::Decommissioned)
            return Theme::staleTextColor();
        return {};
    case Qt::ToolTipRole:
        if (column == LastSeenColumn && d.lastSeenAt.isValid())
            return QLocale().toString(d.lastSeenAt.toLocalTime(), QLocale::LongFormat);
        if (column == ConnectionColumn && d.isUnexpectedlyOffline())
            return tr("Active device that is not connected");
        if (column == NameColumn)
            return tr("Device ID: %1").arg(d.deviceId);
        return {};
    default:
        return {};
    }
}

QVariant FleetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StatusColumn: return tr("Status");
    case ConnectionColumn: return tr("Connection");
    case NameColumn: return tr("Name");
    case SerialColumn: return tr("Serial number");
    case TypeColumn: return tr("Type");
    case FirmwareColumn: return tr("Firmware");
    case LastSeenColumn: return tr("Last seen");
    case TagsColumn: return tr("Tags");
    case TenantColumn: return tr("Tenant");
    default: return {};
    }
}

void FleetModel::setDevices(QList<Device> devices)
{
    const bool sameRows = devices.size() == m_devices.size()
        && std::ranges::equal(devices, m_devices,
                              [](const Device &a, const Device &b) { return a.deviceId == b.deviceId; });
    if (sameRows) {
        m_devices = std::move(devices);
        if (!m_devices.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_devices = std::move(devices);
    reindex();
    endResetModel();
}

void FleetModel::reindex()
{
    m_rowById.clear();
    m_rowById.reserve(m_devices.size());
    for (int i = 0; i < m_devices.size(); ++i)
        m_rowById.insert(m_devices[i].deviceId, i);
}

void FleetModel::changed(int row)
{
    m_devices[row].buildSearchText();
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

bool FleetModel::applyConnection(const QString &deviceId, bool online, const QDateTime &at,
                                 const QString &firmwareVersion)
{
    const int row = rowOf(deviceId);
    if (row < 0)
        return false;
    Device &d = m_devices[row];
    d.connection = online ? Device::Connection::Online : Device::Connection::Offline;
    if (at.isValid() && (!d.lastSeenAt.isValid() || at > d.lastSeenAt))
        d.lastSeenAt = at;
    if (!firmwareVersion.isEmpty())
        d.firmwareVersion = firmwareVersion;
    // The server makes a provisioned device active at its first connection and says so in device.changed.
    changed(row);
    return true;
}

void FleetModel::upsertDevice(Device device)
{
    const int row = rowOf(device.deviceId);
    if (row >= 0) {
        m_devices[row] = std::move(device);
        changed(row);
        return;
    }
    const int at = int(m_devices.size());
    beginInsertRows({}, at, at);
    m_rowById.insert(device.deviceId, at);
    m_devices.append(std::move(device));
    m_devices.last().buildSearchText();
    endInsertRows();
}

bool FleetModel::applyStatus(const QString &deviceId, const QString &status, const QString &connection)
{
    const int row = rowOf(deviceId);
    if (row < 0)
        return false;
    Device &d = m_devices[row];
    if (!status.isEmpty()) {
        d.status = deviceStatusFromString(status);
        d.statusText = status;
    }
    if (!connection.isEmpty())
        d.connection = deviceConnectionFromString(connection);
    changed(row);
    return true;
}

void FleetModel::setStale(bool stale)
{
    if (stale == m_stale)
        return;
    m_stale = stale;
    if (!m_devices.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::ForegroundRole});
}
