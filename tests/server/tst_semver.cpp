// Semantic versions as the firmware repository orders them (semver.org 2.0.0, section 11), and what it refuses.
#include "firmware/semver.h"

#include <QtTest/QtTest>

using namespace Fleetdeck::Firmware;

class TestSemVer : public QObject
{
    Q_OBJECT
private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        for (const char *ok : {"0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92", "1.0.0+20130313144700",
                               "1.0.0-beta+exp.sha.5114f85", "1.0.0-x-y-z.--", "18446744073709551615.0.0"})
            QTest::newRow(ok) << QString::fromLatin1(ok) << true;
        for (const char *bad : {"", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-01", "1.2.3-a..b", "1.2.3+", "1.2.3+a..b",
                                "1.2.3-a_b", " 1.2.3", "1.2.3 ", "a.b.c", "-1.2.3", "99999999999999999999.0.0"})
            QTest::newRow(bad[0] ? bad : "empty") << QString::fromLatin1(bad) << false;
    }
    void parses()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const auto v = SemVer::parse(text);
        QCOMPARE(v.has_value(), valid);
        if (valid)
            QCOMPARE(v->toString(), text);
        else
            QVERIFY(v.error().message.contains(QStringLiteral("is not a semantic version")));
    }

    void orders()
    {
        // The specification's own example chain, then core numbers compared as numbers, not text.
        const QStringList chain{QStringLiteral("1.0.0-alpha"), QStringLiteral("1.0.0-alpha.1"), QStringLiteral("1.0.0-alpha.beta"), QStringLiteral("1.0.0-beta"),
                                QStringLiteral("1.0.0-beta.2"), QStringLiteral("1.0.0-beta.11"), QStringLiteral("1.0.0-rc.1"), QStringLiteral("1.0.0"),
                                QStringLiteral("1.0.1"), QStringLiteral("1.2.0"), QStringLiteral("1.10.0"), QStringLiteral("2.0.0"), QStringLiteral("10.0.0")};
        for (qsizetype i = 0; i < chain.size(); ++i)
            for (qsizetype j = 0; j < chain.size(); ++j) {
                const int c = compare(*SemVer::parse(chain[i]), *SemVer::parse(chain[j]));
                const int want = i < j ? -1 : (i > j ? 1 : 0);
                QVERIFY2(c == want, qPrintable(QStringLiteral("%1 vs %2: %3").arg(chain[i], chain[j]).arg(c)));
            }
        // Build metadata does not count; numeric identifiers longer than 64 bits still compare as numbers.
        QCOMPARE(compare(*SemVer::parse(QStringLiteral("1.0.0+a")), *SemVer::parse(QStringLiteral("1.0.0+b"))), 0);
        QCOMPARE(compare(*SemVer::parse(QStringLiteral("1.0.0-99999999999999999999")), *SemVer::parse(QStringLiteral("1.0.0-100000000000000000000"))), -1);
    }
};

QTEST_GUILESS_MAIN(TestSemVer)
#include "tst_semver.moc"
