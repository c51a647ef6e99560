// The server's command line and INI file: defaults, precedence, and clear errors for bad values.
#include "runtime/serveroptions.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

using namespace Fleetdeck;

class TestServerOptions : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    static Result<ParsedOptions> parse(QStringList args)
    {
        args.prepend(QStringLiteral("fleetdeck-server"));
        return parseServerOptions(args);
    }

    QString ini(const QByteArray &text)
    {
        const QString path = m_dir.filePath(QStringLiteral("c%1.ini").arg(++m_count));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(text);
        return path;
    }
    int m_count = 0;

private Q_SLOTS:
    void defaults()
    {
        auto r = parse({});
        QVERIFY(r.has_value());
        QCOMPARE(r->options.httpPort, quint16(8443));
        QCOMPARE(r->options.mqttPort, quint16(8883));
        QVERIFY(r->options.embeddedBroker());
        QVERIFY(r->options.dataDir.endsWith(QStringLiteral("/fleetdeck")));
        QVERIFY(r->options.database.isEmpty());
        QVERIFY(r->options.sqliteFullSync);
        QVERIFY(!parse({QStringLiteral("--sqlite-synchronous"), QStringLiteral("NORMAL")})->options.sqliteFullSync);
    }

    void commandLineWinsOverIni()
    {
        const QString file = ini("http-port=9443\nmqtt-port=9883\ndatabase=postgresql://u:p@h:5432/d\nserver-name=a.example,b.example\n");
        auto r = parse({QStringLiteral("--config"), file, QStringLiteral("--http-port"), QStringLiteral("10443"),
                        QStringLiteral("--server-name"), QStringLiteral("c.example")});
        QVERIFY2(r.has_value(), r ? "" : qPrintable(r.error().message));
        QCOMPARE(r->options.httpPort, quint16(10443));
        QCOMPARE(r->options.mqttPort, quint16(9883));
        QCOMPARE(r->options.database, QStringLiteral("postgresql://u:p@h:5432/d"));
        QCOMPARE(r->options.serverNames, QStringList{QStringLiteral("c.example")});
        auto fromIni = parse({QStringLiteral("--config"), file});
        QCOMPARE(fromIni->options.serverNames, (QStringList{QStringLiteral("a.example"), QStringLiteral("b.example")}));
    }

    void badValuesAreExplained_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("reason");
        QTest::newRow("port text") << QStringList{QStringLiteral("--http-port"), QStringLiteral("eighty")} << QStringLiteral("--http-port must be a port");
        QTest::newRow("port too big") << QStringList{QStringLiteral("--mqtt-port"), QStringLiteral("70000")} << QStringLiteral("--mqtt-port must be a port");
        QTest::newRow("mqtt port 0") << QStringList{QStringLiteral("--mqtt-port"), QStringLiteral("0")} << QStringLiteral("must not be 0");
        QTest::newRow("broker scheme") << QStringList{QStringLiteral("--broker"), QStringLiteral("mqtt://h:1883")} << QStringLiteral("mqtts://host:port");
        QTest::newRow("broker no port") << QStringList{QStringLiteral("--broker"), QStringLiteral("mqtts://h")} << QStringLiteral("mqtts://host:port");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--colour")} << QStringLiteral("--help");
        QTest::newRow("stray argument") << QStringList{QStringLiteral("serve")} << QStringLiteral("unexpected argument");
        QTest::newRow("missing config") << QStringList{QStringLiteral("--config"), QStringLiteral("/nonexistent.ini")} << QStringLiteral("no such readable file");
        QTest::newRow("negative telemetry size") << QStringList{QStringLiteral("--telemetry-max-mb"), QStringLiteral("-5")} << QStringLiteral("--telemetry-max-mb");
        QTest::newRow("body too small") << QStringList{QStringLiteral("--max-body"), QStringLiteral("10")} << QStringLiteral("--max-body");
        QTest::newRow("no connections") << QStringList{QStringLiteral("--max-connections"), QStringLiteral("0")} << QStringLiteral("--max-connections must be");
        QTest::newRow("per source over total") << QStringList{QStringLiteral("--max-connections"), QStringLiteral("10"), QStringLiteral("--max-connections-per-source"),
                                                              QStringLiteral("20")} << QStringLiteral("must not be above --max-connections");
        QTest::newRow("sync mode") << QStringList{QStringLiteral("--sqlite-synchronous"), QStringLiteral("off")} << QStringLiteral("'full' or 'normal'");
    }

    void badValuesAreExplained()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, reason);
        auto r = parse(args);
        QVERIFY(!r.has_value());
        QVERIFY2(r.error().message.contains(reason), qPrintable(r.error().message));
    }

    void unknownIniKeyIsAnError()
    {
        auto r = parse({QStringLiteral("--config"), ini("http-prot=1\n")});
        QVERIFY(!r.has_value());
        QVERIFY2(r.error().message.contains(QStringLiteral("unknown key \"http-prot\"")), qPrintable(r.error().message));
    }

    void externalBroker()
    {
        auto r = parse({QStringLiteral("--broker"), QStringLiteral("mqtts://broker.example:8883")});
        QVERIFY(r.has_value());
        QVERIFY(!r->options.embeddedBroker());
    }
};

QTEST_GUILESS_MAIN(TestServerOptions)
#include "tst_serveroptions.moc"
