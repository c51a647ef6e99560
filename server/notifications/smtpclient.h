#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QTimer>
#include <functional>

class QSslSocket;

namespace Fleetdeck::Notify {

struct SmtpServer
{
    QString host;
    quint16 port = 587;
    enum class Security { StartTls, Tls, None } security = Security::StartTls;
    QString username; ///< empty: no AUTH
    QString password;
    QString caFile;   ///< extra trusted CA certificates (PEM), besides the system's
    bool verifyPeer = true;
    int timeoutMs = 30000;
};

struct SmtpMessage
{
    QString from;
    QStringList to;
    QString subject;
    QString text;
    QString messageId; ///< without the angle brackets
    QList<QPair<QByteArray, QByteArray>> extraHeaders;
};

/// One message sent over one SMTP session (RFC 5321), on the event loop: EHLO, STARTTLS (required when asked for:
/// never falls back to plain text), AUTH PLAIN or LOGIN, MAIL/RCPT/DATA, QUIT. The outcome says whether a later try
/// could succeed: a 4xx reply, a refused or lost connection or a timeout is transient; a 5xx reply (a refused
/// sender, recipient or login) is not.
class SmtpClient : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        bool ok = false;
        bool transient = true;
        int code = 0;     ///< the last SMTP reply code
        QString reply;    ///< the last reply's text (on success the server's queue answer)
        QString error;    ///< what went wrong, for the delivery log
    };
    using Done = std::function<void(const Outcome &)>;

    explicit SmtpClient(QObject *parent = nullptr);
    ~SmtpClient() override;

    /// Sends; `done` is called exactly once (unless the client is destroyed first).
    void send(const SmtpServer &server, const SmtpMessage &message, Done done);

    /// The message as it goes after DATA (headers, base64 body, dot-stuffed, CRLF line ends, without the final ".").
    static QByteArray render(const SmtpMessage &message);

private:
    enum class Step { Greeting, Ehlo, StartTls, EhloAfterTls, AuthPlain, AuthLoginUser, AuthLoginPass, MailFrom, RcptTo, Data, Body, Quit, Done };
    void onReadyRead();
    void onReply(int code, const QStringList &lines);
    void command(const QByteArray &line, Step next);
    void afterEhlo(const QStringList &lines);
    void startMail();
    void finish(bool ok, bool transient, const QString &error);

    QSslSocket *m_socket = nullptr;
    QTimer m_timeout;
    SmtpServer m_server;
    SmtpMessage m_message;
    Done m_done;
    Step m_step = Step::Greeting;
    QByteArray m_buffer;
    QStringList m_lines; ///< of a multi-line reply so far
    QStringList m_capabilities;
    int m_nextRecipient = 0;
    int m_lastCode = 0;
    QString m_lastReply;
};

} // namespace Fleetdeck::Notify
