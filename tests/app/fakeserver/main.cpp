// fleetdeck_fakeserver – the test HTTPS server as a program, for tools/screenshots.sh.
// Prints "READY <port>" once listening; the CA is in <dir>/ca.pem.

#include "fakefleetserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption dir(u"dir"_s, u"Folder for the generated PKI."_s, u"dir"_s);
    const QCommandLineOption port(u"port"_s, u"Port (0 = any free one)."_s, u"port"_s, u"0"_s);
    const QCommandLineOption devices(u"devices"_s, u"Number of devices."_s, u"n"_s, u"1200"_s);
    const QCommandLineOption stopAfter(u"stop-after"_s, u"Quit after this many seconds (0 = never)."_s, u"s"_s, u"0"_s);
    const QCommandLineOption degraded(u"degraded"_s, u"Report the database as down."_s);
    parser.addOptions({dir, port, devices, stopAfter, degraded});
    parser.process(app);
    if (!parser.isSet(dir)) {
        std::fprintf(stderr, "--dir is required\n");
        return 2;
    }
    auto pki = TestPki::create(parser.value(dir), u"Fleetdeck Platform CA"_s);
    if (!pki) {
        std::fprintf(stderr, "%s\n", qPrintable(pki.error()));
        return 1;
    }
    FakeFleetServer server;
    server.setPki(*pki);
    server.setDeviceCount(parser.value(devices).toInt());
    if (parser.isSet(degraded)) {
        server.setHealth(QJsonObject{{u"status"_s, u"degraded"_s},
                                     {u"database"_s, QJsonObject{{u"status"_s, u"down"_s}}},
                                     {u"broker"_s, QJsonObject{{u"status"_s, u"connected"_s}}},
                                     {u"version"_s, u"0.1.0-fake"_s}},
                         503);
    }
    if (!server.listen(quint16(parser.value(port).toUInt()))) {
        std::fprintf(stderr, "cannot listen\n");
        return 1;
    }
    std::printf("READY %u\n", unsigned(server.port()));
    std::fflush(stdout);
    if (const int s = parser.value(stopAfter).toInt(); s > 0)
        QTimer::singleShot(s * 1000, &app, &QCoreApplication::quit);
    return app.exec();
}
