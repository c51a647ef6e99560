#pragma once

#include "protocol/firmware.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtNetwork/QSslConfiguration>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Fleetdeck::Sim {

/// How a simulated device treats firmware jobs, with faults to inject (one per device).
struct FirmwareOptions
{
    enum class Fault {
        None,
        DownloadError,      ///< the download is refused (the device presents a damaged token)
        ChecksumMismatch,   ///< the image arrives damaged (one byte flipped while hashing)
        SignatureMismatch,  ///< the signature does not verify (one byte of it flipped before checking)
        BootFailure,        ///< installs, reboots, and comes back on the old version
        NeverReturns,       ///< installs, reboots, and stays off
    };
    Fault fault = Fault::None;
    QByteArray signingKeyPem;       ///< the platform key the device trusts (GET /v1/firmware/signing-key); empty = refuse every image
    QSslConfiguration tls;          ///< trusting the platform CA, for the download
    int installMs = 300;            ///< time spent "installing"
    double startDelayScale = 1.0;   ///< multiplies the job's start_after_s (tests shorten it)
};
QString faultName(FirmwareOptions::Fault f);
std::optional<FirmwareOptions::Fault> faultFromName(const QString &name);

/// The firmware side of one simulated device: takes jobs, downloads the image over HTTPS (resuming by byte range
/// after a broken connection), checks its SHA-256 and the platform's Ed25519 signature over the manifest, reports
/// each step on firmware/progress, then has the device reboot into the new version. A job it cannot use is
/// reported failed with the reason; a cancelled job stops unless it is installed already.
class FirmwareAgent : public QObject
{
    Q_OBJECT
public:
    using Publish = std::function<void(const QByteArray &progress)>;
    /// `install(version, bootOk, returns)`: the device reboots; with bootOk it comes back on `version`, otherwise
    /// on its old one; with !returns it stays off.
    using Install = std::function<void(const QString &version, bool bootOk, bool returns)>;

    FirmwareAgent(QNetworkAccessManager &network, Publish publish, Install install, QObject *parent = nullptr);
    void setOptions(const FirmwareOptions &options) { m_options = options; }
    const FirmwareOptions &options() const { return m_options; }
    void onJob(const QByteArray &payload, const QString &deviceType, const QString &runningVersion);
    /// The last job's id and whether it ended (installed, failed or cancelled).
    QString currentJob() const { return m_job.jobId; }
    int jobsReceived() const { return m_jobsReceived; }

private:
    void startDownload();
    void onReadyRead();
    void onFinished();
    void report(FirmwareProtocol::Step step, int percent = -1, const QString &error = {}, const QString &reason = {});
    void failJob(const QString &error, const QString &reason);

    QNetworkAccessManager &m_network;
    Publish m_publish;
    Install m_install;
    FirmwareOptions m_options;
    FirmwareProtocol::Job m_job;
    bool m_active = false;
    QPointer<QNetworkReply> m_reply;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    qint64 m_received = 0;
    qint64 m_resumeFrom = 0;   ///< the range asked for by the reply in progress (0: the whole image)
    int m_lastPercent = -1;
    int m_retries = 0;
    int m_jobsReceived = 0;
    QTimer m_start;
};

} // namespace Fleetdeck::Sim
