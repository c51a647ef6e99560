#pragma once

// Shared by the benchmarks that store data straight into a server's database (query, rules): the server started as
// a child and waited for, its database opened, and multi-row inserts.

#include "restclient.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QThread>
#include <QtCore/QUrl>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

#include <cstdio>

namespace Fleetdeck::Bench {

/// Starts the server binary with `args` and waits (at most 20 s) until its HTTPS health answers.
inline bool startServerAndWait(QProcess &server, const QStringList &args, quint16 httpPort, const QString &dataDir)
{
    server.start(QStringLiteral(FLEETDECK_SERVER_BINARY), args);
    Sim::RestClient probe(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(httpPort)), dataDir + QStringLiteral("/pki/ca.crt"));
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000) {
        if (probe.loadCa() && probe.requestSync("GET", QStringLiteral("/v1/health")).status == 200)
            return true;
        QThread::msleep(20);
    }
    return false;
}

/// The stopped server's database: the PostgreSQL URL it was given, or its SQLite file in `dataDir`.
inline QSqlDatabase openServerDatabase(const QString &postgresUrl, const QString &dataDir)
{
    QSqlDatabase db;
    if (!postgresUrl.isEmpty()) {
        const QUrl u(postgresUrl);
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("bench"));
        db.setHostName(u.host());
        db.setPort(u.port(5432));
        db.setUserName(u.userName());
        db.setPassword(u.password());
        db.setDatabaseName(u.path().mid(1));
    } else {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench"));
        db.setDatabaseName(dataDir + QStringLiteral("/fleetdeck.db"));
    }
    if (!db.open())
        std::fprintf(stderr, "cannot open the database: %s\n", qPrintable(db.lastError().text()));
    return db;
}

inline bool exec(QSqlQuery &q, const char *what)
{
    if (q.exec())
        return true;
    std::fprintf(stderr, "%s: %s\n", what, qPrintable(q.lastError().text()));
    return false;
}

/// Inserts rows with multi-row VALUES statements of `width` columns, `perStatement` rows at a time.
class BulkInsert
{
public:
    BulkInsert(QSqlDatabase db, QString head, int width, int perStatement = 200) : m_db(db), m_head(std::move(head)), m_width(width), m_per(perStatement) {}
    bool add(const QVariantList &row)
    {
        m_rows.append(row);
        return int(m_rows.size()) < m_per || flush();
    }
    bool flush()
    {
        if (m_rows.isEmpty())
            return true;
        QStringList tuples;
        const QString one = QStringLiteral("(") + QStringList(m_width, QStringLiteral("?")).join(u',') + QStringLiteral(")");
        for (qsizetype i = 0; i < m_rows.size(); ++i)
            tuples << one;
        QSqlQuery q(m_db);
        if (!q.prepare(m_head + tuples.join(u','))) {
            std::fprintf(stderr, "prepare: %s\n", qPrintable(q.lastError().text()));
            return false;
        }
        int i = 0;
        for (const QVariantList &row : std::as_const(m_rows))
            for (const QVariant &v : row)
                q.bindValue(i++, v);
        m_rows.clear();
        return exec(q, "bulk insert");
    }

private:
    QSqlDatabase m_db;
    QString m_head;
    int m_width;
    int m_per;
    QList<QVariantList> m_rows;
};

} // namespace Fleetdeck::Bench
