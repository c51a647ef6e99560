#pragma once

#include "core/result.h"

#include <QtCore/QHash>
#include <QtCore/QString>
#include <QtCore/QVariant>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

struct sqlite3;
struct pg_conn;

namespace Fleetdeck::Storage {

enum class Dialect { Sqlite, Postgres };

/// `sqlite:PATH` or `postgresql://user:pass@host:port/db` (libpq-style URL; `postgres://` is accepted too).
struct DatabaseUrl
{
    Dialect dialect = Dialect::Sqlite;
    QString path;     ///< SQLite file
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString options;  ///< extra libpq connect options ("sslmode=require")

    [[nodiscard]] static Result<DatabaseUrl> parse(const QString &url);
    /// The URL without its password, for logs and health output.
    QString redacted() const;
};

/// One Qt SQL connection with the schema migrations. A Database belongs to the thread that opened it; other
/// threads open their own with `openAnother()`.
class Database
{
public:
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    [[nodiscard]] static Result<std::unique_ptr<Database>> open(const DatabaseUrl &url, const QString &connectionName);
    [[nodiscard]] Result<std::unique_ptr<Database>> openAnother(const QString &connectionName) const;

    Dialect dialect() const { return m_url.dialect; }
    const DatabaseUrl &url() const { return m_url; }
    QSqlDatabase handle() const;
    /// The driver's own connection, for work Qt's API makes slow (multi-row statements, COPY, binary results);
    /// nullptr on the other backend or when the driver has none.
    sqlite3 *sqliteConnection() const;
    pg_conn *postgresConnection() const;

    /// Applies every migration newer than the schema's version, each in its own transaction.
    [[nodiscard]] Status migrate();
    /// The highest applied migration, 0 for an empty database.
    int schemaVersion() const;
    /// The newest migration this build knows.
    static int latestSchemaVersion();
    /// Cheap liveness check (SELECT 1), reconnecting once if the connection dropped.
    bool ping();

    /// Prepares and runs `sql` with named bindings; the error says which statement failed and why.
    [[nodiscard]] Result<QSqlQuery> exec(const QString &sql, const QVariantMap &bindings = {});
    [[nodiscard]] Status transaction();
    [[nodiscard]] Status commit();
    void rollback();

    /// Case-insensitive LIKE for this dialect.
    QString ilike() const { return m_url.dialect == Dialect::Postgres ? QStringLiteral("ILIKE") : QStringLiteral("LIKE"); }
    /// Whether an error from this backend is a unique-constraint violation.
    static bool isUniqueViolation(const QSqlError &e);

private:
    Database(DatabaseUrl url, QString connectionName);
    Status configure();
    Result<QSqlQuery> execOnce(const QString &sql, const QVariantMap &bindings);
    bool isConnectionLost() const;
    bool isConnectionLostNow();

    DatabaseUrl m_url;
    QString m_connectionName;
    QHash<QString, QSqlQuery> m_prepared;
    QSqlQuery *m_lastPrepared = nullptr;
    QSqlError m_lastError;
    bool m_inTransaction = false;
};

/// Current time in ms since the epoch: every stored timestamp uses this unit on both backends.
qint64 nowMs();

} // namespace Fleetdeck::Storage
