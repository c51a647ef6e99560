// The hand-written OpenAPI description (resources/openapi.json) and the router must describe the same API:
// every route documented, nothing documented that does not exist, public routes marked as such.
#include "api/restapi.h"
#include "runtime/application.h"
#include "api/router.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Api;

class TestOpenApi : public QObject
{
    Q_OBJECT
    Router m_router;
    QJsonObject m_spec;

private Q_SLOTS:
    void initTestCase()
    {
        // Handlers are never called here; the services may be absent.
        Application app{ServerOptions{}};
        app.registerRoutes(m_router);
        const QByteArray doc = RestApi::openApiDocument();
        QVERIFY2(!doc.isEmpty(), "the OpenAPI resource is not compiled in");
        QJsonParseError err;
        m_spec = QJsonDocument::fromJson(doc, &err).object();
        QCOMPARE(err.error, QJsonParseError::NoError);
        QVERIFY(m_spec.value(QStringLiteral("openapi")).toString().startsWith(QStringLiteral("3.")));
    }

    void everyRouteIsDocumented()
    {
        const QJsonObject paths = m_spec.value(QStringLiteral("paths")).toObject();
        QVERIFY(!m_router.routes().isEmpty());
        for (const Route &r : m_router.routes()) {
            const QJsonObject op = paths.value(r.pattern).toObject().value(QString::fromLatin1(r.method).toLower()).toObject();
            QVERIFY2(!op.isEmpty(), qPrintable(QStringLiteral("%1 %2 is not in openapi.json").arg(QString::fromLatin1(r.method), r.pattern)));
            QVERIFY2(!op.value(QStringLiteral("responses")).toObject().isEmpty(), qPrintable(r.pattern));
            // Public routes say so (security: []); the others inherit the bearer requirement.
            const bool documentedPublic = op.contains(QStringLiteral("security")) && op.value(QStringLiteral("security")).toArray().isEmpty();
            QVERIFY2(documentedPublic == (r.access == Access::Public),
                     qPrintable(QStringLiteral("%1 %2: public in code %3, in openapi.json %4").arg(QString::fromLatin1(r.method), r.pattern)
                                    .arg(r.access == Access::Public).arg(documentedPublic)));
        }
    }

    void nothingIsDocumentedThatDoesNotExist()
    {
        static const QStringList methods{QStringLiteral("get"), QStringLiteral("put"), QStringLiteral("post"), QStringLiteral("delete"),
                                         QStringLiteral("patch"), QStringLiteral("head"), QStringLiteral("options"), QStringLiteral("trace")};
        const QJsonObject paths = m_spec.value(QStringLiteral("paths")).toObject();
        QVERIFY(!paths.isEmpty());
        for (auto p = paths.begin(); p != paths.end(); ++p) {
            const QJsonObject item = p.value().toObject();
            for (auto m = item.begin(); m != item.end(); ++m) {
                if (!methods.contains(m.key()))
                    continue;
                const bool exists = std::any_of(m_router.routes().begin(), m_router.routes().end(), [&](const Route &r) {
                    return r.pattern == p.key() && QString::fromLatin1(r.method).toLower() == m.key();
                });
                QVERIFY2(exists, qPrintable(QStringLiteral("openapi.json documents %1 %2, which the server does not route").arg(m.key().toUpper(), p.key())));
            }
        }
    }

    void securitySchemeIsBearer()
    {
        const QJsonObject schemes = m_spec.value(QStringLiteral("components")).toObject().value(QStringLiteral("securitySchemes")).toObject();
        bool bearer = false;
        for (const QJsonValue &s : schemes)
            bearer |= s.toObject().value(QStringLiteral("scheme")).toString().toLower() == u"bearer";
        QVERIFY(bearer);
    }
};

QTEST_GUILESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
