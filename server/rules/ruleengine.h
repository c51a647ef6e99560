#pragma once

#include "core/result.h"
#include "rules/evaluator.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QTimer>
#include <functional>
#include <map>
#include <memory>

namespace Fleetdeck {
namespace Storage { class Database; }
class AlertService;
class DeviceDirectory;
struct ConnectionEvent;
struct DeviceSummary;
struct LatestValue;

/// Evaluates every active rule on the committed event stream (readings committed, connections, device changes),
/// per (rule, device), and turns its transitions into alerts and commands. The durable part of each state is stored
/// in `rule_states` (written in batches, only when it changed), so a restart neither raises an alert again nor
/// forgets a duration or delay that was running; due checks (durations, delays, absences, windows) run on one timer
/// at the earliest due time, and after a restart at once for whatever fell due meanwhile.
class RuleEngine : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<qint64()>;
    /// Sends a rule's command action to a device (made by the Application around CommandService).
    using CommandSender = std::function<Status(const Rules::Rule &rule, const Rules::Action &action, const DeviceSummary &device)>;

    RuleEngine(Storage::Database &db, const DeviceDirectory &devices, AlertService &alerts, Clock clock = {}, QObject *parent = nullptr);
    ~RuleEngine() override;

    void setCommandSender(CommandSender sender) { m_sendCommand = std::move(sender); }

    /// The rules to evaluate (active or not) and their stored states; arms the timer.
    [[nodiscard]] Status start(const QList<Rules::Rule> &rules);
    /// A rule created or changed: a changed rule starts from a fresh state, and its open alerts close ("rule
    /// changed") unless only its name, description or actions changed.
    void put(const Rules::Rule &rule);
    /// A rule deleted (or deactivated): its states go and its open alerts close with `why` in their history.
    void remove(const QString &ruleId, const QString &why);

    void onReadings(const QString &deviceId, const QHash<QString, LatestValue> &values);
    void onConnection(const ConnectionEvent &e);
    void onDevice(const DeviceSummary &device);
    /// Runs every check due at `nowMs` (the timer calls it; tests call it with their clock).
    void runDue(qint64 nowMs);
    /// Stores the states that changed (the flush timer calls it; also at stop).
    void flush();

    QJsonObject health() const;

private:
    struct Compiled
    {
        Rules::Rule rule;
        QStringList metrics;
        bool timed = false;          ///< needs a state for every device in scope (absence, offline)
        bool watchesConnection = false;
        bool hasAlert = false;
    };
    struct Entry
    {
        Rules::RuleState state;
        size_t storedHash = 0;
        qint64 due = -1;
    };

    qint64 now() const;
    const QList<std::shared_ptr<const Compiled>> &rulesFor(const DeviceSummary &d);
    Entry &entry(const Compiled &c, const DeviceSummary &d, qint64 nowMs);
    void settle(const Compiled &c, const DeviceSummary &d, Entry &e, Rules::Transition t, qint64 nowMs);
    void reschedule(const Compiled &c, const QString &deviceId, Entry &e);
    void seedTimed(const Compiled &c);
    void armTimer();

    Storage::Database &m_db;
    const DeviceDirectory &m_devices;
    AlertService &m_alerts;
    Clock m_clock;
    CommandSender m_sendCommand;
    QHash<QString, std::shared_ptr<const Compiled>> m_rules;                    ///< by id
    QHash<QString, QList<std::shared_ptr<const Compiled>>> m_byDevice;          ///< scope matches, cached
    QHash<QString, QHash<QString, Entry>> m_states;                             ///< device -> rule -> state
    QHash<QString, QHash<QString, QJsonObject>> m_stored;                       ///< states read at start, not yet used
    std::multimap<qint64, std::pair<QString, QString>> m_due;                   ///< due -> (device, rule)
    QSet<std::pair<QString, QString>> m_dirty;                                  ///< (device, rule) to store
    QTimer m_timer;
    QTimer m_flushTimer;
    qint64 m_evaluations = 0;
    qint64 m_raised = 0;
    qint64 m_cleared = 0;
    qint64 m_commands = 0;
    qint64 m_commandsLimited = 0;
    qint64 m_writeFailures = 0;
};

} // namespace Fleetdeck
