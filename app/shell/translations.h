#pragma once

#include <QString>

class QCoreApplication;

namespace Translations {

/// Installs the console's (and, when present, Qt's own) translations for language
/// ("de", "es", "en"; empty = system locale). Returns the language actually used.
QString install(QCoreApplication &app, const QString &language);

} // namespace Translations
