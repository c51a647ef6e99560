// The notification channel administration (ChannelsView) end to end, with nothing faked: the real server (HTTPS
// API, notification service, scheduler, SQLite) in this process and a real HTTP receiver on loopback for a webhook
// channel, driven through the console's own widgets as an administrator would: make a channel in the dialog (the
// server's refusal of a bad URL shows next to the URL field), change it leaving the secret at its placeholder (the
// receiver's signature proves the stored secret was kept), send a test and watch the delivery log say it was
// delivered, see a refused connection reported and delivered after Refresh once the receiver is back, add and
// remove a policy, and delete the channel. A user without the right to change sees everything but cannot change it.

#include "connection/apiclient.h"
#include "notifications/channeldialog.h"
#include "notifications/channelsmodel.h"
#include "notifications/channelsview.h"
#include "notifications/deliveriesmodel.h"
#include "notifications/policiesmodel.h"
#include "notifications/policydialog.h"
#include "notifications/secretedit.h"
#include "realserver.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageAuthenticationCode>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConsoleTest;

namespace {

constexpr int kTimeoutMs = 30000;
const QByteArray kSecret = "s3cret-one";

/// A small HTTP/1.1 receiver on loopback: records every request, answers 200 with a short JSON body.
class HttpReceiver : public QObject
{
public:
    struct Received
    {
        QByteArray method, path, body;
        QHash<QByteArray, QByteArray> headers;   ///< lower-case names
    };
    QList<Received> received;

    bool listen(quint16 port = 0)
    {
        m_server = std::make_unique<QTcpServer>();
        connect(m_server.get(), &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server->nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                    *buffer += s->readAll();
                    const qsizetype end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    Received r;
                    const QList<QByteArray> lines = buffer->left(end).split('\n');
                    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
                    r.method = first.value(0);
                    r.path = first.value(1);
                    for (qsizetype i = 1; i < lines.size(); ++i) {
                        const qsizetype colon = lines.at(i).indexOf(':');
                        if (colon > 0)
                            r.headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
                    }
                    const int length = r.headers.value("content-length").toInt();
                    if (buffer->size() < end + 4 + length)
                        return;
                    r.body = buffer->mid(end + 4, length);
                    received.append(r);
                    const QByteArray answer = R"({"ok":true})";
                    s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                             + QByteArray::number(answer.size()) + "\r\nConnection: close\r\n\r\n" + answer);
                    s->disconnectFromHost();
                });
            }
        });
        if (!m_server->listen(QHostAddress::LocalHost, port))
            return false;
        m_port = m_server->serverPort();
        return true;
    }
    void close() { m_server.reset(); }
    quint16 port() const { return m_port; }
    QString url(const QString &path) const { return u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path); }

private:
    std::unique_ptr<QTcpServer> m_server;
    quint16 m_port = 0;
};

} // namespace

class TestChannelsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void newChannelThroughTheDialog();
    void editKeepsTheSecretAtItsPlaceholder();
    void sendTestIsDeliveredAndLogged();
    void refusedConnectionIsReportedThenDeliveredAfterRefresh();
    void withoutTheRightToChangeOnlyDetails();
    void policyAddAndRemove();
    void deleteRemovesTheChannel();

private:
    template<typename Dialog>
    Dialog *openedDialog() const;
    void clickRowOf(QTableView *table, int row);
    void save(QDialog *dialog);
    QJsonArray serverChannels();
    QString shown(QAbstractItemModel *model, int row, int column) const
    {
        return model->index(row, column).data().toString();
    }

    std::unique_ptr<TestServer> m_server;
    HttpReceiver m_receiver;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<ChannelsView> m_view;
    QString m_channelId;
};

