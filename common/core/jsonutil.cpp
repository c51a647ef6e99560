#include "core/jsonutil.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonParseError>

namespace Fleetdeck::Json {

Result<QJsonObject> parseObject(const QByteArray &bytes)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &err);
    if (err.error != QJsonParseError::NoError)
        return fail(Error::invalid(QStringLiteral("malformed JSON at offset %1: %2").arg(err.offset).arg(err.errorString())));
    if (!doc.isObject())
        return fail(Error::invalid(QStringLiteral("expected a JSON object")));
    return doc.object();
}

QString isoUtc(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue timestamp(const QDateTime &t)
{
    if (!t.isValid())
        return QJsonValue(QJsonValue::Null);
    return isoUtc(t);
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<qint64> parseTime(const QString &text)
{
    bool ok = false;
    const qint64 ms = text.toLongLong(&ok);
    if (ok)
        return ms >= 0 ? std::optional<qint64>(ms) : std::nullopt;
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

} // namespace Fleetdeck::Json
