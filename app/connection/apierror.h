#pragma once

#include <QJsonDocument>
#include <QList>
#include <QSslCertificate>
#include <QString>

#include <expected>

/// Why a request to the server failed; message is already user-facing (translated).
struct ApiError
{
    enum class Kind {
        Network,       ///< refused, unreachable, DNS, connection reset
        Timeout,
        UntrustedCa,   ///< first contact: the server's CA is not trusted yet
        CaChanged,     ///< the server presents a CA other than the one the user trusted
        Tls,           ///< any other TLS failure (host name mismatch, expired, ...)
        Unauthorized,  ///< HTTP 401
        Http,          ///< any other non-2xx answer
        Protocol,      ///< 2xx but not the JSON we expect
        Cancelled,
    };

    Kind kind = Kind::Network;
    int httpStatus = 0;
    QString message;
    QJsonDocument body;                 ///< parsed body of an HTTP error, if it was JSON
    QList<QSslCertificate> peerChain;   ///< for UntrustedCa / CaChanged
};

template <typename T>
using ApiResult = std::expected<T, ApiError>;
