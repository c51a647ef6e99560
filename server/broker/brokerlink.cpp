#include "broker/brokerlink.h"

#include "broker/embeddedbroker.h"
#include "core/jsonutil.h"
#include "protocol/messages.h"
#include "protocol/telemetry.h"
#include "protocol/topics.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QTimer>

Q_DECLARE_LOGGING_CATEGORY(lcBroker)

namespace Fleetdeck {

BrokerLink::BrokerLink(MqttClientOptions options, EmbeddedBroker *embedded, QObject *parent)
    : QObject(parent), m_client(std::move(options)), m_embedded(embedded), m_stateSince(QDateTime::currentDateTimeUtc())
{
    connect(&m_client, &MqttConnection::connected, this, &BrokerLink::onConnected);
    connect(&m_client, &MqttConnection::messageReceived, this, &BrokerLink::onMessage);
    connect(&m_client, &MqttConnection::published, this, &BrokerLink::published);
    // A packet the broker can still deliver never costs the session (and every tenant the link): anything beyond
    // the largest legal device packet is skipped, acknowledged and counted (MqttConnection::packetSkipped).
    m_client.setMaxIncomingPacketBytes(Messages::kMaxDevicePacketBytes + 64);
    connect(&m_client, &MqttConnection::packetSkipped, this, [this](const QString &topic, qint64 bytes) {
        const auto parsed = Topics::parse(topic);
        const QString device = parsed ? parsed->deviceId : QString();
        m_lastOversize = QJsonObject{{QStringLiteral("topic"), topic}, {QStringLiteral("bytes"), bytes},
                                     {QStringLiteral("at"), Json::isoUtc(QDateTime::currentDateTimeUtc())}};
        Q_EMIT oversizeRefused(device, 1, false);
    });
    connect(&m_client, &MqttConnection::disconnected, this, [this](const QString &reason) {
        m_stateSince = QDateTime::currentDateTimeUtc();
        m_lastError = reason;
        qCWarning(lcBroker) << "broker link down:" << reason;
        Q_EMIT linkDown(reason);
    });
}

Status BrokerLink::start() { return m_client.start(); }
void BrokerLink::stop() { m_client.stop(); }

void BrokerLink::onConnected(bool sessionPresent)
{
    m_stateSince = QDateTime::currentDateTimeUtc();
    m_lastError.clear();
    qCInfo(lcBroker) << "broker link up" << (sessionPresent ? "(session resumed)" : "(new session)");
    // Subscribing again is harmless with a resumed session and needed with a new one.
    for (Topics::Kind kind : {Topics::Kind::Status, Topics::Kind::Telemetry, Topics::Kind::CommandReply, Topics::Kind::ConfigReported,
                              Topics::Kind::FirmwareProgress})
        if (auto r = m_client.subscribe(Topics::allDevices(kind), 1); !r)
            qCWarning(lcBroker) << r.error().message;
    syncBlockList();
    Q_EMIT linkUp();
}

void BrokerLink::syncBlockList()
{
    if (!m_blockList)
        return;
    const QStringList ids = m_blockList();
    if (m_embedded) {
        // The file is what the plugin loads when mosquitto (re)starts.
        if (auto st = m_embedded->writeBlockList(ids); !st)
            qCWarning(lcBroker) << "block list not written:" << st.error().message;
    }
    // The whole list, so that blocks and unblocks made while the link was down take effect now; in parts each well
    // under the broker's max_packet_size, which applies to the server's own publishes too. The plugin applies the
    // list with its last part, so no device is unblocked in between.
    constexpr qsizetype kPartBytes = 128 * 1024;
    QList<QByteArray> parts{QByteArray()};
    for (const QString &id : ids) {
        if (parts.last().size() + id.size() + 1 > kPartBytes)
            parts.append(QByteArray());
        parts.last().append('\n').append(id.toLatin1());
    }
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const char *verb = parts.size() == 1 ? "set" : (i == 0 ? "set-begin" : (i + 1 == parts.size() ? "set-end" : "set-part"));
        if (auto r = m_client.publish(QString::fromLatin1(kControlTopic), QByteArray(verb) + parts[i], 1); !r) {
            qCWarning(lcBroker) << "block list not sent:" << r.error().message;
            return;
        }
    }
}

