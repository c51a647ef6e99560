#include "jsoneditor.h"

#include "base/theme.h"

#include <QFontDatabase>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

/// Line and column (1-based) of a byte offset into UTF-8 text.
std::pair<int, int> lineAndColumn(const QByteArray &utf8, int offset)
{
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset && i < utf8.size(); ++i) {
        if (utf8[i] == '\n') {
            ++line;
            column = 1;
        } else if ((uchar(utf8[i]) & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

} // namespace

JsonEditor::JsonEditor(QWidget *parent)
    : QWidget(parent)
    , m_edit(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setTabChangesFocus(true);
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_status->setObjectName(u"jsonStatus"_s);
    m_status->setWordWrap(true);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_status);
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this]() {
        validate();
        Q_EMIT edited();
    });
    validate();
}

void JsonEditor::setObject(const QJsonObject &object)
{
    setText(object.isEmpty() ? u"{}"_s : QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)).trimmed());
}

void JsonEditor::setText(const QString &text)
{
    m_edit->setPlainText(text);
}

QString JsonEditor::text() const
{
    return m_edit->toPlainText();
}

void JsonEditor::setReadOnly(bool readOnly)
{
    m_edit->setReadOnly(readOnly);
    m_status->setVisible(!readOnly);
}

void JsonEditor::setAllowEmpty(bool allow)
{
    m_allowEmpty = allow;
    validate();
}

std::optional<QJsonObject> JsonEditor::object() const
{
    const QByteArray utf8 = text().toUtf8();
    if (utf8.trimmed().isEmpty())
        return m_allowEmpty ? std::optional<QJsonObject>(QJsonObject()) : std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

void JsonEditor::validate()
{
    const QByteArray utf8 = text().toUtf8();
    QString problem;
    if (utf8.trimmed().isEmpty()) {
        if (!m_allowEmpty)
            problem = tr("Enter a JSON object, e.g. {\"key\": 1}.");
    } else {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(utf8, &error);
        if (error.error != QJsonParseError::NoError) {
            const auto [line, column] = lineAndColumn(utf8, error.offset);
            problem = tr("Line %1, column %2: %3").arg(line).arg(column).arg(error.errorString());
        } else if (!doc.isObject()) {
            problem = tr("Must be a JSON object – in braces { … }.");
        }
    }
    m_problem = problem;
    QPalette p = m_status->palette();
    p.setColor(QPalette::WindowText, problem.isEmpty() ? palette().color(QPalette::PlaceholderText) : Theme::alarmColor());
    m_status->setPalette(p);
    m_status->setText(problem.isEmpty() ? tr("Valid JSON") : problem);
    const bool valid = problem.isEmpty();
    if (valid != m_valid) {
        m_valid = valid;
        Q_EMIT validityChanged(valid);
    }
}
