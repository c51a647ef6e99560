#pragma once

#include <QObject>
#include <QString>

/// For documentation and UI review: after a delay, saves every visible top-level window
/// as <dir>/<objectName>.png and quits the application.
class Screenshotter : public QObject
{
    Q_OBJECT

public:
    Screenshotter(const QString &directory, int delayMs, QObject *parent = nullptr);

    /// Grabs now; returns the files written.
    QStringList grabAll() const;

private:
    QString m_directory;
};
