// Rules benchmark: the backtest of one rule over 30 days of one reading a second (2,592,000 readings of one device,
// stored directly in the server's database as the server stores them), through the HTTPS API of a real server.
// Prints the backtest's p50/p99 (server-side and to the last byte) for a threshold rule, a rule "for 60 s" with a
// deadband and a 5-minute average; goal < 1 s.
#include "benchsupport.h"
#include "core/packedreadings.h"
#include "benchsql.h"
#include "restclient.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtCore/QUrl>
#include <QtCore/QUuid>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

#include <cmath>
#include <cstdio>

using namespace Fleetdeck;
using Fleetdeck::Bench::BulkInsert;
using Fleetdeck::Bench::exec;


int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Fleetdeck rules benchmark: backtests over 30 days of 1 Hz data."));
    p.addHelpOption();
    const QCommandLineOption daysOpt(QStringLiteral("days"), QStringLiteral("Days of 1 Hz readings (default 30)."), QStringLiteral("N"), QStringLiteral("30"));
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("Backtests per rule (default 10)."), QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("PostgreSQL URL of an empty database (default: SQLite)."), QStringLiteral("URL"));
    p.addOptions({daysOpt, runsOpt, database});
    p.process(app);
    const int days = p.value(daysOpt).toInt();
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
    QSqlQuery m(db);
    m.prepare(QStringLiteral("INSERT INTO metrics (name) VALUES (?)"));
    m.bindValue(0, QStringLiteral("temp"));
    if (!exec(m, "metric"))
        return 1;
    t.exec(QStringLiteral("SELECT metric_id FROM metrics WHERE name = 'temp'"));
    t.next();
    const int temp = t.value(0).toInt();
    const qint64 now = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
    const QString device = QUuid::createUuid().toString(QUuid::WithoutBraces);
    BulkInsert devices(db, QStringLiteral("INSERT INTO devices (id, tenant_id, serial_number, device_type, status, connection, created_at, updated_at) VALUES "), 8);
    BulkInsert keys(db, QStringLiteral("INSERT INTO telemetry_devices (device_key, device_id, tenant_id, last_seq) VALUES "), 4);
    if (!devices.add({device, tenant, QStringLiteral("R-1"), QStringLiteral("sensor"), QStringLiteral("active"), QStringLiteral("offline"), now, now})
        || !keys.add({1, device, tenant, 0}) || !devices.flush() || !keys.flush())
        return 1;
    // A daily cycle around 60 with a hot spell (above 80) of a few minutes every 6 hours.
    const qint64 start = now - qint64(days) * 86400000;
    BulkInsert raw(db, QStringLiteral("INSERT INTO telemetry (device_key, ts, seq, readings) VALUES "), 4, 500);
    qint64 readings = 0;
    for (qint64 ts = start; ts < now; ts += 1000, ++readings) {
        const double phase = double(ts % 21600000) / 21600000.0;
        const double v = 60 + 10 * std::sin(double(ts) / 1.375e7) + (phase < 0.02 ? 25 : 0) + 0.5 * std::sin(double(ts) / 7000.0);
        QByteArray packed;
        Packed::appendNumber(packed, temp, v);
        if (!raw.add({1, ts, readings + 1, packed}))
            return 1;
    }
    if (!raw.flush())
        return 1;
    db.commit();
    if (p.isSet(database))
        QSqlQuery(db).exec(QStringLiteral("ANALYZE"));
    db.close();
    std::printf("fleetdeck rules benchmark (%s): one device with %lld readings at 1 Hz over %d days, loaded in %.1f s\n",
                p.isSet(database) ? "PostgreSQL" : "SQLite", (long long)readings, days, double(loadClock.elapsed()) / 1000);

    if (!startServer()) {
        std::fprintf(stderr, "server did not start again\n");
        return 1;
    }
    Sim::RestClient rest(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(http)), dataDir + QStringLiteral("/pki/ca.crt"));
    (void)rest.loadCa();
    const auto login = rest.requestSync("POST", QStringLiteral("/v1/auth/login"),
                                        {{QStringLiteral("email"), QStringLiteral("admin@localhost")}, {QStringLiteral("password"), QStringLiteral("bench-password-1")}});
    rest.setToken(login.body.value(QStringLiteral("token")).toString());

    const auto rule = [](const QJsonObject &condition) {
        return QJsonObject{{QStringLiteral("name"), QStringLiteral("bench")},
                           {QStringLiteral("condition"), condition},
                           {QStringLiteral("actions"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("alert")}, {QStringLiteral("severity"), QStringLiteral("major")}}}}};
    };
    const struct { const char *label; QJsonObject rule; } cases[] = {
        {"threshold temp > 80", rule(QJsonObject{{QStringLiteral("type"), QStringLiteral("threshold")}, {QStringLiteral("metric"), QStringLiteral("temp")},
                                                 {QStringLiteral("op"), QStringLiteral(">")}, {QStringLiteral("value"), 80}})},
        {"temp > 80 for 60 s, deadband 5", rule(QJsonObject{{QStringLiteral("type"), QStringLiteral("threshold")}, {QStringLiteral("metric"), QStringLiteral("temp")},
                                                            {QStringLiteral("op"), QStringLiteral(">")}, {QStringLiteral("value"), 80},
                                                            {QStringLiteral("for_s"), 60}, {QStringLiteral("deadband"), 5}})},
        {"avg(temp) over 5 min > 75", rule(QJsonObject{{QStringLiteral("type"), QStringLiteral("aggregate")}, {QStringLiteral("metric"), QStringLiteral("temp")},
                                                       {QStringLiteral("agg"), QStringLiteral("avg")}, {QStringLiteral("window_s"), 300},
                                                       {QStringLiteral("op"), QStringLiteral(">")}, {QStringLiteral("value"), 75}})},
    };
    int failures = 0;
    const QByteArray heading = QStringLiteral("backtest (one device, %1 days)").arg(days).toLatin1();
    std::printf("\n%-34s %11s %11s %11s %11s %8s %10s\n", heading.constData(), "server p50", "server p99", "HTTPS p50", "HTTPS p99", "fired", "readings");
    for (const auto &c : cases) {
        std::vector<double> server, total;
        qint64 fired = 0, scanned = 0;
        for (int i = 0; i < runs + 1; ++i) {
            QElapsedTimer clock;
            clock.start();
            const Sim::RestReply r = rest.requestSync("POST", QStringLiteral("/v1/rules/backtest"),
                                                      {{QStringLiteral("rule"), c.rule}, {QStringLiteral("device_id"), device},
                                                       {QStringLiteral("from"), start}, {QStringLiteral("to"), now}});
            const double ms = double(clock.nsecsElapsed()) / 1e6;
            if (r.status != 200) {
                ++failures;
                std::fprintf(stderr, "%s: HTTP %d %s\n", c.label, r.status, qPrintable(r.error));
                break;
            }
            fired = r.body.value(QStringLiteral("fired")).toInteger();
            scanned = r.body.value(QStringLiteral("readings")).toInteger();
            if (i > 0) { // the first one warms the page cache
                server.push_back(r.body.value(QStringLiteral("elapsed_ms")).toDouble());
                total.push_back(ms);
            }
        }
        std::printf("%-34s %9.0f ms %9.0f ms %9.0f ms %9.0f ms %8lld %10lld\n", c.label, Bench::percentile(server, 0.5), Bench::percentile(server, 0.99),
                    Bench::percentile(total, 0.5), Bench::percentile(total, 0.99), (long long)fired, (long long)scanned);
    }
    std::printf("goal: < 1 s for one rule over 30 days of 1 Hz data\n");
    server.terminate();
    server.waitForFinished(10000);
    return failures ? 1 : 0;
}
