#pragma once

#include <QtCore/QJsonObject>
#include <functional>

namespace Fleetdeck {
class DeviceDirectory;
class DownloadTokens;
class FirmwareRepository;
struct FirmwareImage;
}

namespace Fleetdeck::Api {
class Router;

/// The API's JSON of a firmware entry; `transferUrl` is the transfer listener's base (https://host:port), for the
/// upload link of an entry that awaits its image.
QJsonObject firmwareJson(const FirmwareImage &f, const QString &transferUrl);

/// /v1/firmware: the repository (entries, their signatures, the signing key) and download links for devices. The
/// images themselves travel on the transfer listener (firmware/transferserver.h).
void registerFirmwareRoutes(Router &router, FirmwareRepository *repository, const DownloadTokens *tokens, const DeviceDirectory *devices,
                            std::function<QString()> transferUrl);

} // namespace Fleetdeck::Api
