#include "devices/deviceservice.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "core/jsonutil.h"
#include "runtime/validation.h"
#include "devices/brokercontrol.h"
#include "pki/certificateauthority.h"
#include "protocol/messages.h"
#include "storage/database.h"
#include "tenants/tenantservice.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>

Q_LOGGING_CATEGORY(lcDevices, "fleetdeck.server.devices", QtInfoMsg)

namespace Fleetdeck {

using namespace Validation;

namespace {

const QString kColumns = QStringLiteral(
    "d.id, d.tenant_id, d.serial_number, d.device_type, d.name, d.status, d.connection, d.firmware_version, "
    "d.last_seen_at, d.tags, d.metadata, d.created_at, d.updated_at, "
    "(SELECT c.serial FROM device_certificates c WHERE c.device_id = d.id ORDER BY c.issued_at DESC LIMIT 1), "
    "(SELECT c.expires_at FROM device_certificates c WHERE c.device_id = d.id ORDER BY c.issued_at DESC LIMIT 1)");


DeviceRecord readRecord(const QSqlQuery &q)
{
    DeviceRecord r;
    r.id = q.value(0).toString();
    r.tenantId = q.value(1).toString();
    r.serialNumber = q.value(2).toString();
    r.deviceType = q.value(3).toString();
    r.name = q.value(4).toString();
    r.status = q.value(5).toString();
    r.connection = q.value(6).toString();
    r.firmwareVersion = q.value(7).toString();
    r.lastSeenAt = msToTime(q.value(8));
    const QJsonArray tags = QJsonDocument::fromJson(q.value(9).toString().toUtf8()).array();
    for (const QJsonValue &t : tags)
        r.tags << t.toString();
    r.metadata = QJsonDocument::fromJson(q.value(10).toString().toUtf8()).object();
    r.createdAt = msToTime(q.value(11));
    r.updatedAt = msToTime(q.value(12));
    r.certificateSerial = q.value(13).toString();
    r.certificateExpiresAt = msToTime(q.value(14));
    return r;
}




Status checkTags(const QJsonObject &o)
{
    const QJsonValue v = o.value(QStringLiteral("tags"));
    if (v.isUndefined() || v.isNull())
        return {};
    if (!v.isArray())
        return fail(Error::invalid(QStringLiteral("\"tags\" must be an array of strings")));
    const QJsonArray a = v.toArray();
    if (a.size() > 32)
        return fail(Error::invalid(QStringLiteral("\"tags\" has %1 entries; at most 32 are allowed").arg(a.size())));
    for (const QJsonValue &t : a) {
        if (!t.isString() || t.toString().trimmed().isEmpty() || t.toString().size() > 64 || hasControlChars(t.toString()))
            return fail(Error::invalid(QStringLiteral("every tag must be a non-empty string of at most 64 characters")));
    }
    return {};
}

Status checkMetadata(const QJsonObject &o)
{
    const QJsonValue v = o.value(QStringLiteral("metadata"));
    if (v.isUndefined() || v.isNull())
        return {};
    if (!v.isObject())
        return fail(Error::invalid(QStringLiteral("\"metadata\" must be a JSON object")));
    if (QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact).size() > 16 * 1024)
        return fail(Error::invalid(QStringLiteral("\"metadata\" is larger than 16 KiB")));
    return {};
}


const QRegularExpression &deviceTypePattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    return re;
}

QStringList tagList(const QJsonObject &o)
{
    QStringList tags;
    const QJsonArray a = o.value(QStringLiteral("tags")).toArray();
    for (const QJsonValue &t : a)
        if (!tags.contains(t.toString().trimmed()))
            tags << t.toString().trimmed();
    return tags;
}

QString jsonText(const QJsonArray &a) { return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact)); }
QString jsonText(const QJsonObject &o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }

QString encodeCursor(const DeviceRecord &r) { return Validation::encodeCursor(r.createdAt.toMSecsSinceEpoch(), r.id); }
using Validation::decodeCursor;

} // namespace

