#include "runtime/application.h"
#include "runtime/serveroptions.h"
#include "protocol/version.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int g_signalPipe[2] = {-1, -1};
void onSignal(int sig)
{
    const char c = char(sig);
    [[maybe_unused]] auto n = ::write(g_signalPipe[1], &c, 1);
}
}

int main(int argc, char *argv[])
{
    // Qt's own UNIX event dispatcher rather than GLib's: the server has no GUI to integrate with, and at tens of
    // thousands of socket events per second GLib's locking and source bookkeeping is measurable (fleetdeck-bench-ingest).
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fleetdeck-server"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(Fleetdeck::kProductVersion));
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-warning}W%{endif}%{if-critical}E%{endif}%{if-info}I%{endif}%{if-debug}D%{endif} %{category}: %{message}"));

    auto parsed = Fleetdeck::parseServerOptions(app.arguments());
    if (!parsed) {
        std::fprintf(stderr, "fleetdeck-server: %s\n", qPrintable(parsed.error().message));
        return 2;
    }
    if (parsed->exitNow)
        return parsed->exitCode;

    // SIGINT/SIGTERM end the event loop through a pipe, so shutdown runs in order (broker last).
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
            char c;
            [[maybe_unused]] auto n = ::read(g_signalPipe[0], &c, 1);
            QCoreApplication::quit();
        });
        struct sigaction sa {};
        sa.sa_handler = onSignal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
    }
    std::signal(SIGPIPE, SIG_IGN);

    Fleetdeck::Application server(parsed->options);
    if (auto st = server.start(); !st) {
        std::fprintf(stderr, "fleetdeck-server: cannot start: %s\n", qPrintable(st.error().message));
        return 1;
    }
    const int rc = app.exec();
    server.stop();
    return rc;
}
