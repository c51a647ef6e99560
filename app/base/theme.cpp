#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

using namespace Qt::StringLiterals;

Theme::Kind Theme::s_current = Theme::Kind::Light;

Theme::Kind Theme::fromName(const QString &name, Kind fallback)
{
    if (name.compare(u"dark"_s, Qt::CaseInsensitive) == 0)
        return Kind::Dark;
    if (name.compare(u"light"_s, Qt::CaseInsensitive) == 0)
        return Kind::Light;
    return fallback;
}

QString Theme::name(Kind kind)
{
    return kind == Kind::Dark ? u"dark"_s : u"light"_s;
}

namespace {

QPalette lightPalette()
{
    QPalette p;
    const QColor window(0xec, 0xed, 0xef);
    const QColor base(0xfa, 0xfa, 0xfb);
    const QColor text(0x20, 0x22, 0x25);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0xf0, 0xf1, 0xf3));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf4));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x84, 0x8a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0xe2, 0xe4, 0xe7));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, QColor(0x4a, 0x6f, 0x96));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x2d, 0x5a, 0x8c));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9a, 0x9d, 0xa2));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9a, 0x9d, 0xa2));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9a, 0x9d, 0xa2));
    return p;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x26, 0x28, 0x2b);
    const QColor base(0x1c, 0x1d, 0x20);
    const QColor text(0xd8, 0xda, 0xdd);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x23, 0x25, 0x28));
    p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x35, 0x39));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x84, 0x8a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x33, 0x35, 0x39));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, QColor(0x3e, 0x5f, 0x82));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xe0));
    p.setColor(QPalette::Light, QColor(0x3a, 0x3c, 0x40));
    p.setColor(QPalette::Midlight, QColor(0x32, 0x34, 0x38));
    p.setColor(QPalette::Mid, QColor(0x2a, 0x2c, 0x2f));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6c, 0x70, 0x75));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6c, 0x70, 0x75));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6c, 0x70, 0x75));
    return p;
}

} // namespace

void Theme::apply(QApplication &app, Kind kind)
{
    s_current = kind;
    if (QStyle *fusion = QStyleFactory::create(u"Fusion"_s))
        app.setStyle(fusion);
    app.setPalette(kind == Kind::Dark ? darkPalette() : lightPalette());
}

Theme::Kind Theme::current() { return s_current; }

QColor Theme::warningColor()
{
    return s_current == Kind::Dark ? QColor(0xf0, 0xb0, 0x4a) : QColor(0x9a, 0x5b, 0x00);
}

QColor Theme::alarmColor()
{
    return s_current == Kind::Dark ? QColor(0xf2, 0x6b, 0x63) : QColor(0xb0, 0x1e, 0x1e);
}

QColor Theme::staleTextColor()
{
    return s_current == Kind::Dark ? QColor(0x6c, 0x70, 0x75) : QColor(0x9a, 0x9d, 0xa2);
}

QColor Theme::bannerBackground(bool alarm)
{
    if (s_current == Kind::Dark)
        return alarm ? QColor(0x5a, 0x1f, 0x1c) : QColor(0x4d, 0x3b, 0x15);
    return alarm ? QColor(0xf6, 0xd5, 0xd2) : QColor(0xf7, 0xe6, 0xc4);
}
