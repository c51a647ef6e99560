#include "auth/authutil.h"

#include <QtCore/QRegularExpression>

namespace Fleetdeck::AuthUtil {

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
