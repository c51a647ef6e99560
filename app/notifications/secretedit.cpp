#include "secretedit.h"

#include "channelinfo.h"

#include <QKeyEvent>

SecretEdit::SecretEdit(QWidget *parent)
    : QLineEdit(parent)
{
    setEchoMode(QLineEdit::Password);
    setClearButtonEnabled(true);
    // The placeholder is no secret; anything else typed or pasted is.
    connect(this, &QLineEdit::textChanged, this, [this]() {
        setEchoMode(keepsStored() ? QLineEdit::Normal : QLineEdit::Password);
    });
}

void SecretEdit::setStored(bool stored)
{
    m_stored = stored;
    setText(stored ? ChannelInfo::redacted() : QString());
    setEchoMode(stored ? QLineEdit::Normal : QLineEdit::Password);
    setPlaceholderText(stored ? QString() : tr("Not set"));
    setToolTip(stored ? tr("A secret is stored. Leave ******** to keep it, type a new one to replace it, "
                           "or empty the field to remove it.")
                      : QString());
}

bool SecretEdit::keepsStored() const
{
    return m_stored && text() == ChannelInfo::redacted();
}

void SecretEdit::keyPressEvent(QKeyEvent *event)
{
    const bool typing = (!event->text().isEmpty() && event->text().at(0).isPrint()) || event->matches(QKeySequence::Paste);
    if (keepsStored() && !isReadOnly() && (typing || event->key() == Qt::Key_Backspace || event->key() == Qt::Key_Delete))
        clear();
    QLineEdit::keyPressEvent(event);
}
