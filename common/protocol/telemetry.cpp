#include "protocol/telemetry.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

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
    case Reject::UnknownMetric: return QStringLiteral("unknown_metric");
    case Reject::WrongType: return QStringLiteral("wrong_type");
    case Reject::OutOfRange: return QStringLiteral("out_of_range");
    case Reject::MetricQuota: return QStringLiteral("metric_quota");
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
            r.isBool = true;
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

QList<Decoded> decodeWithQJson(const QByteArray &payload, qint64 nowMs, const Limits &limits)
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

namespace {

/// The fast path of decode(): a scanner for the payloads devices actually send (plain keys, numbers, booleans,
/// ASCII strings without escapes). It gives up (nullopt) on anything else and on anything to refuse, and the
/// QJsonDocument path then decides, with its error messages; so both always agree (tst_protocol compares them).
class FastScanner
{
public:
    FastScanner(const char *begin, const char *end) : p(begin), m_end(end) {}

    void skipSpace()
    {
        while (p < m_end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
            ++p;
    }
    bool eat(char c)
    {
        skipSpace();
        if (p < m_end && *p == c) {
            ++p;
            return true;
        }
        return false;
    }
    bool atEnd()
    {
        skipSpace();
        return p == m_end;
    }
    /// A string of printable ASCII without escapes.
    bool plainString(const char *&s, qsizetype &n)
    {
        skipSpace();
        if (p >= m_end || *p != '"')
            return false;
        s = ++p;
        while (p < m_end && *p != '"') {
            const auto c = static_cast<unsigned char>(*p);
            if (c == '\\' || c < 0x20 || c >= 0x80)
                return false;
            ++p;
        }
        if (p >= m_end)
            return false;
        n = p - s;
        ++p;
        return true;
    }
    bool literal(const char *word)
    {
        skipSpace();
        const size_t n = std::strlen(word);
        if (size_t(m_end - p) < n || std::memcmp(p, word, n) != 0)
            return false;
        p += n;
        return true;
    }
    /// A JSON number (strict grammar), finite; "-0..." is left to the full parser.
    bool number(double &d)
    {
        skipSpace();
        const char *s = p;
        if (p < m_end && *p == '-') {
            ++p;
            if (p < m_end && *p == '0')
                return false;
        }
        if (p >= m_end)
            return false;
        if (*p == '0')
            ++p;
        else if (*p >= '1' && *p <= '9')
            while (p < m_end && *p >= '0' && *p <= '9')
                ++p;
        else
            return false;
        if (p < m_end && *p == '.') {
            ++p;
            if (p >= m_end || *p < '0' || *p > '9')
                return false;
            while (p < m_end && *p >= '0' && *p <= '9')
                ++p;
        }
        if (p < m_end && (*p == 'e' || *p == 'E')) {
            ++p;
            if (p < m_end && (*p == '+' || *p == '-'))
                ++p;
            if (p >= m_end || *p < '0' || *p > '9')
                return false;
            while (p < m_end && *p >= '0' && *p <= '9')
                ++p;
        }
        const auto r = std::from_chars(s, p, d);
        return r.ec == std::errc() && r.ptr == p && std::isfinite(d);
    }
    /// Skips a scalar of an unknown key (an object or array there is left to the full parser).
    bool skipScalar()
    {
        skipSpace();
        if (p >= m_end)
            return false;
        double d;
        const char *s;
        qsizetype n;
        switch (*p) {
        case '"': return plainString(s, n);
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        default: return number(d);
        }
    }

private:
    const char *p;
    const char *m_end;
};

std::optional<qint64> integerOfDouble(double d)
{
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9007199254740992.0)
        return std::nullopt;
    return qint64(d);
}

bool validMetricName(const char *s, qsizetype n, int maxLength)
{
    if (n == 0 || n > maxLength)
        return false;
    for (qsizetype i = 0; i < n; ++i) {
        const char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' || c == '/'))
            return false;
    }
    return true;
}

bool fastMessage(FastScanner &in, qint64 nowMs, const Limits &limits, Message &m)
{
    if (!in.eat('{'))
        return false;
    bool haveSeq = false, haveTs = false, haveMetrics = false;
    double seq = 0;
    std::optional<double> ts;
    do {
        const char *key;
        qsizetype keyLength;
        if (!in.plainString(key, keyLength) || !in.eat(':'))
            return false;
        const std::string_view k(key, size_t(keyLength));
        if (k == "seq") {
            if (haveSeq || !in.number(seq))
                return false;
            haveSeq = true;
        } else if (k == "ts") {
            if (haveTs)
                return false;
            haveTs = true;
            if (!in.literal("null")) {
                double t;
                if (!in.number(t))
                    return false;
                ts = t;
            }
        } else if (k == "metrics") {
            if (haveMetrics || !in.eat('{') || in.eat('}'))
                return false;
            haveMetrics = true;
            m.readings.reserve(4);
            do {
                const char *name;
                qsizetype nameLength;
                if (!in.plainString(name, nameLength) || !in.eat(':') || !validMetricName(name, nameLength, limits.maxMetricNameLength))
                    return false;
                Reading r;
                r.metric = QString::fromLatin1(name, nameLength);
                for (const Reading &other : std::as_const(m.readings))
                    if (other.metric == r.metric)
                        return false; // a repeated name: the full parser's rules apply
                const char *text;
                qsizetype textLength;
                if (in.literal("true")) {
                    r.value = 1.0;
                    r.isBool = true;
                } else if (in.literal("false")) {
                    r.value = 0.0;
                    r.isBool = true;
                } else if (in.number(r.value)) {
                } else if (in.plainString(text, textLength)) {
                    if (textLength > limits.maxTextLength)
                        return false;
                    r.isText = true;
                    r.text = QString::fromLatin1(text, textLength);
                } else {
                    return false;
                }
                m.readings.append(std::move(r));
                if (m.readings.size() > limits.maxMetricsPerMessage)
                    return false;
            } while (in.eat(','));
            if (!in.eat('}'))
                return false;
        } else if (!in.skipScalar()) {
            return false;
        }
    } while (in.eat(','));
    if (!in.eat('}') || !haveSeq || !haveMetrics)
        return false;
    const auto s = integerOfDouble(seq);
    if (!s || *s < 1)
        return false;
    m.seq = *s;
    if (!ts) {
        m.tsMs = nowMs;
        m.serverTime = true;
    } else {
        const auto t = integerOfDouble(*ts);
        if (!t || *t < 0 || *t > nowMs + limits.maxFutureMs || *t < nowMs - limits.maxPastMs)
            return false;
        m.tsMs = *t;
    }
    // In the order QJsonObject iterates (by key), as the full path gives them.
    std::sort(m.readings.begin(), m.readings.end(), [](const Reading &a, const Reading &b) { return a.metric < b.metric; });
    return true;
}

std::optional<QList<Decoded>> decodeFast(const QByteArray &payload, qint64 nowMs, const Limits &limits)
{
    FastScanner in(payload.constData(), payload.constData() + payload.size());
    QList<Decoded> out;
    auto one = [&]() {
        Decoded d;
        d.message.emplace();
        if (!fastMessage(in, nowMs, limits, *d.message))
            return false;
        d.seq = d.message->seq;
        out.append(std::move(d));
        return true;
    };
    if (in.eat('[')) {
        do {
            if (out.size() >= limits.maxMessagesPerPayload || !one())
                return std::nullopt;
        } while (in.eat(','));
        if (!in.eat(']'))
            return std::nullopt;
    } else if (!one()) {
        return std::nullopt;
    }
    if (!in.atEnd())
        return std::nullopt;
    return out;
}

} // namespace

QList<Decoded> decode(const QByteArray &payload, qint64 nowMs, const Limits &limits)
{
    if (payload.size() <= limits.maxPayloadBytes)
        if (auto fast = decodeFast(payload, nowMs, limits))
            return std::move(*fast);
    return decodeWithQJson(payload, nowMs, limits);
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