void TestChannelsView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // Retries come quickly here, so the refused delivery goes through soon after its receiver is back.
    m_server = std::make_unique<TestServer>(u"sqlite"_s, [](Fleetdeck::ServerOptions &o) { o.notificationRetryBaseMs = 300; });
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    QVERIFY(m_receiver.listen());

    const SessionInfo session = adminSession(*m_server);
    QVERIFY(!session.token.isEmpty());
    m_api = std::make_unique<ApiClient>();
    m_api->setBaseUrl(session.server);
    m_api->setTrustedCa(session.trustedCa);
    m_api->setBearerToken(session.token);

    m_view = std::make_unique<ChannelsView>(m_api.get());
    QCOMPARE(m_view->objectName(), u"view-channels"_s);
    m_view->setCanEdit(true);
    m_view->resize(1200, 800);
    m_view->show();
    QSignalSpy loaded(m_view.get(), &ChannelsView::channelsLoaded);
    QSignalSpy logLoaded(m_view.get(), &ChannelsView::deliveriesLoaded);
    m_view->reload();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() == 1 && logLoaded.count() == 1, kTimeoutMs);
    QCOMPARE(m_view->channels()->rowCount(), 0);
}

void TestChannelsView::cleanupTestCase()
{
    m_view.reset();
    m_api.reset();
    m_server.reset();
}

template<typename Dialog>
Dialog *TestChannelsView::openedDialog() const
{
    for (Dialog *d : m_view->findChildren<Dialog *>())
        if (d->isVisible())
            return d;
    return nullptr;
}

void TestChannelsView::clickRowOf(QTableView *table, int row)
{
    const QModelIndex index = table->model()->index(row, 0);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
}

void TestChannelsView::save(QDialog *dialog)
{
    auto *buttons = dialog->findChild<QDialogButtonBox *>();
    QVERIFY(buttons);
    QPushButton *saveButton = buttons->button(QDialogButtonBox::Save);
    QVERIFY(saveButton && saveButton->isEnabled());
    QTest::mouseClick(saveButton, Qt::LeftButton);
}

QJsonArray TestChannelsView::serverChannels()
{
    return m_server->request("GET", u"/v1/notification-channels"_s, {}, {}, m_server->adminToken()).json().value(u"items"_s).toArray();
}

void TestChannelsView::newChannelThroughTheDialog()
{
    QTest::mouseClick(m_view->findChild<QPushButton *>(u"newChannel"_s), Qt::LeftButton);
    QPointer<ChannelDialog> dialog;
    QTRY_VERIFY((dialog = openedDialog<ChannelDialog>()));
    QVERIFY(dialog->isNew());
    QCOMPARE(dialog->kind(), ChannelInfo::Kind::Webhook);

    // The form follows the kind: the e-mail fields are there for e-mail, the webhook's for webhooks.
    auto *kind = dialog->findChild<QComboBox *>(u"channel-kind"_s);
    QVERIFY(kind && kind->isEnabled());
    kind->setCurrentIndex(kind->findData(int(ChannelInfo::Kind::Email)));
    QTRY_VERIFY(dialog->findChild<QLineEdit *>(u"email-host"_s)->isVisible());
    QVERIFY(!dialog->findChild<QLineEdit *>(u"webhook-url"_s)->isVisible());
    kind->setCurrentIndex(kind->findData(int(ChannelInfo::Kind::Webhook)));
    QTRY_VERIFY(dialog->findChild<QLineEdit *>(u"webhook-url"_s)->isVisible());

    auto *name = dialog->findChild<QLineEdit *>(u"channel-name"_s);
    auto *url = dialog->findChild<QLineEdit *>(u"webhook-url"_s);
    auto *secret = dialog->findChild<SecretEdit *>(u"webhook-secret"_s);
    auto *headers = dialog->findChild<QPlainTextEdit *>(u"webhook-headers"_s);
    QVERIFY(name && url && secret && headers);
    QCOMPARE(secret->echoMode(), QLineEdit::Password);
    QVERIFY(secret->text().isEmpty());   // nothing stored yet: no placeholder
    QTest::keyClicks(name, u"On-call hook"_s);
    QTest::keyClicks(secret, QString::fromLatin1(kSecret));
    headers->setPlainText(u"X-Team: ops"_s);

    // A URL the server refuses: its 422 names /config/url, and the dialog shows it beside the URL field.
    QTest::keyClicks(url, u"ftp://not-a-webhook"_s);
    save(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->fieldError(u"url"_s).isEmpty(), kTimeoutMs);
    QVERIFY2(dialog->fieldError(u"url"_s).contains(u"http or https URL"_s), qPrintable(dialog->fieldError(u"url"_s)));
    auto *urlError = dialog->findChild<QLabel *>(u"webhook-url-error"_s);
    QVERIFY(urlError && urlError->isVisible());
    QVERIFY2(dialog->message().contains(u"/config/url"_s), qPrintable(dialog->message()));
    QVERIFY(dialog->fieldError(u"name"_s).isEmpty());
    QVERIFY(dialog->isVisible());
    QCOMPARE(serverChannels().size(), 0);

    // Corrected, it is made and shows in the table.
    url->clear();
    QTest::keyClicks(url, m_receiver.url(u"/hook"_s));
    save(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull() || !dialog->isVisible(), kTimeoutMs);
    QCOMPARE(m_view->channels()->rowCount(), 1);
    ChannelsModel *model = m_view->channels();
    QCOMPARE(shown(model, 0, ChannelsModel::NameColumn), u"On-call hook"_s);
    QCOMPARE(shown(model, 0, ChannelsModel::KindColumn), ChannelInfo::kindLabel(ChannelInfo::Kind::Webhook));
    QCOMPARE(shown(model, 0, ChannelsModel::ActiveColumn), u"Active"_s);
    QCOMPARE(shown(model, 0, ChannelsModel::TargetColumn), m_receiver.url(u"/hook"_s));
    QCOMPARE(shown(model, 0, ChannelsModel::LastDeliveryColumn), u"None yet"_s);

    // What the server stored: the secret withheld, the URL and header as typed.
    const QJsonArray stored = serverChannels();
    QCOMPARE(stored.size(), 1);
    const QJsonObject c = stored.at(0).toObject();
    m_channelId = c.value(u"id"_s).toString();
    QCOMPARE(m_view->channels()->channel(0).id, m_channelId);
    QCOMPARE(c.value(u"kind"_s).toString(), u"webhook"_s);
    QCOMPARE(c.value(u"config"_s).toObject().value(u"secret"_s).toString(), u"********"_s);
    QCOMPARE(c.value(u"config"_s).toObject().value(u"url"_s).toString(), m_receiver.url(u"/hook"_s));
    QCOMPARE(c.value(u"config"_s).toObject().value(u"headers"_s).toObject().value(u"X-Team"_s).toString(), u"ops"_s);
}

