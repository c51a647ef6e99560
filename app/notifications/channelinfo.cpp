#include "channelinfo.h"

#include <QJsonArray>
#include <QUrl>

using namespace Qt::StringLiterals;

ChannelInfo ChannelInfo::fromJson(const QJsonObject &o)
{
    ChannelInfo c;
    c.id = o.value(u"id").toString();
    c.name = o.value(u"name").toString();
    c.kind = kindFromName(o.value(u"kind").toString()).value_or(Kind::Webhook);
    c.active = o.value(u"is_active").toBool(true);
    c.config = o.value(u"config").toObject();
    c.createdBy = o.value(u"created_by").toString();
    c.updatedAt = QDateTime::fromString(o.value(u"updated_at").toString(), Qt::ISODateWithMs);
    return c;
}

QList<ChannelInfo::Kind> ChannelInfo::kinds()
{
    return {Kind::Webhook, Kind::Email, Kind::Sms, Kind::PagerDuty};
}

QString ChannelInfo::kindName(Kind k)
{
    switch (k) {
    case Kind::Webhook: return u"webhook"_s;
    case Kind::Email: return u"email"_s;
    case Kind::Sms: return u"sms"_s;
    case Kind::PagerDuty: return u"pagerduty"_s;
    }
    return {};
}

std::optional<ChannelInfo::Kind> ChannelInfo::kindFromName(const QString &name)
{
    for (Kind k : kinds())
        if (kindName(k) == name)
            return k;
    return std::nullopt;
}

QString ChannelInfo::kindLabel(Kind k)
{
    switch (k) {
    case Kind::Webhook: return tr("Webhook");
    case Kind::Email: return tr("E-mail");
    case Kind::Sms: return tr("SMS gateway");
    case Kind::PagerDuty: return tr("PagerDuty");
    }
    return {};
}

QString ChannelInfo::secretField(Kind k)
{
    // As the server's parser (server/notifications/notification.cpp) has it.
    switch (k) {
    case Kind::Webhook: return u"secret"_s;
    case Kind::Email: return u"password"_s;
    case Kind::Sms: return u"auth_header"_s;
    case Kind::PagerDuty: return u"routing_key"_s;
    }
    return {};
}

QString ChannelInfo::redacted()
{
    return u"********"_s;
}

QString ChannelInfo::target() const
{
    const auto list = [this](const QString &field) {
        QStringList out;
        for (const QJsonValue &v : config.value(field).toArray())
            out << v.toString();
        return out.join(u", "_s);
    };
    switch (kind) {
    case Kind::Webhook:
        return config.value(u"url").toString();
    case Kind::Email:
        return tr("%1 via %2").arg(list(u"to"_s), config.value(u"host").toString());
    case Kind::Sms:
        return tr("%1 via %2").arg(list(u"to"_s), QUrl(config.value(u"url").toString()).host());
    case Kind::PagerDuty:
        return config.value(u"url").toString().isEmpty() ? tr("PagerDuty Events API") : config.value(u"url").toString();
    }
    return {};
}
