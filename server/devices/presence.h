#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtCore/QString>

namespace Fleetdeck {

class DeviceService;
class EventBus;

/// The one owner of device presence: decodes each device's status message once (the device's own or its will),
/// has the registry store it, and only then publishes EventBus::connectionChanged. Nothing else reads status
/// messages; malformed ones are counted and logged here at a limited rate.
class DevicePresence : public QObject
{
    Q_OBJECT
public:
    DevicePresence(DeviceService &devices, EventBus &bus, QObject *parent = nullptr);

    /// A status message from the broker (BrokerLink::statusMessage).
    void handleStatusMessage(const QString &deviceId, const QByteArray &payload, bool retained);
    /// Status messages refused as malformed since start.
    qint64 rejected() const { return m_rejected; }
    /// Status messages stored but not published because the database refused them.
    qint64 unstored() const { return m_unstored; }

private:
    DeviceService &m_devices;
    EventBus &m_bus;
    qint64 m_rejected = 0;
    qint64 m_unstored = 0;
};

} // namespace Fleetdeck
