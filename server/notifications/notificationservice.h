#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "notifications/notification.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QTimer>

namespace Fleetdeck {
namespace Storage { class Database; }
class DeviceDirectory;
class EventBus;
class Scheduler;

namespace Notify {
class Sender;
struct Outcome;
}

struct DeliveryFilter
{
    QString status;
    QString channelId;
    QString alertId;
    QString cursor;
    int limit = 100;
};

/// Notifications: the organisation's channels (webhook, e-mail, SMS gateway, PagerDuty) and policies (which
/// alerts, which of their changes, where, quiet hours, escalation), and the delivery log.
///
/// Nothing is lost between an alert's change and its notifications: the alert's history (`alert_events`, written in
/// the alert's own transaction) is the outbox. The service reads it after each change from the last entry it handed
/// on (`notification_cursor`), and in one transaction inserts the deliveries, their scheduler jobs and the new
/// cursor; each delivery is unique by (event, channel, recipient), so a restart anywhere makes none twice. A
/// delivery is sent by its scheduler job; a receiver that is down is tried again with a growing pause (also after
/// a restart) until it answers or a day has passed. Receivers can recognise a repeat by the delivery id they get
/// (X-Fleetdeck-Delivery, the e-mail's Message-ID, PagerDuty's dedup_key).
class NotificationService : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        qint64 retryBaseMs = 10000;              ///< the first pause after a failed try; doubles each time
        qint64 retryMaxMs = 15 * 60 * 1000;      ///< the longest pause
        qint64 giveUpAfterMs = 24LL * 3600 * 1000; ///< a delivery still not through after this fails
        int attemptTimeoutMs = 30000;            ///< one try (connect, TLS, answer)
    };

    NotificationService(Storage::Database &db, Scheduler &scheduler, EventBus &bus, const DeviceDirectory &devices, Options options,
                        QObject *parent = nullptr);
    ~NotificationService() override;

    /// Reads channels and policies, defines the scheduler's jobs (before the scheduler starts) and starts reading
    /// the alert history from where the last run stopped.
    [[nodiscard]] Status load();

    [[nodiscard]] Result<Notify::Channel> createChannel(const Principal &who, const QJsonObject &body);
    [[nodiscard]] Result<QList<Notify::Channel>> channels(const Principal &who) const;
    [[nodiscard]] Result<Notify::Channel> channel(const Principal &who, const QString &id) const;
    [[nodiscard]] Result<Notify::Channel> updateChannel(const Principal &who, const QString &id, const QJsonObject &patch);
    /// 409 while a policy names it; its waiting deliveries are cancelled.
    [[nodiscard]] Status removeChannel(const Principal &who, const QString &id);
    /// A test message over the channel, as a delivery of its own (answered at once; its outcome in the log).
    [[nodiscard]] Result<Notify::Delivery> testChannel(const Principal &who, const QString &id);

    [[nodiscard]] Result<Notify::Policy> createPolicy(const Principal &who, const QJsonObject &body);
    [[nodiscard]] Result<QList<Notify::Policy>> policies(const Principal &who) const;
    [[nodiscard]] Result<Notify::Policy> policy(const Principal &who, const QString &id) const;
    [[nodiscard]] Result<Notify::Policy> updatePolicy(const Principal &who, const QString &id, const QJsonObject &patch);
    [[nodiscard]] Status removePolicy(const Principal &who, const QString &id);

    struct DeliveryPage
    {
        QList<Notify::Delivery> items; ///< newest first
        QString nextCursor;
    };
    [[nodiscard]] Result<DeliveryPage> deliveries(const Principal &who, const DeliveryFilter &filter);
    [[nodiscard]] Result<Notify::Delivery> delivery(const Principal &who, const QString &id);
    /// A failed or cancelled delivery tried again now (its attempts start again).
    [[nodiscard]] Result<Notify::Delivery> retry(const Principal &who, const QString &id);

    /// Hands on what the alert history holds beyond the cursor (the event bus calls it soon after each change).
    void drain();
    QJsonObject health() const;

private:
    struct EventRow;
    Status handOn(const EventRow &e, int &made);
    Status enqueue(const Notify::Channel &c, const QString &policyId, const QString &alertId, const QString &event, const QString &dedup,
                   const QJsonObject &payload, qint64 dueMs, bool held, int &made);
    QJsonObject message(const EventRow &e, const QString &event) const;
    Status runDeliver(const QJsonObject &payload);
    Status runEscalate(const QJsonObject &payload);
    void finish(const QString &deliveryId, const Notify::Outcome &o);
    Result<Notify::Delivery> readDelivery(const QString &id);
    Status checkChannels(const Principal &who, const Notify::Policy &p) const;
    Status storeChannel(const Notify::Channel &c, bool insert);
    Status storePolicy(const Notify::Policy &p, bool insert);
    qint64 backoff(int attempts) const;

    Storage::Database &m_db;
    Scheduler &m_scheduler;
    const DeviceDirectory &m_devices;
    Options m_options;
    Notify::Sender *m_sender = nullptr;
    QHash<QString, Notify::Channel> m_channels;
    QHash<QString, Notify::Policy> m_policies;
    QSet<QString> m_sending; ///< deliveries with a try under way
    QTimer m_drainSoon;
    qint64 m_cursor = 0;
    qint64 m_delivered = 0;
    qint64 m_retried = 0;
    qint64 m_failed = 0;
    qint64 m_skipped = 0;
    qint64 m_made = 0;
    QString m_lastError;
};

} // namespace Fleetdeck
