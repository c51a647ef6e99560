// Rules benchmark, two phases on one real server (HTTPS API, its embedded mosquitto):
//  1. the backtest of one rule over 30 days of one reading a second (2,592,000 readings of one device, stored
//     directly in the server's database as the server stores them): p50/p99 (server-side and to the last byte) for a
//     threshold rule, a rule "for 60 s" with a deadband and a 5-minute average; goal < 1 s.
//  2. committed telemetry -> alert on the WebSocket: simulated devices (real mTLS MQTT clients) send a reading above a
//     threshold rule's limit, then one below it, again and again; a WebSocket client subscribed to `alerts` waits for
//     each raise and each clear. The commit is not observable from outside the server: the device's application ack
//     (which leaves the server in the same event-loop turn as the alert) gives a lower bound, the device's publish an
//     upper bound, and the alert's own last_raised_at the server's view; p50/p95/p99/max of each, goal p99 < 100 ms.
//     Exit code 2 when an ack or an alert never arrived (5 s each).
#include "benchsupport.h"
#include "core/packedreadings.h"
#include "benchsql.h"
#include "fleet.h"
#include "protocol/telemetry.h"
#include "protocol/topics.h"
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
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtCore/QUuid>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
#include <QtWebSockets/QWebSocket>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

using namespace Fleetdeck;
using Fleetdeck::Bench::BulkInsert;
using Fleetdeck::Bench::exec;

