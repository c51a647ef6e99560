// The fleet table model and its free-text filter, with 100,000 devices.

#include "base/theme.h"
#include "fleet/device.h"
#include "fleet/fleetfilterproxy.h"
#include "fleet/fleetmodel.h"

#include <QIcon>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr int fleetSize = 100000;

const char *const types[] = {"pump", "gateway", "meter", "valve", "sensor"};
const char *const statuses[] = {"active", "active", "active", "provisioned", "suspended", "decommissioned", "active"};
const char *const sites[] = {"north", "south", "harbour"};

// The fleet is described by simple arithmetic so the expected counts below can be
// computed independently of the code under test.
Device makeDevice(int i, const QDateTime &now)
{
    QJsonObject o{
        {u"device_id"_s, u"dev-%1"_s.arg(i, 6, 10, QLatin1Char('0'))},
        {u"tenant_id"_s, i % 2 ? u"tenant-odd"_s : u"tenant-even"_s},
        {u"serial_number"_s, u"SN%1"_s.arg(i)},
        {u"device_type"_s, QString::fromLatin1(types[i % 5])},
        {u"name"_s, u"%1 unit %2"_s.arg(QString::fromLatin1(types[i % 5])).arg(i)},
        {u"status"_s, QString::fromLatin1(statuses[i % 7])},
        {u"connection"_s, i % 3 == 0 ? u"offline"_s : u"online"_s},
        {u"last_seen_at"_s, i % 11 == 0 ? QJsonValue() : QJsonValue(now.addSecs(-i).toString(Qt::ISODate))},
        {u"firmware_version"_s, i % 4 == 0 ? QJsonValue() : QJsonValue(u"2.%1.0"_s.arg(i % 4))},
        {u"tags"_s, QJsonArray{QString::fromLatin1(sites[i % 3])}},
        {u"metadata"_s, QJsonObject{}},
        {u"created_at"_s, now.toString(Qt::ISODate)},
    };
    auto d = parseDevice(o);
    Q_ASSERT(d);
    return *d;
}

int expectedCount(const std::function<bool(int)> &predicate)
{
    int n = 0;
    for (int i = 0; i < fleetSize; ++i)
        n += predicate(i);
    return n;
}

QString statusOf(int i) { return QString::fromLatin1(statuses[i % 7]); }

} // namespace

class TestFleetModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parsesPageWithNullsAndSkipsMalformedItems();
    void holdsAllRows();
    void filter_data();
    void filter();
    void clearingTheFilterRestoresAllRows();
    void sortsByLastSeenWithNeverSeenOldest();
    void sortsNamesNaturally();
    void samePollUpdatesInPlace();
    void changedFleetResets();
    void staleModelGreysEverything();
    void abnormalCellsHaveTextAndIcon();

private:
    QDateTime m_now = QDateTime::currentDateTimeUtc();
    QList<Device> m_fleet;
    FleetModel m_model;
    FleetFilterProxy m_proxy;
};

void TestFleetModel::initTestCase()
{
    m_fleet.reserve(fleetSize);
    for (int i = 0; i < fleetSize; ++i)
        m_fleet.append(makeDevice(i, m_now));
    m_model.setDevices(m_fleet);
    m_proxy.setFleetModel(&m_model);
}

void TestFleetModel::parsesPageWithNullsAndSkipsMalformedItems()
{
    const QByteArray json = R"({"items":[
        {"device_id":"a","tenant_id":"t","serial_number":"S1","device_type":"pump","name":"P1","status":"active",
         "connection":"online","last_seen_at":"2026-11-27T07:00:00Z","firmware_version":"1.2.3","tags":["x","y"],
         "metadata":{"k":1},"created_at":"2026-01-01T00:00:00Z"},
        {"device_id":"b","status":"provisioned","connection":"offline","last_seen_at":null,"firmware_version":null,
         "tags":[],"metadata":{}},
        {"name":"no id"}
    ],"next_cursor":"abc+/="})";
    const auto page = parseDevicePage(QJsonDocument::fromJson(json));
    QVERIFY(page);
    QCOMPARE(page->items.size(), 2);
    QCOMPARE(page->skipped, 1);
    QCOMPARE(page->nextCursor, u"abc+/="_s);
    const Device &a = page->items.at(0);
    QCOMPARE(a.status, Device::Status::Active);
    QCOMPARE(a.connection, Device::Connection::Online);
    QCOMPARE(a.lastSeenAt, QDateTime(QDate(2026, 11, 27), QTime(7, 0), Qt::UTC));
    QCOMPARE(a.tags, QStringList({u"x"_s, u"y"_s}));
    const Device &b = page->items.at(1);
    QVERIFY(!b.lastSeenAt.isValid());
    QVERIFY(b.firmwareVersion.isEmpty());
    QCOMPARE(b.status, Device::Status::Provisioned);

    const auto last = parseDevicePage(QJsonDocument::fromJson(R"({"items":[],"next_cursor":null})"));
    QVERIFY(last);
    QVERIFY(last->nextCursor.isEmpty());
    QVERIFY(!parseDevicePage(QJsonDocument::fromJson(R"({"devices":[]})")));
}

