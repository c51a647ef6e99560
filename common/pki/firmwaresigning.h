#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <memory>

namespace Fleetdeck::Pki {

/// What a firmware signature covers: the image's identity and content, not the image itself (Ed25519 in OpenSSL 3.0
/// is one-shot, so a large image is hashed once and its digest signed). Lines end in '\n':
///
///     fleetdeck-firmware-v1
///     device_type:<type>
///     version:<version>
///     size:<bytes>
///     sha256:<64 lower-case hex digits>
///
/// A device rebuilds these lines from its job and the image it downloaded, and checks the signature over them.
QByteArray firmwareManifest(const QString &deviceType, const QString &version, qint64 size, const QString &sha256Hex);

/// The platform's firmware signing key (Ed25519), made at first start under DATA_DIR/pki and kept encrypted at rest
/// like the CA key. Devices get its public half at enrolment and verify each image before installing it.
class FirmwareSigner
{
public:
    ~FirmwareSigner();
    FirmwareSigner(FirmwareSigner &&) noexcept;
    FirmwareSigner &operator=(FirmwareSigner &&) noexcept;

    /// Loads `dir`/firmware-signing.key or makes it (and firmware-signing.pub).
    [[nodiscard]] static Result<FirmwareSigner> loadOrCreate(const QString &dir, const QString &passphrase);

    /// The 64-byte Ed25519 signature of `message`.
    [[nodiscard]] Result<QByteArray> sign(const QByteArray &message) const;
    /// SubjectPublicKeyInfo PEM.
    QByteArray publicKeyPem() const;
    /// The first 16 hex digits of the SHA-256 of the raw public key: names the key in job messages and the console.
    QString keyId() const;

private:
    struct Private;
    explicit FirmwareSigner(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

/// Whether `signature` is a valid Ed25519 signature of `message` by the key in `publicKeyPem` (what devices do).
bool verifyFirmwareSignature(const QByteArray &publicKeyPem, const QByteArray &message, const QByteArray &signature);

} // namespace Fleetdeck::Pki
