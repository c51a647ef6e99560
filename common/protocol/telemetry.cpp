#include "protocol/telemetry.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <cmath>

namespace Fleetdeck::Telemetry {

QString rejectName(Reject r)
{
    switch (r) {
    case Reject::Malformed: return QStringLiteral("malformed");
    case Reject::TooLarge: return QStringLiteral("too_large");
    case Reject::TooManyMessages: return QStringLiteral("too_many_messages");
    case Reject::BadSeq: return QStringLiteral("bad_seq");
    case Reject::BadTimestamp: return QStringLiteral("bad_timestamp");
    case Reject::FutureTimestamp: return QStringLiteral("future_timestamp");
    case Reject::StaleTimestamp: return QStringLiteral("stale_timestamp");
    case Reject::NoMetrics: return QStringLiteral("no_metrics");
    case Reject::TooManyMetrics: return QStringLiteral("too_many_metrics");
    case Reject::BadMetricName: return QStringLiteral("bad_metric_name");
    case Reject::BadValue: return QStringLiteral("bad_value");
    case Reject::TextTooLong: return QStringLiteral("text_too_long");
    }
    return QStringLiteral("malformed");
}

bool isValidMetricName(QStringView name, int maxLength)
{
    if (name.isEmpty() || name.size() > maxLength)
        return false;
    for (QChar c : name) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_'
                        || c == u'.' || c == u'-' || c == u'/';
        if (!ok)
            return false;
    }
    return true;
}

namespace {

/// JSON numbers arrive as doubles: an integer is one without a fractional part, inside the exact range.
std::optional<qint64> integerOf(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9007199254740992.0)
        return std::nullopt;
    return qint64(d);
}

Decoded refuse(Reject r, QString detail, qint64 seq = 0)
{
    Decoded d;
    d.reject = r;
    d.detail = std::move(detail);
    d.seq = seq;
    return d;
}

Decoded decodeOne(const QJsonValue &value, qint64 nowMs, const Limits &limits)
{
    if (!value.isObject())
        return refuse(Reject::Malformed, QStringLiteral("each message must be a JSON object"));
    const QJsonObject o = value.toObject();
    const auto seq = integerOf(o.value(QStringLiteral("seq")));
    if (!seq || *seq < 1)
        return refuse(Reject::BadSeq, QStringLiteral("\"seq\" must be an integer >= 1"));
    Message m;
    m.seq = *seq;
    const QJsonValue ts = o.value(QStringLiteral("ts"));
    if (ts.isUndefined() || ts.isNull()) {
        m.tsMs = nowMs;
        m.serverTime = true;
    } else {
        const auto t = integerOf(ts);
        if (!t || *t < 0)
            return refuse(Reject::BadTimestamp, QStringLiteral("\"ts\" must be milliseconds since the epoch"), m.seq);
        if (*t > nowMs + limits.maxFutureMs)
            return refuse(Reject::FutureTimestamp, QStringLiteral("\"ts\" is %1 s in the future").arg((*t - nowMs) / 1000), m.seq);
        if (*t < nowMs - limits.maxPastMs)
            return refuse(Reject::StaleTimestamp, QStringLiteral("\"ts\" is older than %1 days").arg(limits.maxPastMs / 86400000), m.seq);
        m.tsMs = *t;
    }
    const QJsonValue metricsValue = o.value(QStringLiteral("metrics"));
    if (!metricsValue.isObject() || metricsValue.toObject().isEmpty())
        return refuse(Reject::NoMetrics, QStringLiteral("\"metrics\" must be a non-empty object"), m.seq);
    const QJsonObject metrics = metricsValue.toObject();
    if (metrics.size() > limits.maxMetricsPerMessage)
        return refuse(Reject::TooManyMetrics, QStringLiteral("%1 metrics in one message; at most %2").arg(metrics.size()).arg(limits.maxMetricsPerMessage), m.seq);
    m.readings.reserve(metrics.size());
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        if (!isValidMetricName(it.key(), limits.maxMetricNameLength))
            return refuse(Reject::BadMetricName, QStringLiteral("metric name \"%1\" is not 1-%2 of [A-Za-z0-9_./-]").arg(it.key().left(80)).arg(limits.maxMetricNameLength), m.seq);
        Reading r;
        r.metric = it.key();
        const QJsonValue v = it.value();
        if (v.isDouble()) {
            r.value = v.toDouble();
            if (!std::isfinite(r.value))
                return refuse(Reject::BadValue, QStringLiteral("metric \"%1\" is not a finite number").arg(it.key()), m.seq);
        } else if (v.isBool()) {
            r.value = v.toBool() ? 1.0 : 0.0;
        } else if (v.isString()) {
            r.isText = true;
            r.text = v.toString();
            if (r.text.size() > limits.maxTextLength)
                return refuse(Reject::TextTooLong, QStringLiteral("metric \"%1\" has a string of %2 characters; at most %3").arg(it.key()).arg(r.text.size()).arg(limits.maxTextLength), m.seq);
        } else {
            return refuse(Reject::BadValue, QStringLiteral("metric \"%1\" must be a number, a boolean or a string").arg(it.key()), m.seq);
        }
        m.readings.append(std::move(r));
    }
    Decoded d;
    d.message = std::move(m);
    d.seq = d.message->seq;
    return d;
}

} // namespace

