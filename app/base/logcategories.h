#pragma once

#include <QLoggingCategory>

// One category per area of the console, named fleetdeck.app.<area>.
Q_DECLARE_LOGGING_CATEGORY(lcAppConnection)
Q_DECLARE_LOGGING_CATEGORY(lcAppTrust)
Q_DECLARE_LOGGING_CATEGORY(lcAppFleet)
Q_DECLARE_LOGGING_CATEGORY(lcAppShell)
Q_DECLARE_LOGGING_CATEGORY(lcAppSettings)
