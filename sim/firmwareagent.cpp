#include "firmwareagent.h"

#include "pki/firmwaresigning.h"

#include <QtCore/QLoggingCategory>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>

Q_LOGGING_CATEGORY(lcSimFirmware, "fleetdeck.sim.firmware", QtInfoMsg)

namespace Fleetdeck::Sim {

using FirmwareProtocol::Step;

namespace {
constexpr std::array<std::pair<FirmwareOptions::Fault, const char *>, 6> kFaults{{
    {FirmwareOptions::Fault::None, "none"},
    {FirmwareOptions::Fault::DownloadError, "download-error"},
    {FirmwareOptions::Fault::ChecksumMismatch, "checksum-mismatch"},
    {FirmwareOptions::Fault::SignatureMismatch, "signature-mismatch"},
    {FirmwareOptions::Fault::BootFailure, "boot-failure"},
    {FirmwareOptions::Fault::NeverReturns, "never-returns"},
}};
constexpr int kMaxRetries = 3;
}

QString faultName(FirmwareOptions::Fault f)
{
    for (const auto &[fault, name] : kFaults)
        if (fault == f)
            return QString::fromLatin1(name);
    return {};
}

std::optional<FirmwareOptions::Fault> faultFromName(const QString &name)
{
    for (const auto &[fault, n] : kFaults)
        if (name == QLatin1String(n))
            return fault;
    return std::nullopt;
}

FirmwareAgent::FirmwareAgent(QNetworkAccessManager &network, Publish publish, Install install, QObject *parent)
    : QObject(parent), m_network(network), m_publish(std::move(publish)), m_install(std::move(install))
{
    m_start.setSingleShot(true);
    connect(&m_start, &QTimer::timeout, this, &FirmwareAgent::startDownload);
}

void FirmwareAgent::report(Step step, int percent, const QString &error, const QString &reason)
{
    FirmwareProtocol::Progress p;
    p.jobId = m_job.jobId;
    p.step = step;
    p.percent = percent;
    p.error = error;
    p.reason = reason;
    m_publish(FirmwareProtocol::encode(p));
}

void FirmwareAgent::failJob(const QString &error, const QString &reason)
{
    qCInfo(lcSimFirmware).noquote() << "job" << m_job.jobId << "failed:" << error << reason;
    m_active = false;
    m_start.stop();
    if (m_reply)
        m_reply->abort();
    report(Step::Failed, -1, error, reason);
}

void FirmwareAgent::onJob(const QByteArray &payload, const QString &deviceType, const QString &runningVersion)
{
    auto job = FirmwareProtocol::decodeJob(payload);
    if (!job) {
        qCWarning(lcSimFirmware).noquote() << "firmware job refused:" << job.error().message;
        return;
    }
    if (job->action == FirmwareProtocol::Job::Action::Cancel) {
        if (m_active && job->jobId == m_job.jobId) {
            qCInfo(lcSimFirmware).noquote() << "job" << m_job.jobId << "cancelled";
            m_active = false;
            m_start.stop();
            if (m_reply)
                m_reply->abort();
        }
        return;
    }
    if (job->jobId == m_job.jobId)
        return; // a QoS 1 duplicate
    ++m_jobsReceived;
    if (m_reply)
        m_reply->abort();
    m_job = *job;
    m_active = true;
    m_received = 0;
    m_retries = 0;
    m_lastPercent = -1;
    m_hash.reset();
    if (job->deviceType != deviceType) {
        failJob(QStringLiteral("wrong_device_type"), QStringLiteral("this is a %1; the image is for %2").arg(deviceType, job->deviceType));
        return;
    }
    Q_UNUSED(runningVersion);
    m_start.start(int(job->startAfterS * 1000 * m_options.startDelayScale));
}

void FirmwareAgent::startDownload()
{
    if (!m_active)
        return;
    QNetworkRequest req{QUrl(m_job.url)};
    req.setSslConfiguration(m_options.tls);
    QByteArray token = m_job.token.toLatin1();
    if (m_options.fault == FirmwareOptions::Fault::DownloadError && !token.isEmpty())
        token[token.size() - 2] = token[token.size() - 2] == 'A' ? 'B' : 'A';
    req.setRawHeader("Authorization", "Bearer " + token);
    m_resumeFrom = m_received;
    if (m_received > 0)
        req.setRawHeader("Range", "bytes=" + QByteArray::number(m_received) + '-');
    report(Step::Downloading, m_job.size > 0 ? int(100 * m_received / m_job.size) : 0);
    m_reply = m_network.get(req);
    connect(m_reply, &QIODevice::readyRead, this, &FirmwareAgent::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &FirmwareAgent::onFinished);
}

void FirmwareAgent::onReadyRead()
{
    if (!m_reply || !m_active)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200 && status != 206)
        return; // the error body: handled when finished
    if (m_resumeFrom > 0 && status == 200) { // asked for a range, got the whole image: start over
        m_hash.reset();
        m_received = 0;
    }
    m_resumeFrom = 0;
    const QByteArray chunk = m_reply->readAll();
    m_hash.addData(chunk);
    m_received += chunk.size();
    const int percent = m_job.size > 0 ? int(100 * m_received / m_job.size) : 0;
    if (percent >= m_lastPercent + 25 && percent < 100) {
        m_lastPercent = percent;
        report(Step::Downloading, percent);
    }
}

