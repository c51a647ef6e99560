#pragma once

#include "core/result.h"

#include <QtCore/QHash>
#include <QtCore/QString>
#include <utility>
#include <vector>

namespace Fleetdeck {
namespace Storage { class Database; }

/// Metric names and their small integer ids (what raw rows, rollups and latest values store), all in memory: the
/// ingest path never asks the database for one. This server is the only one that adds names; a new one is numbered
/// here and stored by the telemetry writer in the transaction of the first batch that uses it.
class MetricCatalog
{
public:
    /// Reads every stored name.
    [[nodiscard]] Status load(Storage::Database &db);

    /// The id of a name, 0 when no device ever sent it.
    int id(const QString &name) const { return m_ids.value(name, 0); }
    QString name(int id) const { return m_names.value(id); }
    qsizetype size() const { return m_ids.size(); }
    /// Numbers a name nobody sent before (the caller has it stored with its batch); a known one keeps its id.
    int add(const QString &name);

private:
    QHash<QString, int> m_ids;
    QHash<int, QString> m_names;
    int m_next = 1;
};

} // namespace Fleetdeck
