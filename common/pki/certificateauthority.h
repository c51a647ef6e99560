#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QDateTime>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <memory>

namespace Fleetdeck::Pki {

struct IssuedCertificate
{
    QByteArray certificatePem;
    QByteArray privateKeyPem; ///< only when the key was generated here
    QString serial;           ///< upper-case hex
    QString fingerprintSha256;
    QDateTime notBefore;
    QDateTime notAfter;
};

struct RevokedCertificate
{
    QString serial;
    QDateTime revokedAt;
};

/// The platform certificate authority: an EC P-256 root made at first start and kept under DATA_DIR/pki.
/// It issues the server's TLS certificate, the server's own broker identity and device certificates, and signs
/// the certificate revocation list the broker checks.
class CertificateAuthority
{
public:
    ~CertificateAuthority();
    CertificateAuthority(CertificateAuthority &&) noexcept;
    CertificateAuthority &operator=(CertificateAuthority &&) noexcept;

    /// Loads ca.crt/ca.key from `dir`, or creates them (and the directory, mode 0700) when absent.
    /// With a `keyPassphrase` the key is kept encrypted at rest (PKCS#8, AES-256-CBC, PBKDF2-HMAC-SHA256); a
    /// plaintext key found at start is encrypted in place. An encrypted key without the passphrase, or with a
    /// wrong one, is an error that says so.
    [[nodiscard]] static Result<CertificateAuthority> loadOrCreate(const QString &dir, const QString &organisation,
                                                                   const QString &keyPassphrase = {});
    /// Whether a PEM private key is encrypted.
    static bool isEncryptedKeyPem(const QByteArray &pem);

    QByteArray caCertificatePem() const;
    QString caFingerprintSha256() const;
    QString caCertificatePath() const;

    /// A TLS server certificate for the given DNS names and IP addresses, with a fresh key.
    [[nodiscard]] Result<IssuedCertificate> issueServerCertificate(const QStringList &dnsNames, const QStringList &ipAddresses, int validityDays = 825) const;
    /// A client certificate (clientAuth) with CN = commonName and a fresh P-256 key.
    [[nodiscard]] Result<IssuedCertificate> issueClientCertificate(const QString &commonName, int validityDays) const;
    /// Signs a PEM PKCS#10 request. The subject is replaced by CN = commonName: the request proves possession of the
    /// key, the platform decides the identity. Accepts EC P-256/P-384 and RSA >= 2048 keys.
    [[nodiscard]] Result<IssuedCertificate> signRequest(const QByteArray &csrPem, const QString &commonName, int validityDays) const;
    /// A CRL listing `revoked`, valid for `validityDays`.
    [[nodiscard]] Result<QByteArray> makeCrl(const QList<RevokedCertificate> &revoked, int validityDays = 30) const;

private:
    struct Private;
    explicit CertificateAuthority(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

/// The private key at `path`, or a new one of `algorithm` ("ED25519" or "P-256") written there (0600) when the file is
/// absent. Like the CA key, it is kept encrypted at rest when a passphrase is given (and a plaintext one is encrypted
/// in place). Returns the key as unencrypted PEM, in memory only; `what` names the key in errors ("the firmware
/// signing key").
[[nodiscard]] Result<QByteArray> loadOrCreatePrivateKey(const QString &path, const char *algorithm, const QString &passphrase, const QString &what);

/// Writes `data` to `path` atomically with the given permissions (e.g. 0600 for keys).
[[nodiscard]] Status writeFileAtomically(const QString &path, const QByteArray &data, bool privateFile);

/// The SHA-256 fingerprint of a PEM certificate as colon-separated upper-case hex.
QString fingerprintOfPem(const QByteArray &pem);

/// Makes a fresh P-256 key and a PKCS#10 request for `commonName` (used by the simulator and tests).
[[nodiscard]] Result<std::pair<QByteArray, QByteArray>> makeKeyAndRequest(const QString &commonName);

} // namespace Fleetdeck::Pki