namespace {

using SteadyClock = std::chrono::steady_clock;

double msBetween(SteadyClock::time_point from, SteadyClock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

qint64 isoMs(const QJsonValue &v)
{
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

/// One device going round: a reading above the rule's limit, its ack and the alert raised on the WebSocket; then one
/// below, its ack and the alert cleared; then the next raise (a new occurrence: `raised_again` on the same alert,
/// since nobody acknowledges it).
struct Cycle
{
    Sim::SimDevice *device = nullptr;
    QString deviceId;
    qint64 seq = 0;
    qint64 lastTs = 0;
    bool raising = true;  ///< the step in progress (or the next one) sends a reading above the limit
    bool busy = false;
    qint64 stepSeq = 0;
    SteadyClock::time_point published, acked, event;
    bool haveAck = false, haveEvent = false;
    qint64 serverMs = 0;   ///< the event's last_raised_at / cleared_at (the server's wall clock, ms)
    qint64 receivedMs = 0; ///< this process's wall clock at the event
    // What the WebSocket said last about this device's alert.
    QString alertId;
    bool alertActive = false;
    int occurrences = 0;
};

struct Samples
{
    std::vector<double> ackToEvent, publishToEvent, publishToAck, serverToClient;
    int eventBeforeAck = 0;
};

void printRow(const char *label, const std::vector<double> &v)
{
    if (v.empty()) {
        std::printf("%-46s %5d   no samples\n", label, 0);
        return;
    }
    std::printf("%-46s %5zu %8.1f ms %8.1f ms %8.1f ms %8.1f ms\n", label, v.size(), Bench::percentile(v, 0.5), Bench::percentile(v, 0.95),
                Bench::percentile(v, 0.99), Bench::percentile(v, 1));
}

/// Phase 2 on the running server. Returns 0, 1 (could not set up) or 2 (an ack or an alert never arrived).
int alertLatency(Sim::RestClient &rest, const QString &token, const QUrl &base, const QString &caFile, quint16 mqttPort, const QString &stateDir, int nDevices, int target)
{
    constexpr int kTimeoutMs = 5000;
    constexpr double kLimit = 80, kHot = 90, kCold = 20;
    const QUrl wsUrl(rest.requestSync("GET", QStringLiteral("/v1/health")).body.value(QStringLiteral("websocket")).toObject().value(QStringLiteral("url")).toString());
    if (!wsUrl.isValid() || wsUrl.port() <= 0) {
        std::fprintf(stderr, "alert latency: GET /v1/health names no websocket.url\n");
        return 1;
    }

    // Devices: registered with CSRs through the API and connected with their own certificates, as in the other benches.
    const QString run = QString::number(QDateTime::currentMSecsSinceEpoch(), 36);
    Sim::FleetOptions fo;
    fo.server = base;
    fo.caFile = caFile;
    fo.email = QStringLiteral("admin@localhost");
    fo.password = QStringLiteral("bench-password-1");
    fo.stateDir = stateDir;
    fo.count = nDevices;
    fo.deviceType = QStringLiteral("bench-alert");
    fo.serialPrefix = QStringLiteral("AL-") + run.toUpper();
    fo.mqttHost = QStringLiteral("127.0.0.1");
    fo.mqttPort = mqttPort;
    bool online = false;
    QString fleetError;
    Sim::Fleet fleet(fo);
    QObject::connect(&fleet, &Sim::Fleet::allOnline, &fleet, [&] { online = true; });
    QObject::connect(&fleet, &Sim::Fleet::failed, &fleet, [&](const QString &why) { fleetError = why; });
    fleet.start();
    if (!Bench::waitUntil([&] { return online || !fleetError.isEmpty(); }, 60000) || !online) {
        std::fprintf(stderr, "alert latency: the devices did not come online (%s)\n", qPrintable(fleetError.isEmpty() ? QStringLiteral("timeout") : fleetError));
        fleet.stop();
        return 1;
    }
    std::vector<Cycle> cycles(fleet.devices().size());
    QStringList ids;
    for (size_t i = 0; i < cycles.size(); ++i) {
        cycles[i].device = fleet.devices()[i].get();
        cycles[i].deviceId = cycles[i].device->identity().deviceId;
        // Never below what the device stored; its first message after coming online may jump ahead (SequenceTracker).
        cycles[i].seq = QDateTime::currentMSecsSinceEpoch() * 1000;
        ids << cycles[i].deviceId;
    }

    // The WebSocket client: signed in with the admin's token, subscribed to alerts.
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromPath(caFile, QSsl::Pem));
    QWebSocket ws;
    // Its handlers use the locals below, which go before it does: nothing may reach them from its destructor.
    struct Unhook
    {
        QObject *object;
        ~Unhook() { QObject::disconnect(object, nullptr, nullptr, nullptr); }
    } unhook{&ws};
    ws.setSslConfiguration(ssl);
    bool loggedIn = false, subscribed = false, closed = false;
    QString wsError;
    Samples raised, cleared;
    int started = 0, done = 0, unexpected = 0;
    QString firstUnexpected;
    const auto send = [&](int id, const QString &method, const QJsonObject &params) {
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id},
                                                                       {QStringLiteral("method"), method}, {QStringLiteral("params"), params}})
                                                 .toJson(QJsonDocument::Compact)));
    };

    std::function<void(Cycle &)> startStep;
    const auto finishStep = [&](Cycle &c) {
        if (!c.haveAck || !c.haveEvent)
            return;
        Samples &s = c.raising ? raised : cleared;
        s.ackToEvent.push_back(msBetween(c.acked, c.event));
        s.publishToEvent.push_back(msBetween(c.published, c.event));
        s.publishToAck.push_back(msBetween(c.published, c.acked));
        if (c.serverMs > 0)
            s.serverToClient.push_back(double(c.receivedMs - c.serverMs));
        if (c.event < c.acked)
            ++s.eventBeforeAck;
        c.busy = false;
        if (c.raising)
            ++done;
        c.raising = !c.raising;
        // The next step from the event loop, not from inside the signal that finished this one.
        if (!c.raising || started < target)
            QTimer::singleShot(0, &ws, [&startStep, &c] { startStep(c); });
    };
    startStep = [&](Cycle &c) {
        if (c.raising)
            ++started;
        Telemetry::Message m;
        m.seq = ++c.seq;
        m.tsMs = c.lastTs = std::max(QDateTime::currentMSecsSinceEpoch(), c.lastTs + 1);
        Telemetry::Reading r;
        r.metric = QStringLiteral("temp");
        r.value = c.raising ? kHot : kCold;
        m.readings << r;
        const QByteArray payload = Telemetry::encode({m});
        c.stepSeq = m.seq;
        c.haveAck = c.haveEvent = false;
        c.busy = true;
        c.published = SteadyClock::now();
        if (!c.device->client().publish(Topics::telemetry(c.deviceId), payload, 1)) {
            wsError = QStringLiteral("device %1 could not publish: %2").arg(c.deviceId, c.device->lastError());
            c.busy = false;
        }
    };
    for (Cycle &c : cycles) {
        QObject::connect(c.device, &Sim::SimDevice::telemetryAcked, &ws, [&c, &finishStep](qint64 seq) {
            if (!c.busy || c.haveAck || seq < c.stepSeq)
                return;
            c.acked = SteadyClock::now();
            c.haveAck = true;
            finishStep(c);
        });
    }
    QString ruleId;
    QObject::connect(&ws, &QWebSocket::connected, &ws, [&] { send(1, QStringLiteral("auth.login"), {{QStringLiteral("token"), token}}); });
    QObject::connect(&ws, &QWebSocket::disconnected, &ws, [&] {
        closed = true;
        wsError = QStringLiteral("WebSocket closed: %1 %2").arg(int(ws.closeCode())).arg(ws.closeReason());
    });
    QObject::connect(&ws, &QWebSocket::sslErrors, &ws, [&](const QList<QSslError> &errors) {
        if (!errors.isEmpty() && wsError.isEmpty())
            wsError = QStringLiteral("TLS: ") + errors.first().errorString();
    });
    QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [&](const QString &text) {
        const SteadyClock::time_point now = SteadyClock::now();
        const qint64 wallMs = QDateTime::currentMSecsSinceEpoch();
        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString method = o.value(QStringLiteral("method")).toString();
        if (method.isEmpty()) {
            if (o.contains(QStringLiteral("error")))
                wsError = QStringLiteral("answer %1: %2").arg(o.value(QStringLiteral("id")).toInt())
                              .arg(QString::fromUtf8(QJsonDocument(o.value(QStringLiteral("error")).toObject()).toJson(QJsonDocument::Compact)));
            else if (o.value(QStringLiteral("id")).toInt() == 1)
                loggedIn = true;
            else if (o.value(QStringLiteral("id")).toInt() == 2)
                subscribed = o.value(QStringLiteral("result")).toObject().value(QStringLiteral("subscribed")).toBool();
            return;
        }
        if (method != u"alert.changed")
            return;
        const QJsonObject a = o.value(QStringLiteral("params")).toObject();
        if (a.value(QStringLiteral("rule_id")).toString() != ruleId)
            return;
        const QString device = a.value(QStringLiteral("device_id")).toString();
        auto c = std::find_if(cycles.begin(), cycles.end(), [&](const Cycle &x) { return x.deviceId == device; });
        if (c == cycles.end())
            return;
        const QString id = a.value(QStringLiteral("id")).toString();
        const bool active = a.value(QStringLiteral("active")).toBool();
        const int occurrences = a.value(QStringLiteral("occurrences")).toInt();
        const bool isRaise = active && (id != c->alertId || !c->alertActive || occurrences != c->occurrences);
        const bool isClear = !active && id == c->alertId && c->alertActive;
        c->alertId = id;
        c->alertActive = active;
        c->occurrences = occurrences;
        if (!isRaise && !isClear)
            return; // another change of the same alert (chattering, chatter ended, ...)
        if (!c->busy || c->haveEvent || isRaise != c->raising) {
            if (firstUnexpected.isEmpty())
                firstUnexpected = QStringLiteral("%1 of device %2 while %3").arg(isRaise ? QStringLiteral("a raise") : QStringLiteral("a clear"), device,
                                                                                  c->busy ? (c->raising ? QStringLiteral("raising") : QStringLiteral("clearing")) : QStringLiteral("idle"));
            ++unexpected;
            return;
        }
        c->event = now;
        c->receivedMs = wallMs;
        c->serverMs = isoMs(a.value(isRaise ? QStringLiteral("last_raised_at") : QStringLiteral("cleared_at")));
        c->haveEvent = true;
        finishStep(*c);
    });
    ws.open(wsUrl);
    const auto wsFailed = [&](const char *what) {
        std::fprintf(stderr, "alert latency: %s (%s)\n", what, qPrintable(wsError.isEmpty() ? QStringLiteral("timeout") : wsError));
        ws.abort();
        fleet.stop();
        return 1;
    };
    if (!Bench::waitUntil([&] { return loggedIn || closed || !wsError.isEmpty(); }, 15000) || !loggedIn)
        return wsFailed("the WebSocket client could not sign in");
    send(2, QStringLiteral("subscribe"), {{QStringLiteral("topic"), QStringLiteral("alerts")}});
    if (!Bench::waitUntil([&] { return subscribed || closed || !wsError.isEmpty(); }, 5000) || !subscribed)
        return wsFailed("the WebSocket client could not subscribe to alerts");

    // The rule: temp above the limit on these devices, nothing that delays it (no for_s, deadband or delays).
    const Sim::RestReply created = rest.requestSync(
        "POST", QStringLiteral("/v1/rules"),
        {{QStringLiteral("name"), QStringLiteral("bench alert latency")},
         {QStringLiteral("scope"), QJsonObject{{QStringLiteral("device_ids"), QJsonArray::fromStringList(ids)}}},
         {QStringLiteral("condition"), QJsonObject{{QStringLiteral("type"), QStringLiteral("threshold")}, {QStringLiteral("metric"), QStringLiteral("temp")},
                                                   {QStringLiteral("op"), QStringLiteral(">")}, {QStringLiteral("value"), kLimit}}},
         {QStringLiteral("actions"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("alert")}, {QStringLiteral("severity"), QStringLiteral("major")}}}}});
    if (created.status != 201) {
        std::fprintf(stderr, "alert latency: cannot create the rule: HTTP %d %s\n", created.status, qPrintable(created.error));
        ws.abort();
        fleet.stop();
        return 1;
    }
    ruleId = created.body.value(QStringLiteral("id")).toString();

    std::printf("\ncommitted telemetry -> alert on the WebSocket: %d devices, rule temp > %g (major, no delays), %d raises and as many clears\n",
                nDevices, kLimit, target);
    std::fflush(stdout);
    for (Cycle &c : cycles)
        if (started < target)
            startStep(c);
    // Until every raise has been seen and cleared again; a step waits at most kTimeoutMs for its ack and its alert.
    QString stuck;
    const bool finished = Bench::waitUntil([&] {
        if (!wsError.isEmpty())
            return true;
        const SteadyClock::time_point now = SteadyClock::now();
        for (const Cycle &c : cycles)
            if (c.busy && msBetween(c.published, now) > kTimeoutMs) {
                stuck = QStringLiteral("device %1, seq %2 (temp %3): %4 after %5 ms").arg(c.deviceId).arg(c.stepSeq).arg(c.raising ? kHot : kCold)
                            .arg(!c.haveAck ? (c.haveEvent ? QStringLiteral("no application ack (the alert came)") : QStringLiteral("neither the application ack nor the alert"))
                                            : (c.raising ? QStringLiteral("acked, but no alert raised on the WebSocket") : QStringLiteral("acked, but no alert cleared on the WebSocket")))
                            .arg(kTimeoutMs);
                return true;
            }
        return done >= target && std::none_of(cycles.begin(), cycles.end(), [](const Cycle &c) { return c.busy; });
    }, target * 2 * kTimeoutMs + 10000);
    const QString failure = !stuck.isEmpty() ? stuck : !wsError.isEmpty() ? wsError : !finished ? QStringLiteral("the phase did not finish") : QString();
    ws.abort();
    fleet.stop();
    int rc = 0;
    if (!failure.isEmpty()) {
        std::fprintf(stderr, "alert latency FAILED after %d of %d raises: %s\n", done, target, qPrintable(failure));
        rc = 2;
    }
    if (unexpected)
        std::printf("WARNING: %d alert changes that no step waited for (first: %s)\n", unexpected, qPrintable(firstUnexpected));
    // The server's commit is not observable from here. Its ack to the device is the nearest thing, but it is only
    // queued on the broker socket when the commit is noticed: it leaves in the same event-loop turn as the alert (after
    // the rule ran and the alert was stored), so ack -> alert is a lower bound, publish -> alert an upper bound (it
    // includes the ingest's batch window and the commit itself).
    std::printf("clock start: the device's application ack (sent after the COMMIT, but in the same turn as the alert) "
                "and its publish; the server's own alert time\n");
    std::printf("%-46s %5s %11s %11s %11s %11s\n", "from -> to", "n", "p50", "p95", "p99", "max");
    printRow("device ack -> alert raised (lower bound)", raised.ackToEvent);
    printRow("device ack -> alert cleared (lower bound)", cleared.ackToEvent);
    printRow("publish -> alert raised (upper bound)", raised.publishToEvent);
    printRow("publish -> alert cleared (upper bound)", cleared.publishToEvent);
    printRow("publish -> device ack (ingest)", raised.publishToAck);
    printRow("server last_raised_at -> client (1 ms clocks)", raised.serverToClient);
    printRow("server cleared_at -> client (1 ms clocks)", cleared.serverToClient);
    if (raised.eventBeforeAck + cleared.eventBeforeAck)
        std::printf("the alert came before the device's ack %d times (raised) and %d times (cleared): those lower-bound samples are negative\n",
                    raised.eventBeforeAck, cleared.eventBeforeAck);
    const double upper = Bench::percentile(raised.publishToEvent, 0.99), lower = Bench::percentile(raised.ackToEvent, 0.99);
    std::printf("goal: committed telemetry -> alert raised on the WebSocket p99 < 100 ms: %s (p99 between %.1f ms from the device's ack and %.1f ms "
                "from its publish)\n",
                rc == 0 && !raised.publishToEvent.empty() && upper < 100 ? "met" : rc == 0 && !raised.ackToEvent.empty() && lower < 100 ? "not shown (only the lower bound meets it)" : "NOT met",
                lower, upper);
    return rc;
}

} // namespace


