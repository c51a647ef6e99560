#include "commands/commandservice.h"

#include "devices/devicedirectory.h"

#include "commands/commandrows.h"
#include "events/eventbus.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "core/jsonutil.h"
#include "protocol/commands.h"
#include "protocol/messages.h"
#include "storage/database.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QUuid>
#include <QtSql/QSqlQuery>
#include <algorithm>

Q_LOGGING_CATEGORY(lcCommands, "fleetdeck.server.commands", QtInfoMsg)

namespace Fleetdeck {

using CommandRows::compactText;
using CommandRows::jsonText;
using CommandRows::msOrNull;
using CommandState::Event;
using CommandState::Step;

namespace {

constexpr const char *kCommandColumns =
    "id, tenant_id, device_id, job_id, type, payload, status, timeout_s, ttl_s, created_by, created_at, expires_at, "
    "sent_at, delivered_at, finished_at, result, error, late_reply";

Error rangeError(const QString &key, int min, int max);

/// An optional integer field from `min` to `max`; `fallback` when absent.
Result<int> intField(const QJsonObject &o, const QString &key, int min, int max, int fallback)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    const double d = v.toDouble(std::numeric_limits<double>::quiet_NaN());
    if (!v.isDouble() || d != double(qint64(d)) || d < min || d > max)
        return fail(rangeError(key, min, max));
    return int(d);
}

/// The command from a row of kCommandColumns, in that order.
Command commandFromRow(const QSqlQuery &q)
{
    Command c;
    c.id = q.value(0).toString();
    c.tenantId = q.value(1).toString();
    c.deviceId = q.value(2).toString();
    c.jobId = q.value(3).toString();
    c.type = q.value(4).toString();
    c.payload = jsonText(q.value(5)).toObject();
    c.state = CommandState::fromName(q.value(6).toString()).value_or(CommandState::State::Queued);
    c.timeoutS = q.value(7).toInt();
    c.ttlS = q.value(8).toInt();
    c.createdBy = q.value(9).toString();
    c.createdMs = q.value(10).toLongLong();
    c.expiresMs = q.value(11).toLongLong();
    c.sentMs = msOrNull(q.value(12));
    c.deliveredMs = msOrNull(q.value(13));
    c.finishedMs = msOrNull(q.value(14));
    c.result = jsonText(q.value(15));
    c.error = q.value(16).toString();
    c.lateReply = jsonText(q.value(17));
    return c;
}

Error typeError()
{
    return Error::invalid(QStringLiteral("\"type\" is required: 1 to 64 characters of a-z, 0-9, _ . -, starting with a letter (e.g. \"reboot\")"));
}

Error payloadTooLarge(qsizetype bytes)
{
    return Error::tooLarge(QStringLiteral("the command payload of %1 bytes exceeds %2 bytes").arg(bytes).arg(Commands::kMaxCommandPayloadBytes));
}

Error rangeError(const QString &key, int min, int max)
{
    return Error::invalid(QStringLiteral("\"%1\" must be an integer from %2 to %3").arg(key).arg(min).arg(max));
}

Event replyEvent(Commands::Reply::Status s)
{
    switch (s) {
    case Commands::Reply::Status::Delivered: return Event::Delivered;
    case Commands::Reply::Status::Succeeded: return Event::Succeeded;
    case Commands::Reply::Status::Failed: return Event::Failed;
    case Commands::Reply::Status::Rejected: return Event::Rejected;
    }
    return Event::Rejected;
}

} // namespace

const QSet<QString> &CommandService::specKeys()
{
    static const QSet<QString> keys{QStringLiteral("type"), QStringLiteral("payload"), QStringLiteral("timeout_s"), QStringLiteral("ttl_s")};
    return keys;
}

