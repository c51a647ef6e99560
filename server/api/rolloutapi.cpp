#include "api/rolloutapi.h"

#include "api/router.h"
#include "auth/policy.h"
#include "core/jsonutil.h"
#include "firmware/rolloutservice.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QMap>

namespace Fleetdeck::Api {

namespace {

using RolloutStates::deviceFromName;
using RolloutStates::isFailure;
using RolloutStates::isFinal;
using RolloutStates::kDeviceNames;
using RolloutStates::name;
using Device = RolloutStates::Device;
using RolloutState = RolloutStates::Rollout;

QJsonValue iso(qint64 ms)
{
    if (ms <= 0)
        return QJsonValue::Null;
    return Json::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC));
}

QJsonObject countsJson(const std::array<int, kDeviceNames.size()> &c)
{
    QJsonObject o;
    for (size_t i = 0; i < kDeviceNames.size(); ++i)
        o.insert(QString::fromLatin1(kDeviceNames[i]), c[i]);
    return o;
}

/// The rollout with its counts per state, per phase and its failure reasons grouped (no device list).
QJsonObject rolloutJson(const Rollout &r)
{
    std::array<int, kDeviceNames.size()> all{};
    QList<std::array<int, kDeviceNames.size()>> perPhase(r.phases.size());
    QMap<QString, int> reasons;
    for (const RolloutDevice &d : r.devices) {
        ++all[size_t(d.state)];
        if (d.phase >= 0 && d.phase < perPhase.size())
            ++perPhase[d.phase][size_t(d.state)];
        if (isFailure(d.state) || d.state == Device::Skipped)
            ++reasons[QStringLiteral("%1: %2").arg(name(d.state), d.error.isEmpty() ? QStringLiteral("other") : d.error)];
    }
    QJsonArray phases;
    for (int i = 0; i < r.phases.size(); ++i) {
        const RolloutPhase &p = r.phases[i];
        int total = 0, done = 0;
        for (size_t s = 0; s < kDeviceNames.size(); ++s) {
            total += perPhase[i][s];
            done += isFinal(Device(s)) ? perPhase[i][s] : 0;
        }
        QJsonObject o{{QStringLiteral("number"), i + 1},
                      {QStringLiteral("soak_s"), p.soakS},
                      {QStringLiteral("failure_threshold_percent"), p.failureThresholdPercent},
                      {QStringLiteral("devices"), total},
                      {QStringLiteral("finished"), done},
                      {QStringLiteral("counts"), countsJson(perPhase[i])},
                      {QStringLiteral("state"), i < r.currentPhase || (i == r.currentPhase && r.state == RolloutState::Completed) ? QStringLiteral("done")
                                                : i == r.currentPhase && r.state != RolloutState::Scheduled ? QStringLiteral("current") : QStringLiteral("waiting")}};
        if (p.devices > 0)
            o.insert(QStringLiteral("asked_devices"), p.devices);
        else
            o.insert(QStringLiteral("asked_percent"), p.percent);
        phases.append(o);
    }
    QJsonArray failures;
    for (auto it = reasons.begin(); it != reasons.end(); ++it)
        failures.append(QJsonObject{{QStringLiteral("reason"), it.key()}, {QStringLiteral("devices"), it.value()}});
    QJsonObject o{{QStringLiteral("id"), r.id},
                  {QStringLiteral("name"), r.name},
                  {QStringLiteral("firmware_id"), r.firmwareId},
                  {QStringLiteral("device_type"), r.deviceType},
                  {QStringLiteral("version"), r.version},
                  {QStringLiteral("state"), name(r.state)},
                  {QStringLiteral("state_reason"), r.pauseReason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.pauseReason)},
                  {QStringLiteral("target"), r.target},
                  {QStringLiteral("current_phase"), r.state == RolloutState::Scheduled ? 0 : r.currentPhase + 1},
                  {QStringLiteral("phases"), phases},
                  {QStringLiteral("max_concurrent"), r.maxConcurrent},
                  {QStringLiteral("random_start_delay_s"), r.randomStartDelayS},
                  {QStringLiteral("device_timeout_s"), r.deviceTimeoutS},
                  {QStringLiteral("offline_skip_s"), r.offlineSkipS},
                  {QStringLiteral("auto_rollback"), r.autoRollback},
                  {QStringLiteral("devices"), int(r.devices.size())},
                  {QStringLiteral("counts"), countsJson(all)},
                  {QStringLiteral("failure_reasons"), failures},
                  {QStringLiteral("start_at"), iso(r.startAtMs)},
                  {QStringLiteral("created_by"), r.createdBy},
                  {QStringLiteral("created_at"), iso(r.createdMs)},
                  {QStringLiteral("updated_at"), iso(r.updatedMs)},
                  {QStringLiteral("started_at"), iso(r.startedMs)},
                  {QStringLiteral("finished_at"), iso(r.finishedMs)}};
    if (r.window)
        o.insert(QStringLiteral("maintenance_window"),
                 QJsonObject{{QStringLiteral("start"), QStringLiteral("%1:%2").arg(r.window->first / 60, 2, 10, QChar(u'0')).arg(r.window->first % 60, 2, 10, QChar(u'0'))},
                             {QStringLiteral("end"), QStringLiteral("%1:%2").arg(r.window->second / 60, 2, 10, QChar(u'0')).arg(r.window->second % 60, 2, 10, QChar(u'0'))}});
    else
        o.insert(QStringLiteral("maintenance_window"), QJsonValue::Null);
    return o;
}

