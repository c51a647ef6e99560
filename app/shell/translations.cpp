#include "translations.h"

#include "base/logcategories.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace Translations {

QString install(QCoreApplication &app, const QString &language)
{
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    const QString code = locale.name().section(u'_', 0, 0);
    if (code == u"en" || code == u"C") {
        // English needs only its plural forms ("1 rule", "2 rules"): fleetdeck_en.ts holds just those.
        auto *plurals = new QTranslator(&app);
        if (plurals->load(u":/i18n/fleetdeck_en.qm"_s))
            QCoreApplication::installTranslator(plurals);
        else
            delete plurals;
        return u"en"_s;
    }

    auto *own = new QTranslator(&app);
    if (own->load(locale, u"fleetdeck"_s, u"_"_s, u":/i18n"_s)) {
        QCoreApplication::installTranslator(own);
        QLocale::setDefault(locale);
    } else {
        qCInfo(lcAppShell) << "No console translation for" << locale.name() << "- using English";
        delete own;
        return u"en"_s;
    }

    auto *qt = new QTranslator(&app);
    if (qt->load(locale, u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;   // Qt's own strings stay English; ours are translated regardless
    return code;
}

} // namespace Translations
