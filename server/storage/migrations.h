#pragma once

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace Fleetdeck::Storage {

/// One schema step. Migrations are append-only: a released one is never edited, a change is a new version.
struct Migration
{
    int version;
    QString name;
    QStringList sqlite;
    QStringList postgres;
};

const QList<Migration> &migrations();

} // namespace Fleetdeck::Storage
