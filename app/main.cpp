// fleetdeck – the desktop console. Parses the command line and opens the first window;
// everything else lives in the fleetdeck_app library.

#include "connection/certificateinfo.h"
#include "base/consolesettings.h"
#include "base/logcategories.h"
#include "base/theme.h"
#include "shell/connectdialog.h"
#include "shell/consoleoptions.h"
#include "rules/rulesview.h"
#include "shell/mainwindow.h"
#include "alerts/alertsview.h"
#include "shell/screenshotter.h"
#include "shell/translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QHash>
#include <QFile>
#include <QScreen>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

ConsoleOptions parseOptions(const QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Fleetdeck console – watch and manage a Fleetdeck device fleet."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption kiosk(u"kiosk"_s,
        u"Wall-screen mode: full screen, read-only, no dialogs. Signs in with the saved session or "
        "FLEETDECK_EMAIL / FLEETDECK_PASSWORD."_s);
    const QCommandLineOption theme(u"theme"_s, u"Colour theme: dark or light."_s, u"theme"_s);
    const QCommandLineOption lang(u"lang"_s, u"User interface language: en, de or es."_s, u"code"_s);
    const QCommandLineOption server(u"server"_s, u"Server address (default: FLEETDECK_SERVER, then the last one)."_s,
                                    u"url"_s);
    const QCommandLineOption email(u"email"_s, u"E-mail to sign in with (default: FLEETDECK_EMAIL)."_s, u"email"_s);
    const QCommandLineOption caFile(u"ca-file"_s,
        u"Trust this PEM file as the platform CA of the server (pre-provisioning instead of trust on first use)."_s,
        u"file"_s);
    const QCommandLineOption connect(u"connect"_s, u"Press Connect at start-up when the form is complete."_s);
    const QCommandLineOption screenshot(u"screenshot"_s, u"Save the open windows as PNG files into dir, then quit."_s,
                                        u"dir"_s);
    const QCommandLineOption delay(u"screenshot-delay"_s, u"Milliseconds to wait before --screenshot (4000)."_s,
                                   u"ms"_s, u"4000"_s);
    const QCommandLineOption openDevice(u"open-device"_s,
                                        u"Open this device (serial number or id) once signed in; repeatable."_s,
                                        u"device"_s);
    const QCommandLineOption deviceTab(u"device-tab"_s, u"Tab of the opened device: telemetry, commands or twin."_s,
                                       u"tab"_s, u"telemetry"_s);
    const QCommandLineOption view(u"view"_s, u"The tab to show at start: fleet, alerts, alerts-kpis, rules or channels."_s, u"view"_s);
    const QCommandLineOption rule(u"rule"_s, u"Open this rule (by name) in the Rules tab at start."_s, u"name"_s);
    const QCommandLineOption backtest(u"backtest"_s, u"With --rule: run its backtest on this device (serial number) at start."_s,
                                      u"serial"_s);
    const QCommandLineOption backtestRange(u"backtest-range"_s, u"The backtest's range: 15m, 1h, 24h (default), 7d or 30d."_s,
                                           u"range"_s);
    parser.addOptions({kiosk, theme, lang, server, email, caFile, connect, screenshot, delay, openDevice, deviceTab, view,
                       rule, backtest, backtestRange});
    parser.process(app);

    ConsoleOptions o;
    o.kiosk = parser.isSet(kiosk);
    o.theme = parser.value(theme);
    o.language = parser.value(lang);
    const QString serverText = parser.isSet(server) ? parser.value(server) : qEnvironmentVariable("FLEETDECK_SERVER");
    if (!serverText.isEmpty())
        o.server = QUrl(serverText);
    o.email = parser.isSet(email) ? parser.value(email) : qEnvironmentVariable("FLEETDECK_EMAIL");
    o.password = qEnvironmentVariable("FLEETDECK_PASSWORD");
    o.caFile = parser.value(caFile);
    o.autoConnect = parser.isSet(connect);
    o.openDevices = parser.values(openDevice);
    o.deviceTab = parser.value(deviceTab);
    o.rule = parser.value(rule);
    o.backtestSerial = parser.value(backtest);
    if (parser.isSet(backtestRange)) {
        static const QHash<QString, qint64> spans{{u"15m"_s, 15 * 60000LL}, {u"1h"_s, 3600000LL}, {u"24h"_s, 86400000LL},
                                                  {u"7d"_s, 7 * 86400000LL}, {u"30d"_s, 30 * 86400000LL}};
        o.backtestSpanMs = spans.value(parser.value(backtestRange));
        if (o.backtestSpanMs == 0) {
            std::fprintf(stderr, "fleetdeck: --backtest-range must be 15m, 1h, 24h, 7d or 30d\n");
            std::exit(2);
        }
    }
    if (!o.backtestSerial.isEmpty() && o.rule.isEmpty()) {
        std::fprintf(stderr, "fleetdeck: --backtest needs --rule\n");
        std::exit(2);
    }
    if (o.deviceTab != u"telemetry" && o.deviceTab != u"commands" && o.deviceTab != u"twin") {
        std::fprintf(stderr, "fleetdeck: --device-tab must be telemetry, commands or twin\n");
        std::exit(2);
    }
    o.view = parser.value(view);
    static const QStringList views{u"fleet"_s, u"alerts"_s, u"alerts-kpis"_s, u"rules"_s, u"channels"_s};
    if (!o.view.isEmpty() && !views.contains(o.view)) {
        std::fprintf(stderr, "fleetdeck: --view must be fleet, alerts, alerts-kpis, rules or channels\n");
        std::exit(2);
    }
    o.screenshotDir = parser.value(screenshot);
    o.screenshotDelayMs = std::clamp(parser.value(delay).toInt(), 0, 600000);

    if (!o.theme.isEmpty() && o.theme != u"dark" && o.theme != u"light") {
        std::fprintf(stderr, "fleetdeck: --theme must be dark or light\n");
        std::exit(2);
    }
    if (o.server.isValid() && o.server.scheme() != u"https") {
        std::fprintf(stderr, "fleetdeck: the server address must start with https://\n");
        std::exit(2);
    }
    return o;
}