void BrokerLink::onBrokerReport(const QByteArray &payload)
{
    // "oversize <device id> <count>" lines from the plugin: messages it refused for their size, per device.
    for (const QByteArray &line : payload.split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.size() != 3 || f[0] != "oversize")
            continue;
        bool ok = false;
        const qint64 n = f[2].toLongLong(&ok);
        if (!ok || n <= 0)
            continue;
        const QString device = QString::fromLatin1(f[1]);
        m_brokerOversize += n;
        qCWarning(lcBroker).noquote() << QStringLiteral("the broker refused %1 message(s) of device %2 over %3 bytes")
                                             .arg(n).arg(device).arg(Messages::kMaxDevicePayloadBytes);
        Q_EMIT oversizeRefused(Topics::isValidDeviceId(device) ? device : QString(), n, true);
    }
}

void BrokerLink::onMessage(const QString &topic, const QByteArray &payload, int, bool retained)
{
    // The one topic that comes thousands of times a second, without splitting it: devices/{id}/telemetry.
    constexpr qsizetype idLength = 36;
    static const QString telemetrySuffix = QStringLiteral("/telemetry");
    const qsizetype rootLength = Topics::kRoot.size() + 1;
    if (topic.size() == rootLength + idLength + telemetrySuffix.size() && topic.endsWith(telemetrySuffix)
        && QStringView(topic).left(rootLength - 1) == Topics::kRoot && topic.at(rootLength - 1) == u'/'
        && Topics::isValidDeviceId(QStringView(topic).mid(rootLength, idLength))) {
        Q_EMIT telemetryMessage(topic.mid(rootLength, idLength), payload);
        return;
    }
    const auto parsed = Topics::parse(topic);
    if (!parsed) {
        if (topic == QLatin1String(kRejectsTopic) && m_embedded) {
            onBrokerReport(payload);
            return;
        }
        ++m_ignoredMessages;
        qCDebug(lcBroker) << "ignored message on" << topic;
        return;
    }
    switch (parsed->kind) {
    case Topics::Kind::Status:
        gateStatus(parsed->deviceId, payload, retained);
        break;
    case Topics::Kind::Telemetry:
        Q_EMIT telemetryMessage(parsed->deviceId, payload);
        break;
    case Topics::Kind::CommandReply:
        Q_EMIT commandReply(parsed->deviceId, parsed->commandId, payload);
        break;
    case Topics::Kind::ConfigReported:
        Q_EMIT configReported(parsed->deviceId, payload);
        break;
    case Topics::Kind::FirmwareProgress:
        Q_EMIT firmwareProgress(parsed->deviceId, payload);
        break;
    default:
        ++m_ignoredMessages;
        break;
    }
}

void BrokerLink::publishTelemetryAck(const QString &deviceId, qint64 seq)
{
    // QoS 0: a lost ack costs a re-send, which the server recognises by its seq and acknowledges again.
    (void)m_client.publish(Topics::telemetryAck(deviceId), Telemetry::encodeAck(seq), 0);
}

Result<int> BrokerLink::publishFirmwareJob(const QString &deviceId, const QByteArray &payload)
{
    return m_client.publish(Topics::firmwareJob(deviceId), payload, 1);
}

Result<int> BrokerLink::publishCommand(const QString &deviceId, const QString &commandId, const QByteArray &payload)
{
    return m_client.publish(Topics::command(deviceId, commandId), payload, 1);
}

Result<int> BrokerLink::publishDesiredConfig(const QString &deviceId, const QByteArray &payload)
{
    return m_client.publish(Topics::configDesired(deviceId), payload, 1, true);
}

void BrokerLink::setDeviceBlocked(const QString &deviceId, bool blocked)
{
    if (m_embedded && m_blockList) {
        if (auto st = m_embedded->writeBlockList(m_blockList()); !st)
            qCWarning(lcBroker) << "block list not written:" << st.error().message;
    }
    const QByteArray cmd = (blocked ? "block " : "unblock ") + deviceId.toLatin1();
    if (auto r = m_client.publish(QString::fromLatin1(kControlTopic), cmd, 1); !r)
        qCWarning(lcBroker) << "could not tell the broker to" << cmd << "- it will get the full list on reconnect:" << r.error().message;
}

void BrokerLink::clearRetainedStatus(const QString &deviceId)
{
    if (auto r = m_client.publish(Topics::status(deviceId), QByteArray(), 1, true); !r)
        qCWarning(lcBroker) << "retained status of" << deviceId << "not cleared:" << r.error().message;
}

