#pragma once

#include "core/result.h"

#include <QtCore/QString>
#include <QtCore/QStringList>

namespace Fleetdeck::Firmware {

/// A Semantic Versioning 2.0.0 version (https://semver.org): MAJOR.MINOR.PATCH, an optional pre-release after '-'
/// and optional build metadata after '+'. Ordering follows the specification's section 11: build metadata does not
/// count, a pre-release sorts before its release, and pre-release identifiers compare numerically when both are
/// numeric, otherwise as ASCII, a numeric one before an alphanumeric one.
struct SemVer
{
    quint64 major = 0;
    quint64 minor = 0;
    quint64 patch = 0;
    QStringList preRelease; ///< the dot-separated identifiers after '-'
    QString build;          ///< after '+', kept as written

    /// "1.4.0-rc.1+build.7"; a leading 'v' is refused (it is not part of the version). The error says what is wrong.
    [[nodiscard]] static Result<SemVer> parse(const QString &text);
    QString toString() const;
};

/// <0, 0, >0 in the specification's precedence (build metadata ignored).
int compare(const SemVer &a, const SemVer &b);
inline bool operator<(const SemVer &a, const SemVer &b) { return compare(a, b) < 0; }

} // namespace Fleetdeck::Firmware
