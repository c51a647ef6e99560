#include "channelsmodel.h"

#include "base/theme.h"

#include <QLocale>

using namespace Qt::StringLiterals;

ChannelsModel::ChannelsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ChannelsModel::replaceAll(const QList<ChannelInfo> &channels)
{
    beginResetModel();
    m_channels = channels;
    endResetModel();
}

void ChannelsModel::upsert(const ChannelInfo &channel)
{
    if (const int row = rowOf(channel.id); row >= 0) {
        m_channels[row] = channel;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, int(m_channels.size()), int(m_channels.size()));
    m_channels.append(channel);
    endInsertRows();
}

void ChannelsModel::remove(const QString &id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_channels.removeAt(row);
    endRemoveRows();
}

void ChannelsModel::setLastDeliveries(const QHash<QString, DeliveryInfo> &last)
{
    m_last = last;
    if (!m_channels.isEmpty())
        Q_EMIT dataChanged(index(0, LastDeliveryColumn), index(int(m_channels.size()) - 1, LastDeliveryColumn));
}

int ChannelsModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_channels.size(); ++i)
        if (m_channels.at(i).id == id)
            return i;
    return -1;
}

QString ChannelsModel::nameOf(const QString &id) const
{
    const int row = rowOf(id);
    return row < 0 ? id.left(8) : m_channels.at(row).name;
}

int ChannelsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_channels.size());
}

int ChannelsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChannelsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_channels.size())
        return {};
    const ChannelInfo &c = m_channels.at(index.row());
    const auto last = m_last.constFind(c.id);
    const bool hasLast = last != m_last.cend();
    if (role == IdRole)
        return c.id;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn: return c.name;
        case KindColumn: return ChannelInfo::kindLabel(c.kind);
        case ActiveColumn: return c.active ? tr("Active") : tr("Switched off");
        case TargetColumn: return c.target();
        case LastDeliveryColumn:
            if (!hasLast)
                return tr("None yet");
            return tr("%1 – %2").arg(QLocale().toString(last->createdAt.toLocalTime(), QLocale::ShortFormat), last->outcome());
        default: break;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == LastDeliveryColumn && hasLast)
        return tr("%1\nAttempts: %2\nAnswer: %3").arg(last->purpose()).arg(last->attempts).arg(last->answer());
    if (role == Qt::ForegroundRole) {
        // Grey is normal: only a channel that is switched off or whose last delivery failed stands out.
        if (index.column() == ActiveColumn && !c.active)
            return Theme::staleTextColor();
        if (index.column() == LastDeliveryColumn && hasLast && last->troubled())
            return Theme::warningColor();
    }
    return {};
}

QVariant ChannelsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case KindColumn: return tr("Kind");
    case ActiveColumn: return tr("State");
    case TargetColumn: return tr("Sends to");
    case LastDeliveryColumn: return tr("Last delivery");
    default: break;
    }
    return {};
}
