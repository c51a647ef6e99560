#pragma once

#include "core/result.h"

#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QString>
#include <QtCore/QList>
#include <QtCore/QVariant>
#include <optional>

namespace Fleetdeck::Storage { class Database; }

/// Helpers of the commands area for its rows (commands, command_jobs, device_config) and their JSON; not for
/// other areas.
namespace Fleetdeck::CommandRows {

/// A stored JSON text column as an object or array; null for NULL or anything else.
QJsonValue jsonText(const QVariant &v);
/// A stored time in ms; unset for NULL.
std::optional<qint64> msOrNull(const QVariant &v);
QString compactText(const QJsonObject &o);

/// The ids of one page and the cursor of the next (empty on the last page).
struct IdPage
{
    QList<QString> ids;
    QString nextCursor;
};

/// A page of `sql` (selecting id, created_at with its filters bound in `b`), newest first; the cursor is that of
/// Validation::encodeCursor. The caller loads each row whole.
[[nodiscard]] Result<IdPage> newestFirst(Storage::Database &db, QString sql, QVariantMap b, const QString &cursor, int limit);

} // namespace Fleetdeck::CommandRows