void TestChannelsView::editKeepsTheSecretAtItsPlaceholder()
{
    QVERIFY(!m_channelId.isEmpty());
    clickRowOf(m_view->channelTable(), 0);
    QCOMPARE(m_view->selectedChannelId(), m_channelId);

    // Typing into a stored secret replaces the placeholder as a whole; cancelled, nothing changes.
    {
        QTest::mouseClick(m_view->findChild<QPushButton *>(u"editChannel"_s), Qt::LeftButton);
        QPointer<ChannelDialog> dialog;
        QTRY_VERIFY((dialog = openedDialog<ChannelDialog>()));
        auto *secret = dialog->findChild<SecretEdit *>(u"webhook-secret"_s);
        QCOMPARE(secret->text(), u"********"_s);
        secret->setFocus();
        secret->end(false);
        QTest::keyClicks(secret, u"x"_s);
        QCOMPARE(secret->text(), u"x"_s);
        QCOMPARE(secret->echoMode(), QLineEdit::Password);   // what is typed is masked
        dialog->reject();
        QTRY_VERIFY(dialog.isNull() || !dialog->isVisible());
    }

    QTest::mouseClick(m_view->findChild<QPushButton *>(u"editChannel"_s), Qt::LeftButton);
    QPointer<ChannelDialog> dialog;
    QTRY_VERIFY((dialog = openedDialog<ChannelDialog>()));
    QVERIFY(!dialog->isNew());
    QVERIFY(!dialog->findChild<QComboBox *>(u"channel-kind"_s)->isEnabled());   // a kind cannot change
    // The stored secret reads as the server's placeholder, legibly: "unchanged", not eight typed characters.
    auto *secret = dialog->findChild<SecretEdit *>(u"webhook-secret"_s);
    QCOMPARE(secret->text(), u"********"_s);
    QCOMPARE(secret->echoMode(), QLineEdit::Normal);
    QVERIFY(secret->keepsStored());
    QCOMPARE(dialog->findChild<QPlainTextEdit *>(u"webhook-headers"_s)->toPlainText(), u"X-Team: ops"_s);
    auto *name = dialog->findChild<QLineEdit *>(u"channel-name"_s);
    auto *url = dialog->findChild<QLineEdit *>(u"webhook-url"_s);
    QCOMPARE(name->text(), u"On-call hook"_s);
    name->clear();
    QTest::keyClicks(name, u"On-call webhook"_s);
    url->clear();
    QTest::keyClicks(url, m_receiver.url(u"/hook2"_s));
    QCOMPARE(dialog->body().value(u"config"_s).toObject().value(u"secret"_s).toString(), u"********"_s);
    save(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull() || !dialog->isVisible(), kTimeoutMs);
    QCOMPARE(shown(m_view->channels(), 0, ChannelsModel::NameColumn), u"On-call webhook"_s);
    QCOMPARE(shown(m_view->channels(), 0, ChannelsModel::TargetColumn), m_receiver.url(u"/hook2"_s));
    // Whether the stored secret is the one typed first, the signature of the test message shows (next test).
}

