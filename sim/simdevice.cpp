#include "simdevice.h"

#include "protocol/messages.h"
#include "protocol/topics.h"

#include <utility>
#include <QtCore/QDateTime>
#include <QtCore/QJsonValue>
#include <QtCore/QLoggingCategory>
#include <chrono>
#include <iterator>
#include <limits>

Q_LOGGING_CATEGORY(lcSimDevice, "fleetdeck.sim.device", QtInfoMsg)

namespace Fleetdeck::Sim {

namespace {

constexpr int kMaxRememberedCommands = 1024;
constexpr size_t kMaxOutbox = 1000;
constexpr double kMinIntervalS = 0.05;
constexpr double kMaxIntervalS = 86400;

QJsonObject errorResult(const QString &why) { return QJsonObject{{QStringLiteral("error"), why}}; }

bool isValidInterval(const QJsonValue &v)
{
    return v.isDouble() && v.toDouble() >= kMinIntervalS && v.toDouble() <= kMaxIntervalS;
}

} // namespace

SimDevice::SimDevice(DeviceIdentity identity, QString firmwareVersion, QObject *parent)
    : QObject(parent), m_identity(std::move(identity)), m_firmware(std::move(firmwareVersion))
{
    m_client = makeClient();
    // Precise: Qt lines up coarse timers of similar intervals (within 5 %) so that they fire together, and a
    // fleet of simulated devices would then send in bursts that no fleet of real, independent devices sends.
    m_tick.setTimerType(Qt::PreciseTimer);
    connect(&m_tick, &QTimer::timeout, this, &SimDevice::generate);
    m_shutdownTimer.setSingleShot(true);
    connect(&m_shutdownTimer, &QTimer::timeout, this, &SimDevice::powerOff);
    m_rebootTimer.setSingleShot(true);
    connect(&m_rebootTimer, &QTimer::timeout, this, &SimDevice::finishReboot);
    setCommandOptions({});
}

std::unique_ptr<MqttClient> SimDevice::makeClient()
{
    MqttClientOptions o;
    o.host = m_identity.mqttHost;
    o.port = m_identity.mqttPort;
    o.clientId = m_identity.deviceId;
    o.caFile = m_identity.caFile;
    o.certFile = m_identity.certFile;
    o.keyFile = m_identity.keyFile;
    o.cleanSession = false;
    o.keepAliveSeconds = 30;
    o.willTopic = Topics::status(m_identity.deviceId);
    o.willPayload = Messages::encode(Messages::DeviceStatus{Messages::DeviceStatus::State::Offline, {}});
    o.willQos = 1;
    o.willRetain = true;
    o.reconnectMaxMs = 30000;
    auto client = std::make_unique<MqttClient>(o);
    connect(client.get(), &MqttClient::connected, this, &SimDevice::onConnected);
    connect(client.get(), &MqttClient::disconnected, this, [this](const QString &reason) {
        if (m_shutdownTimer.isActive())
            m_shutdownTimer.start(0); // lost while shutting down for a reboot: no PUBACK to wait for
        Q_EMIT offline(m_rebooting ? QStringLiteral("rebooting") : reason);
    });
    connect(client.get(), &MqttClient::messageReceived, this,
            [this](const QString &topic, const QByteArray &payload) { onMessage(topic, payload); });
    connect(client.get(), &MqttClient::published, this, [this](int mid) {
        // Not stopped from inside the client's callback: the next turn.
        if (m_shutdownTimer.isActive() && mid == m_shutdownMid)
            m_shutdownTimer.start(0);
        if (m_inFlight > 0)
            --m_inFlight;
        if (m_telemetry.flood)
            generate();
    });
    return client;
}

void SimDevice::onConnected()
{
    (void)publishStatus(true);
    const QString &id = m_identity.deviceId;
    (void)m_client->subscribe(Topics::telemetryAck(id), 1);
    (void)m_client->subscribe(Topics::command(id, QStringLiteral("+")), 1);
    (void)m_client->subscribe(Topics::configDesired(id), 1);
    if (m_firmwareAgent)
        (void)m_client->subscribe(Topics::firmwareJob(id), 1);
    // Everything not acknowledged goes again, in order; the server recognises what it already stored.
    if (m_nextToSend > 0)
        m_counters.resent += qint64(m_nextToSend);
    m_nextToSend = 0;
    m_inFlight = 0;
    sendPending();
    while (!m_outbox.empty() && m_client->state() == MqttClient::State::Connected) {
        const auto [topic, payload] = m_outbox.front();
        m_outbox.pop_front();
        (void)publishOrQueue(topic, payload);
    }
    Q_EMIT online();
}

void SimDevice::onMessage(const QString &topic, const QByteArray &payload)
{
    const auto parsed = Topics::parse(topic);
    if (!parsed || parsed->deviceId != m_identity.deviceId) {
        qCDebug(lcSimDevice) << m_identity.serialNumber << "ignores a message on" << topic;
        return;
    }
    switch (parsed->kind) {
    case Topics::Kind::TelemetryAck:
        if (const auto seq = Telemetry::decodeAck(payload))
            onAck(*seq);
        break;
    case Topics::Kind::Command:
        onCommand(parsed->commandId, payload);
        break;
    case Topics::Kind::ConfigDesired:
        onDesiredConfig(payload);
        break;
    case Topics::Kind::FirmwareJob:
        if (m_firmwareAgent && !m_rebooting)
            m_firmwareAgent->onJob(payload, m_deviceType, m_firmware);
        break;
    default:
        qCDebug(lcSimDevice) << m_identity.serialNumber << "ignores a message on" << topic;
        break;
    }
}

Result<int> SimDevice::publishStatus(bool online)
{
    using State = Messages::DeviceStatus::State;
    const QByteArray status = Messages::encode(Messages::DeviceStatus{online ? State::Online : State::Offline, m_firmware});
    return m_client->publish(Topics::status(m_identity.deviceId), status, 1, true);
}

Result<int> SimDevice::publishOrQueue(const QString &topic, const QByteArray &payload)
{
    if (m_client->state() == MqttClient::State::Connected) {
        auto mid = m_client->publish(topic, payload, 1);
        if (!mid) // connected, yet refused: trying again would not help
            qCWarning(lcSimDevice).noquote() << m_identity.serialNumber << "drops a message to" << topic << "-" << mid.error().message;
        return mid;
    }
    if (m_outbox.size() >= kMaxOutbox) {
        qCWarning(lcSimDevice).noquote() << m_identity.serialNumber << "offline with" << kMaxOutbox << "messages waiting; drops the oldest, to" << m_outbox.front().first;
        m_outbox.pop_front();
    }
    m_outbox.emplace_back(topic, payload);
    return fail(Error::unavailable(QStringLiteral("offline; kept for the next connection")));
}

Status SimDevice::start() { return m_client->start(); }

void SimDevice::stop()
{
    cancelPendingCommands("stopped");
    m_shutdownTimer.stop();
    m_rebootTimer.stop();
    m_rebooting = false;
    // A clean stop says so; the will is only for unexpected loss.
    if (m_client->state() == MqttClient::State::Connected)
        (void)publishStatus(false);
    m_client->stop();
}

bool SimDevice::isOnline() const { return !m_rebooting && m_client->state() == MqttClient::State::Connected; }

void SimDevice::setCommandOptions(const CommandOptions &options)
{
    m_commandOptions = options;
    // Seeded differently from the telemetry generator, which may get the same number.
    const quint32 seedWords[] = {quint32(options.seed), quint32(options.seed >> 32), 0x636d6473u /* "cmds" */};
    m_commandRng = QRandomGenerator(seedWords, std::size(seedWords));
}

void SimDevice::onCommand(const QString &commandId, const QByteArray &payload)
{
    using S = Commands::Reply::Status;
    if (m_seenCommands.contains(commandId)) {
        qCInfo(lcSimDevice) << m_identity.serialNumber << "ignores command" << commandId << "(seen before)";
        return;
    }
    m_seenCommands.insert(commandId);
    m_seenOrder.push_back(commandId);
    if (int(m_seenOrder.size()) > kMaxRememberedCommands) {
        m_seenCommands.remove(m_seenOrder.front());
        m_seenOrder.pop_front();
    }
    ++m_commandCounters.commandsReceived;
    if (m_rebooting) {
        // Between the reboot reply and the disconnect: refused, rather than lost with the device's memory.
        finish(commandId, {}, S::Rejected, errorResult(QStringLiteral("rebooting")));
        return;
    }

    auto decoded = Commands::decodeCommand(payload);
    if (!decoded) {
        qCWarning(lcSimDevice).noquote() << m_identity.serialNumber << "rejects malformed command" << commandId << "-" << decoded.error().message;
        finish(commandId, {}, S::Rejected, errorResult(decoded.error().message));
        return;
    }
    const Commands::CommandMessage command = std::move(*decoded);
    if (command.commandId != commandId) {
        const QString why = QStringLiteral("\"command_id\" %1 does not match the topic").arg(command.commandId);
        qCWarning(lcSimDevice).noquote() << m_identity.serialNumber << "rejects malformed command" << commandId << "-" << why;
        finish(commandId, command.type, S::Rejected, errorResult(why));
        return;
    }
    if (command.expiresAtMs > 0 && command.expiresAtMs < QDateTime::currentMSecsSinceEpoch()) {
        qCInfo(lcSimDevice) << m_identity.serialNumber << "rejects expired command" << commandId << command.type;
        finish(commandId, command.type, S::Rejected, errorResult(QStringLiteral("expired")));
        return;
    }
    // Both drawn for every command, whatever the options, so that one seed gives one sequence.
    const int delayMs = int(m_commandRng.bounded(quint32(std::max(0, m_commandOptions.delayMs)) + 1));
    const bool simulatedFailure = m_commandRng.generateDouble() < m_commandOptions.failureRate;

    reply(commandId, S::Delivered);
    qCDebug(lcSimDevice) << m_identity.serialNumber << "runs command" << commandId << command.type << "in" << delayMs << "ms";
    if (delayMs == 0) {
        execute(command, simulatedFailure);
        return;
    }
    ++m_pendingCommands;
    QTimer::singleShot(delayMs, this, [this, command, simulatedFailure, generation = m_commandGeneration] {
        if (generation != m_commandGeneration)
            return;
        --m_pendingCommands;
        execute(command, simulatedFailure);
    });
}

void SimDevice::execute(const Commands::CommandMessage &command, bool simulatedFailure)
{
    using S = Commands::Reply::Status;
    const bool known = command.type == u"ping" || command.type == u"reboot" || command.type == u"set_reporting_interval";
    if (!known) {
        finish(command.commandId, command.type, S::Rejected, errorResult(QStringLiteral("unknown command type \"%1\"").arg(command.type)));
        return;
    }
    const QJsonValue interval = command.payload.value(QStringLiteral("interval_s"));
    if (command.type == u"set_reporting_interval" && !isValidInterval(interval)) {
        finish(command.commandId, command.type, S::Failed, errorResult(QStringLiteral("\"interval_s\" must be a number from 0.05 to 86400")));
        return;
    }
    if (simulatedFailure) {
        finish(command.commandId, command.type, S::Failed, errorResult(QStringLiteral("simulated failure")));
        return;
    }
    if (command.type == u"ping") {
        finish(command.commandId, command.type, S::Succeeded, {{QStringLiteral("pong"), true}});
    } else if (command.type == u"set_reporting_interval") {
        setReportingInterval(interval.toDouble());
        finish(command.commandId, command.type, S::Succeeded, {{QStringLiteral("interval_s"), interval.toDouble()}});
    } else {
        finish(command.commandId, command.type, S::Succeeded, {{QStringLiteral("rebooting"), true}});
        // Not from inside the client's message callback: a reboot stops and later replaces that client. The reply
        // is queued before the DISCONNECT, so it goes out first.
        QTimer::singleShot(0, this, [this, generation = m_commandGeneration] {
            if (generation == m_commandGeneration && !m_rebooting)
                reboot();
        });
    }
}

void SimDevice::reply(const QString &commandId, Commands::Reply::Status status, const QJsonObject &result)
{
    (void)publishOrQueue(Topics::commandReply(m_identity.deviceId, commandId), Commands::encode(Commands::Reply{status, result}));
}

void SimDevice::finish(const QString &commandId, const QString &type, Commands::Reply::Status status, const QJsonObject &result)
{
    using S = Commands::Reply::Status;
    reply(commandId, status, result);
    switch (status) {
    case S::Succeeded: ++m_commandCounters.commandsSucceeded; break;
    case S::Failed: ++m_commandCounters.commandsFailed; break;
    case S::Rejected: ++m_commandCounters.commandsRejected; break;
    case S::Delivered: break;
    }
    if (status != S::Succeeded)
        qCDebug(lcSimDevice).noquote() << m_identity.serialNumber << "command" << commandId << type << Commands::statusName(status)
                                    << result.value(QStringLiteral("error")).toString();
    Q_EMIT commandFinished(commandId, type, status);
}

void SimDevice::onDesiredConfig(const QByteArray &payload)
{
    if (payload.isEmpty()) {
        // The retained desired configuration was cleared: nothing to apply.
        qCDebug(lcSimDevice) << m_identity.serialNumber << "has no desired configuration";
        return;
    }
    auto desired = Commands::decodeDesired(payload);
    if (!desired) {
        qCWarning(lcSimDevice).noquote() << m_identity.serialNumber << "ignores a malformed desired configuration -" << desired.error().message;
        return;
    }
    QJsonObject applied = desired->values;
    const QString intervalKey = QStringLiteral("reporting_interval_s");
    if (applied.contains(intervalKey)) {
        const QJsonValue interval = applied.value(intervalKey);
        if (isValidInterval(interval)) {
            setReportingInterval(interval.toDouble());
        } else {
            qCWarning(lcSimDevice).noquote() << m_identity.serialNumber << "ignores desired" << intervalKey << "of version" << desired->version
                                          << "- must be a number from 0.05 to 86400";
            // Report what the device really runs with, so that the difference stays visible.
            if (m_reportedConfig.contains(intervalKey))
                applied.insert(intervalKey, m_reportedConfig.value(intervalKey));
            else
                applied.remove(intervalKey);
        }
    }
    m_reportedConfig = applied;
    m_configVersion = desired->version;
    ++m_commandCounters.configsApplied;
    (void)publishOrQueue(Topics::configReported(m_identity.deviceId), Commands::encodeReported({m_configVersion, m_reportedConfig}));
    qCDebug(lcSimDevice) << m_identity.serialNumber << "applied configuration version" << m_configVersion;
    Q_EMIT configApplied(m_configVersion);
}

bool SimDevice::setReportingInterval(double seconds)
{
    if (!(seconds >= kMinIntervalS && seconds <= kMaxIntervalS))
        return false;
    m_telemetry.ratePerSecond = 1.0 / seconds;
    // Flood mode has no rate; a device that sends no telemetry does not start now.
    if (m_tick.isActive())
        m_tick.start(tickIntervalMs());
    return true;
}

int SimDevice::tickIntervalMs() const
{
    const double ms = 1000.0 * std::max(1, m_telemetry.batch) / m_telemetry.ratePerSecond;
    return int(std::clamp(ms, 1.0, double(std::numeric_limits<int>::max())));
}

void SimDevice::reboot()
{
    qCInfo(lcSimDevice) << m_identity.serialNumber << "reboots for" << m_commandOptions.rebootSeconds << "s";
    cancelPendingCommands("rebooting");
    m_rebooting = true;
    // A device that is off measures nothing: no readings pile up while it reboots.
    m_resumeTick = m_tick.isActive();
    m_tick.stop();
    if (m_client->state() == MqttClient::State::Connected) {
        if (auto mid = publishStatus(false)) {
            // Disconnect once the broker has confirmed it (and so the replies before it): a broker that still has a
            // PUBACK to send when the socket closes takes that for a lost connection, and publishes the will.
            m_shutdownMid = *mid;
            m_shutdownTimer.start(1000);
            return;
        }
    }
    powerOff();
}

void SimDevice::enableFirmware(QNetworkAccessManager &network, const FirmwareOptions &options, const QString &deviceType)
{
    m_deviceType = deviceType;
    if (!m_firmwareAgent) {
        m_firmwareAgent = new FirmwareAgent(
            network, [this](const QByteArray &progress) { (void)publishOrQueue(Topics::firmwareProgress(m_identity.deviceId), progress); },
            [this](const QString &version, bool bootOk, bool returns) { installFirmware(version, bootOk, returns); }, this);
        if (m_client && m_client->state() == MqttClient::State::Connected)
            (void)m_client->subscribe(Topics::firmwareJob(m_identity.deviceId), 1);
    }
    m_firmwareAgent->setOptions(options);
}

void SimDevice::setFirmwareOptions(const FirmwareOptions &options)
{
    if (m_firmwareAgent)
        m_firmwareAgent->setOptions(options);
}

void SimDevice::installFirmware(const QString &version, bool bootOk, bool returns)
{
    qCInfo(lcSimDevice).noquote() << m_identity.serialNumber << "installs firmware" << version
                                  << (bootOk ? QString() : QStringLiteral("(it will not boot: back to %1)").arg(m_firmware))
                                  << (returns ? QString() : QStringLiteral("(and never comes back)"));
    // The new version runs from the next boot: the offline status on the way down still names the old one.
    m_nextFirmware = bootOk ? version : QString();
    m_staysOff = !returns;
    reboot();
}

void SimDevice::powerOff()
{
    m_shutdownTimer.stop();
    m_shutdownMid = -1;
    m_client->stop();
    if (m_staysOff)
        return; // a device that never came back from its update
    m_rebootTimer.start(std::max(0, m_commandOptions.rebootSeconds) * 1000);
}

void SimDevice::finishReboot()
{
    m_rebooting = false;
    if (!m_nextFirmware.isEmpty())
        m_firmware = std::exchange(m_nextFirmware, QString());
    // A fresh client: the stopped one does not start again. Same client id and persistent session, so the broker
    // keeps the subscriptions and the QoS 1 commands sent meanwhile.
    m_client = makeClient();
    if (m_resumeTick && m_telemetry.ratePerSecond > 0)
        m_tick.start(tickIntervalMs());
    m_resumeTick = false;
    if (auto st = m_client->start(); !st)
        qCWarning(lcSimDevice).noquote() << m_identity.serialNumber << "cannot start after the reboot:" << st.error().message;
}

void SimDevice::cancelPendingCommands(const char *why)
{
    ++m_commandGeneration;
    if (m_pendingCommands > 0)
        qCInfo(lcSimDevice) << m_identity.serialNumber << "drops" << m_pendingCommands << "commands not yet run:" << why;
    m_pendingCommands = 0;
}

void SimDevice::startTelemetry(const TelemetryOptions &options)
{
    m_telemetry = options;
    m_generator = std::make_unique<TelemetryGenerator>(options.seed, options.metrics);
    // Sequence numbers never go back, also across restarts of the simulator: microseconds at start.
    m_seq = QDateTime::currentMSecsSinceEpoch() * 1000;
    if (options.historyMs > 0 && options.historyStepMs > 0) {
        // The past first, oldest first, each with its own time; sent and re-sent until acknowledged like any other.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (qint64 ts = now - options.historyMs; ts < now && int(m_buffer.size()) < options.maxBuffered;
             ts += options.historyStepMs) {
            Telemetry::Message m;
            m.seq = ++m_seq;
            m.tsMs = ts;
            m.readings = m_generator->next(ts);
            m_buffer.push_back(std::move(m));
            if (m_telemetry.recordLatency)
                m_sentNs.push_back(0);
            ++m_counters.generated;
        }
        sendPending();
    }
    if (options.flood) {
        for (int i = 0; i < options.window; ++i)
            generate();
    } else if (options.ratePerSecond > 0) {
        m_tick.start(tickIntervalMs());
    }
}