void TestFleetModel::holdsAllRows()
{
    QCOMPARE(m_model.rowCount(), fleetSize);
    QCOMPARE(m_proxy.rowCount(), fleetSize);
    QCOMPARE(m_model.columnCount(), int(FleetModel::ColumnCount));
    QCOMPARE(m_model.index(42, FleetModel::SerialColumn).data().toString(), u"SN42"_s);
}

void TestFleetModel::filter_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected");

    QTest::newRow("empty") << u""_s << fleetSize;
    QTest::newRow("blank") << u"   "_s << fleetSize;
    QTest::newRow("word in name/type") << u"gateway"_s << expectedCount([](int i) { return i % 5 == 1; });
    QTest::newRow("case-insensitive") << u"GateWay"_s << expectedCount([](int i) { return i % 5 == 1; });
    QTest::newRow("exact serial") << u"SN99999"_s << 1;
    QTest::newRow("serial prefix") << u"serial:sn9999"_s
                                   << expectedCount([](int i) { return u"SN%1"_s.arg(i).startsWith(u"SN9999"_s); });
    QTest::newRow("status field") << u"status:suspended"_s
                                  << expectedCount([](int i) { return statusOf(i) == u"suspended"; });
    QTest::newRow("status prefix while typing") << u"status:sus"_s
                                                << expectedCount([](int i) { return statusOf(i) == u"suspended"; });
    QTest::newRow("field without value yet") << u"status:"_s << fleetSize;
    QTest::newRow("offline") << u"conn:offline"_s << expectedCount([](int i) { return i % 3 == 0; });
    QTest::newRow("negated") << u"-conn:offline"_s << expectedCount([](int i) { return i % 3 != 0; });
    QTest::newRow("two terms are AND") << u"status:active conn:offline"_s
                                       << expectedCount([](int i) { return statusOf(i) == u"active" && i % 3 == 0; });
    QTest::newRow("tag") << u"tag:harbour"_s << expectedCount([](int i) { return i % 3 == 2; });
    QTest::newRow("tag and type") << u"tag:north pump"_s
                                  << expectedCount([](int i) { return i % 3 == 0 && i % 5 == 0; });
    QTest::newRow("tenant") << u"tenant:odd"_s << expectedCount([](int i) { return i % 2 == 1; });
    QTest::newRow("firmware") << u"fw:2.3"_s << expectedCount([](int i) { return i % 4 == 3; });
    QTest::newRow("unknown field is plain text") << u"colour:red"_s << 0;
    QTest::newRow("no match") << u"does-not-exist"_s << 0;
}

void TestFleetModel::filter()
{
    QFETCH(QString, text);
    QFETCH(int, expected);
    m_proxy.setFilterText(text);
    QCOMPARE(m_proxy.rowCount(), expected);
    // Every row shown really matches: spot-check the first and last proxy rows.
    if (expected > 0 && text == u"status:suspended") {
        for (int row : {0, expected - 1}) {
            const QModelIndex source = m_proxy.mapToSource(m_proxy.index(row, 0));
            QCOMPARE(m_model.device(source.row()).status, Device::Status::Suspended);
        }
    }
}

void TestFleetModel::clearingTheFilterRestoresAllRows()
{
    m_proxy.setFilterText(u"pump"_s);
    QVERIFY(m_proxy.rowCount() < fleetSize);
    m_proxy.setFilterText({});
    QCOMPARE(m_proxy.rowCount(), fleetSize);
}

void TestFleetModel::sortsByLastSeenWithNeverSeenOldest()
{
    m_proxy.setFilterText({});
    m_proxy.sort(FleetModel::LastSeenColumn, Qt::DescendingOrder);
    // Most recent first: device 1 was seen 1 s ago (device 0 never).
    QCOMPARE(m_proxy.index(0, FleetModel::SerialColumn).data().toString(), u"SN1"_s);
    const QModelIndex last = m_proxy.index(m_proxy.rowCount() - 1, FleetModel::LastSeenColumn);
    QCOMPARE(last.data().toString(), u"never"_s);
    m_proxy.sort(-1);
}

