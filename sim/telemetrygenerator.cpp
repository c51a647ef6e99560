#include "telemetrygenerator.h"

#include <cmath>

namespace Fleetdeck::Sim {

TelemetryGenerator::TelemetryGenerator(quint64 seed, QList<Metric> metrics) : m_rng(quint32(seed ^ (seed >> 32))), m_metrics(std::move(metrics))
{
    for (const Metric &m : m_metrics)
        m_state << m.base;
}

QList<TelemetryGenerator::Metric> TelemetryGenerator::defaultMetrics()
{
    return {{QStringLiteral("temperature"), Profile::Sine, 21.0, 4.0},
            {QStringLiteral("humidity"), Profile::RandomWalk, 45.0, 10.0},
            {QStringLiteral("power"), Profile::Steps, 120.0, 40.0}};
}

QList<TelemetryGenerator::Metric> TelemetryGenerator::metricsWithProfile(Profile p)
{
    QList<Metric> m = defaultMetrics();
    for (Metric &x : m)
        x.profile = p;
    return m;
}

std::optional<Profile> TelemetryGenerator::profileFromName(QStringView n)
{
    if (n == u"sine") return Profile::Sine;
    if (n == u"random-walk") return Profile::RandomWalk;
    if (n == u"steps") return Profile::Steps;
    if (n == u"spikes") return Profile::Spikes;
    if (n == u"noise") return Profile::Noise;
    return std::nullopt;
}

QList<Telemetry::Reading> TelemetryGenerator::next(qint64 tsMs)
{
    QList<Telemetry::Reading> out;
    out.reserve(m_metrics.size());
    const double t = double(tsMs) / 1000.0;
    for (qsizetype i = 0; i < m_metrics.size(); ++i) {
        const Metric &m = m_metrics[i];
        const double noise = (m_rng.generateDouble() - 0.5) * m.amplitude * 0.05;
        double v = m.base;
        switch (m.profile) {
        case Profile::Sine: // one period every 10 minutes
            v = m.base + m.amplitude * std::sin(2 * M_PI * t / 600.0) + noise;
            break;
        case Profile::RandomWalk:
            m_state[i] = std::clamp(m_state[i] + (m_rng.generateDouble() - 0.5) * m.amplitude * 0.1, m.base - m.amplitude, m.base + m.amplitude);
            v = m_state[i];
            break;
        case Profile::Steps: // a new level every 2 minutes
            if (qint64(t) % 120 == 0 || m_state[i] == m.base)
                m_state[i] = m.base + std::round((m_rng.generateDouble() - 0.5) * 4) * m.amplitude / 2;
            v = m_state[i] + noise;
            break;
        case Profile::Spikes: // quiet, with a spike on about 2 % of readings
            v = m.base + noise + (m_rng.bounded(100) < 2 ? m.amplitude * (2 + m_rng.generateDouble()) : 0);
            break;
        case Profile::Noise:
            v = m.base + (m_rng.generateDouble() - 0.5) * m.amplitude;
            break;
        }
        Telemetry::Reading r;
        r.metric = m.name;
        r.value = std::round(v * 1000) / 1000;
        out << r;
    }
    return out;
}

} // namespace Fleetdeck::Sim