int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Fleetdeck rules benchmark: backtests over 30 days of 1 Hz data, and committed telemetry -> alert on the WebSocket."));
    p.addHelpOption();
    const QCommandLineOption daysOpt(QStringLiteral("days"), QStringLiteral("Days of 1 Hz readings (default 30)."), QStringLiteral("N"), QStringLiteral("30"));
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("Backtests per rule (default 10)."), QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("PostgreSQL URL of an empty database (default: SQLite)."), QStringLiteral("URL"));
    const QCommandLineOption alertSamplesOpt(QStringLiteral("alert-samples"),
                                             QStringLiteral("Alerts raised (and cleared) for committed telemetry -> alert on the WebSocket (default 200; 0 = skip that phase)."),
                                             QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption alertDevicesOpt(QStringLiteral("alert-devices"),
                                             QStringLiteral("Simulated devices raising and clearing those alerts, each one at a time (default 2)."),
                                             QStringLiteral("N"), QStringLiteral("2"));
    p.addOptions({daysOpt, runsOpt, database, alertSamplesOpt, alertDevicesOpt});
    p.process(app);
    const int days = p.value(daysOpt).toInt();
    const int runs = p.value(runsOpt).toInt();
    const int alertSamples = std::max(0, p.value(alertSamplesOpt).toInt());
    const int alertDevices = std::clamp(p.value(alertDevicesOpt).toInt(), 1, 100);
    qputenv("FLEETDECK_ADMIN_PASSWORD", "bench-password-1");
    QLoggingCategory::setFilterRules(QStringLiteral("fleetdeck.*.info=false\nqt.network.ssl.warning=false"));

    QTemporaryDir tmp;
    const QString dataDir = tmp.filePath(QStringLiteral("data"));
    const quint16 http = Bench::freePort(), mqtt = Bench::freePort();
    QStringList args{QStringLiteral("--data-dir"), dataDir, QStringLiteral("--http-port"), QString::number(http),
                     QStringLiteral("--mqtt-port"), QString::number(mqtt), QStringLiteral("--ws-port"), QStringLiteral("0"), QStringLiteral("--transfer-port"), QStringLiteral("0"),
                     QStringLiteral("--bind"), QStringLiteral("127.0.0.1")};
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
    const QString token = login.body.value(QStringLiteral("token")).toString();
    rest.setToken(token);

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
    int alertRc = 0;
    if (alertSamples > 0)
        alertRc = alertLatency(rest, token, QUrl(QStringLiteral("https://127.0.0.1:%1").arg(http)), dataDir + QStringLiteral("/pki/ca.crt"), mqtt,
                               tmp.filePath(QStringLiteral("sim")), alertDevices, alertSamples);
    server.terminate();
    server.waitForFinished(10000);
    return alertRc ? alertRc : failures ? 1 : 0;
}
