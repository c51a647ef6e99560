#include "storage/database.h"

#include "storage/migrations.h"

#include "core/packedreadings.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSet>
#include <QtCore/QUrl>
#include <QtCore/QUrlQuery>
#include <QtSql/QSqlDriver>
#include <QtSql/QSqlError>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcStorage, "fleetdeck.server.storage", QtInfoMsg)

namespace Fleetdeck::Storage {

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

namespace {

/// SQLite aggregate fleetdeck_pack(metric_id, value, text): the readings of a group packed as the raw table stores
/// them (core/packedreadings.h), for migration 8, which turns a row per reading into a row per message.
void packStep(sqlite3_context *ctx, int, sqlite3_value **argv)
{
    auto **acc = static_cast<QByteArray **>(sqlite3_aggregate_context(ctx, sizeof(QByteArray *)));
    if (!acc) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (!*acc)
        *acc = new QByteArray;
    const int metric = sqlite3_value_int(argv[0]);
    if (sqlite3_value_type(argv[2]) != SQLITE_NULL) {
        const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(argv[2]));
        Packed::appendText(**acc, metric, std::string_view(text ? text : "", size_t(sqlite3_value_bytes(argv[2]))));
    } else {
        Packed::appendNumber(**acc, metric, sqlite3_value_double(argv[1]));
    }
}

void packFinal(sqlite3_context *ctx)
{
    auto **acc = static_cast<QByteArray **>(sqlite3_aggregate_context(ctx, 0));
    if (!acc || !*acc) {
        sqlite3_result_zeroblob(ctx, 0);
        return;
    }
    sqlite3_result_blob(ctx, (*acc)->constData(), int((*acc)->size()), SQLITE_TRANSIENT);
    delete *acc;
    *acc = nullptr;
}

} // namespace

Result<DatabaseUrl> DatabaseUrl::parse(const QString &text)
{
    DatabaseUrl u;
    if (text.startsWith(u"sqlite:")) {
        u.dialect = Dialect::Sqlite;
        u.path = text.mid(7);
        if (u.path.startsWith(u"//"))
            u.path = u.path.mid(2);
        if (u.path.isEmpty())
            return fail(Error::invalid(QStringLiteral("sqlite URL needs a file path: sqlite:/path/to/fleetdeck.db")));
        return u;
    }
    if (text.startsWith(u"postgresql://") || text.startsWith(u"postgres://")) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty())
            return fail(Error::invalid(QStringLiteral("malformed PostgreSQL URL; expected postgresql://user:pass@host:port/db")));
        u.dialect = Dialect::Postgres;
        u.host = url.host();
        u.port = url.port(5432);
        u.user = url.userName(QUrl::FullyDecoded);
        u.password = url.password(QUrl::FullyDecoded);
        u.database = url.path().mid(1);
        if (u.database.isEmpty())
            return fail(Error::invalid(QStringLiteral("PostgreSQL URL names no database; expected postgresql://user:pass@host:port/db")));
        QStringList opts;
        const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
        for (const auto &item : items)
            opts << item.first + u'=' + item.second;
        u.options = opts.join(u';');
        return u;
    }
    return fail(Error::invalid(QStringLiteral("unsupported database URL \"%1\"; use sqlite:PATH or postgresql://user:pass@host:port/db").arg(text)));
}

