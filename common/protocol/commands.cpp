#include "protocol/commands.h"

#include "core/jsonutil.h"

namespace Fleetdeck::Commands {

namespace {

Result<QJsonObject> parseBounded(const QByteArray &payload, qsizetype max, const char *what)
{
    if (payload.size() > max)
        return fail(Error::tooLarge(QStringLiteral("%1 of %2 bytes exceeds %3").arg(QLatin1StringView(what)).arg(payload.size()).arg(max)));
    return Json::parseObject(payload);
}

Result<QJsonObject> optionalObject(const QJsonObject &o, const QString &key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return QJsonObject();
    if (!v.isObject())
        return fail(Error::invalid(QStringLiteral("\"%1\" must be a JSON object").arg(key)));
    return v.toObject();
}

Result<qint64> version(const QJsonObject &o, bool required)
{
    const QJsonValue v = o.value(QStringLiteral("version"));
    if (v.isUndefined() && !required)
        return 0;
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > 9.0e15 || d != double(qint64(d)))
        return fail(Error::invalid(QStringLiteral("\"version\" must be a non-negative integer")));
    return qint64(d);
}

Result<ConfigDocument> decodeConfig(const QByteArray &payload, const QString &key, bool versionRequired)
{
    auto obj = parseBounded(payload, kMaxConfigBytes, "configuration document");
    if (!obj)
        return fail(obj.error());
    ConfigDocument d;
    auto v = version(*obj, versionRequired);
    if (!v)
        return fail(v.error());
    d.version = *v;
    const QJsonValue values = obj->value(key);
    if (!values.isObject())
        return fail(Error::invalid(QStringLiteral("\"%1\" must be a JSON object").arg(key)));
    d.values = values.toObject();
    return d;
}

} // namespace

bool isValidType(QStringView type)
{
    if (type.isEmpty() || type.size() > 64 || !(type.front() >= u'a' && type.front() <= u'z'))
        return false;
    for (QChar c : type)
        if (!((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_' || c == u'.' || c == u'-'))
            return false;
    return true;
}

QByteArray encode(const CommandMessage &m)
{
    return Json::compact({{QStringLiteral("command_id"), m.commandId},
                          {QStringLiteral("type"), m.type},
                          {QStringLiteral("payload"), m.payload},
                          {QStringLiteral("expires_at"), m.expiresAtMs},
                          {QStringLiteral("timeout_s"), m.timeoutS}});
}

Result<CommandMessage> decodeCommand(const QByteArray &payload)
{
    auto obj = parseBounded(payload, kMaxCommandPayloadBytes + 1024, "command");
    if (!obj)
        return fail(obj.error());
    CommandMessage m;
    m.commandId = obj->value(QStringLiteral("command_id")).toString();
    m.type = obj->value(QStringLiteral("type")).toString();
    if (m.commandId.isEmpty() || !isValidType(m.type))
        return fail(Error::invalid(QStringLiteral("a command needs \"command_id\" and a valid \"type\"")));
    auto p = optionalObject(*obj, QStringLiteral("payload"));
    if (!p)
        return fail(p.error());
    m.payload = *p;
    m.expiresAtMs = qint64(obj->value(QStringLiteral("expires_at")).toDouble());
    m.timeoutS = obj->value(QStringLiteral("timeout_s")).toInt();
    return m;
}

QString statusName(Reply::Status s)
{
    switch (s) {
    case Reply::Status::Delivered: return QStringLiteral("delivered");
    case Reply::Status::Succeeded: return QStringLiteral("succeeded");
    case Reply::Status::Failed: return QStringLiteral("failed");
    case Reply::Status::Rejected: return QStringLiteral("rejected");
    }
    return {};
}

QByteArray encode(const Reply &r)
{
    QJsonObject o{{QStringLiteral("status"), statusName(r.status)}};
    if (!r.result.isEmpty())
        o.insert(QStringLiteral("result"), r.result);
    return Json::compact(o);
}

Result<Reply> decodeReply(const QByteArray &payload)
{
    auto obj = parseBounded(payload, kMaxReplyBytes, "command reply");
    if (!obj)
        return fail(obj.error());
    Reply r;
    const QString s = obj->value(QStringLiteral("status")).toString();
    if (s == u"delivered")
        r.status = Reply::Status::Delivered;
    else if (s == u"succeeded")
        r.status = Reply::Status::Succeeded;
    else if (s == u"failed")
        r.status = Reply::Status::Failed;
    else if (s == u"rejected")
        r.status = Reply::Status::Rejected;
    else
        return fail(Error::invalid(QStringLiteral("\"status\" must be one of delivered, succeeded, failed, rejected")));
    auto result = optionalObject(*obj, QStringLiteral("result"));
    if (!result)
        return fail(result.error());
    r.result = *result;
    return r;
}

QByteArray encodeDesired(const ConfigDocument &d)
{
    return Json::compact({{QStringLiteral("version"), d.version}, {QStringLiteral("desired"), d.values}});
}

QByteArray encodeReported(const ConfigDocument &d)
{
    return Json::compact({{QStringLiteral("version"), d.version}, {QStringLiteral("reported"), d.values}});
}

Result<ConfigDocument> decodeDesired(const QByteArray &payload) { return decodeConfig(payload, QStringLiteral("desired"), true); }
Result<ConfigDocument> decodeReported(const QByteArray &payload) { return decodeConfig(payload, QStringLiteral("reported"), false); }

QJsonObject configDelta(const QJsonObject &desired, const QJsonObject &reported)
{
    QJsonObject delta;
    for (auto it = desired.begin(); it != desired.end(); ++it)
        if (reported.value(it.key()) != it.value())
            delta.insert(it.key(), it.value());
    return delta;
}

} // namespace Fleetdeck::Commands
