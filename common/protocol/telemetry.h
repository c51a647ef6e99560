#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>
#include <optional>

/// Telemetry payloads of the device protocol v1 (devices/{id}/telemetry): one message object or an array of them,
/// `{"seq":42,"ts":1732600000123,"metrics":{"temp":21.5,"door":"open","alarm":false}}`.
namespace Fleetdeck::Telemetry {

/// The validation policy (docs/device-protocol.md). Readings outside it are refused, counted and logged.
struct Limits
{
    qsizetype maxPayloadBytes = 256 * 1024;
    int maxMessagesPerPayload = 500;
    int maxMetricsPerMessage = 64;
    int maxMetricNameLength = 64;
    int maxTextLength = 256;
    qint64 maxFutureMs = 5 * 60 * 1000;          ///< a device clock may run this far ahead
    qint64 maxPastMs = 30LL * 24 * 3600 * 1000;  ///< buffered readings older than this are refused
};

enum class Reject {
    Malformed,       ///< not JSON, or not an object / array of objects
    TooLarge,        ///< payload over maxPayloadBytes
    TooManyMessages, ///< array over maxMessagesPerPayload
    BadSeq,          ///< seq missing, not an integer, or < 1
    BadTimestamp,    ///< ts not an integer number of ms
    FutureTimestamp,
    StaleTimestamp,
    NoMetrics,
    TooManyMetrics,
    BadMetricName,
    BadValue,        ///< null, object, array, NaN or infinite
    TextTooLong,
    // Against the device type's telemetry schema (checked by the server, not by decode()):
    UnknownMetric,   ///< a metric the schema does not name, when it allows no others
    WrongType,       ///< e.g. a string where the schema wants a number
    OutOfRange,      ///< a number outside the schema's min/max
    // Against the tenant's quotas (checked by the server):
    MetricQuota,     ///< a metric name new to the tenant when it already has max_metrics names
};
QString rejectName(Reject r);
inline constexpr int kRejectKinds = int(Reject::MetricQuota) + 1;

struct Reading
{
    QString metric;
    double value = 0;     ///< numbers; booleans as 0/1
    QString text;         ///< strings (value unused)
    bool isText = false;
    bool isBool = false;  ///< sent as true/false (value 1/0)
};

struct Message
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    bool serverTime = false; ///< the device sent no ts
    QList<Reading> readings;
};

/// One entry of a payload: a valid message, or why it was refused (with its seq when that much was readable, so
/// that the refusal can still be acknowledged).
struct Decoded
{
    std::optional<Message> message;
    Reject reject = Reject::Malformed;
    QString detail;
    qint64 seq = 0; ///< 0 when unknown
};

/// Decodes and validates a payload. A payload-level error (malformed, too large) yields one entry with seq 0.
QList<Decoded> decode(const QByteArray &payload, qint64 nowMs, const Limits &limits = {});
/// The same on QJsonDocument alone: decode() uses it for whatever its fast scanner does not take (escapes, nested
/// values, anything refused), and the tests compare the two.
QList<Decoded> decodeWithQJson(const QByteArray &payload, qint64 nowMs, const Limits &limits = {});

/// Encodes messages as the device protocol expects (used by the simulator and tests).
QByteArray encode(const QList<Message> &messages);
QByteArray encodeAck(qint64 seq);
std::optional<qint64> decodeAck(const QByteArray &payload);

bool isValidMetricName(QStringView name, int maxLength);

} // namespace Fleetdeck::Telemetry