void TestChannelsView::sendTestIsDeliveredAndLogged()
{
    QVERIFY(!m_channelId.isEmpty());
    QVERIFY(m_view->selectChannel(m_channelId));
    QSignalSpy finished(m_view.get(), &ChannelsView::testFinished);
    QPushButton *test = m_view->findChild<QPushButton *>(u"testChannel"_s);
    QVERIFY(test->isVisible() && test->isEnabled());
    QTest::mouseClick(test, Qt::LeftButton);

    // The receiver gets the POST: the test event, our header, signed with the secret given when the channel was
    // made (the edit sent back the placeholder, which kept it).
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.received.size(), 1, kTimeoutMs);
    const HttpReceiver::Received r = m_receiver.received.first();
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.path, QByteArray("/hook2"));
    QCOMPARE(r.headers.value("x-fleetdeck-event"), QByteArray("test"));
    QCOMPARE(r.headers.value("x-team"), QByteArray("ops"));
    const QByteArray expected = "sha256="
        + QMessageAuthenticationCode::hash(r.headers.value("x-fleetdeck-timestamp") + '.' + r.body, kSecret, QCryptographicHash::Sha256).toHex();
    QCOMPARE(r.headers.value("x-fleetdeck-signature"), expected);
    const QJsonObject payload = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(payload.value(u"event"_s).toString(), u"test"_s);

    // Without a click on Refresh, the log shows it delivered: the view follows the test's delivery.
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
    QCOMPARE(m_view->followedDeliveries(), 0);
    DeliveriesModel *log = m_view->deliveries();
    const int row = log->rowOf(finished.first().first().toString());
    QVERIFY(row >= 0);
    QCOMPARE(log->delivery(row).status, u"delivered"_s);
    QCOMPARE(log->delivery(row).id, QString::fromLatin1(r.headers.value("x-fleetdeck-delivery")));
    QVERIFY2(shown(log, row, DeliveriesModel::StatusColumn).startsWith(u"Delivered"_s), qPrintable(shown(log, row, DeliveriesModel::StatusColumn)));
    QCOMPARE(shown(log, row, DeliveriesModel::ChannelColumn), u"On-call webhook"_s);
    QCOMPARE(shown(log, row, DeliveriesModel::PurposeColumn), u"Test message"_s);
    QCOMPARE(log->index(row, DeliveriesModel::AttemptsColumn).data().toInt(), 1);
    QVERIFY2(shown(log, row, DeliveriesModel::AnswerColumn).contains(u"HTTP 200"_s), qPrintable(shown(log, row, DeliveriesModel::AnswerColumn)));
    QVERIFY(!shown(log, row, DeliveriesModel::TimeColumn).isEmpty());
    QVERIFY2(m_view->message().contains(u"Delivered"_s), qPrintable(m_view->message()));
    QVERIFY2(shown(m_view->channels(), 0, ChannelsModel::LastDeliveryColumn).contains(u"Delivered"_s),
             qPrintable(shown(m_view->channels(), 0, ChannelsModel::LastDeliveryColumn)));
}