void SimDevice::stopTelemetry()
{
    m_tick.stop();
    m_telemetry.flood = false;
}

void SimDevice::generate()
{
    // Flood: as many as the windows allow, so that after a wait for the server's ack the device has its whole QoS 1
    // window in flight again (its PUBACKs drained it meanwhile), not one message at a time.
    for (;;) {
        if (!m_generator || (m_telemetry.flood && m_inFlight >= m_telemetry.window))
            return;
        if (m_telemetry.flood && m_telemetry.ackWindow > 0 && int(m_buffer.size()) >= m_telemetry.ackWindow)
            return; // end-to-end flow control: wait for the server to confirm what it has
        const int inFlight = m_inFlight;
        generateOne();
        if (!m_telemetry.flood || m_inFlight == inFlight)
            return; // not flooding, or nothing could go out (not connected)
    }
}

void SimDevice::generateOne()
{
    const int count = std::max(1, m_telemetry.batch);
    for (int i = 0; i < count; ++i) {
        Telemetry::Message m;
        m.seq = ++m_seq;
        m.tsMs = QDateTime::currentMSecsSinceEpoch();
        m.readings = m_generator->next(m.tsMs);
        m_buffer.push_back(std::move(m));
        if (m_telemetry.recordLatency)
            m_sentNs.push_back(0);
        ++m_counters.generated;
        if (int(m_buffer.size()) > m_telemetry.maxBuffered) {
            m_buffer.pop_front();
            if (m_telemetry.recordLatency)
                m_sentNs.pop_front();
            if (m_nextToSend > 0)
                --m_nextToSend;
            ++m_counters.dropped;
        }
    }
    sendPending();
}

