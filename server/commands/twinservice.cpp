#include "commands/twinservice.h"

#include "devices/devicedirectory.h"

#include "commands/commandrows.h"
#include "commands/commandservice.h"
#include "events/eventbus.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "core/jsonutil.h"
#include "runtime/validation.h"
#include "protocol/commands.h"
#include "storage/database.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCommands)

namespace Fleetdeck {

using CommandRows::msOrNull;

TwinService::TwinService(Storage::Database &db, ICommandTransport &transport, const DeviceDirectory &devices, QObject *parent)
    : QObject(parent), m_db(db), m_transport(transport), m_directory(devices)
{
}

Result<TwinConfig> TwinService::config(const Principal &who, const QString &deviceId)
{
    if (who.tenantId.isEmpty() || m_directory.tenantOf(deviceId) != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    auto q = m_db.exec(QStringLiteral("SELECT desired, desired_version, desired_at, desired_by, reported, reported_version, reported_at "
                                      "FROM device_config WHERE device_id = :id"), {{QStringLiteral("id"), deviceId}});
    if (!q)
        return fail(q.error());
    TwinConfig t;
    t.deviceId = deviceId;
    if (q->next()) {
        t.desired = QJsonDocument::fromJson(q->value(0).toString().toUtf8()).object();
        t.desiredVersion = q->value(1).toLongLong();
        t.desiredMs = msOrNull(q->value(2));
        t.desiredBy = q->value(3).toString();
        if (!q->value(4).isNull())
            t.reported = QJsonDocument::fromJson(q->value(4).toString().toUtf8()).object();
        t.reportedVersion = q->value(5).toLongLong();
        t.reportedMs = msOrNull(q->value(6));
    }
    t.delta = Commands::configDelta(t.desired, t.reported.value_or(QJsonObject()));
    // In sync: the device has applied the current version and reports every desired value.
    t.inSync = t.delta.isEmpty() && t.reportedVersion >= t.desiredVersion;
    return t;
}

Result<TwinConfig> TwinService::setConfig(const Principal &who, const QString &deviceId, const QJsonObject &body)
{
    if (auto st = Validation::checkKnownKeys(body, {QStringLiteral("desired"), QStringLiteral("version")}); !st)
        return fail(st.error());
    const QJsonValue desiredValue = body.value(QStringLiteral("desired"));
    if (!desiredValue.isObject())
        return fail(Error::invalid(QStringLiteral("\"desired\" is required and must be a JSON object of attributes")));
    const QJsonObject desired = desiredValue.toObject();
    const QByteArray bytes = Json::compact(desired);
    if (bytes.size() > Commands::kMaxConfigBytes)
        return fail(Error::tooLarge(QStringLiteral("the desired configuration of %1 bytes exceeds %2 bytes").arg(bytes.size()).arg(Commands::kMaxConfigBytes)));
    const std::optional<DeviceSummary> dev = m_directory.find(deviceId);
    if (!dev || dev->tenantId != who.tenantId)
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    if (dev->status == States::DeviceStatus::Decommissioned)
        return fail(Error::conflict(QStringLiteral("device %1 is decommissioned; its configuration can no longer change").arg(deviceId)));
    auto cur = m_db.exec(QStringLiteral("SELECT desired_version FROM device_config WHERE device_id = :id"), {{QStringLiteral("id"), deviceId}});
    if (!cur)
        return fail(cur.error());
    const qint64 current = cur->next() ? cur->value(0).toLongLong() : 0;
    const QJsonValue expected = body.value(QStringLiteral("version"));
    if (!expected.isUndefined() && !expected.isNull()) {
        if (!expected.isDouble() || expected.toDouble() != double(qint64(expected.toDouble())))
            return fail(Error::invalid(QStringLiteral("\"version\" must be the integer version the change is based on")));
        if (qint64(expected.toDouble()) != current)
            return fail(Error::conflict(QStringLiteral("the desired configuration of device %1 is at version %2, not %3; read it again and retry")
                                            .arg(deviceId).arg(current).arg(qint64(expected.toDouble()))));
    }
    const qint64 version = current + 1;
    const qint64 now = Storage::nowMs();
    auto up = m_db.exec(QStringLiteral("INSERT INTO device_config (device_id, tenant_id, desired, desired_version, desired_at, desired_by) "
                                       "VALUES (:id, :t, :desired, :v, :now, :by) ON CONFLICT (device_id) DO UPDATE SET "
                                       "desired = excluded.desired, desired_version = excluded.desired_version, desired_at = excluded.desired_at, desired_by = excluded.desired_by"),
                        {{QStringLiteral("id"), deviceId}, {QStringLiteral("t"), who.tenantId}, {QStringLiteral("desired"), QString::fromUtf8(bytes)},
                         {QStringLiteral("v"), version}, {QStringLiteral("now"), now}, {QStringLiteral("by"), who.email}});
    if (!up)
        return fail(up.error());
    QStringList keys = desired.keys();
    audit(m_db, &who, QStringLiteral("device.config"), QStringLiteral("device"), deviceId,
          QStringLiteral("desired configuration version %1 (%2)").arg(version).arg(keys.isEmpty() ? QStringLiteral("empty") : keys.mid(0, 20).join(QStringLiteral(", "))));
    // Retained: a device that is offline now gets it when it subscribes; sent again when it comes online behind.
    if (m_transport.isConnected())
        if (auto r = m_transport.publishDesiredConfig(deviceId, Commands::encodeDesired({version, desired})); !r)
            qCWarning(lcCommands) << "desired configuration of" << deviceId << "not published now:" << r.error().message;
    return config(who, deviceId);
}

void TwinService::sendDesiredIfBehind(const QString &deviceId)
{
    auto q = m_db.exec(QStringLiteral("SELECT desired, desired_version, reported_version FROM device_config WHERE device_id = :id"), {{QStringLiteral("id"), deviceId}});
    if (!q || !q->next() || q->value(1).toLongLong() <= q->value(2).toLongLong())
        return;
    const QJsonObject desired = QJsonDocument::fromJson(q->value(0).toString().toUtf8()).object();
    if (auto r = m_transport.publishDesiredConfig(deviceId, Commands::encodeDesired({q->value(1).toLongLong(), desired})); !r)
        qCWarning(lcCommands) << "desired configuration of" << deviceId << "not published:" << r.error().message;
}

Result<QString> TwinService::tenantOfDevice(const QString &deviceId)
{
    const QString tenant = m_directory.tenantOf(deviceId);
    if (tenant.isEmpty())
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(deviceId)));
    return tenant;
}

