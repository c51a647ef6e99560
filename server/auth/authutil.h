#pragma once

// Small helpers shared by the auth, tenant and audit services (not a public header of any area).

#include "core/result.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QSet>
#include <QtCore/QString>
#include <QtCore/QVariant>

namespace Fleetdeck::AuthUtil {

inline QJsonValue nullable(const QString &s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }
inline QJsonValue nullableInt(const QVariant &v) { return v.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(v.toLongLong()); }
inline QDateTime msToTime(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

[[nodiscard]] Status checkKnownKeys(const QJsonObject &o, const QSet<QString> &allowed);
/// A string field: present and non-empty when `required`, at most `maxLen` characters, no control characters.
[[nodiscard]] Status checkString(const QJsonObject &o, const QString &key, bool required, int maxLen);
/// A plausible e-mail address (something@something, no spaces, at most 254 characters).
bool isEmail(const QString &s);
/// An optional non-negative integer field (null allowed when `nullable`).
[[nodiscard]] Status checkCount(const QJsonObject &o, const QString &key, qint64 max, bool nullable);

/// Opaque cursors: base64url of "a|b".
QString encodeCursor(const QString &a, const QString &b);
std::optional<std::pair<QString, QString>> decodeCursor(const QString &cursor);

/// ISO 8601 to ms since the epoch; nullopt when malformed.
std::optional<qint64> parseTime(const QString &iso);

} // namespace Fleetdeck::AuthUtil
