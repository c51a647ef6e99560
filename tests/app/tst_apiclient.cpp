// The console's TLS policy and REST plumbing against the real server (HTTPS API with its own platform CA,
// presenting [server certificate, CA]).

#include "connection/apiclient.h"
#include "connection/certificateinfo.h"
#include "pki/certificateauthority.h"
#include "realserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConsoleTest;

class TestApiClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void firstContactReportsUntrustedCaWithChain();
    void fingerprintMatchesOpenssl();
    void trustedCaVerifiesAndSucceeds();
    void otherCaIsReportedAsChanged();
    void loginSendsBearerTokenAfterwards();
    void problemDetailIsTheMessage();

private:
    ApiResult<QJsonDocument> get(ApiClient &api, const QString &path, ApiClient::Auth auth = ApiClient::Auth::None);
    ApiResult<QJsonDocument> login(ApiClient &api, const QString &password);
    QUrl url() { return serverUrl(*m_server); }

    std::unique_ptr<TestServer> m_server;
    QSslCertificate m_ca;
    QStringList m_deviceIds;
};

void TestApiClient::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    m_ca = platformCa(*m_server);
    QVERIFY(!m_ca.isNull());
    for (int i = 1; i <= 3; ++i) {
        const QJsonObject d = registerDevice(*m_server, u"API-%1"_s.arg(i), u"meter"_s);
        QVERIFY(!d.isEmpty());
        m_deviceIds << d.value(u"device_id"_s).toString();
    }
}

void TestApiClient::cleanupTestCase()
{
    m_server.reset();
}

ApiResult<QJsonDocument> TestApiClient::get(ApiClient &api, const QString &path, ApiClient::Auth auth)
{
    std::optional<ApiResult<QJsonDocument>> result;
    api.get(path, {}, auth, this, [&](const ApiResult<QJsonDocument> &r) { result = r; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 15000); }();
    return result.value_or(std::unexpected(ApiError{ApiError::Kind::Timeout, 0, u"test timeout"_s, {}, {}}));
}

ApiResult<QJsonDocument> TestApiClient::login(ApiClient &api, const QString &password)
{
    std::optional<ApiResult<QJsonDocument>> result;
    api.post(u"/v1/auth/login"_s, {{u"email"_s, adminEmail()}, {u"password"_s, password}}, ApiClient::Auth::None, this,
             [&](const ApiResult<QJsonDocument> &r) { result = r; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 15000); }();
    return result.value_or(std::unexpected(ApiError{ApiError::Kind::Timeout, 0, u"test timeout"_s, {}, {}}));
}

void TestApiClient::firstContactReportsUntrustedCaWithChain()
{
    ApiClient api;
    api.setBaseUrl(url());
    const auto result = get(api, u"/v1/health"_s);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ApiError::Kind::UntrustedCa);
    QCOMPARE(result.error().peerChain.size(), 2);   // server certificate, then the platform CA
    QCOMPARE(CertificateInfo::issuingCa(result.error().peerChain), m_ca);
    QVERIFY(!result.error().message.isEmpty());
}

void TestApiClient::fingerprintMatchesOpenssl()
{
    QProcess openssl;
    openssl.start(u"openssl"_s, {u"x509"_s, u"-noout"_s, u"-fingerprint"_s, u"-sha256"_s, u"-subject"_s,
                                 u"-nameopt"_s, u"multiline"_s, u"-in"_s, m_server->caFile()});
    QVERIFY(openssl.waitForFinished(10000));
    // "sha256 Fingerprint=AB:CD:..." (the prefix's spelling varies between versions), then the subject, one
    // field a line ("    commonName = Fleetdeck Platform CA").
    const QStringList lines = QString::fromLatin1(openssl.readAllStandardOutput()).split(u'\n');
    const QString expected = lines.value(0).section(u'=', 1).trimmed();
    QCOMPARE(expected.size(), 32 * 3 - 1);
    QCOMPARE(CertificateInfo::sha256Fingerprint(m_ca), expected);
    QString commonName;
    for (const QString &line : lines) {
        if (line.trimmed().startsWith(u"commonName"_s))
            commonName = line.section(u'=', 1).trimmed();
    }
    QVERIFY(!commonName.isEmpty());
    QVERIFY2(CertificateInfo::subjectSummary(m_ca).contains(u"CN="_s + commonName),
             qPrintable(CertificateInfo::subjectSummary(m_ca)));
}

