#include "notifications/notificationservice.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "core/jsonutil.h"
#include "devices/devicedirectory.h"
#include "events/eventbus.h"
#include "notifications/sender.h"
#include "scheduler/scheduler.h"
#include "storage/database.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>

Q_LOGGING_CATEGORY(lcNotify, "fleetdeck.server.notifications", QtInfoMsg)

namespace Fleetdeck {

using namespace Notify;

namespace {

const QString kDeliverJob = QStringLiteral("notify.deliver");
const QString kEscalateJob = QStringLiteral("notify.escalate");
const QString kCursor = QStringLiteral("alert_events");
constexpr int kBatch = 200;
constexpr int kMaxChannels = 50;
constexpr int kMaxPolicies = 50;
constexpr qint64 kWatchdogExtraMs = 60000; ///< a try that never ended (the server stopped during it) is made again

QString jobKey(const QString &deliveryId) { return QStringLiteral("notify:") + deliveryId; }
QString compact(const QJsonObject &o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }
QVariant nullable(const QString &s) { return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s); }
Status done(const Result<QSqlQuery> &r) { return r ? Status{} : fail(r.error()); }
QString iso(qint64 ms) { return Json::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)); }

/// The alert history's kinds as a policy's events name them; empty: not notified.
QString eventOf(const QString &kind)
{
    if (kind == u"raised" || kind == u"raised_again")
        return QStringLiteral("raised");
    if (kind == u"acknowledged" || kind == u"acknowledged_and_closed")
        return QStringLiteral("acknowledged");
    if (kind == u"cleared" || kind == u"cleared_and_closed")
        return QStringLiteral("cleared");
    if (kind == u"closed" || kind == u"cleared_by_operator")
        return QStringLiteral("closed");
    return {};
}

QString verb(const QString &event)
{
    if (event == u"raised")
        return QStringLiteral("raised");
    if (event == u"escalated")
        return QStringLiteral("not acknowledged (escalated)");
    if (event == u"acknowledged")
        return QStringLiteral("acknowledged");
    if (event == u"cleared")
        return QStringLiteral("returned to normal");
    return QStringLiteral("closed");
}

const char *kDeliveryColumns = "id, tenant_id, channel_id, channel_name, channel_kind, policy_id, alert_id, event, recipient, status, attempts, "
                               "payload, created_at, next_attempt_at, last_attempt_at, delivered_at, response_code, response, last_error, updated_at";

Delivery deliveryFrom(const QSqlQuery &q)
{
    Delivery d;
    int i = 0;
    d.id = q.value(i++).toString();
    d.tenantId = q.value(i++).toString();
    d.channelId = q.value(i++).toString();
    d.channelName = q.value(i++).toString();
    d.channelKind = channelKind(q.value(i++).toString()).value_or(ChannelKind::Webhook);
    d.policyId = q.value(i++).toString();
    d.alertId = q.value(i++).toString();
    d.event = q.value(i++).toString();
    d.recipient = q.value(i++).toString();
    d.status = q.value(i++).toString();
    d.attempts = q.value(i++).toInt();
    d.payload = QJsonDocument::fromJson(q.value(i++).toString().toUtf8()).object();
    d.createdAt = q.value(i++).toLongLong();
    d.nextAttemptAt = q.value(i++).toLongLong();
    d.lastAttemptAt = q.value(i++).toLongLong();
    d.deliveredAt = q.value(i++).toLongLong();
    d.responseCode = q.value(i++).toInt();
    d.response = q.value(i++).toString();
    d.lastError = q.value(i++).toString();
    d.updatedAt = q.value(i++).toLongLong();
    return d;
}

} // namespace

/// One entry of the alert history with the alert as it is now.
struct NotificationService::EventRow
{
    qint64 id = 0;
    QString kind, actor, note;
    qint64 at = 0;
    QString alertId, tenantId, sourceKey, ruleId, ruleName, deviceId, severity, message, metric, suppressed, ackBy, ackNote;
    QVariant value;
    bool active = false, acknowledged = false, closed = false, chattering = false, shelved = false, outOfService = false;
    int occurrences = 1;
    qint64 raisedAt = 0;
};

NotificationService::NotificationService(Storage::Database &db, Scheduler &scheduler, EventBus &bus, const DeviceDirectory &devices,
                                         Options options, QObject *parent)
    : QObject(parent), m_db(db), m_scheduler(scheduler), m_devices(devices), m_options(options),
      m_sender(new Sender(options.attemptTimeoutMs, this))
{
    m_drainSoon.setSingleShot(true);
    m_drainSoon.setInterval(0);
    connect(&m_drainSoon, &QTimer::timeout, this, &NotificationService::drain);
    connect(&bus, &EventBus::alertChanged, this, [this] { m_drainSoon.start(); });
}

NotificationService::~NotificationService() = default;

