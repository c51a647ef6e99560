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

QJsonValue timeOrNull(const QVariant &v) { return v.isNull() ? QJsonValue(QJsonValue::Null) : Json::timestamp(Validation::msToTime(v)); }

QString compactText(const QJsonObject &o) { return QString::fromUtf8(Json::compact(o)); }

Result<QJsonObject> newestFirst(Storage::Database &db, QString sql, QVariantMap b, const QString &cursor, int limit,
                                const std::function<Result<QJsonObject>(const QString &)> &load)
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
    QString next;
    if (ids.size() > limit) {
        ids.resize(limit);
        next = Validation::encodeCursor(ids.last().second, ids.last().first);
    }
    QJsonArray items;
    for (const auto &[id, created] : std::as_const(ids)) {
        auto doc = load(id);
        if (!doc)
            return fail(doc.error());
        items.append(*doc);
    }
    return QJsonObject{{QStringLiteral("items"), items}, {QStringLiteral("next_cursor"), Validation::nullable(next)}};
}

} // namespace Fleetdeck::CommandRows
