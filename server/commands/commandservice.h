#pragma once

#include "auth/principal.h"
#include "commands/commandstate.h"
#include "commands/commandtypes.h"
#include "core/result.h"
#include "protocol/commands.h"

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QTimer>
#include <QtCore/QVariant>
#include <deque>
#include <map>

namespace Fleetdeck {
struct ConnectionEvent;
class DeviceDirectory;
struct DeviceSummary;

namespace Storage { class Database; }

/// Where commands and desired configuration go out: the broker link. An interface so that the service does not
/// depend on the MQTT client; the integration tests put the real broker behind it.
class ICommandTransport
{
public:
    virtual ~ICommandTransport() = default;
    virtual bool isConnected() const = 0;
    /// QoS 1 publish; the returned message id comes back through CommandService::onPublished() at the PUBACK.
    [[nodiscard]] virtual Result<int> publishCommand(const QString &deviceId, const QString &commandId, const QByteArray &payload) = 0;
    /// Retained QoS 1 publish of the desired configuration.
    [[nodiscard]] virtual Result<int> publishDesiredConfig(const QString &deviceId, const QByteArray &payload) = 0;
};

/// A CommandRequest checked against CommandService's limits, with its defaults applied: what is stored and sent.
struct CommandSpec
{
    QString type;
    QJsonObject payload;
    QByteArray payloadBytes; ///< `payload` as stored
    int timeoutS = 0;
    int ttlS = 0;
};

/// A command a group job has stored (committed) as queued, for CommandService to send.
struct QueuedCommand
{
    QString deviceId;
    Commands::CommandMessage message; ///< its id, type, payload, expiry and timeout
    qint64 createdMs = 0;
};

struct CommandListFilter
{
    QString status;
    QString type;
    QString cursor;
    int limit = 100;
};

/// Command & Control: commands to one device or a group, with every state persisted (queued -> sent -> delivered
/// -> succeeded | failed | rejected; timed_out, expired, cancelled; the rules are CommandState's) and derived timers
/// that resume after a restart; per-device ordered queues for offline devices; paced fan-out of the commands of
/// group jobs (GroupJobs makes and stores those). The device twin is TwinService's.
class CommandService : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxQueuedPerDevice = 100;   ///< commands waiting (queued) for one device; beyond: 409
        int windowPerDevice = 4;        ///< commands sent but not yet delivered, per device
        int fanOutPerSecond = 5000;     ///< publishes per second at most, over all devices
        int defaultTimeoutS = 30;
        int defaultTtlS = 3600;
        int maxTimeoutS = 24 * 3600;
        int maxTtlS = 30 * 24 * 3600;
    };

    /// `devices`: the registry's directory, for the device checks of every request (no query on the main thread).
    CommandService(Storage::Database &db, ICommandTransport &transport, const DeviceDirectory &devices, Options options, QObject *parent = nullptr);
    ~CommandService() override;

    /// Loads every command that is not final and arms its timer; learns which devices are online.
    [[nodiscard]] Status start();
    /// Writes what is pending and stops the timers (the server is shutting down).
    void stop();

    /// Queues a command for a device of the caller's tenant (checked like a REST request: 400 for a bad request,
    /// 404, 409 for a device that cannot take it or a full queue) and sends it as soon as the device can take it.
    [[nodiscard]] Result<Command> send(const Principal &who, const QString &deviceId, const CommandRequest &request);
    [[nodiscard]] Result<Command> get(const Principal &who, const QString &commandId);
    [[nodiscard]] Result<Page<Command>> list(const Principal &who, const QString &deviceId, const CommandListFilter &filter);
    [[nodiscard]] Result<Command> cancel(const Principal &who, const QString &commandId);

    /// The fields a command request may have in JSON (a group command adds its target).
    static const QSet<QString> &specKeys();
    /// A request body's command fields (type, payload, timeout_s, ttl_s), checked in that order with the API's
    /// messages; for the API edge and GroupJobs. Unknown keys are the caller's to check (specKeys()).
    [[nodiscard]] Result<CommandRequest> parseRequest(const QJsonObject &body) const;
    /// A request checked against this service's limits, with the defaults filled in.
    [[nodiscard]] Result<CommandSpec> resolve(const CommandRequest &request) const;

    // For GroupJobs
    const Options &options() const { return m_options; }
    /// Commands waiting to be sent to the device; with options().maxQueuedPerDevice waiting it takes no new one.
    qsizetype queueLength(const QString &deviceId) const;
    /// Takes the commands of a group job, each one's row already committed as queued: queues each behind its
    /// device's earlier commands and sends them paced.
    void enqueueForGroup(QList<QueuedCommand> commands);
    /// Writes the waiting transitions in one transaction; when that fails, none is kept, all stay waiting (in
    /// order) and are tried again with a growing pause, so the rows catch up with memory and nothing is shown
    /// that is not stored. False when they could not be written. Whoever reads command rows calls it first.
    bool flushWrites();

    // From the broker
    void handleReply(const QString &deviceId, const QString &commandId, const QByteArray &payload);
    /// A device's connection, stored by the registry: online devices get their queue.
    void onConnection(const Fleetdeck::ConnectionEvent &e);
    void onPublished(int mid);
    void onLinkUp();
    void onLinkDown();
    /// The registry changed a device (suspended, decommissioned, ...): its queue may no longer be sent.
    void refreshDevice(const Fleetdeck::DeviceSummary &device);

    QJsonObject health() const;