QJsonObject DeviceRecord::toJson() const
{
    QJsonArray tagArray;
    for (const QString &t : tags)
        tagArray.append(t);
    QJsonObject o{
        {QStringLiteral("device_id"), id},
        {QStringLiteral("tenant_id"), tenantId},
        {QStringLiteral("serial_number"), serialNumber},
        {QStringLiteral("device_type"), deviceType},
        {QStringLiteral("name"), nullable(name)},
        {QStringLiteral("status"), status},
        {QStringLiteral("connection"), connection},
        {QStringLiteral("firmware_version"), nullable(firmwareVersion)},
        {QStringLiteral("last_seen_at"), Json::timestamp(lastSeenAt)},
        {QStringLiteral("tags"), tagArray},
        {QStringLiteral("metadata"), metadata},
        {QStringLiteral("created_at"), Json::timestamp(createdAt)},
        {QStringLiteral("updated_at"), Json::timestamp(updatedAt)},
    };
    o.insert(QStringLiteral("certificate_serial"), nullable(certificateSerial));
    o.insert(QStringLiteral("certificate_expires_at"), Json::timestamp(certificateExpiresAt));
    return o;
}

DeviceService::DeviceService(Storage::Database &db, const Pki::CertificateAuthority &ca, IBrokerControl &broker,
                             QString pkiDir, MqttEndpoint endpoint, QObject *parent)
    : QObject(parent), m_db(db), m_ca(ca), m_broker(broker), m_pkiDir(std::move(pkiDir)), m_endpoint(std::move(endpoint))
{
}

Status DeviceService::start()
{
    qRegisterMetaType<DeviceSummary>();
    return m_directory.load(m_db);
}

void DeviceService::announce(const DeviceRecord &r)
{
    DeviceSummary d;
    d.id = r.id;
    d.tenantId = r.tenantId;
    d.deviceType = r.deviceType;
    d.name = r.name;
    d.tags = r.tags;
    d.status = States::deviceStatus(r.status).value_or(States::DeviceStatus::Suspended);
    d.connection = States::connection(r.connection).value_or(States::Connection::Offline);
    m_directory.put(d);
    Q_EMIT deviceChanged(d);
}

