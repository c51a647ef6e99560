#include "notifications/sender.h"

#include "core/jsonutil.h"
#include "notifications/smtpclient.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QMessageAuthenticationCode>
#include <QtCore/QUrlQuery>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>

namespace Fleetdeck::Notify {

namespace {

constexpr int kMaxResponse = 2000;
constexpr qint64 kMaxRetryAfterMs = 3600 * 1000;
const QString kPagerDutyUrl = QStringLiteral("https://events.pagerduty.com/v2/enqueue");

QString cut(const QByteArray &answer)
{
    QString s = QString::fromUtf8(answer.left(kMaxResponse * 4)).trimmed();
    if (s.size() > kMaxResponse)
        s = s.left(kMaxResponse) + QStringLiteral("…");
    return s;
}

QString pagerDutySeverity(const QString &severity)
{
    if (severity == u"critical")
        return QStringLiteral("critical");
    if (severity == u"major")
        return QStringLiteral("error");
    if (severity == u"info")
        return QStringLiteral("info");
    return QStringLiteral("warning"); // minor, warning
}

QList<QPair<QByteArray, QByteArray>> extraHeaders(const QJsonObject &config)
{
    QList<QPair<QByteArray, QByteArray>> out;
    const QJsonObject h = config.value(QStringLiteral("headers")).toObject();
    for (auto it = h.begin(); it != h.end(); ++it)
        out.append({it.key().toLatin1(), it.value().toString().toUtf8()});
    return out;
}

} // namespace

Sender::Sender(int timeoutMs, QObject *parent) : QObject(parent), m_http(new QNetworkAccessManager(this)), m_timeoutMs(timeoutMs) {}

Sender::~Sender() = default;

QByteArray Sender::signature(const QByteArray &secret, const QByteArray &timestamp, const QByteArray &body)
{
    return "sha256=" + QMessageAuthenticationCode::hash(timestamp + '.' + body, secret, QCryptographicHash::Sha256).toHex();
}

QString Sender::pagerDutyAction(const QString &event)
{
    if (event == u"acknowledged")
        return QStringLiteral("acknowledge");
    if (event == u"cleared" || event == u"closed")
        return QStringLiteral("resolve");
    return QStringLiteral("trigger"); // raised, escalated, test
}

void Sender::send(const Channel &channel, const Attempt &a, Done done)
{
    const QJsonObject &p = a.payload;
    switch (channel.kind) {
    case ChannelKind::Webhook: {
        QJsonObject body = p;
        body.insert(QStringLiteral("id"), a.deliveryId);
        body.insert(QStringLiteral("event"), a.event == u"test" ? QStringLiteral("test") : QStringLiteral("alert.") + a.event);
        const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
        const QByteArray timestamp = QByteArray::number(QDateTime::currentSecsSinceEpoch());
        QList<QPair<QByteArray, QByteArray>> headers = extraHeaders(channel.config);
        headers.append({"X-Fleetdeck-Delivery", a.deliveryId.toLatin1()});
        headers.append({"X-Fleetdeck-Event", body.value(QStringLiteral("event")).toString().toLatin1()});
        headers.append({"X-Fleetdeck-Timestamp", timestamp});
        const QByteArray secret = channel.config.value(QStringLiteral("secret")).toString().toUtf8();
        if (!secret.isEmpty())
            headers.append({"X-Fleetdeck-Signature", signature(secret, timestamp, json)});
        return post(channel, channel.config.value(QStringLiteral("url")).toString(), "application/json", json, headers, std::move(done));
    }
    case ChannelKind::Sms: {
        const QString toField = channel.config.value(QStringLiteral("to_field")).toString(QStringLiteral("to"));
        const QString textField = channel.config.value(QStringLiteral("text_field")).toString(QStringLiteral("text"));
        const QString text = p.value(QStringLiteral("short_text")).toString();
        QList<QPair<QByteArray, QByteArray>> headers = extraHeaders(channel.config);
        if (const QString auth = channel.config.value(QStringLiteral("auth_header")).toString(); !auth.isEmpty())
            headers.append({"Authorization", auth.toUtf8()});
        headers.append({"X-Fleetdeck-Delivery", a.deliveryId.toLatin1()});
        const QString url = channel.config.value(QStringLiteral("url")).toString();
        if (channel.config.value(QStringLiteral("format")).toString() == u"form") {
            QUrlQuery form;
            form.addQueryItem(toField, a.recipient);
            form.addQueryItem(textField, text);
            return post(channel, url, "application/x-www-form-urlencoded", form.toString(QUrl::FullyEncoded).toUtf8(), headers, std::move(done));
        }
        const QJsonObject body{{toField, a.recipient}, {textField, text}, {QStringLiteral("reference"), a.deliveryId}};
        return post(channel, url, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact), headers, std::move(done));
    }
    case ChannelKind::PagerDuty: {
        const QJsonObject alert = p.value(QStringLiteral("alert")).toObject();
        const QString action = pagerDutyAction(a.event);
        // One PagerDuty incident per alert: trigger, acknowledge and resolve share its dedup key.
        const QString dedup = a.event == u"test" ? QStringLiteral("fleetdeck-test-") + a.deliveryId
                                                 : QStringLiteral("fleetdeck-") + alert.value(QStringLiteral("id")).toString();
        QJsonObject body{{QStringLiteral("routing_key"), channel.config.value(QStringLiteral("routing_key")).toString()},
                         {QStringLiteral("event_action"), action},
                         {QStringLiteral("dedup_key"), dedup},
                         {QStringLiteral("client"), QStringLiteral("Fleetdeck")}};
        if (action == u"trigger") {
            const QJsonObject device = p.value(QStringLiteral("device")).toObject();
            body.insert(QStringLiteral("payload"),
                        QJsonObject{{QStringLiteral("summary"), p.value(QStringLiteral("subject")).toString().left(1024)},
                                    {QStringLiteral("source"), device.value(QStringLiteral("name")).toString(device.value(QStringLiteral("id")).toString(QStringLiteral("fleetdeck")))},
                                    {QStringLiteral("severity"), pagerDutySeverity(alert.value(QStringLiteral("severity")).toString(QStringLiteral("info")))},
                                    {QStringLiteral("timestamp"), p.value(QStringLiteral("occurred_at"))},
                                    {QStringLiteral("component"), alert.value(QStringLiteral("metric"))},
                                    {QStringLiteral("group"), alert.value(QStringLiteral("rule_name"))},
                                    {QStringLiteral("class"), alert.value(QStringLiteral("source_key"))},
                                    {QStringLiteral("custom_details"), QJsonObject{{QStringLiteral("text"), p.value(QStringLiteral("text"))},
                                                                                   {QStringLiteral("alert"), alert}}}});
        }
        const QString url = channel.config.value(QStringLiteral("url")).toString(kPagerDutyUrl);
        return post(channel, url, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact), {}, std::move(done));
    }
    case ChannelKind::Email:
        return sendMail(channel, a, std::move(done));
    }
}

