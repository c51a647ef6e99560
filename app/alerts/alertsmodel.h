#pragma once

#include "alertinfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <functional>

/// The alerts the view shows, one row each, kept current from the REST list and the live alert.changed events.
class AlertsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        PriorityColumn,
        StateColumn,
        DeviceColumn,
        SourceColumn,
        MessageColumn,
        ValueColumn,
        RaisedColumn,
        CountColumn,
        AssignedColumn,
        ConditionsColumn,
        ColumnCount
    };
    enum Role {
        AlertIdRole = Qt::UserRole + 1,
        SortRole,
        SeverityRole,
        UnacknowledgedRole,   ///< active or returned, not acknowledged: what the operator still has to look at
        SidelinedRole,        ///< shelved, suppressed or out of service
    };

    explicit AlertsModel(QObject *parent = nullptr);

    /// How a device id reads (name and serial number); the id itself when not set or unknown.
    void setDeviceNames(std::function<QString(const QString &)> names);
    void setUserNames(const QHash<QString, QString> &names);

    void replaceAll(const QList<AlertInfo> &alerts);
    struct Change
    {
        bool inserted = false;
        /// It became active now (a new alert, or raised again after it returned to normal) and nobody acknowledged it.
        bool raised = false;
    };
    /// Adds the alert or updates its row; an older state than the one shown is ignored.
    Change upsert(const AlertInfo &alert);
    void remove(const QString &alertId);
    void clear();

    int rowOf(const QString &alertId) const;
    const AlertInfo &alert(int row) const { return m_alerts.at(row); }
    const QList<AlertInfo> &alerts() const { return m_alerts; }

    /// The flashing of unacknowledged active alerts: the symbol is drawn hollow in the off phase.
    void setBlinkPhase(bool on);
    /// Device names changed (the fleet list was read again).
    void refreshDevices();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString deviceText(const QString &deviceId) const;

    QList<AlertInfo> m_alerts;
    QHash<QString, int> m_rows;
    std::function<QString(const QString &)> m_deviceNames;
    QHash<QString, QString> m_userNames;
    bool m_blinkOn = true;
};