Result<CommandRequest> CommandService::parseRequest(const QJsonObject &body) const
{
    const Options &o = m_options;
    CommandRequest r;
    r.type = body.value(QStringLiteral("type")).toString();
    if (!body.value(QStringLiteral("type")).isString() || !Commands::isValidType(r.type))
        return fail(typeError());
    const QJsonValue payloadValue = body.value(QStringLiteral("payload"));
    if (!payloadValue.isUndefined() && !payloadValue.isNull() && !payloadValue.isObject())
        return fail(Error::invalid(QStringLiteral("\"payload\" must be a JSON object")));
    r.payload = payloadValue.toObject();
    if (const qsizetype bytes = Json::compact(r.payload).size(); bytes > Commands::kMaxCommandPayloadBytes)
        return fail(payloadTooLarge(bytes));
    auto timeout = intField(body, QStringLiteral("timeout_s"), 1, o.maxTimeoutS, o.defaultTimeoutS);
    if (!timeout)
        return fail(timeout.error());
    auto ttl = intField(body, QStringLiteral("ttl_s"), 1, o.maxTtlS, o.defaultTtlS);
    if (!ttl)
        return fail(ttl.error());
    r.timeoutS = *timeout;
    r.ttlS = *ttl;
    return r;
}

Result<CommandSpec> CommandService::resolve(const CommandRequest &request) const
{
    const Options &o = m_options;
    // The same checks as parseRequest's, for requests made in C++ (rules, rollouts); a parsed one passes them.
    if (!Commands::isValidType(request.type))
        return fail(typeError());
    CommandSpec s;
    s.type = request.type;
    s.payload = request.payload;
    s.payloadBytes = Json::compact(s.payload);
    if (s.payloadBytes.size() > Commands::kMaxCommandPayloadBytes)
        return fail(payloadTooLarge(s.payloadBytes.size()));
    s.timeoutS = request.timeoutS.value_or(o.defaultTimeoutS);
    if (s.timeoutS < 1 || s.timeoutS > o.maxTimeoutS)
        return fail(rangeError(QStringLiteral("timeout_s"), 1, o.maxTimeoutS));
    s.ttlS = request.ttlS.value_or(o.defaultTtlS);
    if (s.ttlS < 1 || s.ttlS > o.maxTtlS)
        return fail(rangeError(QStringLiteral("ttl_s"), 1, o.maxTtlS));
    return s;
}


CommandService::CommandService(Storage::Database &db, ICommandTransport &transport, const DeviceDirectory &devices, Options options, QObject *parent)
    : QObject(parent), m_db(db), m_transport(transport), m_directory(devices), m_options(options)
{
    m_deadlineTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, &CommandService::onDeadline);
    m_pacer.setInterval(5);
    m_writeTimer.setSingleShot(true);
    connect(&m_writeTimer, &QTimer::timeout, this, &CommandService::flushWrites);
    connect(&m_pacer, &QTimer::timeout, this, &CommandService::pumpReady);
}

CommandService::~CommandService() { stop(); }

void CommandService::stop()
{
    if (!flushWrites())
        qCWarning(lcCommands) << m_writes.size() << "command transition(s) could not be stored before the stop; the commands keep their stored state";
    m_deadlineTimer.stop();
    m_pacer.stop();
}

Status CommandService::start()
{
    // From the registry's directory, read once at start by DeviceService.
    for (const DeviceSummary &device : m_directory.all()) {
        DeviceState &d = m_devices[device.id];
        d.sendable = !device.blocked();
        d.online = device.connection == States::Connection::Online;
    }

    auto q = m_db.exec(QStringLiteral("SELECT id, device_id, type, payload, status, timeout_s, created_at, expires_at, sent_at "
                                      "FROM commands WHERE status IN ('queued', 'sent', 'delivered') ORDER BY created_at, id"));
    if (!q)
        return fail(q.error());
    int resumed = 0;
    while (q->next()) {
        Open c;
        c.id = q->value(0).toString();
        c.deviceId = q->value(1).toString();
        c.state = CommandState::fromName(q->value(4).toString()).value_or(State::Queued);
        c.timeoutS = q->value(5).toInt();
        c.createdMs = q->value(6).toLongLong();
        c.expiresMs = q->value(7).toLongLong();
        c.sentMs = q->value(8).toLongLong();
        Commands::CommandMessage m{c.id, q->value(2).toString(), QJsonDocument::fromJson(q->value(3).toString().toUtf8()).object(), c.expiresMs, c.timeoutS};
        c.message = Commands::encode(m);
        ++resumed;
        if (c.state == State::Queued) {
            enqueue(std::move(c));
            continue;
        }
        // Sent before the restart: its timeout runs from when it was sent, not from now. It still holds a place in
        // the device's window until it is delivered or final, so that order is kept.
        if (c.state == State::Sent) {
            c.counted = true;
            ++m_devices[c.deviceId].outstanding;
        }
        arm(c.sentMs + qint64(c.timeoutS) * 1000, c.id);
        m_open.insert(c.id, std::move(c));
    }
    if (resumed)
        qCInfo(lcCommands) << "resumed" << resumed << "open commands";
    return {};
}

