#pragma once

#include "core/result.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <array>

/// Firmware update payloads of the device protocol v1 (docs/device-protocol.md, "Firmware updates"): the job the
/// server sends and the progress the device reports. Server and simulator compile against these.
namespace Fleetdeck::FirmwareProtocol {

inline constexpr qsizetype kMaxProgressBytes = 4096;

/// devices/{id}/firmware/job, server -> device (QoS 1, not retained).
struct Job
{
    enum class Action { Install, Cancel };
    QString jobId;          ///< names this attempt; progress reports carry it back
    QString rolloutId;
    Action action = Action::Install;
    QString deviceType;
    QString version;        ///< the version to install (on a rollback: the one to return to)
    QString url;            ///< HTTPS, byte ranges supported
    QString token;          ///< "Authorization: Bearer <token>" for the download (or ?token=)
    qint64 tokenExpiresMs = 0;
    qint64 size = 0;
    QString sha256;         ///< lower-case hex of the whole image
    QByteArray signature;   ///< Ed25519 over Pki::firmwareManifest(device_type, version, size, sha256)
    QString signingKeyId;
    int startAfterS = 0;    ///< wait this long before downloading (spreads a phase's downloads)
};
QByteArray encode(const Job &j);
[[nodiscard]] Result<Job> decodeJob(const QByteArray &payload);

/// What a device reports on devices/{id}/firmware/progress (QoS 1). States only move forward; "failed" ends the job.
/// After "rebooting" the device reconnects and its status names the version it runs: that, not a report, is what
/// makes the update count.
enum class Step { Downloading, Downloaded, Verifying, Installing, Rebooting, Failed };
inline constexpr std::array<const char *, 6> kStepNames{"downloading", "downloaded", "verifying", "installing", "rebooting", "failed"};
/// Why a job failed, grouped in the rollout monitor.
inline constexpr std::array<const char *, 7> kErrorNames{"download_failed", "checksum_mismatch", "signature_mismatch", "wrong_device_type",
                                                         "install_failed", "boot_failed", "other"};

struct Progress
{
    QString jobId;
    Step step = Step::Downloading;
    int percent = -1;       ///< downloading: 0..100; -1 when not said
    QString error;          ///< failed: one of kErrorNames
    QString reason;         ///< failed: what the device says happened (at most 500 characters)
};
QByteArray encode(const Progress &p);
[[nodiscard]] Result<Progress> decodeProgress(const QByteArray &payload);
QString stepName(Step s);

} // namespace Fleetdeck::FirmwareProtocol
