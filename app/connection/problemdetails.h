#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

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

struct ApiError;

/// The server's detail of a refused request body (HTTP 400 or 422 with a problem detail, e.g.
/// "/config/url: must be an http or https URL"); empty for any other failure (network, rights, server).
QString refusalDetail(const ApiError &error);

/// A refusal that names the JSON pointer of what it refuses ("/condition/conditions/1/op: unknown operator"), split
/// off its message; an empty path when the text names none (message is then the whole text).
struct FieldProblem
{
    QString path;
    QString message;
    QStringList segments() const { return path.split(u'/', Qt::SkipEmptyParts); }
};
FieldProblem splitFieldProblem(const QString &detail);
