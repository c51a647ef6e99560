#include "runtime/validation.h"

#include <QtCore/QRegularExpression>
#include <QtCore/QStringList>

namespace Fleetdeck::Validation {

Status checkKnownKeys(const QJsonObject &o, const QSet<QString> &allowed)
{
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!allowed.contains(it.key())) {
            QStringList names(allowed.begin(), allowed.end());
            names.sort();
            return fail(Error::invalid(QStringLiteral("unknown field \"%1\"; known fields: %2").arg(it.key().left(64), names.join(QStringLiteral(", ")))));
        }
    return {};
}

QString encodeCursor(qint64 ms, const QString &id)
{
    return QString::fromLatin1(QStringLiteral("%1|%2").arg(ms).arg(id).toLatin1().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<std::pair<qint64, QString>> decodeCursor(const QString &cursor)
{
    auto decoded = QByteArray::fromBase64Encoding(cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const QList<QByteArray> parts = decoded.decoded.split('|');
    bool ok = false;
    if (parts.size() != 2)
        return std::nullopt;
    const qint64 ms = parts[0].toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return std::make_pair(ms, QString::fromLatin1(parts[1]));
}

bool hasControlChars(const QString &s)
{
    for (QChar c : s)
        if (c.category() == QChar::Other_Control)
            return true;
    return false;
}

Status checkString(const QJsonObject &o, const QString &key, bool required, int maxLen, const QRegularExpression *pattern,
                   const char *patternHelp)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            return fail(Error::invalid(QStringLiteral("\"%1\" is required").arg(key)));
        return {};
    }
    if (!v.isString())
        return fail(Error::invalid(QStringLiteral("\"%1\" must be a string").arg(key)));
    const QString s = v.toString();
    if (required && s.trimmed().isEmpty())
        return fail(Error::invalid(QStringLiteral("\"%1\" must not be empty").arg(key)));
    if (s.size() > maxLen)
        return fail(Error::invalid(QStringLiteral("\"%1\" is longer than %2 characters").arg(key).arg(maxLen)));
    if (hasControlChars(s))
        return fail(Error::invalid(QStringLiteral("\"%1\" contains control characters").arg(key)));
    if (pattern && !s.isEmpty() && !pattern->match(s).hasMatch())
        return fail(Error::invalid(QStringLiteral("\"%1\" %2").arg(key, QString::fromLatin1(patternHelp))));
    return {};
}

Status checkCount(const QJsonObject &o, const QString &key, qint64 max, bool nullable)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined())
        return {};
    if (v.isNull()) {
        if (nullable)
            return {};
        return fail(Error::invalid(QStringLiteral("\"%1\" must not be null").arg(key)));
    }
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > double(max) || d != double(qint64(d)))
        return fail(Error::invalid(QStringLiteral("\"%1\" must be an integer from 0 to %2%3").arg(key).arg(max)
                                       .arg(nullable ? QStringLiteral(", or null for no limit") : QString())));
    return {};
}

bool isEmail(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[^@\\s]+@[^@\\s]+$"));
    return s.size() <= 254 && re.match(s).hasMatch();
}

} // namespace Fleetdeck::Validation