void TestChannelsView::refusedConnectionIsReportedThenDeliveredAfterRefresh()
{
    const quint16 port = m_receiver.port();
    m_receiver.close();
    QVERIFY(m_view->selectChannel(m_channelId));
    QSignalSpy finished(m_view.get(), &ChannelsView::testFinished);
    QTest::mouseClick(m_view->findChild<QPushButton *>(u"testChannel"_s), Qt::LeftButton);

    // The first try fails: the operator reads why, and that another try is due.
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
    const QString id = finished.first().first().toString();
    DeliveriesModel *log = m_view->deliveries();
    const DeliveryInfo d = log->delivery(log->rowOf(id));
    QVERIFY2(d.status == u"retrying" || d.status == u"failed", qPrintable(d.status));
    QVERIFY2(d.lastError.contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(d.lastError));
    const QString status = shown(log, log->rowOf(id), DeliveriesModel::StatusColumn);
    QVERIFY2(status.contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(status));
    QVERIFY2(m_view->message().contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(m_view->message()));
    QVERIFY2(!shown(m_view->channels(), 0, ChannelsModel::LastDeliveryColumn).startsWith(u"Delivered"_s), "the channel still looks fine");

    // The receiver is back; the server's next try gets through, and Refresh shows it.
    QVERIFY(m_receiver.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver.received.size(), 2, kTimeoutMs);
    QSignalSpy logLoaded(m_view.get(), &ChannelsView::deliveriesLoaded);
    bool asked = false;
    bool delivered = false;
    // QTRY_ evaluates its expression once more after it held, so this remembers the answer.
    const auto refreshedAndDelivered = [&] {
        if (delivered)
            return true;
        if (!asked) {
            QTest::mouseClick(m_view->findChild<QPushButton *>(u"refreshDeliveries"_s), Qt::LeftButton);
            asked = true;
            return false;
        }
        if (logLoaded.isEmpty())
            return false;
        logLoaded.clear();
        asked = false;   // the log was read; if the retry has not been recorded yet, Refresh again
        const int row = log->rowOf(id);
        delivered = row >= 0 && log->delivery(row).status == u"delivered";
        return delivered;
    };
    QTRY_VERIFY_WITH_TIMEOUT(refreshedAndDelivered(), kTimeoutMs);
    QVERIFY2(shown(m_view->channels(), 0, ChannelsModel::LastDeliveryColumn).contains(u"Delivered"_s),
             qPrintable(shown(m_view->channels(), 0, ChannelsModel::LastDeliveryColumn)));
    QVERIFY(log->delivery(log->rowOf(id)).attempts >= 2);
    QVERIFY2(m_view->message().contains(u"Delivered"_s), qPrintable(m_view->message()));   // no stale "retrying"
    const QString freshness = m_view->findChild<QLabel *>(u"deliveriesUpdated"_s)->text();
    QVERIFY2(freshness.contains(u"read at"_s) && freshness.contains(u"Entries: 2"_s), qPrintable(freshness));
}

void TestChannelsView::withoutTheRightToChangeOnlyDetails()
{
    QVERIFY(!ChannelsView::roleCanEdit(u"operator"_s));
    QVERIFY(!ChannelsView::roleCanEdit(u"viewer"_s));
    QVERIFY(ChannelsView::roleCanEdit(u"tenant-admin"_s));
    QVERIFY(ChannelsView::roleCanEdit(u"platform-admin"_s));

    m_view->setCanEdit(false);
    for (const char *name : {"newChannel", "deleteChannel", "testChannel", "addPolicy", "removePolicy"})
        QVERIFY2(!m_view->findChild<QPushButton *>(QString::fromLatin1(name))->isVisible(), name);
    QVERIFY(m_view->newChannel() == nullptr);
    QVERIFY(m_view->selectChannel(m_channelId));
    QPushButton *details = m_view->findChild<QPushButton *>(u"editChannel"_s);
    QVERIFY(details->isVisible() && details->isEnabled());
    QCOMPARE(details->text(), u"Details…"_s);
    QTest::mouseClick(details, Qt::LeftButton);
    QPointer<ChannelDialog> dialog;
    QTRY_VERIFY((dialog = openedDialog<ChannelDialog>()));
    QVERIFY(dialog->isReadOnly());
    QCOMPARE(dialog->findChild<QLineEdit *>(u"webhook-url"_s)->text(), m_receiver.url(u"/hook2"_s));
    QVERIFY(!dialog->findChild<QLineEdit *>(u"webhook-url"_s)->isEnabled());
    QVERIFY(!dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save));
    dialog->reject();
    QTRY_VERIFY(dialog.isNull() || !dialog->isVisible());
    m_view->setCanEdit(true);
    QVERIFY(m_view->findChild<QPushButton *>(u"newChannel"_s)->isVisible());
}

