// Storage: database URLs, migrations on SQLite and PostgreSQL (fresh, repeated, data kept, newer schema refused).
#include "core/packedreadings.h"
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

    static void backends()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    /// The URL of a fresh database of `backend` (SQLite: `file` in the test's directory); QSKIP without PostgreSQL.
    void freshDatabase(const QString &backend, const QString &file, QString &url)
    {
        if (backend == u"postgresql") {
            if (!Test::PgDatabase::available())
                QSKIP("FLEETDECK_TEST_PG_URL is not set (./test.sh starts PostgreSQL and sets it)");
            m_pg = std::make_unique<Test::PgDatabase>();
            QVERIFY2(!m_pg->url().isEmpty(), qPrintable(m_pg->error()));
            url = m_pg->url();
        } else {
            url = QStringLiteral("sqlite:") + m_dir.filePath(file);
        }
    }

    void migrations_data() { backends(); }

    void migrations()
    {
        QFETCH(QString, backend);
        QString url;
        freshDatabase(backend, QStringLiteral("m.db"), url);
        if (url.isEmpty())
            return; // skipped or failed in freshDatabase()
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

    void rawTelemetryIsPackedPerMessage_data() { backends(); }

    void rawTelemetryIsPackedPerMessage()
    {
        // A database with a row per reading (SQLite schema 7, PostgreSQL schema 8, day partitions) is upgraded to a
        // row per message with its readings packed: SQLite's migration 8, PostgreSQL's 9.
        QFETCH(QString, backend);
        const bool pg = backend == u"postgresql";
        QString url;
        freshDatabase(backend, QStringLiteral("v7.db"), url);
        if (url.isEmpty())
            return; // skipped or failed in freshDatabase()
        const auto parsed = DatabaseUrl::parse(url);
        auto db = Database::open(*parsed, QStringLiteral("v7-") + backend);
        QVERIFY(db.has_value());
        Database &d = **db;
        const int packing = pg ? 9 : 8;
        QVERIFY(d.exec(QStringLiteral("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)")).has_value());
        QVERIFY(d.exec(QStringLiteral("INSERT INTO schema_migrations VALUES (%1, 'held back', 1)").arg(packing)).has_value());
        QVERIFY(d.migrate().has_value()); // all but the packing one
        QVERIFY(d.exec(QStringLiteral("SELECT metric_id, value, text FROM telemetry")).has_value());
        if (pg) // the first day of 1970 gets a partition of its own, as the server makes them
            QVERIFY(d.exec(QStringLiteral("CREATE TABLE telemetry_p19700101 PARTITION OF telemetry FOR VALUES FROM (0) TO (86400000)")).has_value());
        const QString text = QStringLiteral("Tür offen \u2013 ünten");
        for (const auto &[key, metric, ts, seq, value, t] : std::initializer_list<std::tuple<int, int, qint64, qint64, double, QString>>{
                 {1, 1, 1000, 1, 21.5, {}}, {1, 2, 1000, 1, 0, text}, {1, 3, 1000, 1, 1, {}},
                 {1, 1, 2000, 2, -3.25, {}}, {2, 1, 1500, 7, 1e300, {}}, {1, 1, 500, 9, 0.1, {}}}) {
            QVERIFY(d.exec(QStringLiteral("INSERT INTO telemetry (device_key, metric_id, ts, seq, value, text) VALUES (:k, :m, :ts, :seq, :v, :t)"),
                           {{QStringLiteral("k"), key}, {QStringLiteral("m"), metric}, {QStringLiteral("ts"), ts}, {QStringLiteral("seq"), seq},
                            {QStringLiteral("v"), t.isNull() ? QVariant(value) : QVariant()}, {QStringLiteral("t"), t.isNull() ? QVariant() : QVariant(t)}})
                        .has_value());
        }
        QVERIFY(d.exec(QStringLiteral("DELETE FROM schema_migrations WHERE version = %1").arg(packing)).has_value());
        const auto migrated = d.migrate();
        QVERIFY2(migrated.has_value(), migrated ? "" : qPrintable(migrated.error().message));
        QCOMPARE(d.schemaVersion(), Database::latestSchemaVersion());

        auto rows = d.exec(QStringLiteral("SELECT device_key, ts, seq, readings FROM telemetry ORDER BY device_key, ts, seq"));
        QVERIFY(rows.has_value());
        QStringList got;
        while (rows->next()) {
            const QByteArray packed = rows->value(3).toByteArray();
            QStringList readings;
            QVERIFY(Packed::forEach(packed.constData(), packed.size(), [&](const Packed::Reading &r) {
                readings << QStringLiteral("%1=%2").arg(r.metricId).arg(r.isText ? QString::fromUtf8(r.text.data(), qsizetype(r.text.size()))
                                                                                  : QString::number(r.value, 'g', 17));
            }));
            readings.sort();
            got << QStringLiteral("%1/%2/%3: %4").arg(rows->value(0).toString(), rows->value(1).toString(), rows->value(2).toString(), readings.join(u' '));
        }
        const QStringList expected{QStringLiteral("1/500/9: 1=0.10000000000000001"),
                                   QStringLiteral("1/1000/1: 1=21.5 2=%1 3=1").arg(text),
                                   QStringLiteral("1/2000/2: 1=-3.25"),
                                   QStringLiteral("2/1500/7: 1=1.0000000000000001e+300")};
        QCOMPARE(got, expected);
        // The old layout is gone.
        QVERIFY(!d.exec(QStringLiteral("SELECT metric_id FROM telemetry")).has_value());
        if (pg) {
            // The day's partition is there again, with the rows of that day; the old tables are gone.
            auto inDay = d.exec(QStringLiteral("SELECT COUNT(*) FROM telemetry_p19700101"));
            QVERIFY(inDay.has_value() && inDay->next());
            QCOMPARE(inDay->value(0).toInt(), 4);
            auto old = d.exec(QStringLiteral("SELECT COUNT(*) FROM pg_class WHERE relname LIKE 'v8\\_%'"));
            QVERIFY(old.has_value() && old->next());
            QCOMPARE(old->value(0).toInt(), 0);
            auto partitions = d.exec(QStringLiteral("SELECT COUNT(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'telemetry'"));
            QVERIFY(partitions.has_value() && partitions->next());
            QCOMPARE(partitions->value(0).toInt(), 2); // the day and the default
        } else {
            // A message stored again is ignored by its key.
            QVERIFY(d.exec(QStringLiteral("INSERT OR IGNORE INTO telemetry (device_key, ts, seq, readings) VALUES (1, 2000, 2, x'00')")).has_value());
            auto count = d.exec(QStringLiteral("SELECT COUNT(*) FROM telemetry"));
            QVERIFY(count.has_value() && count->next());
            QCOMPARE(count->value(0).toInt(), 4);
        }
        db->reset();
        m_pg.reset();
    }

    void packedReadingsRoundTripAndRefuseDamage()
    {
        QByteArray packed;
        Packed::appendNumber(packed, 1, 21.5);
        Packed::appendText(packed, 300, QStringView(u"h\u00e9llo"));
        Packed::appendNumber(packed, 1 << 20, -1.5e-7);
        Packed::appendText(packed, 5, QStringView());
        QStringList seen;
        QVERIFY(Packed::forEach(packed.constData(), packed.size(), [&](const Packed::Reading &r) {
            seen << QStringLiteral("%1:%2:%3").arg(r.metricId).arg(r.isText).arg(r.isText ? QString::fromUtf8(r.text.data(), qsizetype(r.text.size()))
                                                                                       : QString::number(r.value));
        }));
        QCOMPARE(seen, (QStringList{QStringLiteral("1:0:21.5"), QStringLiteral("300:1:h\u00e9llo"), QStringLiteral("1048576:0:-1.5e-07"), QStringLiteral("5:1:")}));
        // Every cut-short prefix is refused (after the readings before the cut), never read past its end.
        for (qsizetype n = 0; n < packed.size(); ++n) {
            const QByteArray cut = packed.left(n);
            int readings = 0;
            const bool ok = Packed::forEach(cut.constData(), cut.size(), [&](const Packed::Reading &) { ++readings; });
            QVERIFY(readings < 4);
            QVERIFY2(ok == (n == 0 || n == 9 || n == 9 + 2 + 1 + 6 || n == 9 + 9 + 4 + 8), qPrintable(QString::number(n)));
        }
        // A varint that never ends, and a text length past the end.
        QVERIFY(!Packed::forEach("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11, [](const Packed::Reading &) {}));
        QVERIFY(!Packed::forEach("\x03\x7f" "ab", 4, [](const Packed::Reading &) {}));
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
