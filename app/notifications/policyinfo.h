#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

/// One notification policy (GET /v1/notification-policies): which alerts, which of their changes, go to which
/// channels, with quiet hours and escalation.
struct PolicyInfo
{
    Q_DECLARE_TR_FUNCTIONS(PolicyInfo)

public:
    struct QuietHours
    {
        QString start;   ///< "HH:MM"
        QString end;
        QString timeZone;
        QStringList exceptSeverities;
    };

    QString id;
    QString name;
    bool active = true;
    QStringList severities;   ///< empty: every severity
    QStringList ruleIds;      ///< empty: every rule
    bool includeHealth = true;
    QStringList events;
    QStringList channelIds;
    std::optional<QuietHours> quietHours;
    int escalationSteps = 0;
    QStringList escalationChannelIds;

    static PolicyInfo fromJson(const QJsonObject &o);

    /// Every channel the policy sends to, escalation included.
    QStringList allChannelIds() const;
    /// Which alerts, in words: "Critical, Major; 2 rules; health alerts too".
    QString alertsText() const;
    QString eventsText() const;
    QString quietHoursText() const;
};
