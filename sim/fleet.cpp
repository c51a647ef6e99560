#include "fleet.h"

#include <cmath>

#include "pki/certificateauthority.h"
#include "restclient.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLoggingCategory>
#include <QtNetwork/QSslCertificate>

Q_LOGGING_CATEGORY(lcSim, "fleetdeck.sim.fleet", QtInfoMsg)

namespace Fleetdeck::Sim {

Fleet::Fleet(FleetOptions options, QObject *parent) : QObject(parent), m_options(std::move(options))
{
    m_rest = new RestClient(m_options.server, m_options.caFile, this);
}

Fleet::~Fleet() = default;

QString Fleet::serialFor(int index) const
{
    return QStringLiteral("%1-%2").arg(m_options.serialPrefix).arg(index + 1, 5, 10, QLatin1Char('0'));
}

QString Fleet::deviceDir(const QString &serial) const { return m_options.stateDir + QStringLiteral("/devices/") + serial; }

bool Fleet::loadIdentity(int index, DeviceIdentity &out) const
{
    const QString dir = deviceDir(serialFor(index));
    QFile f(dir + QStringLiteral("/device.json"));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    out.deviceId = o.value(QStringLiteral("device_id")).toString();
    out.serialNumber = serialFor(index);
    out.certFile = dir + QStringLiteral("/cert.pem");
    out.keyFile = dir + QStringLiteral("/key.pem");
    out.caFile = dir + QStringLiteral("/ca.pem");
    const QJsonObject mqtt = o.value(QStringLiteral("mqtt")).toObject();
    out.mqttHost = m_options.mqttHost.isEmpty() ? mqtt.value(QStringLiteral("host")).toString() : m_options.mqttHost;
    out.mqttPort = quint16(m_options.mqttPort > 0 ? m_options.mqttPort : mqtt.value(QStringLiteral("port")).toInt());
    return !out.deviceId.isEmpty() && QFileInfo::exists(out.certFile) && QFileInfo::exists(out.keyFile);
}

void Fleet::start()
{
    if (auto st = m_rest->loadCa(); !st) {
        Q_EMIT failed(st.error().message);
        return;
    }
    QDir().mkpath(m_options.stateDir + QStringLiteral("/devices"));
    m_devices.resize(size_t(m_options.count));
    for (int i = 0; i < m_options.count; ++i) {
        DeviceIdentity id;
        if (loadIdentity(i, id)) {
            ++m_reused;
            m_devices[size_t(i)] = std::make_unique<SimDevice>(id, m_options.firmwareVersion);
        } else {
            m_pending << i;
        }
    }
    Q_EMIT progress(QStringLiteral("%1 devices from %2, %3 to register").arg(m_reused).arg(m_options.stateDir).arg(m_pending.size()));
    if (m_pending.isEmpty()) {
        // Nothing to register: the devices need the broker, not the API.
        onProvisioned();
        return;
    }
    m_rest->login(m_options.email, m_options.password, [this](const RestReply &r) {
        if (r.status != 200) {
            Q_EMIT failed(QStringLiteral("login to %1 as %2 failed: %3").arg(m_options.server.toString(), m_options.email,
                                                                             r.error.isEmpty() ? QStringLiteral("HTTP %1").arg(r.status) : r.error));
            return;
        }
        m_loggedIn = true;
        for (int i = 0; i < m_options.parallelRegistrations; ++i)
            provisionNext();
    });
}

void Fleet::provisionNext()
{
    if (m_pending.isEmpty())
        return;
    const int index = m_pending.takeFirst();
    const QString serial = serialFor(index);
    auto keyAndCsr = Pki::makeKeyAndRequest(serial);
    if (!keyAndCsr) {
        Q_EMIT failed(keyAndCsr.error().message);
        return;
    }
    ++m_inFlight;
    const QJsonObject body{{QStringLiteral("serial_number"), serial},
                           {QStringLiteral("device_type"), m_options.deviceType},
                           {QStringLiteral("name"), QStringLiteral("Simulated %1").arg(serial)},
                           {QStringLiteral("tags"), QJsonArray{QStringLiteral("simulated")}},
                           {QStringLiteral("csr"), QString::fromLatin1(keyAndCsr->second)}};
    m_rest->request("POST", QStringLiteral("/v1/devices"), body, [this, index, serial, key = keyAndCsr->first](const RestReply &r) {
        --m_inFlight;
        if (r.status == 201) {
            const QString dir = deviceDir(serial);
            QDir().mkpath(dir);
            bool ok = Pki::writeFileAtomically(dir + QStringLiteral("/key.pem"), key, true).has_value()
                      && Pki::writeFileAtomically(dir + QStringLiteral("/cert.pem"), r.body.value(QStringLiteral("certificate")).toString().toLatin1(), false).has_value()
                      && Pki::writeFileAtomically(dir + QStringLiteral("/ca.pem"), r.body.value(QStringLiteral("ca_certificate")).toString().toLatin1(), false).has_value();
            QJsonObject meta{{QStringLiteral("device_id"), r.body.value(QStringLiteral("device_id"))},
                             {QStringLiteral("serial_number"), serial},
                             {QStringLiteral("mqtt"), r.body.value(QStringLiteral("mqtt"))}};
            ok = ok && Pki::writeFileAtomically(dir + QStringLiteral("/device.json"), QJsonDocument(meta).toJson(), false).has_value();
            DeviceIdentity id;
            if (ok && loadIdentity(index, id)) {
                ++m_registeredNow;
                m_devices[size_t(index)] = std::make_unique<SimDevice>(id, m_options.firmwareVersion);
            } else {
                ++m_failedRegistrations;
                qCWarning(lcSim) << "could not save the identity of" << serial << "in" << dir;
            }
        } else {
            ++m_failedRegistrations;
            qCWarning(lcSim).noquote() << "registration of" << serial << "failed:" << (r.status ? QStringLiteral("HTTP %1: ").arg(r.status) : QString()) + r.error;
        }
        if (m_pending.isEmpty() && m_inFlight == 0)
            onProvisioned();
        else
            provisionNext();
    });
}

void Fleet::onProvisioned()
{
    // Drop the slots whose registration failed; the rest connect.
    std::erase_if(m_devices, [](const std::unique_ptr<SimDevice> &d) { return !d; });
    if (m_devices.empty()) {
        Q_EMIT failed(QStringLiteral("no device could be registered or loaded"));
        return;
    }
    Q_EMIT progress(QStringLiteral("%1 registered now, %2 reused, %3 failed; connecting").arg(m_registeredNow).arg(m_reused).arg(m_failedRegistrations));
    if (m_options.firmware)
        prepareFirmware();
    else
        startDevices({});
}

void Fleet::prepareFirmware()
{
    const auto fetchKey = [this] {
        m_rest->request("GET", QStringLiteral("/v1/firmware/signing-key"), {}, [this](const RestReply &r) {
            const QByteArray pem = r.body.value(QStringLiteral("public_key_pem")).toString().toLatin1();
            if (r.status != 200 || pem.isEmpty())
                qCWarning(lcSim).noquote() << "no firmware signing key from the server (devices will refuse every image):"
                                           << (r.status ? QStringLiteral("HTTP %1 %2").arg(r.status).arg(r.error) : r.error);
            startDevices(pem);
        });
    };
    if (m_loggedIn) {
        fetchKey();
        return;
    }
    m_rest->login(m_options.email, m_options.password, [this, fetchKey](const RestReply &r) {
        if (r.status != 200) {
            qCWarning(lcSim).noquote() << "login for the firmware signing key failed; devices start without firmware updates:" << r.error;
            m_options.firmware = false;
            startDevices({});
            return;
        }
        m_loggedIn = true;
        fetchKey();
    });
}

void Fleet::startDevices(const QByteArray &signingKeyPem)
{
    FirmwareOptions firmware;
    firmware.signingKeyPem = signingKeyPem;
    firmware.tls = QSslConfiguration::defaultConfiguration();
    firmware.tls.setCaCertificates(QSslCertificate::fromPath(m_options.caFile, QSsl::Pem));
    const size_t faulty = size_t(std::ceil(m_options.firmwareFaultShare * double(m_devices.size())));
    for (const auto &dev : m_devices) {
        if (m_options.firmware) {
            FirmwareOptions mine = firmware;
            if (size_t(&dev - &m_devices.front()) < faulty)
                mine.fault = m_options.firmwareFault;
            dev->enableFirmware(*m_rest->network(), mine, m_options.deviceType);
        }
        connect(dev.get(), &SimDevice::online, this, [this] {
            if (!m_allOnlineSignalled && onlineCount() == deviceCount()) {
                m_allOnlineSignalled = true;
                Q_EMIT allOnline();
            }
        });
        connect(dev.get(), &SimDevice::offline, this, [this, d = dev.get()](const QString &reason) {
            qCInfo(lcSim) << d->identity().serialNumber << "offline:" << reason;
        });
        const quint64 index = quint64(&dev - &m_devices.front());
        CommandOptions c = m_options.commands;
        c.seed = m_options.commands.seed * 1000003ULL + index;
        dev->setCommandOptions(c);
        if (m_options.telemetry.ratePerSecond > 0) {
            TelemetryOptions t = m_options.telemetry;
            t.seed = m_options.telemetry.seed * 1000003ULL + index;
            dev->startTelemetry(t);
        }
        if (auto st = dev->start(); !st)
            qCWarning(lcSim) << dev->identity().serialNumber << "cannot start:" << st.error().message;
    }
    Q_EMIT ready();
}

void Fleet::stop()
{
    for (const auto &dev : m_devices)
        if (dev) {
            disconnect(dev.get(), &SimDevice::offline, this, nullptr);
            dev->stop();
        }
}

TelemetryCounters Fleet::telemetryTotals() const
{
    TelemetryCounters sum;
    for (const auto &d : m_devices) {
        if (!d)
            continue;
        const TelemetryCounters &c = d->counters();
        sum.generated += c.generated;
        sum.published += c.published;
        sum.resent += c.resent;
        sum.acked += c.acked;
        sum.dropped += c.dropped;
    }
    return sum;
}

CommandCounters Fleet::commandTotals() const
{
    CommandCounters sum;
    for (const auto &d : m_devices) {
        if (!d)
            continue;
        const CommandCounters &c = d->commandCounters();
        sum.commandsReceived += c.commandsReceived;
        sum.commandsSucceeded += c.commandsSucceeded;
        sum.commandsFailed += c.commandsFailed;
        sum.commandsRejected += c.commandsRejected;
        sum.configsApplied += c.configsApplied;
    }
    return sum;
}

int Fleet::onlineCount() const
{
    return int(std::count_if(m_devices.begin(), m_devices.end(), [](const auto &d) { return d && d->isOnline(); }));
}

} // namespace Fleetdeck::Sim