Result<DeviceRecord> DeviceService::load(const QString &tenantId, const QString &id)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM devices d WHERE d.id = :id AND d.tenant_id = :tenant"),
                       {{QStringLiteral("id"), id}, {QStringLiteral("tenant"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no device with id %1").arg(id)));
    return readRecord(*q);
}

Result<RegisteredDevice> DeviceService::registerDevice(const Principal &who, const QJsonObject &body)
{
    static const QSet<QString> allowed{QStringLiteral("serial_number"), QStringLiteral("device_type"), QStringLiteral("name"),
                                       QStringLiteral("tags"), QStringLiteral("metadata"), QStringLiteral("csr"), QStringLiteral("tenant_id")};
    if (auto st = checkKnownKeys(body, allowed); !st)
        return fail(st.error());
    if (auto st = checkString(body, QStringLiteral("serial_number"), true, 128); !st)
        return fail(st.error());
    if (auto st = checkString(body, QStringLiteral("device_type"), true, 64, &deviceTypePattern(),
                              "may contain only letters, digits, '.', '_' and '-', starting with a letter or digit"); !st)
        return fail(st.error());
    if (auto st = checkString(body, QStringLiteral("name"), false, 128); !st)
        return fail(st.error());
    if (auto st = checkTags(body); !st)
        return fail(st.error());
    if (auto st = checkMetadata(body); !st)
        return fail(st.error());
    const QJsonValue csrValue = body.value(QStringLiteral("csr"));
    if (!csrValue.isUndefined() && !csrValue.isNull() && !csrValue.isString())
        return fail(Error::invalid(QStringLiteral("\"csr\" must be a PEM string")));

    QString tenantId = who.tenantId;
    const QJsonValue tenantValue = body.value(QStringLiteral("tenant_id"));
    if (!tenantValue.isUndefined() && !tenantValue.isNull()) {
        if (!tenantValue.isString())
            return fail(Error::invalid(QStringLiteral("\"tenant_id\" must be a string")));
        if (tenantValue.toString() != who.tenantId) {
            if (who.role != Role::PlatformAdmin)
                return fail(Error::forbidden(QStringLiteral("only a platform admin may register devices for another tenant")));
            auto t = m_db.exec(QStringLiteral("SELECT 1 FROM tenants WHERE id = :id"), {{QStringLiteral("id"), tenantValue.toString()}});
            if (!t)
                return fail(t.error());
            if (!t->next())
                return fail(Error::invalid(QStringLiteral("no tenant with id %1").arg(tenantValue.toString())));
            tenantId = tenantValue.toString();
        }
    }

    // The tenant's plan: active, and under its device quota (409 with the numbers otherwise).
    if (auto st = Tenants::checkDeviceQuota(m_db, tenantId); !st)
        return fail(st.error());

    const QString serial = body.value(QStringLiteral("serial_number")).toString().trimmed();
    auto dup = m_db.exec(QStringLiteral("SELECT id FROM devices WHERE tenant_id = :t AND serial_number = :s"),
                         {{QStringLiteral("t"), tenantId}, {QStringLiteral("s"), serial}});
    if (!dup)
        return fail(dup.error());
    if (dup->next())
        return fail(Error::conflict(QStringLiteral("a device with serial number \"%1\" already exists in this tenant (%2)").arg(serial, dup->value(0).toString())));

    const QString id = newUuid();
    const bool withCsr = csrValue.isString();
    Result<Pki::IssuedCertificate> cert = withCsr ? m_ca.signRequest(csrValue.toString().toUtf8(), id, kDeviceCertificateDays)
                                                  : m_ca.issueClientCertificate(id, kDeviceCertificateDays);
    if (!cert)
        return fail(cert.error());

    const QStringList tags = tagList(body);
    const qint64 now = Storage::nowMs();
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    auto ins = m_db.exec(QStringLiteral("INSERT INTO devices (id, tenant_id, serial_number, device_type, name, status, connection, tags, metadata, created_at, updated_at) "
                                        "VALUES (:id, :tenant, :serial, :type, :name, 'provisioned', 'offline', :tags, :meta, :now, :now)"),
                         {{QStringLiteral("id"), id}, {QStringLiteral("tenant"), tenantId}, {QStringLiteral("serial"), serial},
                          {QStringLiteral("type"), body.value(QStringLiteral("device_type")).toString()},
                          {QStringLiteral("name"), body.value(QStringLiteral("name")).toString()},
                          {QStringLiteral("tags"), jsonText(QJsonArray::fromStringList(tags))},
                          {QStringLiteral("meta"), jsonText(body.value(QStringLiteral("metadata")).toObject())},
                          {QStringLiteral("now"), now}});
    if (!ins) {
        m_db.rollback();
        if (ins.error().code == ErrorCode::Conflict)
            return fail(Error::conflict(QStringLiteral("a device with serial number \"%1\" already exists in this tenant").arg(serial)));
        return fail(ins.error());
    }
    for (const QString &tag : tags) {
        auto t = m_db.exec(QStringLiteral("INSERT INTO device_tags (device_id, tag) VALUES (:d, :t)"),
                           {{QStringLiteral("d"), id}, {QStringLiteral("t"), tag}});
        if (!t) {
            m_db.rollback();
            return fail(t.error());
        }
    }
    auto c = m_db.exec(QStringLiteral("INSERT INTO device_certificates (serial, device_id, fingerprint, issued_at, expires_at) VALUES (:s, :d, :f, :i, :e)"),
                       {{QStringLiteral("s"), cert->serial}, {QStringLiteral("d"), id}, {QStringLiteral("f"), cert->fingerprintSha256},
                        {QStringLiteral("i"), now}, {QStringLiteral("e"), cert->notAfter.toMSecsSinceEpoch()}});
    if (!c) {
        m_db.rollback();
        return fail(c.error());
    }
    audit(m_db, &who, QStringLiteral("device.register"), QStringLiteral("device"), id,
          QStringLiteral("serial %1, type %2, %3").arg(serial, body.value(QStringLiteral("device_type")).toString(),
                                                        withCsr ? QStringLiteral("certificate from CSR") : QStringLiteral("server-made key")),
          tenantId);
    if (auto st = m_db.commit(); !st)
        return fail(st.error());

    auto rec = load(tenantId, id);
    if (!rec)
        return fail(rec.error());
    RegisteredDevice out;
    out.device = *rec;
    out.certificatePem = QString::fromLatin1(cert->certificatePem);
    out.certificateSerial = cert->serial;
    out.certificateFingerprint = cert->fingerprintSha256;
    out.certificateExpiresAt = cert->notAfter;
    out.caCertificatePem = QString::fromLatin1(m_ca.caCertificatePem());
    if (!withCsr)
        out.privateKeyPem = QString::fromLatin1(cert->privateKeyPem);
    out.mqtt = m_endpoint;
    qCInfo(lcDevices) << "registered device" << id << "serial" << serial << "tenant" << tenantId;
    DeviceSummary summary;
    summary.id = id;
    summary.tenantId = tenantId;
    summary.deviceType = body.value(QStringLiteral("device_type")).toString();
    summary.name = body.value(QStringLiteral("name")).toString();
    summary.tags = tags;
    m_directory.put(summary);
    Q_EMIT deviceChanged(summary);
    return out;
}

Result<DeviceRecord> DeviceService::get(const Principal &who, const QString &id)
{
    return load(who.tenantId, id);
}

Result<DevicePage> DeviceService::list(const Principal &who, const DeviceFilter &f)
{
    QString sql = QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM devices d WHERE d.tenant_id = :tenant");
    QVariantMap b{{QStringLiteral("tenant"), who.tenantId}};
    if (!f.status.isEmpty()) {
        sql += u" AND d.status = :status";
        b.insert(QStringLiteral("status"), f.status);
    }
    if (!f.connection.isEmpty()) {
        sql += u" AND d.connection = :connection";
        b.insert(QStringLiteral("connection"), f.connection);
    }
    if (!f.deviceType.isEmpty()) {
        sql += u" AND d.device_type = :type";
        b.insert(QStringLiteral("type"), f.deviceType);
    }
    if (!f.tag.isEmpty()) {
        sql += u" AND EXISTS (SELECT 1 FROM device_tags t WHERE t.device_id = d.id AND t.tag = :tag)";
        b.insert(QStringLiteral("tag"), f.tag);
    }
    if (!f.text.isEmpty()) {
        const QString like = m_db.ilike() + QStringLiteral(" :q ESCAPE '\\'");
        sql += QStringLiteral(" AND (d.name %1 OR d.serial_number %1 OR d.id %1 OR d.device_type %1 OR d.tags %1)").arg(like);
        QString escaped = f.text;
        escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'%', QStringLiteral("\\%")).replace(u'_', QStringLiteral("\\_"));
        b.insert(QStringLiteral("q"), u'%' + escaped + u'%');
    }
    if (!f.cursor.isEmpty()) {
        const auto c = decodeCursor(f.cursor);
        if (!c)
            return fail(Error::invalid(QStringLiteral("\"cursor\" is not a cursor this server issued")));
        sql += u" AND (d.created_at > :cts OR (d.created_at = :cts AND d.id > :cid))";
        b.insert(QStringLiteral("cts"), c->first);
        b.insert(QStringLiteral("cid"), c->second);
    }
    sql += QStringLiteral(" ORDER BY d.created_at, d.id LIMIT :limit");
    b.insert(QStringLiteral("limit"), f.limit + 1);
    auto q = m_db.exec(sql, b);
    if (!q)
        return fail(q.error());
    DevicePage page;
    while (q->next())
        page.items << readRecord(*q);
    if (page.items.size() > f.limit) {
        page.items.removeLast();
        page.nextCursor = encodeCursor(page.items.last());
    }
    return page;
}

Result<DeviceRecord> DeviceService::update(const Principal &who, const QString &id, const QJsonObject &patch)
{
    static const QSet<QString> allowed{QStringLiteral("name"), QStringLiteral("tags"), QStringLiteral("metadata"), QStringLiteral("device_type")};
    if (auto st = checkKnownKeys(patch, allowed); !st) {
        const QString key = st.error().message.section(u'"', 1, 1);
        if (key == u"status" || key == u"serial_number" || key == u"device_id" || key == u"tenant_id")
            return fail(Error::invalid(QStringLiteral("\"%1\" cannot be changed with PATCH%2").arg(key,
                key == u"status" ? QStringLiteral("; use POST /v1/devices/{id}/suspend|resume|decommission") : QString())));
        return fail(st.error());
    }
    if (patch.isEmpty())
        return fail(Error::invalid(QStringLiteral("the patch is empty; send at least one of name, tags, metadata, device_type")));
    if (auto st = checkString(patch, QStringLiteral("name"), false, 128); !st)
        return fail(st.error());
    if (patch.contains(QStringLiteral("device_type"))) {
        if (auto st = checkString(patch, QStringLiteral("device_type"), true, 64, &deviceTypePattern(),
                                  "may contain only letters, digits, '.', '_' and '-', starting with a letter or digit"); !st)
            return fail(st.error());
    }
    if (auto st = checkTags(patch); !st)
        return fail(st.error());
    if (auto st = checkMetadata(patch); !st)
        return fail(st.error());

    auto current = load(who.tenantId, id);
    if (!current)
        return fail(current.error());
    if (current->status == u"decommissioned")
        return fail(Error::conflict(QStringLiteral("device %1 is decommissioned and can no longer be changed").arg(id)));

    QStringList sets{QStringLiteral("updated_at = :now")};
    QVariantMap b{{QStringLiteral("id"), id}, {QStringLiteral("tenant"), who.tenantId}, {QStringLiteral("now"), Storage::nowMs()}};
    QStringList changed;
    if (patch.contains(QStringLiteral("name"))) {
        sets << QStringLiteral("name = :name");
        b.insert(QStringLiteral("name"), patch.value(QStringLiteral("name")).toString());
        changed << QStringLiteral("name");
    }
    if (patch.contains(QStringLiteral("device_type"))) {
        sets << QStringLiteral("device_type = :type");
        b.insert(QStringLiteral("type"), patch.value(QStringLiteral("device_type")).toString());
        changed << QStringLiteral("device_type");
    }
    const bool tagsChanged = patch.contains(QStringLiteral("tags"));
    const QStringList tags = tagList(patch);
    if (tagsChanged) {
        sets << QStringLiteral("tags = :tags");
        b.insert(QStringLiteral("tags"), jsonText(QJsonArray::fromStringList(tags)));
        changed << QStringLiteral("tags");
    }
    if (patch.contains(QStringLiteral("metadata"))) {
        sets << QStringLiteral("metadata = :meta");
        b.insert(QStringLiteral("meta"), jsonText(patch.value(QStringLiteral("metadata")).toObject()));
        changed << QStringLiteral("metadata");
    }
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    auto u = m_db.exec(QStringLiteral("UPDATE devices SET ") + sets.join(QStringLiteral(", ")) + QStringLiteral(" WHERE id = :id AND tenant_id = :tenant"), b);
    if (!u) {
        m_db.rollback();
        return fail(u.error());
    }
    if (tagsChanged) {
        auto del = m_db.exec(QStringLiteral("DELETE FROM device_tags WHERE device_id = :d"), {{QStringLiteral("d"), id}});
        if (!del) {
            m_db.rollback();
            return fail(del.error());
        }
        for (const QString &tag : tags) {
            auto t = m_db.exec(QStringLiteral("INSERT INTO device_tags (device_id, tag) VALUES (:d, :t)"),
                               {{QStringLiteral("d"), id}, {QStringLiteral("t"), tag}});
            if (!t) {
                m_db.rollback();
                return fail(t.error());
            }
        }
    }
    audit(m_db, &who, QStringLiteral("device.update"), QStringLiteral("device"), id, QStringLiteral("changed ") + changed.join(QStringLiteral(", ")), who.tenantId);
    if (auto st = m_db.commit(); !st)
        return fail(st.error());
    auto record = load(who.tenantId, id);
    if (record)
        announce(*record);
    else // committed, but the directory keeps the old type and tags until the next change
        qCWarning(lcDevices) << "device" << id << "changed but not read back:" << record.error().message;
    return record;
}

Result<DeviceRecord> DeviceService::suspend(const Principal &who, const QString &id) { return transition(who, id, QStringLiteral("suspend")); }
Result<DeviceRecord> DeviceService::resume(const Principal &who, const QString &id) { return transition(who, id, QStringLiteral("resume")); }
Result<DeviceRecord> DeviceService::decommission(const Principal &who, const QString &id) { return transition(who, id, QStringLiteral("decommission")); }

Result<DeviceRecord> DeviceService::transition(const Principal &who, const QString &id, const QString &action)
{
    auto current = load(who.tenantId, id);
    if (!current)
        return fail(current.error());
    const QString from = current->status;
    QString to;
    if (from == u"decommissioned")
        return fail(Error::conflict(QStringLiteral("device %1 is decommissioned; that is final").arg(id)));
    if (action == u"suspend") {
        if (from == u"suspended")
            return fail(Error::conflict(QStringLiteral("device %1 is already suspended").arg(id)));
        to = QStringLiteral("suspended");
    } else if (action == u"resume") {
        if (from != u"suspended")
            return fail(Error::conflict(QStringLiteral("device %1 is %2, not suspended").arg(id, from)));
        // A device that never connected goes back to provisioned, otherwise to active.
        to = current->lastSeenAt.isValid() ? QStringLiteral("active") : QStringLiteral("provisioned");
    } else {
        to = QStringLiteral("decommissioned");
    }

    const qint64 now = Storage::nowMs();
    if (auto st = m_db.transaction(); !st)
        return fail(st.error());
    const bool blocks = to == u"suspended" || to == u"decommissioned";
    auto u = m_db.exec(QStringLiteral("UPDATE devices SET status = :to, updated_at = :now%1 WHERE id = :id AND tenant_id = :tenant AND status = :from")
                           .arg(blocks ? QStringLiteral(", connection = 'offline'") : QString()),
                       {{QStringLiteral("to"), to}, {QStringLiteral("now"), now}, {QStringLiteral("id"), id},
                        {QStringLiteral("tenant"), who.tenantId}, {QStringLiteral("from"), from}});
    if (!u || u->numRowsAffected() != 1) {
        m_db.rollback();
        return fail(u ? Error::conflict(QStringLiteral("device %1 changed meanwhile; retry").arg(id)) : u.error());
    }
    if (to == u"decommissioned") {
        auto r = m_db.exec(QStringLiteral("UPDATE device_certificates SET revoked_at = :now WHERE device_id = :id AND revoked_at IS NULL"),
                           {{QStringLiteral("now"), now}, {QStringLiteral("id"), id}});
        if (!r) {
            m_db.rollback();
            return fail(r.error());
        }
    }
    audit(m_db, &who, QStringLiteral("device.") + action, QStringLiteral("device"), id, QStringLiteral("%1 -> %2").arg(from, to), who.tenantId);
    if (auto st = m_db.commit(); !st)
        return fail(st.error());

    // The database is the truth; the broker follows it. A broker that is down now gets the full block list when
    // the link comes back.
    if (to == u"decommissioned") {
        if (auto st = writeCrl(); !st)
            qCWarning(lcDevices) << "CRL not rewritten after decommissioning" << id << ":" << st.error().message;
        m_broker.setDeviceBlocked(id, true);
        m_broker.clearRetainedStatus(id);
        m_broker.revocationListChanged();
    } else {
        m_broker.setDeviceBlocked(id, blocks);
        // A kicked device sends no will: its retained "online" would otherwise outlive it.
        if (blocks)
            m_broker.clearRetainedStatus(id);
    }
    qCInfo(lcDevices) << "device" << id << from << "->" << to;
    // Announced from what was committed, not from a read-back that may fail: a suspended device must never stay
    // sendable in the directory.
    current->status = to;
    if (blocks)
        current->connection = States::name(States::Connection::Offline);
    announce(*current);
    return load(who.tenantId, id);
}

Result<bool> DeviceService::recordStatus(const QString &deviceId, const Messages::DeviceStatus &status, bool retained)
{
    const bool online = status.state == Messages::DeviceStatus::State::Online;
    const qint64 now = Storage::nowMs();
    // Only live messages move last_seen_at; a retained one replayed after a server restart says nothing new.
    QString sql = QStringLiteral("UPDATE devices SET connection = :conn, updated_at = :now");
    QVariantMap b{{QStringLiteral("conn"), online ? QStringLiteral("online") : QStringLiteral("offline")},
                  {QStringLiteral("now"), now}, {QStringLiteral("id"), deviceId}};
    if (!retained)
        sql += QStringLiteral(", last_seen_at = :now");
    if (!status.firmwareVersion.isEmpty()) {
        sql += u", firmware_version = :fw";
        b.insert(QStringLiteral("fw"), status.firmwareVersion);
    }
    // Suspended and decommissioned devices stay offline whatever they say.
    sql += u" WHERE id = :id AND status IN ('provisioned', 'active')";
    auto u = m_db.exec(sql, b);
    if (!u)
        return fail(u.error());
    const bool stored = u->numRowsAffected() > 0;
    if (stored)
        m_directory.setConnection(deviceId, online ? States::Connection::Online : States::Connection::Offline);
    // The first connection makes a provisioned device active: a lifecycle change. A connection change alone is not
    // one (those who follow connections take the connection event).
    if (online && stored) {
        auto first = m_db.exec(QStringLiteral("UPDATE devices SET status = 'active' WHERE id = :id AND status = 'provisioned'"), {{QStringLiteral("id"), deviceId}});
        if (!first)
            qCWarning(lcDevices) << "device" << deviceId << "not made active:" << first.error().message;
        else if (first->numRowsAffected() > 0) {
            if (std::optional<DeviceSummary> d = m_directory.find(deviceId)) {
                d->status = States::DeviceStatus::Active;
                m_directory.put(*d);
                Q_EMIT deviceChanged(*d);
            }
        }
    }
    return stored;
}

Result<QStringList> DeviceService::blockedDeviceIds()
{
    auto q = m_db.exec(QStringLiteral("SELECT id FROM devices WHERE status IN ('suspended', 'decommissioned')"));
    if (!q)
        return fail(q.error());
    QStringList ids;
    while (q->next())
        ids << q->value(0).toString();
    return ids;
}

Status DeviceService::writeCrl()
{
    auto q = m_db.exec(QStringLiteral("SELECT serial, revoked_at FROM device_certificates WHERE revoked_at IS NOT NULL"));
    if (!q)
        return fail(q.error());
    QList<Pki::RevokedCertificate> revoked;
    while (q->next())
        revoked << Pki::RevokedCertificate{q->value(0).toString(), QDateTime::fromMSecsSinceEpoch(q->value(1).toLongLong(), Qt::UTC)};
    auto crl = m_ca.makeCrl(revoked);
    if (!crl)
        return fail(crl.error());
    return Pki::writeFileAtomically(m_pkiDir + QStringLiteral("/crl.pem"), *crl, false);
}

} // namespace Fleetdeck
