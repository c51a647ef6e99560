#pragma once

#include "core/result.h"

#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtNetwork/QHostAddress>
#include <functional>

class QSslServer;
class QSslSocket;

namespace Fleetdeck {
namespace Api { class Router; }
class DeviceDirectory;
class DownloadTokens;
class FirmwareRepository;
struct FirmwareImage;

/// The firmware transfer listener (HTTPS, its own port): the one place where request and response bodies are
/// streamed instead of held whole, because QtHttpServer 6.4 buffers every request body before a handler runs.
///
///  - `PUT /v1/firmware/{id}/image`: the image of an entry made by POST /v1/firmware, with Content-Length (no
///    chunked bodies). Written to disk as it arrives (the socket's read buffer is bounded, so TCP slows a sender
///    the disk cannot keep up with); refusals come before the body is read, with a lingering close so that
///    clients that do not wait for "100 Continue" still read them.
///  - `GET|HEAD /v1/firmware/{id}/image`: the image, for a device with its download token (`Authorization:
///    Bearer fdl1.…` or `?token=`), or for a signed-in user allowed firmware.read. Single byte ranges (`Range:
///    bytes=…`, `If-Range` on the ETag) for resuming; sent from disk with a bounded amount in flight per
///    connection; beyond `maxDownloads` concurrent downloads a 503 with Retry-After.
class TransferServer : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxDownloads = 64;        ///< image bodies being sent at once
        int maxConnections = 500;
        int idleTimeoutMs = 30000;
        qint64 maxHeaderBytes = 16384;
    };

    TransferServer(const Api::Router &auth, FirmwareRepository &repository, const DownloadTokens &tokens, const DeviceDirectory &devices,
                   Options options, QObject *parent = nullptr);
    ~TransferServer() override;

    [[nodiscard]] Result<quint16> listen(const QHostAddress &address, quint16 port, const QString &chainPemFile, const QString &keyPemFile);
    void stop();
    quint16 port() const { return m_port; }
    /// How an uploaded image is answered (the API's JSON of a firmware entry).
    void setRenderer(std::function<QJsonObject(const FirmwareImage &)> render) { m_render = std::move(render); }
    QJsonObject health() const;

Q_SIGNALS:
    /// A device's download of an image ended: complete (all bytes of its range sent) or cut off.
    void deviceDownload(const QString &tenantId, const QString &deviceId, const QString &firmwareId, qint64 bytesSent, bool complete);

private:
    friend class TransferConnection;
    void accept();

    const Api::Router &m_auth;
    FirmwareRepository &m_repository;
    const DownloadTokens &m_tokens;
    const DeviceDirectory &m_devices;
    Options m_options;
    std::function<QJsonObject(const FirmwareImage &)> m_render;
    QSslServer *m_server = nullptr;
    quint16 m_port = 0;
    int m_connections = 0;
    int m_downloads = 0;
    qint64 m_downloadsStarted = 0;
    qint64 m_downloadsCompleted = 0;
    qint64 m_downloadsRefusedBusy = 0;
    qint64 m_bytesSent = 0;
    qint64 m_uploadsCutOff = 0;
    qint64 m_requests = 0;
};

} // namespace Fleetdeck
