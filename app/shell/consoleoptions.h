#pragma once

#include <QString>
#include <QUrl>

/// The command line, parsed once in main.cpp.
struct ConsoleOptions
{
    bool kiosk = false;
    QString theme;            ///< "" = from settings
    QString language;         ///< "" = from settings / system locale
    QUrl server;              ///< preselected server (also FLEETDECK_SERVER)
    QString email;            ///< FLEETDECK_EMAIL
    QString password;         ///< FLEETDECK_PASSWORD; never from the command line
    QString caFile;           ///< PEM of the platform CA to trust for server (pre-provisioning)
    bool autoConnect = false; ///< press Connect at start-up when the form is complete
    QString screenshotDir;    ///< grab windows into this folder, then quit
    int screenshotDelayMs = 4000;
};
