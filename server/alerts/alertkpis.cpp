// AlertService::kpis: alarm-system performance as EEMUA 191 measures it, read from the alert history.
#include "alerts/alertservice.h"

#include "storage/database.h"

#include <QtCore/QDateTime>
#include <algorithm>
#include <map>

namespace Fleetdeck {

namespace {

constexpr qint64 kInterval = 10 * 60 * 1000;  ///< EEMUA 191 counts alarms per operator per 10 minutes
constexpr int kFloodRaises = 10;              ///< an interval with this many raises is a flood
constexpr qint64 kStaleMs = 24LL * 3600 * 1000; ///< active longer than this is stale
constexpr qint64 kMaxRangeMs = 31LL * 24 * 3600 * 1000;
constexpr int kMaxEvents = 500000;            ///< history rows read for one answer; more are reported as truncated

} // namespace

Result<AlarmKpis> AlertService::kpis(const Principal &who, qint64 fromMs, qint64 toMs)
{
    if (toMs <= fromMs)
        return fail(Error::invalid(QStringLiteral("/to: must be after \"from\"")));
    if (toMs - fromMs > kMaxRangeMs)
        return fail(Error::invalid(QStringLiteral("/to: the range is at most 31 days")));

    // Raises (the annunciations an operator sees) and clears, with the alert they belong to. Chatter is counted on
    // both; the other figures on raises alone.
    auto q = m_db.exec(QStringLiteral("SELECT e.alert_id, e.at, e.kind, a.source_key, a.rule_name, a.device_id, a.severity "
                                      "FROM alert_events e JOIN alerts a ON a.id = e.alert_id "
                                      "WHERE e.tenant_id = :t AND e.at >= :f AND e.at < :to "
                                      "AND e.kind IN ('raised', 'raised_again', 'cleared', 'cleared_and_closed') "
                                      "ORDER BY e.alert_id, e.at, e.id LIMIT %1").arg(kMaxEvents + 1),
                       {{QStringLiteral("t"), who.tenantId}, {QStringLiteral("f"), fromMs}, {QStringLiteral("to"), toMs}});
    if (!q)
        return fail(q.error());

    std::map<qint64, int> perInterval;   // interval start -> raises
    QHash<QString, int> bySeverity;
    struct Actor
    {
        QString sourceKey, ruleName, deviceId;
        int raises = 0;
    };
    QHash<QString, Actor> actors;        // source + device
    QSet<QString> chattering;
    QString currentAlert;
    std::deque<qint64> window;           // transitions of the current alert within the last minute
    int raises = 0, events = 0;
    while (q->next()) {
        if (++events > kMaxEvents)
            break;
        const QString alertId = q->value(0).toString();
        const qint64 at = q->value(1).toLongLong();
        const QString kind = q->value(2).toString();
        if (alertId != currentAlert) {
            currentAlert = alertId;
            window.clear();
        }
        window.push_back(at);
        while (window.front() <= at - kChatterWindowMs)
            window.pop_front();
        if (int(window.size()) >= kChatterTransitions)
            chattering.insert(alertId);
        if (kind != u"raised" && kind != u"raised_again")
            continue;
        ++raises;
        ++perInterval[fromMs + (at - fromMs) / kInterval * kInterval];
        const QString severity = q->value(6).toString();
        bySeverity[severity] += 1;
        const QString sourceKey = q->value(3).toString(), deviceId = q->value(5).toString();
        Actor &a = actors[sourceKey + QLatin1Char('\n') + deviceId];
        a.sourceKey = sourceKey;
        a.ruleName = q->value(4).toString();
        a.deviceId = deviceId;
        ++a.raises;
    }

    AlarmKpis out;
    out.fromMs = fromMs;
    out.toMs = toMs;
    out.intervalS = kInterval / 1000;
    out.raised = raises;
    out.floodThreshold = kFloodRaises;
    out.truncated = events > kMaxEvents;
    const qint64 intervals = (toMs - fromMs + kInterval - 1) / kInterval;
    int peak = 0;
    qint64 peakAt = 0;
    for (const auto &[start, count] : perInterval) {
        if (count > peak) {
            peak = count;
            peakAt = start;
        }
        if (count >= kFloodRaises)
            out.floods.append({start, start + kInterval, count});
    }
    out.averagePerInterval = intervals ? double(raises) / double(intervals) : 0.0;
    out.peakPerInterval = peak;
    if (peak)
        out.peakAtMs = peakAt;
    out.floodTimeShare = intervals ? double(out.floods.size()) / double(intervals) : 0.0;
    out.chattering = qint64(chattering.size());

    QList<Actor> ranked = actors.values();
    std::sort(ranked.begin(), ranked.end(), [](const Actor &a, const Actor &b) {
        return a.raises != b.raises ? a.raises > b.raises : std::tie(a.sourceKey, a.deviceId) < std::tie(b.sourceKey, b.deviceId);
    });
    for (const Actor &a : ranked.mid(0, 10)) {
        const bool health = a.sourceKey.startsWith(u"health:"); // a rule's source key is its id
        out.badActors.append({health ? a.sourceKey : QStringLiteral("rule"), health ? QString() : a.sourceKey, a.ruleName, a.deviceId, a.raises,
                              raises ? double(a.raises) / raises : 0.0});
    }

    for (const Rules::Severity s : {Rules::Severity::Critical, Rules::Severity::Major, Rules::Severity::Minor, Rules::Severity::Warning, Rules::Severity::Info}) {
        const int n = bySeverity.value(Rules::name(s));
        out.priorityMix.append({s, n, raises ? double(n) / raises : 0.0});
    }

    // Stale: a snapshot, as EEMUA 191 counts standing alarms: active now, last raised more than 24 h ago.
    const qint64 staleBefore = now() - kStaleMs;
    const bool pg = m_db.dialect() == Storage::Dialect::Postgres;
    auto st = m_db.exec(QStringLiteral("SELECT id FROM alerts WHERE tenant_id = :t AND closed_at IS NULL AND active = %1 AND last_raised_at < :b "
                                       "ORDER BY last_raised_at, id").arg(pg ? QStringLiteral("TRUE") : QStringLiteral("1")),
                        {{QStringLiteral("t"), who.tenantId}, {QStringLiteral("b"), staleBefore}});
    if (!st)
        return fail(st.error());
    while (st->next()) {
        ++out.stale;
        if (out.staleAlertIds.size() < 100)
            out.staleAlertIds.append(st->value(0).toString());
    }
    return out;
}

} // namespace Fleetdeck
