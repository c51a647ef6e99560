#include "firmware/firmwarerepository.h"

#include "audit/audit.h"
#include "core/ids.h"
#include "firmware/semver.h"
#include "pki/firmwaresigning.h"
#include "runtime/validation.h"
#include "scheduler/scheduler.h"
#include "storage/database.h"

#include <QtCore/QDir>
#include <QtCore/QDirIterator>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRegularExpression>

#include <unistd.h>

Q_LOGGING_CATEGORY(lcFirmware, "fleetdeck.server.firmware", QtInfoMsg)

namespace Fleetdeck {

using namespace Validation;

namespace {

constexpr const char kColumns[] = "id, tenant_id, device_type, version, release_notes, state, size, sha256, signature, key_id, "
                                  "image_format, created_by, created_at, updated_at, uploaded_at";
/// The first line of a Fleetdeck image; the second is a JSON object naming its device type and version.
constexpr QByteArrayView kImageMagic = "FDFW1\n";

FirmwareImage readRow(const QSqlQuery &q)
{
    FirmwareImage f;
    f.id = q.value(0).toString();
    f.tenantId = q.value(1).toString();
    f.deviceType = q.value(2).toString();
    f.version = q.value(3).toString();
    f.releaseNotes = q.value(4).toString();
    f.state = q.value(5).toString();
    f.size = q.value(6).toLongLong();
    f.sha256 = q.value(7).toString();
    f.signature = QByteArray::fromBase64(q.value(8).toString().toLatin1());
    f.keyId = q.value(9).toString();
    f.imageFormat = q.value(10).toString();
    f.createdBy = q.value(11).toString();
    f.createdMs = q.value(12).toLongLong();
    f.updatedMs = q.value(13).toLongLong();
    if (!q.value(14).isNull())
        f.uploadedMs = q.value(14).toLongLong();
    return f;
}

QString humanBytes(qint64 n)
{
    if (n >= 1024LL * 1024 * 1024)
        return QStringLiteral("%1 GiB").arg(double(n) / (1024.0 * 1024 * 1024), 0, 'f', 1);
    if (n >= 1024 * 1024)
        return QStringLiteral("%1 MiB").arg(double(n) / (1024.0 * 1024), 0, 'f', 1);
    return QStringLiteral("%1 bytes").arg(n);
}

/// "fleetdeck" when the image starts with the Fleetdeck header (then it must name this type and version), "raw"
/// otherwise; an error for a header that is there but broken or names something else.
Result<QString> checkHeader(const QByteArray &head, const QString &deviceType, const QString &version)
{
    if (!head.startsWith(kImageMagic))
        return QStringLiteral("raw");
    const qsizetype end = head.indexOf('\n', kImageMagic.size());
    if (end < 0)
        return fail(Error::invalid(QStringLiteral("the image's Fleetdeck header is corrupt: its JSON line does not end within 4 KiB")));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(head.mid(kImageMagic.size(), end - kImageMagic.size()), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return fail(Error::invalid(QStringLiteral("the image's Fleetdeck header is corrupt: %1").arg(err.error != QJsonParseError::NoError ? err.errorString() : QStringLiteral("not a JSON object"))));
    const QJsonObject h = doc.object();
    const QString type = h.value(QStringLiteral("device_type")).toString();
    const QString ver = h.value(QStringLiteral("version")).toString();
    if (type != deviceType)
        return fail(Error::invalid(QStringLiteral("the image is built for device type \"%1\", not \"%2\"").arg(type.left(64), deviceType)));
    if (ver != version)
        return fail(Error::invalid(QStringLiteral("the image's header says version \"%1\", not \"%2\"").arg(ver.left(64), version)));
    return QStringLiteral("fleetdeck");
}

} // namespace

ImageUpload::~ImageUpload()
{
    if (m_file.isOpen())
        m_file.close();
    if (!m_path.isEmpty())
        QFile::remove(m_path);
    if (m_busy)
        m_busy->remove(m_firmwareId);
}

Status ImageUpload::write(QByteArrayView data)
{
    if (m_received + data.size() > m_expected)
        return fail(Error::tooLarge(QStringLiteral("more bytes arrived than the %1 announced").arg(m_expected)));
    if (m_head.size() < FirmwareRepository::kHeadBytes)
        m_head.append(data.first(qMin<qsizetype>(data.size(), FirmwareRepository::kHeadBytes - m_head.size())));
    m_sha.addData(data);
    if (m_file.write(data.constData(), data.size()) != data.size())
        return fail(Error::unavailable(QStringLiteral("cannot store the image: %1").arg(m_file.errorString())));
    m_received += data.size();
    return {};
}

FirmwareRepository::FirmwareRepository(Storage::Database &db, Scheduler &scheduler, const Pki::FirmwareSigner &signer, QString storeDir,
                                       Options options, QObject *parent)
    : QObject(parent), m_db(db), m_scheduler(scheduler), m_signer(signer), m_storeDir(std::move(storeDir)), m_options(options)
{
}

FirmwareRepository::~FirmwareRepository() = default;

Status FirmwareRepository::load()
{
    if (!QDir().mkpath(m_storeDir))
        return fail(Error::unavailable(QStringLiteral("cannot create the firmware store %1").arg(m_storeDir)));
    QFile::setPermissions(m_storeDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    // Uploads a crash cut off: their entries still await an image, the partial files are worthless.
    int stray = 0;
    QDirIterator it(m_storeDir, {QStringLiteral("*.part")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        stray += QFile::remove(it.next()) ? 1 : 0;
    if (stray > 0)
        qCInfo(lcFirmware) << "removed" << stray << "partial image upload(s) left by the last run";
    m_scheduler.define(QStringLiteral("firmware.cleanup"), [this](const QJsonObject &) { return removeExpired(Storage::nowMs()); }, 3600 * 1000);
    return m_scheduler.ensure(QStringLiteral("firmware.cleanup"), QStringLiteral("firmware.cleanup"), Storage::nowMs() + 3600 * 1000);
}

Status FirmwareRepository::removeExpired(qint64 nowMs)
{
    auto q = m_db.exec(QStringLiteral("SELECT id FROM firmware WHERE state = 'awaiting_image' AND created_at < :cut"),
                       {{QStringLiteral("cut"), nowMs - m_options.uploadWindowMs}});
    if (!q)
        return fail(q.error());
    QStringList expired;
    while (q->next())
        if (const QString id = q->value(0).toString(); !m_uploading.contains(id))
            expired << id;
    for (const QString &id : expired)
        if (auto del = m_db.exec(QStringLiteral("DELETE FROM firmware WHERE id = :id AND state = 'awaiting_image'"), {{QStringLiteral("id"), id}}); !del)
            return fail(del.error());
    if (!expired.isEmpty())
        qCInfo(lcFirmware) << "removed" << expired.size() << "firmware entr(ies) whose image never arrived within" << m_options.uploadWindowMs / 3600000 << "h";
    return {};
}

Result<FirmwareImage> FirmwareRepository::create(const Principal &who, const QJsonObject &body)
{
    static const QSet<QString> allowed{QStringLiteral("device_type"), QStringLiteral("version"), QStringLiteral("size"), QStringLiteral("sha256"),
                                       QStringLiteral("release_notes")};
    static const QRegularExpression typePattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    static const QRegularExpression hexPattern(QStringLiteral("^[0-9a-fA-F]{64}$"));
    if (auto st = checkKnownKeys(body, allowed); !st)
        return fail(st.error());
    if (auto st = checkString(body, QStringLiteral("device_type"), true, 64, &typePattern,
                              "may contain only letters, digits, '.', '_' and '-', starting with a letter or digit"); !st)
        return fail(st.error());
    if (auto st = checkString(body, QStringLiteral("version"), true, 128); !st)
        return fail(st.error());
    if (auto st = checkString(body, QStringLiteral("sha256"), false, 64, &hexPattern, "is the image's SHA-256 as 64 hex digits"); !st)
        return fail(st.error());
    const QJsonValue notes = body.value(QStringLiteral("release_notes"));
    if (!notes.isUndefined() && !notes.isNull() && !notes.isString())
        return fail(Error::invalid(QStringLiteral("\"release_notes\" must be a string")));
    if (notes.toString().size() > kMaxReleaseNotes)
        return fail(Error::invalid(QStringLiteral("\"release_notes\" is longer than %1 characters").arg(kMaxReleaseNotes)));
    const QJsonValue sizeValue = body.value(QStringLiteral("size"));
    if (!sizeValue.isDouble() || sizeValue.toDouble() != double(qint64(sizeValue.toDouble())) || sizeValue.toDouble() < 1)
        return fail(Error::invalid(QStringLiteral("\"size\" must be the image's length in bytes (a whole number of at least 1)")));
    const qint64 size = qint64(sizeValue.toDouble());
    if (size > m_options.maxImageBytes)
        return fail(Error::tooLarge(QStringLiteral("an image of %1 is over the limit of %2 per image").arg(humanBytes(size), humanBytes(m_options.maxImageBytes))));
    auto version = Firmware::SemVer::parse(body.value(QStringLiteral("version")).toString());
    if (!version)
        return fail(Error::invalid(QStringLiteral("\"version\": %1").arg(version.error().message)));

    FirmwareImage f;
    f.id = newUuid();
    f.tenantId = who.tenantId;
    f.deviceType = body.value(QStringLiteral("device_type")).toString();
    f.version = body.value(QStringLiteral("version")).toString();
    f.releaseNotes = notes.toString();
    f.state = QStringLiteral("awaiting_image");
    f.size = size;
    f.sha256 = body.value(QStringLiteral("sha256")).toString().toLower();
    f.createdBy = who.email;
    f.createdMs = f.updatedMs = Storage::nowMs();

    // A version the device type already has, by precedence: 1.2.0+b7 is 1.2.0 again.
    auto same = m_db.exec(QStringLiteral("SELECT id, version FROM firmware WHERE tenant_id = :t AND device_type = :type"),
                          {{QStringLiteral("t"), f.tenantId}, {QStringLiteral("type"), f.deviceType}});
    if (!same)
        return fail(same.error());
    while (same->next()) {
        auto other = Firmware::SemVer::parse(same->value(1).toString());
        if (other && Firmware::compare(*other, *version) == 0)
            return fail(Error::conflict(QStringLiteral("device type \"%1\" already has version %2 (firmware %3)")
                                            .arg(f.deviceType, same->value(1).toString(), same->value(0).toString())));
    }
    auto used = m_db.exec(QStringLiteral("SELECT COALESCE(SUM(size), 0) FROM firmware WHERE tenant_id = :t"), {{QStringLiteral("t"), f.tenantId}});
    if (!used)
        return fail(used.error());
    const qint64 usedBytes = used->next() ? used->value(0).toLongLong() : 0;
    if (usedBytes + size > m_options.tenantQuotaBytes)
        return fail(Error::tooLarge(QStringLiteral("the organisation's firmware store holds %1 of its %2; an image of %3 does not fit (delete old versions first)")
                                        .arg(humanBytes(usedBytes), humanBytes(m_options.tenantQuotaBytes), humanBytes(size))));
    auto ins = m_db.exec(QStringLiteral("INSERT INTO firmware (%1) VALUES (:id, :t, :type, :v, :notes, :state, :size, :sha, NULL, NULL, NULL, :by, :now, :now, NULL)")
                             .arg(QString::fromLatin1(kColumns)),
                         {{QStringLiteral("id"), f.id}, {QStringLiteral("t"), f.tenantId}, {QStringLiteral("type"), f.deviceType},
                          {QStringLiteral("v"), f.version}, {QStringLiteral("notes"), f.releaseNotes.isEmpty() ? QStringLiteral("") : f.releaseNotes}, {QStringLiteral("state"), f.state},
                          {QStringLiteral("size"), f.size}, {QStringLiteral("sha"), f.sha256.isEmpty() ? QVariant() : QVariant(f.sha256)},
                          {QStringLiteral("by"), f.createdBy}, {QStringLiteral("now"), f.createdMs}});
    if (!ins) {
        if (ins.error().code == ErrorCode::Conflict)
            return fail(Error::conflict(QStringLiteral("device type \"%1\" already has version %2").arg(f.deviceType, f.version)));
        return fail(ins.error());
    }
    audit(m_db, &who, QStringLiteral("firmware.create"), QStringLiteral("firmware"), f.id,
          QStringLiteral("%1 %2, %3 announced").arg(f.deviceType, f.version, humanBytes(f.size)));
    return f;
}

Result<FirmwareImage> FirmwareRepository::find(const QString &tenantId, const QString &id)
{
    auto q = m_db.exec(QStringLiteral("SELECT %1 FROM firmware WHERE id = :id AND tenant_id = :t").arg(QString::fromLatin1(kColumns)),
                       {{QStringLiteral("id"), id}, {QStringLiteral("t"), tenantId}});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no firmware with id %1").arg(id)));
    return readRow(*q);
}

Result<FirmwareImage> FirmwareRepository::get(const Principal &who, const QString &id) { return find(who.tenantId, id); }

Result<QList<FirmwareImage>> FirmwareRepository::list(const Principal &who, const QString &deviceType)
{
    QString sql = QStringLiteral("SELECT %1 FROM firmware WHERE tenant_id = :t").arg(QString::fromLatin1(kColumns));
    QVariantMap b{{QStringLiteral("t"), who.tenantId}};
    if (!deviceType.isEmpty()) {
        sql += QStringLiteral(" AND device_type = :type");
        b.insert(QStringLiteral("type"), deviceType);
    }
    auto q = m_db.exec(sql, b);
    if (!q)
        return fail(q.error());
    QList<std::pair<std::optional<Firmware::SemVer>, FirmwareImage>> rows;
    while (q->next()) {
        FirmwareImage f = readRow(*q);
        auto v = Firmware::SemVer::parse(f.version);
        rows.append({v ? std::optional(*v) : std::nullopt, std::move(f)});
    }
    std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
        if (a.second.deviceType != b.second.deviceType)
            return a.second.deviceType < b.second.deviceType;
        if (a.first && b.first)
            return Firmware::compare(*b.first, *a.first) < 0; // newest first
        return a.second.createdMs > b.second.createdMs;
    });
    QList<FirmwareImage> out;
    out.reserve(rows.size());
    for (auto &r : rows)
        out.append(std::move(r.second));
    return out;
}

Result<FirmwareImage> FirmwareRepository::update(const Principal &who, const QString &id, const QJsonObject &patch)
{
    for (auto it = patch.begin(); it != patch.end(); ++it)
        if (it.key() != u"release_notes")
            return fail(Error::invalid(QStringLiteral("\"%1\" cannot change: only release_notes can (upload a new version instead)").arg(it.key())));
    auto f = find(who.tenantId, id);
    if (!f)
        return f;
    const QJsonValue notes = patch.value(QStringLiteral("release_notes"));
    if (notes.isUndefined())
        return f;
    if (!notes.isString() && !notes.isNull())
        return fail(Error::invalid(QStringLiteral("\"release_notes\" must be a string")));
    if (notes.toString().size() > kMaxReleaseNotes)
        return fail(Error::invalid(QStringLiteral("\"release_notes\" is longer than %1 characters").arg(kMaxReleaseNotes)));
    f->releaseNotes = notes.toString();
    f->updatedMs = Storage::nowMs();
    auto q = m_db.exec(QStringLiteral("UPDATE firmware SET release_notes = :n, updated_at = :now WHERE id = :id"),
                       {{QStringLiteral("n"), f->releaseNotes.isEmpty() ? QStringLiteral("") : f->releaseNotes}, {QStringLiteral("now"), f->updatedMs}, {QStringLiteral("id"), id}});
    if (!q)
        return fail(q.error());
    audit(m_db, &who, QStringLiteral("firmware.update"), QStringLiteral("firmware"), id, QStringLiteral("release notes of %1 %2").arg(f->deviceType, f->version));
    return f;
}

Status FirmwareRepository::remove(const Principal &who, const QString &id)
{
    auto f = find(who.tenantId, id);
    if (!f)
        return fail(f.error());
    if (m_uploading.contains(id))
        return fail(Error::conflict(QStringLiteral("firmware %1 %2 is being uploaded; wait for the upload to end").arg(f->deviceType, f->version)));
    if (m_usedBy)
        if (const QString rollout = m_usedBy(id); !rollout.isEmpty())
            return fail(Error::conflict(QStringLiteral("firmware %1 %2 is used by rollout %3; abort or finish it first").arg(f->deviceType, f->version, rollout)));
    auto q = m_db.exec(QStringLiteral("DELETE FROM firmware WHERE id = :id"), {{QStringLiteral("id"), id}});
    if (!q)
        return fail(q.error());
    QFile::remove(imagePath(*f));
    audit(m_db, &who, QStringLiteral("firmware.delete"), QStringLiteral("firmware"), id, QStringLiteral("%1 %2").arg(f->deviceType, f->version));
    return {};
}

Result<std::unique_ptr<ImageUpload>> FirmwareRepository::beginUpload(const Principal &who, const QString &id, qint64 contentLength)
{
    auto f = find(who.tenantId, id);
    if (!f)
        return fail(f.error());
    if (f->state != u"awaiting_image")
        return fail(Error::conflict(QStringLiteral("firmware %1 %2 already has its image (SHA-256 %3); images never change — make a new version")
                                        .arg(f->deviceType, f->version, f->sha256)));
    if (m_uploading.contains(id))
        return fail(Error::conflict(QStringLiteral("the image of firmware %1 %2 is being uploaded on another connection").arg(f->deviceType, f->version)));
    if (contentLength != f->size)
        return fail(Error::invalid(QStringLiteral("the upload is %1 bytes long, but %2 were announced for this image").arg(contentLength).arg(f->size)));
    const QString dir = m_storeDir + u'/' + f->tenantId;
    if (!QDir().mkpath(dir))
        return fail(Error::unavailable(QStringLiteral("cannot create the firmware store %1").arg(dir)));
    std::unique_ptr<ImageUpload> up(new ImageUpload);
    up->m_firmwareId = id;
    up->m_tenantId = f->tenantId;
    up->m_expected = contentLength;
    up->m_who = who;
    up->m_path = dir + u'/' + id + QStringLiteral(".img.") + newUuid().left(8) + QStringLiteral(".part");
    up->m_file.setFileName(up->m_path);
    if (!up->m_file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        const QString why = up->m_file.errorString();
        up->m_path.clear();
        return fail(Error::unavailable(QStringLiteral("cannot store the image: %1").arg(why)));
    }
    m_uploading.insert(id);
    up->m_busy = &m_uploading;
    return up;
}

Result<FirmwareImage> FirmwareRepository::finishUpload(std::unique_ptr<ImageUpload> up)
{
    const auto failed = [this](Error e) {
        ++m_uploadsFailed;
        return fail(std::move(e));
    };
    if (up->m_received != up->m_expected)
        return failed(Error::invalid(QStringLiteral("the upload ended after %1 of %2 bytes").arg(up->m_received).arg(up->m_expected)));
    auto f = find(up->m_tenantId, up->m_firmwareId);
    if (!f)
        return failed(f.error()); // deleted meanwhile (not possible while the upload holds it, but a platform admin may erase an organisation)
    const QString sha = QString::fromLatin1(up->m_sha.result().toHex());
    if (!f->sha256.isEmpty() && f->sha256 != sha)
        return failed(Error::invalid(QStringLiteral("the image is corrupt: its SHA-256 is %1, but %2 was announced").arg(sha, f->sha256)));
    auto format = checkHeader(up->m_head, f->deviceType, f->version);
    if (!format)
        return failed(format.error());
    const QByteArray manifest = Pki::firmwareManifest(f->deviceType, f->version, up->m_received, sha);
    auto signature = m_signer.sign(manifest);
    if (!signature)
        return failed(signature.error());
    if (!up->m_file.flush() || ::fsync(up->m_file.handle()) != 0)
        return failed(Error::unavailable(QStringLiteral("cannot store the image: %1").arg(up->m_file.errorString())));
    up->m_file.close();
    const QString target = imagePath(*f);
    QFile::remove(target);
    if (!QFile::rename(up->m_path, target))
        return failed(Error::unavailable(QStringLiteral("cannot move the image into the store (%1)").arg(target)));
    up->m_path.clear(); // now the store's
    f->state = QStringLiteral("ready");
    f->sha256 = sha;
    f->size = up->m_received;
    f->signature = *signature;
    f->keyId = m_signer.keyId();
    f->imageFormat = *format;
    f->uploadedMs = f->updatedMs = Storage::nowMs();
    auto q = m_db.exec(QStringLiteral("UPDATE firmware SET state = 'ready', sha256 = :sha, size = :size, signature = :sig, key_id = :key, "
                                      "image_format = :fmt, uploaded_at = :now, updated_at = :now WHERE id = :id AND state = 'awaiting_image'"),
                       {{QStringLiteral("sha"), sha}, {QStringLiteral("size"), f->size}, {QStringLiteral("sig"), QString::fromLatin1(f->signature.toBase64())},
                        {QStringLiteral("key"), f->keyId}, {QStringLiteral("fmt"), f->imageFormat}, {QStringLiteral("now"), *f->uploadedMs},
                        {QStringLiteral("id"), f->id}});
    if (!q || q->numRowsAffected() != 1) {
        QFile::remove(target);
        return failed(q ? Error::conflict(QStringLiteral("firmware %1 changed during the upload").arg(f->id)) : q.error());
    }
    ++m_uploadsDone;
    audit(m_db, &up->m_who, QStringLiteral("firmware.upload"), QStringLiteral("firmware"), f->id,
          QStringLiteral("%1 %2, %3, SHA-256 %4, signed by key %5").arg(f->deviceType, f->version, humanBytes(f->size), sha, f->keyId));
    qCInfo(lcFirmware).noquote() << "firmware" << f->deviceType << f->version << "stored:" << humanBytes(f->size) << "SHA-256" << sha;
    return f;
}

Result<FirmwareImage> FirmwareRepository::readyImage(const QString &tenantId, const QString &id)
{
    auto f = find(tenantId, id);
    if (f && f->state != u"ready")
        return fail(Error::notFound(QStringLiteral("firmware %1 %2 has no image yet").arg(f->deviceType, f->version)));
    return f;
}

QString FirmwareRepository::imagePath(const FirmwareImage &f) const { return m_storeDir + u'/' + f.tenantId + u'/' + f.id + QStringLiteral(".img"); }
QByteArray FirmwareRepository::signingKeyPem() const { return m_signer.publicKeyPem(); }
QString FirmwareRepository::signingKeyId() const { return m_signer.keyId(); }

QJsonObject FirmwareRepository::health() const
{
    return {{QStringLiteral("uploads_in_progress"), m_uploading.size()},
            {QStringLiteral("uploads_completed"), m_uploadsDone},
            {QStringLiteral("uploads_refused"), m_uploadsFailed},
            {QStringLiteral("signing_key_id"), m_signer.keyId()}};
}

} // namespace Fleetdeck
