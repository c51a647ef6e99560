#include "deliveriesmodel.h"

#include "base/theme.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace {

QString when(const QDateTime &t)
{
    if (!t.isValid())
        return {};
    const QDateTime local = t.toLocalTime();
    const QLocale locale;
    // Seconds matter here: a test message is sent and answered within one minute.
    return locale.toString(local.date(), QLocale::ShortFormat) + u' ' + locale.toString(local.time(), u"HH:mm:ss"_s);
}

} // namespace

DeliveriesModel::DeliveriesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void DeliveriesModel::replaceAll(const QList<DeliveryInfo> &deliveries)
{
    beginResetModel();
    m_deliveries = deliveries;
    endResetModel();
}

void DeliveriesModel::upsert(const DeliveryInfo &delivery)
{
    if (const int row = rowOf(delivery.id); row >= 0) {
        m_deliveries[row] = delivery;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, 0, 0);
    m_deliveries.prepend(delivery);
    endInsertRows();
}

int DeliveriesModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_deliveries.size(); ++i)
        if (m_deliveries.at(i).id == id)
            return i;
    return -1;
}

QHash<QString, DeliveryInfo> DeliveriesModel::newestPerChannel() const
{
    QHash<QString, DeliveryInfo> out;
    for (const DeliveryInfo &d : m_deliveries) {
        const auto it = out.constFind(d.channelId);
        if (it == out.cend() || it->createdAt < d.createdAt)
            out.insert(d.channelId, d);
    }
    return out;
}

int DeliveriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_deliveries.size());
}

int DeliveriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeliveriesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_deliveries.size())
        return {};
    const DeliveryInfo &d = m_deliveries.at(index.row());
    if (role == IdRole)
        return d.id;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TimeColumn: return when(d.createdAt);
        case ChannelColumn: return d.recipient.isEmpty() ? d.channelName : tr("%1 → %2").arg(d.channelName, d.recipient);
        case PurposeColumn: return d.purpose();
        case StatusColumn: return d.outcome();
        case AttemptsColumn: return d.attempts;
        case AnswerColumn: return d.answer();
        default: break;
        }
    }
    if (role == Qt::ToolTipRole) {
        QStringList lines;
        if (!d.subject.isEmpty())
            lines << d.subject;
        lines << tr("Status: %1").arg(d.outcome());
        if (d.lastAttemptAt.isValid())
            lines << tr("Last try: %1").arg(when(d.lastAttemptAt));
        if (d.deliveredAt.isValid())
            lines << tr("Delivered: %1").arg(when(d.deliveredAt));
        if (!d.answer().isEmpty())
            lines << tr("Answer: %1").arg(d.answer());
        lines << tr("Delivery id: %1").arg(d.id);
        return lines.join(u'\n');
    }
    if (role == Qt::ForegroundRole && index.column() == StatusColumn && d.troubled())
        return Theme::warningColor();
    if (role == Qt::TextAlignmentRole && index.column() == AttemptsColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant DeliveriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn: return tr("Time");
    case ChannelColumn: return tr("Channel");
    case PurposeColumn: return tr("For");
    case StatusColumn: return tr("Status");
    case AttemptsColumn: return tr("Attempts");
    case AnswerColumn: return tr("Answer");
    default: break;
    }
    return {};
}
