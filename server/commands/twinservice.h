#pragma once

#include "auth/principal.h"
#include "commands/commandtypes.h"
#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>

namespace Fleetdeck {
class DeviceDirectory;
struct DeviceSummary;
struct ConnectionEvent;
class ICommandTransport;

namespace Storage { class Database; }

/// The device twin: the desired configuration (versioned, set over REST, retained to the device) and the one the
/// device reports, with their delta. Shares the broker side (ICommandTransport) with the commands.
class TwinService : public QObject
{
    Q_OBJECT
public:
    TwinService(Storage::Database &db, ICommandTransport &transport, const DeviceDirectory &devices, QObject *parent = nullptr);

    [[nodiscard]] Result<TwinConfig> config(const Principal &who, const QString &deviceId);
    /// A new desired version from a request body ({"desired": {...}, "version": the version it is based on}),
    /// checked as the API answers it; retained to the device. Answers the twin after the change.
    [[nodiscard]] Result<TwinConfig> setConfig(const Principal &who, const QString &deviceId, const QJsonObject &body);

    // From the broker
    void handleReported(const QString &deviceId, const QByteArray &payload);
    /// A device's connection, stored by the registry: a live "online" (not one the broker replayed) gets the
    /// desired configuration again when the device has not reported that version yet.
    void onConnection(const Fleetdeck::ConnectionEvent &e);
    /// The registry changed a device: a decommissioned one loses its retained desired configuration.
    void refreshDevice(const Fleetdeck::DeviceSummary &device);

    /// Its counters, for the "commands" section of the health document.
    QJsonObject health() const;

private:
    void sendDesiredIfBehind(const QString &deviceId);
    Result<QString> tenantOfDevice(const QString &deviceId);

    Storage::Database &m_db;
    ICommandTransport &m_transport;
    const DeviceDirectory &m_directory;
    qint64 m_rejectedReports = 0;
};

} // namespace Fleetdeck