void TwinService::handleReported(const QString &deviceId, const QByteArray &payload)
{
    auto doc = Commands::decodeReported(payload);
    if (!doc) {
        if (++m_rejectedReports <= 20 || m_rejectedReports % 1000 == 0)
            qCWarning(lcCommands) << "rejected reported configuration from" << deviceId << ":" << doc.error().message << "(" << m_rejectedReports << "so far)";
        return;
    }
    auto tenant = tenantOfDevice(deviceId);
    if (!tenant) {
        ++m_rejectedReports;
        return;
    }
    const QString text = QString::fromUtf8(Json::compact(doc->values));
    auto up = m_db.exec(QStringLiteral("INSERT INTO device_config (device_id, tenant_id, reported, reported_version, reported_at) "
                                       "VALUES (:id, :t, :reported, :v, :now) ON CONFLICT (device_id) DO UPDATE SET "
                                       "reported = excluded.reported, reported_version = excluded.reported_version, reported_at = excluded.reported_at"),
                        {{QStringLiteral("id"), deviceId}, {QStringLiteral("t"), *tenant}, {QStringLiteral("reported"), text},
                         {QStringLiteral("v"), doc->version}, {QStringLiteral("now"), Storage::nowMs()}});
    if (!up)
        qCWarning(lcCommands) << "reported configuration of" << deviceId << "not stored:" << up.error().message;
}

void TwinService::onConnection(const ConnectionEvent &e)
{
    if (e.online && !e.replayed)
        sendDesiredIfBehind(e.deviceId);
}

void TwinService::refreshDevice(const DeviceSummary &device)
{
    if (device.status != States::DeviceStatus::Decommissioned)
        return;
    // An empty retained message clears it.
    if (m_transport.isConnected())
        (void)m_transport.publishDesiredConfig(device.id, QByteArray());
}

QJsonObject TwinService::health() const { return QJsonObject{{QStringLiteral("rejected_reports"), m_rejectedReports}}; }

} // namespace Fleetdeck
