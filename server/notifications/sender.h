#pragma once

#include "notifications/notification.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Fleetdeck::Notify {

/// What one try of a delivery did.
struct Outcome
{
    enum class Kind { Delivered, Retry, Failed } kind = Kind::Retry;
    int code = 0;          ///< the HTTP status or the last SMTP reply code
    QString response;      ///< the receiver's answer (cut to 2,000 characters)
    QString error;         ///< why it did not arrive
    qint64 retryAfterMs = 0; ///< the receiver asked for at least this pause (HTTP Retry-After)
};

/// One delivery's message, made when the alert changed (what is sent does not change with later edits).
struct Attempt
{
    QString deliveryId;
    QString event;     ///< raised, acknowledged, cleared, closed, escalated, test
    QString recipient; ///< an SMS number
    QJsonObject payload;
};

/// Sends one try of a delivery over its channel, on the event loop: webhooks (JSON, HMAC-SHA256 signed), SMS
/// gateways and the PagerDuty Events API v2 over HTTP(S), e-mail over SMTP. Classifies the answer: 2xx delivered;
/// 408, 425, 429, 5xx, a refused or lost connection or a timeout are tried again; other 4xx fail for good.
class Sender : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const Outcome &)>;
    explicit Sender(int timeoutMs, QObject *parent = nullptr);
    ~Sender() override;

    void send(const Channel &channel, const Attempt &attempt, Done done);
    int inFlight() const { return m_inFlight; }

    /// "sha256=<hex>" of HMAC-SHA256(secret, timestamp + "." + body): what a webhook receiver recomputes.
    static QByteArray signature(const QByteArray &secret, const QByteArray &timestamp, const QByteArray &body);
    /// The PagerDuty event action of an alert change: trigger, acknowledge or resolve.
    static QString pagerDutyAction(const QString &event);

private:
    void post(const Channel &channel, const QString &url, const QByteArray &contentType, const QByteArray &body,
              const QList<QPair<QByteArray, QByteArray>> &headers, Done done);
    void sendMail(const Channel &channel, const Attempt &attempt, Done done);

    QNetworkAccessManager *m_http = nullptr;
    int m_timeoutMs;
    int m_inFlight = 0;
};

} // namespace Fleetdeck::Notify
