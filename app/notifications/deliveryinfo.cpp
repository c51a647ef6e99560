#include "deliveryinfo.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace {

QDateTime timeOf(const QJsonObject &o, QStringView key)
{
    return QDateTime::fromString(o.value(key).toString(), Qt::ISODateWithMs);
}

} // namespace

DeliveryInfo DeliveryInfo::fromJson(const QJsonObject &o)
{
    DeliveryInfo d;
    d.id = o.value(u"id").toString();
    const QJsonObject channel = o.value(u"channel").toObject();
    d.channelId = channel.value(u"id").toString();
    d.channelName = channel.value(u"name").toString();
    d.channelKind = channel.value(u"kind").toString();
    d.policyId = o.value(u"policy_id").toString();
    d.alertId = o.value(u"alert_id").toString();
    d.event = o.value(u"event").toString();
    d.recipient = o.value(u"recipient").toString();
    d.subject = o.value(u"subject").toString();
    d.status = o.value(u"status").toString();
    d.attempts = o.value(u"attempts").toInt();
    d.createdAt = timeOf(o, u"created_at");
    d.nextAttemptAt = timeOf(o, u"next_attempt_at");
    d.lastAttemptAt = timeOf(o, u"last_attempt_at");
    d.deliveredAt = timeOf(o, u"delivered_at");
    d.responseCode = o.value(u"response_code").toInt();
    d.response = o.value(u"response").toString();
    d.lastError = o.value(u"last_error").toString();
    return d;
}

bool DeliveryInfo::finished() const
{
    return status == u"delivered" || status == u"failed" || status == u"skipped" || status == u"cancelled";
}

bool DeliveryInfo::awaitingFirstTry() const
{
    return status == u"pending" || status == u"sending" || status.isEmpty();
}

bool DeliveryInfo::troubled() const
{
    return status == u"failed" || status == u"retrying";
}

QString DeliveryInfo::statusLabel(const QString &status)
{
    if (status == u"pending")
        return tr("Pending");
    if (status == u"held")
        return tr("Held (quiet hours)");
    if (status == u"sending")
        return tr("Sending");
    if (status == u"retrying")
        return tr("Retrying");
    if (status == u"delivered")
        return tr("Delivered");
    if (status == u"failed")
        return tr("Failed");
    if (status == u"skipped")
        return tr("Skipped (alert closed)");
    if (status == u"cancelled")
        return tr("Cancelled");
    return status;
}

QString DeliveryInfo::eventLabel(const QString &event)
{
    if (event == u"raised")
        return tr("raised");
    if (event == u"acknowledged")
        return tr("acknowledged");
    if (event == u"cleared")
        return tr("cleared");
    if (event == u"closed")
        return tr("closed");
    if (event == u"escalated")
        return tr("escalated");
    if (event == u"test")
        return tr("test");
    return event;
}

QString DeliveryInfo::outcome() const
{
    const QString label = statusLabel(status);
    if (status == u"failed" || status == u"cancelled")
        return lastError.isEmpty() ? label : tr("%1: %2").arg(label, lastError);
    if (status == u"retrying") {
        QString text = lastError.isEmpty() ? label : tr("%1: %2").arg(label, lastError);
        if (nextAttemptAt.isValid())
            text += u' ' + tr("(next try %1)").arg(QLocale().toString(nextAttemptAt.toLocalTime().time(), u"HH:mm:ss"_s));
        return text;
    }
    if (status == u"delivered" && responseCode > 0)
        return tr("%1 (HTTP %2)").arg(label).arg(responseCode);
    return label;
}

QString DeliveryInfo::answer() const
{
    QString text;
    if (responseCode > 0)
        text = tr("HTTP %1").arg(responseCode);
    if (!response.isEmpty())
        text += (text.isEmpty() ? QString() : u" "_s) + response.simplified();
    if (text.isEmpty())
        text = lastError;
    return text;
}

QString DeliveryInfo::purpose() const
{
    if (isTest())
        return tr("Test message");
    if (alertId.isEmpty())
        return eventLabel(event);
    return tr("Alert %1 %2").arg(alertId.left(8), eventLabel(event));
}
