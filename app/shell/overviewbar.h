#pragma once

#include "alerts/alertinfo.h"
#include "fleet/device.h"
#include "fleet/health.h"

#include <QDateTime>
#include <QWidget>
#include <array>
#include <optional>

class AlarmTile;
class QLabel;
class OverviewTile;

/// Level-1 overview above the table: open alarms, fleet counts and server health. Every tile links
/// down: clicking a device tile puts the matching filter into the table, clicking the alarms tile asks
/// for the alarm list.
class OverviewBar : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewBar(QWidget *parent = nullptr);

    void setDevices(const QList<Device> &devices);
    void setHealth(const std::optional<HealthStatus> &health, const QString &problem = {});
    void setStale(bool stale);

    /// The open alarms of the organisation, per priority. Shelved, suppressed and out-of-service alerts are
    /// counted apart (sidelined): they are set aside by a decision or by design and call for nobody.
    struct AlarmCounts
    {
        /// Index: priority number minus 1 (AlertInfo::Severity: critical = 1 … info = 5).
        std::array<int, 5> active{};           ///< the condition holds now
        std::array<int, 5> unacknowledged{};   ///< active or returned to normal, nobody acknowledged it
        int sidelined = 0;                     ///< open, but shelved, suppressed or out of service

        int totalActive() const;
        int totalUnacknowledged() const;
        std::optional<AlertInfo::Severity> highestActive() const;
        std::optional<AlertInfo::Severity> highestUnacknowledged() const;
        /// Counts the open alerts of a list as above (closed ones are skipped).
        static AlarmCounts count(const QList<AlertInfo> &alerts);
        bool operator==(const AlarmCounts &) const = default;
    };
    /// The alarms tile shows these counts; until the first call (and after clearAlarmCounts) it shows "–".
    void setAlarmCounts(const AlarmCounts &counts);
    /// The counts are not known (the list could not be read): "no data", never "0".
    void clearAlarmCounts();

    /// The text currently shown on a tile (tests, screen readers): "alarms", "alarmsDetail", "total",
    /// "online", "offline", "suspended", "never", "ingest", "commands", "health".
    QString tileText(const QString &tile) const;

Q_SIGNALS:
    void filterRequested(const QString &filter);
    /// The alarms tile was clicked (or activated with the keyboard): show the alarm list.
    void alarmsClicked();

private:
    AlarmTile *m_alarms;
    std::optional<AlarmCounts> m_alarmCounts;
    void renderAlarms();
    OverviewTile *m_total;
    OverviewTile *m_online;
    OverviewTile *m_offline;
    OverviewTile *m_suspended;
    OverviewTile *m_neverSeen;
    OverviewTile *m_ingest;
    OverviewTile *m_commands;
    OverviewTile *m_health;
    /// The previous health sample, for the ingest rate.
    qint64 m_lastStored = -1;
    QDateTime m_lastStoredAt;
    double m_ingestRate = -1;
    void render();

    QList<Device> m_devices;
    bool m_hasDevices = false;
    std::optional<HealthStatus> m_healthStatus;
    QString m_healthProblem;
    bool m_stale = false;
};
