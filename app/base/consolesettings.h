#pragma once

#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QSettings;

/// A server the console has talked to before, as remembered in the settings.
struct RememberedServer
{
    QUrl url;                  ///< normalised origin, e.g. https://localhost:8443
    QString email;             ///< last e-mail used to sign in there
    QDateTime lastUsed;
    QByteArray trustedCaPem;   ///< platform CA the user accepted (empty: none yet)
    QString token;             ///< last bearer token (only kept when the user allows it)
    QDateTime tokenExpiresAt;
};

/// Typed access to the console's persistent settings.
///
/// Every scalar setting is declared once in a table (key, default, allowed range,
/// description) in the .cpp and validated on load: a bad value is logged and replaced by
/// its default rather than propagated into the UI.
class ConsoleSettings
{
public:
    /// Uses the application's default QSettings location.
    ConsoleSettings();
    /// Uses an explicit INI file (tests, tools).
    explicit ConsoleSettings(const QString &iniFile);
    ~ConsoleSettings();

    ConsoleSettings(const ConsoleSettings &) = delete;
    ConsoleSettings &operator=(const ConsoleSettings &) = delete;

    QString theme() const;                  ///< "light" or "dark"
    void setTheme(const QString &theme);
    QString language() const;               ///< "" = follow the system locale
    void setLanguage(const QString &language);
    int pollIntervalSeconds() const;
    int pageSize() const;                   ///< devices per GET /v1/devices request
    int lostAfterSeconds() const;
    int kioskRotateSeconds() const;
    /// Serial numbers or device ids whose views a kiosk shows in turn with the fleet.
    QStringList kioskDevices() const;
    /// Sound for new critical alarms (alerts/audible); a kiosk takes it from the settings, a desk keeps the choice.
    bool audibleAlarm() const;
    void setAudibleAlarm(bool on);
    bool rememberToken() const;
    void setRememberToken(bool remember);
    QUrl lastServer() const;

    /// Most recently used first.
    QList<RememberedServer> rememberedServers() const;
    std::optional<RememberedServer> server(const QUrl &url) const;
    /// Adds or updates the record for url (matched by origin) and marks it most recent.
    void rememberServer(const QUrl &url, const QString &email);
    void forgetServer(const QUrl &url);

    QSslCertificate trustedCa(const QUrl &url) const;
    void setTrustedCa(const QUrl &url, const QSslCertificate &ca);

    void storeToken(const QUrl &url, const QString &token, const QDateTime &expiresAt);
    void clearToken(const QUrl &url);

    void sync();
    QString fileName() const;

    /// scheme://host:port with the default port filled in; the key servers are matched by.
    static QUrl normalisedOrigin(const QUrl &url);

private:
    QVariant value(const char *key) const;
    void setValue(const char *key, const QVariant &value);
    void writeServers(const QList<RememberedServer> &servers);

    std::unique_ptr<QSettings> m_settings;
};
