#include "problemdetails.h"

#include "apierror.h"

#include <QRegularExpression>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

std::optional<ProblemDetails> parseProblemDetails(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    if (!o.contains(u"title"_s) && !o.contains(u"detail"_s))
        return std::nullopt;
    ProblemDetails p;
    p.type = o.value(u"type"_s).toString();
    p.title = o.value(u"title"_s).toString();
    p.status = o.value(u"status"_s).toInt();
    p.detail = o.value(u"detail"_s).toString();
    return p;
}

QString asSentence(const QString &text)
{
    QString s = text.trimmed();
    if (s.isEmpty())
        return s;
    s[0] = s[0].toUpper();
    if (!s.endsWith(u'.') && !s.endsWith(u'!') && !s.endsWith(u'?'))
        s += u'.';
    return s;
}

QString userMessageForHttpError(int status, const QByteArray &body)
{
    if (const auto problem = parseProblemDetails(body)) {
        // The server words its details as log-style fragments ("wrong e-mail or password");
        // next to the console's own messages they read better as sentences.
        if (!problem->detail.trimmed().isEmpty())
            return asSentence(problem->detail);
        if (!problem->title.trimmed().isEmpty())
            return asSentence(problem->title);
    }
    switch (status) {
    case 401:
        return QCoreApplication::translate("ApiClient", "The server did not accept the credentials.");
    case 403:
        return QCoreApplication::translate("ApiClient", "You are not allowed to do this.");
    case 404:
        return QCoreApplication::translate("ApiClient",
                                           "The server does not offer this function. Is this a Fleetdeck server?");
    case 429:
        return QCoreApplication::translate("ApiClient", "The server is busy. Try again in a moment.");
    default:
        break;
    }
    if (status >= 500)
        return QCoreApplication::translate("ApiClient", "The server reported an internal error (HTTP %1).").arg(status);
    return QCoreApplication::translate("ApiClient", "The server rejected the request (HTTP %1).").arg(status);
}

QString refusalDetail(const ApiError &error)
{
    if (error.kind != ApiError::Kind::Http || (error.httpStatus != 400 && error.httpStatus != 422))
        return {};
    return error.body.object().value(QStringLiteral("detail")).toString();
}

FieldProblem splitFieldProblem(const QString &detail)
{
    static const QRegularExpression pointer(QStringLiteral("^(/[^\\s:]*):\\s*(.*)$"),
                                            QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch m = pointer.match(detail);
    if (!m.hasMatch())
        return {QString(), detail};
    return {m.captured(1), m.captured(2)};
}
