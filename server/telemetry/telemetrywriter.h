#pragma once

#include "storage/database.h"
#include "telemetry/telemetrytypes.h"

#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <QtSql/QSqlQuery>
#include <array>
#include <deque>
#include <map>
#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace Fleetdeck {

/// The storage writer: lives in its own thread with its own connection and writes each batch in one
/// transaction (SQLite: prepared inserts; PostgreSQL: COPY for the raw rows), with rollups, latest values, device
/// progress and last_seen_at. A failed batch is retried, in order, until it commits: nothing acknowledged is lost.
class TelemetryWriter : public QObject
{
    Q_OBJECT
public:
    /// `fullSync`: on SQLite, commit with synchronous=FULL (the WAL is synced at every commit, so an acknowledged
    /// batch survives power loss); otherwise NORMAL (synced at checkpoints: survives a crash of the process only).
    explicit TelemetryWriter(Storage::DatabaseUrl url, bool fullSync = true);
    ~TelemetryWriter() override;

    /// Called in the writer's thread (queued). Takes ownership of the batch.
    void enqueue(TelemetryStore::Batch batch);
    /// Opens the connection; called in the writer's thread once it runs.
    void open();

Q_SIGNALS:
    void committed(const Fleetdeck::TelemetryStore::BatchResult &result);
    void failing(const QString &error, int queuedBatches);
    void recovered();
    /// The connection is open; `durability` is what it commits with, read back from the database
    /// ("sqlite synchronous=full", "postgresql synchronous_commit=on", ...).
    void opened(const QString &durability);

private:
    void drain();
    Status write(const TelemetryStore::Batch &batch);
    /// SQLite: the whole batch on the C API with multi-row statements (Qt's binding, a QVariant per value and a
    /// statement per row, cost more than SQLite's own work).
    Status writeSqlite(const TelemetryStore::Batch &batch, const std::vector<const TelemetryStore::Row *> &sorted);
    /// PostgreSQL: the batch's messages, readings packed, in one binary COPY.
    Status copyRows(const TelemetryStore::Batch &batch);
    /// PostgreSQL: from the batch's rows in key order, 64 rows per statement.
    Status writeRollups(const std::vector<const TelemetryStore::Row *> &sorted);
    Status writeLatest(const std::vector<const TelemetryStore::Row *> &sorted);
    Status writeProgress(const TelemetryStore::Batch &batch);
    void dropStatements();
    Result<QSqlQuery *> statement(int slot, const QString &sql);
    /// PostgreSQL: `head` + `rows` times `row` + `tail`, prepared once per slot, size and connection.
    Result<QSqlQuery *> chunkStatement(int slot, int rows, const QString &head, const QString &row, const QString &tail);
    template<typename Item, typename Bind>
    Status runChunked(int slot, const std::vector<Item> &items, const QString &head, const QString &row, int arity, const QString &tail,
                      const char *what, Bind &&bind);
    enum StatementSlot { kRollup1m, kRollup1h, kLatest, kProgress, kLastSeen, kStatementCount };

    Storage::DatabaseUrl m_url;
    bool m_fullSync = true;
    std::unique_ptr<Storage::Database> m_db;
    struct SqliteStatements;
    std::unique_ptr<SqliteStatements> m_lite; ///< SQLite: prepared once per connection
    std::array<std::unique_ptr<QSqlQuery>, kStatementCount> m_statements; ///< prepared once per connection
    std::map<std::pair<int, int>, std::unique_ptr<QSqlQuery>> m_chunked;   ///< by slot and rows per statement
    std::deque<TelemetryStore::Batch> m_queue;
    QByteArray m_packed; ///< the batch's packed readings (core/packedreadings.h), reused
    QTimer m_retry{this}; ///< a child, so that moveToThread takes it along to the writer's thread
    /// SQLite: the WAL is checkpointed here, off the main thread (whose connection does not checkpoint itself, so
    /// that a REST request never waits for thousands of pages to be copied back).
    QTimer m_checkpoint{this};
    int m_backoffMs = 0;
    int m_attempts = 0;
    bool m_failing = false;
};

} // namespace Fleetdeck