void FirmwareAgent::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    if (reply->bytesAvailable() > 0)
        onReadyRead(); // the last bytes may come with "finished" only
    reply->deleteLater();
    m_reply = nullptr;
    if (!m_active)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError || (status != 200 && status != 206)) {
        const QString why = status > 0 ? QStringLiteral("HTTP %1: %2").arg(status).arg(QString::fromUtf8(reply->readAll()).left(200))
                                       : reply->errorString();
        if (status == 0 && ++m_retries <= kMaxRetries) { // a broken connection: resume where it stopped
            qCInfo(lcSimFirmware).noquote() << "download of" << m_job.jobId << "broke at" << m_received << "bytes; resuming:" << why;
            QTimer::singleShot(500 * m_retries, this, &FirmwareAgent::startDownload);
            return;
        }
        failJob(QStringLiteral("download_failed"), why);
        return;
    }
    if (m_received != m_job.size) {
        failJob(QStringLiteral("download_failed"), QStringLiteral("got %1 of %2 bytes").arg(m_received).arg(m_job.size));
        return;
    }
    report(Step::Downloaded, 100);
    report(Step::Verifying);
    QString sha = QString::fromLatin1(m_hash.result().toHex());
    if (m_options.fault == FirmwareOptions::Fault::ChecksumMismatch)
        sha[0] = sha[0] == u'0' ? u'1' : u'0';
    if (sha != m_job.sha256) {
        failJob(QStringLiteral("checksum_mismatch"), QStringLiteral("the image's SHA-256 is %1, the job says %2").arg(sha, m_job.sha256));
        return;
    }
    QByteArray signature = m_job.signature;
    if (m_options.fault == FirmwareOptions::Fault::SignatureMismatch && !signature.isEmpty())
        signature[0] = char(signature[0] ^ 0x01);
    const QByteArray manifest = Pki::firmwareManifest(m_job.deviceType, m_job.version, m_job.size, m_job.sha256);
    if (!Pki::verifyFirmwareSignature(m_options.signingKeyPem, manifest, signature)) {
        failJob(QStringLiteral("signature_mismatch"), QStringLiteral("the signature does not verify with the trusted platform key; not installed"));
        return;
    }
    report(Step::Installing);
    QTimer::singleShot(m_options.installMs, this, [this, job = m_job.jobId] {
        if (!m_active || job != m_job.jobId)
            return;
        m_active = false;
        report(Step::Rebooting);
        const bool bootOk = m_options.fault != FirmwareOptions::Fault::BootFailure;
        const bool returns = m_options.fault != FirmwareOptions::Fault::NeverReturns;
        m_install(m_job.version, bootOk, returns);
    });
}

} // namespace Fleetdeck::Sim
