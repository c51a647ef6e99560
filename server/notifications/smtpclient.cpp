#include "notifications/smtpclient.h"

#include <QtCore/QDateTime>
#include <QtCore/QFile>
#include <QtCore/QLocale>
#include <QtCore/QSysInfo>
#include <QtCore/QTimeZone>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QSslSocket>
#include <cctype>

namespace Fleetdeck::Notify {

namespace {

constexpr int kMaxReplyBytes = 64 * 1024; ///< a server that sends more without a line end is not an SMTP server

/// RFC 2047 encoded word when the text is not plain ASCII.
QByteArray headerText(const QString &text)
{
    bool ascii = true;
    for (QChar c : text)
        ascii = ascii && c.unicode() >= 0x20 && c.unicode() < 0x7f;
    if (ascii)
        return text.toLatin1();
    return "=?UTF-8?B?" + text.toUtf8().toBase64() + "?=";
}

QByteArray address(const QString &email) { return '<' + email.toUtf8() + '>'; }

/// The name this host gives in EHLO: its own when it has a usable one.
QByteArray heloName()
{
    QByteArray name = QSysInfo::machineHostName().toLatin1();
    for (char c : std::as_const(name))
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
            return QByteArrayLiteral("localhost");
    return name.isEmpty() ? QByteArrayLiteral("localhost") : name;
}

} // namespace

SmtpClient::SmtpClient(QObject *parent) : QObject(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finish(false, true, QStringLiteral("no answer from %1:%2 within %3 s").arg(m_server.host).arg(m_server.port).arg(m_server.timeoutMs / 1000));
    });
}

SmtpClient::~SmtpClient() = default;

QByteArray SmtpClient::render(const SmtpMessage &m)
{
    QByteArray out;
    const auto header = [&out](const QByteArray &name, const QByteArray &value) { out += name + ": " + value + "\r\n"; };
    header("From", address(m.from));
    QByteArrayList to;
    for (const QString &t : m.to)
        to << address(t);
    header("To", to.join(", "));
    header("Subject", headerText(m.subject));
    header("Date", QLocale::c().toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss +0000")).toLatin1());
    if (!m.messageId.isEmpty())
        header("Message-ID", '<' + m.messageId.toLatin1() + '>');
    for (const auto &[name, value] : m.extraHeaders)
        header(name, value);
    header("MIME-Version", "1.0");
    header("Content-Type", "text/plain; charset=utf-8");
    header("Content-Transfer-Encoding", "base64");
    out += "\r\n";
    // Base64 lines never start with a dot, so the body needs no dot-stuffing; 76 characters a line (RFC 2045).
    const QByteArray body = m.text.toUtf8().toBase64();
    for (qsizetype i = 0; i < body.size(); i += 76)
        out += body.mid(i, 76) + "\r\n";
    return out;
}

void SmtpClient::send(const SmtpServer &server, const SmtpMessage &message, Done done)
{
    m_server = server;
    m_message = message;
    m_done = std::move(done);
    m_step = Step::Greeting;
    m_nextRecipient = 0;
    m_socket = new QSslSocket(this);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (!server.caFile.isEmpty()) {
        QFile f(server.caFile);
        if (!f.open(QIODevice::ReadOnly)) {
            QTimer::singleShot(0, this, [this] { finish(false, false, QStringLiteral("the CA file %1 cannot be read").arg(m_server.caFile)); });
            return;
        }
        QList<QSslCertificate> cas = tls.caCertificates();
        cas += QSslCertificate::fromData(f.readAll(), QSsl::Pem);
        tls.setCaCertificates(cas);
    }
    tls.setPeerVerifyMode(server.verifyPeer ? QSslSocket::VerifyPeer : QSslSocket::VerifyNone);
    m_socket->setSslConfiguration(tls);
    m_socket->setPeerVerifyName(server.host);
    connect(m_socket, &QSslSocket::readyRead, this, &SmtpClient::onReadyRead);
    connect(m_socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_step == Step::Done)
            return;
        finish(false, true, QStringLiteral("%1:%2: %3").arg(m_server.host).arg(m_server.port).arg(m_socket->errorString()));
    });
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList why;
        for (const QSslError &e : errors)
            why << e.errorString();
        // A certificate the server cannot prove will not get better by trying again soon, but an operator may fix
        // it (a renewed certificate): retried like an outage.
        finish(false, true, QStringLiteral("TLS with %1 failed: %2").arg(m_server.host, why.join(QStringLiteral("; "))));
    });
    connect(m_socket, &QSslSocket::encrypted, this, [this] {
        if (m_step == Step::StartTls)
            command("EHLO " + heloName(), Step::EhloAfterTls);
    });
    m_timeout.start(server.timeoutMs);
    if (server.security == SmtpServer::Security::Tls)
        m_socket->connectToHostEncrypted(server.host, server.port);
    else
        m_socket->connectToHost(server.host, server.port);
}

void SmtpClient::onReadyRead()
{
    m_buffer += m_socket->readAll();
    for (;;) {
        const qsizetype eol = m_buffer.indexOf("\r\n");
        if (eol < 0) {
            if (m_buffer.size() > kMaxReplyBytes)
                finish(false, true, QStringLiteral("%1 sent a reply line longer than 64 KiB: not an SMTP server?").arg(m_server.host));
            return;
        }
        const QByteArray line = m_buffer.left(eol);
        m_buffer.remove(0, eol + 2);
        bool ok = false;
        const int code = line.left(3).toInt(&ok);
        if (!ok || line.size() < 3 || (line.size() > 3 && line.at(3) != ' ' && line.at(3) != '-')) {
            finish(false, true, QStringLiteral("%1 answered something that is not an SMTP reply: \"%2\"").arg(m_server.host, QString::fromUtf8(line.left(100))));
            return;
        }
        m_lines << QString::fromUtf8(line.mid(4));
        if (line.size() > 3 && line.at(3) == '-')
            continue; // more lines of this reply follow
        const QStringList lines = std::exchange(m_lines, {});
        m_lastCode = code;
        m_lastReply = lines.join(u' ');
        onReply(code, lines);
        if (m_step == Step::Done || !m_socket)
            return;
    }
}

