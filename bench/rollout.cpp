// Firmware figures (issue 13), each with a baseline measured in the same run:
//  1. Upload: a large image (default 500 MB) PUT with curl to the transfer listener; the server's resident memory is
//     sampled during the upload (it must not grow with the image).
//  2. Download: the image fetched by curl over HTTPS with a device's token, against curl of the same file from
//     `openssl s_server -WWW` (a static HTTPS file server) on the same loopback, with the server's own certificate.
//  3. Devices notified per minute: a one-phase rollout over N simulated devices that are online (the devices take
//     no jobs, so only the server's side is measured: jobs made, tokens issued, rows written, publishes to mosquitto).
#include "benchsession.h"
#include "fleet.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCryptographicHash>
#include <QtCore/QJsonArray>
#include <QtCore/QTemporaryDir>

#include <cstdio>

using namespace Fleetdeck;
using namespace Fleetdeck::Bench;

namespace {

qint64 rssKiB(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

/// Runs curl and returns what -w printed; samples `pid`'s RSS meanwhile into `peak`.
QByteArray curl(const QStringList &args, qint64 pid = 0, qint64 *peak = nullptr)
{
    QProcess p;
    p.start(QStringLiteral("curl"), args);
    p.waitForStarted();
    while (p.state() != QProcess::NotRunning) {
        p.waitForFinished(50);
        if (pid && peak)
            *peak = std::max(*peak, rssKiB(pid));
    }
    return p.readAllStandardOutput().trimmed();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Firmware upload memory, download throughput and rollout notification rate"));
    p.addHelpOption();
    const QCommandLineOption sizeMb(QStringLiteral("image-mb"), QStringLiteral("Image size in MB. Default: 500."), QStringLiteral("MB"), QStringLiteral("500"));
    const QCommandLineOption devices(QStringLiteral("devices"), QStringLiteral("Simulated devices in the rollout. Default: 1000."), QStringLiteral("N"), QStringLiteral("1000"));
    p.addOptions({sizeMb, devices});
    p.process(app);
    const qint64 imageBytes = p.value(sizeMb).toLongLong() * 1000 * 1000;
    const int deviceCount = p.value(devices).toInt();

    QTemporaryDir dir;
    ServerProcess server;
    server.dataDir = dir.filePath(QStringLiteral("data"));
    server.httpPort = freePort();
    server.mqttPort = freePort();
    const quint16 transferPort = freePort();
    server.extraArgs << QStringLiteral("--transfer-port") << QString::number(transferPort) << QStringLiteral("--firmware-max-image-mb")
                     << QString::number(imageBytes / (1024 * 1024) + 1) << QStringLiteral("--max-connections-per-source") << QString::number(deviceCount + 200);
    qputenv("FLEETDECK_ADMIN_PASSWORD", "bench-admin-password-1");
    auto session = startAndLogIn(server, "bench-admin-password-1");
    if (!session)
        return 1;
    const qint64 pid = server.process.processId();
    const QString ca = session->caFile;
    const QString auth = QStringLiteral("Authorization: Bearer ") + session->token;

    // The image: incompressible bytes, written once.
    const QString imagePath = dir.filePath(QStringLiteral("image.bin"));
    {
        QFile f(imagePath);
        f.open(QIODevice::WriteOnly);
        QByteArray block(1 << 20, Qt::Uninitialized);
        quint32 x = 2463534242u;
        QCryptographicHash sha(QCryptographicHash::Sha256);
        for (qint64 left = imageBytes; left > 0;) {
            for (char &c : block) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                c = char(x);
            }
            const qint64 n = std::min<qint64>(left, block.size());
            f.write(block.constData(), n);
            left -= n;
        }
    }

    // 1. Upload
    const Sim::RestReply entry = session->rest->requestSync("POST", QStringLiteral("/v1/firmware"),
                                                            {{QStringLiteral("device_type"), QStringLiteral("bench-gw")},
                                                             {QStringLiteral("version"), QStringLiteral("2.0.0")},
                                                             {QStringLiteral("size"), imageBytes}});
    if (entry.status != 201) {
        std::fprintf(stderr, "announcing the image failed: HTTP %d %s\n", entry.status, qPrintable(entry.error));
        server.stop();
        return 1;
    }
    const QString firmwareId = entry.body.value(QStringLiteral("id")).toString();
    const QString imageUrl = QStringLiteral("https://127.0.0.1:%1/v1/firmware/%2/image").arg(transferPort).arg(firmwareId);
    const qint64 rssBefore = rssKiB(pid);
    qint64 rssPeak = rssBefore;
    QElapsedTimer t;
    t.start();
    const QByteArray up = curl({QStringLiteral("-sS"), QStringLiteral("--cacert"), ca, QStringLiteral("-H"), auth, QStringLiteral("-T"), imagePath,
                                QStringLiteral("-o"), QStringLiteral("/dev/null"), QStringLiteral("-w"), QStringLiteral("%{http_code}"), imageUrl},
                               pid, &rssPeak);
    const double upS = t.elapsed() / 1000.0;
    std::printf("upload   %lld MB: HTTP %s in %.1f s (%.0f MB/s); server RSS %lld MiB before, %lld MiB at most during it (+%lld MiB)\n",
                imageBytes / 1000000, up.constData(), upS, double(imageBytes) / 1e6 / upS, rssBefore / 1024, rssPeak / 1024,
                (rssPeak - rssBefore) / 1024);

    // 2. Download against openssl s_server -WWW serving the same file
    const Sim::RestReply dev = session->rest->requestSync("POST", QStringLiteral("/v1/devices"),
                                                          {{QStringLiteral("serial_number"), QStringLiteral("BENCH-DL")}, {QStringLiteral("device_type"), QStringLiteral("bench-gw")}});
    const Sim::RestReply link = session->rest->requestSync("POST", QStringLiteral("/v1/firmware/%1/download-url").arg(firmwareId),
                                                           {{QStringLiteral("device_id"), dev.body.value(QStringLiteral("device_id")).toString()}});
    const QString token = link.body.value(QStringLiteral("token")).toString();
    const quint16 staticPort = freePort();
    QProcess s;
    s.setWorkingDirectory(dir.path());
    s.setProcessChannelMode(QProcess::MergedChannels);
    s.setStandardOutputFile(QProcess::nullDevice());
    s.start(QStringLiteral("openssl"), {QStringLiteral("s_server"), QStringLiteral("-quiet"), QStringLiteral("-WWW"), QStringLiteral("-accept"),
                                        QString::number(staticPort), QStringLiteral("-cert"), server.dataDir + QStringLiteral("/pki/server-chain.pem"),
                                        QStringLiteral("-key"), server.dataDir + QStringLiteral("/pki/server.key")});
    s.waitForStarted();
    spin(500);
    for (int round = 0; round < 2; ++round) {
        const QByteArray ours = curl({QStringLiteral("-sS"), QStringLiteral("--cacert"), ca, QStringLiteral("-H"), QStringLiteral("Authorization: Bearer ") + token,
                                      QStringLiteral("-o"), QStringLiteral("/dev/null"), QStringLiteral("-w"), QStringLiteral("%{http_code} %{speed_download}"), imageUrl});
        const QByteArray base = curl({QStringLiteral("-sS"), QStringLiteral("--cacert"), ca, QStringLiteral("-o"), QStringLiteral("/dev/null"),
                                      QStringLiteral("-w"), QStringLiteral("%{http_code} %{speed_download}"),
                                      QStringLiteral("https://127.0.0.1:%1/image.bin").arg(staticPort)});
        const double oursMBs = ours.split(' ').value(1).toDouble() / 1e6, baseMBs = base.split(' ').value(1).toDouble() / 1e6;
        std::printf("download round %d: transfer listener HTTP %s %.0f MB/s; openssl s_server -WWW HTTP %s %.0f MB/s; ratio %.2f\n", round + 1,
                    ours.split(' ').value(0).constData(), oursMBs, base.split(' ').value(0).constData(), baseMBs, baseMBs > 0 ? oursMBs / baseMBs : 0.0);
    }
    s.kill();
    s.waitForFinished();

    // 3. Notification rate
    Sim::FleetOptions fo;
    fo.server = session->base;
    fo.caFile = ca;
    fo.email = QStringLiteral("admin@localhost");
    fo.password = session->password;
    fo.stateDir = dir.filePath(QStringLiteral("sim"));
    fo.count = deviceCount;
    fo.deviceType = QStringLiteral("bench-gw");
    fo.firmwareVersion = QStringLiteral("1.0.0");
    fo.firmware = false; // the devices take no jobs: the server's side alone
    fo.parallelRegistrations = 16;
    Sim::Fleet fleet(fo);
    bool online = false;
    QObject::connect(&fleet, &Sim::Fleet::allOnline, [&] { online = true; });
    fleet.start();
    if (!waitUntil([&] { return online; }, 600000)) {
        std::fprintf(stderr, "the fleet did not come online (%d of %d)\n", fleet.onlineCount(), deviceCount);
        server.stop();
        return 1;
    }
    spin(2000); // their status messages stored
    QJsonArray ids;
    for (const auto &d : fleet.devices())
        ids.append(d->identity().deviceId);
    t.restart();
    const Sim::RestReply rollout = session->rest->requestSync("POST", QStringLiteral("/v1/firmware/updates"),
                                                              {{QStringLiteral("firmware_id"), firmwareId},
                                                               {QStringLiteral("target"), QJsonObject{{QStringLiteral("device_ids"), ids}}},
                                                               {QStringLiteral("max_concurrent"), deviceCount}});
    const qint64 createMs = t.elapsed();
    if (rollout.status != 201) {
        std::fprintf(stderr, "the rollout was refused: HTTP %d %s\n", rollout.status, qPrintable(rollout.error));
        server.stop();
        return 1;
    }
    const QString rolloutId = rollout.body.value(QStringLiteral("id")).toString();
    int notified = 0;
    waitUntil([&] {
        const Sim::RestReply r = session->rest->requestSync("GET", QStringLiteral("/v1/firmware/updates/%1").arg(rolloutId));
        notified = r.body.value(QStringLiteral("counts")).toObject().value(QStringLiteral("notified")).toInt();
        return notified >= deviceCount;
    }, 120000);
    const double s3 = t.elapsed() / 1000.0;
    std::printf("rollout  %d devices notified in %.2f s (the create request %lld ms of it): %.0f devices/min (goal 10000/min; AWS IoT Jobs: 1000/min)\n",
                notified, s3, createMs, notified / s3 * 60);
    fleet.stop();
    server.stop();
    return 0;
}
