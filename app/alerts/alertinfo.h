#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

/// One alert as the server reports it (GET /v1/alerts, the WebSocket's alert.changed).
struct AlertInfo
{
    Q_DECLARE_TR_FUNCTIONS(AlertInfo)

public:
    /// ISA-18.2 priorities, highest first; the numbers are what the console shows next to the symbol.
    enum class Severity { Critical = 1, Major = 2, Minor = 3, Warning = 4, Info = 5 };

    QString id;
    QString ruleId;       ///< empty for device-health alerts
    QString ruleName;
    QString source;       ///< "rule" or "health:<check>"
    QString deviceId;
    Severity severity = Severity::Info;
    bool active = false;
    bool acknowledged = false;
    bool closed = false;
    QString message;
    QString metric;
    double value = 0;
    bool hasValue = false;
    int occurrences = 0;
    bool chattering = false;
    bool shelved = false;
    bool shelvedOneShot = false;
    QDateTime shelvedUntil;
    QString shelvedBy;
    QString shelveNote;
    QString suppressed;   ///< the reason, empty when not suppressed by design
    bool outOfService = false;
    QString assignedTo;   ///< a user id
    QDateTime raisedAt;
    QDateTime lastRaisedAt;
    QDateTime clearedAt;
    QDateTime acknowledgedAt;
    QString acknowledgedBy;
    QString acknowledgeNote;
    QDateTime closedAt;
    QDateTime updatedAt;

    static AlertInfo fromJson(const QJsonObject &o);
    static Severity severityFromName(const QString &name);
    static QString severityName(Severity s);   ///< the API's spelling
    static QString severityLabel(Severity s);  ///< translated

    /// Active and nobody has acknowledged this occurrence: the state that flashes.
    bool isUnacknowledgedActive() const { return active && !acknowledged && !closed; }
    /// Returned to normal but not acknowledged yet (ISA-18.2 "RTN unacknowledged").
    bool isReturnedUnacknowledged() const { return !active && !acknowledged && !closed; }
    /// Hidden from the operator's attention by a decision or by design: shelved, suppressed or out of service.
    bool isSidelined() const { return shelved || !suppressed.isEmpty() || outOfService; }
    QString stateLabel() const;                ///< translated
    /// Shelving, suppression, chattering and out-of-service in words; empty when none applies.
    QString conditionsLabel() const;
    /// The rule's name, or the health check's name in words.
    QString sourceLabel() const;
};
