#pragma once

// Small helpers shared by the auth, tenant and audit services (not a public header of any area).

#include "core/result.h"
#include "runtime/validation.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QSet>
#include <QtCore/QString>
#include <QtCore/QVariant>

namespace Fleetdeck::AuthUtil {

// Field checks live in core/validation.h, shared with the device registry.
using Validation::checkCount;
using Validation::checkKnownKeys;
using Validation::checkString;
using Validation::isEmail;
using Validation::msToTime;
using Validation::nullable;
inline QJsonValue nullableInt(const QVariant &v) { return v.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(v.toLongLong()); }

/// Opaque cursors: base64url of "a|b".
QString encodeCursor(const QString &a, const QString &b);
std::optional<std::pair<QString, QString>> decodeCursor(const QString &cursor);

/// ISO 8601 to ms since the epoch; nullopt when malformed.
std::optional<qint64> parseTime(const QString &iso);

} // namespace Fleetdeck::AuthUtil
