// Link state: connected / reconnecting since ... / lost / signed out.

#include "connection/linkmonitor.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestLinkMonitor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsConnectingAndStale();
    void oneFailureIsReconnectingSinceFirstFailure();
    void failuresBeyondThresholdAreLost();
    void lostHappensWithoutAnotherFailure();
    void successRecovers();
    void unauthorizedIsSignedOutNotLost();

private:
    const QDateTime t0 = QDateTime(QDate(2026, 3, 1), QTime(12, 0, 0), Qt::UTC);
};

void TestLinkMonitor::startsConnectingAndStale()
{
    LinkMonitor link(30);
    QCOMPARE(link.state(), LinkMonitor::State::Connecting);
    QVERIFY(link.isStale());
}

void TestLinkMonitor::oneFailureIsReconnectingSinceFirstFailure()
{
    LinkMonitor link(30);
    link.recordSuccess(t0);
    QSignalSpy spy(&link, &LinkMonitor::stateChanged);
    link.recordFailure(t0.addSecs(5), u"refused"_s);
    link.recordFailure(t0.addSecs(10), u"refused again"_s);
    QCOMPARE(link.state(), LinkMonitor::State::Reconnecting);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(link.failingSince(), t0.addSecs(5));   // since the first failure, not the latest
    QCOMPARE(link.lastSuccess(), t0);
    QCOMPARE(link.lastError(), u"refused again"_s);
    QVERIFY(link.isStale());
    QVERIFY(link.describe().contains(t0.addSecs(5).toLocalTime().toString(u"HH:mm:ss")));
}

void TestLinkMonitor::failuresBeyondThresholdAreLost()
{
    LinkMonitor link(30);
    link.recordSuccess(t0);
    link.recordFailure(t0.addSecs(1), u"x"_s);
    link.recordFailure(t0.addSecs(30), u"x"_s);
    QCOMPARE(link.state(), LinkMonitor::State::Reconnecting);
    link.recordFailure(t0.addSecs(31), u"x"_s);
    QCOMPARE(link.state(), LinkMonitor::State::Lost);
    QVERIFY(link.describe().startsWith(u"Link lost since"_s));
}

void TestLinkMonitor::lostHappensWithoutAnotherFailure()
{
    // A request that hangs produces no failure event; the clock alone must turn it lost.
    LinkMonitor link(10);
    link.recordSuccess(t0);
    link.recordFailure(t0.addSecs(1), u"x"_s);
    link.evaluate(t0.addSecs(5));
    QCOMPARE(link.state(), LinkMonitor::State::Reconnecting);
    link.evaluate(t0.addSecs(11));
    QCOMPARE(link.state(), LinkMonitor::State::Lost);
}

void TestLinkMonitor::successRecovers()
{
    LinkMonitor link(10);
    link.recordFailure(t0, u"x"_s);
    link.evaluate(t0.addSecs(60));
    QCOMPARE(link.state(), LinkMonitor::State::Lost);
    link.recordSuccess(t0.addSecs(61));
    QCOMPARE(link.state(), LinkMonitor::State::Connected);
    QVERIFY(!link.isStale());
    QVERIFY(!link.failingSince().isValid());
    QVERIFY(link.lastError().isEmpty());
    // A later outage counts from its own start.
    link.recordFailure(t0.addSecs(100), u"y"_s);
    QCOMPARE(link.failingSince(), t0.addSecs(100));
    QCOMPARE(link.state(), LinkMonitor::State::Reconnecting);
}

void TestLinkMonitor::unauthorizedIsSignedOutNotLost()
{
    LinkMonitor link(10);
    link.recordSuccess(t0);
    link.recordSignedOut(t0.addSecs(1), u"token expired"_s);
    link.evaluate(t0.addSecs(100));
    QCOMPARE(link.state(), LinkMonitor::State::SignedOut);
    QVERIFY(link.isStale());
    link.recordSuccess(t0.addSecs(101));
    QCOMPARE(link.state(), LinkMonitor::State::Connected);
}

QTEST_GUILESS_MAIN(TestLinkMonitor)
#include "tst_linkmonitor.moc"
