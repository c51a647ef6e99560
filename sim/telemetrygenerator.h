#pragma once

#include "protocol/telemetry.h"

#include <QtCore/QRandomGenerator>
#include <QtCore/QStringList>

namespace Fleetdeck::Sim {

/// How a simulated metric moves over time.
enum class Profile { Sine, RandomWalk, Steps, Spikes, Noise };

/// Produces readings for a device: deterministic for a given seed, so a lab run can be repeated exactly.
class TelemetryGenerator
{
public:
    struct Metric
    {
        QString name;
        Profile profile;
        double base;
        double amplitude;
    };

    explicit TelemetryGenerator(quint64 seed, QList<Metric> metrics = defaultMetrics());
    static QList<Metric> defaultMetrics();
    /// One profile for every metric (the --profile option).
    static QList<Metric> metricsWithProfile(Profile p);
    static std::optional<Profile> profileFromName(QStringView name);

    QList<Telemetry::Reading> next(qint64 tsMs);

private:
    QRandomGenerator m_rng;
    QList<Metric> m_metrics;
    QList<double> m_state;
};

} // namespace Fleetdeck::Sim
