#include "consolesettings.h"

#include "logcategories.h"

#include <QSettings>

#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;

namespace {

struct SettingSpec
{
    const char *key;
    QVariant defaultValue;
    std::function<bool(const QVariant &)> isValid;
    const char *description;
};

bool isOneOf(const QVariant &v, std::initializer_list<QStringView> allowed)
{
    const QString s = v.toString();
    return std::ranges::any_of(allowed, [&](QStringView a) { return a == s; });
}

bool isIntIn(const QVariant &v, int low, int high)
{
    bool ok = false;
    const int i = v.toInt(&ok);
    return ok && i >= low && i <= high;
}

// The single declaration of every scalar setting.
const std::vector<SettingSpec> &specs()
{
    static const std::vector<SettingSpec> table = {
        {"ui/theme", u"light"_s,
         [](const QVariant &v) { return isOneOf(v, {u"light", u"dark"}); },
         "Colour palette: light or dark."},
        {"ui/language", QString(),
         [](const QVariant &v) { return isOneOf(v, {u"", u"en", u"de", u"es"}); },
         "UI language (en, de, es); empty follows the system locale."},
        {"fleet/pollIntervalSeconds", 5,
         [](const QVariant &v) { return isIntIn(v, 1, 300); },
         "Seconds between two refreshes of the fleet table (1..300)."},
        {"fleet/pageSize", 500,
         [](const QVariant &v) { return isIntIn(v, 1, 1000); },
         "Devices asked for per request while listing the fleet (1..1000; the server allows 1000)."},
        {"link/lostAfterSeconds", 30,
         [](const QVariant &v) { return isIntIn(v, 5, 3600); },
         "Seconds of failed refreshes after which the link counts as lost (5..3600)."},
        {"kiosk/rotateSeconds", 20,
         [](const QVariant &v) { return isIntIn(v, 5, 3600); },
         "Kiosk mode: seconds each view stays on screen before the next one (5..3600)."},
        {"kiosk/devices", QString(),
         [](const QVariant &v) { return v.toString().size() <= 10000; },
         "Kiosk mode: serial numbers or device ids, separated by commas, whose device views rotate with the fleet view."},
        {"alerts/audible", false,
         [](const QVariant &v) { return v.canConvert<bool>(); },
         "Sound for new critical alarms (a beep, repeated while one is unacknowledged); a kiosk wall takes it from here."},
        {"connection/rememberToken", false,
         [](const QVariant &v) { return v.canConvert<bool>(); },
         "Keep the session token so the console (or a kiosk) can reconnect without a password."},
        {"connection/lastServer", QString(),
         [](const QVariant &v) { return v.toString().isEmpty() || QUrl(v.toString()).isValid(); },
         "URL of the server used last."},
    };
    return table;
}

const SettingSpec *findSpec(const char *key)
{
    for (const SettingSpec &spec : specs()) {
        if (qstrcmp(spec.key, key) == 0)
            return &spec;
    }
    return nullptr;
}

} // namespace

ConsoleSettings::ConsoleSettings()
    : m_settings(std::make_unique<QSettings>())
{
}

ConsoleSettings::ConsoleSettings(const QString &iniFile)
    : m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{
}

ConsoleSettings::~ConsoleSettings() = default;

QVariant ConsoleSettings::value(const char *key) const
{
    const SettingSpec *spec = findSpec(key);
    Q_ASSERT_X(spec, "ConsoleSettings::value", "setting not declared in specs()");
    const QString k = QString::fromLatin1(key);
    if (!m_settings->contains(k))
        return spec->defaultValue;
    const QVariant stored = m_settings->value(k);
    if (!spec->isValid(stored)) {
        qCWarning(lcAppSettings) << "Ignoring invalid value" << stored << "for" << key
                                 << "(" << spec->description << ")";
        return spec->defaultValue;
    }
    return stored;
}

void ConsoleSettings::setValue(const char *key, const QVariant &value)
{
    const SettingSpec *spec = findSpec(key);
    Q_ASSERT_X(spec, "ConsoleSettings::setValue", "setting not declared in specs()");
    if (!spec->isValid(value)) {
        qCWarning(lcAppSettings) << "Refusing to store invalid value" << value << "for" << key;
        return;
    }
    m_settings->setValue(QString::fromLatin1(key), value);
}

QString ConsoleSettings::theme() const { return value("ui/theme").toString(); }
void ConsoleSettings::setTheme(const QString &theme) { setValue("ui/theme", theme); }
QString ConsoleSettings::language() const { return value("ui/language").toString(); }
void ConsoleSettings::setLanguage(const QString &language) { setValue("ui/language", language); }
int ConsoleSettings::pollIntervalSeconds() const { return value("fleet/pollIntervalSeconds").toInt(); }
int ConsoleSettings::pageSize() const { return value("fleet/pageSize").toInt(); }
int ConsoleSettings::kioskRotateSeconds() const
{
    return value("kiosk/rotateSeconds").toInt();
}

QStringList ConsoleSettings::kioskDevices() const
{
    QStringList out;
    for (const QString &part : value("kiosk/devices").toString().split(u',', Qt::SkipEmptyParts))
        if (const QString t = part.trimmed(); !t.isEmpty())
            out << t;
    return out;
}

int ConsoleSettings::lostAfterSeconds() const { return value("link/lostAfterSeconds").toInt(); }
bool ConsoleSettings::audibleAlarm() const { return value("alerts/audible").toBool(); }
void ConsoleSettings::setAudibleAlarm(bool on) { setValue("alerts/audible", on); }
bool ConsoleSettings::rememberToken() const { return value("connection/rememberToken").toBool(); }
void ConsoleSettings::setRememberToken(bool remember) { setValue("connection/rememberToken", remember); }
QUrl ConsoleSettings::lastServer() const { return QUrl(value("connection/lastServer").toString()); }

