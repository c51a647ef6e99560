// The platform CA: creation and reload, certificates it issues, CSR checks, the CRL.
#include "pki/certificateauthority.h"

#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslCertificateExtension>
#include <QtNetwork/QSslKey>
#include <QtTest/QtTest>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

using namespace Fleetdeck;

namespace {

/// A CSR for an arbitrary key type, made with OpenSSL directly (not with the code under test).
QByteArray csrFor(EVP_PKEY *key, const char *cn = "dev")
{
    X509_REQ *req = X509_REQ_new();
    X509_NAME *name = X509_NAME_new();
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(cn), -1, -1, 0);
    X509_REQ_set_subject_name(req, name);
    X509_REQ_set_pubkey(req, key);
    X509_REQ_sign(req, key, EVP_sha256());
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509_REQ(bio, req);
    char *data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    QByteArray out(data, int(len));
    BIO_free(bio);
    X509_NAME_free(name);
    X509_REQ_free(req);
    return out;
}

/// Whether `certPem` verifies against `caPem` (and, with a CRL, is not revoked).
bool verifies(const QByteArray &certPem, const QByteArray &caPem, const QByteArray &crlPem = {})
{
    BIO *cb = BIO_new_mem_buf(certPem.constData(), int(certPem.size()));
    BIO *ab = BIO_new_mem_buf(caPem.constData(), int(caPem.size()));
    X509 *cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    X509 *ca = PEM_read_bio_X509(ab, nullptr, nullptr, nullptr);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, ca);
    if (!crlPem.isEmpty()) {
        BIO *rb = BIO_new_mem_buf(crlPem.constData(), int(crlPem.size()));
        X509_CRL *crl = PEM_read_bio_X509_CRL(rb, nullptr, nullptr, nullptr);
        X509_STORE_add_crl(store, crl);
        X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
        X509_CRL_free(crl);
        BIO_free(rb);
    }
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, cert, nullptr);
    const bool ok = X509_verify_cert(ctx) == 1;
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(cert);
    X509_free(ca);
    BIO_free(cb);
    BIO_free(ab);
    return ok;
}

} // namespace

class TestPki : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    Pki::CertificateAuthority ca()
    {
        auto r = Pki::CertificateAuthority::loadOrCreate(m_dir.path() + QStringLiteral("/pki"), QStringLiteral("Test"));
        if (!r)
            qFatal("CA: %s", qPrintable(r.error().message));
        return std::move(*r);
    }