void TestFleetModel::sortsNamesNaturally()
{
    m_proxy.setFilterText(u"serial:sn1"_s);
    m_proxy.sort(FleetModel::SerialColumn, Qt::AscendingOrder);
    QCOMPARE(m_proxy.index(0, FleetModel::SerialColumn).data().toString(), u"SN1"_s);
    QCOMPARE(m_proxy.index(1, FleetModel::SerialColumn).data().toString(), u"SN10"_s);
    m_proxy.setFilterText(u"serial:sn9"_s);
    // SN9 before SN90 before SN900: numeric, not character by character (SN9 < SN10 overall).
    QCOMPARE(m_proxy.index(0, FleetModel::SerialColumn).data().toString(), u"SN9"_s);
    m_proxy.setFilterText({});
    QCOMPARE(m_proxy.index(9, FleetModel::SerialColumn).data().toString(), u"SN9"_s);
    QCOMPARE(m_proxy.index(10, FleetModel::SerialColumn).data().toString(), u"SN10"_s);
    m_proxy.sort(-1);
}

void TestFleetModel::samePollUpdatesInPlace()
{
    QSignalSpy reset(&m_model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&m_model, &QAbstractItemModel::dataChanged);
    QList<Device> next = m_fleet;
    next[7].connection = Device::Connection::Offline;
    next[7].buildSearchText();
    m_model.setDevices(next);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_model.index(7, FleetModel::ConnectionColumn).data().toString(), u"Offline"_s);
    m_model.setDevices(m_fleet);
}

void TestFleetModel::changedFleetResets()
{
    FleetModel model;
    model.setDevices(m_fleet.mid(0, 10));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setDevices(m_fleet.mid(5, 10));
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.device(0).deviceId, m_fleet.at(5).deviceId);
}

void TestFleetModel::staleModelGreysEverything()
{
    FleetModel model;
    model.setDevices(m_fleet.mid(0, 10));
    // Device 0 is active but offline: abnormal, coloured while live.
    const QModelIndex abnormal = model.index(0, FleetModel::ConnectionColumn);
    QCOMPARE(abnormal.data(Qt::ForegroundRole).value<QColor>(), Theme::warningColor());
    QVERIFY(!model.index(1, FleetModel::NameColumn).data(Qt::ForegroundRole).isValid());

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setStale(true);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(abnormal.data(Qt::ForegroundRole).value<QColor>(), Theme::staleTextColor());
    QCOMPARE(model.index(1, FleetModel::NameColumn).data(Qt::ForegroundRole).value<QColor>(),
             Theme::staleTextColor());
    model.setStale(false);
    QCOMPARE(abnormal.data(Qt::ForegroundRole).value<QColor>(), Theme::warningColor());
}

void TestFleetModel::abnormalCellsHaveTextAndIcon()
{
    FleetModel model;
    model.setDevices(m_fleet.mid(0, 10));
    // Device 0: active and offline – abnormal; text says so, not only colour.
    const QModelIndex offline = model.index(0, FleetModel::ConnectionColumn);
    QCOMPARE(offline.data().toString(), u"Offline"_s);
    QVERIFY(offline.data(FleetModel::AbnormalRole).toBool());
    QVERIFY(!offline.data(Qt::ToolTipRole).toString().isEmpty());
    // Device 1: online – normal, no colour, no icon.
    const QModelIndex online = model.index(1, FleetModel::ConnectionColumn);
    QVERIFY(!online.data(FleetModel::AbnormalRole).toBool());
    QVERIFY(!online.data(Qt::DecorationRole).isValid());
    QVERIFY(!offline.data(Qt::DecorationRole).value<QIcon>().isNull());
    // Device 3: provisioned and offline is expected, not abnormal.
    QVERIFY(!model.index(3, FleetModel::ConnectionColumn).data(FleetModel::AbnormalRole).toBool());
    // Device 4: suspended on purpose – an administrative state, grey, but still named.
    const QModelIndex suspended = model.index(4, FleetModel::StatusColumn);
    QCOMPARE(suspended.data().toString(), u"Suspended"_s);
    QVERIFY(!suspended.data(Qt::ForegroundRole).isValid());
}

QTEST_MAIN(TestFleetModel)
#include "tst_fleetmodel.moc"
