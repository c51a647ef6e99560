#pragma once

#include "core/result.h"

#include <QtCore/QJsonObject>
#include <QtCore/QObject>
#include <QtCore/QUrl>
#include <QtNetwork/QSslConfiguration>
#include <functional>

class QNetworkAccessManager;

namespace Fleetdeck::Sim {

struct RestReply
{
    int status = 0;          ///< HTTP status, 0 when no response arrived
    QJsonObject body;
    QString error;           ///< transport error or the problem's detail
};

/// A small asynchronous JSON client for the Fleetdeck REST API that trusts exactly the platform CA.
class RestClient : public QObject
{
    Q_OBJECT
public:
    RestClient(QUrl baseUrl, const QString &caFile, QObject *parent = nullptr);

    [[nodiscard]] Status loadCa();
    void setToken(const QString &token) { m_token = token; }
    void request(const QByteArray &method, const QString &path, const QJsonObject &body, std::function<void(const RestReply &)> done);
    /// Logs in and keeps the token; `done` gets the reply.
    void login(const QString &email, const QString &password, std::function<void(const RestReply &)> done);
    /// Blocking variant for command-line tools (spins a local event loop).
    RestReply requestSync(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    QNetworkAccessManager *network() const { return m_nam; }

private:
    QUrl m_base;
    QString m_caFile;
    QString m_token;
    QSslConfiguration m_ssl;
    QNetworkAccessManager *m_nam;
};

} // namespace Fleetdeck::Sim
