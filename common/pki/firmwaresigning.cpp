#include "pki/firmwaresigning.h"

#include "pki/certificateauthority.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace Fleetdeck::Pki {

namespace {

struct BioFree { void operator()(BIO *b) const { BIO_free_all(b); } };
struct PKeyFree { void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); } };
struct MdCtxFree { void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); } };
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, PKeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

PKeyPtr readPublicKey(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return PKeyPtr(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

} // namespace

QByteArray firmwareManifest(const QString &deviceType, const QString &version, qint64 size, const QString &sha256Hex)
{
    return "fleetdeck-firmware-v1\ndevice_type:" + deviceType.toUtf8() + "\nversion:" + version.toUtf8() + "\nsize:"
           + QByteArray::number(size) + "\nsha256:" + sha256Hex.toLatin1().toLower() + '\n';
}

struct FirmwareSigner::Private
{
    PKeyPtr key;
    QByteArray publicPem;
    QString keyId;
};

FirmwareSigner::FirmwareSigner(std::unique_ptr<Private> dd) : d(std::move(dd)) {}
FirmwareSigner::~FirmwareSigner() = default;
FirmwareSigner::FirmwareSigner(FirmwareSigner &&) noexcept = default;
FirmwareSigner &FirmwareSigner::operator=(FirmwareSigner &&) noexcept = default;

Result<FirmwareSigner> FirmwareSigner::loadOrCreate(const QString &dir, const QString &passphrase)
{
    auto pem = loadOrCreatePrivateKey(dir + QStringLiteral("/firmware-signing.key"), "ED25519", passphrase, QStringLiteral("the firmware signing key"));
    if (!pem)
        return fail(pem.error());
    auto d = std::make_unique<Private>();
    BioPtr bio(BIO_new_mem_buf(pem->constData(), int(pem->size())));
    d->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!d->key || EVP_PKEY_get_id(d->key.get()) != EVP_PKEY_ED25519) {
        ERR_clear_error();
        return fail(Error::internal(QStringLiteral("%1/firmware-signing.key is not an Ed25519 key").arg(dir)));
    }
    BioPtr out(BIO_new(BIO_s_mem()));
    PEM_write_bio_PUBKEY(out.get(), d->key.get());
    char *data = nullptr;
    const long len = BIO_get_mem_data(out.get(), &data);
    d->publicPem = QByteArray(data, int(len));
    unsigned char raw[32];
    size_t rawLen = sizeof raw;
    EVP_PKEY_get_raw_public_key(d->key.get(), raw, &rawLen);
    d->keyId = QString::fromLatin1(QCryptographicHash::hash(QByteArrayView(raw, qsizetype(rawLen)), QCryptographicHash::Sha256).toHex().left(16));
    if (auto st = writeFileAtomically(dir + QStringLiteral("/firmware-signing.pub"), d->publicPem, false); !st)
        return fail(st.error());
    return FirmwareSigner(std::move(d));
}

Result<QByteArray> FirmwareSigner::sign(const QByteArray &message) const
{
    MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t len = 64;
    QByteArray sig(64, Qt::Uninitialized);
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, d->key.get()) != 1
        || EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(sig.data()), &len,
                          reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size())) != 1) {
        char buf[256];
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        ERR_clear_error();
        return fail(Error::internal(QStringLiteral("signing failed: %1").arg(QString::fromLatin1(buf))));
    }
    sig.resize(qsizetype(len));
    return sig;
}

QByteArray FirmwareSigner::publicKeyPem() const { return d->publicPem; }
QString FirmwareSigner::keyId() const { return d->keyId; }

bool verifyFirmwareSignature(const QByteArray &publicKeyPem, const QByteArray &message, const QByteArray &signature)
{
    PKeyPtr key = readPublicKey(publicKeyPem);
    MdCtxPtr ctx(EVP_MD_CTX_new());
    const bool ok = key && ctx && EVP_PKEY_get_id(key.get()) == EVP_PKEY_ED25519
                    && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1
                    && EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.constData()), size_t(signature.size()),
                                        reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size())) == 1;
    ERR_clear_error();
    return ok;
}

} // namespace Fleetdeck::Pki
