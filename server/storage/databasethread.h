#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QtCore/QObject>
#include <QtCore/QThread>
#include <functional>
#include <memory>

namespace Fleetdeck::Storage {

/// A thread of its own with a database connection of its own, opened there at first use (WAL lets SQLite read
/// beside the writer): for reads and upkeep that must hold neither the main thread, which also takes the devices'
/// messages, nor the telemetry writer.
class DatabaseThread
{
public:
    DatabaseThread(DatabaseUrl url, const QString &name);
    /// Closes the connection on its thread and ends the thread.
    ~DatabaseThread();

    /// Runs `work` on the thread with the connection, or with the error that kept it from opening (which database,
    /// why). `work` answers whether it went well; when not and the connection no longer answers, it is opened again
    /// for the next piece of work.
    using Work = std::function<bool(Result<Database *>)>;
    void post(Work work);

private:
    DatabaseUrl m_url;
    QThread m_thread;
    QObject m_context; ///< lives in m_thread
    std::unique_ptr<Database> m_db;
};

} // namespace Fleetdeck::Storage