bool trustCaFile(ConsoleSettings &settings, const QUrl &server, const QString &path)
{
    QFile file(path);
    if (!server.isValid() || !file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "fleetdeck: --ca-file needs a readable file and --server\n");
        return false;
    }
    const QList<QSslCertificate> certs = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (certs.isEmpty()) {
        std::fprintf(stderr, "fleetdeck: %s holds no PEM certificate\n", qPrintable(path));
        return false;
    }
    // The CA is the self-signed one if a whole chain was given.
    QSslCertificate ca = CertificateInfo::issuingCa(certs);
    if (ca.isNull())
        ca = certs.last();
    qCInfo(lcAppTrust) << "Trusting CA from" << path << CertificateInfo::sha256Fingerprint(ca) << "for" << server;
    settings.setTrustedCa(server, ca);
    settings.sync();
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"Fleetdeck"_s);
    QApplication::setApplicationName(u"fleetdeck"_s);
    QApplication::setApplicationDisplayName(u"Fleetdeck Console"_s);
    QApplication::setApplicationVersion(u"0.1.0"_s);

    const ConsoleOptions options = parseOptions(app);
    ConsoleSettings settings;

    // A wall screen is dark unless told otherwise: the desktop's saved choice is not the control room's.
    const QString theme = !options.theme.isEmpty() ? options.theme : options.kiosk ? u"dark"_s : settings.theme();
    Theme::apply(app, Theme::fromName(theme));
    Translations::install(app, options.language.isEmpty() ? settings.language() : options.language);

    const QUrl server = options.server.isValid() ? ConsoleSettings::normalisedOrigin(options.server)
                                                 : settings.lastServer();
    if (!options.caFile.isEmpty() && !trustCaFile(settings, server, options.caFile))
        return 2;

    std::unique_ptr<Screenshotter> screenshots;
    if (!options.screenshotDir.isEmpty())
        screenshots = std::make_unique<Screenshotter>(options.screenshotDir, options.screenshotDelayMs);

    if (options.kiosk) {
        auto *window = new MainWindow(settings, MainWindow::Mode::Kiosk);
        window->setAttribute(Qt::WA_DeleteOnClose);
        // Without a window manager (a bare X server on a wall PC) full screen is only a
        // hint; the geometry makes it real.
        if (const QScreen *screen = window->screen())
            window->setGeometry(screen->geometry());
        window->showFullScreen();
        window->openWhenListed(options.openDevices);
        const auto saved = server.isValid() ? settings.server(server) : std::nullopt;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        bool haveSession = false;
        if (saved && !saved->token.isEmpty() && (!saved->tokenExpiresAt.isValid() || saved->tokenExpiresAt > now)) {
            window->setSession(SessionInfo{saved->url, saved->email, saved->token, saved->tokenExpiresAt,
                                           settings.trustedCa(server)});
            haveSession = true;
        }
        const QString email = options.email.isEmpty() && saved ? saved->email : options.email;
        if (!email.isEmpty() && !options.password.isEmpty() && server.isValid()) {
            window->setAutoLogin(server, email, options.password, settings.trustedCa(server));
        } else if (!haveSession) {
            window->setStartupProblem(server.isValid() ? MainWindow::StartupProblem::NoCredentials
                                                       : MainWindow::StartupProblem::NoServer,
                                      server);
        }
        return app.exec();
    }

    // The dialog closes before the main window opens; quitting is decided explicitly.
    QApplication::setQuitOnLastWindowClosed(false);
    auto *dialog = new ConnectDialog(settings);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (options.server.isValid())
        dialog->setServer(server);
    if (!options.email.isEmpty())
        dialog->setEmail(options.email);
    if (!options.password.isEmpty())
        dialog->setPassword(options.password);

    MainWindow *window = nullptr;
    QObject::connect(dialog, &QDialog::accepted, &app, [&]() {
        window = new MainWindow(settings, MainWindow::Mode::Desktop);
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->resize(1400, 860);
        window->setSession(dialog->session());
        window->openWhenListed(options.openDevices, options.deviceTab);
        if (!options.view.isEmpty()) {
            window->showView(options.view.startsWith(u"alerts") ? u"alerts"_s : options.view);
            if (options.view == u"alerts-kpis")
                window->alertsView()->showKpis();
        }
        if (!options.rule.isEmpty() && window->rulesView()) {
            window->showView(u"rules"_s);
            window->rulesView()->openWhenLoaded(options.rule, options.backtestSerial, options.backtestSpanMs);
        }
        window->show();
        QObject::connect(window, &QObject::destroyed, &app, &QApplication::quit);
    });
    QObject::connect(dialog, &QDialog::rejected, &app, &QApplication::quit);
    dialog->show();
    if (options.autoConnect)
        QTimer::singleShot(0, dialog, &ConnectDialog::attemptConnect);
    return app.exec();
}
