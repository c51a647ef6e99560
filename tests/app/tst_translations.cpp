// German and Spanish translations are embedded, load by language code and are complete.

#include "shell/translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QTest>
#include <QTranslator>

using namespace Qt::StringLiterals;

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void embeddedCatalogues_data();
    void embeddedCatalogues();
    void tsFilesHaveNoUnfinishedMessages_data();
    void tsFilesHaveNoUnfinishedMessages();
    void englishNeedsNoCatalogue();
};

void TestTranslations::embeddedCatalogues_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expected");
    QTest::newRow("de connect") << u"de"_s << u"ConnectDialog"_s << u"&Connect"_s << u"&Verbinden"_s;
    QTest::newRow("de link lost") << u"de"_s << u"LinkMonitor"_s << u"Connected"_s << u"Verbunden"_s;
    QTest::newRow("es connect") << u"es"_s << u"ConnectDialog"_s << u"&Connect"_s << u"&Conectar"_s;
    QTest::newRow("es link") << u"es"_s << u"LinkMonitor"_s << u"Connected"_s << u"Conectado"_s;
}

void TestTranslations::embeddedCatalogues()
{
    QFETCH(QString, language);
    QFETCH(QString, context);
    QFETCH(QString, source);
    QFETCH(QString, expected);
    QTranslator translator;
    QVERIFY(translator.load(u":/i18n/fleetdeck_%1.qm"_s.arg(language)));
    QCOMPARE(translator.translate(context.toLatin1(), source.toLatin1()), expected);
}

void TestTranslations::tsFilesHaveNoUnfinishedMessages_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("de") << u"fleetdeck_de.ts"_s;
    QTest::newRow("es") << u"fleetdeck_es.ts"_s;
}

void TestTranslations::tsFilesHaveNoUnfinishedMessages()
{
    QFETCH(QString, file);
    QFile ts(QStringLiteral(FLEETDECK_SOURCE_DIR "/translations/") + file);
    QVERIFY(ts.open(QIODevice::ReadOnly));
    const QByteArray content = ts.readAll();
    QVERIFY(content.count("<message") > 50);
    QCOMPARE(content.count("type=\"unfinished\""), 0);
}

void TestTranslations::englishNeedsNoCatalogue()
{
    QCOMPARE(Translations::install(*QCoreApplication::instance(), u"en"_s), u"en"_s);
    QCOMPARE(QCoreApplication::translate("ConnectDialog", "&Connect"), u"&Connect"_s);
    QCOMPARE(Translations::install(*QCoreApplication::instance(), u"de"_s), u"de"_s);
    QCOMPARE(QCoreApplication::translate("ConnectDialog", "&Connect"), u"&Verbinden"_s);
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
