#include "devices/presence.h"

#include "devices/deviceservice.h"
#include "events/eventbus.h"
#include "protocol/messages.h"

#include <QtCore/QDateTime>
#include <QtCore/QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcDevices)

namespace Fleetdeck {

DevicePresence::DevicePresence(DeviceService &devices, EventBus &bus, QObject *parent) : QObject(parent), m_devices(devices), m_bus(bus) {}

void DevicePresence::handleStatusMessage(const QString &deviceId, const QByteArray &payload, bool retained)
{
    if (payload.isEmpty())
        return; // a cleared retained message
    auto status = Messages::decodeStatus(payload);
    if (!status) {
        // Counted always, logged rate-limited: a misbehaving device must not flood the log.
        ++m_rejected;
        if (m_rejected <= 10 || m_rejected % 1000 == 0)
            qCWarning(lcDevices) << "rejected status message from" << deviceId << ":" << status.error().message
                                 << QStringLiteral("(%1 rejected so far)").arg(m_rejected);
        return;
    }
    auto stored = m_devices.recordStatus(deviceId, *status, retained);
    if (!stored) {
        ++m_unstored;
        qCWarning(lcDevices) << "status of" << deviceId << "not stored:" << stored.error().message;
        return;
    }
    if (!*stored)
        return; // suspended, decommissioned or unknown: it stays offline, nothing changed
    ConnectionEvent e;
    e.deviceId = deviceId;
    e.online = status->state == Messages::DeviceStatus::State::Online;
    e.replayed = retained;
    e.firmwareVersion = status->firmwareVersion;
    e.atMs = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT m_bus.connectionChanged(e);
}

} // namespace Fleetdeck
