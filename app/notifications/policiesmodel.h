#pragma once

#include "policyinfo.h"

#include <QAbstractTableModel>
#include <QList>

#include <functional>

/// The organisation's notification policies.
class PoliciesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, AlertsColumn, EventsColumn, ChannelsColumn, QuietHoursColumn, ColumnCount };
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit PoliciesModel(QObject *parent = nullptr);

    /// How a channel id reads (its name).
    void setChannelNames(std::function<QString(const QString &)> names);
    void refreshChannelNames();

    void replaceAll(const QList<PolicyInfo> &policies);
    void upsert(const PolicyInfo &policy);
    void remove(const QString &id);

    const QList<PolicyInfo> &policies() const { return m_policies; }
    PolicyInfo policy(int row) const { return m_policies.value(row); }
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<PolicyInfo> m_policies;
    std::function<QString(const QString &)> m_channelName;
};