void TestApiClient::trustedCaVerifiesAndSucceeds()
{
    ApiClient api;
    api.setBaseUrl(url());
    api.setTrustedCa(m_ca);
    const auto result = get(api, u"/v1/health"_s);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
    QCOMPARE(result->object().value(u"status"_s).toString(), u"ok"_s);
}

void TestApiClient::otherCaIsReportedAsChanged()
{
    // Another platform CA made by the server's own PKI code, as a reinstalled server would have.
    QTemporaryDir otherDir;
    auto other = Fleetdeck::Pki::CertificateAuthority::loadOrCreate(otherDir.path(), u"Elsewhere"_s);
    QVERIFY2(other, qPrintable(other ? QString() : other.error().message));
    const QSslCertificate otherCa(other->caCertificatePem(), QSsl::Pem);
    QVERIFY(!otherCa.isNull() && otherCa != m_ca);

    ApiClient api;
    api.setBaseUrl(url());
    api.setTrustedCa(otherCa);
    const auto result = get(api, u"/v1/health"_s);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ApiError::Kind::CaChanged);
    QCOMPARE(CertificateInfo::issuingCa(result.error().peerChain), m_ca);
}

void TestApiClient::loginSendsBearerTokenAfterwards()
{
    ApiClient api;
    api.setBaseUrl(url());
    api.setTrustedCa(m_ca);

    const auto signedIn = login(api, m_server->adminPassword());
    QVERIFY2(signedIn, qPrintable(signedIn ? QString() : signedIn.error().message));
    const QString token = signedIn->object().value(u"token"_s).toString();
    QVERIFY(!token.isEmpty());
    QVERIFY(signedIn->object().value(u"expires_at"_s).toString().endsWith(u'Z'));

    const auto withoutToken = get(api, u"/v1/devices"_s, ApiClient::Auth::Bearer);
    QVERIFY(!withoutToken);
    QCOMPARE(withoutToken.error().kind, ApiError::Kind::Unauthorized);

    // The same request with the token is let in: the client sent it.
    api.setBearerToken(token);
    const auto devices = get(api, u"/v1/devices"_s, ApiClient::Auth::Bearer);
    QVERIFY2(devices, qPrintable(devices ? QString() : devices.error().message));
    QStringList ids;
    for (const QJsonValue &v : (*devices)["items"_L1].toArray())
        ids << v.toObject().value(u"device_id"_s).toString();
    ids.sort();
    QStringList registered = m_deviceIds;
    registered.sort();
    QCOMPARE(ids, registered);
}

void TestApiClient::problemDetailIsTheMessage()
{
    // What the server itself says about a wrong password, as application/problem+json.
    const auto direct = m_server->requestJson("POST", u"/v1/auth/login"_s,
                                              {{u"email"_s, adminEmail()}, {u"password"_s, u"wrong"_s}}, {});
    QCOMPARE(direct.status, 401);
    QCOMPARE(direct.contentType, QByteArray("application/problem+json"));
    const QString detail = direct.json().value(u"detail"_s).toString();
    QVERIFY(!detail.isEmpty());

    ApiClient api;
    api.setBaseUrl(url());
    api.setTrustedCa(m_ca);
    const auto result = login(api, u"wrong"_s);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ApiError::Kind::Unauthorized);
    QCOMPARE(result.error().httpStatus, 401);
    // The server's detail, not the raw JSON, written as a sentence ("wrong password" -> "Wrong password.").
    QString sentence = detail;
    sentence[0] = sentence[0].toUpper();
    if (!sentence.endsWith(u'.'))
        sentence += u'.';
    QCOMPARE(result.error().message, sentence);
}

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
