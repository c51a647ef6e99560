#pragma once

// Shared by the benchmark programs: free ports, percentiles, /proc figures and a fleetdeck-server child process.
// Each program defines FLEETDECK_SERVER_BINARY (CMake).

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QStringList>
#include <QtCore/QTimer>
#include <QtNetwork/QHostAddress>
#include <QtNetwork/QTcpServer>

#include <algorithm>
#include <functional>
#include <unistd.h>
#include <vector>

namespace Fleetdeck::Bench {

inline quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

/// Runs the event loop for `ms`, blocking between events (a busy loop would take one of the machine's two cores from
/// the programs being measured).
inline void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

/// Runs the event loop until `done` holds (true) or `ms` pass (false), checking every 5 ms.
inline bool waitUntil(const std::function<bool()> &done, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms)
            return false;
        spin(5);
    }
    return true;
}

/// The p-quantile (0..1) of `v`, nearest rank.
template<typename T>
double percentile(std::vector<T> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return double(v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))]);
}

/// CPU seconds (user + system) a process has used so far.
inline double cpuSeconds(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray s = f.readAll();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after "(comm) ".
    const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
}

/// The first child process of `parent` whose command name is `comm` (e.g. the server's embedded mosquitto), 0 if none.
inline qint64 childPid(qint64 parent, const QByteArray &comm)
{
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        bool numeric = false;
        const qint64 pid = e.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray st = f.readAll();
        const qsizetype open = st.indexOf('('), close = st.lastIndexOf(')');
        if (open < 0 || close < open || st.mid(open + 1, close - open - 1) != comm)
            continue;
        // Fields after "(comm) ": state, ppid, ...
        if (st.mid(close + 2).split(' ').value(1).toLongLong() == parent)
            return pid;
    }
    return 0;
}

/// Peak resident set size of a process in KiB (VmHWM).
inline qint64 peakRssKiB(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

/// fleetdeck-server as a child on loopback, its log next to the data directory.
struct ServerProcess
{
    QProcess process;
    QString dataDir;
    quint16 httpPort = 0;
    quint16 mqttPort = 0;
    QString database; ///< empty = its SQLite
    QStringList extraArgs; ///< more server options, e.g. --sqlite-synchronous normal

    bool start()
    {
        QStringList args{QStringLiteral("--data-dir"), dataDir, QStringLiteral("--http-port"), QString::number(httpPort),
                         QStringLiteral("--mqtt-port"), QString::number(mqttPort), QStringLiteral("--ws-port"), QStringLiteral("0"), QStringLiteral("--transfer-port"), QStringLiteral("0"),
                         QStringLiteral("--bind"), QStringLiteral("127.0.0.1")};
        if (!database.isEmpty())
            args << QStringLiteral("--database") << database;
        args << extraArgs;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.setStandardOutputFile(dataDir + QStringLiteral("-server.log"), QIODevice::Append);
        process.start(QStringLiteral(FLEETDECK_SERVER_BINARY), args);
        return process.waitForStarted(5000);
    }
    void stop()
    {
        process.terminate();
        if (!process.waitForFinished(20000))
            process.kill();
    }
};

} // namespace Fleetdeck::Bench
