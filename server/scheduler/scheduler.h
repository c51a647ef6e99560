#pragma once

#include "core/result.h"

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <functional>

namespace Fleetdeck {
namespace Storage { class Database; }

/// The server's timed work on one timer, its jobs kept in the database (`scheduled_jobs`): a job is a key, a kind,
/// a due time, a JSON payload and its attempts. Jobs survive restarts; one that fell due while the server was down
/// runs at start (once, however many runs it missed: a recurring job's next run is then its next due time in the
/// future). A failed run is tried again with a growing pause (1 s doubling, at most an hour) and its error kept.
/// Handlers run on the thread the scheduler lives on and should be quick (hand long work to a thread of its own).
class Scheduler : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<Status(const QJsonObject &payload)>;

    explicit Scheduler(Storage::Database &db, QObject *parent = nullptr);
    ~Scheduler() override;

    /// What runs jobs of `kind`. `everyMs` > 0 makes its jobs recurring with that period.
    void define(const QString &kind, Handler run, qint64 everyMs = 0);
    /// A job `key` of `kind` due at `dueMs`, replacing one of that key (its attempts start again).
    [[nodiscard]] Status schedule(const QString &key, const QString &kind, qint64 dueMs, const QJsonObject &payload = {});
    /// A job `key` of `kind` due at `firstDueMs` unless one of that key is stored already (then it keeps its time):
    /// for recurring upkeep made at every start.
    [[nodiscard]] Status ensure(const QString &key, const QString &kind, qint64 firstDueMs, const QJsonObject &payload = {});
    [[nodiscard]] Status cancel(const QString &key);
    /// Every job of `kind` due before `untilMs` is due at `untilMs` instead (e.g. checks that must wait, after a
    /// start, until the broker has replayed what happened while the server was down).
    [[nodiscard]] Status postpone(const QString &kind, qint64 untilMs);

    /// Runs what is due (what fell due while the server was down too) and arms the timer.
    [[nodiscard]] Status start();
    void stop();
    /// Runs every job due at `nowMs` (the timer calls it; tests call it with a chosen time). Answers how many ran.
    int runDue(qint64 nowMs);

    /// Jobs stored, the next due time, runs and failures since start, and the jobs whose last run failed.
    QJsonObject health();

private:
    void arm();

    Storage::Database &m_db;
    struct Kind
    {
        Handler run;
        qint64 everyMs = 0;
    };
    QHash<QString, Kind> m_kinds;
    QTimer m_timer;
    bool m_started = false;
    bool m_running = false;
    qint64 m_ran = 0;
    qint64 m_failed = 0;
};

} // namespace Fleetdeck
