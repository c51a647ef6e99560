#pragma once

#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <memory>
#include <utility>
#include <vector>

namespace Fleetdeck {

/// A latest value of one metric of one device, served from memory.
struct LatestValue
{
    qint64 ts = 0;
    double value = 0;
    QString text;
    bool isText = false;
    quint64 batch = 0; ///< the batch that last changed it (after-commit bookkeeping)
};

} // namespace Fleetdeck

Q_DECLARE_METATYPE(Fleetdeck::LatestValue)

namespace Fleetdeck::TelemetryStore {

/// One stored reading: narrow and numeric-first.
struct Row
{
    qint64 deviceKey = 0;
    int metricId = 0;
    qint64 ts = 0;
    qint64 seq = 0;   ///< the message's seq: with device, metric and ts the row's identity
    double value = 0;
    QString text;
    bool isText = false;
};

/// How far a device got in one batch: its high-water seq and newest timestamp.
struct DeviceProgress
{
    qint64 deviceKey = 0;
    QString deviceId;
    qint64 lastSeq = 0;
    qint64 lastTs = 0;
    qint64 receivedMs = 0; ///< server time of the newest message (last_seen_at)
};

/// A device's first readings: the key the service gave it, stored with the batch.
struct NewDevice
{
    qint64 key = 0;
    QString deviceId;
    QString tenantId;
};

struct Batch
{
    quint64 id = 0;
    std::vector<Row> rows;
    QHash<qint64, DeviceProgress> progress; ///< by device key
    std::vector<NewDevice> newDevices;               ///< devices first keyed for this batch: stored with it
    std::vector<std::pair<int, QString>> newMetrics; ///< metric names first used in this batch (id, name): stored with it
    int messages = 0;
    qint64 firstEnqueuedNs = 0;             ///< steady clock, for publish -> commit latency
};

struct BatchResult
{
    quint64 id = 0;
    QHash<qint64, DeviceProgress> progress;
    /// Handed back for the latest-value cache and the event stream; shared, as the queued signal copies the result.
    std::shared_ptr<const std::vector<Row>> rows;
    int messages = 0;
    qint64 commitNs = 0;   ///< steady clock at COMMIT
    qint64 firstEnqueuedNs = 0;
    int attempts = 1;
};

} // namespace Fleetdeck::TelemetryStore

Q_DECLARE_METATYPE(Fleetdeck::TelemetryStore::BatchResult)
