#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

/// One entry of the delivery log (GET /v1/notification-deliveries): a notification, or a channel's test message,
/// on its way to one receiver.
struct DeliveryInfo
{
    Q_DECLARE_TR_FUNCTIONS(DeliveryInfo)

public:
    QString id;
    QString channelId;
    QString channelName;
    QString channelKind;
    QString policyId;
    QString alertId;
    QString event;       ///< raised, acknowledged, cleared, closed, escalated, test
    QString recipient;   ///< an SMS number; empty for the other kinds
    QString subject;
    /// pending, held, sending, retrying, delivered, failed, skipped, cancelled
    QString status;
    int attempts = 0;
    QDateTime createdAt;
    QDateTime nextAttemptAt;
    QDateTime lastAttemptAt;
    QDateTime deliveredAt;
    int responseCode = 0;
    QString response;
    QString lastError;

    static DeliveryInfo fromJson(const QJsonObject &o);

    bool isTest() const { return event == u"test"; }
    /// Nothing more will happen to it (delivered, failed, skipped, cancelled).
    bool finished() const;
    /// Not tried yet, or its first try is under way: after "send test" the console waits for more than this.
    bool awaitingFirstTry() const;
    /// Abnormal: failed, or a try failed and another is due.
    bool troubled() const;

    static QString statusLabel(const QString &status);   ///< translated
    static QString eventLabel(const QString &event);     ///< translated
    /// What became of it, in words: "Delivered", "Failed: connection refused", "Retrying: … (next try 12:03:10)".
    QString outcome() const;
    /// What the receiver answered: "HTTP 200 {…}", or the error of the last try.
    QString answer() const;
    /// What it is for: "Test message" or "Alert 1a2b3c4d raised".
    QString purpose() const;
};
