#include "policyinfo.h"

#include "alerts/alertinfo.h"
#include "deliveryinfo.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &x : v.toArray())
        out << x.toString();
    return out;
}

QString severitiesText(const QStringList &names)
{
    QStringList labels;
    for (const QString &n : names)
        labels << AlertInfo::severityLabel(AlertInfo::severityFromName(n));
    return labels.join(u", "_s);
}

} // namespace

PolicyInfo PolicyInfo::fromJson(const QJsonObject &o)
{
    PolicyInfo p;
    p.id = o.value(u"id").toString();
    p.name = o.value(u"name").toString();
    p.active = o.value(u"is_active").toBool(true);
    p.severities = strings(o.value(u"severities"));
    p.ruleIds = strings(o.value(u"rule_ids"));
    p.includeHealth = o.value(u"include_health").toBool(true);
    p.events = strings(o.value(u"events"));
    p.channelIds = strings(o.value(u"channel_ids"));
    if (o.value(u"quiet_hours").isObject()) {
        const QJsonObject q = o.value(u"quiet_hours").toObject();
        p.quietHours = QuietHours{q.value(u"start").toString(), q.value(u"end").toString(), q.value(u"time_zone").toString(),
                                  strings(q.value(u"except_severities"))};
    }
    const QJsonArray steps = o.value(u"escalation").toArray();
    p.escalationSteps = int(steps.size());
    for (const QJsonValue &s : steps)
        for (const QString &id : strings(s.toObject().value(u"channel_ids")))
            if (!p.escalationChannelIds.contains(id))
                p.escalationChannelIds << id;
    return p;
}

QStringList PolicyInfo::allChannelIds() const
{
    QStringList all = channelIds;
    for (const QString &id : escalationChannelIds)
        if (!all.contains(id))
            all << id;
    return all;
}

QString PolicyInfo::alertsText() const
{
    QStringList parts;
    parts << (severities.isEmpty() ? tr("Every severity") : severitiesText(severities));
    parts << (ruleIds.isEmpty() ? tr("every rule") : tr("%n rule(s)", nullptr, int(ruleIds.size())));
    parts << (includeHealth ? tr("health alerts too") : tr("no health alerts"));
    return parts.join(u"; "_s);
}

QString PolicyInfo::eventsText() const
{
    QStringList labels;
    for (const QString &e : events)
        labels << DeliveryInfo::eventLabel(e);
    return labels.join(u", "_s);
}

QString PolicyInfo::quietHoursText() const
{
    if (!quietHours)
        return tr("None");
    QString text = tr("%1–%2 %3").arg(quietHours->start, quietHours->end, quietHours->timeZone);
    if (!quietHours->exceptSeverities.isEmpty())
        text += u"; "_s + tr("%1 still sent").arg(severitiesText(quietHours->exceptSeverities));
    return text;
}