QJsonObject deviceJson(const RolloutDevice &d)
{
    return {{QStringLiteral("device_id"), d.deviceId},
            {QStringLiteral("phase"), d.phase < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(d.phase + 1)},
            {QStringLiteral("state"), name(d.state)},
            {QStringLiteral("from_version"), d.fromVersion.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(d.fromVersion)},
            {QStringLiteral("rollback"), d.rollback},
            {QStringLiteral("attempts"), d.attempt},
            {QStringLiteral("progress"), d.percent < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(d.percent)},
            {QStringLiteral("error"), d.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(d.error)},
            {QStringLiteral("reason"), d.reason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(d.reason)},
            {QStringLiteral("notified_at"), iso(d.notifiedMs)},
            {QStringLiteral("running_since"), iso(d.runningSinceMs)},
            {QStringLiteral("updated_at"), iso(d.updatedMs)},
            {QStringLiteral("finished_at"), iso(d.finishedMs)}};
}

Response answer(const Result<Rollout> &r, int status = 200)
{
    if (!r)
        return Response::fromError(r.error());
    return Response::json(rolloutJson(*r), status);
}

QString noteOf(const Request &req)
{
    QJsonObject body;
    if (!req.body.isEmpty())
        if (auto parsed = req.jsonBody())
            body = *parsed;
    return body.value(QStringLiteral("note")).toString().left(500);
}

} // namespace

