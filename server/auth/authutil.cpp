#include "auth/authutil.h"

#include <QtCore/QRegularExpression>

namespace Fleetdeck::AuthUtil {

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

Status checkString(const QJsonObject &o, const QString &key, bool required, int maxLen)
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
    for (QChar c : s)
        if (c.category() == QChar::Other_Control)
            return fail(Error::invalid(QStringLiteral("\"%1\" contains control characters").arg(key)));
    return {};
}

bool isEmail(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[^@\\s]+@[^@\\s]+$"));
    return s.size() <= 254 && re.match(s).hasMatch();
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

QString encodeCursor(const QString &a, const QString &b)
{
    return QString::fromLatin1((a + u'|' + b).toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<std::pair<QString, QString>> decodeCursor(const QString &cursor)
{
    auto decoded = QByteArray::fromBase64Encoding(cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const QString text = QString::fromUtf8(decoded.decoded);
    const qsizetype bar = text.indexOf(u'|');
    if (bar < 0)
        return std::nullopt;
    return std::make_pair(text.left(bar), text.mid(bar + 1));
}

std::optional<qint64> parseTime(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

} // namespace Fleetdeck::AuthUtil