Q_SIGNALS:
    /// A command changed state (the event stream for the live API).
    void commandChanged(const QString &commandId, const QString &deviceId, const QString &status);

private:
    using State = CommandState::State;

    /// A command that is not final yet, in memory.
    struct Open
    {
        QString id;
        QString deviceId;
        State state = State::Queued;
        QByteArray message;      ///< what goes to the device
        qint64 createdMs = 0;
        qint64 expiresMs = 0;
        qint64 sentMs = 0;
        int timeoutS = 0;
        int mid = 0;             ///< while being published: the MQTT message id awaiting its PUBACK
        bool counted = false;    ///< counts against the device's window (sent, not yet delivered or final)
    };
    struct DeviceState
    {
        bool online = false;
        bool sendable = true;    ///< not suspended or decommissioned
        std::deque<QString> queue; ///< queued command ids, oldest first (the publishing one included until PUBACK)
        int outstanding = 0;     ///< sent but not delivered
    };

    Result<Command> loadCommand(const QString &tenantId, const QString &commandId);
    /// Records a transition. Transitions made in one pass of the event loop are written together, in one
    /// transaction, at the end of the pass (or before any read of commands): one commit instead of one per row.
    /// Nothing outside this service sees a transition before its row is committed: reads flush first, and
    /// commandChanged is emitted only after the commit (`announce`).
    void persist(const Open &c, State to, qint64 nowMs, const QJsonObject &result = {}, const QString &error = {}, bool announce = true);
    void finish(Open &c, State to, const QJsonObject &result = {}, const QString &error = {});
    /// The command is sent now; `announce` false when a later move of the same pass tells it (a reply that overtook
    /// its PUBACK).
    void markSent(Open &c, qint64 nowMs, bool announce);
    void enqueue(Open c);
    void pump(const QString &deviceId);
    void pumpReady();
    void arm(qint64 deadlineMs, const QString &commandId);
    void onDeadline();

    Storage::Database &m_db;
    ICommandTransport &m_transport;
    const DeviceDirectory &m_directory;
    Options m_options;
    struct Write
    {
        QString id;
        QString deviceId;
        State to;
        qint64 atMs;
        QJsonObject result;
        QString error;
        bool announce = true;
    };
    QList<Write> m_writes;
    QTimer m_writeTimer;
    int m_retryMs = 0;                    ///< the pause before the next try after a failed write; 0 when writes go through
    qint64 m_writeFailures = 0;
    QHash<QString, Open> m_open;
    QHash<QString, DeviceState> m_devices;
    QHash<int, QString> m_publishing;     ///< MQTT mid -> command id
    std::multimap<qint64, QString> m_deadlines;
    QTimer m_deadlineTimer;
    // Fan-out pacing: a token bucket of fanOutPerSecond with a burst of a tenth of a second.
    double m_tokens = 0;
    qint64 m_refilledMs = 0;
    QList<QString> m_ready;               ///< devices with something to send once tokens allow, in order
    QSet<QString> m_readySet;             ///< the same ids, for a constant-time "already waiting" (group targets are up to 100,000)
    void markReady(const QString &deviceId);
    QTimer m_pacer;
    qint64 m_counts[CommandState::kStates] = {};
    qint64 m_lateReplies = 0;
    qint64 m_rejectedReplies = 0;
};

} // namespace Fleetdeck
