#pragma once

#include "core/result.h"

#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QString>
#include <QtCore/QVariant>
#include <functional>

namespace Fleetdeck::Storage { class Database; }

/// Helpers of the commands area for its rows (commands, command_jobs, device_config) and their JSON; not for
/// other areas.
namespace Fleetdeck::CommandRows {

/// A stored JSON text column as an object or array; null for NULL or anything else.
QJsonValue jsonText(const QVariant &v);
/// A stored time in ms as an ISO timestamp; null for NULL.
QJsonValue timeOrNull(const QVariant &v);
QString compactText(const QJsonObject &o);

/// A page of `sql` (selecting id, created_at with its filters bound in `b`), newest first, each row loaded whole
/// by `load`; the cursor is that of Validation::encodeCursor.
[[nodiscard]] Result<QJsonObject> newestFirst(Storage::Database &db, QString sql, QVariantMap b, const QString &cursor, int limit,
                                              const std::function<Result<QJsonObject>(const QString &)> &load);

} // namespace Fleetdeck::CommandRows
