#pragma once

#include "protocol/states.h"

#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QList>
#include <QtCore/QString>
#include <array>
#include <optional>

/// The commands area's values as the services give and take them: no JSON shapes of the API here (those are
/// api/commandapi.cpp's), so the rule engine and rollouts can send and read commands from C++.
namespace Fleetdeck {

/// A command to one device, as asked. Unset times take CommandService::Options' defaults.
struct CommandRequest
{
    QString type;             ///< 1 to 64 characters of a-z, 0-9, _ . -, starting with a letter
    QJsonObject payload;      ///< what the device gets with it; at most Commands::kMaxCommandPayloadBytes compact
    std::optional<int> timeoutS; ///< from sent to a final reply
    std::optional<int> ttlS;     ///< from created to sent
};

/// A command as stored: its state and the time of each state it passed.
struct Command
{
    QString id;
    QString tenantId;
    QString deviceId;
    QString jobId;            ///< the group command it belongs to; empty for one sent alone
    QString type;
    QJsonObject payload;
    States::CommandState state = States::CommandState::Queued;
    int timeoutS = 0;
    int ttlS = 0;
    QString createdBy;        ///< the sender's e-mail; empty when unknown
    qint64 createdMs = 0;
    qint64 expiresMs = 0;
    std::optional<qint64> sentMs;
    std::optional<qint64> deliveredMs;
    std::optional<qint64> finishedMs;
    QJsonValue result;        ///< the device's result (object or array); null when none
    QString error;
    QJsonValue lateReply;     ///< the first reply that came after the command was final; null when none
};

/// A device a group command left out, and why.
struct SkippedDevice
{
    QString deviceId;
    QString reason;
};

/// A group command: one command per target device, with the counts of its commands per state.
struct GroupJob
{
    QString id;
    QString tenantId;
    QString type;
    QJsonObject payload;
    QJsonObject target;       ///< as asked: {"device_ids": [...]}, {"device_type": "..."} or {"tags": [...]}
    int timeoutS = 0;
    int ttlS = 0;
    qint64 total = 0;         ///< commands made
    std::array<qint64, States::kCommandStateNames.size()> counts{}; ///< by States::CommandState
    bool running = false;     ///< some of its commands are not final yet
    QList<SkippedDevice> skipped;
    QString createdBy;
    qint64 createdMs = 0;
    std::optional<qint64> finishedMs; ///< when the last one finished; unset while running
};

/// The device twin: the desired configuration (versioned) and the one the device last reported.
struct TwinConfig
{
    QString deviceId;
    QJsonObject desired;
    qint64 desiredVersion = 0;
    std::optional<qint64> desiredMs;
    QString desiredBy;
    std::optional<QJsonObject> reported; ///< unset until the device reports
    qint64 reportedVersion = 0;
    std::optional<qint64> reportedMs;
    QJsonObject delta;        ///< desired values the report does not carry (Commands::configDelta)
    bool inSync = false;      ///< the device applied the current version and reports every desired value
};

/// One page of a newest-first listing; `nextCursor` is empty on the last page.
template<typename T>
struct Page
{
    QList<T> items;
    QString nextCursor;
};

} // namespace Fleetdeck
