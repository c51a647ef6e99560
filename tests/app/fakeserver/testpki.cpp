#include "testpki.h"

#include <QDir>
#include <QFile>
#include <QProcess>

using namespace Qt::StringLiterals;

namespace {

std::optional<QString> runOpenssl(const QString &directory, const QStringList &arguments)
{
    QProcess p;
    p.setWorkingDirectory(directory);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(u"openssl"_s, arguments);
    if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return u"openssl %1 failed: %2"_s.arg(arguments.join(u' '), QString::fromLocal8Bit(p.readAll()));
    return std::nullopt;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

std::expected<TestPki, QString> TestPki::create(const QString &directory, const QString &caName)
{
    QDir().mkpath(directory);
    {
        QFile ext(QDir(directory).filePath(u"server.ext"_s));
        if (!ext.open(QIODevice::WriteOnly))
            return std::unexpected(u"cannot write server.ext"_s);
        ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                  "basicConstraints=critical,CA:FALSE\n"
                  "keyUsage=critical,digitalSignature\n"
                  "extendedKeyUsage=serverAuth\n");
    }
    const QList<QStringList> steps = {
        {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s,
         u"-keyout"_s, u"ca.key"_s, u"-out"_s, u"ca.pem"_s, u"-days"_s, u"30"_s, u"-subj"_s,
         u"/CN=%1/O=Fleetdeck Test"_s.arg(caName), u"-addext"_s, u"basicConstraints=critical,CA:TRUE"_s,
         u"-addext"_s, u"keyUsage=critical,keyCertSign,cRLSign"_s},
        {u"req"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s,
         u"-keyout"_s, u"server.key"_s, u"-out"_s, u"server.csr"_s, u"-subj"_s, u"/CN=localhost"_s},
        {u"x509"_s, u"-req"_s, u"-in"_s, u"server.csr"_s, u"-CA"_s, u"ca.pem"_s, u"-CAkey"_s, u"ca.key"_s,
         u"-CAcreateserial"_s, u"-out"_s, u"server.pem"_s, u"-days"_s, u"30"_s, u"-extfile"_s, u"server.ext"_s},
    };
    for (const QStringList &step : steps) {
        if (auto error = runOpenssl(directory, step))
            return std::unexpected(*error);
    }

    TestPki pki;
    const QDir dir(directory);
    pki.caPemFile = dir.filePath(u"ca.pem"_s);
    pki.ca = QSslCertificate(readFile(pki.caPemFile), QSsl::Pem);
    pki.serverCertificate = QSslCertificate(readFile(dir.filePath(u"server.pem"_s)), QSsl::Pem);
    pki.serverKey = QSslKey(readFile(dir.filePath(u"server.key"_s)), QSsl::Ec, QSsl::Pem);
    if (pki.ca.isNull() || pki.serverCertificate.isNull() || pki.serverKey.isNull())
        return std::unexpected(u"generated PKI files could not be loaded"_s);
    return pki;
}
