#include "protocol/firmware.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace Fleetdeck::FirmwareProtocol {

namespace {

Result<QJsonObject> object(const QByteArray &payload, qsizetype max, const char *what)
{
    if (payload.size() > max)
        return fail(Error::tooLarge(QStringLiteral("%1 of %2 bytes is over %3").arg(QString::fromLatin1(what)).arg(payload.size()).arg(max)));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return fail(Error::invalid(QStringLiteral("%1 is not a JSON object").arg(QString::fromLatin1(what))));
    return doc.object();
}

} // namespace

QString stepName(Step s) { return QString::fromLatin1(kStepNames[size_t(s)]); }

QByteArray encode(const Job &j)
{
    QJsonObject o{{QStringLiteral("job_id"), j.jobId},
                  {QStringLiteral("rollout_id"), j.rolloutId},
                  {QStringLiteral("action"), j.action == Job::Action::Install ? QStringLiteral("install") : QStringLiteral("cancel")}};
    if (j.action == Job::Action::Install) {
        o.insert(QStringLiteral("device_type"), j.deviceType);
        o.insert(QStringLiteral("version"), j.version);
        o.insert(QStringLiteral("url"), j.url);
        o.insert(QStringLiteral("token"), j.token);
        o.insert(QStringLiteral("token_expires_at"), j.tokenExpiresMs);
        o.insert(QStringLiteral("size"), j.size);
        o.insert(QStringLiteral("sha256"), j.sha256);
        o.insert(QStringLiteral("signature"), QString::fromLatin1(j.signature.toBase64()));
        o.insert(QStringLiteral("signing_key_id"), j.signingKeyId);
        o.insert(QStringLiteral("start_after_s"), j.startAfterS);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<Job> decodeJob(const QByteArray &payload)
{
    auto o = object(payload, 16 * 1024, "a firmware job");
    if (!o)
        return fail(o.error());
    Job j;
    j.jobId = o->value(QStringLiteral("job_id")).toString();
    j.rolloutId = o->value(QStringLiteral("rollout_id")).toString();
    const QString action = o->value(QStringLiteral("action")).toString();
    if (j.jobId.isEmpty())
        return fail(Error::invalid(QStringLiteral("a firmware job needs a job_id")));
    if (action == u"cancel") {
        j.action = Job::Action::Cancel;
        return j;
    }
    if (action != u"install")
        return fail(Error::invalid(QStringLiteral("unknown firmware job action \"%1\"").arg(action.left(32))));
    j.deviceType = o->value(QStringLiteral("device_type")).toString();
    j.version = o->value(QStringLiteral("version")).toString();
    j.url = o->value(QStringLiteral("url")).toString();
    j.token = o->value(QStringLiteral("token")).toString();
    j.tokenExpiresMs = qint64(o->value(QStringLiteral("token_expires_at")).toDouble());
    j.size = qint64(o->value(QStringLiteral("size")).toDouble());
    j.sha256 = o->value(QStringLiteral("sha256")).toString();
    j.signature = QByteArray::fromBase64(o->value(QStringLiteral("signature")).toString().toLatin1());
    j.signingKeyId = o->value(QStringLiteral("signing_key_id")).toString();
    j.startAfterS = o->value(QStringLiteral("start_after_s")).toInt();
    if (j.version.isEmpty() || !j.url.startsWith(QStringLiteral("https://")) || j.size <= 0 || j.sha256.size() != 64 || j.signature.size() != 64)
        return fail(Error::invalid(QStringLiteral("a firmware install job needs version, an https url, size, sha256 and a 64-byte signature")));
    return j;
}

QByteArray encode(const Progress &p)
{
    QJsonObject o{{QStringLiteral("job_id"), p.jobId}, {QStringLiteral("state"), stepName(p.step)}};
    if (p.percent >= 0)
        o.insert(QStringLiteral("progress"), p.percent);
    if (p.step == Step::Failed) {
        o.insert(QStringLiteral("error"), p.error.isEmpty() ? QStringLiteral("other") : p.error);
        if (!p.reason.isEmpty())
            o.insert(QStringLiteral("reason"), p.reason);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<Progress> decodeProgress(const QByteArray &payload)
{
    auto o = object(payload, kMaxProgressBytes, "a firmware progress report");
    if (!o)
        return fail(o.error());
    Progress p;
    p.jobId = o->value(QStringLiteral("job_id")).toString();
    if (p.jobId.isEmpty() || p.jobId.size() > 128)
        return fail(Error::invalid(QStringLiteral("a firmware progress report needs its job_id")));
    const QString state = o->value(QStringLiteral("state")).toString();
    bool known = false;
    for (size_t i = 0; i < kStepNames.size(); ++i)
        if (state == QLatin1String(kStepNames[i])) {
            p.step = Step(i);
            known = true;
        }
    if (!known)
        return fail(Error::invalid(QStringLiteral("unknown firmware progress state \"%1\" (one of downloading, downloaded, verifying, installing, rebooting, failed)").arg(state.left(32))));
    const QJsonValue percent = o->value(QStringLiteral("progress"));
    if (percent.isDouble())
        p.percent = qBound(0, percent.toInt(), 100);
    if (p.step == Step::Failed) {
        p.error = o->value(QStringLiteral("error")).toString();
        bool knownError = false;
        for (const char *e : kErrorNames)
            knownError = knownError || p.error == QLatin1String(e);
        if (!knownError)
            p.error = QStringLiteral("other");
        p.reason = o->value(QStringLiteral("reason")).toString().left(500);
    }
    return p;
}

} // namespace Fleetdeck::FirmwareProtocol
