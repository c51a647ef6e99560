#pragma once

#include "core/result.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QSet>
#include <QtCore/QString>
#include <QtCore/QVariant>
#include <optional>
#include <utility>

class QRegularExpression;

/// Checks of JSON request fields, shared by every service that takes a request body. Errors name the field.
namespace Fleetdeck::Validation {

/// Refuses fields that are not in `allowed`, naming the known ones (typos get a useful answer).
[[nodiscard]] Status checkKnownKeys(const QJsonObject &o, const QSet<QString> &allowed);
/// A string field: present and non-empty when `required`, at most `maxLen` characters, no control characters,
/// and matching `pattern` when one is given (`patternHelp` then says what is allowed).
[[nodiscard]] Status checkString(const QJsonObject &o, const QString &key, bool required, int maxLen,
                                 const QRegularExpression *pattern = nullptr, const char *patternHelp = nullptr);
/// An optional non-negative integer field (null allowed when `nullable`).
[[nodiscard]] Status checkCount(const QJsonObject &o, const QString &key, qint64 max, bool nullable);
bool hasControlChars(const QString &s);
/// A plausible e-mail address (something@something, no spaces, at most 254 characters).
bool isEmail(const QString &s);

/// Keyset pagination: an opaque cursor for the last row of a page ordered by (time in ms, id).
QString encodeCursor(qint64 ms, const QString &id);
/// The (ms, id) a cursor of encodeCursor() names; nullopt for anything this server did not issue.
std::optional<std::pair<qint64, QString>> decodeCursor(const QString &cursor);

inline QJsonValue nullable(const QString &s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }
inline QDateTime msToTime(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

} // namespace Fleetdeck::Validation