void BrokerLink::revocationListChanged()
{
    // mosquitto re-reads its certificates on SIGHUP; the plugin has already disconnected the device.
    if (m_embedded)
        m_embedded->reload();
}

void BrokerLink::gateStatus(const QString &deviceId, const QByteArray &payload, bool retained)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    StatusGate &g = m_statusGates[deviceId];
    if (now - g.windowStart >= m_statusWindowMs && !g.waiting) {
        g.windowStart = now;
        g.passed = 0;
    }
    if (g.passed < m_statusBurst && !g.waiting) {
        ++g.passed;
        ++m_statusPassed;
        Q_EMIT statusMessage(deviceId, payload, retained);
        return;
    }
    if (g.waiting)
        ++m_statusDropped; // superseded by this newer one before it was passed on
    else if (++m_statusDelayed <= 10 || m_statusDelayed % 1000 == 0)
        qCWarning(lcBroker).noquote() << QStringLiteral("device %1 sends status messages faster than %2 per %3 s: the latest is passed on "
                                                        "when the window ends (%4 delayed so far)")
                                             .arg(deviceId).arg(m_statusBurst).arg(m_statusWindowMs / 1000.0).arg(m_statusDelayed);
    g.waiting = true;
    g.payload = payload;
    g.retained = retained;
    if (!m_statusFlush) {
        m_statusFlush = new QTimer(this);
        connect(m_statusFlush, &QTimer::timeout, this, &BrokerLink::flushStatus);
    }
    if (!m_statusFlush->isActive())
        m_statusFlush->start(int(std::clamp<qint64>(m_statusWindowMs / 10, 50, 1000)));
}

void BrokerLink::flushStatus()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<std::tuple<QString, QByteArray, bool>> due;
    bool stillWaiting = false;
    for (auto it = m_statusGates.begin(); it != m_statusGates.end();) {
        StatusGate &g = it.value();
        const bool windowOver = now - g.windowStart >= m_statusWindowMs;
        if (g.waiting && windowOver) {
            due.append({it.key(), g.payload, g.retained});
            g = StatusGate{now, 1, false, {}, false};
        } else if (g.waiting) {
            stillWaiting = true;
        } else if (windowOver) {
            it = m_statusGates.erase(it); // quiet devices hold no memory
            continue;
        }
        ++it;
    }
    if (!stillWaiting && due.isEmpty())
        m_statusFlush->stop();
    for (const auto &[device, payload, retained] : due) {
        ++m_statusPassed;
        Q_EMIT statusMessage(device, payload, retained);
    }
}

QJsonObject BrokerLink::health() const
{
    const MqttClientOptions &o = m_client.options();
    QJsonObject h{
        {QStringLiteral("status"), isConnected() ? QStringLiteral("connected") : (m_client.state() == MqttConnection::State::Connecting ? QStringLiteral("connecting") : QStringLiteral("disconnected"))},
        {QStringLiteral("mode"), m_embedded ? QStringLiteral("embedded") : QStringLiteral("external")},
        {QStringLiteral("url"), QStringLiteral("mqtts://%1:%2").arg(o.host).arg(o.port)},
        {QStringLiteral("since"), Json::isoUtc(m_stateSince)},
        {QStringLiteral("ignored_messages"), m_ignoredMessages},
        {QStringLiteral("oversized_skipped"), m_client.skippedPackets()},
        {QStringLiteral("oversized_refused_by_broker"), m_brokerOversize},
        {QStringLiteral("max_device_payload_bytes"), qint64(Messages::kMaxDevicePayloadBytes)},
        {QStringLiteral("status_messages"), QJsonObject{{QStringLiteral("passed"), m_statusPassed},
                                                        {QStringLiteral("delayed"), m_statusDelayed},
                                                        {QStringLiteral("superseded"), m_statusDropped},
                                                        {QStringLiteral("burst"), m_statusBurst},
                                                        {QStringLiteral("window_s"), m_statusWindowMs / 1000.0}}},
    };
    if (!m_lastOversize.isEmpty())
        h.insert(QStringLiteral("last_oversized"), m_lastOversize);
    if (!m_lastError.isEmpty())
        h.insert(QStringLiteral("last_error"), m_lastError);
    if (m_embedded) {
        h.insert(QStringLiteral("process"), m_embedded->isRunning() ? QStringLiteral("running") : QStringLiteral("stopped"));
        h.insert(QStringLiteral("restarts"), m_embedded->restartCount());
    }
    return h;
}

} // namespace Fleetdeck
