#pragma once

#include "rules/rule.h"

#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <optional>

namespace Fleetdeck {

/// One alert: one occurrence of one rule (or health check) on one device, from when it was raised until it is both
/// cleared and acknowledged (then it is closed and the next occurrence is a new alert). States as ISA-18.2 names
/// them; shelving, suppression and out of service are set on top of the state, never instead of it.
struct Alert
{
    QString id;
    QString tenantId;
    QString sourceKey;   ///< the rule's id, or "health:<check>"
    QString ruleId;      ///< empty for health alerts
    QString ruleName;
    QString deviceId;
    Rules::Severity severity = Rules::Severity::Major;
    QString message;
    QString metric;
    std::optional<double> value;

    bool active = true;        ///< the condition holds
    bool acknowledged = false; ///< by an operator, for this occurrence
    bool closed = false;       ///< cleared and acknowledged: history
    int occurrences = 1;       ///< raised again while it was cleared but not yet acknowledged
    bool chattering = false;   ///< at least 3 transitions in a minute

    bool shelved = false;
    bool shelveOneShot = false; ///< unshelved when it clears
    qint64 shelvedUntilMs = 0;  ///< timed shelving (0: one-shot)
    QString shelvedBy;
    QString shelveNote;
    QString suppressedReason;   ///< suppressed by design ("device offline"), empty when not
    bool outOfService = false;  ///< its device is suspended
    QString assignedTo;         ///< a user id

    qint64 raisedAtMs = 0;
    qint64 lastRaisedAtMs = 0;
    qint64 clearedAtMs = 0;
    qint64 acknowledgedAtMs = 0;
    QString acknowledgedBy;
    QString acknowledgeNote;
    qint64 closedAtMs = 0;
    qint64 updatedAtMs = 0;

    /// "active_unacknowledged", "active_acknowledged", "cleared_unacknowledged", "cleared_acknowledged".
    QString state() const;
};

/// One entry of an alert's history.
struct AlertEvent
{
    qint64 atMs = 0;
    QString kind;  ///< raised, raised_again, cleared, acknowledged, closed, shelved, unshelved, assigned, suppressed, ...
    QString actor; ///< a user's e-mail, or "system"
    QString note;
};

QJsonObject toJson(const Alert &a);
QJsonObject toJson(const AlertEvent &e);

} // namespace Fleetdeck

Q_DECLARE_METATYPE(Fleetdeck::Alert)
