#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

/// The server's error body (RFC 9457 application/problem+json).
struct ProblemDetails
{
    QString type;
    QString title;
    int status = 0;
    QString detail;
};

/// Parses a problem+json body; nullopt if it is not one.
std::optional<ProblemDetails> parseProblemDetails(const QByteArray &body);

/// "wrong password" -> "Wrong password.": first letter upper case, a full stop unless the
/// text already ends a sentence.
QString asSentence(const QString &text);

/// The text to show a person for an HTTP error answer: the problem's detail, else its
/// title (as a sentence), else a generic sentence naming the status. Never raw JSON or HTML.
QString userMessageForHttpError(int status, const QByteArray &body);
