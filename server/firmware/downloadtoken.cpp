#include "firmware/downloadtoken.h"

#include "pki/certificateauthority.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QMessageAuthenticationCode>
#include <QtCore/QRandomGenerator>

#include <openssl/crypto.h>

namespace Fleetdeck {

namespace {
constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
}

Result<DownloadTokens> DownloadTokens::loadOrCreate(const QString &path)
{
    if (QFileInfo::exists(path)) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return fail(Error::internal(QStringLiteral("cannot read the download token key %1: %2").arg(path, f.errorString())));
        const QByteArray key = QByteArray::fromHex(f.readAll().trimmed());
        if (key.size() != 32)
            return fail(Error::internal(QStringLiteral("the download token key %1 is not 64 hex digits; delete it to make a new one").arg(path)));
        return DownloadTokens(key);
    }
    QByteArray key(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(key.data()), reinterpret_cast<quint32 *>(key.data() + key.size()));
    if (auto st = Pki::writeFileAtomically(path, key.toHex() + '\n', true); !st)
        return fail(st.error());
    return DownloadTokens(key);
}

QString DownloadTokens::issue(const DownloadClaims &c) const
{
    const QByteArray claims = QJsonDocument(QJsonObject{{QStringLiteral("t"), c.tenantId}, {QStringLiteral("d"), c.deviceId},
                                                        {QStringLiteral("f"), c.firmwareId}, {QStringLiteral("e"), c.expiresMs}})
                                  .toJson(QJsonDocument::Compact)
                                  .toBase64(kB64);
    const QByteArray mac = QMessageAuthenticationCode::hash(claims, m_key, QCryptographicHash::Sha256).toBase64(kB64);
    return QStringLiteral("fdl1.") + QString::fromLatin1(claims) + u'.' + QString::fromLatin1(mac);
}

Result<DownloadClaims> DownloadTokens::check(const QString &token, qint64 nowMs) const
{
    const QStringList parts = token.split(u'.');
    if (parts.size() != 3 || parts[0] != u"fdl1" || token.size() > 1024)
        return fail(Error::unauthorized(QStringLiteral("this is not a firmware download token")));
    const QByteArray claims = parts[1].toLatin1();
    const QByteArray mac = QByteArray::fromBase64(parts[2].toLatin1(), QByteArray::Base64UrlEncoding);
    const QByteArray expected = QMessageAuthenticationCode::hash(claims, m_key, QCryptographicHash::Sha256);
    if (mac.size() != expected.size() || CRYPTO_memcmp(mac.constData(), expected.constData(), size_t(mac.size())) != 0)
        return fail(Error::unauthorized(QStringLiteral("the download token was not issued by this server (or was altered)")));
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromBase64(claims, QByteArray::Base64UrlEncoding)).object();
    DownloadClaims c;
    c.tenantId = o.value(QStringLiteral("t")).toString();
    c.deviceId = o.value(QStringLiteral("d")).toString();
    c.firmwareId = o.value(QStringLiteral("f")).toString();
    c.expiresMs = qint64(o.value(QStringLiteral("e")).toDouble());
    if (c.expiresMs <= nowMs)
        return fail(Error::unauthorized(QStringLiteral("the download token expired %1 s ago; the device asks for a new job").arg((nowMs - c.expiresMs) / 1000)));
    return c;
}

} // namespace Fleetdeck
