#pragma once

#include "core/result.h"
#include "rules/rule.h"

#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <optional>

namespace Fleetdeck::Notify {

/// Where a notification goes. Each kind's `config` is checked by parseChannel; secrets in it (a webhook's HMAC
/// secret, an SMTP password, a gateway's Authorization header, a PagerDuty routing key) are never answered back.
enum class ChannelKind { Webhook, Email, Sms, PagerDuty };
QString name(ChannelKind k);
std::optional<ChannelKind> channelKind(QStringView text);

struct Channel
{
    QString id;
    QString tenantId;
    QString name;
    ChannelKind kind = ChannelKind::Webhook;
    QJsonObject config; ///< as stored, secrets included
    bool active = true;
    QString createdBy;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    /// Who one notification goes to: a delivery each (an SMS gateway takes one number per request); one empty
    /// entry for the kinds that address their receiver in the configuration.
    QStringList recipients() const;
};

/// The value answered in place of a secret; sent back unchanged in a PATCH it keeps the stored one.
inline constexpr QLatin1StringView kRedacted{"********"};

/// A channel from a request body (`previous` for a PATCH: fields not given are kept, and so are secrets sent back as
/// kRedacted). Errors name the JSON path (`/config/url: must be an http or https URL`).
[[nodiscard]] Result<Channel> parseChannel(const QJsonObject &body, const Channel *previous = nullptr);
/// The channel for answers: secrets redacted.
QJsonObject toJson(const Channel &c);

/// Hours in which only some severities are sent; the rest wait until they end (and are skipped if the alert closed
/// meanwhile). Times of day in the policy's time zone; an end before the start spans midnight.
struct QuietHours
{
    int startMinute = 0; ///< minutes after midnight
    int endMinute = 0;
    QString timeZone = QStringLiteral("UTC");
    QList<Rules::Severity> except; ///< sent even in quiet hours (e.g. critical)
};

/// "Notify the next channels if the alert is not acknowledged after N minutes."
struct EscalationStep
{
    qint64 afterMs = 0;
    QStringList channelIds;
};

/// Which alerts go where: matched on severity and rule (health alerts included unless switched off), on which
/// changes of the alert (raised, acknowledged, cleared, closed), to channels, with quiet hours and escalation.
struct Policy
{
    QString id;
    QString tenantId;
    QString name;
    QList<Rules::Severity> severities; ///< empty: every severity
    QStringList ruleIds;               ///< empty: every rule
    bool includeHealth = true;         ///< device-health alerts (no rule) too
    QStringList events;                ///< of: raised, acknowledged, cleared, closed
    QStringList channelIds;
    std::optional<QuietHours> quietHours;
    QList<EscalationStep> escalation;
    bool active = true;
    QString createdBy;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    bool matches(Rules::Severity severity, const QString &ruleId) const;
    /// Every channel the policy names, escalation steps included.
    QStringList allChannelIds() const;
};

/// The changes of an alert a policy can ask for.
const QStringList &eventNames();

[[nodiscard]] Result<Policy> parsePolicy(const QJsonObject &body, const Policy *previous = nullptr);
QJsonObject toJson(const Policy &p);
/// The stored definition (everything but id, tenant, name, activity and times).
QJsonObject definition(const Policy &p);

/// Whether `atMs` falls in the quiet hours; if so, when they end.
std::optional<qint64> quietUntil(const QuietHours &q, qint64 atMs);

/// One entry of the delivery log.
struct Delivery
{
    QString id;
    QString tenantId;
    QString channelId;
    QString channelName;
    ChannelKind channelKind = ChannelKind::Webhook;
    QString policyId;
    QString alertId;
    QString event;     ///< raised, acknowledged, cleared, closed, escalated, test
    QString recipient; ///< an SMS number; empty for the other kinds
    /// pending (waiting for its first try), held (quiet hours), sending, retrying (a try failed, another is
    /// due), delivered, failed (given up or refused for good), skipped (held for an alert that closed meanwhile),
    /// cancelled (its channel was deleted or switched off)
    QString status;
    int attempts = 0;
    QJsonObject payload; ///< what is sent: subject, text, the alert, the device
    qint64 createdAt = 0;
    qint64 nextAttemptAt = 0;
    qint64 lastAttemptAt = 0;
    qint64 deliveredAt = 0;
    int responseCode = 0;
    QString response;
    QString lastError;
    qint64 updatedAt = 0;

    bool finished() const;
};

QJsonObject toJson(const Delivery &d);

} // namespace Fleetdeck::Notify