void SimDevice::sendPending()
{
    if (m_client->state() != MqttClient::State::Connected)
        return;
    const size_t per = size_t(std::max(1, m_telemetry.batch));
    while (m_nextToSend < m_buffer.size()) {
        if (m_telemetry.flood && m_inFlight >= m_telemetry.window)
            return;
        const size_t end = std::min(m_buffer.size(), m_nextToSend + per);
        QList<Telemetry::Message> chunk;
        for (size_t i = m_nextToSend; i < end; ++i)
            chunk << m_buffer[i];
        if (!m_client->publish(Topics::telemetry(m_identity.deviceId), Telemetry::encode(chunk), 1))
            return;
        if (m_telemetry.recordLatency) {
            const qint64 now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
            for (size_t i = m_nextToSend; i < end; ++i)
                if (m_sentNs[i] == 0)
                    m_sentNs[i] = now;
        }
        m_counters.published += qint64(end - m_nextToSend);
        m_nextToSend = end;
        ++m_inFlight;
    }
}

void SimDevice::onAck(qint64 seq)
{
    if (seq <= m_counters.ackedUpTo)
        return;
    m_counters.ackedUpTo = seq;
    const qint64 now = m_telemetry.recordLatency
                           ? std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count()
                           : 0;
    while (!m_buffer.empty() && m_buffer.front().seq <= seq) {
        if (m_telemetry.recordLatency) {
            if (m_sentNs.front() > 0)
                m_latencies.push_back(now - m_sentNs.front());
            m_sentNs.pop_front();
        }
        m_buffer.pop_front();
        if (m_nextToSend > 0)
            --m_nextToSend;
        ++m_counters.acked;
    }
    if (m_telemetry.flood && m_telemetry.ackWindow > 0)
        generate();
    Q_EMIT telemetryAcked(seq);
}

} // namespace Fleetdeck::Sim
