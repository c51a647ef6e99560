// German and Spanish translations are embedded, load by language code and are complete: every string the console's
// code marks for translation (as lupdate finds it now, not as it found it when the .ts files were last refreshed) is
// translated in both.

#include "shell/translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QXmlStreamReader>
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
    void englishPluralForms();
    void everySourceStringIsTranslated_data();
    void everySourceStringIsTranslated();
};

namespace {

/// "context\x1fsource" of every message of a .ts file, with whether it is finished.
QHash<QString, bool> tsMessages(const QString &path)
{
    QHash<QString, bool> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return out;
    QXmlStreamReader xml(&file);
    QString context, source;
    bool finished = true;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            if (xml.name() == u"name")
                context = xml.readElementText();
            else if (xml.name() == u"message") {
                source.clear();
                finished = true;
            } else if (xml.name() == u"source")
                source = xml.readElementText();
            else if (xml.name() == u"translation") {
                const QStringView type = xml.attributes().value(QLatin1StringView("type"));
                finished = type != u"unfinished" && type != u"vanished" && type != u"obsolete";
            }
        } else if (xml.isEndElement() && xml.name() == u"message") {
            out.insert(context + u'\x1f' + source, finished);
        }
    }
    return out;
}

} // namespace

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

// English has only its plural forms: "%n rule(s)." reads "1 rule." and "3 rules.", never "(s)".
void TestTranslations::englishPluralForms()
{
    QCOMPARE(Translations::install(*QCoreApplication::instance(), u"en"_s), u"en"_s);
    QCOMPARE(QCoreApplication::translate("RulesView", "%n rule(s).", nullptr, 1), u"1 rule."_s);
    QCOMPARE(QCoreApplication::translate("RulesView", "%n rule(s).", nullptr, 3), u"3 rules."_s);
    QCOMPARE(QCoreApplication::translate("RuleEditor", "It would have fired %n time(s) on %1 (%2, %3 readings checked).",
                                         nullptr, 1),
             u"It would have fired once on %1 (%2, %3 readings checked)."_s);
    QFile ts(QStringLiteral(FLEETDECK_SOURCE_DIR "/translations/fleetdeck_en.ts"));
    QVERIFY(ts.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(ts.readAll());
    QVERIFY(!text.contains(u"type=\"unfinished\""_s));
    QVERIFY(!text.contains(u"(s)</numerusform>"_s));
}

void TestTranslations::everySourceStringIsTranslated_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("de") << u"fleetdeck_de.ts"_s;
    QTest::newRow("es") << u"fleetdeck_es.ts"_s;
}

void TestTranslations::everySourceStringIsTranslated()
{
    QFETCH(QString, file);
    // What the code asks for today: lupdate over the console's sources into a scratch catalogue.
    QTemporaryDir dir;
    const QString scratch = dir.filePath(u"now.ts"_s);
    QProcess lupdate;
    lupdate.start(QStringLiteral(FLEETDECK_LUPDATE),
                  {u"-silent"_s, u"-locations"_s, u"none"_s, QStringLiteral(FLEETDECK_SOURCE_DIR "/app"), u"-ts"_s, scratch});
    QVERIFY2(lupdate.waitForFinished(60000), "lupdate ran");
    QVERIFY2(lupdate.exitCode() == 0, lupdate.readAllStandardError().constData());
    const QHash<QString, bool> wanted = tsMessages(scratch);
    QVERIFY(wanted.size() > 50);

    const QHash<QString, bool> have = tsMessages(QStringLiteral(FLEETDECK_SOURCE_DIR "/translations/") + file);
    QStringList missing;
    for (auto it = wanted.begin(); it != wanted.end(); ++it)
        if (!have.value(it.key(), false))
            missing << QString(it.key()).replace(u'\x1f', u" | "_s);
    missing.sort();
    QVERIFY2(missing.isEmpty(), qPrintable(u"%1 strings not translated in %2 (run `ninja fleetdeck_app_lupdate`, then translate):\n  %3"_s
                                               .arg(missing.size()).arg(file, missing.mid(0, 40).join(u"\n  "_s))));
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
