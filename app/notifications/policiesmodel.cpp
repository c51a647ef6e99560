#include "policiesmodel.h"

#include "base/theme.h"

using namespace Qt::StringLiterals;

PoliciesModel::PoliciesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PoliciesModel::setChannelNames(std::function<QString(const QString &)> names)
{
    m_channelName = std::move(names);
    refreshChannelNames();
}

void PoliciesModel::refreshChannelNames()
{
    if (!m_policies.isEmpty())
        Q_EMIT dataChanged(index(0, ChannelsColumn), index(int(m_policies.size()) - 1, ChannelsColumn));
}

void PoliciesModel::replaceAll(const QList<PolicyInfo> &policies)
{
    beginResetModel();
    m_policies = policies;
    endResetModel();
}

void PoliciesModel::upsert(const PolicyInfo &policy)
{
    if (const int row = rowOf(policy.id); row >= 0) {
        m_policies[row] = policy;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, int(m_policies.size()), int(m_policies.size()));
    m_policies.append(policy);
    endInsertRows();
}

void PoliciesModel::remove(const QString &id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_policies.removeAt(row);
    endRemoveRows();
}

int PoliciesModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_policies.size(); ++i)
        if (m_policies.at(i).id == id)
            return i;
    return -1;
}

int PoliciesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_policies.size());
}

int PoliciesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PoliciesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_policies.size())
        return {};
    const PolicyInfo &p = m_policies.at(index.row());
    if (role == IdRole)
        return p.id;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn: return p.active ? p.name : tr("%1 (switched off)").arg(p.name);
        case AlertsColumn: return p.alertsText();
        case EventsColumn: return p.eventsText();
        case ChannelsColumn: {
            QStringList names;
            for (const QString &id : p.channelIds)
                names << (m_channelName ? m_channelName(id) : id);
            QString text = names.join(u", "_s);
            if (p.escalationSteps > 0)
                text += u"; "_s + tr("%n escalation step(s)", nullptr, p.escalationSteps);
            return text;
        }
        case QuietHoursColumn: return p.quietHoursText();
        default: break;
        }
    }
    if (role == Qt::ForegroundRole && !p.active)
        return Theme::staleTextColor();
    return {};
}

QVariant PoliciesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Policy");
    case AlertsColumn: return tr("Alerts");
    case EventsColumn: return tr("Changes");
    case ChannelsColumn: return tr("Channels");
    case QuietHoursColumn: return tr("Quiet hours");
    default: break;
    }
    return {};
}
