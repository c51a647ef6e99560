#include "logcategories.h"

Q_LOGGING_CATEGORY(lcAppConnection, "fleetdeck.app.connection")
Q_LOGGING_CATEGORY(lcAppTrust, "fleetdeck.app.trust")
Q_LOGGING_CATEGORY(lcAppFleet, "fleetdeck.app.fleet")
Q_LOGGING_CATEGORY(lcAppShell, "fleetdeck.app.shell")
Q_LOGGING_CATEGORY(lcAppSettings, "fleetdeck.app.settings")
