#pragma once

#include <QList>
#include <QSslCertificate>
#include <QString>

namespace CertificateInfo {

/// SHA-256 of the DER encoding as upper-case hex pairs joined by colons (AB:CD:...).
QString sha256Fingerprint(const QSslCertificate &certificate);

/// A one-line readable subject: "CN=..., O=..." (only the parts that are present).
QString subjectSummary(const QSslCertificate &certificate);

/// The certificate authority at the top of a peer chain [leaf, ..., CA]: the last
/// self-signed certificate. A null certificate if the server did not send its CA.
QSslCertificate issuingCa(const QList<QSslCertificate> &peerChain);

} // namespace CertificateInfo
