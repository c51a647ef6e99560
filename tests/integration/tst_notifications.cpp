// Notifications end to end against a real server, on SQLite and PostgreSQL: alerts raised from real telemetry reach
// a real HTTP receiver on loopback (webhook, signed; PagerDuty Events v2; an SMS gateway) and a real SMTP server
// (aiosmtpd, STARTTLS and a login). A receiver that is down delays deliveries and a server restart while they wait
// loses none: each arrives exactly once. Escalation, quiet hours, the delivery log and the checks on bad input.
#include "runtime/application.h"
#include "scheduler/scheduler.h"
#include "storage/database.h"
#include "mqtt/mqttclient.h"
#include "notifications/sender.h"
#include "pki/certificateauthority.h"
#include "protocol/messages.h"
#include "protocol/telemetry.h"
#include "protocol/topics.h"
#include "testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUrlQuery>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QtTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Test;

namespace {

/// A small HTTP/1.1 server on loopback that records every request and answers with a chosen status.
class HttpReceiver : public QObject
{
public:
    struct Received
    {
        QByteArray method, path, body;
        QHash<QByteArray, QByteArray> headers; ///< lower-case names
    };
    QList<Received> received;
    int status = 200;

    bool listen(quint16 port = 0)
    {
        m_server = std::make_unique<QTcpServer>();
        connect(m_server.get(), &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server->nextPendingConnection()) {
                auto *buffer = new QByteArray;
                connect(s, &QTcpSocket::disconnected, s, [s, buffer] { delete buffer; s->deleteLater(); });
                connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                    *buffer += s->readAll();
                    const qsizetype end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    Received r;
                    const QList<QByteArray> lines = buffer->left(end).split('\n');
                    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
                    r.method = first.value(0);
                    r.path = first.value(1);
                    for (qsizetype i = 1; i < lines.size(); ++i) {
                        const qsizetype colon = lines.at(i).indexOf(':');
                        if (colon > 0)
                            r.headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
                    }
                    const int length = r.headers.value("content-length").toInt();
                    if (buffer->size() < end + 4 + length)
                        return;
                    r.body = buffer->mid(end + 4, length);
                    received.append(r);
                    const QByteArray answer = status < 300 ? QByteArray(R"({"status":"success"})") : QByteArray("try later");
                    s->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
                             + QByteArray::number(answer.size()) + "\r\nConnection: close\r\n\r\n" + answer);
                    s->disconnectFromHost();
                });
            }
        });
        return m_server->listen(QHostAddress::LocalHost, port);
    }
    void close() { m_server.reset(); }
    quint16 port() const { return m_server ? m_server->serverPort() : 0; }
    QString url(const QString &path = QStringLiteral("/hook")) const { return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path); }
    void remember() { m_port = port(); }
    QList<QJsonObject> bodies() const
    {
        QList<QJsonObject> out;
        for (const Received &r : received)
            out << QJsonDocument::fromJson(r.body).object();
        return out;
    }

private:
    std::unique_ptr<QTcpServer> m_server;
    quint16 m_port = 0;
};

} // namespace

