#pragma once

#include <QLineEdit>

/// A password field for a channel's secret. Holding a stored secret it shows the server's placeholder
/// (ChannelInfo::redacted()) as plain text, so it reads as "unchanged" rather than as eight typed characters; sent
/// back, it keeps the stored secret. The first key typed replaces the whole placeholder (so "********x" is never
/// sent by accident) and what is typed is masked. Emptied, it removes an optional secret.
class SecretEdit : public QLineEdit
{
    Q_OBJECT

public:
    explicit SecretEdit(QWidget *parent = nullptr);

    /// Shows the placeholder of a stored secret (or nothing when there is none).
    void setStored(bool stored);
    bool isStored() const { return m_stored; }
    /// Still the placeholder: the stored secret stays.
    bool keepsStored() const;

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    bool m_stored = false;
};
