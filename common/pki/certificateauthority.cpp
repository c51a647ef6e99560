#include "pki/certificateauthority.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSaveFile>

#include <cstring>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

Q_LOGGING_CATEGORY(lcPki, "fleetdeck.server.pki", QtInfoMsg)

namespace Fleetdeck::Pki {

namespace {

template<auto Fn>
struct Deleter
{
    template<typename T>
    void operator()(T *p) const { Fn(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using RevokedPtr = std::unique_ptr<X509_REVOKED, Deleter<X509_REVOKED_free>>;
using IntPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;

/// The OpenSSL error queue as text (and cleared), for messages and logs.
QString sslErrors()
{
    QStringList parts;
    unsigned long e;
    char buf[256];
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof buf);
        parts << QString::fromLatin1(buf);
    }
    return parts.isEmpty() ? QStringLiteral("no OpenSSL detail") : parts.join(QStringLiteral("; "));
}

Error sslFailure(const char *what)
{
    const QString detail = sslErrors();
    qCWarning(lcPki) << what << "failed:" << detail;
    return Error::internal(QStringLiteral("%1 failed: %2").arg(QString::fromLatin1(what), detail));
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(len));
}

QByteArray toPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    return bioContents(bio.get());
}

QByteArray keyToPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    return bioContents(bio.get());
}

/// The passphrase for PEM reads: never falls back to OpenSSL's terminal prompt.
int passphraseCallback(char *buf, int size, int, void *u)
{
    const QByteArray *pass = static_cast<const QByteArray *>(u);
    if (!pass || pass->isEmpty() || pass->size() > size)
        return 0;
    memcpy(buf, pass->constData(), size_t(pass->size()));
    return int(pass->size());
}

/// PKCS#8 encrypted with PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA256, 600 000 iterations as OWASP advises).
QByteArray encryptedKeyToPem(EVP_PKEY *key, const QByteArray &passphrase)
{
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, Deleter<PKCS8_PRIV_KEY_INFO_free>> info(EVP_PKEY2PKCS8(key));
    if (!info)
        return {};
    std::unique_ptr<X509_SIG, Deleter<X509_SIG_free>> p8(
        PKCS8_encrypt(-1, EVP_aes_256_cbc(), passphrase.constData(), int(passphrase.size()), nullptr, 0, 600000, info.get()));
    if (!p8)
        return {};
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PKCS8(bio.get(), p8.get()) != 1)
        return {};
    return bioContents(bio.get());
}

PKeyPtr newP256Key()
{
    return PKeyPtr(EVP_EC_gen("P-256"));
}

QDateTime fromAsn1(const ASN1_TIME *t)
{
    struct tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1)
        return {};
    return QDateTime(QDate(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday), QTime(tm.tm_hour, tm.tm_min, tm.tm_sec),
                     Qt::UTC);
}

QString serialHex(X509 *cert)
{
    BnPtr bn(ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr));
    char *hex = BN_bn2hex(bn.get());
    QString s = QString::fromLatin1(hex);
    OPENSSL_free(hex);
    return s;
}

QString fingerprint(X509 *cert)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    X509_digest(cert, EVP_sha256(), md, &len);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(md), int(len)).toHex(':').toUpper());
}

