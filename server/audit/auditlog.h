#pragma once

#include "auth/principal.h"
#include "core/result.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>

namespace Fleetdeck {
namespace Storage { class Database; }

struct AuditFilter
{
    QString action;       ///< exact, or a prefix ending in '.' ("user.")
    QString actor;        ///< e-mail or user id
    QString objectType;
    QString objectId;
    std::optional<qint64> fromMs; ///< inclusive
    std::optional<qint64> toMs;   ///< exclusive
    QString cursor;
    int limit = 100;
};

struct AuditPage
{
    QJsonArray items; ///< newest first
    QString nextCursor;
};

/// Reads the append-only audit log (writing is `audit()`, audit/audit.h). Scoped to the tenant the caller
/// acts in. The database refuses deleting entries and changing anything but the personal data erasure touches.
class AuditLog
{
public:
    explicit AuditLog(Storage::Database &db);
    [[nodiscard]] Result<AuditPage> query(const Principal &who, const AuditFilter &filter);

private:
    Storage::Database &m_db;
};

} // namespace Fleetdeck
