#pragma once

#include "alertinfo.h"

#include <QColor>
#include <QIcon>

/// How alert priorities look (ISA-101): each has its own colour, shape and number, so that none is told by colour
/// alone; everything normal stays grey.
namespace AlertStyle {

QColor color(AlertInfo::Severity severity);
/// The priority's symbol: critical a diamond, major a triangle, minor a square, warning a circle, info a ring; the
/// priority number inside. hollow draws it as an outline (the off phase of a flashing alarm, or returned to normal).
QIcon symbol(AlertInfo::Severity severity, bool hollow, int size = 18);

} // namespace AlertStyle
