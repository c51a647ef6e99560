#pragma once

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <expected>

/// One device as listed by GET /v1/devices.
struct Device
{
    enum class Status { Provisioned, Active, Suspended, Decommissioned, Unknown };
    enum class Connection { Online, Offline, Unknown };

    QString deviceId;
    QString tenantId;
    QString serialNumber;
    QString deviceType;
    QString name;
    Status status = Status::Unknown;
    QString statusText;         ///< as sent, kept for unknown future values
    Connection connection = Connection::Unknown;
    QDateTime lastSeenAt;       ///< invalid: never seen
    QString firmwareVersion;    ///< empty: unknown
    QStringList tags;
    QJsonObject metadata;
    QDateTime createdAt;

    /// Lower-case text of every searchable field, built once so filtering 100k rows
    /// does not format anything.
    QString searchText;

    /// Offline while it is supposed to be in service: the abnormal case.
    bool isUnexpectedlyOffline() const
    {
        return connection == Connection::Offline && status == Status::Active;
    }

    void buildSearchText();
};

struct DevicePage
{
    QList<Device> items;
    QString nextCursor;   ///< empty on the last page
    int skipped = 0;      ///< malformed items left out
};

Device::Status deviceStatusFromString(const QString &s);
QString deviceStatusKey(Device::Status status);
Device::Connection deviceConnectionFromString(const QString &s);

std::expected<Device, QString> parseDevice(const QJsonObject &object);
std::expected<DevicePage, QString> parseDevicePage(const QJsonDocument &document);
