#pragma once

#include <QColor>
#include <QString>

class QApplication;

/// The console's two palettes. Both are calm and neutral: colour is reserved for
/// abnormal states (warning, alarm) and never carries meaning alone.
class Theme
{
public:
    enum class Kind { Light, Dark };

    static Kind fromName(const QString &name, Kind fallback = Kind::Light);
    static QString name(Kind kind);

    /// Installs the Fusion style and the palette on the application.
    static void apply(QApplication &app, Kind kind);
    static Kind current();

    /// Semantic colours of the current theme.
    static QColor warningColor();   ///< degraded / offline / suspended
    static QColor alarmColor();     ///< down / lost
    static QColor staleTextColor(); ///< text of data that is no longer live
    static QColor bannerBackground(bool alarm);

private:
    static Kind s_current;
};
