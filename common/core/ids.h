#pragma once

#include <QtCore/QString>
#include <QtCore/QUuid>

namespace Fleetdeck {

/// A new random (version 4) UUID in its usual text form, without braces: the id of every row the API names.
inline QString newUuid() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

} // namespace Fleetdeck
