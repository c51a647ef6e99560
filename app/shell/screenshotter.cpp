#include "screenshotter.h"

#include "base/logcategories.h"

#include <QApplication>
#include <QDir>
#include <QTimer>
#include <QWidget>

using namespace Qt::StringLiterals;

Screenshotter::Screenshotter(const QString &directory, int delayMs, QObject *parent)
    : QObject(parent)
    , m_directory(directory)
{
    QTimer::singleShot(delayMs, this, [this]() {
        const QStringList files = grabAll();
        qCInfo(lcAppShell) << "Screenshots written:" << files;
        QCoreApplication::exit(files.isEmpty() ? 1 : 0);
    });
}

QStringList Screenshotter::grabAll() const
{
    QDir().mkpath(m_directory);
    QStringList written;
    const QWidgetList windows = QApplication::topLevelWidgets();
    for (QWidget *w : windows) {
        if (!w->isVisible() || w->objectName().isEmpty())
            continue;
        const QString file = QDir(m_directory).filePath(w->objectName() + u".png"_s);
        if (w->grab().save(file))
            written << file;
        else
            qCWarning(lcAppShell) << "Could not write" << file;
    }
    return written;
}
