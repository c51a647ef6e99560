#pragma once

#include "channelinfo.h"
#include "deliveryinfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

/// The organisation's notification channels, with the outcome of each one's newest delivery in the log.
class ChannelsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, KindColumn, ActiveColumn, TargetColumn, LastDeliveryColumn, ColumnCount };
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit ChannelsModel(QObject *parent = nullptr);

    void replaceAll(const QList<ChannelInfo> &channels);
    void upsert(const ChannelInfo &channel);
    void remove(const QString &id);
    /// The newest delivery per channel id (from the delivery log).
    void setLastDeliveries(const QHash<QString, DeliveryInfo> &last);

    const QList<ChannelInfo> &channels() const { return m_channels; }
    ChannelInfo channel(int row) const { return m_channels.value(row); }
    int rowOf(const QString &id) const;
    QString nameOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<ChannelInfo> m_channels;
    QHash<QString, DeliveryInfo> m_last;
};
