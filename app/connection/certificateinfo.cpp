#include "certificateinfo.h"

#include <QCryptographicHash>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace CertificateInfo {

QString sha256Fingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    const QByteArray hex = certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper();
    return QString::fromLatin1(hex);
}

QString subjectSummary(const QSslCertificate &certificate)
{
    const std::pair<QSslCertificate::SubjectInfo, QLatin1StringView> parts[] = {
        {QSslCertificate::CommonName, "CN"_L1},
        {QSslCertificate::Organization, "O"_L1},
        {QSslCertificate::OrganizationalUnitName, "OU"_L1},
        {QSslCertificate::CountryName, "C"_L1},
    };
    QStringList out;
    for (const auto &[info, label] : parts) {
        const QStringList values = certificate.subjectInfo(info);
        for (const QString &v : values)
            out << label + u'=' + v;
    }
    return out.join(u", "_s);
}

QSslCertificate issuingCa(const QList<QSslCertificate> &peerChain)
{
    for (auto it = peerChain.crbegin(); it != peerChain.crend(); ++it) {
        if (it->isSelfSigned())
            return *it;
    }
    return QSslCertificate();
}

} // namespace CertificateInfo