private Q_SLOTS:
    void caIsCreatedOnceAndReloaded()
    {
        const QString fp1 = ca().caFingerprintSha256();
        const QString fp2 = ca().caFingerprintSha256();
        QCOMPARE(fp1, fp2);
        QFile key(m_dir.path() + QStringLiteral("/pki/ca.key"));
        QCOMPARE(key.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        const auto cert = QSslCertificate::fromPath(m_dir.path() + QStringLiteral("/pki/ca.crt"));
        QCOMPARE(cert.size(), 1);
        QCOMPARE(cert.first().publicKey().algorithm(), QSsl::Ec);
        QCOMPARE(cert.first().publicKey().length(), 256);
        bool isCa = false;
        for (const QSslCertificateExtension &e : cert.first().extensions())
            if (e.name() == u"basicConstraints")
                isCa = e.value().toMap().value(QStringLiteral("ca")).toBool();
        QVERIFY(isCa);
    }

    void halfACaIsRefused()
    {
        QTemporaryDir d;
        QFile f(d.path() + QStringLiteral("/ca.crt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("junk");
        f.close();
        const auto r = Pki::CertificateAuthority::loadOrCreate(d.path(), QStringLiteral("x"));
        QVERIFY(!r.has_value());
        QVERIFY(r.error().message.contains(QStringLiteral("refusing")));
    }

    void serverCertificateCarriesItsNames()
    {
        auto c = ca();
        auto s = c.issueServerCertificate({QStringLiteral("localhost"), QStringLiteral("fleet.example")}, {QStringLiteral("127.0.0.1")});
        QVERIFY(s.has_value());
        const QSslCertificate cert(s->certificatePem);
        const auto alt = cert.subjectAlternativeNames();
        QVERIFY(alt.values(QSsl::DnsEntry).contains(QStringLiteral("fleet.example")));
        QVERIFY(alt.values(QSsl::IpAddressEntry).contains(QStringLiteral("127.0.0.1")));
        QVERIFY(verifies(s->certificatePem, c.caCertificatePem()));
        QVERIFY(s->privateKeyPem.contains("PRIVATE KEY"));
    }

    void csrOfAcceptedKeysIsSigned_data()
    {
        QTest::addColumn<QString>("keyType");
        QTest::newRow("EC P-256") << QStringLiteral("P-256");
        QTest::newRow("EC P-384") << QStringLiteral("P-384");
        QTest::newRow("RSA 2048") << QStringLiteral("RSA2048");
    }

    void csrOfAcceptedKeysIsSigned()
    {
        QFETCH(QString, keyType);
        EVP_PKEY *key = keyType == u"RSA2048" ? EVP_RSA_gen(2048) : EVP_EC_gen(keyType.toLatin1().constData());
        auto c = ca();
        auto issued = c.signRequest(csrFor(key, "attacker-chosen-cn"), QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e"), 30);
        EVP_PKEY_free(key);
        QVERIFY2(issued.has_value(), issued ? "" : qPrintable(issued.error().message));
        QVERIFY(issued->privateKeyPem.isEmpty());
        const QSslCertificate cert(issued->certificatePem);
        // The platform decides the identity, not the request.
        QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName).value(0), QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e"));
        QVERIFY(verifies(issued->certificatePem, c.caCertificatePem()));
        QVERIFY(cert.expiryDate() > QDateTime::currentDateTimeUtc().addDays(29));
        // 127 random bits in upper-case hex; leading zero bytes are not printed.
        QVERIFY2(issued->serial.size() >= 16 && issued->serial.size() <= 32, qPrintable(issued->serial));
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9A-F]+$")).match(issued->serial).hasMatch());
    }

    void badCsrsAreRefusedWithAReason_data()
    {
        QTest::addColumn<QByteArray>("csr");
        QTest::addColumn<QString>("reason");
        EVP_PKEY *weak = EVP_RSA_gen(1024);
        EVP_PKEY *k1 = EVP_EC_gen("secp256k1");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("not a PEM");
        QTest::newRow("a certificate instead") << QByteArray("-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----\n") << QStringLiteral("not a PEM");
        QTest::newRow("corrupt base64") << QByteArray("-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n") << QStringLiteral("could not be decoded");
        QTest::newRow("RSA 1024") << csrFor(weak) << QStringLiteral("too weak");
        QTest::newRow("secp256k1") << csrFor(k1) << QStringLiteral("not accepted");
        QTest::newRow("oversize") << QByteArray(20000, 'A') << QStringLiteral("16 KiB");
        EVP_PKEY_free(weak);
        EVP_PKEY_free(k1);
    }

    void badCsrsAreRefusedWithAReason()
    {
        QFETCH(QByteArray, csr);
        QFETCH(QString, reason);
        auto r = ca().signRequest(csr, QStringLiteral("x"), 30);
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ErrorCode::Invalid);
        QVERIFY2(r.error().message.contains(reason), qPrintable(r.error().message));
    }

    void csrSignedByAnotherKeyIsRefused()
    {
        // Public key of A, signature of B: proves no possession of A's key.
        EVP_PKEY *a = EVP_EC_gen("P-256");
        EVP_PKEY *b = EVP_EC_gen("P-256");
        X509_REQ *req = X509_REQ_new();
        X509_REQ_set_pubkey(req, a);
        X509_REQ_sign(req, b, EVP_sha256());
        BIO *bio = BIO_new(BIO_s_mem());
        PEM_write_bio_X509_REQ(bio, req);
        char *data = nullptr;
        const long len = BIO_get_mem_data(bio, &data);
        const QByteArray csr(data, int(len));
        BIO_free(bio);
        X509_REQ_free(req);
        EVP_PKEY_free(a);
        EVP_PKEY_free(b);
        auto r = ca().signRequest(csr, QStringLiteral("x"), 30);
        QVERIFY(!r.has_value());
        QVERIFY2(r.error().message.contains(QStringLiteral("signature does not verify")), qPrintable(r.error().message));
    }

    void revokedCertificatesFailAgainstTheCrl()
    {
        auto c = ca();
        auto kept = c.issueClientCertificate(QStringLiteral("kept"), 30);
        auto revoked = c.issueClientCertificate(QStringLiteral("revoked"), 30);
        QVERIFY(kept && revoked);
        auto crl = c.makeCrl({{revoked->serial, QDateTime::currentDateTimeUtc()}});
        QVERIFY(crl.has_value());
        QVERIFY(crl->startsWith("-----BEGIN X509 CRL-----"));
        QVERIFY(verifies(kept->certificatePem, c.caCertificatePem(), *crl));
        QVERIFY(!verifies(revoked->certificatePem, c.caCertificatePem(), *crl));
        auto empty = c.makeCrl({});
        QVERIFY(empty.has_value());
        QVERIFY(verifies(revoked->certificatePem, c.caCertificatePem(), *empty));
    }

    void keyAndRequestHelper()
    {
        auto kr = Pki::makeKeyAndRequest(QStringLiteral("sim-1"));
        QVERIFY(kr.has_value());
        auto r = ca().signRequest(kr->second, QStringLiteral("dev"), 1);
        QVERIFY(r.has_value());
    }
};

QTEST_GUILESS_MAIN(TestPki)
#include "tst_pki.moc"
