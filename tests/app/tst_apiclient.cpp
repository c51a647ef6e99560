// The console's TLS policy and REST plumbing against a loopback HTTPS server that
// presents [server, platform CA] like the real one.

#include "connection/apiclient.h"
#include "connection/certificateinfo.h"
#include "fakefleetserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApiClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void firstContactReportsUntrustedCaWithChain();
    void fingerprintMatchesOpenssl();
    void trustedCaVerifiesAndSucceeds();
    void otherCaIsReportedAsChanged();
    void loginSendsBearerTokenAfterwards();
    void problemDetailIsTheMessage();

private:
    ApiResult<QJsonDocument> get(ApiClient &api, const QString &path, ApiClient::Auth auth = ApiClient::Auth::None);

    QTemporaryDir m_dir;
    TestPki m_pki;
    TestPki m_otherPki;
    FakeFleetServer m_server;
};

void TestApiClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto pki = TestPki::create(m_dir.filePath(u"a"_s), u"Platform CA A"_s);
    QVERIFY2(pki, qPrintable(pki ? QString() : pki.error()));
    m_pki = *pki;
    auto other = TestPki::create(m_dir.filePath(u"b"_s), u"Platform CA B"_s);
    QVERIFY2(other, qPrintable(other ? QString() : other.error()));
    m_otherPki = *other;
    m_server.setPki(m_pki);
    m_server.setDeviceCount(3);
    QVERIFY(m_server.listen());
}

void TestApiClient::cleanup()
{
    if (QTest::currentTestFailed())
        m_dir.setAutoRemove(false);   // keep the PKI for a post-mortem
}

ApiResult<QJsonDocument> TestApiClient::get(ApiClient &api, const QString &path, ApiClient::Auth auth)
{
    std::optional<ApiResult<QJsonDocument>> result;
    api.get(path, {}, auth, this, [&](const ApiResult<QJsonDocument> &r) { result = r; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 15000); }();
    return result.value_or(std::unexpected(ApiError{ApiError::Kind::Timeout, 0, u"test timeout"_s, {}, {}}));
}

void TestApiClient::firstContactReportsUntrustedCaWithChain()
{
    ApiClient api;
    api.setBaseUrl(QUrl(m_server.url()));
    const auto result = get(api, u"/v1/health"_s);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ApiError::Kind::UntrustedCa);
    QCOMPARE(result.error().peerChain.size(), 2);
    QCOMPARE(CertificateInfo::issuingCa(result.error().peerChain), m_pki.ca);
    QVERIFY(!result.error().message.isEmpty());
}

void TestApiClient::fingerprintMatchesOpenssl()
{
    QProcess openssl;
    openssl.start(u"openssl"_s, {u"x509"_s, u"-noout"_s, u"-fingerprint"_s, u"-sha256"_s, u"-in"_s, m_pki.caPemFile});
    QVERIFY(openssl.waitForFinished(10000));
    // "sha256 Fingerprint=AB:CD:..." (the prefix's spelling varies between versions)
    const QString line = QString::fromLatin1(openssl.readAllStandardOutput()).trimmed();
    const QString expected = line.section(u'=', 1);
    QCOMPARE(expected.size(), 32 * 3 - 1);
    QCOMPARE(CertificateInfo::sha256Fingerprint(m_pki.ca), expected);
    QVERIFY(CertificateInfo::subjectSummary(m_pki.ca).contains(u"CN=Platform CA A"_s));
}

void TestApiClient::trustedCaVerifiesAndSucceeds()
{
    ApiClient api;
    api.setBaseUrl(QUrl(m_server.url()));
    api.setTrustedCa(m_pki.ca);
    const auto result = get(api, u"/v1/health"_s);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
    QCOMPARE(result->object().value(u"status"_s).toString(), u"ok"_s);
}

void TestApiClient::otherCaIsReportedAsChanged()
{
    ApiClient api;
    api.setBaseUrl(QUrl(m_server.url()));
    api.setTrustedCa(m_otherPki.ca);
    const auto result = get(api, u"/v1/health"_s);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ApiError::Kind::CaChanged);
    QCOMPARE(CertificateInfo::issuingCa(result.error().peerChain), m_pki.ca);
}

void TestApiClient::loginSendsBearerTokenAfterwards()
{
    ApiClient api;
    api.setBaseUrl(QUrl(m_server.url()));
    api.setTrustedCa(m_pki.ca);

    std::optional<ApiResult<QJsonDocument>> login;
    api.post(u"/v1/auth/login"_s, {{u"email"_s, u"operator@example.com"_s}, {u"password"_s, u"secret"_s}},
             ApiClient::Auth::None, this, [&](const ApiResult<QJsonDocument> &r) { login = r; });
    QTRY_VERIFY_WITH_TIMEOUT(login.has_value(), 15000);
    QVERIFY(*login);
    const QString token = (*login)->object().value(u"token"_s).toString();
    QVERIFY(!token.isEmpty());
    QVERIFY((*login)->object().value(u"expires_at"_s).toString().endsWith(u'Z'));

    const auto withoutToken = get(api, u"/v1/devices"_s, ApiClient::Auth::Bearer);
    QVERIFY(!withoutToken);
    QCOMPARE(withoutToken.error().kind, ApiError::Kind::Unauthorized);

    api.setBearerToken(token);
    const auto devices = get(api, u"/v1/devices"_s, ApiClient::Auth::Bearer);
    QVERIFY2(devices, qPrintable(devices ? QString() : devices.error().message));
    QCOMPARE(m_server.requests().last().authorization, "Bearer " + token.toLatin1());
    QCOMPARE((*devices)["items"_L1].toArray().size(), 3);
}

void TestApiClient::problemDetailIsTheMessage()
{
    ApiClient api;
    api.setBaseUrl(QUrl(m_server.url()));
    api.setTrustedCa(m_pki.ca);
    std::optional<ApiResult<QJsonDocument>> login;
    api.post(u"/v1/auth/login"_s, {{u"email"_s, u"operator@example.com"_s}, {u"password"_s, u"wrong"_s}},
             ApiClient::Auth::None, this, [&](const ApiResult<QJsonDocument> &r) { login = r; });
    QTRY_VERIFY_WITH_TIMEOUT(login.has_value(), 15000);
    QVERIFY(!*login);
    QCOMPARE(login->error().kind, ApiError::Kind::Unauthorized);
    QCOMPARE(login->error().httpStatus, 401);
    QCOMPARE(login->error().message, u"Invalid e-mail or password."_s);
}

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
