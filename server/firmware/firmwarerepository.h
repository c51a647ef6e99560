#pragma once

#include "auth/principal.h"
#include "core/result.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <functional>
#include <memory>
#include <optional>

namespace Fleetdeck {
namespace Storage { class Database; }
namespace Pki { class FirmwareSigner; }
class Scheduler;

/// One firmware image of an organisation: a version for one device type. Made by POST /v1/firmware (its metadata),
/// then its image arrives on the transfer listener; only a `ready` image can be rolled out or downloaded.
struct FirmwareImage
{
    QString id;
    QString tenantId;
    QString deviceType;
    QString version;          ///< a semantic version, unique per (organisation, device type) by precedence
    QString releaseNotes;
    QString state;            ///< awaiting_image, ready
    qint64 size = 0;          ///< announced while awaiting the image, then the image's
    QString sha256;           ///< lower-case hex: the image's once ready; while awaiting, the one announced (or empty)
    QByteArray signature;     ///< Ed25519 over Pki::firmwareManifest(); empty while awaiting
    QString keyId;            ///< the signing key's id
    QString imageFormat;      ///< "fleetdeck" (carries a header naming type and version, checked) or "raw"
    QString createdBy;
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
    std::optional<qint64> uploadedMs;
};

/// An image upload in progress: body bytes go to a temporary file next to the store as they arrive, hashed on the
/// way; nothing is kept in memory beyond the image's first few kilobytes (its header). Dropping it without
/// FirmwareRepository::finishUpload() removes the temporary file: a cut-off upload leaves nothing behind.
class ImageUpload
{
public:
    ~ImageUpload();
    [[nodiscard]] Status write(QByteArrayView data);
    qint64 received() const { return m_received; }
    qint64 expected() const { return m_expected; }
    const QString &firmwareId() const { return m_firmwareId; }

private:
    friend class FirmwareRepository;
    ImageUpload() = default;
    QString m_firmwareId;
    QString m_tenantId;
    QString m_path;
    QFile m_file;
    QCryptographicHash m_sha{QCryptographicHash::Sha256};
    QByteArray m_head;        ///< the first kHeadBytes, for the header check
    qint64 m_expected = 0;
    qint64 m_received = 0;
    Principal m_who;
    QSet<QString> *m_busy = nullptr;
};

/// The firmware repository: metadata in `firmware`, images under DATA_DIR/firmware/<organisation>/<id>.img, each
/// signed with the platform's firmware key once its upload is complete and checked.
class FirmwareRepository : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        qint64 maxImageBytes = 1024LL * 1024 * 1024;        ///< one image
        qint64 tenantQuotaBytes = 8LL * 1024 * 1024 * 1024; ///< all of an organisation's images (and announced uploads)
        qint64 uploadWindowMs = 24LL * 3600 * 1000;         ///< an entry whose image never came is removed after this
    };
    static constexpr qsizetype kHeadBytes = 4096 + 16;
    static constexpr int kMaxReleaseNotes = 65536;

    FirmwareRepository(Storage::Database &db, Scheduler &scheduler, const Pki::FirmwareSigner &signer, QString storeDir,
                       Options options, QObject *parent = nullptr);
    ~FirmwareRepository() override;

    /// Makes the store, removes temporary files a crash left and defines the clean-up job (before the scheduler starts).
    [[nodiscard]] Status load();

    /// `{device_type, version, size, sha256?, release_notes?}`: an entry awaiting its image. 422 naming the field,
    /// 409 for a version the device type already has, 413 over the image cap or the organisation's quota.
    [[nodiscard]] Result<FirmwareImage> create(const Principal &who, const QJsonObject &body);
    [[nodiscard]] Result<FirmwareImage> get(const Principal &who, const QString &id);
    /// Grouped by device type, newest version first; `deviceType` filters (empty: all).
    [[nodiscard]] Result<QList<FirmwareImage>> list(const Principal &who, const QString &deviceType);
    /// Only `release_notes` changes; the image and its identity never do.
    [[nodiscard]] Result<FirmwareImage> update(const Principal &who, const QString &id, const QJsonObject &patch);
    /// Removes the entry and its image; 409 while a rollout uses it.
    [[nodiscard]] Status remove(const Principal &who, const QString &id);

    /// Starts the upload of an entry's image of `contentLength` bytes: 409 when it has one or another upload of it
    /// runs, 422 when the length is not the announced size.
    [[nodiscard]] Result<std::unique_ptr<ImageUpload>> beginUpload(const Principal &who, const QString &id, qint64 contentLength);
    /// All bytes arrived: checks hash and header, signs, moves the image into the store and marks it ready. On an
    /// error the temporary file is gone and the entry still awaits its image.
    [[nodiscard]] Result<FirmwareImage> finishUpload(std::unique_ptr<ImageUpload> upload);

    /// A ready image of the organisation (for downloads), or 404.
    [[nodiscard]] Result<FirmwareImage> readyImage(const QString &tenantId, const QString &id);
    QString imagePath(const FirmwareImage &f) const;
    QByteArray signingKeyPem() const;
    QString signingKeyId() const;

    /// Says which rollout uses a firmware (empty: none). Set by the rollouts area; deletes are refused while it answers.
    void setUsageCheck(std::function<QString(const QString &firmwareId)> check) { m_usedBy = std::move(check); }
    QJsonObject health() const;

private:
    Result<FirmwareImage> find(const QString &tenantId, const QString &id);
    Status removeExpired(qint64 nowMs);

    Storage::Database &m_db;
    Scheduler &m_scheduler;
    const Pki::FirmwareSigner &m_signer;
    QString m_storeDir;
    Options m_options;
    QSet<QString> m_uploading;
    std::function<QString(const QString &)> m_usedBy;
    qint64 m_uploadsDone = 0;
    qint64 m_uploadsFailed = 0;
};

} // namespace Fleetdeck