class TestNotifications : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QTemporaryDir m_files;
    QString m_id;
    std::unique_ptr<MqttClient> m_client;
    qint64 m_lastAck = 0;
    qint64 m_seq = 0;
    int m_serial = 0;

    QByteArray token() { return m_server->adminToken(); }
    HttpReply post(const QString &path, const QJsonObject &body) { return m_server->requestJson("POST", path, body, token()); }
    HttpReply get(const QString &path) { return m_server->request("GET", path, {}, {}, token()); }

    void connectDevice(const QString &name)
    {
        auto kc = Pki::makeKeyAndRequest(QStringLiteral("x"));
        QVERIFY(kc.has_value());
        const HttpReply r = post(QStringLiteral("/v1/devices"), {{QStringLiteral("serial_number"), QStringLiteral("NTF-%1").arg(++m_serial)},
                                                                 {QStringLiteral("device_type"), QStringLiteral("sensor")},
                                                                 {QStringLiteral("name"), name},
                                                                 {QStringLiteral("csr"), QString::fromLatin1(kc->second)}});
        QCOMPARE(r.status, 201);
        m_id = r.json().value(QStringLiteral("device_id")).toString();
        QFile c(m_files.filePath(m_id + QStringLiteral(".crt"))), k(m_files.filePath(m_id + QStringLiteral(".key")));
        QVERIFY(c.open(QIODevice::WriteOnly) && k.open(QIODevice::WriteOnly));
        c.write(r.json().value(QStringLiteral("certificate")).toString().toLatin1());
        k.write(kc->first);
        c.close();
        k.close();
        MqttClientOptions o;
        o.host = QStringLiteral("localhost");
        o.port = m_server->mqttPort();
        o.clientId = m_id;
        o.caFile = m_server->caFile();
        o.certFile = m_files.filePath(m_id + QStringLiteral(".crt"));
        o.keyFile = m_files.filePath(m_id + QStringLiteral(".key"));
        m_client = std::make_unique<MqttClient>(o);
        connect(m_client.get(), &MqttClient::messageReceived, this, [this](const QString &topic, const QByteArray &payload) {
            if (topic == Topics::telemetryAck(m_id))
                m_lastAck = std::max(m_lastAck, Telemetry::decodeAck(payload).value_or(0));
        });
        connect(m_client.get(), &MqttClient::connected, this, [this] { (void)m_client->subscribe(Topics::telemetryAck(m_id), 1); });
        QVERIFY(m_client->start().has_value());
        QVERIFY(waitFor([&] { return m_client->state() == MqttClient::State::Connected; }, 10000));
        // Online: an offline device's alerts are suppressed by design, and suppressed alerts are not sent.
        QVERIFY(m_client->publish(Topics::status(m_id), Messages::encode(Messages::DeviceStatus{Messages::DeviceStatus::State::Online, QStringLiteral("1.0")}), 1, true)
                    .has_value());
        QVERIFY(waitFor([&] { return get(QStringLiteral("/v1/devices/") + m_id).json().value(QStringLiteral("connection")).toString() == u"online"; }, 10000));
    }

    void send(double temp)
    {
        const qint64 seq = ++m_seq;
        const QByteArray payload = QJsonDocument(QJsonObject{{QStringLiteral("seq"), seq}, {QStringLiteral("ts"), QDateTime::currentMSecsSinceEpoch()},
                                                             {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("temp"), temp}}}})
                                       .toJson(QJsonDocument::Compact);
        QVERIFY(m_client->publish(Topics::telemetry(m_id), payload, 1).has_value());
        QVERIFY2(waitFor([&] { return m_lastAck >= seq; }, 5000), "telemetry not acknowledged");
        waitFor([] { return false; }, 50); // the alert, then its hand-on
    }

    QString makeRule(const QString &severity = QStringLiteral("major"))
    {
        const HttpReply r = post(QStringLiteral("/v1/rules"),
                                 {{QStringLiteral("name"), QStringLiteral("Hot")},
                                  {QStringLiteral("scope"), QJsonObject{{QStringLiteral("device_type"), QStringLiteral("sensor")}}},
                                  {QStringLiteral("condition"), QJsonObject{{QStringLiteral("type"), QStringLiteral("threshold")}, {QStringLiteral("metric"), QStringLiteral("temp")},
                                                                            {QStringLiteral("op"), QStringLiteral(">")}, {QStringLiteral("value"), 80}}},
                                  {QStringLiteral("actions"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("alert")}, {QStringLiteral("severity"), severity},
                                                                                     {QStringLiteral("message"), QStringLiteral("{device.name} at {value} °C")}}}}});
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return r.json().value(QStringLiteral("id")).toString();
    }

    QString makeChannel(const QString &name, const QString &kind, const QJsonObject &config)
    {
        const HttpReply r = post(QStringLiteral("/v1/notification-channels"),
                                 {{QStringLiteral("name"), name}, {QStringLiteral("kind"), kind}, {QStringLiteral("config"), config}});
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return r.json().value(QStringLiteral("id")).toString();
    }

    QString makePolicy(const QJsonObject &body)
    {
        const HttpReply r = post(QStringLiteral("/v1/notification-policies"), body);
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return r.json().value(QStringLiteral("id")).toString();
    }

    QJsonArray deliveries(const QString &query = {}) { return get(QStringLiteral("/v1/notification-deliveries?") + query).json().value(QStringLiteral("items")).toArray(); }

    QString firstAlert()
    {
        return get(QStringLiteral("/v1/alerts?device_id=") + m_id).json().value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("id")).toString();
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend == u"postgresql" && !PgDatabase::available())
            QSKIP("FLEETDECK_TEST_PG_URL is not set (./test.sh starts PostgreSQL and sets it)");
        // Retries a fifth of a second apart (doubling), so an outage of a few seconds is a few tries.
        m_server = std::make_unique<TestServer>(backend, [](ServerOptions &o) { o.notificationRetryBaseMs = 200; });
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        m_seq = 0;
        m_lastAck = 0;
    }

    void cleanup()
    {
        m_client.reset();
        m_server.reset();
    }

    void badInputNamesTheField()
    {
        const auto status = [&](const QJsonObject &body, const QString &detail) {
            const HttpReply r = post(QStringLiteral("/v1/notification-channels"), body);
            if (r.status != 422 || !r.json().value(QStringLiteral("detail")).toString().startsWith(detail))
                qWarning() << r.status << r.body;
            return r.status == 422 && r.json().value(QStringLiteral("detail")).toString().startsWith(detail);
        };
        QVERIFY(status({{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("fax")}, {QStringLiteral("config"), QJsonObject{}}},
                       QStringLiteral("/kind: ")));
        QVERIFY(status({{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("webhook")},
                        {QStringLiteral("config"), QJsonObject{{QStringLiteral("url"), QStringLiteral("ftp://x")}}}},
                       QStringLiteral("/config/url: must be an http or https URL")));
        QVERIFY(status({{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("email")},
                        {QStringLiteral("config"), QJsonObject{{QStringLiteral("host"), QStringLiteral("mail")}, {QStringLiteral("security"), QStringLiteral("none")},
                                                               {QStringLiteral("username"), QStringLiteral("u")}, {QStringLiteral("password"), QStringLiteral("p")},
                                                               {QStringLiteral("from"), QStringLiteral("a@b.c")}, {QStringLiteral("to"), QJsonArray{QStringLiteral("d@e.f")}}}}},
                       QStringLiteral("/config/security: credentials are never sent over an unencrypted connection")));
        QVERIFY(status({{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("sms")},
                        {QStringLiteral("config"), QJsonObject{{QStringLiteral("url"), QStringLiteral("http://gw/send")}, {QStringLiteral("to"), QJsonArray{QStringLiteral("call me")}}}}},
                       QStringLiteral("/config/to/0: is not a phone number")));
        QVERIFY(status({{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("webhook")},
                        {QStringLiteral("config"), QJsonObject{{QStringLiteral("url"), QStringLiteral("http://x/")}, {QStringLiteral("secrte"), QStringLiteral("s")}}}},
                       QStringLiteral("/config/secrte: unknown field")));

        // Secrets are never answered back; one sent back as answered is kept.
        const QString pd = makeChannel(QStringLiteral("On call"), QStringLiteral("pagerduty"), {{QStringLiteral("routing_key"), QStringLiteral("R0UT1NGKEY")}});
        QVERIFY(!pd.isEmpty());
        const QJsonObject answered = get(QStringLiteral("/v1/notification-channels/") + pd).json();
        QCOMPARE(answered.value(QStringLiteral("config")).toObject().value(QStringLiteral("routing_key")).toString(), QStringLiteral("********"));
        QVERIFY(!get(QStringLiteral("/v1/notification-channels")).body.contains("R0UT1NGKEY"));
        const HttpReply renamed = m_server->requestJson("PATCH", QStringLiteral("/v1/notification-channels/") + pd,
                                                        {{QStringLiteral("name"), QStringLiteral("On call 2")}, {QStringLiteral("config"), answered.value(QStringLiteral("config"))}}, token());
        QCOMPARE(renamed.status, 200);
        QCOMPARE(m_server->requestJson("PATCH", QStringLiteral("/v1/notification-channels/") + pd, {{QStringLiteral("kind"), QStringLiteral("sms")}}, token()).status, 422);

        // Policies: channels must exist in the organisation, times are checked.
        HttpReply bad = post(QStringLiteral("/v1/notification-policies"), {{QStringLiteral("name"), QStringLiteral("p")},
                                                                          {QStringLiteral("channel_ids"), QJsonArray{QStringLiteral("00000000-0000-4000-8000-000000000000")}}});
        QCOMPARE(bad.status, 422);
        QVERIFY2(bad.json().value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("/channel_ids/0: no notification channel")), bad.body.constData());
        bad = post(QStringLiteral("/v1/notification-policies"), {{QStringLiteral("name"), QStringLiteral("p")}, {QStringLiteral("channel_ids"), QJsonArray{pd}},
                                                                {QStringLiteral("quiet_hours"), QJsonObject{{QStringLiteral("start"), QStringLiteral("25:00")}, {QStringLiteral("end"), QStringLiteral("07:00")}}}});
        QCOMPARE(bad.status, 422);
        QVERIFY2(bad.json().value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("/quiet_hours/start")), bad.body.constData());
        bad = post(QStringLiteral("/v1/notification-policies"), {{QStringLiteral("name"), QStringLiteral("p")}, {QStringLiteral("channel_ids"), QJsonArray{pd}},
                                                                {QStringLiteral("quiet_hours"), QJsonObject{{QStringLiteral("start"), QStringLiteral("22:00")}, {QStringLiteral("end"), QStringLiteral("07:00")},
                                                                                                            {QStringLiteral("time_zone"), QStringLiteral("Mars/Olympus")}}}});
        QCOMPARE(bad.status, 422);
        const QString policy = makePolicy({{QStringLiteral("name"), QStringLiteral("p")}, {QStringLiteral("channel_ids"), QJsonArray{pd}}});
        QVERIFY(!policy.isEmpty());
        // A channel a policy sends to is not deleted from under it.
        QCOMPARE(m_server->request("DELETE", QStringLiteral("/v1/notification-channels/") + pd, {}, {}, token()).status, 409);
        QCOMPARE(m_server->request("DELETE", QStringLiteral("/v1/notification-policies/") + policy, {}, {}, token()).status, 204);
        QCOMPARE(m_server->request("DELETE", QStringLiteral("/v1/notification-channels/") + pd, {}, {}, token()).status, 204);
        QCOMPARE(get(QStringLiteral("/v1/notification-deliveries?status=lost")).status, 400);
    }

    void webhookArrivesExactlyOnceAcrossAnOutageAndARestart()
    {
        HttpReceiver hook;
        QVERIFY(hook.listen());
        hook.remember();
        const quint16 port = hook.port();
        const QString channel = makeChannel(QStringLiteral("Ops hook"), QStringLiteral("webhook"),
                                            {{QStringLiteral("url"), hook.url()}, {QStringLiteral("secret"), QStringLiteral("s3cret")}});
        QVERIFY(!channel.isEmpty());
        QVERIFY(!makePolicy({{QStringLiteral("name"), QStringLiteral("Everything")}, {QStringLiteral("channel_ids"), QJsonArray{channel}},
                             {QStringLiteral("events"), QJsonArray{QStringLiteral("raised"), QStringLiteral("acknowledged"), QStringLiteral("cleared")}}})
                     .isEmpty());
        QVERIFY(!makeRule().isEmpty());
        connectDevice(QStringLiteral("Boiler 3"));

        // Up: the raise arrives, signed.
        send(85);
        QVERIFY2(waitFor([&] { return hook.received.size() == 1; }, 10000), "the webhook did not arrive");
        const HttpReceiver::Received first = hook.received.at(0);
        QCOMPARE(first.method, QByteArray("POST"));
        const QJsonObject body = QJsonDocument::fromJson(first.body).object();
        QCOMPARE(body.value(QStringLiteral("event")).toString(), QStringLiteral("alert.raised"));
        QCOMPARE(body.value(QStringLiteral("alert")).toObject().value(QStringLiteral("message")).toString(), QStringLiteral("Boiler 3 at 85 °C"));
        QCOMPARE(body.value(QStringLiteral("device")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Boiler 3"));
        QCOMPARE(first.headers.value("x-fleetdeck-signature"),
                 Notify::Sender::signature("s3cret", first.headers.value("x-fleetdeck-timestamp"), first.body));
        QCOMPARE(first.headers.value("x-fleetdeck-delivery"), body.value(QStringLiteral("id")).toString().toLatin1());

        // Down: the acknowledgement and the clear wait, tried again and again.
        hook.close();
        QCOMPARE(post(QStringLiteral("/v1/alerts/%1/acknowledge").arg(firstAlert()), {{QStringLiteral("note"), QStringLiteral("on it")}}).status, 200);
        send(60);
        QVERIFY2(waitFor([&] { return deliveries(QStringLiteral("status=retrying")).size() == 2; }, 10000), "the deliveries are not waiting");
        waitFor([] { return false; }, 1000);
        const QJsonObject waiting = deliveries(QStringLiteral("status=retrying")).at(0).toObject();
        QVERIFY2(waiting.value(QStringLiteral("attempts")).toInt() >= 2, qPrintable(QString::number(waiting.value(QStringLiteral("attempts")).toInt())));
        QVERIFY(!waiting.value(QStringLiteral("last_error")).toString().isEmpty());

        // A restart while they wait, then the receiver comes back: each arrives once.
        m_client.reset();
        const auto second = restartInProcess(*m_server);
        QVERIFY(second);
        HttpReceiver back;
        QVERIFY(back.listen(port));
        QVERIFY2(waitFor([&] { return back.received.size() >= 2; }, 20000), qPrintable(QString::number(back.received.size())));
        waitFor([] { return false; }, 1500); // anything sent twice would be here by now
        QCOMPARE(back.received.size(), 2);
        QSet<QString> events;
        QSet<QByteArray> ids{first.headers.value("x-fleetdeck-delivery")};
        for (const HttpReceiver::Received &r : back.received) {
            events << QJsonDocument::fromJson(r.body).object().value(QStringLiteral("event")).toString();
            ids << r.headers.value("x-fleetdeck-delivery");
        }
        QCOMPARE(events, (QSet<QString>{QStringLiteral("alert.acknowledged"), QStringLiteral("alert.cleared")}));
        QCOMPARE(ids.size(), 3);
        // The log (read from the restarted server's database: the test's HTTP client follows the first one).
        auto log = second->database().exec(QStringLiteral("SELECT status, attempts FROM notification_deliveries"));
        QVERIFY(log);
        int rows = 0;
        while (log->next()) {
            ++rows;
            QCOMPARE(log->value(0).toString(), QStringLiteral("delivered"));
        }
        QCOMPARE(rows, 3);
        second->stop();
    }

    void emailOverStartTlsWithALogin()
    {
        // A throw-away CA-less certificate for 127.0.0.1, trusted by the channel's ca_file.
        const QString cert = m_files.filePath(QStringLiteral("smtp.crt")), key = m_files.filePath(QStringLiteral("smtp.key"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"), {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                                                  QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                                                  QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-keyout"), key,
                                                  QStringLiteral("-out"), cert});
        QVERIFY(openssl.waitForFinished(30000) && openssl.exitCode() == 0);
        const quint16 port = freePort();
        QTemporaryDir mailDir; // the server's mailbox, this row's own
        const QString out = mailDir.filePath(QStringLiteral("mail"));
        QProcess smtp;
        smtp.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        smtp.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(FLEETDECK_SOURCE_DIR "/tests/support/smtp_receiver.py"), QString::number(port), cert, key,
                                                        QStringLiteral("alerts"), QStringLiteral("p4ss"), out});
        QVERIFY2(smtp.waitForReadyRead(20000) && smtp.readAll().contains("ready"), "the SMTP server (python3-aiosmtpd) did not start");
        const auto mails = [&] { return QDir(out).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name); };

        QJsonObject config{{QStringLiteral("host"), QStringLiteral("127.0.0.1")}, {QStringLiteral("port"), port}, {QStringLiteral("security"), QStringLiteral("starttls")},
                           {QStringLiteral("username"), QStringLiteral("alerts")}, {QStringLiteral("password"), QStringLiteral("p4ss")},
                           {QStringLiteral("from"), QStringLiteral("fleetdeck@plant.example")}, {QStringLiteral("to"), QJsonArray{QStringLiteral("shift@plant.example"), QStringLiteral("lead@plant.example")}},
                           {QStringLiteral("ca_file"), cert}};
        const QString mail = makeChannel(QStringLiteral("Shift mail"), QStringLiteral("email"), config);
        QVERIFY(!mail.isEmpty());
        // The "send test" button.
        const HttpReply test = post(QStringLiteral("/v1/notification-channels/%1/test").arg(mail), {});
        QCOMPARE(test.status, 202);
        const QString testId = test.json().value(QStringLiteral("id")).toString();
        QVERIFY2(waitFor([&] { return mails().size() == 1; }, 15000), "the test mail did not arrive");
        QFile f(out + u'/' + mails().at(0));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject got = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(got.value(QStringLiteral("tls")).toBool());
        QVERIFY(got.value(QStringLiteral("authenticated")).toBool());
        QCOMPARE(got.value(QStringLiteral("mail_from")).toString(), QStringLiteral("fleetdeck@plant.example"));
        QCOMPARE(got.value(QStringLiteral("rcpt_tos")).toArray().size(), 2);
        QVERIFY2(got.value(QStringLiteral("data")).toString().contains(QStringLiteral("Message-ID: <%1@fleetdeck>").arg(testId)),
                 qPrintable(got.value(QStringLiteral("data")).toString() + testId));
        QVERIFY(waitFor([&] { return get(QStringLiteral("/v1/notification-deliveries/") + testId).json().value(QStringLiteral("status")).toString() == u"delivered"; }, 5000));
        QVERIFY(get(QStringLiteral("/v1/notification-deliveries/") + testId).json().value(QStringLiteral("response")).toString().contains(QStringLiteral("queued")));

        // An alert by mail.
        QVERIFY(!makePolicy({{QStringLiteral("name"), QStringLiteral("Mail majors")}, {QStringLiteral("channel_ids"), QJsonArray{mail}},
                             {QStringLiteral("severities"), QJsonArray{QStringLiteral("major"), QStringLiteral("critical")}}})
                     .isEmpty());
        QVERIFY(!makeRule().isEmpty());
        connectDevice(QStringLiteral("Kiln"));
        send(99);
        QVERIFY2(waitFor([&] { return mails().size() == 2; }, 15000), "the alert mail did not arrive");
        QFile g(out + u'/' + mails().at(1));
        QVERIFY(g.open(QIODevice::ReadOnly));
        const QString data = QJsonDocument::fromJson(g.readAll()).object().value(QStringLiteral("data")).toString();
        QVERIFY2(data.contains(QStringLiteral("Subject: =?UTF-8?B?")) || data.contains(QStringLiteral("Subject: [MAJOR] Hot raised")), qPrintable(data));

        // A wrong password is refused for good (535), not tried forever.
        config.insert(QStringLiteral("password"), QStringLiteral("wrong"));
        QCOMPARE(m_server->requestJson("PATCH", QStringLiteral("/v1/notification-channels/") + mail, {{QStringLiteral("config"), config}}, token()).status, 200);
        const QString refused = post(QStringLiteral("/v1/notification-channels/%1/test").arg(mail), {}).json().value(QStringLiteral("id")).toString();
        QVERIFY(waitFor([&] { return get(QStringLiteral("/v1/notification-deliveries/") + refused).json().value(QStringLiteral("status")).toString() == u"failed"; }, 15000));
        const QJsonObject failed = get(QStringLiteral("/v1/notification-deliveries/") + refused).json();
        QCOMPARE(failed.value(QStringLiteral("response_code")).toInt(), 535);
        QVERIFY2(failed.value(QStringLiteral("last_error")).toString().contains(QStringLiteral("login was refused")), qPrintable(failed.value(QStringLiteral("last_error")).toString()));
        smtp.kill();
        smtp.waitForFinished();
    }

    void pagerDutyAndSmsGateway()
    {
        HttpReceiver receiver;
        QVERIFY(receiver.listen());
        receiver.remember();
        const QString pd = makeChannel(QStringLiteral("PagerDuty"), QStringLiteral("pagerduty"),
                                       {{QStringLiteral("routing_key"), QStringLiteral("abc123")}, {QStringLiteral("url"), receiver.url(QStringLiteral("/v2/enqueue"))}});
        const QString sms = makeChannel(QStringLiteral("SMS"), QStringLiteral("sms"),
                                        {{QStringLiteral("url"), receiver.url(QStringLiteral("/sms"))}, {QStringLiteral("format"), QStringLiteral("form")},
                                         {QStringLiteral("to"), QJsonArray{QStringLiteral("+4915100000001"), QStringLiteral("+4915100000002")}},
                                         {QStringLiteral("auth_header"), QStringLiteral("Bearer gw-token")}});
        QVERIFY(!pd.isEmpty() && !sms.isEmpty());
        QVERIFY(!makePolicy({{QStringLiteral("name"), QStringLiteral("PD")}, {QStringLiteral("channel_ids"), QJsonArray{pd}}}).isEmpty());
        QVERIFY(!makePolicy({{QStringLiteral("name"), QStringLiteral("SMS raise")}, {QStringLiteral("channel_ids"), QJsonArray{sms}},
                             {QStringLiteral("events"), QJsonArray{QStringLiteral("raised")}}})
                     .isEmpty());
        QVERIFY(!makeRule(QStringLiteral("critical")).isEmpty());
        connectDevice(QStringLiteral("Pump"));
        send(90);
        send(20);
        // PagerDuty: trigger then resolve of one incident; SMS: one request per number, on the raise only.
        QVERIFY2(waitFor([&] { return receiver.received.size() == 4; }, 15000), qPrintable(QString::number(receiver.received.size())));
        waitFor([] { return false; }, 500);
        QCOMPARE(receiver.received.size(), 4);
        QList<QJsonObject> pdEvents;
        QStringList numbers;
        for (const HttpReceiver::Received &r : std::as_const(receiver.received)) {
            if (r.path == "/v2/enqueue") {
                pdEvents << QJsonDocument::fromJson(r.body).object();
            } else {
                QCOMPARE(r.path, QByteArray("/sms"));
                QCOMPARE(r.headers.value("authorization"), QByteArray("Bearer gw-token"));
                const QUrlQuery form(QString::fromUtf8(r.body));
                numbers << form.queryItemValue(QStringLiteral("to"), QUrl::FullyDecoded);
                QVERIFY(form.queryItemValue(QStringLiteral("text"), QUrl::FullyDecoded).startsWith(QStringLiteral("CRITICAL raised")));
            }
        }
        std::sort(numbers.begin(), numbers.end());
        QCOMPARE(numbers, (QStringList{QStringLiteral("+4915100000001"), QStringLiteral("+4915100000002")}));
        QCOMPARE(pdEvents.size(), 2);
        QCOMPARE(pdEvents.at(0).value(QStringLiteral("event_action")).toString(), QStringLiteral("trigger"));
        QCOMPARE(pdEvents.at(0).value(QStringLiteral("payload")).toObject().value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
        QCOMPARE(pdEvents.at(0).value(QStringLiteral("routing_key")).toString(), QStringLiteral("abc123"));
        QCOMPARE(pdEvents.at(1).value(QStringLiteral("event_action")).toString(), QStringLiteral("resolve"));
        QCOMPARE(pdEvents.at(1).value(QStringLiteral("dedup_key")).toString(), pdEvents.at(0).value(QStringLiteral("dedup_key")).toString());
    }

    void escalationAndQuietHours()
    {
        HttpReceiver receiver;
        QVERIFY(receiver.listen());
        receiver.remember();
        const QString first = makeChannel(QStringLiteral("First"), QStringLiteral("webhook"), {{QStringLiteral("url"), receiver.url(QStringLiteral("/first"))}});
        const QString next = makeChannel(QStringLiteral("Next"), QStringLiteral("webhook"), {{QStringLiteral("url"), receiver.url(QStringLiteral("/next"))}});
        // Quiet all day long except for criticals: a major is held; escalation after 10 minutes to the next channel.
        const QTime now = QDateTime::currentDateTimeUtc().time();
        const QString start = QTime(now.hour(), 0).addSecs(-3600).toString(QStringLiteral("HH:mm"));
        const QString end = QTime(now.hour(), 0).addSecs(2 * 3600).toString(QStringLiteral("HH:mm"));
        QVERIFY(!makePolicy({{QStringLiteral("name"), QStringLiteral("Escalate")}, {QStringLiteral("channel_ids"), QJsonArray{first}},
                             {QStringLiteral("events"), QJsonArray{QStringLiteral("raised")}},
                             {QStringLiteral("escalation"), QJsonArray{QJsonObject{{QStringLiteral("after_s"), 600}, {QStringLiteral("channel_ids"), QJsonArray{next}}}}}})
                     .isEmpty());
        QVERIFY(!makePolicy({{QStringLiteral("name"), QStringLiteral("Quiet")}, {QStringLiteral("channel_ids"), QJsonArray{next}},
                             {QStringLiteral("events"), QJsonArray{QStringLiteral("raised")}},
                             {QStringLiteral("quiet_hours"), QJsonObject{{QStringLiteral("start"), start}, {QStringLiteral("end"), end}, {QStringLiteral("time_zone"), QStringLiteral("UTC")},
                                                                         {QStringLiteral("except_severities"), QJsonArray{QStringLiteral("critical")}}}}})
                     .isEmpty());
        QVERIFY(!makeRule().isEmpty());
        connectDevice(QStringLiteral("Fan"));
        send(85);
        QVERIFY(waitFor([&] { return receiver.received.size() == 1; }, 10000));
        QCOMPARE(receiver.received.at(0).path, QByteArray("/first"));
        QCOMPARE(deliveries(QStringLiteral("status=held")).size(), 1);
        // Ten minutes later, not acknowledged: the next channel.
        m_server->app().scheduler().runDue(QDateTime::currentMSecsSinceEpoch() + 601000);
        QVERIFY(waitFor([&] { return receiver.received.size() == 2; }, 10000));
        QCOMPARE(receiver.received.at(1).path, QByteArray("/next"));
        QCOMPARE(QJsonDocument::fromJson(receiver.received.at(1).body).object().value(QStringLiteral("event")).toString(), QStringLiteral("alert.escalated"));
        // The alert closes before the quiet hours end: the held one is skipped, not sent late.
        QCOMPARE(post(QStringLiteral("/v1/alerts/%1/acknowledge").arg(firstAlert()), {}).status, 200);
        send(20);
        m_server->app().scheduler().runDue(QDateTime::currentMSecsSinceEpoch() + 3 * 3600 * 1000);
        waitFor([] { return false; }, 500);
        QCOMPARE(receiver.received.size(), 2);
        QCOMPARE(deliveries(QStringLiteral("status=skipped")).size(), 1);
    }
};

QTEST_MAIN(TestNotifications)
#include "tst_notifications.moc"
