#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

/// One notification channel as the server answers it (GET /v1/notification-channels): its secret, if any, comes
/// back as ChannelInfo::redacted().
struct ChannelInfo
{
    Q_DECLARE_TR_FUNCTIONS(ChannelInfo)

public:
    enum class Kind { Webhook, Email, Sms, PagerDuty };

    QString id;
    QString name;
    Kind kind = Kind::Webhook;
    bool active = true;
    QJsonObject config;
    QString createdBy;
    QDateTime updatedAt;

    static ChannelInfo fromJson(const QJsonObject &o);

    static QList<Kind> kinds();
    static QString kindName(Kind k);                       ///< the API's spelling
    static std::optional<Kind> kindFromName(const QString &name);
    static QString kindLabel(Kind k);                      ///< translated
    /// The config field the server withholds (answers as redacted()) for this kind.
    static QString secretField(Kind k);
    /// What the server answers in place of a stored secret; sent back, it keeps the stored one.
    static QString redacted();

    /// Where the channel sends, in a few words: the URL, the mail server and addresses, the numbers.
    QString target() const;
};