// --- REST ------------------------------------------------------------------------------------------------------

Result<Command> CommandService::send(const Principal &who, const QString &deviceId, const CommandRequest &request)
{
    auto spec = resolve(request);
    if (!spec)
        return fail(spec.error());
    const QString &type = spec->type;
    const int timeoutS = spec->timeoutS, ttlS = spec->ttlS;

    const std::optional<DeviceSummary> dev = m_directory.find(deviceId);
    if (!dev || dev->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    if (dev->status == States::DeviceStatus::Decommissioned)
        return fail(Error::conflict(QStringLiteral("device %1 is decommissioned and can no longer receive commands").arg(deviceId)));
    if (dev->status == States::DeviceStatus::Suspended)
        return fail(Error::conflict(QStringLiteral("device %1 is suspended; resume it before sending commands").arg(deviceId)));
    DeviceState &ds = m_devices[deviceId];
    if (int(ds.queue.size()) >= m_options.maxQueuedPerDevice)
        return fail(Error::conflict(QStringLiteral("the command queue of device %1 is full (%2 commands waiting); wait until the device "
                                                   "is online and works through them, or cancel some").arg(deviceId).arg(ds.queue.size())));

    Open c;
    c.id = newUuid();
    c.deviceId = deviceId;
    c.createdMs = Storage::nowMs();
    c.expiresMs = c.createdMs + qint64(ttlS) * 1000;
    c.timeoutS = timeoutS;
    c.message = Commands::encode(Commands::CommandMessage{c.id, type, spec->payload, c.expiresMs, c.timeoutS});
    // The command and its audit entry in one commit (with the transitions waiting to be written).
    flushWrites();
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    auto ins = m_db.exec(QStringLiteral("INSERT INTO commands (id, tenant_id, device_id, type, payload, status, timeout_s, ttl_s, created_by, created_at, expires_at) "
                                        "VALUES (:id, :t, :d, :type, :payload, 'queued', :timeout, :ttl, :by, :now, :exp)"),
                         {{QStringLiteral("id"), c.id}, {QStringLiteral("t"), who.tenantId}, {QStringLiteral("d"), deviceId},
                          {QStringLiteral("type"), type}, {QStringLiteral("payload"), QString::fromUtf8(spec->payloadBytes)},
                          {QStringLiteral("timeout"), timeoutS}, {QStringLiteral("ttl"), ttlS}, {QStringLiteral("by"), who.email},
                          {QStringLiteral("now"), c.createdMs}, {QStringLiteral("exp"), c.expiresMs}});
    if (!ins) {
        m_db.rollback();
        return fail(ins.error());
    }
    audit(m_db, &who, QStringLiteral("command.send"), QStringLiteral("command"), c.id,
          QStringLiteral("%1 to device %2 (timeout %3 s, ttl %4 s)").arg(type, deviceId).arg(timeoutS).arg(ttlS));
    if (auto st = m_db.commit(); !st) {
        m_db.rollback();
        return fail(st.error());
    }
    ++m_counts[int(State::Queued)];
    // The answer is the row just written, not read back: a read would also flush the transitions waiting for the
    // end of this pass (a commit per request instead of one per pass).
    Command made;
    made.id = c.id;
    made.tenantId = who.tenantId;
    made.deviceId = deviceId;
    made.type = type;
    made.payload = spec->payload;
    made.state = State::Queued;
    made.timeoutS = timeoutS;
    made.ttlS = ttlS;
    made.createdBy = who.email;
    made.createdMs = c.createdMs;
    made.expiresMs = c.expiresMs;
    enqueue(std::move(c));
    pump(deviceId);
    return made;
}

Result<Command> CommandService::loadCommand(const QString &tenantId, const QString &commandId)
{
    flushWrites();
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM commands WHERE id = :id AND tenant_id = :t").arg(QLatin1StringView(kCommandColumns)),
                       {{QStringLiteral("id"), commandId}, {QStringLiteral("t"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no command with id %1").arg(commandId)));
    return commandFromRow(*q);
}

Result<Command> CommandService::get(const Principal &who, const QString &commandId) { return loadCommand(who.tenantId, commandId); }

Result<Page<Command>> CommandService::list(const Principal &who, const QString &deviceId, const CommandListFilter &f)
{
    flushWrites();
    if (m_directory.tenantOf(deviceId) != who.tenantId || who.tenantId.isEmpty())
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    QString sql = QStringLiteral("SELECT id, created_at FROM commands WHERE device_id = :d AND tenant_id = :t");
    QVariantMap b{{QStringLiteral("d"), deviceId}, {QStringLiteral("t"), who.tenantId}};
    if (!f.status.isEmpty()) {
        if (!CommandState::fromName(f.status)) {
            QStringList names;
            for (int i = 0; i < CommandState::kStates; ++i)
                names << CommandState::name(State(i));
            return fail(Error::invalid(QStringLiteral("\"status\" must be one of %1").arg(names.join(QStringLiteral(", ")))));
        }
        sql += u" AND status = :status";
        b.insert(QStringLiteral("status"), f.status);
    }
    if (!f.type.isEmpty()) {
        sql += u" AND type = :type";
        b.insert(QStringLiteral("type"), f.type);
    }
    auto ids = CommandRows::newestFirst(m_db, sql, b, f.cursor, f.limit);
    if (!ids)
        return fail(ids.error());
    Page<Command> page;
    page.nextCursor = ids->nextCursor;
    page.items.reserve(ids->ids.size());
    for (const QString &id : std::as_const(ids->ids)) {
        auto command = loadCommand(who.tenantId, id);
        if (!command)
            return fail(command.error());
        page.items.append(std::move(*command));
    }
    return page;
}

Result<Command> CommandService::cancel(const Principal &who, const QString &commandId)
{
    auto stored = loadCommand(who.tenantId, commandId);
    if (!stored)
        return stored;
    auto it = m_open.find(commandId);
    // What is not open is final in memory, whatever its row says yet (a failed write may still wait for a retry).
    const Step step = it == m_open.end() ? Step{Step::Kind::Refuse} : CommandState::next(it->state, it->mid != 0, Event::Cancel);
    if (step.kind != Step::Kind::Move) {
        const QString finishedAt = stored->finishedMs ? Json::timestamp(QDateTime::fromMSecsSinceEpoch(*stored->finishedMs, Qt::UTC)).toString() : QString();
        return fail(Error::conflict(QStringLiteral("command %1 has already finished: %2 at %3; only queued, sent or delivered commands can be cancelled")
                                        .arg(commandId, CommandState::name(stored->state), finishedAt)));
    }
    const bool wasSent = it->state != State::Queued || it->mid != 0;
    audit(m_db, &who, QStringLiteral("command.cancel"), QStringLiteral("command"), commandId,
          QStringLiteral("cancelled while %1").arg(CommandState::name(it->state)));
    finish(*it, step.to, {},
           wasSent ? QStringLiteral("cancelled by %1 after it was sent: the device may still carry it out").arg(who.email)
                   : QStringLiteral("cancelled by %1 before it was sent").arg(who.email));
    if (!flushWrites())
        return fail(Error::unavailable(QStringLiteral("command %1 is cancelled, but the database does not take the change yet; it is tried again "
                                                      "until stored (see the server log)").arg(commandId)));
    return loadCommand(who.tenantId, commandId);
}

// --- State machine ---------------------------------------------------------------------------------------------

void CommandService::persist(const Open &c, State to, qint64 nowMs, const QJsonObject &result, const QString &error, bool announce)
{
    if (to == State::Queued)
        return;
    m_writes.append(Write{c.id, c.deviceId, to, nowMs, result, error, announce});
    if (!m_writeTimer.isActive())
        m_writeTimer.start(0); // a retry pause that is running is kept: the new write goes with the retry
}

bool CommandService::flushWrites()
{
    m_writeTimer.stop();
    if (m_writes.isEmpty())
        return true;
    const bool batch = m_writes.size() > 1;
    QString failure;
    bool inTransaction = false;
    if (batch) {
        if (auto st = m_db.transaction(); !st)
            failure = st.error().message;
        else
            inTransaction = true;
    }
    for (qsizetype i = 0; failure.isEmpty() && i < m_writes.size(); ++i) {
        const Write &w = m_writes.at(i);
        QString column;
        switch (w.to) {
        case State::Sent: column = QStringLiteral("sent_at"); break;
        case State::Delivered: column = QStringLiteral("delivered_at"); break;
        default: column = QStringLiteral("finished_at"); break;
        }
        QVariantMap b{{QStringLiteral("id"), w.id}, {QStringLiteral("s"), CommandState::name(w.to)}, {QStringLiteral("now"), w.atMs}};
        QString sql = QStringLiteral("UPDATE commands SET status = :s, %1 = :now").arg(column);
        if (CommandState::isFinal(w.to)) {
            sql += QStringLiteral(", result = :result, error = :error");
            b.insert(QStringLiteral("result"), w.result.isEmpty() ? QVariant() : QVariant(compactText(w.result)));
            b.insert(QStringLiteral("error"), w.error.isEmpty() ? QVariant() : QVariant(w.error));
        }
        sql += u" WHERE id = :id";
        if (auto r = m_db.exec(sql, b); !r)
            failure = QStringLiteral("command %1 -> %2: %3").arg(w.id, CommandState::name(w.to), r.error().message);
    }
    if (failure.isEmpty() && inTransaction)
        if (auto st = m_db.commit(); !st)
            failure = st.error().message;
    if (!failure.isEmpty()) {
        if (inTransaction)
            m_db.rollback();
        ++m_writeFailures;
        m_retryMs = std::clamp(m_retryMs * 2, 100, 5000);
        if (m_writeFailures <= 10 || m_writeFailures % 100 == 0)
            qCWarning(lcCommands).noquote() << QStringLiteral("%1 command transition(s) not stored (%2); kept, not shown, and tried again in %3 ms")
                                                   .arg(m_writes.size()).arg(failure).arg(m_retryMs);
        m_writeTimer.start(m_retryMs);
        return false;
    }
    if (m_retryMs > 0)
        qCInfo(lcCommands) << m_writes.size() << "command transition(s) stored after the database failed";
    m_retryMs = 0;
    const QList<Write> done = std::exchange(m_writes, {});
    for (const Write &w : done)
        if (w.announce)
            Q_EMIT commandChanged(w.id, w.deviceId, CommandState::name(w.to));
    return true;
}

void CommandService::enqueue(Open c)
{
    const QString id = c.id;
    DeviceState &d = m_devices[c.deviceId];
    d.queue.push_back(id);
    arm(c.expiresMs, id);
    m_open.insert(id, std::move(c));
}

void CommandService::enqueueForGroup(QList<QueuedCommand> commands)
{
    m_counts[int(State::Queued)] += commands.size();
    for (QueuedCommand &q : commands) {
        Open c;
        c.id = q.message.commandId;
        c.deviceId = q.deviceId;
        c.createdMs = q.createdMs;
        c.expiresMs = q.message.expiresAtMs;
        c.timeoutS = q.message.timeoutS;
        c.message = Commands::encode(q.message);
        enqueue(std::move(c));
        markReady(q.deviceId);
    }
    pumpReady();
}

qsizetype CommandService::queueLength(const QString &deviceId) const
{
    const auto it = m_devices.constFind(deviceId);
    return it == m_devices.cend() ? 0 : qsizetype(it->queue.size());
}

void CommandService::arm(qint64 deadlineMs, const QString &commandId)
{
    const bool earliest = m_deadlines.empty() || deadlineMs < m_deadlines.begin()->first;
    m_deadlines.emplace(deadlineMs, commandId);
    if (earliest || !m_deadlineTimer.isActive())
        m_deadlineTimer.start(int(std::clamp<qint64>(deadlineMs - Storage::nowMs(), 0, 3600 * 1000)));
}

void CommandService::onDeadline()
{
    const qint64 now = Storage::nowMs();
    while (!m_deadlines.empty() && m_deadlines.begin()->first <= now) {
        const QString id = m_deadlines.begin()->second;
        m_deadlines.erase(m_deadlines.begin());
        auto it = m_open.find(id);
        if (it == m_open.end())
            continue;
        Open &c = *it;
        // An entry does not say which deadline it was: each one that has passed is offered to the state machine,
        // which drops what the command has moved past (an expiry of a command sent meanwhile, say).
        const bool publishing = c.mid != 0;
        if (const Step s = CommandState::next(c.state, publishing, Event::TtlExpired); c.expiresMs <= now && s.kind == Step::Kind::Move)
            finish(c, s.to, {}, QStringLiteral("its ttl passed while it waited to be sent (device offline or busy)"));
        else if (const Step t = CommandState::next(c.state, publishing, Event::Timeout); c.sentMs + qint64(c.timeoutS) * 1000 <= now && t.kind == Step::Kind::Move)
            finish(c, t.to, {}, QStringLiteral("no final reply within %1 s after it was sent").arg(c.timeoutS));
    }
    if (!m_deadlines.empty())
        m_deadlineTimer.start(int(std::clamp<qint64>(m_deadlines.begin()->first - now, 0, 3600 * 1000)));
}

void CommandService::finish(Open &c, State to, const QJsonObject &result, const QString &error)
{
    const qint64 now = Storage::nowMs();
    persist(c, to, now, result, error);
    ++m_counts[int(to)];
    DeviceState &d = m_devices[c.deviceId];
    if (c.state == State::Queued && c.mid == 0) {
        auto pos = std::find(d.queue.begin(), d.queue.end(), c.id);
        if (pos != d.queue.end())
            d.queue.erase(pos);
    }
    if (c.mid != 0)
        m_publishing.remove(c.mid);
    if (c.counted)
        --d.outstanding;
    const QString deviceId = c.deviceId;
    m_open.remove(c.id);
    pump(deviceId);
}

void CommandService::markSent(Open &c, qint64 nowMs, bool announce)
{
    persist(c, State::Sent, nowMs, {}, {}, announce);
    c.state = State::Sent;
    c.sentMs = nowMs;
    ++m_counts[int(State::Sent)];
}

void CommandService::pump(const QString &deviceId)
{
    auto dit = m_devices.find(deviceId);
    if (dit == m_devices.end())
        return;
    DeviceState &d = *dit;
    while (!d.queue.empty() && d.online && d.sendable && d.outstanding < m_options.windowPerDevice && m_transport.isConnected()) {
        const qint64 now = Storage::nowMs();
        m_tokens = std::min(m_options.fanOutPerSecond / 10.0, m_tokens + double(now - m_refilledMs) * m_options.fanOutPerSecond / 1000.0);
        m_refilledMs = now;
        if (m_tokens < 1) {
            markReady(deviceId);
            if (!m_pacer.isActive())
                m_pacer.start();
            return;
        }
        auto it = m_open.find(d.queue.front());
        if (it == m_open.end()) { // finished meanwhile
            d.queue.pop_front();
            continue;
        }
        auto mid = m_transport.publishCommand(deviceId, it->id, it->message);
        if (!mid) {
            qCWarning(lcCommands) << "command" << it->id << "not published, stays queued:" << mid.error().message;
            return;
        }
        m_tokens -= 1;
        d.queue.pop_front();
        it->mid = *mid;
        it->counted = true;
        ++d.outstanding;
        m_publishing.insert(*mid, it->id);
    }
}

void CommandService::markReady(const QString &deviceId)
{
    if (!m_readySet.contains(deviceId)) {
        m_readySet.insert(deviceId);
        m_ready.append(deviceId);
    }
}

void CommandService::pumpReady()
{
    const QList<QString> ready = std::exchange(m_ready, {});
    m_readySet.clear();
    for (const QString &deviceId : ready)
        pump(deviceId);
    if (m_ready.isEmpty())
        m_pacer.stop();
    else if (!m_pacer.isActive())
        m_pacer.start();
}

void CommandService::onPublished(int mid)
{
    const QString id = m_publishing.take(mid);
    auto it = m_open.find(id);
    if (id.isEmpty() || it == m_open.end())
        return;
    Open &c = *it;
    const Step step = CommandState::next(c.state, c.mid != 0, Event::Published);
    c.mid = 0;
    if (step.kind != Step::Kind::Move)
        return;
    const qint64 now = Storage::nowMs();
    markSent(c, now, true);
    arm(now + qint64(c.timeoutS) * 1000, c.id);
}

void CommandService::handleReply(const QString &deviceId, const QString &commandId, const QByteArray &payload)
{
    auto reply = Commands::decodeReply(payload);
    const auto reject = [&](const QString &why) {
        if (++m_rejectedReplies <= 20 || m_rejectedReplies % 1000 == 0)
            qCWarning(lcCommands) << "rejected command reply from" << deviceId << "for" << commandId.left(64) << ":" << why << "(" << m_rejectedReplies << "so far)";
    };
    if (!reply)
        return reject(reply.error().message);
    auto it = m_open.find(commandId);
    if (it == m_open.end() || it->deviceId != deviceId) {
        auto known = m_db.exec(QStringLiteral("SELECT status FROM commands WHERE id = :id AND device_id = :d"),
                               {{QStringLiteral("id"), commandId}, {QStringLiteral("d"), deviceId}});
        if (!known || !known->next() || it != m_open.end())
            return reject(QStringLiteral("no such command for this device"));
        // A reply to a command that is already final (timed out, cancelled) is kept beside it, not applied.
        ++m_lateReplies;
        const QString late = compactText({{QStringLiteral("status"), Commands::statusName(reply->status)},
                                          {QStringLiteral("result"), reply->result},
                                          {QStringLiteral("at"), Json::timestamp(QDateTime::currentDateTimeUtc())}});
        if (auto u = m_db.exec(QStringLiteral("UPDATE commands SET late_reply = :r WHERE id = :id AND late_reply IS NULL"),
                               {{QStringLiteral("r"), late}, {QStringLiteral("id"), commandId}}); !u)
            qCWarning(lcCommands) << "late reply to" << commandId << "not stored:" << u.error().message;
        return;
    }
    Open &c = *it;
    const Step step = CommandState::next(c.state, c.mid != 0, replyEvent(reply->status));
    if (step.kind != Step::Kind::Move)
        return; // a repeated "delivered"
    const qint64 now = Storage::nowMs();
    DeviceState &d = m_devices[deviceId];
    if (step.sentFirst) {
        // Out of its publish (PUBACK awaited) or its queue (a publish that lost its PUBACK with the link and waits
        // to go again) and into the window, where the sent ones are.
        if (c.mid != 0) {
            m_publishing.remove(c.mid);
            c.mid = 0;
        } else if (auto pos = std::find(d.queue.begin(), d.queue.end(), c.id); pos != d.queue.end()) {
            d.queue.erase(pos);
            c.counted = true;
            ++d.outstanding;
        }
        markSent(c, now, false);
        // Sent as of this reply, whose PUBACK may still come: its timeout runs from now (onPublished no longer
        // moves it), or a device that says "delivered" and goes silent would wait for its TTL.
        arm(now + qint64(c.timeoutS) * 1000, c.id);
    }
    if (step.to == State::Delivered) {
        persist(c, State::Delivered, now);
        c.state = State::Delivered;
        ++m_counts[int(State::Delivered)];
        if (c.counted) {
            c.counted = false;
            --d.outstanding;
        }
        pump(deviceId);
        return;
    }
    const bool withError = step.to == State::Failed || step.to == State::Rejected;
    finish(c, step.to, reply->result, withError ? reply->result.value(QStringLiteral("error")).toString().left(500) : QString());
}

void CommandService::onConnection(const ConnectionEvent &e)
{
    DeviceState &d = m_devices[e.deviceId];
    d.online = e.online;
    if (e.online)
        pump(e.deviceId);
}

void CommandService::refreshDevice(const DeviceSummary &device)
{
    const QString &deviceId = device.id;
    DeviceState &d = m_devices[deviceId];
    d.sendable = !device.blocked();
    // The broker has disconnected it; it is online again only when it says so after a resume.
    if (!d.sendable)
        d.online = false;
    if (device.status == States::DeviceStatus::Decommissioned) {
        const std::deque<QString> queued = d.queue;
        for (const QString &id : queued)
            if (auto it = m_open.find(id); it != m_open.end())
                if (const Step step = CommandState::next(it->state, it->mid != 0, Event::Cancel); step.kind == Step::Kind::Move)
                    finish(*it, step.to, {}, QStringLiteral("the device was decommissioned"));
    }
    pump(deviceId);
}

void CommandService::onLinkUp()
{
    for (auto it = m_devices.begin(); it != m_devices.end(); ++it)
        if (!it->queue.empty())
            pump(it.key());
}

void CommandService::onLinkDown()
{
    // Publishes without a PUBACK may not have reached the broker: they go back to the front of their queues, in
    // order, and are sent again (a device recognises a repeated command by its id).
    QHash<QString, QList<Open *>> back;
    for (const QString &id : std::as_const(m_publishing))
        if (auto it = m_open.find(id); it != m_open.end() && CommandState::next(it->state, it->mid != 0, Event::LinkLost).kind == Step::Kind::Requeue)
            back[it->deviceId].append(&*it);
    m_publishing.clear();
    for (auto it = back.begin(); it != back.end(); ++it) {
        QList<Open *> &list = *it;
        std::sort(list.begin(), list.end(), [](const Open *a, const Open *b) { return a->createdMs != b->createdMs ? a->createdMs > b->createdMs : a->id > b->id; });
        DeviceState &d = m_devices[it.key()];
        for (Open *c : list) {
            c->mid = 0;
            if (c->counted) {
                c->counted = false;
                --d.outstanding;
            }
            d.queue.push_front(c->id);
            arm(c->expiresMs, c->id); // its ttl runs again while it waits
        }
    }
}

QJsonObject CommandService::health() const
{
    qint64 queued = 0, inFlight = 0;
    for (const Open &c : m_open)
        (c.state == State::Queued && c.mid == 0 ? queued : inFlight) += 1;
    QJsonObject transitions;
    for (int i = 0; i < CommandState::kStates; ++i)
        transitions.insert(CommandState::name(State(i)), m_counts[i]);
    return QJsonObject{{QStringLiteral("open"), qint64(m_open.size())},
                       {QStringLiteral("queued"), queued},
                       {QStringLiteral("in_flight"), inFlight},
                       {QStringLiteral("transitions"), transitions},
                       {QStringLiteral("late_replies"), m_lateReplies},
                       {QStringLiteral("rejected_replies"), m_rejectedReplies},
                       // Transitions made but not yet stored (and so not yet shown), and failed attempts to store them.
                       {QStringLiteral("unsaved_transitions"), qint64(m_writes.size())},
                       {QStringLiteral("write_failures"), m_writeFailures}};
}

} // namespace Fleetdeck
