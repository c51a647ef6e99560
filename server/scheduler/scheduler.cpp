#include "scheduler/scheduler.h"

#include "core/jsonutil.h"
#include "storage/database.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcScheduler, "fleetdeck.server.scheduler", QtInfoMsg)

namespace Fleetdeck {

namespace {
constexpr qint64 kMaxSleepMs = 3600 * 1000; ///< the timer looks again at least hourly (clock changes, other servers)
constexpr int kBatch = 100;                 ///< jobs run per pass; the rest in the next one, right after

QString compact(const QJsonObject &o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }
} // namespace

Scheduler::Scheduler(Storage::Database &db, QObject *parent) : QObject(parent), m_db(db)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        runDue(Storage::nowMs());
        arm();
    });
}

Scheduler::~Scheduler() = default;

void Scheduler::define(const QString &kind, Handler run, qint64 everyMs) { m_kinds.insert(kind, Kind{std::move(run), everyMs}); }

Status Scheduler::schedule(const QString &key, const QString &kind, qint64 dueMs, const QJsonObject &payload)
{
    const QVariantMap b{{QStringLiteral("k"), key}, {QStringLiteral("kind"), kind}, {QStringLiteral("due"), dueMs},
                        {QStringLiteral("p"), compact(payload)}, {QStringLiteral("now"), Storage::nowMs()}};
    auto u = m_db.exec(QStringLiteral("UPDATE scheduled_jobs SET kind = :kind, due_at = :due, payload = :p, attempts = 0, last_error = NULL "
                                      "WHERE job_key = :k"), b);
    if (!u)
        return fail(u.error());
    if (u->numRowsAffected() == 0) {
        auto i = m_db.exec(QStringLiteral("INSERT INTO scheduled_jobs (job_key, kind, due_at, payload, attempts, created_at) "
                                          "VALUES (:k, :kind, :due, :p, 0, :now)"), b);
        if (!i)
            return fail(i.error());
    }
    if (m_started)
        arm();
    return {};
}

Status Scheduler::ensure(const QString &key, const QString &kind, qint64 firstDueMs, const QJsonObject &payload)
{
    auto q = m_db.exec(QStringLiteral("SELECT kind FROM scheduled_jobs WHERE job_key = :k"), {{QStringLiteral("k"), key}});
    if (!q)
        return fail(q.error());
    if (q->next() && q->value(0).toString() == kind)
        return {};
    return schedule(key, kind, firstDueMs, payload);
}

Status Scheduler::cancel(const QString &key)
{
    auto d = m_db.exec(QStringLiteral("DELETE FROM scheduled_jobs WHERE job_key = :k"), {{QStringLiteral("k"), key}});
    if (!d)
        return fail(d.error());
    return {};
}

Status Scheduler::postpone(const QString &kind, qint64 untilMs)
{
    auto u = m_db.exec(QStringLiteral("UPDATE scheduled_jobs SET due_at = :until WHERE kind = :kind AND due_at < :until2"),
                       {{QStringLiteral("until"), untilMs}, {QStringLiteral("until2"), untilMs}, {QStringLiteral("kind"), kind}});
    if (!u)
        return fail(u.error());
    if (m_started)
        arm();
    return {};
}

Status Scheduler::start()
{
    auto q = m_db.exec(QStringLiteral("SELECT COUNT(*), MIN(due_at) FROM scheduled_jobs WHERE due_at <= :now"), {{QStringLiteral("now"), Storage::nowMs()}});
    if (!q)
        return fail(q.error());
    if (q->next() && q->value(0).toInt() > 0)
        qCInfo(lcScheduler).noquote() << QStringLiteral("%1 job(s) fell due while the server was down (the oldest at %2): running them now")
                                             .arg(q->value(0).toInt())
                                             .arg(Json::isoUtc(QDateTime::fromMSecsSinceEpoch(q->value(1).toLongLong(), Qt::UTC)));
    m_started = true;
    runDue(Storage::nowMs());
    arm();
    return {};
}

void Scheduler::stop()
{
    m_started = false;
    m_timer.stop();
}

