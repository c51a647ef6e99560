#pragma once

#include "auth/principal.h"
#include "commands/commandtypes.h"
#include "core/result.h"

#include <QtCore/QJsonObject>
#include <QtCore/QString>

namespace Fleetdeck {
class CommandService;

namespace Storage { class Database; }

/// Group commands: one command to every device of a target (ids, a device type or tags) in the caller's tenant,
/// stored as a job with one command row per device in one transaction, then handed to CommandService to send
/// paced. A job's counts per state are read from its commands' rows.
class GroupJobs
{
public:
    struct Options
    {
        int maxGroupTargets = 100000; ///< device ids (or tags) a target may list
    };

    GroupJobs(Storage::Database &db, CommandService &commands, Options options);

    /// A group command from its request body (the command's fields and "target"), every mistake named as the API
    /// answers it; the job as stored, its commands handed to CommandService.
    [[nodiscard]] Result<GroupJob> sendGroup(const Principal &who, const QJsonObject &body);
    [[nodiscard]] Result<GroupJob> job(const Principal &who, const QString &jobId);
    [[nodiscard]] Result<Page<GroupJob>> jobs(const Principal &who, const QString &cursor, int limit);

private:
    Result<GroupJob> loadJob(const QString &tenantId, const QString &jobId);

    Storage::Database &m_db;
    CommandService &m_commands;
    Options m_options;
};

} // namespace Fleetdeck
