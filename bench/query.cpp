// Query benchmark: one device with 30 days of readings at one per 10 s (259,200 readings, with their 1-minute and
// 1-hour rollups) among 10,000 devices with latest values, stored directly in the server's database; then, through
// the HTTPS API of a real server: the 30-day history in at most 1,000 buckets (from each rollup and from raw data),
// and the tenant's latest values for all 10,000 devices. Prints p50/p99 per query; targets p50 < 30 ms.
#include "benchsupport.h"
#include "core/packedreadings.h"
#include "benchsql.h"
#include "restclient.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QLoggingCategory>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtCore/QUrl>
#include <QtCore/QUuid>
#include <QtCore/QJsonDocument>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QTcpServer>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

using namespace Fleetdeck;
using Fleetdeck::Bench::BulkInsert;
using Fleetdeck::Bench::exec;


int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Fleetdeck query benchmark: 30-day aggregates and tenant latest."));
    p.addHelpOption();
    const QCommandLineOption devicesOpt(QStringLiteral("devices"), QStringLiteral("Devices with latest values (default 10000)."), QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("Requests per query (default 50)."), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("PostgreSQL URL of an empty database (default: SQLite)."), QStringLiteral("URL"));
    p.addOptions({devicesOpt, runsOpt, database});
    p.process(app);
    const int nDevices = p.value(devicesOpt).toInt();
    const int runs = p.value(runsOpt).toInt();
    qputenv("FLEETDECK_ADMIN_PASSWORD", "bench-password-1");
    QLoggingCategory::setFilterRules(QStringLiteral("qt.network.ssl.warning=false"));

    QTemporaryDir tmp;
    const QString dataDir = tmp.filePath(QStringLiteral("data"));
    const quint16 http = Bench::freePort(), mqtt = Bench::freePort();
    QStringList args{QStringLiteral("--data-dir"), dataDir, QStringLiteral("--http-port"), QString::number(http),
                     QStringLiteral("--mqtt-port"), QString::number(mqtt), QStringLiteral("--bind"), QStringLiteral("127.0.0.1")};
    if (p.isSet(database))
        args << QStringLiteral("--database") << p.value(database);
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.setStandardOutputFile(dataDir + QStringLiteral("-server.log"));
    const auto startServer = [&] { return Bench::startServerAndWait(server, args, http, dataDir); };
    if (!startServer()) {
        std::fprintf(stderr, "server did not start; see %s-server.log\n", qPrintable(dataDir));
        return 1;
    }
    server.terminate();
    server.waitForFinished(10000);

    // Data straight into the schema the server made.
    QSqlDatabase db = Bench::openServerDatabase(p.value(database), dataDir);
    if (!db.isOpen())
        return 1;
    QSqlQuery t(db);
    t.exec(QStringLiteral("SELECT id FROM tenants WHERE name = 'default'"));
    t.next();
    const QString tenant = t.value(0).toString();
    QElapsedTimer loadClock;
    loadClock.start();
    db.transaction();
    for (const char *name : {"temp", "humidity", "power"}) {
        QSqlQuery m(db);
        m.prepare(QStringLiteral("INSERT INTO metrics (name) VALUES (?)"));
        m.bindValue(0, QString::fromLatin1(name));
        if (!exec(m, "metric"))
            return 1;
    }
    std::map<QString, int> metric;
    t.exec(QStringLiteral("SELECT metric_id, name FROM metrics"));
    while (t.next())
        metric[t.value(1).toString()] = t.value(0).toInt();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    BulkInsert devices(db, QStringLiteral("INSERT INTO devices (id, tenant_id, serial_number, device_type, status, connection, created_at, updated_at) VALUES "), 8);
    BulkInsert keys(db, QStringLiteral("INSERT INTO telemetry_devices (device_key, device_id, tenant_id, last_seq) VALUES "), 4);
    BulkInsert latest(db, QStringLiteral("INSERT INTO telemetry_latest (device_key, metric_id, ts, value) VALUES "), 4);
    QString target;
    for (int i = 0; i < nDevices; ++i) {
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        if (i == 0)
            target = id;
        if (!devices.add({id, tenant, QStringLiteral("Q-%1").arg(i), QStringLiteral("sensor"), QStringLiteral("active"), QStringLiteral("offline"), now, now})
            || !keys.add({i + 1, id, tenant, 0}))
            return 1;
        for (const auto &[name, mid] : metric)
            if (!latest.add({i + 1, mid, now - 1000, double(i % 100)}))
                return 1;
    }
    if (!devices.flush() || !keys.flush() || !latest.flush())
        return 1;
    // Device 1: 30 days at one reading per 10 s, with its rollups.
    const qint64 start = now - 30LL * 86400000;
    // As the server stores them: a row per message, its readings packed.
    BulkInsert raw(db, QStringLiteral("INSERT INTO telemetry (device_key, ts, seq, readings) VALUES "), 4, 200);
    std::map<qint64, std::array<double, 6>> m1, h1; // count, min, max, sum, last, last_ts
    const auto roll = [](std::map<qint64, std::array<double, 6>> &m, qint64 bucket, qint64 ts, double v) {
        auto &a = m[bucket];
        if (a[0] == 0) {
            a[1] = a[2] = v;
        }
        a[0] += 1;
        a[1] = std::min(a[1], v);
        a[2] = std::max(a[2], v);
        a[3] += v;
        a[4] = v;
        a[5] = double(ts);
    };
    qint64 readings = 0;
    for (qint64 ts = start; ts < now; ts += 10000, ++readings) {
        const double v = 20 + 5 * std::sin(double(ts) / 3.6e6);
        QByteArray readingsOfMessage;
        Packed::appendNumber(readingsOfMessage, metric[QStringLiteral("temp")], v);
        if (!raw.add({1, ts, readings + 1, readingsOfMessage}))
            return 1;
        roll(m1, ts - ts % 60000, ts, v);
        roll(h1, ts - ts % 3600000, ts, v);
    }
    if (!raw.flush())
        return 1;
    for (auto [table, map] : {std::pair{QStringLiteral("telemetry_1m"), &m1}, std::pair{QStringLiteral("telemetry_1h"), &h1}}) {
        BulkInsert r(db, QStringLiteral("INSERT INTO %1 (device_key, metric_id, bucket, count, min, max, sum, last, last_ts) VALUES ").arg(table), 9);
        for (const auto &[bucket, a] : *map)
            if (!r.add({1, metric[QStringLiteral("temp")], bucket, qint64(a[0]), a[1], a[2], a[3], a[4], qint64(a[5])}))
                return 1;
        if (!r.flush())
            return 1;
    }
    db.commit();
    if (p.isSet(database))
        QSqlQuery(db).exec(QStringLiteral("ANALYZE"));
    db.close();
    std::printf("fleetdeck query benchmark (%s): %d devices with latest values; one with %lld readings over 30 days (%zu 1-min, %zu 1-h rollups); loaded in %.1f s\n",
                p.isSet(database) ? "PostgreSQL" : "SQLite", nDevices, (long long)readings, m1.size(), h1.size(), double(loadClock.elapsed()) / 1000);

    if (!startServer()) {
        std::fprintf(stderr, "server did not start again\n");
        return 1;
    }
    Sim::RestClient rest(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(http)), dataDir + QStringLiteral("/pki/ca.crt"));
    (void)rest.loadCa();
    const auto login = rest.requestSync("POST", QStringLiteral("/v1/auth/login"),
                                        {{QStringLiteral("email"), QStringLiteral("admin@localhost")}, {QStringLiteral("password"), QStringLiteral("bench-password-1")}});
    const QByteArray token = login.body.value(QStringLiteral("token")).toString().toLatin1();
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromPath(dataDir + QStringLiteral("/pki/ca.crt")));

    const QString range = QStringLiteral("&from=%1&to=%2").arg(start).arg(now);
    const struct { const char *label; QString path; } queries[] = {
        {"30 days, 1 h buckets (720, 1-hour rollup), avg", QStringLiteral("/v1/devices/%1/telemetry?metric=temp&interval=1h&agg=avg").arg(target) + range},
        {"30 days, 45 min buckets (960, 1-minute rollup), max", QStringLiteral("/v1/devices/%1/telemetry?metric=temp&interval=45m&agg=max").arg(target) + range},
        {"30 days, 2593 s buckets (1000, raw data), avg", QStringLiteral("/v1/devices/%1/telemetry?metric=temp&interval=2593s&agg=avg").arg(target) + range},
        {"tenant latest, all devices in one page", QStringLiteral("/v1/tenants/%1/telemetry/latest?limit=10000").arg(tenant)},
    };
    int failures = 0;
    std::printf("\n%-55s %9s %9s %9s\n", "query (through HTTPS, keep-alive)", "p50 ms", "p99 ms", "items");
    for (const auto &q : queries) {
        std::vector<double> ms;
        qsizetype items = 0;
        for (int i = 0; i < runs + 3; ++i) {
            // Timed to the last byte of the response; parsing it here is the client's business, not the server's.
            QUrl url(QStringLiteral("https://127.0.0.1:%1").arg(http));
            const qsizetype qm = q.path.indexOf(u'?');
            url.setPath(qm < 0 ? q.path : q.path.left(qm));
            if (qm >= 0)
                url.setQuery(q.path.mid(qm + 1));
            QNetworkRequest req(url);
            req.setSslConfiguration(ssl);
            req.setRawHeader("Authorization", "Bearer " + token);
            QElapsedTimer c;
            c.start();
            QNetworkReply *reply = rest.network()->get(req);
            while (!reply->isFinished())
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
            const double elapsed = double(c.nsecsElapsed()) / 1e6;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            reply->deleteLater();
            if (status != 200) {
                ++failures;
                std::fprintf(stderr, "%s: HTTP %d %s\n", q.label, status, body.left(200).constData());
                break;
            }
            if (i >= 3) // the first requests warm caches and the connection
                ms.push_back(elapsed);
            if (i == 0) {
                const QJsonObject o = QJsonDocument::fromJson(body).object();
                items = o.contains(QStringLiteral("items")) ? o.value(QStringLiteral("items")).toArray().size()
                                                            : o.value(QStringLiteral("series")).toArray().at(0).toObject().value(QStringLiteral("points")).toArray().size();
            }
        }
        std::printf("%-55s %9.1f %9.1f %9lld\n", q.label, Bench::percentile(ms, 0.5), Bench::percentile(ms, 0.99), (long long)items);
    }
    std::printf("targets: p50 < 30 ms for the 30-day aggregate and for the tenant latest of 10,000 devices\n");
    server.terminate();
    server.waitForFinished(10000);
    return failures ? 1 : 0;
}