QString DatabaseUrl::redacted() const
{
    if (dialect == Dialect::Sqlite)
        return QStringLiteral("sqlite:") + path;
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

Database::Database(DatabaseUrl url, QString connectionName) : m_url(std::move(url)), m_connectionName(std::move(connectionName)) {}

Database::~Database()
{
    m_lastPrepared = nullptr;
    m_prepared.clear();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase Database::handle() const { return QSqlDatabase::database(m_connectionName, false); }

sqlite3 *Database::sqliteConnection() const
{
    if (m_url.dialect != Dialect::Sqlite)
        return nullptr;
    const QVariant h = handle().driver()->handle();
    return h.isValid() ? *static_cast<sqlite3 *const *>(h.data()) : nullptr;
}

pg_conn *Database::postgresConnection() const
{
    if (m_url.dialect != Dialect::Postgres)
        return nullptr;
    const QVariant h = handle().driver()->handle();
    return h.isValid() ? *static_cast<pg_conn *const *>(h.data()) : nullptr;
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseUrl &url, const QString &connectionName)
{
    std::unique_ptr<Database> self(new Database(url, connectionName));
    QSqlDatabase db;
    if (url.dialect == Dialect::Sqlite) {
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
            return fail(Error::unavailable(QStringLiteral("the Qt SQLite driver is not installed (Debian: libqt6sql6-sqlite)")));
        const QFileInfo fi(url.path);
        if (!QDir().mkpath(fi.absolutePath()))
            return fail(Error::unavailable(QStringLiteral("cannot create the directory of %1").arg(url.path)));
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
        db.setDatabaseName(url.path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    } else {
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
            return fail(Error::unavailable(QStringLiteral("the Qt PostgreSQL driver is not installed (Debian: libqt6sql6-psql)")));
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
        db.setHostName(url.host);
        db.setPort(url.port);
        db.setUserName(url.user);
        db.setPassword(url.password);
        db.setDatabaseName(url.database);
        QString opts = QStringLiteral("connect_timeout=5");
        if (!url.options.isEmpty())
            opts += u';' + url.options;
        db.setConnectOptions(opts);
    }
    if (!db.open())
        return fail(Error::unavailable(QStringLiteral("cannot open %1: %2").arg(url.redacted(), db.lastError().text())));
    if (auto st = self->configure(); !st)
        return fail(st.error());
    return self;
}

Result<std::unique_ptr<Database>> Database::openAnother(const QString &connectionName) const
{
    return open(m_url, connectionName);
}

Status Database::configure()
{
    if (m_url.dialect == Dialect::Sqlite) {
        // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes in WAL mode.
        for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
            auto r = exec(QString::fromLatin1(pragma));
            if (!r)
                return fail(r.error());
        }
        sqlite3 *conn = sqliteConnection();
        if (!conn || sqlite3_create_function_v2(conn, "fleetdeck_pack", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, nullptr, packStep,
                                                packFinal, nullptr) != SQLITE_OK)
            return fail(Error::unavailable(QStringLiteral("cannot register fleetdeck_pack() on %1").arg(m_url.redacted())));
    } else {
        auto r = exec(QStringLiteral("SET client_min_messages TO WARNING"));
        if (!r)
            return fail(r.error());
    }
    return {};
}

Result<QSqlQuery> Database::exec(const QString &sql, const QVariantMap &bindings)
{
    auto result = execOnce(sql, bindings);
    // A connection the database dropped (restart, failover, an administrator) is reopened and the statement run
    // again, once, when no transaction was open on it: the server heals without a restart.
    if (!result && result.error().code == ErrorCode::Unavailable && !m_inTransaction && isConnectionLost()) {
        qCWarning(lcStorage) << "database connection lost; reconnecting to" << m_url.redacted();
        if (ping())
            result = execOnce(sql, bindings);
    }
    return result;
}

bool Database::isConnectionLost() const
{
    const QSqlError err = m_lastError;
    const QString code = err.nativeErrorCode();
    return err.type() == QSqlError::ConnectionError || code.startsWith(QStringLiteral("08")) || code.startsWith(QStringLiteral("57P"))
           || err.text().contains(QStringLiteral("server closed the connection")) || err.text().contains(QStringLiteral("no connection to the server"))
           || err.text().contains(QStringLiteral("database not open"));
}

Result<QSqlQuery> Database::execOnce(const QString &sql, const QVariantMap &bindings)
{
    bool ok = false;
    // The previous statement's rows have been read by now (callers never interleave two result sets); releasing
    // it ends its read snapshot, which on SQLite would otherwise keep the WAL from being checkpointed.
    if (m_lastPrepared)
        m_lastPrepared->finish();
    m_lastPrepared = nullptr;
    QSqlQuery q(handle());
    if (bindings.isEmpty()) {
        q.setForwardOnly(true);
        ok = q.exec(sql);
    } else {
        // Statements with parameters are prepared once per connection and reused: on PostgreSQL a fresh
        // QSqlQuery costs a PREPARE and a DEALLOCATE round trip on top of the EXECUTE.
        auto cached = m_prepared.find(sql);
        if (cached == m_prepared.end()) {
            QSqlQuery prepared(handle());
            prepared.setForwardOnly(true);
            if (!prepared.prepare(sql)) {
                m_lastError = prepared.lastError();
                return fail(Error::unavailable(QStringLiteral("SQL prepare failed: %1 [%2]").arg(prepared.lastError().text(), sql.left(120))));
            }
            if (m_prepared.size() > 256)
                m_prepared.clear(); // unbounded SQL text would be a bug; stay bounded anyway
            cached = m_prepared.insert(sql, prepared);
        }
        // Copies share the prepared statement (deprecated in Qt 6, still supported): the caller reads the result
        // of this execution, the cache keeps the statement.
        QT_WARNING_PUSH
        QT_WARNING_DISABLE_DEPRECATED
        q = *cached;
        QT_WARNING_POP
        m_lastPrepared = &cached.value();
        for (auto it = bindings.cbegin(); it != bindings.cend(); ++it)
            q.bindValue(QLatin1Char(':') + it.key(), it.value());
        ok = q.exec();
    }
    if (!ok) {
        const QSqlError err = q.lastError();
        m_lastError = err;
        if (isUniqueViolation(err))
            return fail(Error::conflict(err.text()));
        return fail(Error::unavailable(QStringLiteral("SQL failed: %1 [%2]").arg(err.text(), sql.left(120))));
    }
    return q;
}

bool Database::isUniqueViolation(const QSqlError &e)
{
    const QString code = e.nativeErrorCode();
    // PostgreSQL SQLSTATE 23505; SQLite extended codes 2067 (UNIQUE) and 1555 (PRIMARY KEY).
    // QSQLITE reports the primary result code (19, SQLITE_CONSTRAINT), so the text decides there.
    return code == u"23505" || code == u"2067" || code == u"1555"
           || e.databaseText().contains(QStringLiteral("UNIQUE constraint failed"))
           || e.driverText().contains(QStringLiteral("UNIQUE constraint failed"))
           || e.text().contains(QStringLiteral("UNIQUE constraint failed"));
}

Status Database::transaction()
{
    // A statement still open from before (a SELECT whose rows were not all read) holds a read snapshot that BEGIN
    // would take over: the transaction's first write then fails at once with SQLITE_BUSY_SNAPSHOT ("database is
    // locked") whenever another connection (the telemetry writer) committed meanwhile. Close it first.
    if (m_lastPrepared)
        m_lastPrepared->finish();
    m_lastPrepared = nullptr;
    if (!handle().transaction() && !(isConnectionLostNow() && ping() && handle().transaction()))
        return fail(Error::unavailable(QStringLiteral("cannot begin a transaction: %1").arg(handle().lastError().text())));
    m_inTransaction = true;
    return {};
}

Status Database::commit()
{
    m_inTransaction = false;
    if (!handle().commit())
        return fail(Error::unavailable(QStringLiteral("commit failed: %1").arg(handle().lastError().text())));
    return {};
}

void Database::rollback()
{
    m_inTransaction = false;
    handle().rollback();
}

bool Database::isConnectionLostNow()
{
    m_lastError = handle().lastError();
    return !handle().isOpen() || isConnectionLost();
}

bool Database::ping()
{
    QSqlQuery q(handle());
    if (q.exec(QStringLiteral("SELECT 1")))
        return true;
    QSqlDatabase db = handle();
    m_lastPrepared = nullptr;
    m_prepared.clear();
    db.close();
    return db.open() && configure().has_value() && QSqlQuery(db).exec(QStringLiteral("SELECT 1"));
}

int Database::latestSchemaVersion()
{
    int v = 0;
    for (const Migration &m : migrations())
        v = std::max(v, m.version);
    return v;
}

int Database::schemaVersion() const
{
    QSqlQuery q(handle());
    if (!q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) || !q.next())
        return 0;
    return q.value(0).toInt();
}

Status Database::migrate()
{
    auto r = exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
    if (!r)
        return fail(r.error());
    const int current = schemaVersion();
    if (current > latestSchemaVersion())
        return fail(Error::unavailable(QStringLiteral("the database schema (version %1) is newer than this server knows (%2); upgrade the server").arg(current).arg(latestSchemaVersion())));
    // Applied by set, not by "newer than the newest": a migration that landed with a lower number than one already
    // applied elsewhere still runs.
    QSet<int> applied;
    {
        auto q = exec(QStringLiteral("SELECT version FROM schema_migrations"));
        if (!q)
            return fail(q.error());
        while (q->next())
            applied.insert(q->value(0).toInt());
    }
    QList<Migration> pending;
    for (const Migration &m : migrations())
        if (!applied.contains(m.version))
            pending << m;
    std::sort(pending.begin(), pending.end(), [](const Migration &a, const Migration &b) { return a.version < b.version; });
    for (const Migration &m : pending) {
        QElapsedTimer clock;
        clock.start();
        if (!applied.isEmpty()) // an upgrade: a migration that rewrites a big table can take minutes; say so first
            qCInfo(lcStorage).noquote() << QStringLiteral("upgrading the database: applying migration %1 \"%2\" on %3 ...").arg(m.version).arg(m.name, m_url.redacted());
        if (auto st = transaction(); !st)
            return st;
        const QStringList &statements = m_url.dialect == Dialect::Postgres ? m.postgres : m.sqlite;
        for (const QString &sql : statements) {
            auto q = exec(sql);
            if (!q) {
                rollback();
                return fail(Error::unavailable(QStringLiteral("migration %1 (%2) failed: %3").arg(m.version).arg(m.name, q.error().message)));
            }
        }
        auto rec = exec(QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)"),
                        {{QStringLiteral("v"), m.version}, {QStringLiteral("n"), m.name}, {QStringLiteral("t"), nowMs()}});
        if (!rec) {
            rollback();
            return fail(rec.error());
        }
        if (auto st = commit(); !st)
            return st;
        qCInfo(lcStorage).noquote() << QStringLiteral("applied migration %1 \"%2\" on %3 in %4 ms").arg(m.version).arg(m.name, m_url.redacted()).arg(clock.elapsed());
    }
    return {};
}

} // namespace Fleetdeck::Storage
