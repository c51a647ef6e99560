#pragma once

#include "auth/principal.h"

#include <QtCore/QString>

namespace Fleetdeck {
namespace Storage { class Database; }

/// Records one change or security event in the append-only audit log (read back with AuditLog). A failed write is
/// logged and counted by the log category, never allowed to undo the caller's change. `tenantId` defaults to the
/// tenant the principal acts in; `who` null means the system itself.
void audit(Storage::Database &db, const Principal *who, const QString &action, const QString &objectType,
           const QString &objectId, const QString &summary, const QString &tenantId = {});

} // namespace Fleetdeck