int Scheduler::runDue(qint64 nowMs)
{
    if (m_running)
        return 0; // a handler that schedules does not run the queue inside itself
    m_running = true;
    int ran = 0;
    for (bool more = true; more;) {
        auto q = m_db.exec(QStringLiteral("SELECT job_key, kind, due_at, payload, attempts FROM scheduled_jobs WHERE due_at <= :now "
                                          "ORDER BY due_at, job_key LIMIT %1").arg(kBatch),
                           {{QStringLiteral("now"), nowMs}});
        if (!q) {
            qCWarning(lcScheduler) << "due jobs not read:" << q.error().message;
            break;
        }
        struct Due
        {
            QString key, kind;
            qint64 dueMs;
            QJsonObject payload;
            int attempts;
        };
        QList<Due> due;
        while (q->next())
            due.append({q->value(0).toString(), q->value(1).toString(), q->value(2).toLongLong(),
                        QJsonDocument::fromJson(q->value(3).toString().toUtf8()).object(), q->value(4).toInt()});
        more = due.size() == kBatch;
        for (const Due &job : std::as_const(due)) {
            const auto kind = m_kinds.constFind(job.kind);
            Status st;
            if (kind == m_kinds.cend())
                st = fail(Error::internal(QStringLiteral("no handler for jobs of kind \"%1\" (made by another version of the server?)").arg(job.kind)));
            else
                st = kind->run(job.payload);
            ++ran;
            QString sql;
            QVariantMap b{{QStringLiteral("k"), job.key}, {QStringLiteral("now"), nowMs}, {QStringLiteral("was"), job.dueMs}};
            if (st) {
                ++m_ran;
                if (kind->everyMs > 0) {
                    // The next run in the future: runs missed while the server was down are not made up one by one.
                    const qint64 periods = (nowMs - job.dueMs) / kind->everyMs + 1;
                    b.insert(QStringLiteral("next"), job.dueMs + periods * kind->everyMs);
                    sql = QStringLiteral("UPDATE scheduled_jobs SET due_at = :next, attempts = 0, last_error = NULL, last_run_at = :now "
                                         "WHERE job_key = :k AND due_at = :was");
                } else {
                    sql = QStringLiteral("DELETE FROM scheduled_jobs WHERE job_key = :k AND due_at = :was");
                }
            } else {
                ++m_failed;
                const int attempts = job.attempts + 1;
                const qint64 pause = std::min<qint64>(kMaxSleepMs, 1000LL << std::min(attempts - 1, 22));
                if (attempts <= 5 || attempts % 20 == 0)
                    qCWarning(lcScheduler).noquote() << QStringLiteral("job %1 (%2) failed (attempt %3), again in %4 s: %5")
                                                            .arg(job.key, job.kind).arg(attempts).arg(pause / 1000).arg(st.error().message);
                b.insert(QStringLiteral("next"), nowMs + pause);
                b.insert(QStringLiteral("a"), attempts);
                b.insert(QStringLiteral("e"), st.error().message.left(1000));
                sql = QStringLiteral("UPDATE scheduled_jobs SET due_at = :next, attempts = :a, last_error = :e, last_run_at = :now "
                                     "WHERE job_key = :k AND due_at = :was");
            }
            // "AND due_at = :was": a handler that moved its own job (schedule() inside the run) keeps that new time.
            if (auto w = m_db.exec(sql, b); !w)
                qCWarning(lcScheduler) << "job" << job.key << "not updated after its run:" << w.error().message;
        }
    }
    m_running = false;
    return ran;
}

void Scheduler::arm()
{
    if (!m_started)
        return;
    auto q = m_db.exec(QStringLiteral("SELECT MIN(due_at) FROM scheduled_jobs"));
    qint64 wait = kMaxSleepMs;
    if (q && q->next() && !q->value(0).isNull())
        wait = std::clamp<qint64>(q->value(0).toLongLong() - Storage::nowMs(), 0, kMaxSleepMs);
    m_timer.start(int(wait));
}

QJsonObject Scheduler::health()
{
    QJsonObject h{{QStringLiteral("ran"), m_ran}, {QStringLiteral("failed"), m_failed}};
    auto q = m_db.exec(QStringLiteral("SELECT COUNT(*), MIN(due_at) FROM scheduled_jobs"));
    if (q && q->next()) {
        h.insert(QStringLiteral("jobs"), q->value(0).toInt());
        if (!q->value(1).isNull())
            h.insert(QStringLiteral("next_due"), Json::isoUtc(QDateTime::fromMSecsSinceEpoch(q->value(1).toLongLong(), Qt::UTC)));
    }
    QJsonArray failing;
    auto f = m_db.exec(QStringLiteral("SELECT job_key, kind, attempts, last_error, due_at FROM scheduled_jobs WHERE attempts > 0 ORDER BY due_at LIMIT 20"));
    while (f && f->next())
        failing.append(QJsonObject{{QStringLiteral("key"), f->value(0).toString()}, {QStringLiteral("kind"), f->value(1).toString()},
                                   {QStringLiteral("attempts"), f->value(2).toInt()}, {QStringLiteral("last_error"), f->value(3).toString()},
                                   {QStringLiteral("next_try"), Json::isoUtc(QDateTime::fromMSecsSinceEpoch(f->value(4).toLongLong(), Qt::UTC))}});
    h.insert(QStringLiteral("failing"), failing);
    return h;
}

} // namespace Fleetdeck
