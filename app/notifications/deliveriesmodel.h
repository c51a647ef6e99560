#pragma once

#include "deliveryinfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

/// The delivery log, newest first.
class DeliveriesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, ChannelColumn, PurposeColumn, StatusColumn, AttemptsColumn, AnswerColumn, ColumnCount };
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit DeliveriesModel(QObject *parent = nullptr);

    void replaceAll(const QList<DeliveryInfo> &deliveries);
    /// Replaces the entry with the same id, or puts a new one first.
    void upsert(const DeliveryInfo &delivery);

    const QList<DeliveryInfo> &deliveries() const { return m_deliveries; }
    DeliveryInfo delivery(int row) const { return m_deliveries.value(row); }
    int rowOf(const QString &id) const;
    /// The newest entry of each channel.
    QHash<QString, DeliveryInfo> newestPerChannel() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<DeliveryInfo> m_deliveries;
};