Status NotificationService::load()
{
    auto c = m_db.exec(QStringLiteral("SELECT id, tenant_id, name, kind, config, is_active, created_by, created_at, updated_at FROM notification_channels"));
    if (!c)
        return fail(c.error());
    while (c->next()) {
        Channel ch;
        ch.id = c->value(0).toString();
        ch.tenantId = c->value(1).toString();
        ch.name = c->value(2).toString();
        ch.kind = channelKind(c->value(3).toString()).value_or(ChannelKind::Webhook);
        ch.config = QJsonDocument::fromJson(c->value(4).toString().toUtf8()).object();
        ch.active = c->value(5).toBool();
        ch.createdBy = c->value(6).toString();
        ch.createdAt = c->value(7).toLongLong();
        ch.updatedAt = c->value(8).toLongLong();
        m_channels.insert(ch.id, ch);
    }
    auto p = m_db.exec(QStringLiteral("SELECT id, tenant_id, name, definition, is_active, created_by, created_at, updated_at FROM notification_policies"));
    if (!p)
        return fail(p.error());
    while (p->next()) {
        QJsonObject body = QJsonDocument::fromJson(p->value(3).toString().toUtf8()).object();
        body.insert(QStringLiteral("name"), p->value(2).toString());
        auto parsed = parsePolicy(body);
        if (!parsed) {
            qCWarning(lcNotify) << "stored notification policy" << p->value(0).toString() << "no longer parses, skipped:" << parsed.error().message;
            continue;
        }
        parsed->id = p->value(0).toString();
        parsed->tenantId = p->value(1).toString();
        parsed->active = p->value(4).toBool();
        parsed->createdBy = p->value(5).toString();
        parsed->createdAt = p->value(6).toLongLong();
        parsed->updatedAt = p->value(7).toLongLong();
        m_policies.insert(parsed->id, *parsed);
    }
    // Where the hand-on stopped; a new installation starts at the end (old history is not notified).
    auto cur = m_db.exec(QStringLiteral("SELECT last_id FROM notification_cursor WHERE name = :n"), {{QStringLiteral("n"), kCursor}});
    if (!cur)
        return fail(cur.error());
    if (cur->next()) {
        m_cursor = cur->value(0).toLongLong();
    } else {
        auto max = m_db.exec(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM alert_events"));
        if (!max || !max->next())
            return fail(max ? Error::internal(QStringLiteral("no answer")) : max.error());
        m_cursor = max->value(0).toLongLong();
        if (auto i = m_db.exec(QStringLiteral("INSERT INTO notification_cursor (name, last_id) VALUES (:n, :c)"),
                               {{QStringLiteral("n"), kCursor}, {QStringLiteral("c"), m_cursor}});
            !i)
            return fail(i.error());
    }
    m_scheduler.define(kDeliverJob, [this](const QJsonObject &payload) { return runDeliver(payload); });
    m_scheduler.define(kEscalateJob, [this](const QJsonObject &payload) { return runEscalate(payload); });
    m_drainSoon.start(); // what was committed while the server stopped
    return {};
}

void NotificationService::drain()
{
    for (bool more = true; more;) {
        auto q = m_db.exec(QStringLiteral("SELECT e.id, e.kind, e.actor, e.note, e.at, a.id, a.tenant_id, a.source_key, a.rule_id, a.rule_name, "
                                          "a.device_id, a.severity, a.message, a.metric, a.value, a.active, a.acknowledged, a.closed, "
                                          "a.chattering, a.shelved, a.suppressed_reason, a.out_of_service, a.occurrences, a.raised_at, "
                                          "a.acknowledged_by, a.acknowledge_note "
                                          "FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE e.id > :c ORDER BY e.id LIMIT %1")
                               .arg(kBatch),
                           {{QStringLiteral("c"), m_cursor}});
        if (!q) {
            m_lastError = q.error().message;
            qCWarning(lcNotify) << "the alert history could not be read (tried again in 5 s):" << q.error().message;
            m_drainSoon.start(5000);
            return;
        }
        QList<EventRow> rows;
        while (q->next()) {
            EventRow e;
            int i = 0;
            e.id = q->value(i++).toLongLong();
            e.kind = q->value(i++).toString();
            e.actor = q->value(i++).toString();
            e.note = q->value(i++).toString();
            e.at = q->value(i++).toLongLong();
            e.alertId = q->value(i++).toString();
            e.tenantId = q->value(i++).toString();
            e.sourceKey = q->value(i++).toString();
            e.ruleId = q->value(i++).toString();
            e.ruleName = q->value(i++).toString();
            e.deviceId = q->value(i++).toString();
            e.severity = q->value(i++).toString();
            e.message = q->value(i++).toString();
            e.metric = q->value(i++).toString();
            e.value = q->value(i++);
            e.active = q->value(i++).toBool();
            e.acknowledged = q->value(i++).toBool();
            e.closed = q->value(i++).toBool();
            e.chattering = q->value(i++).toBool();
            e.shelved = q->value(i++).toBool();
            e.suppressed = q->value(i++).toString();
            e.outOfService = q->value(i++).toBool();
            e.occurrences = q->value(i++).toInt();
            e.raisedAt = q->value(i++).toLongLong();
            e.ackBy = q->value(i++).toString();
            e.ackNote = q->value(i++).toString();
            rows.append(e);
        }
        more = rows.size() == kBatch;
        if (rows.isEmpty())
            return;
        // The deliveries of a batch, their jobs and the new cursor: all or nothing.
        if (auto st = m_db.transaction(); !st) {
            m_drainSoon.start(5000);
            return;
        }
        Status st;
        int made = 0;
        for (const EventRow &e : std::as_const(rows)) {
            st = handOn(e, made);
            if (!st)
                break;
        }
        if (st)
            st = done(m_db.exec(QStringLiteral("UPDATE notification_cursor SET last_id = :c WHERE name = :n"),
                           {{QStringLiteral("c"), rows.last().id}, {QStringLiteral("n"), kCursor}}));
        if (st)
            st = m_db.commit();
        if (!st) {
            m_db.rollback();
            m_lastError = st.error().message;
            qCWarning(lcNotify) << "notifications of alert changes not stored (tried again in 5 s):" << st.error().message;
            m_drainSoon.start(5000);
            return;
        }
        m_cursor = rows.last().id;
        m_made += made;
    }
}

QJsonObject NotificationService::message(const EventRow &e, const QString &event) const
{
    const auto device = m_devices.find(e.deviceId);
    const QString deviceName = device && !device->name.isEmpty() ? device->name : e.deviceId;
    const QString severity = e.severity.toUpper();
    const QString subject = QStringLiteral("[%1] %2 %3 — %4").arg(severity, e.ruleName, verb(event), deviceName);
    QString text = QStringLiteral("%1\n\nAlert: %2\nDevice: %3 (%4)\nSeverity: %5\nState: %6\nRaised: %7 UTC\n")
                       .arg(subject, e.message.isEmpty() ? e.ruleName : e.message, deviceName, e.deviceId, e.severity,
                            e.active ? (e.acknowledged ? QStringLiteral("active, acknowledged") : QStringLiteral("active, not acknowledged"))
                                     : (e.acknowledged ? QStringLiteral("cleared, acknowledged") : QStringLiteral("cleared, not acknowledged")),
                            iso(e.raisedAt));
    if (!e.metric.isEmpty() && !e.value.isNull())
        text += QStringLiteral("Value: %1 = %2\n").arg(e.metric).arg(e.value.toDouble());
    if (e.occurrences > 1)
        text += QStringLiteral("Occurrences: %1\n").arg(e.occurrences);
    if (event == u"acknowledged" && !e.ackBy.isEmpty())
        text += QStringLiteral("Acknowledged by %1%2\n").arg(e.ackBy, e.ackNote.isEmpty() ? QString() : QStringLiteral(": ") + e.ackNote);
    text += QStringLiteral("\nAlert id %1\n").arg(e.alertId);
    QJsonObject alert{{QStringLiteral("id"), e.alertId},
                      {QStringLiteral("source_key"), e.sourceKey},
                      {QStringLiteral("rule_id"), e.ruleId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(e.ruleId)},
                      {QStringLiteral("rule_name"), e.ruleName},
                      {QStringLiteral("severity"), e.severity},
                      {QStringLiteral("message"), e.message},
                      {QStringLiteral("metric"), e.metric.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(e.metric)},
                      {QStringLiteral("value"), e.value.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(e.value.toDouble())},
                      {QStringLiteral("active"), e.active},
                      {QStringLiteral("acknowledged"), e.acknowledged},
                      {QStringLiteral("occurrences"), e.occurrences},
                      {QStringLiteral("raised_at"), iso(e.raisedAt)}};
    return {{QStringLiteral("subject"), subject},
            {QStringLiteral("text"), text},
            {QStringLiteral("short_text"), QStringLiteral("%1 %2: %3 (%4)").arg(severity, verb(event), e.message.isEmpty() ? e.ruleName : e.message, deviceName).left(320)},
            {QStringLiteral("occurred_at"), iso(e.at)},
            {QStringLiteral("tenant_id"), e.tenantId},
            {QStringLiteral("alert"), alert},
            {QStringLiteral("device"), QJsonObject{{QStringLiteral("id"), e.deviceId}, {QStringLiteral("name"), deviceName}}}};
}

Status NotificationService::handOn(const EventRow &e, int &made)
{
    const QString event = eventOf(e.kind);
    if (event.isEmpty())
        return {};
    const auto sev = Rules::severity(e.severity).value_or(Rules::Severity::Info);
    for (const Policy &p : std::as_const(m_policies)) {
        if (p.tenantId != e.tenantId || !p.active || !p.events.contains(event) || !p.matches(sev, e.ruleId))
            continue;
        // Shelved, suppressed by design or out of service: not annunciated, so not sent (ISA-18.2); a chattering
        // alert's repeats neither.
        if (event == u"raised" && (e.shelved || !e.suppressed.isEmpty() || e.outOfService || (e.chattering && e.kind == u"raised_again"))) {
            ++m_skipped;
            continue;
        }
        const QJsonObject payload = message(e, event);
        qint64 due = Storage::nowMs();
        bool held = false;
        if (p.quietHours && !p.quietHours->except.contains(sev))
            if (const auto until = quietUntil(*p.quietHours, due)) {
                due = *until;
                held = true;
            }
        for (const QString &cid : p.channelIds) {
            const auto c = m_channels.constFind(cid);
            if (c == m_channels.cend() || !c->active)
                continue;
            const QString dedup = QStringLiteral("ev:%1:%2").arg(e.id).arg(cid);
            if (auto st = enqueue(*c, p.id, e.alertId, event, dedup, payload, due, held, made); !st)
                return st;
        }
        if (e.kind == u"raised" || e.kind == u"raised_again")
            for (int i = 0; i < p.escalation.size(); ++i) {
                const QString key = QStringLiteral("notify-escalate:%1:%2:%3:%4").arg(p.id, e.alertId).arg(e.occurrences).arg(i);
                if (auto st = m_scheduler.schedule(key, kEscalateJob, e.at + p.escalation.at(i).afterMs,
                                                   {{QStringLiteral("policy_id"), p.id}, {QStringLiteral("alert_id"), e.alertId},
                                                    {QStringLiteral("occurrences"), e.occurrences}, {QStringLiteral("step"), i}});
                    !st)
                    return st;
            }
    }
    return {};
}

Status NotificationService::enqueue(const Channel &c, const QString &policyId, const QString &alertId, const QString &event, const QString &dedup,
                                    const QJsonObject &payload, qint64 dueMs, bool held, int &made)
{
    const qint64 now = Storage::nowMs();
    for (const QString &recipient : c.recipients()) {
        const QString id = newUuid();
        auto q = m_db.exec(QStringLiteral("INSERT INTO notification_deliveries (id, tenant_id, dedup_key, channel_id, channel_name, channel_kind, "
                                          "policy_id, alert_id, event, recipient, status, attempts, payload, created_at, next_attempt_at, updated_at) "
                                          "VALUES (:id, :t, :d, :c, :cn, :ck, :p, :a, :e, :r, :s, 0, :pl, :now, :due, :now) "
                                          "ON CONFLICT (dedup_key) DO NOTHING"),
                           {{QStringLiteral("id"), id}, {QStringLiteral("t"), c.tenantId},
                            {QStringLiteral("d"), recipient.isEmpty() ? dedup : dedup + u':' + recipient},
                            {QStringLiteral("c"), c.id}, {QStringLiteral("cn"), c.name}, {QStringLiteral("ck"), name(c.kind)},
                            {QStringLiteral("p"), nullable(policyId)}, {QStringLiteral("a"), nullable(alertId)}, {QStringLiteral("e"), event},
                            {QStringLiteral("r"), nullable(recipient)}, {QStringLiteral("s"), held ? QStringLiteral("held") : QStringLiteral("pending")},
                            {QStringLiteral("pl"), compact(payload)}, {QStringLiteral("now"), now}, {QStringLiteral("due"), dueMs}});
        if (!q)
            return fail(q.error());
        if (q->numRowsAffected() == 0)
            continue; // made before (a repeat of the same hand-on)
        if (auto st = m_scheduler.schedule(jobKey(id), kDeliverJob, dueMs, {{QStringLiteral("delivery_id"), id}}); !st)
            return st;
        ++made;
    }
    return {};
}

qint64 NotificationService::backoff(int attempts) const
{
    const qint64 pause = m_options.retryBaseMs << std::min(attempts - 1, 20);
    return std::min(pause, m_options.retryMaxMs);
}

Status NotificationService::runDeliver(const QJsonObject &payload)
{
    const QString id = payload.value(QStringLiteral("delivery_id")).toString();
    auto d = readDelivery(id);
    if (!d)
        return d.error().code == ErrorCode::NotFound ? Status{} : fail(d.error());
    if (d->finished())
        return {};
    const qint64 now = Storage::nowMs();
    if (m_sending.contains(id)) // a try is under way: look again when it should have ended
        return m_scheduler.schedule(jobKey(id), kDeliverJob, now + m_options.attemptTimeoutMs + kWatchdogExtraMs, payload);
    const auto set = [&](const QString &status, const QString &error) -> Status {
        auto u = m_db.exec(QStringLiteral("UPDATE notification_deliveries SET status = :s, last_error = :e, updated_at = :now WHERE id = :id"),
                           {{QStringLiteral("s"), status}, {QStringLiteral("e"), error}, {QStringLiteral("now"), now}, {QStringLiteral("id"), id}});
        return u ? Status{} : fail(u.error());
    };
    const auto c = m_channels.constFind(d->channelId);
    if (c == m_channels.cend())
        return set(QStringLiteral("cancelled"), QStringLiteral("the channel was deleted"));
    if (!c->active)
        return set(QStringLiteral("cancelled"), QStringLiteral("the channel is switched off"));
    if (d->status == u"held" && (d->event == u"raised" || d->event == u"escalated") && !d->alertId.isEmpty()) {
        auto a = m_db.exec(QStringLiteral("SELECT closed FROM alerts WHERE id = :a"), {{QStringLiteral("a"), d->alertId}});
        if (!a)
            return fail(a.error());
        if (a->next() && a->value(0).toBool()) {
            ++m_skipped;
            return set(QStringLiteral("skipped"), QStringLiteral("held for quiet hours; the alert closed before they ended"));
        }
    }
    // Marked as under way first: if the server stops during the try, the job (moved to after the try's end) makes
    // it again.
    auto u = m_db.exec(QStringLiteral("UPDATE notification_deliveries SET status = 'sending', attempts = attempts + 1, last_attempt_at = :now, "
                                      "updated_at = :now WHERE id = :id"),
                       {{QStringLiteral("now"), now}, {QStringLiteral("id"), id}});
    if (!u)
        return fail(u.error());
    if (auto st = m_scheduler.schedule(jobKey(id), kDeliverJob, now + m_options.attemptTimeoutMs + kWatchdogExtraMs, payload); !st)
        return st;
    m_sending.insert(id);
    m_sender->send(*c, Attempt{id, d->event, d->recipient, d->payload}, [this, id](const Outcome &o) { finish(id, o); });
    return {};
}

void NotificationService::finish(const QString &id, const Outcome &o)
{
    m_sending.remove(id);
    auto d = readDelivery(id);
    if (!d) {
        qCWarning(lcNotify) << "delivery" << id << "not read after its try:" << d.error().message;
        return; // its job tries again
    }
    const qint64 now = Storage::nowMs();
    QString status;
    qint64 next = 0;
    QString error = o.error;
    switch (o.kind) {
    case Outcome::Kind::Delivered:
        status = QStringLiteral("delivered");
        ++m_delivered;
        break;
    case Outcome::Kind::Failed:
        status = QStringLiteral("failed");
        ++m_failed;
        break;
    case Outcome::Kind::Retry:
        if (now - d->createdAt >= m_options.giveUpAfterMs) {
            status = QStringLiteral("failed");
            error = QStringLiteral("gave up after %1 tries over %2 h: %3").arg(d->attempts).arg((now - d->createdAt) / 3600000).arg(o.error);
            ++m_failed;
        } else {
            status = QStringLiteral("retrying");
            next = now + std::max(backoff(d->attempts), o.retryAfterMs);
            ++m_retried;
        }
        break;
    }
    if (status != u"delivered")
        qCInfo(lcNotify).noquote() << QStringLiteral("delivery %1 over %2 \"%3\" (try %4): %5%6")
                                          .arg(id, name(d->channelKind), d->channelName).arg(d->attempts).arg(error)
                                          .arg(next ? QStringLiteral(", again at %1").arg(iso(next)) : QStringLiteral(", given up"));
    if (auto st = m_db.transaction(); !st)
        return;
    auto u = m_db.exec(QStringLiteral("UPDATE notification_deliveries SET status = :s, next_attempt_at = :next, delivered_at = :del, response_code = :code, "
                                      "response = :resp, last_error = :e, updated_at = :now WHERE id = :id"),
                       {{QStringLiteral("s"), status}, {QStringLiteral("next"), next ? QVariant(next) : QVariant(QMetaType::fromType<qint64>())},
                        {QStringLiteral("del"), status == u"delivered" ? QVariant(now) : QVariant(QMetaType::fromType<qint64>())},
                        {QStringLiteral("code"), o.code ? QVariant(o.code) : QVariant(QMetaType::fromType<int>())},
                        {QStringLiteral("resp"), nullable(o.response)}, {QStringLiteral("e"), nullable(status == u"delivered" ? QString() : error)},
                        {QStringLiteral("now"), now}, {QStringLiteral("id"), id}});
    Status st = u ? Status{} : fail(u.error());
    if (st)
        st = next ? m_scheduler.schedule(jobKey(id), kDeliverJob, next, {{QStringLiteral("delivery_id"), id}}) : m_scheduler.cancel(jobKey(id));
    if (st)
        st = m_db.commit();
    if (!st) {
        m_db.rollback();
        m_lastError = st.error().message;
        // The job still stands (moved to after the try): the delivery is tried again then, not lost.
        qCWarning(lcNotify) << "the outcome of delivery" << id << "was not stored:" << st.error().message;
    }
}

Status NotificationService::runEscalate(const QJsonObject &payload)
{
    const QString policyId = payload.value(QStringLiteral("policy_id")).toString();
    const QString alertId = payload.value(QStringLiteral("alert_id")).toString();
    const int occurrences = payload.value(QStringLiteral("occurrences")).toInt();
    const int step = payload.value(QStringLiteral("step")).toInt();
    const auto p = m_policies.constFind(policyId);
    if (p == m_policies.cend() || !p->active || step >= p->escalation.size())
        return {};
    // Only an alert still active, unacknowledged, of the same occurrence and not shelved escalates.
    auto q = m_db.exec(QStringLiteral("SELECT e.id FROM alert_events e WHERE e.alert_id = :a ORDER BY e.id DESC LIMIT 1"), {{QStringLiteral("a"), alertId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return {};
    const qint64 lastEvent = q->value(0).toLongLong();
    auto r = m_db.exec(QStringLiteral("SELECT e.id, e.kind, e.actor, e.note, e.at, a.id, a.tenant_id, a.source_key, a.rule_id, a.rule_name, "
                                      "a.device_id, a.severity, a.message, a.metric, a.value, a.active, a.acknowledged, a.closed, "
                                      "a.chattering, a.shelved, a.suppressed_reason, a.out_of_service, a.occurrences, a.raised_at, "
                                      "a.acknowledged_by, a.acknowledge_note FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE e.id = :e"),
                       {{QStringLiteral("e"), lastEvent}});
    if (!r)
        return fail(r.error());
    if (!r->next())
        return {};
    EventRow e;
    e.alertId = r->value(5).toString();
    e.tenantId = r->value(6).toString();
    e.sourceKey = r->value(7).toString();
    e.ruleId = r->value(8).toString();
    e.ruleName = r->value(9).toString();
    e.deviceId = r->value(10).toString();
    e.severity = r->value(11).toString();
    e.message = r->value(12).toString();
    e.metric = r->value(13).toString();
    e.value = r->value(14);
    e.active = r->value(15).toBool();
    e.acknowledged = r->value(16).toBool();
    e.closed = r->value(17).toBool();
    e.shelved = r->value(19).toBool();
    e.suppressed = r->value(20).toString();
    e.outOfService = r->value(21).toBool();
    e.occurrences = r->value(22).toInt();
    e.raisedAt = r->value(23).toLongLong();
    e.at = Storage::nowMs();
    if (!e.active || e.acknowledged || e.closed || e.shelved || !e.suppressed.isEmpty() || e.outOfService || e.occurrences != occurrences)
        return {};
    const QJsonObject msg = message(e, QStringLiteral("escalated"));
    int made = 0;
    if (auto st = m_db.transaction(); !st)
        return st;
    Status st;
    for (const QString &cid : p->escalation.at(step).channelIds) {
        const auto c = m_channels.constFind(cid);
        if (c == m_channels.cend() || !c->active)
            continue;
        const QString dedup = QStringLiteral("esc:%1:%2:%3:%4:%5").arg(policyId, alertId).arg(occurrences).arg(step).arg(cid);
        st = enqueue(*c, policyId, alertId, QStringLiteral("escalated"), dedup, msg, Storage::nowMs(), false, made);
        if (!st)
            break;
    }
    if (st)
        st = m_db.commit();
    if (!st) {
        m_db.rollback();
        return st; // the scheduler tries the escalation again
    }
    m_made += made;
    qCInfo(lcNotify) << "alert" << alertId << "not acknowledged: escalated to step" << step + 1 << "of policy" << p->name;
    return {};
}

Result<Delivery> NotificationService::readDelivery(const QString &id)
{
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM notification_deliveries WHERE id = :id").arg(QLatin1String(kDeliveryColumns)), {{QStringLiteral("id"), id}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no delivery with id %1").arg(id)));
    return deliveryFrom(*q);
}

// --- channels and policies -----------------------------------------------------------------------------------

Status NotificationService::storeChannel(const Channel &c, bool insert)
{
    const QVariantMap b{{QStringLiteral("id"), c.id}, {QStringLiteral("t"), c.tenantId}, {QStringLiteral("n"), c.name},
                        {QStringLiteral("k"), name(c.kind)}, {QStringLiteral("c"), compact(c.config)}, {QStringLiteral("a"), c.active},
                        {QStringLiteral("by"), c.createdBy}, {QStringLiteral("cr"), c.createdAt}, {QStringLiteral("up"), c.updatedAt}};
    auto q = m_db.exec(insert ? QStringLiteral("INSERT INTO notification_channels (id, tenant_id, name, kind, config, is_active, created_by, created_at, updated_at) "
                                               "VALUES (:id, :t, :n, :k, :c, :a, :by, :cr, :up)")
                              : QStringLiteral("UPDATE notification_channels SET name = :n, config = :c, is_active = :a, updated_at = :up "
                                               "WHERE id = :id AND tenant_id = :t AND kind = :k AND created_by = :by AND created_at = :cr"),
                       b);
    return q ? Status{} : fail(q.error());
}

Status NotificationService::storePolicy(const Policy &p, bool insert)
{
    const QVariantMap b{{QStringLiteral("id"), p.id}, {QStringLiteral("t"), p.tenantId}, {QStringLiteral("n"), p.name},
                        {QStringLiteral("d"), compact(definition(p))}, {QStringLiteral("a"), p.active},
                        {QStringLiteral("by"), p.createdBy}, {QStringLiteral("cr"), p.createdAt}, {QStringLiteral("up"), p.updatedAt}};
    auto q = m_db.exec(insert ? QStringLiteral("INSERT INTO notification_policies (id, tenant_id, name, definition, is_active, created_by, created_at, updated_at) "
                                               "VALUES (:id, :t, :n, :d, :a, :by, :cr, :up)")
                              : QStringLiteral("UPDATE notification_policies SET name = :n, definition = :d, is_active = :a, updated_at = :up "
                                               "WHERE id = :id AND tenant_id = :t AND created_by = :by AND created_at = :cr"),
                       b);
    return q ? Status{} : fail(q.error());
}

namespace {
template<typename T>
std::optional<Error> nameTaken(const QHash<QString, T> &all, const QString &tenantId, const QString &name, const QString &exceptId, const char *what)
{
    for (const T &x : all)
        if (x.tenantId == tenantId && x.id != exceptId && x.name.compare(name, Qt::CaseInsensitive) == 0)
            return Error::conflict(QStringLiteral("a %1 named \"%2\" exists already").arg(QLatin1String(what), name));
    return std::nullopt;
}
} // namespace

Result<Channel> NotificationService::createChannel(const Principal &who, const QJsonObject &body)
{
    auto c = parseChannel(body);
    if (!c)
        return c;
    if (auto e = nameTaken(m_channels, who.tenantId, c->name, {}, "channel"))
        return fail(*e);
    if (std::count_if(m_channels.cbegin(), m_channels.cend(), [&](const Channel &x) { return x.tenantId == who.tenantId; }) >= kMaxChannels)
        return fail(Error::conflict(QStringLiteral("this organisation has %1 channels, the most it may have").arg(kMaxChannels)));
    c->id = newUuid();
    c->tenantId = who.tenantId;
    c->createdBy = who.email;
    c->createdAt = c->updatedAt = Storage::nowMs();
    if (auto st = storeChannel(*c, true); !st)
        return fail(st.error());
    m_channels.insert(c->id, *c);
    audit(m_db, &who, QStringLiteral("notification.channel.create"), QStringLiteral("notification_channel"), c->id,
          QStringLiteral("%1 (%2)").arg(c->name, name(c->kind)));
    return c;
}

Result<QList<Channel>> NotificationService::channels(const Principal &who) const
{
    QList<Channel> out;
    for (const Channel &c : m_channels)
        if (c.tenantId == who.tenantId)
            out << c;
    std::sort(out.begin(), out.end(), [](const Channel &a, const Channel &b) { return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id; });
    return out;
}

Result<Channel> NotificationService::channel(const Principal &who, const QString &id) const
{
    const auto it = m_channels.constFind(id);
    if (it == m_channels.cend() || it->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no notification channel with id %1").arg(id)));
    return *it;
}

Result<Channel> NotificationService::updateChannel(const Principal &who, const QString &id, const QJsonObject &patch)
{
    auto stored = channel(who, id);
    if (!stored)
        return stored;
    auto c = parseChannel(patch, &*stored);
    if (!c)
        return c;
    if (auto e = nameTaken(m_channels, who.tenantId, c->name, id, "channel"))
        return fail(*e);
    c->updatedAt = Storage::nowMs();
    if (auto st = storeChannel(*c, false); !st)
        return fail(st.error());
    m_channels.insert(id, *c);
    audit(m_db, &who, QStringLiteral("notification.channel.update"), QStringLiteral("notification_channel"), id, c->name);
    return c;
}

Status NotificationService::removeChannel(const Principal &who, const QString &id)
{
    auto stored = channel(who, id);
    if (!stored)
        return fail(stored.error());
    for (const Policy &p : std::as_const(m_policies))
        if (p.tenantId == who.tenantId && p.allChannelIds().contains(id))
            return fail(Error::conflict(QStringLiteral("the policy \"%1\" sends to this channel; change or delete the policy first").arg(p.name)));
    if (auto st = m_db.transaction(); !st)
        return st;
    Status st = done(m_db.exec(QStringLiteral("DELETE FROM notification_channels WHERE id = :id"), {{QStringLiteral("id"), id}}));
    if (st)
        st = done(m_db.exec(QStringLiteral("UPDATE notification_deliveries SET status = 'cancelled', last_error = 'the channel was deleted', updated_at = :now "
                                      "WHERE channel_id = :id AND status IN ('pending', 'held', 'retrying', 'sending')"),
                       {{QStringLiteral("id"), id}, {QStringLiteral("now"), Storage::nowMs()}}));
    if (st)
        st = m_db.commit();
    if (!st) {
        m_db.rollback();
        return st;
    }
    m_channels.remove(id); // the cancelled deliveries' jobs find nothing to do
    audit(m_db, &who, QStringLiteral("notification.channel.delete"), QStringLiteral("notification_channel"), id, stored->name);
    return {};
}

Result<Delivery> NotificationService::testChannel(const Principal &who, const QString &id)
{
    auto c = channel(who, id);
    if (!c)
        return fail(c.error());
    const QString when = iso(Storage::nowMs());
    const QJsonObject payload{{QStringLiteral("subject"), QStringLiteral("[TEST] Fleetdeck test notification over \"%1\"").arg(c->name)},
                              {QStringLiteral("text"), QStringLiteral("This is a test of the notification channel \"%1\" (%2), sent by %3 at %4 UTC.\n"
                                                                      "No alert is behind it; nothing needs to be done.\n")
                                                           .arg(c->name, name(c->kind), who.email, when)},
                              {QStringLiteral("short_text"), QStringLiteral("Fleetdeck test over \"%1\" by %2").arg(c->name, who.email).left(320)},
                              {QStringLiteral("occurred_at"), when},
                              {QStringLiteral("tenant_id"), c->tenantId}};
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    int made = 0;
    const QString dedup = QStringLiteral("test:") + newUuid();
    Status st = enqueue(*c, {}, {}, QStringLiteral("test"), dedup, payload, Storage::nowMs(), false, made);
    if (st)
        st = m_db.commit();
    if (!st) {
        m_db.rollback();
        return fail(st.error());
    }
    audit(m_db, &who, QStringLiteral("notification.channel.test"), QStringLiteral("notification_channel"), id, c->name);
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM notification_deliveries WHERE dedup_key LIKE :d ORDER BY id LIMIT 1").arg(QLatin1String(kDeliveryColumns)),
                       {{QStringLiteral("d"), dedup + u'%'}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::internal(QStringLiteral("the test delivery was not stored")));
    return deliveryFrom(*q);
}

Status NotificationService::checkChannels(const Principal &who, const Policy &p) const
{
    const auto check = [&](const QStringList &ids, const QString &path) -> Status {
        for (int i = 0; i < ids.size(); ++i) {
            const auto c = m_channels.constFind(ids.at(i));
            if (c == m_channels.cend() || c->tenantId != who.tenantId)
                return fail(Error::invalid(QStringLiteral("%1/%2: no notification channel with id %3").arg(path).arg(i).arg(ids.at(i))));
        }
        return {};
    };
    if (auto st = check(p.channelIds, QStringLiteral("/channel_ids")); !st)
        return st;
    for (int i = 0; i < p.escalation.size(); ++i)
        if (auto st = check(p.escalation.at(i).channelIds, QStringLiteral("/escalation/%1/channel_ids").arg(i)); !st)
            return st;
    return {};
}

Result<Policy> NotificationService::createPolicy(const Principal &who, const QJsonObject &body)
{
    auto p = parsePolicy(body);
    if (!p)
        return p;
    if (auto st = checkChannels(who, *p); !st)
        return fail(st.error());
    if (auto e = nameTaken(m_policies, who.tenantId, p->name, {}, "policy"))
        return fail(*e);
    if (std::count_if(m_policies.cbegin(), m_policies.cend(), [&](const Policy &x) { return x.tenantId == who.tenantId; }) >= kMaxPolicies)
        return fail(Error::conflict(QStringLiteral("this organisation has %1 notification policies, the most it may have").arg(kMaxPolicies)));
    p->id = newUuid();
    p->tenantId = who.tenantId;
    p->createdBy = who.email;
    p->createdAt = p->updatedAt = Storage::nowMs();
    if (auto st = storePolicy(*p, true); !st)
        return fail(st.error());
    m_policies.insert(p->id, *p);
    audit(m_db, &who, QStringLiteral("notification.policy.create"), QStringLiteral("notification_policy"), p->id, p->name);
    return p;
}

Result<QList<Policy>> NotificationService::policies(const Principal &who) const
{
    QList<Policy> out;
    for (const Policy &p : m_policies)
        if (p.tenantId == who.tenantId)
            out << p;
    std::sort(out.begin(), out.end(), [](const Policy &a, const Policy &b) { return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id; });
    return out;
}

Result<Policy> NotificationService::policy(const Principal &who, const QString &id) const
{
    const auto it = m_policies.constFind(id);
    if (it == m_policies.cend() || it->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no notification policy with id %1").arg(id)));
    return *it;
}

Result<Policy> NotificationService::updatePolicy(const Principal &who, const QString &id, const QJsonObject &patch)
{
    auto stored = policy(who, id);
    if (!stored)
        return stored;
    auto p = parsePolicy(patch, &*stored);
    if (!p)
        return p;
    if (auto st = checkChannels(who, *p); !st)
        return fail(st.error());
    if (auto e = nameTaken(m_policies, who.tenantId, p->name, id, "policy"))
        return fail(*e);
    p->updatedAt = Storage::nowMs();
    if (auto st = storePolicy(*p, false); !st)
        return fail(st.error());
    m_policies.insert(id, *p);
    audit(m_db, &who, QStringLiteral("notification.policy.update"), QStringLiteral("notification_policy"), id, p->name);
    return p;
}

Status NotificationService::removePolicy(const Principal &who, const QString &id)
{
    auto stored = policy(who, id);
    if (!stored)
        return fail(stored.error());
    if (auto d = m_db.exec(QStringLiteral("DELETE FROM notification_policies WHERE id = :id"), {{QStringLiteral("id"), id}}); !d)
        return fail(d.error());
    m_policies.remove(id); // its escalation jobs find no policy and end
    audit(m_db, &who, QStringLiteral("notification.policy.delete"), QStringLiteral("notification_policy"), id, stored->name);
    return {};
}

// --- the delivery log ----------------------------------------------------------------------------------------

Result<NotificationService::DeliveryPage> NotificationService::deliveries(const Principal &who, const DeliveryFilter &f)
{
    static const QStringList statuses{QStringLiteral("pending"), QStringLiteral("held"), QStringLiteral("sending"), QStringLiteral("retrying"),
                                      QStringLiteral("delivered"), QStringLiteral("failed"), QStringLiteral("skipped"), QStringLiteral("cancelled")};
    QString where = QStringLiteral("tenant_id = :t");
    QVariantMap b{{QStringLiteral("t"), who.tenantId}};
    if (!f.status.isEmpty()) {
        if (!statuses.contains(f.status))
            return fail(Error::invalid(QStringLiteral("\"status\" must be one of: %1").arg(statuses.join(QStringLiteral(", ")))));
        where += QStringLiteral(" AND status = :s");
        b.insert(QStringLiteral("s"), f.status);
    }
    if (!f.channelId.isEmpty()) {
        where += QStringLiteral(" AND channel_id = :c");
        b.insert(QStringLiteral("c"), f.channelId);
    }
    if (!f.alertId.isEmpty()) {
        where += QStringLiteral(" AND alert_id = :a");
        b.insert(QStringLiteral("a"), f.alertId);
    }
    if (!f.cursor.isEmpty()) { // "<created_at>:<id>" of the last one answered
        const qsizetype colon = f.cursor.indexOf(u':');
        bool ok = false;
        const qint64 at = f.cursor.left(colon).toLongLong(&ok);
        if (colon <= 0 || !ok)
            return fail(Error::invalid(QStringLiteral("\"cursor\" is not one this server answered")));
        where += QStringLiteral(" AND (created_at < :ca OR (created_at = :ca AND id < :ci))");
        b.insert(QStringLiteral("ca"), at);
        b.insert(QStringLiteral("ci"), f.cursor.mid(colon + 1));
    }
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM notification_deliveries WHERE %2 ORDER BY created_at DESC, id DESC LIMIT %3")
                           .arg(QLatin1String(kDeliveryColumns), where)
                           .arg(f.limit + 1),
                       b);
    if (!q)
        return fail(q.error());
    DeliveryPage page;
    while (q->next())
        page.items << deliveryFrom(*q);
    if (page.items.size() > f.limit) {
        page.items.resize(f.limit);
        page.nextCursor = QStringLiteral("%1:%2").arg(page.items.last().createdAt).arg(page.items.last().id);
    }
    return page;
}

Result<Delivery> NotificationService::delivery(const Principal &who, const QString &id)
{
    auto d = readDelivery(id);
    if (!d || d->tenantId != who.tenantId)
        return fail(d ? Error::notFound(QStringLiteral("no delivery with id %1").arg(id)) : d.error());
    return d;
}

Result<Delivery> NotificationService::retry(const Principal &who, const QString &id)
{
    auto d = delivery(who, id);
    if (!d)
        return d;
    if (d->status != u"failed" && d->status != u"cancelled")
        return fail(Error::conflict(QStringLiteral("delivery %1 is %2: only a failed or cancelled delivery can be tried again").arg(id, d->status)));
    if (!m_channels.contains(d->channelId))
        return fail(Error::conflict(QStringLiteral("the channel of delivery %1 was deleted").arg(id)));
    const qint64 now = Storage::nowMs();
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    Status st = done(m_db.exec(QStringLiteral("UPDATE notification_deliveries SET status = 'pending', attempts = 0, created_at = created_at, "
                                         "next_attempt_at = :now, last_error = NULL, updated_at = :now WHERE id = :id"),
                          {{QStringLiteral("now"), now}, {QStringLiteral("id"), id}}));
    if (st)
        st = m_scheduler.schedule(jobKey(id), kDeliverJob, now, {{QStringLiteral("delivery_id"), id}});
    if (st)
        st = m_db.commit();
    if (!st) {
        m_db.rollback();
        return fail(st.error());
    }
    audit(m_db, &who, QStringLiteral("notification.delivery.retry"), QStringLiteral("notification_delivery"), id, d->channelName);
    return readDelivery(id);
}

QJsonObject NotificationService::health() const
{
    QJsonObject h{{QStringLiteral("channels"), int(m_channels.size())},
                  {QStringLiteral("policies"), int(m_policies.size())},
                  {QStringLiteral("made"), m_made},
                  {QStringLiteral("delivered"), m_delivered},
                  {QStringLiteral("retried"), m_retried},
                  {QStringLiteral("failed"), m_failed},
                  {QStringLiteral("skipped"), m_skipped},
                  {QStringLiteral("sending"), int(m_sending.size())},
                  {QStringLiteral("alert_events_handed_on"), m_cursor}};
    auto q = const_cast<Storage::Database &>(m_db).exec(QStringLiteral("SELECT status, COUNT(*) FROM notification_deliveries "
                                                                       "WHERE status IN ('pending', 'held', 'retrying', 'sending') GROUP BY status"));
    QJsonObject waiting;
    while (q && q->next())
        waiting.insert(q->value(0).toString(), q->value(1).toInt());
    h.insert(QStringLiteral("waiting"), waiting);
    if (!m_lastError.isEmpty())
        h.insert(QStringLiteral("last_error"), m_lastError);
    return h;
}

} // namespace Fleetdeck
