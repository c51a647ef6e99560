#pragma once

#include <QString>
#include <QStringList>
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
    QStringList openDevices;  ///< serial numbers or ids to open at start
    QString rule;             ///< a rule to open in the Rules tab at start (by name)
    QString backtestSerial;   ///< with rule: run its backtest on this device at start
    qint64 backtestSpanMs = 0; ///< the backtest's range (0: the editor's default, the last 24 hours)
    QString deviceTab;        ///< telemetry, commands or twin: the tab the last opened device shows
    QString view;             ///< the tab to show at start: fleet, alerts, alerts-kpis, rules, channels
    QString screenshotDir;    ///< grab windows into this folder, then quit
    int screenshotDelayMs = 4000;
};