void SmtpClient::command(const QByteArray &line, Step next)
{
    m_step = next;
    m_socket->write(line + "\r\n");
}

void SmtpClient::onReply(int code, const QStringList &lines)
{
    const auto refused = [&](const QString &what) {
        // 4xx: try again later; 5xx: the server refuses for good.
        finish(false, code < 500, QStringLiteral("%1 (%2 %3)").arg(what).arg(code).arg(m_lastReply));
    };
    switch (m_step) {
    case Step::Greeting:
        if (code != 220)
            return refused(QStringLiteral("the server did not greet"));
        return command("EHLO " + heloName(), Step::Ehlo);
    case Step::Ehlo:
    case Step::EhloAfterTls:
        if (code != 250)
            return refused(QStringLiteral("EHLO was refused"));
        return afterEhlo(lines);
    case Step::StartTls:
        if (code != 220)
            return refused(QStringLiteral("STARTTLS was refused"));
        m_socket->startClientEncryption(); // EHLO again once encrypted
        return;
    case Step::AuthPlain:
    case Step::AuthLoginPass:
        if (code != 235)
            return refused(QStringLiteral("the login was refused"));
        return startMail();
    case Step::AuthLoginUser:
        if (code != 334)
            return refused(QStringLiteral("AUTH LOGIN was refused"));
        return command(m_server.password.toUtf8().toBase64(), Step::AuthLoginPass);
    case Step::MailFrom:
        if (code != 250)
            return refused(QStringLiteral("the sender %1 was refused").arg(m_message.from));
        [[fallthrough]];
    case Step::RcptTo:
        if (m_step == Step::RcptTo && code != 250 && code != 251)
            return refused(QStringLiteral("the recipient %1 was refused").arg(m_message.to.value(m_nextRecipient - 1)));
        if (m_nextRecipient < m_message.to.size())
            return command("RCPT TO:" + address(m_message.to.at(m_nextRecipient++)), Step::RcptTo);
        return command("DATA", Step::Data);
    case Step::Data:
        if (code != 354)
            return refused(QStringLiteral("DATA was refused"));
        m_step = Step::Body;
        m_socket->write(render(m_message) + ".\r\n");
        return;
    case Step::Body:
        if (code != 250)
            return refused(QStringLiteral("the message was refused"));
        m_message.text.clear();
        m_step = Step::Quit;
        m_socket->write("QUIT\r\n");
        // Accepted: the answer to QUIT (or none) changes nothing.
        return finish(true, false, {});
    case Step::Quit:
    case Step::Done:
        return;
    }
}

void SmtpClient::afterEhlo(const QStringList &lines)
{
    m_capabilities.clear();
    for (qsizetype i = 1; i < lines.size(); ++i)
        m_capabilities << lines.at(i).toUpper();
    const bool encrypted = m_socket->isEncrypted();
    if (m_server.security == SmtpServer::Security::StartTls && !encrypted) {
        if (!m_capabilities.contains(QStringLiteral("STARTTLS")))
            return finish(false, false, QStringLiteral("%1 does not offer STARTTLS; nothing is sent in clear text (set \"security\": \"none\" for a "
                                                       "server without TLS and no login)").arg(m_server.host));
        return command("STARTTLS", Step::StartTls);
    }
    if (!m_server.username.isEmpty()) {
        QStringList mechanisms;
        for (const QString &c : std::as_const(m_capabilities))
            if (c.startsWith(QStringLiteral("AUTH ")) || c.startsWith(QStringLiteral("AUTH=")))
                mechanisms += c.mid(5).split(u' ', Qt::SkipEmptyParts);
        if (mechanisms.contains(QStringLiteral("PLAIN"))) {
            const QByteArray token = '\0' + m_server.username.toUtf8() + '\0' + m_server.password.toUtf8();
            return command("AUTH PLAIN " + token.toBase64(), Step::AuthPlain);
        }
        if (mechanisms.contains(QStringLiteral("LOGIN")))
            return command("AUTH LOGIN " + m_server.username.toUtf8().toBase64(), Step::AuthLoginUser);
        return finish(false, false, QStringLiteral("%1 offers no login this client knows (PLAIN, LOGIN); it offers: %2")
                                        .arg(m_server.host, mechanisms.isEmpty() ? QStringLiteral("none") : mechanisms.join(u' ')));
    }
    startMail();
}

void SmtpClient::startMail() { command("MAIL FROM:" + address(m_message.from), Step::MailFrom); }

void SmtpClient::finish(bool ok, bool transient, const QString &error)
{
    if (m_step == Step::Done && !m_done)
        return;
    const bool quitting = m_step == Step::Quit;
    m_step = Step::Done;
    m_timeout.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        if (quitting)
            m_socket->disconnectFromHost(); // after the QUIT is written
        else
            m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    Done done = std::exchange(m_done, nullptr);
    if (!done)
        return;
    Outcome o;
    o.ok = ok;
    o.transient = !ok && transient;
    o.code = m_lastCode;
    o.reply = m_lastReply;
    o.error = error;
    done(o);
}

} // namespace Fleetdeck::Notify