void TestChannelsView::policyAddAndRemove()
{
    QTest::mouseClick(m_view->findChild<QPushButton *>(u"addPolicy"_s), Qt::LeftButton);
    QPointer<PolicyDialog> dialog;
    QTRY_VERIFY((dialog = openedDialog<PolicyDialog>()));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"policy-name"_s), u"Criticals to on-call"_s);
    dialog->findChild<QCheckBox *>(u"policy-severity-critical"_s)->setChecked(true);

    // No channel ticked: the server's refusal names the field.
    save(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->fieldError(u"channel_ids"_s).isEmpty(), kTimeoutMs);
    QVERIFY(dialog->isVisible());

    auto *channels = dialog->findChild<QListWidget *>(u"policy-channels"_s);
    QCOMPARE(channels->count(), 1);
    channels->item(0)->setCheckState(Qt::Checked);
    save(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull() || !dialog->isVisible(), kTimeoutMs);
    PoliciesModel *policies = m_view->policies();
    QCOMPARE(policies->rowCount(), 1);
    QCOMPARE(shown(policies, 0, PoliciesModel::NameColumn), u"Criticals to on-call"_s);
    QCOMPARE(shown(policies, 0, PoliciesModel::ChannelsColumn), u"On-call webhook"_s);
    QVERIFY(shown(policies, 0, PoliciesModel::AlertsColumn).startsWith(u"Critical"_s));

    // While the policy sends to it, the channel cannot be deleted: the server says why, nothing breaks.
    QVERIFY(m_view->selectChannel(m_channelId));
    QTest::mouseClick(m_view->findChild<QPushButton *>(u"deleteChannel"_s), Qt::LeftButton);
    QPointer<QMessageBox> box;
    QTRY_VERIFY((box = m_view->findChild<QMessageBox *>(u"confirmDeleteChannel"_s)) && box->isVisible());
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->message().contains(u"Criticals to on-call"_s), kTimeoutMs);
    QCOMPARE(m_view->channels()->rowCount(), 1);
    QTRY_VERIFY(box.isNull());

    clickRowOf(m_view->policyTable(), 0);
    QTest::mouseClick(m_view->findChild<QPushButton *>(u"removePolicy"_s), Qt::LeftButton);
    QTRY_VERIFY((box = m_view->findChild<QMessageBox *>(u"confirmRemovePolicy"_s)) && box->isVisible());
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(policies->rowCount(), 0, kTimeoutMs);
    QCOMPARE(m_server->request("GET", u"/v1/notification-policies"_s, {}, {}, m_server->adminToken()).json().value(u"count"_s).toInt(), 0);
    QTRY_VERIFY(box.isNull());
}

void TestChannelsView::deleteRemovesTheChannel()
{
    QVERIFY(m_view->selectChannel(m_channelId));

    // Cancelled first: it stays.
    QTest::mouseClick(m_view->findChild<QPushButton *>(u"deleteChannel"_s), Qt::LeftButton);
    QPointer<QMessageBox> box;
    QTRY_VERIFY((box = m_view->findChild<QMessageBox *>(u"confirmDeleteChannel"_s)) && box->isVisible());
    QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(box.isNull());
    QCOMPARE(m_view->channels()->rowCount(), 1);

    QTest::mouseClick(m_view->findChild<QPushButton *>(u"deleteChannel"_s), Qt::LeftButton);
    QTRY_VERIFY((box = m_view->findChild<QMessageBox *>(u"confirmDeleteChannel"_s)) && box->isVisible());
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->channels()->rowCount(), 0, kTimeoutMs);
    QCOMPARE(serverChannels().size(), 0);
    QVERIFY(!m_view->findChild<QPushButton *>(u"testChannel"_s)->isEnabled());

    // Read again from the server, the list stays empty.
    QSignalSpy loaded(m_view.get(), &ChannelsView::channelsLoaded);
    m_view->reload();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() == 1, kTimeoutMs);
    QCOMPARE(m_view->channels()->rowCount(), 0);
}

QTEST_MAIN(TestChannelsView)
#include "tst_channelsview.moc"
