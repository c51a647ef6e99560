#pragma once

#include <QHash>
#include <QSet>
#include <QTimer>
#include <QWidget>

class ApiClient;
class ChannelDialog;
class ChannelsModel;
class DeliveriesModel;
class PoliciesModel;
class PolicyDialog;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;
struct DeliveryInfo;

/// Notification administration (issue 12): the organisation's channels (webhook, e-mail, SMS gateway, PagerDuty)
/// with new / edit / delete / send test, the delivery log (what was sent where, its status, attempts and the
/// receiver's answer) and the policies that route alerts to channels. After "send test" the view follows the test's
/// delivery until its first try has an outcome, so the operator sees "Delivered" or "Retrying: connection refused"
/// without pressing Refresh.
///
/// Reading needs an operator or administrator; changing needs a tenant (or platform) administrator — the view
/// only offers the changes after setCanEdit(true).
class ChannelsView : public QWidget
{
    Q_OBJECT

public:
    explicit ChannelsView(ApiClient *api, QWidget *parent = nullptr);
    ~ChannelsView() override;

    /// Reads channels, policies and the delivery log again (after signing in, on showing the view).
    void reload();
    /// Reads the delivery log again (the Refresh button).
    void refreshDeliveries();

    /// Whether the user may change channels and policies; without it the view only shows them.
    void setCanEdit(bool canEdit);
    bool canEdit() const { return m_canEdit; }
    /// Whether a role (the API's spelling, as in GET /v1/auth/me) may change channels and policies
    /// (the server's notification.write: tenant-admin, platform-admin).
    static bool roleCanEdit(const QString &role);

    /// The actions of the buttons; the dialogs they open are returned (null when nothing is selected or the
    /// user may not change), open and non-blocking, and delete themselves when closed.
    ChannelDialog *newChannel();
    ChannelDialog *editSelected();   ///< read-only details without setCanEdit(true)
    void deleteSelected();           ///< asks first
    void sendTestToSelected();
    PolicyDialog *newPolicy();
    void removeSelectedPolicy();     ///< asks first

    /// Selects a channel's row; false if it is not in the list.
    bool selectChannel(const QString &id);
    QString selectedChannelId() const;

    ChannelsModel *channels() const { return m_channels; }
    DeliveriesModel *deliveries() const { return m_deliveries; }
    PoliciesModel *policies() const { return m_policies; }
    QTableView *channelTable() const { return m_channelTable; }
    QTableView *deliveryTable() const { return m_deliveryTable; }
    QTableView *policyTable() const { return m_policyTable; }
    /// The view's message line (results of actions, problems reading).
    QString message() const;
    /// Test deliveries still followed after "send test".
    int followedDeliveries() const { return int(m_followed.size()); }

Q_SIGNALS:
    void channelsLoaded();
    void deliveriesLoaded();
    void policiesLoaded();
    /// A followed test delivery has its outcome (delivered, failed, retrying, …).
    void testFinished(const QString &deliveryId);

private:
    void buildUi();
    void loadChannels(int generation);
    void loadPolicies(int generation);
    void followTick();
    void onDeliveryUpdate(const DeliveryInfo &d);
    void updateLastDeliveries();
    void updateButtons();
    void updateCounts();
    void showMessage(const QString &text, bool problem = false);
    void reportTest(const DeliveryInfo &d);
    QString selectedPolicyId() const;

    ApiClient *m_api;
    ChannelsModel *m_channels;
    DeliveriesModel *m_deliveries;
    PoliciesModel *m_policies;
    bool m_canEdit = false;
    int m_generation = 0;
    int m_deliveriesGeneration = 0;
    QString m_channelsReadAt;     ///< when the list was last read whole; empty before
    QString m_channelsProblem;    ///< why the last read failed
    QString m_deliveriesReadAt;
    QString m_deliveriesProblem;
    bool m_deliveriesTruncated = false;

    struct Follow
    {
        int ticks = 0;
    };
    QHash<QString, Follow> m_followed;   ///< test deliveries by id
    QSet<QString> m_followRequests;      ///< a GET under way
    QString m_reported;                  ///< the test delivery the message line tells about
    QTimer m_follow;

    QLabel *m_message = nullptr;
    QLabel *m_channelsUpdated = nullptr;
    QLabel *m_deliveriesUpdated = nullptr;
    QTableView *m_channelTable = nullptr;
    QTableView *m_deliveryTable = nullptr;
    QTableView *m_policyTable = nullptr;
    QTabWidget *m_lower = nullptr;
    QPushButton *m_new = nullptr;
    QPushButton *m_edit = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_test = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_addPolicy = nullptr;
    QPushButton *m_removePolicy = nullptr;
};
