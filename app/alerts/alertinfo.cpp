#include "alertinfo.h"

#include <QJsonValue>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace {

QDateTime timeOf(const QJsonValue &v)
{
    return v.isString() ? QDateTime::fromString(v.toString(), Qt::ISODateWithMs) : QDateTime();
}

} // namespace

AlertInfo AlertInfo::fromJson(const QJsonObject &o)
{
    AlertInfo a;
    a.id = o.value(u"id").toString();
    a.ruleId = o.value(u"rule_id").toString();
    a.ruleName = o.value(u"rule_name").toString();
    a.source = o.value(u"source").toString();
    a.deviceId = o.value(u"device_id").toString();
    a.severity = severityFromName(o.value(u"severity").toString());
    a.active = o.value(u"active").toBool();
    a.acknowledged = o.value(u"acknowledged").toBool();
    a.closed = o.value(u"closed").toBool();
    a.message = o.value(u"message").toString();
    a.metric = o.value(u"metric").toString();
    a.hasValue = o.value(u"value").isDouble();
    a.value = o.value(u"value").toDouble();
    a.occurrences = o.value(u"occurrences").toInt();
    a.chattering = o.value(u"chattering").toBool();
    const QJsonObject shelving = o.value(u"shelved").toObject();
    a.shelved = o.value(u"shelved").isObject();
    a.shelvedOneShot = shelving.value(u"one_shot").toBool();
    a.shelvedUntil = timeOf(shelving.value(u"until"));
    a.shelvedBy = shelving.value(u"by").toString();
    a.shelveNote = shelving.value(u"note").toString();
    a.suppressed = o.value(u"suppressed").toString();
    a.outOfService = o.value(u"out_of_service").toBool();
    a.assignedTo = o.value(u"assigned_to").toString();
    a.raisedAt = timeOf(o.value(u"raised_at"));
    a.lastRaisedAt = timeOf(o.value(u"last_raised_at"));
    a.clearedAt = timeOf(o.value(u"cleared_at"));
    a.acknowledgedAt = timeOf(o.value(u"acknowledged_at"));
    a.acknowledgedBy = o.value(u"acknowledged_by").toString();
    a.acknowledgeNote = o.value(u"acknowledge_note").toString();
    a.closedAt = timeOf(o.value(u"closed_at"));
    a.updatedAt = timeOf(o.value(u"updated_at"));
    return a;
}

AlertInfo::Severity AlertInfo::severityFromName(const QString &name)
{
    if (name == u"critical")
        return Severity::Critical;
    if (name == u"major")
        return Severity::Major;
    if (name == u"minor")
        return Severity::Minor;
    if (name == u"warning")
        return Severity::Warning;
    return Severity::Info;
}

QString AlertInfo::severityName(Severity s)
{
    switch (s) {
    case Severity::Critical: return u"critical"_s;
    case Severity::Major: return u"major"_s;
    case Severity::Minor: return u"minor"_s;
    case Severity::Warning: return u"warning"_s;
    case Severity::Info: break;
    }
    return u"info"_s;
}

QString AlertInfo::severityLabel(Severity s)
{
    switch (s) {
    case Severity::Critical: return tr("Critical");
    case Severity::Major: return tr("Major");
    case Severity::Minor: return tr("Minor");
    case Severity::Warning: return tr("Warning");
    case Severity::Info: break;
    }
    return tr("Info");
}

QString AlertInfo::stateLabel() const
{
    if (closed)
        return tr("Closed");
    if (active)
        return acknowledged ? tr("Active, acknowledged") : tr("Active, unacknowledged");
    return acknowledged ? tr("Returned to normal") : tr("Returned, unacknowledged");
}

QString AlertInfo::conditionsLabel() const
{
    QStringList parts;
    if (shelved) {
        if (shelvedOneShot)
            parts << tr("Shelved until it clears");
        else
            parts << tr("Shelved until %1").arg(QLocale().toString(shelvedUntil.toLocalTime().time(), QLocale::ShortFormat));
    }
    if (!suppressed.isEmpty())
        parts << tr("Suppressed: %1").arg(suppressed);
    if (outOfService)
        parts << tr("Out of service");
    if (chattering)
        parts << tr("Chattering");
    return parts.join(u"; "_s);
}

QString AlertInfo::sourceLabel() const
{
    if (source == u"health:offline")
        return tr("Offline too long");
    if (source == u"health:certificate")
        return tr("Certificate expiring");
    if (source == u"health:commands")
        return tr("Commands failing");
    if (source.startsWith(u"health:"))
        return tr("Device health (%1)").arg(source.mid(7));
    return ruleName.isEmpty() ? tr("(deleted rule)") : ruleName;
}
