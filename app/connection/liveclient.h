#pragma once

#include "apierror.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QSslCertificate>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <functional>

class QWebSocket;

/// The console's live link: one WebSocket to the server's JSON-RPC API (docs/websocket-api.md).
///
/// It signs in with the REST session's token, keeps the subscriptions the console asked for and makes them again
/// after every reconnect, and turns the server's notifications into signals. It reconnects by itself with a
/// growing delay (1 s … 15 s) until stop(). TLS follows ApiClient: with a trusted CA only that CA is accepted.
///
/// Requests go over REST (ApiClient); this class carries what the server pushes. After a reconnect or an
/// `overflow` notice the console cannot know what it missed, so resynced() tells it to reload.
class LiveClient : public QObject
{
    Q_OBJECT

public:
    enum class State { Disconnected, Connecting, SigningIn, Live };
    Q_ENUM(State)

    explicit LiveClient(QObject *parent = nullptr);
    ~LiveClient() override;

    /// Connects to url (wss://HOST:PORT/v1/ws) and signs in with token; replaces any previous link.
    void start(const QUrl &url, const QString &token, const QSslCertificate &trustedCa);
    void stop();

    State state() const { return m_state; }
    /// Between start() and stop() (or a sign-in the server refused): connected, or reconnecting by itself.
    bool isRunning() const { return m_running; }
    QUrl url() const { return m_url; }
    /// Why the last attempt failed (translated); empty while live.
    QString lastError() const { return m_lastError; }

    /// Subscriptions, kept across reconnects.
    void setFollowDevices(bool follow);
    void setFollowCommands(bool follow);
    /// The organisation's alert changes (alertChanged).
    void setFollowAlerts(bool follow);
    /// Live telemetry for these devices in addition to those already followed; counted, so two views of one
    /// device keep it followed until both let go.
    void followTelemetry(const QString &deviceId);
    void unfollowTelemetry(const QString &deviceId);
    QStringList telemetryDevices() const { return m_telemetry.keys(); }

    using ResultCallback = std::function<void(const ApiResult<QJsonValue> &)>;
    /// One JSON-RPC call; callback runs unless context is gone. Fails at once when not live.
    void call(const QString &method, const QJsonObject &params, QObject *context, ResultCallback callback);

Q_SIGNALS:
    void stateChanged(LiveClient::State state);
    /// Signed in and subscribed again: whatever the console shows may have missed events in between.
    void resynced();
    void deviceConnection(const QString &deviceId, bool online, const QDateTime &at, const QString &firmwareVersion);
    void deviceChanged(const QString &deviceId, const QString &status, const QString &connection);
    void commandChanged(const QString &commandId, const QString &deviceId, const QString &status);
    /// An alert after a stored change, as GET /v1/alerts/{id} has it (without its history).
    void alertChanged(const QJsonObject &alert);
    /// metrics: {"<name>": {"ts": ms, "value": …}}
    void telemetry(const QString &deviceId, const QJsonObject &metrics);
    /// The server dropped or merged events for this client (it was slow).
    void overflowed(qint64 droppedEvents, qint64 mergedTelemetry);
    /// The server ended the session (token expired, revoked, user deactivated).
    void sessionEnded(const QString &reason);

private:
    void open();
    void onConnected();
    void onText(const QString &text);
    void onClosed();
    void setState(State state);
    void scheduleRetry(const QString &error);
    void sendRaw(int id, const QString &method, const QJsonObject &params);
    void subscribe(const QString &topic, bool on, const QStringList &devices = {});
    void dispatch(const QString &method, const QJsonObject &params);
    /// Every request still waiting gets "not live".
    void failPending();

    QWebSocket *m_socket = nullptr;
    QUrl m_url;
    QString m_token;
    QSslCertificate m_trustedCa;
    State m_state = State::Disconnected;
    QString m_lastError;
    bool m_running = false;
    QTimer m_retry;
    QTimer m_ping;
    int m_retryDelayMs = 1000;
    int m_nextId = 1;
    bool m_sslFailed = false;
    bool m_signInRefused = false;

    struct Pending
    {
        QPointer<QObject> context;
        bool hasContext = false;
        ResultCallback callback;
    };
    QHash<int, Pending> m_pending;

    bool m_followDevices = false;
    bool m_followCommands = false;
    bool m_followAlerts = false;
    QHash<QString, int> m_telemetry;   ///< device id -> number of views following it
};
