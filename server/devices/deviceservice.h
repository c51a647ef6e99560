#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "devices/devicedirectory.h"
#include "protocol/messages.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QStringList>

namespace Fleetdeck {
namespace Storage { class Database; }
namespace Pki { class CertificateAuthority; }
class IBrokerControl;

struct DeviceRecord
{
    QString id;
    QString tenantId;
    QString serialNumber;
    QString deviceType;
    QString name;
    QString status;      ///< provisioned | active | suspended | decommissioned
    QString connection;  ///< online | offline
    QString firmwareVersion;
    QDateTime lastSeenAt;
    QStringList tags;
    QJsonObject metadata;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString certificateSerial;
    QDateTime certificateExpiresAt;

    QJsonObject toJson() const;
};

struct DeviceFilter
{
    QString status;
    QString connection;
    QString deviceType;
    QString tag;
    QString text;
    QString cursor;
    int limit = 100;
};

struct DevicePage
{
    QList<DeviceRecord> items;
    QString nextCursor;
};

struct MqttEndpoint
{
    QString host;
    quint16 port = 8883;
};

/// A device just registered, with what it needs to connect: its certificate (and key, when the server made it), the
/// CA and the MQTT endpoint. The private key is known only now; it is never stored.
struct RegisteredDevice
{
    DeviceRecord device;
    QString certificatePem;
    QString certificateSerial;
    QString certificateFingerprint; ///< SHA-256, as stored
    QDateTime certificateExpiresAt;
    QString caCertificatePem;
    QString privateKeyPem;          ///< empty when the device sent a CSR (its key stays on the device)
    MqttEndpoint mqtt;
};

/// Device Identity & Lifecycle: registration with certificates, lifecycle states, connection state from the
/// broker. Every call is scoped to the principal's tenant here, in one place.
class DeviceService : public QObject
{
    Q_OBJECT
public:
    DeviceService(Storage::Database &db, const Pki::CertificateAuthority &ca, IBrokerControl &broker,
                  QString pkiDir, MqttEndpoint endpoint, QObject *parent = nullptr);

    /// Reads every device's summary into the directory.
    [[nodiscard]] Status start();
    /// Every device's summary, current after each commit here.
    const DeviceDirectory &directory() const { return m_directory; }

    /// POST /v1/devices (the request body). The result carries the device plus certificate material.
    [[nodiscard]] Result<RegisteredDevice> registerDevice(const Principal &who, const QJsonObject &body);
    [[nodiscard]] Result<DeviceRecord> get(const Principal &who, const QString &id);
    [[nodiscard]] Result<DevicePage> list(const Principal &who, const DeviceFilter &filter);
    [[nodiscard]] Result<DeviceRecord> update(const Principal &who, const QString &id, const QJsonObject &patch);
    [[nodiscard]] Result<DeviceRecord> suspend(const Principal &who, const QString &id);
    [[nodiscard]] Result<DeviceRecord> resume(const Principal &who, const QString &id);
    [[nodiscard]] Result<DeviceRecord> decommission(const Principal &who, const QString &id);

    /// Stores a device's decoded status (DevicePresence decodes it): connection, last seen (live messages only),
    /// firmware version; a first connection makes a provisioned device active. True when the record changed (false
    /// for a suspended or decommissioned device, which stays offline whatever it says).
    [[nodiscard]] Result<bool> recordStatus(const QString &deviceId, const Messages::DeviceStatus &status, bool retained);

    /// Devices the broker must refuse (suspended or decommissioned).
    [[nodiscard]] Result<QStringList> blockedDeviceIds();
    /// Rewrites pki/crl.pem from the revoked certificates in the database.
    [[nodiscard]] Status writeCrl();

    /// Certificates issued to devices are valid this long.
    static constexpr int kDeviceCertificateDays = 825;

Q_SIGNALS:
    /// Registered, changed (PATCH) or moved in its lifecycle (first connection, suspend, resume, decommission); not
    /// emitted for a mere connection change (the broker link's status messages carry those).
    void deviceChanged(const Fleetdeck::DeviceSummary &device);

private:
    Result<DeviceRecord> load(const QString &tenantId, const QString &id);
    Result<DeviceRecord> transition(const Principal &who, const QString &id, const QString &action);
    /// The directory takes the committed record and the change is announced.
    void announce(const DeviceRecord &record);

    Storage::Database &m_db;
    const Pki::CertificateAuthority &m_ca;
    IBrokerControl &m_broker;
    QString m_pkiDir;
    MqttEndpoint m_endpoint;
    DeviceDirectory m_directory;
};

} // namespace Fleetdeck