void registerRolloutRoutes(Router &router, RolloutService *rollouts)
{
    Policy::define({
        {QStringLiteral("rollout.read"), Policy::everyone(), QStringLiteral("Read firmware rollouts, their devices and devices' firmware histories")},
        {QStringLiteral("rollout.write"), Policy::admins(), QStringLiteral("Start, pause, resume, abort and roll back firmware rollouts")},
    });
    router.add("POST", QStringLiteral("/v1/firmware/updates"), QStringLiteral("rollout.write"),
               QStringLiteral("Start a phased firmware rollout {firmware_id, target, phases, max_concurrent, start_at, ...}"), [rollouts](Request &req) {
                   QJsonObject body;
                   if (auto bad = readBody(req, body))
                       return *bad;
                   auto r = rollouts->create(req.who(), body);
                   Response resp = answer(r, 201);
                   if (r)
                       resp.headers.append({QByteArray("Location"), QStringLiteral("/v1/firmware/updates/%1").arg(r->id).toLatin1()});
                   return resp;
               });
    router.add("GET", QStringLiteral("/v1/firmware/updates"), QStringLiteral("rollout.read"),
               QStringLiteral("The organisation's rollouts, newest first, with their counts; filter state"), [rollouts](Request &req) {
                   auto list = rollouts->list(req.who(), req.queryValue(QStringLiteral("state")));
                   if (!list)
                       return list.error().code == ErrorCode::Invalid ? Response::problem(400, list.error().message) : Response::fromError(list.error());
                   QJsonArray items;
                   for (const Rollout &r : *list)
                       items.append(rolloutJson(r));
                   return Response::json({{QStringLiteral("items"), items}, {QStringLiteral("count"), items.size()}});
               });
    router.add("GET", QStringLiteral("/v1/firmware/updates/{rollout_id}"), QStringLiteral("rollout.read"),
               QStringLiteral("One rollout: its state (and why), counts per state and per phase, failure reasons grouped"), [rollouts](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("rollout_id"), "rollout"))
                       return *bad;
                   return answer(rollouts->get(req.who(), req.arg(QStringLiteral("rollout_id"))));
               });
    router.add("GET", QStringLiteral("/v1/firmware/updates/{rollout_id}/devices"), QStringLiteral("rollout.read"),
               QStringLiteral("A rollout's devices with their states and reasons; filter state, phase"), [rollouts](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("rollout_id"), "rollout"))
                       return *bad;
                   const QString state = req.queryValue(QStringLiteral("state"));
                   if (!state.isEmpty() && !deviceFromName(state))
                       return Response::problem(400, QStringLiteral("unknown state \"%1\"").arg(state.left(32)));
                   bool phaseOk = true;
                   const QString phaseText = req.queryValue(QStringLiteral("phase"));
                   const int phase = phaseText.isEmpty() ? 0 : phaseText.toInt(&phaseOk);
                   if (!phaseOk || phase < 0)
                       return Response::problem(400, QStringLiteral("phase must be a phase number (1, 2, ...)"));
                   auto r = rollouts->get(req.who(), req.arg(QStringLiteral("rollout_id")));
                   if (!r)
                       return Response::fromError(r.error());
                   QJsonArray items;
                   for (const RolloutDevice &d : std::as_const(r->devices))
                       if ((state.isEmpty() || name(d.state) == state) && (phase == 0 || d.phase + 1 == phase))
                           items.append(deviceJson(d));
                   return Response::json({{QStringLiteral("items"), items}, {QStringLiteral("count"), items.size()}});
               });
    const auto verb = [&router, rollouts](const char *action, const QString &summary, auto call) {
        router.add("POST", QStringLiteral("/v1/firmware/updates/{rollout_id}/%1").arg(QString::fromLatin1(action)), QStringLiteral("rollout.write"), summary,
                   [rollouts, call](Request &req) {
                       if (auto bad = checkId(req, QStringLiteral("rollout_id"), "rollout"))
                           return *bad;
                       if (!req.body.isEmpty()) {
                           QJsonObject body;
                           if (auto bad = readBody(req, body))
                               return *bad;
                       }
                       return answer(call(rollouts, req));
                   });
    };
    verb("pause", QStringLiteral("Pause a rollout: no new device gets a job; those working on one finish"),
         [](RolloutService *s, Request &req) { return s->pause(req.who(), req.arg(QStringLiteral("rollout_id")), noteOf(req)); });
    verb("resume", QStringLiteral("Resume a paused rollout {retry_failed?}: with retry_failed the phase's failed devices get another job"),
         [](RolloutService *s, Request &req) {
             const QJsonObject body = req.body.isEmpty() ? QJsonObject() : req.jsonBody().value_or(QJsonObject());
             return s->resume(req.who(), req.arg(QStringLiteral("rollout_id")), body.value(QStringLiteral("retry_failed")).toBool());
         });
    verb("abort", QStringLiteral("Abort a rollout: devices that have not started are skipped, running jobs are called off"),
         [](RolloutService *s, Request &req) { return s->abort(req.who(), req.arg(QStringLiteral("rollout_id")), noteOf(req)); });
    verb("rollback", QStringLiteral("Roll a rollout back: every device that left its old version returns to it"),
         [](RolloutService *s, Request &req) { return s->rollback(req.who(), req.arg(QStringLiteral("rollout_id")), noteOf(req)); });
    router.add("GET", QStringLiteral("/v1/devices/{device_id}/firmware-history"), QStringLiteral("rollout.read"),
               QStringLiteral("A device's firmware rollouts, newest first, with what happened to it in each"), [rollouts](Request &req) {
                   if (auto bad = checkId(req, QStringLiteral("device_id"), "device"))
                       return *bad;
                   auto h = rollouts->deviceHistory(req.who(), req.arg(QStringLiteral("device_id")));
                   if (!h)
                       return Response::fromError(h.error());
                   QJsonArray items;
                   for (const auto &[r, d] : *h) {
                       QJsonObject o = deviceJson(d);
                       o.insert(QStringLiteral("rollout_id"), r.id);
                       o.insert(QStringLiteral("rollout_name"), r.name);
                       o.insert(QStringLiteral("rollout_state"), name(r.state));
                       o.insert(QStringLiteral("version"), r.version);
                       items.append(o);
                   }
                   return Response::json({{QStringLiteral("items"), items}, {QStringLiteral("count"), items.size()}});
               });
}

} // namespace Fleetdeck::Api
