#pragma once

#include "fleet/device.h"
#include "fleet/health.h"

#include <QDateTime>
#include <QWidget>

class QLabel;
class OverviewTile;

/// Level-1 overview above the table: fleet counts and server health. Every tile links
/// down: clicking it puts the matching filter into the table.
class OverviewBar : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewBar(QWidget *parent = nullptr);

    void setDevices(const QList<Device> &devices);
    void setHealth(const std::optional<HealthStatus> &health, const QString &problem = {});
    void setStale(bool stale);

    /// The text currently shown on a tile (tests, screen readers): "total", "online",
    /// "offline", "suspended", "never", "ingest", "commands", "health".
    QString tileText(const QString &tile) const;

Q_SIGNALS:
    void filterRequested(const QString &filter);

private:
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
