#pragma once

#include "device.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>

/// The fleet as a table, one row per device.
///
/// Besides display text each cell offers SortRole (a raw comparable value) and the
/// model as a whole can be marked stale: then every cell renders in the stale colour and
/// abnormal-state colours are muted, so a frozen table never looks live.
class FleetModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { StatusColumn, ConnectionColumn, NameColumn, SerialColumn, TypeColumn, FirmwareColumn,
                  LastSeenColumn, TenantColumn, TagsColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, DeviceIdRole, AbnormalRole };

    explicit FleetModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Replaces the content. When the devices are the same ones in the same order (the
    /// usual poll) rows are updated in place so selection and scroll position survive.
    void setDevices(QList<Device> devices);
    const QList<Device> &devices() const { return m_devices; }
    const Device &device(int row) const { return m_devices.at(row); }
    /// The row of a device, -1 if it is not in the model.
    int rowOf(const QString &deviceId) const { return m_rowById.value(deviceId, -1); }

    /// Live updates of one device (WebSocket events); false when the device is not in the model, so the caller
    /// can reload the list.
    bool applyConnection(const QString &deviceId, bool online, const QDateTime &at, const QString &firmwareVersion);
    bool applyStatus(const QString &deviceId, const QString &status, const QString &connection);
    /// One device as the server sent it: replaces its row, or appends it (a new registration).
    void upsertDevice(Device device);

    void setStale(bool stale);
    bool isStale() const { return m_stale; }

    /// Text shown for a status / connection, translated.
    static QString statusLabel(Device::Status status, const QString &raw);
    static QString connectionLabel(Device::Connection connection);

private:
    QVariant displayData(const Device &d, int column) const;
    QVariant sortData(const Device &d, int column) const;
    bool isAbnormal(const Device &d, int column) const;

    void changed(int row);
    void reindex();

    QList<Device> m_devices;
    QHash<QString, int> m_rowById;
    bool m_stale = false;
    QIcon m_warningIcon;
};
