#pragma once

#include <QtCore/QString>

namespace Fleetdeck {

/// What the device registry needs from the broker side. The real one is the server's broker link; tests can
/// record calls instead.
class IBrokerControl
{
public:
    virtual ~IBrokerControl() = default;
    /// Disconnects the device now and refuses it everything until unblocked.
    virtual void setDeviceBlocked(const QString &deviceId, bool blocked) = 0;
    /// Clears the retained status message of a device (after decommission).
    virtual void clearRetainedStatus(const QString &deviceId) = 0;
    /// The certificate revocation list changed on disk.
    virtual void revocationListChanged() = 0;
};

} // namespace Fleetdeck
