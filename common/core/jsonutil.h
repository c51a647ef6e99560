#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <optional>

namespace Fleetdeck::Json {

/// Parses a JSON object, with an error that names the position and the reason.
[[nodiscard]] Result<QJsonObject> parseObject(const QByteArray &bytes);

/// ISO 8601 UTC with milliseconds ("2026-11-26T07:00:00.123Z"), or null for an invalid time.
QJsonValue timestamp(const QDateTime &t);
QString isoUtc(const QDateTime &t);

QByteArray compact(const QJsonObject &o);

/// A time as the API takes it: ms since the epoch, or ISO 8601 ("2026-11-26T07:00:00Z", with or without ms).
std::optional<qint64> parseTime(const QString &text);

} // namespace Fleetdeck::Json
