// Unit tests of identity and access pieces that need no server: the policy table and the router's use of it,
// argon2id parameters, the password policy, and the CA key encrypted at rest.
#include "api/router.h"
#include "auth/authservice.h"
#include "auth/policy.h"
#include "runtime/application.h"
#include "runtime/serveroptions.h"
#include "pki/certificateauthority.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Api;

namespace {
QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
Request request(const QByteArray &method, const QString &path, const QByteArray &token, const QByteArray &tenantHeader = {})
{
    Request r;
    r.method = method;
    r.path = path;
    r.headers.insert("authorization", "Bearer " + token);
    if (!tenantHeader.isEmpty())
        r.headers.insert("x-fleetdeck-tenant", tenantHeader);
    return r;
}
} // namespace

class TestAuthPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void policyTableIsWellFormed()
    {
        // The areas define their actions with their routes: the whole table is there once every route is.
        Router routes;
        Application{ServerOptions{}}.registerRoutes(routes);
        for (const char *area : {"device.register", "telemetry.schema", "command.send", "user.create", "tenant.create", "audit.read"})
            QVERIFY2(Policy::isKnown(QString::fromLatin1(area)), area);
        for (const Route &r : routes.routes())
            QVERIFY2(Policy::isKnown(r.action), qPrintable(r.pattern + u' ' + r.action));
        QSet<QString> seen;
        for (const Policy::Rule &r : Policy::rules()) {
            QVERIFY2(!seen.contains(r.action), qPrintable(QStringLiteral("duplicate action ") + r.action));
            seen.insert(r.action);
            QVERIFY(!r.description.isEmpty());
            if (r.action == Policy::kPublic)
                continue;
            QVERIFY2(!r.roles.isEmpty(), qPrintable(r.action));
            // The platform admin may do everything; a viewer only reads.
            QVERIFY2(Policy::allows(Role::PlatformAdmin, r.action), qPrintable(r.action));
            // Privilege is monotonic: whatever a role may do, every higher role may do too.
            for (Role lower : {Role::Viewer, Role::Operator, Role::TenantAdmin})
                for (Role higher : {Role::Operator, Role::TenantAdmin, Role::PlatformAdmin})
                    if (Policy::rank(higher) > Policy::rank(lower) && Policy::allows(lower, r.action))
                        QVERIFY2(Policy::allows(higher, r.action), qPrintable(r.action));
        }
        QVERIFY(!Policy::isKnown(QStringLiteral("no.such.action")));
        QVERIFY(!Policy::allows(Role::PlatformAdmin, QStringLiteral("no.such.action")));
        QVERIFY(!Policy::allows(Role::Viewer, QStringLiteral("device.register")));
        QVERIFY(!Policy::allows(Role::Operator, QStringLiteral("user.create")));
        QVERIFY(!Policy::allows(Role::TenantAdmin, QStringLiteral("tenant.create")));
    }

    void routerRefusesARouteWithoutPolicy()
    {
        Router router;
        router.setAuthenticator([](const QString &) -> Result<Principal> {
            Principal p;
            p.userId = QStringLiteral("u");
            p.tenantId = p.homeTenantId = QStringLiteral("t1");
            p.role = Role::PlatformAdmin;
            return p;
        });
        bool ran = false;
        router.add("GET", QStringLiteral("/v1/unpoliced"), QStringLiteral("no.such.action"), QStringLiteral("x"), [&ran](Request &) {
            ran = true;
            return Response::noContent();
        });
        QCOMPARE(router.routes().first().action, QStringLiteral("no.such.action"));
        Request r = request("GET", QStringLiteral("/v1/unpoliced"), "t");
        QCOMPARE(router.dispatch(r).status, 500);
        QVERIFY(!ran);
    }

    void routesRegisteredByAccessLevelGetAGenericAction()
    {
        Router router;
        router.add("GET", QStringLiteral("/a"), Access::Read, QStringLiteral("a"), [](Request &) { return Response::noContent(); });
        router.add("POST", QStringLiteral("/b"), Access::Write, QStringLiteral("b"), [](Request &) { return Response::noContent(); });
        router.add("GET", QStringLiteral("/c"), QStringLiteral("user.read"), QStringLiteral("c"), [](Request &) { return Response::noContent(); });
        QCOMPARE(router.routes().at(0).action, QStringLiteral("generic.read"));
        QCOMPARE(router.routes().at(1).action, QStringLiteral("generic.write"));
        QCOMPARE(router.routes().at(2).access, Access::Admin);
        for (const Route &r : router.routes())
            QVERIFY(Policy::isKnown(r.action));
    }

    void tenantHeaderNeedsASelector()
    {
        Router router;
        router.setAuthenticator([](const QString &) -> Result<Principal> {
            Principal p;
            p.userId = QStringLiteral("u");
            p.tenantId = p.homeTenantId = QStringLiteral("t1");
            p.role = Role::Operator;
            return p;
        });
        QString seenTenant;
        router.add("GET", QStringLiteral("/v1/devices"), QStringLiteral("device.read"), QStringLiteral("x"), [&](Request &r) {
            seenTenant = r.who().tenantId;
            return Response::noContent();
        });
        Request own = request("GET", QStringLiteral("/v1/devices"), "t", "t1");
        QCOMPARE(router.dispatch(own).status, 204);
        QCOMPARE(seenTenant, QStringLiteral("t1"));
        Request other = request("GET", QStringLiteral("/v1/devices"), "t", "t2");
        QCOMPARE(router.dispatch(other).status, 403);
    }

    void passwordHashesAreArgon2idWithTheirParameters()
    {
        auto h1 = AuthService::hashPassword(QStringLiteral("correct horse battery staple"));
        auto h2 = AuthService::hashPassword(QStringLiteral("correct horse battery staple"));
        QVERIFY(h1 && h2);
        // PHC string: algorithm, version, memory (KiB), passes, lanes, then salt and hash.
        QVERIFY2(h1->startsWith(QStringLiteral("$argon2id$v=19$m=19456,t=2,p=1$")), qPrintable(*h1));
        const QStringList parts = h1->split(u'$');
        QCOMPARE(parts.size(), 6);
        QCOMPARE(QByteArray::fromBase64(parts[4].toLatin1()).size(), 16); // salt
        QCOMPARE(QByteArray::fromBase64(parts[5].toLatin1()).size(), 32); // hash
        QVERIFY(*h1 != *h2); // a fresh salt each time
        QVERIFY(!h1->contains(QStringLiteral("horse")));
        QVERIFY(AuthService::verifyPassword(QStringLiteral("correct horse battery staple"), *h1));
        QVERIFY(!AuthService::verifyPassword(QStringLiteral("correct horse battery stapler"), *h1));
        QVERIFY(!AuthService::verifyPassword(QStringLiteral("anything"), QStringLiteral("!erased")));
    }

    void passwordPolicy_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("detailContains");
        QTest::newRow("long passphrase") << QStringLiteral("correct horse battery staple") << true << QString();
        QTest::newRow("too short") << QStringLiteral("Sh0rt!x") << false << QStringLiteral("at least 12");
        QTest::newRow("one character repeated") << QStringLiteral("aaaaaaaaaaaaaaaa") << false << QStringLiteral("different characters");
        QTest::newRow("the e-mail") << QStringLiteral("jane.doe@example.com") << false << QStringLiteral("e-mail");
        QTest::newRow("well-known") << QStringLiteral("Password1234") << false << QStringLiteral("well-known");
        QTest::newRow("too long") << QString(1025, u'x') + QStringLiteral("abcde") << false << QStringLiteral("1024");
    }

    void passwordPolicy()
    {
        QFETCH(QString, password);
        QFETCH(bool, accepted);
        QFETCH(QString, detailContains);
        const Status st = AuthService::checkPasswordPolicy(password, QStringLiteral("jane.doe@example.com"));
        QCOMPARE(st.has_value(), accepted);
        if (!accepted)
            QVERIFY2(st.error().message.contains(detailContains), qPrintable(st.error().message));
    }

    void caKeyIsEncryptedAtRest()
    {
        QTemporaryDir dir;
        const QString pki = dir.filePath(QStringLiteral("pki"));
        auto ca = Pki::CertificateAuthority::loadOrCreate(pki, QStringLiteral("Test"), QStringLiteral("a passphrase for the key"));
        QVERIFY2(ca, ca ? "" : qPrintable(ca.error().message));
        const QString fingerprint = ca->caFingerprintSha256();
        const QByteArray key = readAll(pki + QStringLiteral("/ca.key"));
        QVERIFY(key.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        QVERIFY(!key.contains("-----BEGIN PRIVATE KEY-----"));
        QVERIFY(Pki::CertificateAuthority::isEncryptedKeyPem(key));

        auto without = Pki::CertificateAuthority::loadOrCreate(pki, QStringLiteral("Test"));
        QVERIFY(!without);
        QVERIFY2(without.error().message.contains(QStringLiteral("FLEETDECK_KEY_PASSPHRASE")), qPrintable(without.error().message));
        auto wrong = Pki::CertificateAuthority::loadOrCreate(pki, QStringLiteral("Test"), QStringLiteral("not the passphrase"));
        QVERIFY(!wrong);
        QVERIFY2(wrong.error().message.contains(QStringLiteral("wrong passphrase")), qPrintable(wrong.error().message));
        auto right = Pki::CertificateAuthority::loadOrCreate(pki, QStringLiteral("Test"), QStringLiteral("a passphrase for the key"));
        QVERIFY(right);
        QCOMPARE(right->caFingerprintSha256(), fingerprint);
        // It still signs.
        QVERIFY(right->issueClientCertificate(QStringLiteral("dev-1"), 1).has_value());
    }

    void plaintextCaKeyIsEncryptedOnFirstStartWithAPassphrase()
    {
        QTemporaryDir dir;
        const QString pki = dir.filePath(QStringLiteral("pki"));
        auto plain = Pki::CertificateAuthority::loadOrCreate(pki, QStringLiteral("Test"));
        QVERIFY(plain);
        QVERIFY(readAll(pki + QStringLiteral("/ca.key")).contains("-----BEGIN PRIVATE KEY-----"));
        auto migrated = Pki::CertificateAuthority::loadOrCreate(pki, QStringLiteral("Test"), QStringLiteral("passphrase 2"));
        QVERIFY(migrated);
        QCOMPARE(migrated->caFingerprintSha256(), plain->caFingerprintSha256());
        const QByteArray key = readAll(pki + QStringLiteral("/ca.key"));
        QVERIFY(key.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        QCOMPARE(QFile::permissions(pki + QStringLiteral("/ca.key")) & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        QVERIFY(!Pki::CertificateAuthority::loadOrCreate(pki, QStringLiteral("Test")));
        QVERIFY(Pki::CertificateAuthority::loadOrCreate(pki, QStringLiteral("Test"), QStringLiteral("passphrase 2")));
    }

    void passphraseFileOption()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("pass")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("from a file\nsecond line\n");
        f.close();
        auto parsed = parseServerOptions({QStringLiteral("fleetdeck-server"), QStringLiteral("--key-passphrase-file"), f.fileName()});
        QVERIFY(parsed);
        QCOMPARE(parsed->options.keyPassphrase, QStringLiteral("from a file"));
        auto missing = parseServerOptions({QStringLiteral("fleetdeck-server"), QStringLiteral("--key-passphrase-file"), dir.filePath(QStringLiteral("nope"))});
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(QStringLiteral("key-passphrase-file")));
    }
};

QTEST_GUILESS_MAIN(TestAuthPolicy)
#include "tst_authpolicy.moc"