void Sender::post(const Channel &channel, const QString &url, const QByteArray &contentType, const QByteArray &body,
                  const QList<QPair<QByteArray, QByteArray>> &headers, Done done)
{
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Fleetdeck/%1").arg(QCoreApplication::applicationVersion()));
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_http->post(request, body);
    ++m_inFlight;
    const QString kind = name(channel.kind);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done), kind] {
        reply->deleteLater();
        --m_inFlight;
        Outcome o;
        o.code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        o.response = cut(reply->readAll());
        if (o.code >= 200 && o.code < 300) {
            o.kind = Outcome::Kind::Delivered;
        } else if (o.code == 0) {
            o.kind = Outcome::Kind::Retry;
            o.error = reply->error() == QNetworkReply::OperationCanceledError
                          ? QStringLiteral("no answer within %1 s").arg(m_timeoutMs / 1000)
                          : reply->errorString();
        } else {
            const bool transient = o.code == 408 || o.code == 425 || o.code == 429 || o.code >= 500;
            o.kind = transient ? Outcome::Kind::Retry : Outcome::Kind::Failed;
            o.error = QStringLiteral("the %1 receiver answered %2 %3").arg(kind).arg(o.code)
                          .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
            bool ok = false;
            const qint64 after = reply->rawHeader("Retry-After").trimmed().toLongLong(&ok);
            if (ok && after > 0)
                o.retryAfterMs = std::min(after * 1000, kMaxRetryAfterMs);
        }
        done(o);
    });
}

void Sender::sendMail(const Channel &channel, const Attempt &a, Done done)
{
    const QJsonObject &c = channel.config;
    SmtpServer server;
    server.host = c.value(QStringLiteral("host")).toString();
    server.port = quint16(c.value(QStringLiteral("port")).toInt(587));
    const QString security = c.value(QStringLiteral("security")).toString();
    server.security = security == u"tls" ? SmtpServer::Security::Tls : security == u"none" ? SmtpServer::Security::None : SmtpServer::Security::StartTls;
    server.username = c.value(QStringLiteral("username")).toString();
    server.password = c.value(QStringLiteral("password")).toString();
    server.caFile = c.value(QStringLiteral("ca_file")).toString();
    server.verifyPeer = c.value(QStringLiteral("verify_peer")).toBool(true);
    server.timeoutMs = m_timeoutMs;
    SmtpMessage m;
    m.from = c.value(QStringLiteral("from")).toString();
    for (const QJsonValue &v : c.value(QStringLiteral("to")).toArray())
        m.to << v.toString();
    m.subject = a.payload.value(QStringLiteral("subject")).toString();
    m.text = a.payload.value(QStringLiteral("text")).toString();
    // The delivery's id names the message: a receiver (or a person) sees a repeat as the same message.
    m.messageId = a.deliveryId + QStringLiteral("@fleetdeck");
    m.extraHeaders.append({"X-Fleetdeck-Delivery", a.deliveryId.toLatin1()});
    m.extraHeaders.append({"X-Fleetdeck-Event", a.event.toLatin1()});
    auto *client = new SmtpClient(this);
    ++m_inFlight;
    client->send(server, m, [this, client, done = std::move(done)](const SmtpClient::Outcome &r) {
        client->deleteLater();
        --m_inFlight;
        Outcome o;
        o.code = r.code;
        o.response = r.reply.left(kMaxResponse);
        o.error = r.error;
        o.kind = r.ok ? Outcome::Kind::Delivered : r.transient ? Outcome::Kind::Retry : Outcome::Kind::Failed;
        done(o);
    });
}

} // namespace Fleetdeck::Notify
