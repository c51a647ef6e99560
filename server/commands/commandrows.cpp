#include "commands/commandrows.h"

#include "core/jsonutil.h"
#include "runtime/validation.h"
#include "storage/database.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

namespace Fleetdeck::CommandRows {

QJsonValue jsonText(const QVariant &v)
{
    if (v.isNull())
        return QJsonValue(QJsonValue::Null);
    const QJsonDocument d = QJsonDocument::fromJson(v.toString().toUtf8());
    return d.isObject() ? QJsonValue(d.object()) : d.isArray() ? QJsonValue(d.array()) : QJsonValue(QJsonValue::Null);
}

std::optional<qint64> msOrNull(const QVariant &v) { return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong()); }

QString compactText(const QJsonObject &o) { return QString::fromUtf8(Json::compact(o)); }

Result<IdPage> newestFirst(Storage::Database &db, QString sql, QVariantMap b, const QString &cursor, int limit)
{
    if (!cursor.isEmpty()) {
        const auto c = Validation::decodeCursor(cursor);
        if (!c)
            return fail(Error::invalid(QStringLiteral("\"cursor\" is not a cursor this server issued")));
        sql += u" AND (created_at < :cts OR (created_at = :cts AND id < :cid))";
        b.insert(QStringLiteral("cts"), c->first);
        b.insert(QStringLiteral("cid"), c->second);
    }
    sql += QStringLiteral(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    b.insert(QStringLiteral("limit"), limit + 1);
    auto q = db.exec(sql, b);
    if (!q)
        return fail(q.error());
    QList<std::pair<QString, qint64>> ids;
    while (q->next())
        ids.append({q->value(0).toString(), q->value(1).toLongLong()});
    IdPage page;
    if (ids.size() > limit) {
        ids.resize(limit);
        page.nextCursor = Validation::encodeCursor(ids.last().second, ids.last().first);
    }
    page.ids.reserve(ids.size());
    for (const auto &[id, created] : std::as_const(ids))
        page.ids.append(id);
    return page;
}

} // namespace Fleetdeck::CommandRows
