#pragma once

#include "core/result.h"

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <optional>
#include <vector>

namespace Fleetdeck {
struct DeviceSummary;
}

namespace Fleetdeck::Rules {

/// ISA-18.2 priorities as the API names them, most urgent first.
enum class Severity { Critical, Major, Minor, Warning, Info };
QString name(Severity s);
std::optional<Severity> severity(QStringView text);

enum class Op { Gt, Ge, Lt, Le, Eq, Ne };
enum class Agg { Avg, Min, Max, Count };

/// One node of a rule's condition tree. Leaves look at one metric (or the connection); `all`/`any` combine them.
struct Condition
{
    enum class Type {
        Threshold,    ///< metric op value
        Range,        ///< metric outside (or inside) [min, max]
        RateOfChange, ///< change per second between consecutive readings, op value
        Aggregate,    ///< avg/min/max/count of the metric over the last window, op value
        Absence,      ///< no telemetry (of the metric, or of any metric) for `absenceMs`
        Offline,      ///< the device offline for `absenceMs`
        All,
        Any,
    };
    Type type = Type::Threshold;
    QString metric;
    Op op = Op::Gt;
    double value = 0;
    double min = 0, max = 0;
    bool outside = true;   ///< range: true when the value leaves [min, max]; false: when it is inside
    Agg agg = Agg::Avg;
    qint64 windowMs = 0;   ///< aggregate window
    qint64 absenceMs = 0;  ///< absence / offline: how long
    qint64 forMs = 0;      ///< "for 60 s": the leaf holds only once its test held that long without a break
    int repeat = 0;        ///< "3 times in 5 min": the test held in at least `repeat` readings within `repeatWindowMs`
    qint64 repeatWindowMs = 0;
    /// Once true, a threshold/range/rate/aggregate test lets go only when the value is past the limit by this much
    /// (hysteresis against a value hovering at the limit).
    double deadband = 0;
    std::vector<Condition> children;

    bool isLeaf() const { return type != Type::All && type != Type::Any; }
    /// Whether its truth can change with time alone (without a reading): durations, absence, windows.
    bool isTimed() const;
};

struct Action
{
    enum class Type { Alert, Command };
    Type type = Type::Alert;
    Severity severity = Severity::Major;
    QString message;     ///< template: {device.id} {device.name} {rule.name} {metric} {value} {severity}
    QString command;     ///< command name
    QJsonObject params;
    qint64 minIntervalMs = 60000; ///< a command action runs at most this often per device (never a loop)
};

/// Which of the tenant's devices a rule watches: every constraint given must hold (type, all tags, one of the ids);
/// none given is the whole tenant.
struct Scope
{
    QString deviceType;
    QStringList tags;
    QStringList deviceIds;

    bool matches(const DeviceSummary &d) const;
};

struct Rule
{
    QString id;
    QString tenantId;
    QString name;
    QString description;
    Scope scope;
    Condition condition;
    Condition clear;          ///< optional explicit return-to-normal condition (hasClear)
    bool hasClear = false;
    std::vector<Action> actions;
    qint64 onDelayMs = 0;     ///< ISA-18.2 on-delay: the condition must hold this long before the alert is raised
    qint64 offDelayMs = 0;    ///< off-delay: it must stay false this long before the alert clears
    bool active = true;
    qint64 version = 1;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QString createdBy;

    /// The severity of its alert action (info when it only sends commands).
    Severity severity() const;
    /// Every metric its conditions read.
    QStringList metrics() const;
};

/// A rule from its JSON body (a POST, or a PATCH merged onto the stored document). Errors name the JSON path:
/// `/condition/op: unknown operator "=>"` (422).
[[nodiscard]] Result<Rule> parse(const QJsonObject &body);
/// The rule's JSON form: the API's answer and the stored document (definition fields only; id, times and owner are
/// the caller's to add).
QJsonObject toJson(const Rule &rule);
QJsonObject toJson(const Condition &c);

/// A message template filled in.
QString render(const QString &templ, const QHash<QString, QString> &values);

} // namespace Fleetdeck::Rules
