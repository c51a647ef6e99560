#pragma once

#include "alerts/alert.h"
#include "devices/devicedirectory.h"
#include "telemetry/telemetrytypes.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QString>

namespace Fleetdeck {

/// A device's connection, as the registry stored it from the device's status message.
struct ConnectionEvent
{
    QString deviceId;
    bool online = false;
    /// A retained status the broker replayed when the server's link (re)subscribed: the last known state, not a
    /// change that happened now.
    bool replayed = false;
    QString firmwareVersion; ///< empty when the device did not say
    qint64 atMs = 0;
};

/// The server's one in-process event stream. Every event is published after what it reports is stored (committed),
/// by the one owner of that fact; consumers (the live API, telemetry, commands, and the rule engine and rollouts
/// to come) subscribe here instead of to each other or to the broker's raw messages.
///
/// | event | owner | when |
/// |---|---|---|
/// | connectionChanged | DevicePresence (devices/) | a status message stored (decoded once, there) |
/// | deviceChanged | DeviceService | a registry record changed: registered, updated, suspended, resumed, decommissioned, first connection |
/// | readingsCommitted | TelemetryIngest | after the COMMIT of a batch, per device |
/// | commandChanged | CommandService | after the COMMIT of a command's new state |
/// | alertChanged | AlertService (alerts/) | after the COMMIT of an alert's change and its history entry |
class EventBus : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

Q_SIGNALS:
    void connectionChanged(const Fleetdeck::ConnectionEvent &event);
    /// The device as the registry now holds it (its directory entry), after the commit.
    void deviceChanged(const Fleetdeck::DeviceSummary &device);
    void readingsCommitted(const QString &deviceId, const QHash<QString, Fleetdeck::LatestValue> &values);
    void commandChanged(const QString &commandId, const QString &deviceId, const QString &status);
    void alertChanged(const Fleetdeck::Alert &alert);
};

} // namespace Fleetdeck
