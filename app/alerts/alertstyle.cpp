#include "alertstyle.h"

#include "base/theme.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace AlertStyle {

QColor color(AlertInfo::Severity severity)
{
    const bool dark = Theme::current() == Theme::Kind::Dark;
    switch (severity) {
    case AlertInfo::Severity::Critical: return dark ? QColor(0xf2, 0x5a, 0x52) : QColor(0xc4, 0x16, 0x16);
    case AlertInfo::Severity::Major: return dark ? QColor(0xf5, 0x92, 0x2f) : QColor(0xd9, 0x6a, 0x00);
    case AlertInfo::Severity::Minor: return dark ? QColor(0xf2, 0xd0, 0x3a) : QColor(0xe0, 0xb4, 0x00);
    case AlertInfo::Severity::Warning: return dark ? QColor(0x5e, 0xb8, 0xf0) : QColor(0x1f, 0x73, 0xb7);
    case AlertInfo::Severity::Info: break;
    }
    return dark ? QColor(0xa0, 0xa4, 0xaa) : QColor(0x80, 0x84, 0x8a);
}

namespace {

QPixmap draw(AlertInfo::Severity severity, bool hollow, int size, qreal dpr)
{
    QPixmap pm(QSize(size, size) * dpr);
    pm.setDevicePixelRatio(dpr);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor c = color(severity);
    const qreal s = size, m = 1.5;
    QPainterPath path;
    switch (severity) {
    case AlertInfo::Severity::Critical:
        path.moveTo(s / 2, m);
        path.lineTo(s - m, s / 2);
        path.lineTo(s / 2, s - m);
        path.lineTo(m, s / 2);
        path.closeSubpath();
        break;
    case AlertInfo::Severity::Major:
        path.moveTo(s / 2, m);
        path.lineTo(s - m, s - m);
        path.lineTo(m, s - m);
        path.closeSubpath();
        break;
    case AlertInfo::Severity::Minor:
        path.addRect(QRectF(m + 1, m + 1, s - 2 * m - 2, s - 2 * m - 2));
        break;
    case AlertInfo::Severity::Warning:
    case AlertInfo::Severity::Info:
        path.addEllipse(QRectF(m, m, s - 2 * m, s - 2 * m));
        break;
    }
    const bool filled = !hollow && severity != AlertInfo::Severity::Info;
    p.setPen(QPen(filled ? c.darker(160) : c, 1.6));
    p.setBrush(filled ? QBrush(c) : Qt::NoBrush);
    p.drawPath(path);
    QFont f;
    f.setPixelSize(int(s * (severity == AlertInfo::Severity::Major ? 0.5 : 0.58)));
    f.setBold(true);
    p.setFont(f);
    // Dark digits on the light fills (minor's yellow), light ones on the saturated fills.
    const bool lightFill = filled && c.lightnessF() > 0.55;
    p.setPen(filled ? (lightFill ? QColor(0x20, 0x20, 0x20) : QColor(Qt::white)) : c);
    QRectF box(0, 0, s, s);
    if (severity == AlertInfo::Severity::Major)
        box.adjust(0, s * 0.22, 0, 0);
    p.drawText(box, Qt::AlignCenter, QString::number(int(severity)));
    return pm;
}

} // namespace

QIcon symbol(AlertInfo::Severity severity, bool hollow, int size)
{
    // Drawn once per theme, severity and phase: the table asks for them on every repaint.
    static QHash<quint64, QIcon> cache;
    const quint64 key = quint64(severity) | quint64(hollow) << 8 | quint64(size) << 16
        | quint64(Theme::current() == Theme::Kind::Dark) << 40;
    auto it = cache.find(key);
    if (it == cache.end()) {
        QIcon icon;
        icon.addPixmap(draw(severity, hollow, size, 1.0));
        icon.addPixmap(draw(severity, hollow, size, 2.0));
        it = cache.insert(key, icon);
    }
    return *it;
}

} // namespace AlertStyle