QUrl ConsoleSettings::normalisedOrigin(const QUrl &url)
{
    QUrl origin;
    origin.setScheme(url.scheme().toLower());
    origin.setHost(url.host().toLower());
    const int defaultPort = url.scheme().compare(u"http"_s, Qt::CaseInsensitive) == 0 ? 80 : 443;
    origin.setPort(url.port(defaultPort));
    return origin;
}

QList<RememberedServer> ConsoleSettings::rememberedServers() const
{
    QList<RememberedServer> servers;
    const int count = m_settings->beginReadArray(u"servers"_s);
    for (int i = 0; i < count; ++i) {
        m_settings->setArrayIndex(i);
        RememberedServer s;
        s.url = QUrl(m_settings->value(u"url"_s).toString());
        if (!s.url.isValid() || s.url.host().isEmpty()) {
            qCWarning(lcAppSettings) << "Skipping remembered server with invalid URL" << s.url;
            continue;
        }
        s.url = normalisedOrigin(s.url);
        s.email = m_settings->value(u"email"_s).toString();
        s.lastUsed = m_settings->value(u"lastUsed"_s).toDateTime();
        s.trustedCaPem = m_settings->value(u"caPem"_s).toByteArray();
        s.token = m_settings->value(u"token"_s).toString();
        s.tokenExpiresAt = m_settings->value(u"tokenExpiresAt"_s).toDateTime();
        servers.append(s);
    }
    m_settings->endArray();
    std::ranges::stable_sort(servers, [](const RememberedServer &a, const RememberedServer &b) {
        return a.lastUsed > b.lastUsed;
    });
    return servers;
}

void ConsoleSettings::writeServers(const QList<RememberedServer> &servers)
{
    m_settings->remove(u"servers"_s);
    m_settings->beginWriteArray(u"servers"_s, int(servers.size()));
    for (int i = 0; i < servers.size(); ++i) {
        const RememberedServer &s = servers.at(i);
        m_settings->setArrayIndex(i);
        m_settings->setValue(u"url"_s, s.url.toString());
        m_settings->setValue(u"email"_s, s.email);
        m_settings->setValue(u"lastUsed"_s, s.lastUsed);
        if (!s.trustedCaPem.isEmpty())
            m_settings->setValue(u"caPem"_s, s.trustedCaPem);
        if (!s.token.isEmpty()) {
            m_settings->setValue(u"token"_s, s.token);
            m_settings->setValue(u"tokenExpiresAt"_s, s.tokenExpiresAt);
        }
    }
    m_settings->endArray();
}

std::optional<RememberedServer> ConsoleSettings::server(const QUrl &url) const
{
    const QUrl origin = normalisedOrigin(url);
    for (const RememberedServer &s : rememberedServers()) {
        if (s.url == origin)
            return s;
    }
    return std::nullopt;
}

void ConsoleSettings::rememberServer(const QUrl &url, const QString &email)
{
    const QUrl origin = normalisedOrigin(url);
    QList<RememberedServer> servers = rememberedServers();
    auto it = std::ranges::find_if(servers, [&](const RememberedServer &s) { return s.url == origin; });
    if (it == servers.end()) {
        servers.append(RememberedServer{origin, {}, {}, {}, {}, {}});
        it = servers.end() - 1;
    }
    it->email = email;
    it->lastUsed = QDateTime::currentDateTimeUtc();
    writeServers(servers);
    setValue("connection/lastServer", origin.toString());
}

void ConsoleSettings::forgetServer(const QUrl &url)
{
    const QUrl origin = normalisedOrigin(url);
    QList<RememberedServer> servers = rememberedServers();
    servers.removeIf([&](const RememberedServer &s) { return s.url == origin; });
    writeServers(servers);
}

QSslCertificate ConsoleSettings::trustedCa(const QUrl &url) const
{
    const auto s = server(url);
    if (!s || s->trustedCaPem.isEmpty())
        return QSslCertificate();
    const QList<QSslCertificate> certs = QSslCertificate::fromData(s->trustedCaPem, QSsl::Pem);
    if (certs.size() != 1) {
        qCWarning(lcAppSettings) << "Stored CA for" << url << "is unreadable; treating server as untrusted";
        return QSslCertificate();
    }
    return certs.first();
}

void ConsoleSettings::setTrustedCa(const QUrl &url, const QSslCertificate &ca)
{
    const QUrl origin = normalisedOrigin(url);
    QList<RememberedServer> servers = rememberedServers();
    auto it = std::ranges::find_if(servers, [&](const RememberedServer &s) { return s.url == origin; });
    if (it == servers.end()) {
        servers.append(RememberedServer{origin, {}, QDateTime::currentDateTimeUtc(), {}, {}, {}});
        it = servers.end() - 1;
    }
    it->trustedCaPem = ca.isNull() ? QByteArray() : ca.toPem();
    writeServers(servers);
}

void ConsoleSettings::storeToken(const QUrl &url, const QString &token, const QDateTime &expiresAt)
{
    const QUrl origin = normalisedOrigin(url);
    QList<RememberedServer> servers = rememberedServers();
    auto it = std::ranges::find_if(servers, [&](const RememberedServer &s) { return s.url == origin; });
    if (it == servers.end())
        return;
    it->token = token;
    it->tokenExpiresAt = expiresAt;
    writeServers(servers);
}

void ConsoleSettings::clearToken(const QUrl &url)
{
    storeToken(url, {}, {});
}

void ConsoleSettings::sync() { m_settings->sync(); }
QString ConsoleSettings::fileName() const { return m_settings->fileName(); }
