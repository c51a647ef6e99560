#pragma once

#include "simdevice.h"

#include <QtCore/QObject>
#include <QtCore/QUrl>
#include <memory>
#include <vector>

namespace Fleetdeck::Sim {

class RestClient;

struct FleetOptions
{
    QUrl server = QUrl(QStringLiteral("https://localhost:8443"));
    QString caFile;
    QString email;
    QString password;
    QString stateDir;
    int count = 5;
    QString deviceType = QStringLiteral("sim-sensor");
    QString serialPrefix = QStringLiteral("SIM");
    QString firmwareVersion = QStringLiteral("1.0.0");
    QString mqttHost;      ///< override of what the server says
    int mqttPort = 0;      ///< override of what the server says
    int parallelRegistrations = 8;
    TelemetryOptions telemetry;  ///< ratePerSecond 0 = the devices send no telemetry
    CommandOptions commands;     ///< every device gets these, with a seed of its own derived from commands.seed
    /// Devices take firmware jobs (download, verify against the platform's signing key, reboot into the new version).
    bool firmware = true;
    FirmwareOptions::Fault firmwareFault = FirmwareOptions::Fault::None; ///< injected on the first firmwareFaultShare of the devices
    double firmwareFaultShare = 0;
};

/// A simulated fleet: registers devices through the REST API with CSRs (keys never leave the simulator), or
/// reuses them from the state directory, then connects every device with its own certificate.
class Fleet : public QObject
{
    Q_OBJECT
public:
    explicit Fleet(FleetOptions options, QObject *parent = nullptr);
    ~Fleet() override;

    /// Logs in, provisions what is missing, connects all. Emits `ready` or `failed`.
    void start();
    void stop();

    int onlineCount() const;
    /// Telemetry counters summed over all devices.
    TelemetryCounters telemetryTotals() const;
    /// Command and configuration counters summed over all devices.
    CommandCounters commandTotals() const;
    int deviceCount() const { return int(m_devices.size()); }
    int registeredNow() const { return m_registeredNow; }
    int reused() const { return m_reused; }
    const std::vector<std::unique_ptr<SimDevice>> &devices() const { return m_devices; }

Q_SIGNALS:
    void ready();
    void allOnline();
    void failed(const QString &reason);
    void progress(const QString &message);

private:
    void provisionNext();
    void onProvisioned();
    /// Fetches the platform's firmware signing key (logging in first when needed), then starts the devices.
    void prepareFirmware();
    void startDevices(const QByteArray &signingKeyPem);
    bool loadIdentity(int index, DeviceIdentity &out) const;
    QString serialFor(int index) const;
    QString deviceDir(const QString &serial) const;

    FleetOptions m_options;
    RestClient *m_rest = nullptr;
    std::vector<std::unique_ptr<SimDevice>> m_devices;
    QList<int> m_pending;
    int m_inFlight = 0;
    int m_registeredNow = 0;
    int m_reused = 0;
    int m_failedRegistrations = 0;
    bool m_allOnlineSignalled = false;
    bool m_loggedIn = false;
};

} // namespace Fleetdeck::Sim
