// Storage: database URLs, migrations on SQLite and PostgreSQL (fresh, repeated, data kept, newer schema refused).
#include "storage/database.h"
#include "storage/migrations.h"
#include "testsupport.h"

#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlQuery>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Storage;

class TestStorage : public QObject
{
    Q_OBJECT

    /// A database URL for the backend of the current row; QSKIP when PostgreSQL is not available.
    QString m_url;
    QTemporaryDir m_dir;
    std::unique_ptr<Test::PgDatabase> m_pg;

private Q_SLOTS:
    void urlsAreParsed_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("expect");
        QTest::newRow("sqlite") << QStringLiteral("sqlite:/var/lib/fd.db") << true << QStringLiteral("sqlite:/var/lib/fd.db");
        QTest::newRow("sqlite slashes") << QStringLiteral("sqlite:///var/lib/fd.db") << true << QStringLiteral("sqlite:/var/lib/fd.db");
        QTest::newRow("postgres") << QStringLiteral("postgresql://fd:s3cret@db.example:6543/fleet") << true << QStringLiteral("postgresql://fd@db.example:6543/fleet");
        QTest::newRow("postgres default port") << QStringLiteral("postgres://fd@db/fleet") << true << QStringLiteral("postgresql://fd@db:5432/fleet");
        QTest::newRow("sqlite without path") << QStringLiteral("sqlite:") << false << QStringLiteral("file path");
        QTest::newRow("postgres without db") << QStringLiteral("postgresql://fd@db:5432/") << false << QStringLiteral("no database");
        QTest::newRow("mysql") << QStringLiteral("mysql://x@y/z") << false << QStringLiteral("unsupported");
        QTest::newRow("empty") << QString() << false << QStringLiteral("unsupported");
    }

    void urlsAreParsed()
    {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        QFETCH(QString, expect);
        const auto r = DatabaseUrl::parse(url);
        QCOMPARE(r.has_value(), ok);
        if (ok) {
            QCOMPARE(r->redacted(), expect);
            QVERIFY(!r->redacted().contains(QStringLiteral("s3cret")));
        } else {
            QVERIFY2(r.error().message.contains(expect), qPrintable(r.error().message));
        }
    }

    void migrations_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void migrations()
    {
        QFETCH(QString, backend);
        QString url;
        if (backend == u"postgresql") {
            if (!Test::PgDatabase::available())
                QSKIP("FLEETDECK_TEST_PG_URL is not set (./test.sh starts PostgreSQL and sets it)");
            m_pg = std::make_unique<Test::PgDatabase>();
            QVERIFY2(!m_pg->url().isEmpty(), qPrintable(m_pg->error()));
            url = m_pg->url();
        } else {
            url = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("m.db"));
        }
        const auto parsed = DatabaseUrl::parse(url);
        QVERIFY(parsed.has_value());
        {
            auto db = Database::open(*parsed, QStringLiteral("m1"));
            QVERIFY2(db.has_value(), db ? "" : qPrintable(db.error().message));
            QCOMPARE((*db)->schemaVersion(), 0);
            QVERIFY((*db)->migrate().has_value());
            QCOMPARE((*db)->schemaVersion(), Database::latestSchemaVersion());
            // Every table of the latest schema exists and takes a row.
            QVERIFY((*db)->exec(QStringLiteral("INSERT INTO tenants (id, name, created_at) VALUES ('t1', 'acme', 1)")).has_value());
            QVERIFY((*db)->exec(QStringLiteral("INSERT INTO devices (id, tenant_id, serial_number, device_type, status, created_at, updated_at) "
                                               "VALUES ('d1', 't1', 'S1', 'x', 'provisioned', 1, 1)")).has_value());
            // The unique (tenant, serial) constraint is there and reported as a conflict.
            auto dup = (*db)->exec(QStringLiteral("INSERT INTO devices (id, tenant_id, serial_number, device_type, status, created_at, updated_at) "
                                                  "VALUES ('d2', 't1', 'S1', 'x', 'provisioned', 1, 1)"));
            QVERIFY(!dup.has_value());
            QCOMPARE(dup.error().code, ErrorCode::Conflict);
        }
        {
            // Reopening and migrating again changes nothing and keeps the data.
            auto db = Database::open(*parsed, QStringLiteral("m2"));
            QVERIFY(db.has_value());
            QVERIFY((*db)->migrate().has_value());
            auto q = (*db)->exec(QStringLiteral("SELECT COUNT(*) FROM devices"));
            QVERIFY(q.has_value() && q->next());
            QCOMPARE(q->value(0).toInt(), 1);
            auto applied = (*db)->exec(QStringLiteral("SELECT COUNT(*) FROM schema_migrations"));
            QVERIFY(applied.has_value() && applied->next());
            QCOMPARE(applied->value(0).toInt(), int(Storage::migrations().size()));
            // A schema from a newer server is refused, not "migrated".
            QVERIFY((*db)->exec(QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 1)")).has_value());
            const auto st = (*db)->migrate();
            QVERIFY(!st.has_value());
            QVERIFY2(st.error().message.contains(QStringLiteral("newer")), qPrintable(st.error().message));
        }
        m_pg.reset();
    }

    void unreachablePostgresIsAClearError()
    {
        const auto parsed = DatabaseUrl::parse(QStringLiteral("postgresql://nobody:x@127.0.0.1:%1/nothing").arg(Test::freePort()));
        QVERIFY(parsed.has_value());
        auto db = Database::open(*parsed, QStringLiteral("down"));
        QVERIFY(!db.has_value());
        QCOMPARE(db.error().code, ErrorCode::Unavailable);
        QVERIFY2(db.error().message.contains(QStringLiteral("cannot open postgresql://nobody@127.0.0.1")), qPrintable(db.error().message));
        QVERIFY(!db.error().message.contains(QStringLiteral(":x@")));
    }

    void sqliteUsesWal()
    {
        const auto parsed = DatabaseUrl::parse(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("wal.db")));
        auto db = Database::open(*parsed, QStringLiteral("wal"));
        QVERIFY(db.has_value());
        auto q = (*db)->exec(QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(q.has_value() && q->next());
        QCOMPARE(q->value(0).toString(), QStringLiteral("wal"));
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
