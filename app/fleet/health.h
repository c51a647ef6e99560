#pragma once

#include <QJsonDocument>
#include <QString>

/// The server's own health, from GET /v1/health.
struct HealthStatus
{
    bool ok = false;            ///< status == "ok"
    QString status;             ///< "ok", "degraded", ... as sent
    QString databaseStatus;     ///< "up", "down", ... (empty if not reported)
    QString brokerStatus;       ///< "connected", "disconnected", ...
    QString version;
    QString webSocketUrl;       ///< the live API, "wss://host:port/v1/ws"; empty when the server has none
    qint64 storedReadings = -1; ///< telemetry readings stored since the server started; -1 if not reported
    qint64 commandsOpen = -1;   ///< commands queued or in flight; -1 if not reported

    bool databaseUp() const { return databaseStatus == QLatin1String("up"); }
    bool brokerConnected() const { return brokerStatus == QLatin1String("connected"); }
    /// Anything a person should look at: not ok, or a component reported as not up.
    bool isAbnormal() const
    {
        return !ok || (!databaseStatus.isEmpty() && !databaseUp()) || (!brokerStatus.isEmpty() && !brokerConnected());
    }
    /// Short user-facing text: "Server OK" or "Server degraded: database down, broker ...".
    QString summary() const;
};

std::optional<HealthStatus> parseHealth(const QJsonDocument &document);
