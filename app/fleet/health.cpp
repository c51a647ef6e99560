#include "health.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QStringList>

using namespace Qt::StringLiterals;

std::optional<HealthStatus> parseHealth(const QJsonDocument &document)
{
    if (!document.isObject())
        return std::nullopt;
    const QJsonObject o = document.object();
    if (!o.value(u"status"_s).isString())
        return std::nullopt;
    HealthStatus h;
    h.status = o.value(u"status"_s).toString();
    h.ok = h.status == u"ok";
    h.databaseStatus = o.value(u"database"_s).toObject().value(u"status"_s).toString();
    h.brokerStatus = o.value(u"broker"_s).toObject().value(u"status"_s).toString();
    h.version = o.value(u"version"_s).toString();
    h.webSocketUrl = o.value(u"websocket"_s).toObject().value(u"url"_s).toString();
    const QJsonValue stored = o.value(u"telemetry"_s).toObject().value(u"stored_readings"_s);
    if (stored.isDouble())
        h.storedReadings = stored.toInteger();
    const QJsonValue open = o.value(u"commands"_s).toObject().value(u"open"_s);
    if (open.isDouble())
        h.commandsOpen = open.toInteger();
    return h;
}

namespace {

// Known states are translated; anything newer the server invents is shown as sent.
QString stateWord(const QString &state)
{
    if (state == u"up")
        return QCoreApplication::translate("HealthStatus", "up");
    if (state == u"down")
        return QCoreApplication::translate("HealthStatus", "down");
    if (state == u"connected")
        return QCoreApplication::translate("HealthStatus", "connected");
    if (state == u"connecting")
        return QCoreApplication::translate("HealthStatus", "connecting");
    if (state == u"disconnected")
        return QCoreApplication::translate("HealthStatus", "disconnected");
    if (state == u"ok")
        return QCoreApplication::translate("HealthStatus", "OK");
    if (state == u"degraded")
        return QCoreApplication::translate("HealthStatus", "degraded");
    return state;
}

} // namespace

QString HealthStatus::summary() const
{
    QStringList problems;
    if (!databaseStatus.isEmpty() && !databaseUp())
        problems << QCoreApplication::translate("HealthStatus", "database %1").arg(stateWord(databaseStatus));
    if (!brokerStatus.isEmpty() && !brokerConnected())
        problems << QCoreApplication::translate("HealthStatus", "broker %1").arg(stateWord(brokerStatus));
    if (ok && problems.isEmpty())
        return QCoreApplication::translate("HealthStatus", "Server OK");
    if (problems.isEmpty())
        return QCoreApplication::translate("HealthStatus", "Server %1").arg(stateWord(status));
    return QCoreApplication::translate("HealthStatus", "Server %1: %2").arg(stateWord(status), problems.join(u", "_s));
}
