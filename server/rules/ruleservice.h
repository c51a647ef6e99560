#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "rules/rule.h"

#include <QtCore/QHash>
#include <QtCore/QList>
#include <functional>

namespace Fleetdeck {
namespace Storage { class Database; }
class DeviceDirectory;
class RuleEngine;
class TelemetryHistory;

/// When a backtest's rule would have raised and cleared its alert.
struct BacktestFiring
{
    qint64 raisedAtMs = 0;
    qint64 clearedAtMs = 0; ///< 0 while it was still active at the range's end
    QString metric;
    double value = 0;
};

struct BacktestResult
{
    QString deviceId;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    QList<BacktestFiring> firings;
    qint64 readings = 0;
    double elapsedMs = 0;
    bool truncated = false;    ///< more firings than kMaxFirings: the first ones are given
    QStringList notes;         ///< what a backtest cannot see (connection changes)
};

/// The tenants' rules: stored definitions (`rules`), validated by Rules::parse, handed to the RuleEngine on every
/// change; and backtests of a saved or unsaved rule over a device's stored history.
class RuleService
{
public:
    static constexpr int kMaxRulesPerTenant = 500;
    static constexpr int kMaxFirings = 10000;

    RuleService(Storage::Database &db, const DeviceDirectory &devices, RuleEngine &engine, TelemetryHistory &history);

    /// Reads every stored rule (for the engine's start).
    [[nodiscard]] Result<QList<Rules::Rule>> load();

    [[nodiscard]] Result<Rules::Rule> create(const Principal &who, const QJsonObject &body);
    [[nodiscard]] Result<QList<Rules::Rule>> list(const Principal &who);
    [[nodiscard]] Result<Rules::Rule> get(const Principal &who, const QString &ruleId);
    /// A partial update: the given top-level fields replace the stored ones (null removes an optional one), then the
    /// whole rule is validated again.
    [[nodiscard]] Result<Rules::Rule> update(const Principal &who, const QString &ruleId, const QJsonObject &patch);
    [[nodiscard]] Status remove(const Principal &who, const QString &ruleId);

    struct BacktestRequest
    {
        std::optional<Rules::Rule> rule; ///< an unsaved rule, or
        QString ruleId;                  ///< a saved one
        QString deviceId;
        qint64 fromMs = 0;
        qint64 toMs = 0;
    };
    /// Parses a backtest body ({"rule": {...}} or {"rule_id": ...}, "device_id", "from", "to").
    [[nodiscard]] Result<BacktestRequest> backtestRequest(const Principal &who, const QJsonObject &body);
    /// Runs it on the history reader's thread; `done` runs on this thread.
    void backtestLater(const Principal &who, const BacktestRequest &request, std::function<void(Result<BacktestResult>)> done);
    /// Runs it here (tests, and the WebSocket API's synchronous calls).
    [[nodiscard]] Result<BacktestResult> backtest(const Principal &who, const BacktestRequest &request);

private:
    Status store(const Rules::Rule &rule, bool insert);

    Storage::Database &m_db;
    const DeviceDirectory &m_devices;
    RuleEngine &m_engine;
    TelemetryHistory &m_history;
    QHash<QString, Rules::Rule> m_rules; ///< every tenant's, by id
};

QJsonObject toJson(const BacktestResult &r);
/// A saved rule as the API answers it: its definition with id, version, times and owner.
QJsonObject ruleAnswer(const Rules::Rule &rule);

} // namespace Fleetdeck
