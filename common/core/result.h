#pragma once

#include <QtCore/QString>
#include <expected>

namespace Fleetdeck {

/// Error categories shared by server, console and simulator. They map onto HTTP statuses at the API edge.
enum class ErrorCode {
    Invalid,        ///< malformed or semantically wrong input (422 / 400)
    NotFound,       ///< no such object, or not visible to the caller (404)
    Conflict,       ///< uniqueness or state conflict (409)
    Unauthorized,   ///< missing or bad credentials (401)
    Forbidden,      ///< authenticated but not allowed (403)
    TooLarge,       ///< input over a size bound (413)
    Unavailable,    ///< a dependency (database, broker) is down (503)
    Internal,       ///< a bug or an unexpected failure (500)
};

struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;

    static Error invalid(QString m) { return {ErrorCode::Invalid, std::move(m)}; }
    static Error notFound(QString m) { return {ErrorCode::NotFound, std::move(m)}; }
    static Error conflict(QString m) { return {ErrorCode::Conflict, std::move(m)}; }
    static Error unauthorized(QString m) { return {ErrorCode::Unauthorized, std::move(m)}; }
    static Error forbidden(QString m) { return {ErrorCode::Forbidden, std::move(m)}; }
    static Error tooLarge(QString m) { return {ErrorCode::TooLarge, std::move(m)}; }
    static Error unavailable(QString m) { return {ErrorCode::Unavailable, std::move(m)}; }
    static Error internal(QString m) { return {ErrorCode::Internal, std::move(m)}; }
};

QString errorCodeName(ErrorCode code);

template<typename T>
using Result = std::expected<T, Error>;

/// Result of an operation that yields nothing but may fail.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

} // namespace Fleetdeck
