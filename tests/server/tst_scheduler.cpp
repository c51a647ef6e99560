// The scheduler on a real SQLite database: jobs persist across a restart, a job that fell due while the server was
// down runs at start, a recurring job runs once for all the runs it missed and then at its next time in the future,
// a failing job is tried again with a growing pause and its error is kept, unknown kinds are kept, not lost.
#include "scheduler/scheduler.h"
#include "storage/database.h"

#include <QtCore/QJsonArray>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

using namespace Fleetdeck;

class TestScheduler : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_opened = 0;

    /// The database of the running test function (each has its own; a "restart" opens it again).
    std::unique_ptr<Storage::Database> open()
    {
        auto url = Storage::DatabaseUrl::parse(QStringLiteral("sqlite:") + m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".db")));
        if (!url)
            return nullptr;
        auto db = Storage::Database::open(*url, QStringLiteral("tst-scheduler-%1").arg(++m_opened));
        if (!db || !(*db)->migrate())
            return nullptr;
        return std::move(*db);
    }
    qint64 dueOf(Storage::Database &db, const QString &key)
    {
        auto q = db.exec(QStringLiteral("SELECT due_at FROM scheduled_jobs WHERE job_key = :k"), {{QStringLiteral("k"), key}});
        return q && q->next() ? q->value(0).toLongLong() : -1;
    }

private Q_SLOTS:
    void jobsSurviveARestartAndCatchUp()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 hour = 3600 * 1000;
        {
            auto db = open();
            QVERIFY(db);
            Scheduler s(*db);
            QVERIFY(s.schedule(QStringLiteral("once"), QStringLiteral("note"), now + hour, {{QStringLiteral("n"), 1}}));
            QVERIFY(s.schedule(QStringLiteral("daily"), QStringLiteral("tick"), now + hour));
            // ensure() keeps a stored job's time.
            QVERIFY(s.ensure(QStringLiteral("daily"), QStringLiteral("tick"), now + 99 * hour));
            QCOMPARE(dueOf(*db, QStringLiteral("daily")), now + hour);
        } // "the server stops"
        auto db = open();
        QVERIFY(db);
        Scheduler s(*db);
        QList<int> notes;
        int ticks = 0;
        s.define(QStringLiteral("note"), [&](const QJsonObject &p) -> Status { notes << p.value(QStringLiteral("n")).toInt(); return {}; });
        s.define(QStringLiteral("tick"), [&](const QJsonObject &) -> Status { ++ticks; return {}; }, hour);
        // Nothing is due yet.
        QCOMPARE(s.runDue(now), 0);
        // Down for three and a half hours: both ran at "start", the daily one once, its next time in the future.
        const qint64 later = now + 4 * hour + hour / 2;
        QCOMPARE(s.runDue(later), 2);
        QCOMPARE(notes, QList<int>{1});
        QCOMPARE(ticks, 1);
        QCOMPARE(dueOf(*db, QStringLiteral("once")), qint64(-1)); // one-shot jobs go when done
        QCOMPARE(dueOf(*db, QStringLiteral("daily")), now + 5 * hour);
        QCOMPARE(s.runDue(later), 0);
    }

    void failuresAreRetriedWithAGrowingPause()
    {
        auto db = open();
        QVERIFY(db);
        Scheduler s(*db);
        int calls = 0;
        s.define(QStringLiteral("flaky"), [&](const QJsonObject &) -> Status {
            return ++calls < 3 ? fail(Error::unavailable(QStringLiteral("the disk is full"))) : Status{};
        });
        const qint64 t0 = 1'000'000'000'000;
        QVERIFY(s.schedule(QStringLiteral("f"), QStringLiteral("flaky"), t0));
        QCOMPARE(s.runDue(t0), 1);
        QCOMPARE(dueOf(*db, QStringLiteral("f")), t0 + 1000);
        const QJsonArray failing = s.health().value(QStringLiteral("failing")).toArray();
        QCOMPARE(failing.size(), 1);
        QCOMPARE(failing.at(0).toObject().value(QStringLiteral("last_error")).toString(), QStringLiteral("the disk is full"));
        QCOMPARE(s.runDue(t0 + 999), 0);
        QCOMPARE(s.runDue(t0 + 1000), 1);
        QCOMPARE(dueOf(*db, QStringLiteral("f")), t0 + 1000 + 2000); // the pause doubles
        QCOMPARE(s.runDue(t0 + 3000), 1);
        QCOMPARE(calls, 3);
        QCOMPARE(dueOf(*db, QStringLiteral("f")), qint64(-1));
        QCOMPARE(s.health().value(QStringLiteral("failed")).toInt(), 2);
        QCOMPARE(s.health().value(QStringLiteral("ran")).toInt(), 1);
    }

    void aJobOfAnUnknownKindIsKept()
    {
        auto db = open();
        QVERIFY(db);
        Scheduler s(*db);
        const qint64 t0 = 2'000'000'000'000;
        QVERIFY(s.schedule(QStringLiteral("future"), QStringLiteral("made.by.a.newer.server"), t0));
        QCOMPARE(s.runDue(t0), 1);
        QVERIFY(dueOf(*db, QStringLiteral("future")) > t0); // not lost: tried again later
        QVERIFY(s.health().value(QStringLiteral("failing")).toArray().at(0).toObject().value(QStringLiteral("last_error"))
                    .toString().contains(QStringLiteral("no handler")));
        QVERIFY(s.cancel(QStringLiteral("future")));
        QCOMPARE(dueOf(*db, QStringLiteral("future")), qint64(-1));
    }

    void aHandlerMayMoveItsOwnJob()
    {
        auto db = open();
        QVERIFY(db);
        Scheduler s(*db);
        const qint64 t0 = 3'000'000'000'000;
        s.define(QStringLiteral("self"), [&](const QJsonObject &) -> Status { return s.schedule(QStringLiteral("me"), QStringLiteral("self"), t0 + 42); });
        QVERIFY(s.schedule(QStringLiteral("me"), QStringLiteral("self"), t0));
        QCOMPARE(s.runDue(t0), 1);
        QCOMPARE(dueOf(*db, QStringLiteral("me")), t0 + 42);
    }

    void theTimerRunsWhatFallsDue()
    {
        auto db = open();
        QVERIFY(db);
        Scheduler s(*db);
        bool ran = false;
        s.define(QStringLiteral("soon"), [&](const QJsonObject &) -> Status { ran = true; return {}; });
        QVERIFY(s.start());
        QVERIFY(s.schedule(QStringLiteral("soon"), QStringLiteral("soon"), QDateTime::currentMSecsSinceEpoch() + 200));
        QTRY_VERIFY_WITH_TIMEOUT(ran, 5000);
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
