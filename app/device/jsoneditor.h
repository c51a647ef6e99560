#pragma once

#include <QJsonObject>
#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;

/// A JSON object editor: monospace text, validated as the operator types, with the problem and where it is
/// ("line 3, column 7: missing ','") shown under the text instead of a server error after sending.
class JsonEditor : public QWidget
{
    Q_OBJECT

public:
    explicit JsonEditor(QWidget *parent = nullptr);

    /// Replaces the text with this object, indented.
    void setObject(const QJsonObject &object);
    void setText(const QString &text);
    QString text() const;
    void setReadOnly(bool readOnly);
    /// An empty text counts as the empty object when allowEmpty (the default).
    void setAllowEmpty(bool allow);

    /// The parsed object, nullopt while the text is not a JSON object.
    std::optional<QJsonObject> object() const;
    bool isValid() const { return object().has_value(); }
    /// Empty when valid; otherwise what is wrong, translated.
    QString problem() const { return m_problem; }

    QPlainTextEdit *textEdit() const { return m_edit; }

Q_SIGNALS:
    void validityChanged(bool valid);
    void edited();

private:
    void validate();

    QPlainTextEdit *m_edit;
    QLabel *m_status;
    QString m_problem;
    bool m_allowEmpty = true;
    bool m_valid = true;
};
