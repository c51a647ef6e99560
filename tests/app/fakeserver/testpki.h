#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QString>

#include <expected>

/// A throw-away platform PKI for tests: a CA and a server certificate for localhost /
/// 127.0.0.1 signed by it, made with the openssl command line tool.
struct TestPki
{
    QSslCertificate ca;
    QSslCertificate serverCertificate;
    QSslKey serverKey;
    QString caPemFile;

    /// Writes the files into directory; an error text on failure.
    static std::expected<TestPki, QString> create(const QString &directory, const QString &caName);
};