/// A random positive 127-bit serial: unique without a serial file, as CA/B recommends (>= 64 bits of entropy).
bool setRandomSerial(X509 *cert)
{
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return false;
    bytes[0] &= 0x7f;
    BnPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    return bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

bool addExtension(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

NamePtr makeName(const QString &commonName, const QString &organisation)
{
    NamePtr name(X509_NAME_new());
    const QByteArray cn = commonName.toUtf8();
    const QByteArray o = organisation.toUtf8();
    if (!o.isEmpty())
        X509_NAME_add_entry_by_txt(name.get(), "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(o.constData()), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0);
    return name;
}

Status writeCertAndKey(const QString &certPath, const QByteArray &certPem, const QString &keyPath, const QByteArray &keyPem)
{
    if (auto st = writeFileAtomically(keyPath, keyPem, true); !st)
        return st;
    return writeFileAtomically(certPath, certPem, false);
}

} // namespace

struct CertificateAuthority::Private
{
    QString dir;
    QString organisation;
    X509Ptr cert;
    PKeyPtr key;

    enum class Profile { Ca, Server, Client };

    /// Builds and signs a certificate for `pubkey`. `self` signs with the subject's own name (the root).
    Result<X509Ptr> build(EVP_PKEY *pubkey, const QString &commonName, Profile profile, int validityDays,
                          const QString &subjectAltNames = {}) const
    {
        X509Ptr c(X509_new());
        if (!c || X509_set_version(c.get(), 2) != 1 || !setRandomSerial(c.get()))
            return fail(sslFailure("certificate allocation"));
        NamePtr subject = makeName(commonName, organisation);
        X509_set_subject_name(c.get(), subject.get());
        X509 *issuer = profile == Profile::Ca ? c.get() : cert.get();
        X509_set_issuer_name(c.get(), X509_get_subject_name(issuer));
        // Backdated a little so that devices with a slightly slow clock accept it at once.
        X509_gmtime_adj(X509_getm_notBefore(c.get()), -300);
        X509_gmtime_adj(X509_getm_notAfter(c.get()), long(validityDays) * 86400);
        if (X509_set_pubkey(c.get(), pubkey) != 1)
            return fail(sslFailure("setting the public key"));

        bool ok = addExtension(c.get(), issuer, NID_subject_key_identifier, "hash");
        if (profile != Profile::Ca)
            ok = ok && addExtension(c.get(), issuer, NID_authority_key_identifier, "keyid:always");
        switch (profile) {
        case Profile::Ca:
            ok = ok && addExtension(c.get(), issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0")
                 && addExtension(c.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
            break;
        case Profile::Server:
            ok = ok && addExtension(c.get(), issuer, NID_basic_constraints, "critical,CA:FALSE")
                 && addExtension(c.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment")
                 && addExtension(c.get(), issuer, NID_ext_key_usage, "serverAuth,clientAuth");
            break;
        case Profile::Client:
            ok = ok && addExtension(c.get(), issuer, NID_basic_constraints, "critical,CA:FALSE")
                 && addExtension(c.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment")
                 && addExtension(c.get(), issuer, NID_ext_key_usage, "clientAuth");
            break;
        }
        if (ok && !subjectAltNames.isEmpty())
            ok = addExtension(c.get(), issuer, NID_subject_alt_name, subjectAltNames.toUtf8().constData());
        if (!ok)
            return fail(sslFailure("adding certificate extensions"));
        EVP_PKEY *signer = profile == Profile::Ca ? pubkey : key.get();
        if (X509_sign(c.get(), signer, EVP_sha256()) <= 0)
            return fail(sslFailure("signing the certificate"));
        return c;
    }

    IssuedCertificate describe(X509 *c) const
    {
        IssuedCertificate out;
        out.certificatePem = toPem(c);
        out.serial = serialHex(c);
        out.fingerprintSha256 = fingerprint(c);
        out.notBefore = fromAsn1(X509_get0_notBefore(c));
        out.notAfter = fromAsn1(X509_get0_notAfter(c));
        return out;
    }
};

CertificateAuthority::CertificateAuthority(std::unique_ptr<Private> dd) : d(std::move(dd)) {}
CertificateAuthority::~CertificateAuthority() = default;
CertificateAuthority::CertificateAuthority(CertificateAuthority &&) noexcept = default;
CertificateAuthority &CertificateAuthority::operator=(CertificateAuthority &&) noexcept = default;

bool CertificateAuthority::isEncryptedKeyPem(const QByteArray &pem)
{
    return pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED");
}

Result<CertificateAuthority> CertificateAuthority::loadOrCreate(const QString &dir, const QString &organisation, const QString &keyPassphrase)
{
    const QByteArray passphrase = keyPassphrase.toUtf8();
    auto d = std::make_unique<Private>();
    d->dir = dir;
    d->organisation = organisation;
    if (!QDir().mkpath(dir))
        return fail(Error::internal(QStringLiteral("cannot create the PKI directory %1").arg(dir)));
    QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString certPath = dir + QStringLiteral("/ca.crt");
    const QString keyPath = dir + QStringLiteral("/ca.key");

    if (QFileInfo::exists(certPath) && QFileInfo::exists(keyPath)) {
        QFile cf(certPath), kf(keyPath);
        if (!cf.open(QIODevice::ReadOnly) || !kf.open(QIODevice::ReadOnly))
            return fail(Error::internal(QStringLiteral("cannot read the platform CA in %1").arg(dir)));
        const QByteArray certPem = cf.readAll(), keyPem = kf.readAll();
        BioPtr cb(BIO_new_mem_buf(certPem.constData(), int(certPem.size())));
        BioPtr kb(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
        const bool encrypted = isEncryptedKeyPem(keyPem);
        if (encrypted && passphrase.isEmpty())
            return fail(Error::invalid(QStringLiteral("%1 is encrypted; give its passphrase in FLEETDECK_KEY_PASSPHRASE or with --key-passphrase-file").arg(keyPath)));
        d->cert.reset(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
        d->key.reset(PEM_read_bio_PrivateKey(kb.get(), nullptr, passphraseCallback, const_cast<QByteArray *>(&passphrase)));
        if (encrypted && !d->key) {
            sslErrors(); // the OpenSSL detail ("bad decrypt") adds nothing for the operator
            return fail(Error::invalid(QStringLiteral("cannot decrypt %1: wrong passphrase (FLEETDECK_KEY_PASSPHRASE / --key-passphrase-file)").arg(keyPath)));
        }
        if (!d->cert || !d->key)
            return fail(Error::internal(QStringLiteral("the platform CA in %1 is unreadable: %2").arg(dir, sslErrors())));
        if (X509_check_private_key(d->cert.get(), d->key.get()) != 1)
            return fail(Error::internal(QStringLiteral("ca.key does not match ca.crt in %1").arg(dir)));
        if (!encrypted && !passphrase.isEmpty()) {
            // First start with a passphrase over a plaintext key: encrypt it in place (atomically).
            const QByteArray sealed = encryptedKeyToPem(d->key.get(), passphrase);
            if (sealed.isEmpty())
                return fail(sslFailure("encrypting the CA key"));
            if (auto st = writeFileAtomically(keyPath, sealed, true); !st)
                return fail(st.error());
            qCInfo(lcPki) << "the CA private key was stored in plaintext; it is now encrypted at rest";
        } else if (!encrypted) {
            qCWarning(lcPki) << "the CA private key is stored unencrypted; set FLEETDECK_KEY_PASSPHRASE or --key-passphrase-file to encrypt it";
        }
        qCInfo(lcPki) << "platform CA loaded, fingerprint" << fingerprint(d->cert.get());
        return CertificateAuthority(std::move(d));
    }
    if (QFileInfo::exists(certPath) || QFileInfo::exists(keyPath))
        return fail(Error::internal(QStringLiteral("only one of ca.crt and ca.key exists in %1; refusing to make a new CA over it").arg(dir)));

    PKeyPtr key = newP256Key();
    if (!key)
        return fail(sslFailure("generating the CA key"));
    auto cert = d->build(key.get(), organisation + QStringLiteral(" Platform CA"), Private::Profile::Ca, 3650);
    if (!cert)
        return fail(cert.error());
    d->key = std::move(key);
    d->cert = std::move(*cert);
    const QByteArray keyPem = passphrase.isEmpty() ? keyToPem(d->key.get()) : encryptedKeyToPem(d->key.get(), passphrase);
    if (keyPem.isEmpty())
        return fail(sslFailure("writing the CA key"));
    if (auto st = writeCertAndKey(certPath, toPem(d->cert.get()), keyPath, keyPem); !st)
        return fail(st.error());
    if (passphrase.isEmpty())
        qCWarning(lcPki) << "the CA private key is stored unencrypted; set FLEETDECK_KEY_PASSPHRASE or --key-passphrase-file to encrypt it";
    qCInfo(lcPki) << "platform CA created in" << dir << "fingerprint" << fingerprint(d->cert.get());
    return CertificateAuthority(std::move(d));
}

QByteArray CertificateAuthority::caCertificatePem() const { return toPem(d->cert.get()); }
QString CertificateAuthority::caFingerprintSha256() const { return fingerprint(d->cert.get()); }
QString CertificateAuthority::caCertificatePath() const { return d->dir + QStringLiteral("/ca.crt"); }

Result<IssuedCertificate> CertificateAuthority::issueServerCertificate(const QStringList &dnsNames, const QStringList &ips, int validityDays) const
{
    QStringList san;
    for (const QString &n : dnsNames)
        san << QStringLiteral("DNS:") + n;
    for (const QString &ip : ips)
        san << QStringLiteral("IP:") + ip;
    PKeyPtr key = newP256Key();
    if (!key)
        return fail(sslFailure("generating the server key"));
    const QString cn = dnsNames.isEmpty() ? QStringLiteral("fleetdeck") : dnsNames.first();
    auto cert = d->build(key.get(), cn, Private::Profile::Server, validityDays, san.join(u','));
    if (!cert)
        return fail(cert.error());
    IssuedCertificate out = d->describe(cert->get());
    out.privateKeyPem = keyToPem(key.get());
    return out;
}

Result<IssuedCertificate> CertificateAuthority::issueClientCertificate(const QString &commonName, int validityDays) const
{
    PKeyPtr key = newP256Key();
    if (!key)
        return fail(sslFailure("generating a client key"));
    auto cert = d->build(key.get(), commonName, Private::Profile::Client, validityDays);
    if (!cert)
        return fail(cert.error());
    IssuedCertificate out = d->describe(cert->get());
    out.privateKeyPem = keyToPem(key.get());
    return out;
}

Result<IssuedCertificate> CertificateAuthority::signRequest(const QByteArray &csrPem, const QString &commonName, int validityDays) const
{
    if (csrPem.size() > 16 * 1024)
        return fail(Error::invalid(QStringLiteral("the CSR is larger than 16 KiB")));
    if (!csrPem.contains("-----BEGIN CERTIFICATE REQUEST-----") && !csrPem.contains("-----BEGIN NEW CERTIFICATE REQUEST-----"))
        return fail(Error::invalid(QStringLiteral("the CSR is not a PEM certificate request (expected a \"-----BEGIN CERTIFICATE REQUEST-----\" block)")));
    BioPtr bio(BIO_new_mem_buf(csrPem.constData(), int(csrPem.size())));
    ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    if (!req) {
        ERR_clear_error();
        return fail(Error::invalid(QStringLiteral("the CSR could not be decoded (corrupt base64 or DER)")));
    }
    EVP_PKEY *pub = X509_REQ_get0_pubkey(req.get());
    if (!pub) {
        ERR_clear_error();
        return fail(Error::invalid(QStringLiteral("the CSR carries no usable public key")));
    }
    const int type = EVP_PKEY_get_base_id(pub);
    const int bits = EVP_PKEY_get_bits(pub);
    if (type == EVP_PKEY_EC) {
        char group[64] = {};
        size_t len = 0;
        EVP_PKEY_get_utf8_string_param(pub, "group", group, sizeof group, &len);
        const QByteArray g(group);
        if (g != "prime256v1" && g != "secp384r1")
            return fail(Error::invalid(QStringLiteral("EC key on curve %1 is not accepted; use P-256 or P-384").arg(QString::fromLatin1(g))));
    } else if (type == EVP_PKEY_RSA) {
        if (bits < 2048)
            return fail(Error::invalid(QStringLiteral("RSA key of %1 bits is too weak; at least 2048 bits are required").arg(bits)));
    } else {
        return fail(Error::invalid(QStringLiteral("the CSR's key type is not accepted; use EC P-256/P-384 or RSA >= 2048")));
    }
    if (X509_REQ_verify(req.get(), pub) != 1) {
        ERR_clear_error();
        return fail(Error::invalid(QStringLiteral("the CSR's signature does not verify: it was not signed by the key it carries")));
    }
    auto cert = d->build(pub, commonName, Private::Profile::Client, validityDays);
    if (!cert)
        return fail(cert.error());
    return d->describe(cert->get());
}

Result<QByteArray> CertificateAuthority::makeCrl(const QList<RevokedCertificate> &revoked, int validityDays) const
{
    CrlPtr crl(X509_CRL_new());
    if (!crl || X509_CRL_set_version(crl.get(), 1) != 1
        || X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(d->cert.get())) != 1)
        return fail(sslFailure("CRL allocation"));
    TimePtr now(ASN1_TIME_adj(nullptr, time(nullptr), 0, -300));
    TimePtr next(ASN1_TIME_adj(nullptr, time(nullptr), validityDays, 0));
    X509_CRL_set1_lastUpdate(crl.get(), now.get());
    X509_CRL_set1_nextUpdate(crl.get(), next.get());
    for (const RevokedCertificate &r : revoked) {
        BIGNUM *raw = nullptr;
        if (BN_hex2bn(&raw, r.serial.toLatin1().constData()) == 0)
            continue;
        BnPtr bn(raw);
        IntPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
        RevokedPtr entry(X509_REVOKED_new());
        TimePtr when(ASN1_TIME_set(nullptr, r.revokedAt.isValid() ? r.revokedAt.toSecsSinceEpoch() : time(nullptr)));
        X509_REVOKED_set_serialNumber(entry.get(), serial.get());
        X509_REVOKED_set_revocationDate(entry.get(), when.get());
        if (X509_CRL_add0_revoked(crl.get(), entry.get()) == 1)
            entry.release();
    }
    X509_CRL_sort(crl.get());
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, d->cert.get(), nullptr, nullptr, crl.get(), 0);
    if (ExtPtr aki(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always")); aki)
        X509_CRL_add_ext(crl.get(), aki.get(), -1);
    if (X509_CRL_sign(crl.get(), d->key.get(), EVP_sha256()) <= 0)
        return fail(sslFailure("signing the CRL"));
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_CRL(bio.get(), crl.get());
    return bioContents(bio.get());
}

Status writeFileAtomically(const QString &path, const QByteArray &data, bool privateFile)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return fail(Error::internal(QStringLiteral("cannot write %1: %2").arg(path, f.errorString())));
    f.setPermissions(privateFile ? (QFileDevice::ReadOwner | QFileDevice::WriteOwner)
                                 : (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    f.write(data);
    if (!f.commit())
        return fail(Error::internal(QStringLiteral("cannot write %1: %2").arg(path, f.errorString())));
    return {};
}

Result<QByteArray> loadOrCreatePrivateKey(const QString &path, const char *algorithm, const QString &passphrase, const QString &what)
{
    const QByteArray pass = passphrase.toUtf8();
    if (QFileInfo::exists(path)) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return fail(Error::internal(QStringLiteral("cannot read %1 (%2): %3").arg(what, path, f.errorString())));
        const QByteArray pem = f.readAll();
        const bool encrypted = CertificateAuthority::isEncryptedKeyPem(pem);
        if (encrypted && pass.isEmpty())
            return fail(Error::invalid(QStringLiteral("%1 (%2) is encrypted; give its passphrase in FLEETDECK_KEY_PASSPHRASE or with --key-passphrase-file").arg(what, path)));
        BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
        PKeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphraseCallback, const_cast<QByteArray *>(&pass)));
        if (!key) {
            const QString detail = sslErrors();
            return fail(Error::invalid(encrypted ? QStringLiteral("cannot decrypt %1 (%2): wrong passphrase").arg(what, path)
                                                 : QStringLiteral("%1 (%2) is unreadable: %3").arg(what, path, detail)));
        }
        if (!encrypted && !pass.isEmpty()) {
            const QByteArray sealed = encryptedKeyToPem(key.get(), pass);
            if (sealed.isEmpty())
                return fail(sslFailure("encrypting a private key"));
            if (auto st = writeFileAtomically(path, sealed, true); !st)
                return fail(st.error());
            qCInfo(lcPki).noquote() << what << "was stored in plaintext; it is now encrypted at rest";
        } else if (!encrypted) {
            qCWarning(lcPki).noquote() << what << "is stored unencrypted; set FLEETDECK_KEY_PASSPHRASE or --key-passphrase-file to encrypt it";
        }
        return keyToPem(key.get());
    }
    PKeyPtr key(qstrcmp(algorithm, "ED25519") == 0 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519") : EVP_EC_gen(algorithm));
    if (!key)
        return fail(sslFailure("generating a private key"));
    const QByteArray stored = pass.isEmpty() ? keyToPem(key.get()) : encryptedKeyToPem(key.get(), pass);
    if (stored.isEmpty())
        return fail(sslFailure("writing a private key"));
    if (auto st = writeFileAtomically(path, stored, true); !st)
        return fail(st.error());
    if (pass.isEmpty())
        qCWarning(lcPki).noquote() << what << "is stored unencrypted; set FLEETDECK_KEY_PASSPHRASE or --key-passphrase-file to encrypt it";
    qCInfo(lcPki).noquote() << what << "created:" << path;
    return keyToPem(key.get());
}

QString fingerprintOfPem(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
        ERR_clear_error();
        return {};
    }
    return fingerprint(cert.get());
}

Result<std::pair<QByteArray, QByteArray>> makeKeyAndRequest(const QString &commonName)
{
    PKeyPtr key = newP256Key();
    ReqPtr req(X509_REQ_new());
    if (!key || !req)
        return fail(sslFailure("generating a key"));
    NamePtr name = makeName(commonName, {});
    X509_REQ_set_subject_name(req.get(), name.get());
    X509_REQ_set_pubkey(req.get(), key.get());
    if (X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0)
        return fail(sslFailure("signing the request"));
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_REQ(bio.get(), req.get());
    return std::make_pair(keyToPem(key.get()), bioContents(bio.get()));
}

} // namespace Fleetdeck::Pki