QList<Decoded> decode(const QByteArray &payload, qint64 nowMs, const Limits &limits)
{
    if (payload.size() > limits.maxPayloadBytes)
        return {refuse(Reject::TooLarge, QStringLiteral("payload of %1 bytes; at most %2").arg(payload.size()).arg(limits.maxPayloadBytes))};
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &err);
    if (err.error != QJsonParseError::NoError)
        return {refuse(Reject::Malformed, QStringLiteral("malformed JSON at offset %1: %2").arg(err.offset).arg(err.errorString()))};
    QList<Decoded> out;
    if (doc.isObject()) {
        out.append(decodeOne(doc.object(), nowMs, limits));
    } else if (doc.isArray()) {
        const QJsonArray a = doc.array();
        if (a.isEmpty())
            return {refuse(Reject::Malformed, QStringLiteral("empty array"))};
        if (a.size() > limits.maxMessagesPerPayload)
            return {refuse(Reject::TooManyMessages, QStringLiteral("%1 messages in one payload; at most %2").arg(a.size()).arg(limits.maxMessagesPerPayload))};
        out.reserve(a.size());
        for (const QJsonValue &v : a)
            out.append(decodeOne(v, nowMs, limits));
    } else {
        return {refuse(Reject::Malformed, QStringLiteral("expected a message object or an array of them"))};
    }
    return out;
}

QByteArray encode(const QList<Message> &messages)
{
    QJsonArray a;
    for (const Message &m : messages) {
        QJsonObject metrics;
        for (const Reading &r : m.readings)
            metrics.insert(r.metric, r.isText ? QJsonValue(r.text) : QJsonValue(r.value));
        QJsonObject o{{QStringLiteral("seq"), m.seq}, {QStringLiteral("metrics"), metrics}};
        if (!m.serverTime)
            o.insert(QStringLiteral("ts"), m.tsMs);
        a.append(o);
    }
    if (a.size() == 1)
        return QJsonDocument(a.first().toObject()).toJson(QJsonDocument::Compact);
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}

QByteArray encodeAck(qint64 seq)
{
    return "{\"seq\":" + QByteArray::number(seq) + '}';
}

std::optional<qint64> decodeAck(const QByteArray &payload)
{
    const QJsonDocument doc = QJsonDocument::fromJson(payload);
    if (!doc.isObject())
        return std::nullopt;
    return integerOf(doc.object().value(QStringLiteral("seq")));
}

} // namespace Fleetdeck::Telemetry
