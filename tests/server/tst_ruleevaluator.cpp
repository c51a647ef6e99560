// The rule evaluator on synthetic streams with a clock of the test's own: every condition type, deadband, on- and
// off-delays, explicit clear conditions, and a restart (the durable state stored and read back) in the middle of a
// duration and a delay. Also the rule parser's errors, which name the JSON path.
#include "devices/devicedirectory.h"
#include "rules/evaluator.h"
#include "rules/rule.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtTest/QTest>

using namespace Fleetdeck;
using namespace Fleetdeck::Rules;

namespace {

QStringList S(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *i : items)
        out << QString::fromUtf8(i);
    return out;
}

Rule ruleFrom(const QByteArray &condition, const QByteArray &extra = {})
{
    const QByteArray json = "{\"name\":\"t\",\"condition\":" + condition + ",\"actions\":[{\"type\":\"alert\",\"severity\":\"major\"}]" +
                            (extra.isEmpty() ? QByteArray() : "," + extra) + "}";
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (doc.isNull())
        qFatal("bad test JSON %s: %s", json.constData(), qPrintable(err.errorString()));
    auto rule = parse(doc.object());
    if (!rule)
        qFatal("rule refused: %s", qPrintable(rule.error().message));
    return *rule;
}

/// Runs a script of events, one per entry, times in seconds:
///   "10 temp 81"  a reading at t=10      "10 offline" / "10 online"
///   "10 tick"     time passes to t=10    "10 restart"  the durable state stored and read back at t=10
/// Between events the due checks run at the times nextCheckMs() names, as the engine's timer does. Answers the
/// transitions as "raise@T" / "clear@T" (T in seconds, fractions kept).
QStringList run(const Rule &rule, const QStringList &script)
{
    RuleState state = Evaluator::initial(rule, 0, true);
    QStringList out;
    const auto note = [&out](Transition t, qint64 ms) {
        if (t == Transition::None)
            return;
        out << QStringLiteral("%1@%2").arg(t == Transition::Raise ? QStringLiteral("raise") : QStringLiteral("clear")).arg(double(ms) / 1000.0);
    };
    const auto advance = [&](qint64 toMs) {
        for (int guard = 0; guard < 10000; ++guard) {
            const qint64 due = Evaluator::nextCheckMs(rule, state);
            if (due < 0 || due > toMs)
                return;
            note(Evaluator::evaluate(rule, state, due), due);
        }
        qFatal("the next check never moved on");
    };
    bool online = true;
    for (const QString &line : script) {
        const QStringList f = line.split(u' ');
        const qint64 t = qint64(f.at(0).toDouble() * 1000);
        advance(t);
        const QString what = f.at(1);
        if (what == u"tick") {
            note(Evaluator::evaluate(rule, state, t), t);
        } else if (what == u"online" || what == u"offline") {
            online = what == u"online";
            Evaluator::connection(rule, state, t, online);
            note(Evaluator::evaluate(rule, state, t), t);
        } else if (what == u"restart") {
            const QJsonObject stored = QJsonDocument::fromJson(QJsonDocument(state.durable()).toJson()).object();
            state = Evaluator::restore(rule, stored, t, online);
        } else {
            Evaluator::reading(rule, state, t, t, what, f.at(2).toDouble());
            note(Evaluator::evaluate(rule, state, t), t);
        }
    }
    return out;
}

} // namespace

class TestRuleEvaluator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void streams_data();
    void streams();
    void restartKeepsAnActiveAlertActive();
    void durableHashMovesOnlyWithWhatIsStored();
    void parseErrors_data();
    void parseErrors();
    void roundTrip();
    void scope();
    void render();
};

void TestRuleEvaluator::streams_data()
{
    QTest::addColumn<QByteArray>("condition");
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<QStringList>("script");
    QTest::addColumn<QStringList>("expected");

    const QByteArray hot = R"({"type":"threshold","metric":"temp","op":">","value":80})";
    QTest::newRow("threshold raises once and clears")
        << hot << QByteArray() << S({"1 temp 70", "2 temp 81", "3 temp 90", "4 temp 79", "5 temp 85"})
        << S({"raise@2", "clear@4", "raise@5"});
    QTest::newRow("threshold >= at the limit") << QByteArray(R"({"type":"threshold","metric":"temp","op":">=","value":80})") << QByteArray()
                                               << S({"1 temp 80", "2 temp 79.9"}) << S({"raise@1", "clear@2"});
    QTest::newRow("threshold < ") << QByteArray(R"({"type":"threshold","metric":"bat","op":"<","value":20})") << QByteArray()
                                  << S({"1 bat 50", "2 bat 19", "3 bat 21"}) << S({"raise@2", "clear@3"});
    QTest::newRow("threshold == and !=") << QByteArray(R"({"type":"any","conditions":[{"type":"threshold","metric":"door","op":"==","value":1},{"type":"threshold","metric":"mode","op":"!=","value":0}]})")
                                         << QByteArray() << S({"1 door 0", "2 door 1", "3 door 0", "4 mode 2", "5 mode 0"})
                                         << S({"raise@2", "clear@3", "raise@4", "clear@5"});
    QTest::newRow("other metrics are ignored") << hot << QByteArray() << S({"1 hum 99", "2 temp 81", "3 hum 0"}) << S({"raise@2"});
    QTest::newRow("deadband holds a hovering value")
        << QByteArray(R"({"type":"threshold","metric":"temp","op":">","value":80,"deadband":5})") << QByteArray()
        << S({"1 temp 81", "2 temp 79", "3 temp 81", "4 temp 76", "5 temp 75", "6 temp 80.5"})
        << S({"raise@1", "clear@5", "raise@6"});
    QTest::newRow("deadband on a low limit")
        << QByteArray(R"({"type":"threshold","metric":"bat","op":"<","value":20,"deadband":3})") << QByteArray()
        << S({"1 bat 19", "2 bat 22", "3 bat 23"}) << S({"raise@1", "clear@3"});
    QTest::newRow("range outside") << QByteArray(R"({"type":"range","metric":"temp","min":10,"max":30})") << QByteArray()
                                   << S({"1 temp 20", "2 temp 31", "3 temp 25", "4 temp 9", "5 temp 10"})
                                   << S({"raise@2", "clear@3", "raise@4", "clear@5"});
    QTest::newRow("range inside with deadband") << QByteArray(R"({"type":"range","metric":"temp","min":10,"max":30,"outside":false,"deadband":2})")
                                                << QByteArray() << S({"1 temp 5", "2 temp 20", "3 temp 31", "4 temp 33"})
                                                << S({"raise@2", "clear@4"});
    QTest::newRow("duration: for 60 s")
        << QByteArray(R"({"type":"threshold","metric":"temp","op":">","value":80,"for_s":60})") << QByteArray()
        << S({"0 temp 81", "30 temp 82", "50 temp 70", "55 temp 85", "100 temp 86", "114 tick", "116 temp 50"})
        << S({"raise@115", "clear@116"});
    QTest::newRow("duration fires on time alone") << QByteArray(R"({"type":"threshold","metric":"temp","op":">","value":80,"for_s":10})") << QByteArray()
                                                  << S({"0 temp 81", "60 tick"}) << S({"raise@10"});
    QTest::newRow("repeat count in a window")
        << QByteArray(R"({"type":"threshold","metric":"temp","op":">","value":80,"repeat":{"count":3,"window_s":60}})") << QByteArray()
        << S({"0 temp 81", "10 temp 70", "20 temp 81", "70 temp 81", "75 temp 81", "200 tick"})
        << S({"raise@75", "clear@80"});
    QTest::newRow("absence of one metric")
        << QByteArray(R"({"type":"absence","metric":"temp","seconds":30})") << QByteArray()
        << S({"0 temp 20", "20 temp 21", "40 hum 3", "49 tick", "50 tick", "60 temp 20", "100 tick"})
        << S({"raise@50", "clear@60", "raise@90"});
    QTest::newRow("absence of any telemetry counts from the rule's start")
        << QByteArray(R"({"type":"absence","seconds":30})") << QByteArray() << S({"29 tick", "31 tick", "32 x 1"})
        << S({"raise@30", "clear@32"});
    QTest::newRow("offline for 60 s") << QByteArray(R"({"type":"offline","seconds":60})") << QByteArray()
                                      << S({"10 offline", "30 online", "40 offline", "99 tick", "100 tick", "150 online"})
                                      << S({"raise@100", "clear@150"});
    QTest::newRow("rate of change per second")
        << QByteArray(R"({"type":"rate_of_change","metric":"temp","op":">","value":2})") << QByteArray()
        << S({"0 temp 20", "10 temp 30", "20 temp 60", "30 temp 70", "31 temp 70"})
        << S({"raise@20", "clear@30"});
    QTest::newRow("falling rate") << QByteArray(R"({"type":"rate_of_change","metric":"level","op":"<","value":-1})") << QByteArray()
                                  << S({"0 level 100", "1 level 98", "2 level 97.5"}) << S({"raise@1", "clear@2"});
    QTest::newRow("aggregate average over a window")
        << QByteArray(R"({"type":"aggregate","metric":"temp","agg":"avg","window_s":60,"op":">","value":50})") << QByteArray()
        << S({"0 temp 40", "10 temp 70", "20 temp 20", "30 temp 90", "200 tick"})
        << S({"raise@10", "clear@20", "raise@30", "clear@90"});
    QTest::newRow("aggregate max") << QByteArray(R"({"type":"aggregate","metric":"temp","agg":"max","window_s":10,"op":">","value":50})")
                                   << QByteArray() << S({"0 temp 60", "5 temp 10", "9 temp 10", "30 tick"})
                                   << S({"raise@0", "clear@10"});
    QTest::newRow("aggregate min") << QByteArray(R"({"type":"aggregate","metric":"p","agg":"min","window_s":10,"op":"<","value":5})")
                                   << QByteArray() << S({"0 p 9", "1 p 4", "5 p 9", "12 p 9"}) << S({"raise@1", "clear@11"});
    QTest::newRow("aggregate count falls with time")
        << QByteArray(R"({"type":"aggregate","metric":"err","agg":"count","window_s":10,"op":">=","value":3})") << QByteArray()
        << S({"0 err 1", "1 err 1", "2 err 1", "5 tick", "20 tick"}) << S({"raise@2", "clear@10"});
    QTest::newRow("all of two") << QByteArray(R"({"type":"all","conditions":[{"type":"threshold","metric":"temp","op":">","value":80},{"type":"threshold","metric":"fan","op":"<","value":100}]})")
                                << QByteArray() << S({"1 temp 90", "2 fan 50", "3 fan 500", "4 fan 10", "5 temp 20"})
                                << S({"raise@2", "clear@3", "raise@4", "clear@5"});
    QTest::newRow("any nested in all")
        << QByteArray(R"({"type":"all","conditions":[{"type":"threshold","metric":"armed","op":"==","value":1},{"type":"any","conditions":[{"type":"threshold","metric":"door","op":"==","value":1},{"type":"absence","metric":"hb","seconds":20}]}]})")
        << QByteArray() << S({"0 armed 1", "5 door 1", "6 door 0", "10 hb 1", "40 tick"}) << S({"raise@5", "clear@6", "raise@30"});
    QTest::newRow("on-delay") << hot << QByteArray(R"("on_delay_s":10)")
                              << S({"0 temp 81", "5 temp 70", "6 temp 81", "15 temp 82", "16 tick", "17 temp 0"})
                              << S({"raise@16", "clear@17"});
    QTest::newRow("off-delay") << hot << QByteArray(R"("off_delay_s":10)")
                               << S({"0 temp 81", "1 temp 70", "5 temp 90", "6 temp 70", "30 tick"})
                               << S({"raise@0", "clear@16"});
    QTest::newRow("explicit clear condition") << hot << QByteArray(R"("clear_condition":{"type":"threshold","metric":"temp","op":"<","value":60})")
                                              << S({"0 temp 81", "1 temp 70", "2 temp 59", "3 temp 81"})
                                              << S({"raise@0", "clear@2", "raise@3"});
    QTest::newRow("restart mid-duration keeps counting")
        << QByteArray(R"({"type":"threshold","metric":"temp","op":">","value":80,"for_s":60})") << QByteArray()
        << S({"0 temp 81", "30 restart", "40 temp 82", "61 tick"}) << S({"raise@60"});
    QTest::newRow("restart mid-on-delay keeps counting")
        << hot << QByteArray(R"("on_delay_s":60)") << S({"0 temp 81", "30 restart", "45 temp 82", "70 tick"}) << S({"raise@60"});
    QTest::newRow("restart mid-off-delay keeps counting")
        << hot << QByteArray(R"("off_delay_s":60)") << S({"0 temp 81", "10 temp 10", "30 restart", "80 tick"})
        << S({"raise@0", "clear@70"});
    QTest::newRow("restart while offline keeps the offline time")
        << QByteArray(R"({"type":"offline","seconds":60})") << QByteArray() << S({"0 offline", "30 restart", "61 tick"})
        << S({"raise@60"});
    QTest::newRow("restart keeps a deadband held")
        << QByteArray(R"({"type":"threshold","metric":"temp","op":">","value":80,"deadband":5})") << QByteArray()
        << S({"0 temp 81", "1 restart", "2 temp 78", "3 temp 74"}) << S({"raise@0", "clear@3"});
}

void TestRuleEvaluator::streams()
{
    QFETCH(QByteArray, condition);
    QFETCH(QByteArray, extra);
    QFETCH(QStringList, script);
    QFETCH(QStringList, expected);
    QCOMPARE(run(ruleFrom(condition, extra), script), expected);
}

void TestRuleEvaluator::restartKeepsAnActiveAlertActive()
{
    const Rule rule = ruleFrom(R"({"type":"threshold","metric":"temp","op":">","value":80})");
    RuleState s = Evaluator::initial(rule, 0, true);
    Evaluator::reading(rule, s, 1000, 1000, QStringLiteral("temp"), 90);
    QCOMPARE(Evaluator::evaluate(rule, s, 1000), Transition::Raise);
    RuleState back = Evaluator::restore(rule, s.durable(), 5000, true);
    QVERIFY(back.active);
    Evaluator::reading(rule, back, 6000, 6000, QStringLiteral("temp"), 95);
    QCOMPARE(Evaluator::evaluate(rule, back, 6000), Transition::None); // not raised again
    Evaluator::reading(rule, back, 7000, 7000, QStringLiteral("temp"), 20);
    QCOMPARE(Evaluator::evaluate(rule, back, 7000), Transition::Clear); // and not forgotten
    // A state stored for another shape of condition is not read into this one.
    const Rule other = ruleFrom(R"({"type":"all","conditions":[{"type":"threshold","metric":"temp","op":">","value":80},{"type":"absence","seconds":5}]})");
    QVERIFY(!Evaluator::restore(other, s.durable(), 5000, true).active);
}

void TestRuleEvaluator::durableHashMovesOnlyWithWhatIsStored()
{
    const Rule rule = ruleFrom(R"({"type":"any","conditions":[{"type":"threshold","metric":"temp","op":">","value":80},{"type":"absence","seconds":60}]})");
    RuleState s = Evaluator::initial(rule, 0, true);
    const size_t h0 = s.durableHash();
    for (int i = 1; i < 10; ++i) { // readings below the limit: nothing to store, however often they come
        Evaluator::reading(rule, s, i * 1000, i * 1000, QStringLiteral("temp"), 20 + i);
        QCOMPARE(Evaluator::evaluate(rule, s, i * 1000), Transition::None);
        QCOMPARE(s.durableHash(), h0);
    }
    Evaluator::reading(rule, s, 10000, 10000, QStringLiteral("temp"), 81);
    QCOMPARE(Evaluator::evaluate(rule, s, 10000), Transition::Raise);
    QVERIFY(s.durableHash() != h0);
}

void TestRuleEvaluator::parseErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    const QByteArray actions = R"("actions":[{"type":"alert","severity":"major"}])";
    QTest::newRow("unknown operator") << QByteArray(R"({"name":"a","condition":{"type":"threshold","metric":"t","op":"=>","value":1},)" + actions + "}")
                                      << QStringLiteral("/condition/op: unknown operator \"=>\"");
    QTest::newRow("no name") << QByteArray(R"({"condition":{"type":"absence","seconds":5},)" + actions + "}") << QStringLiteral("/name: is required");
    QTest::newRow("unknown type") << QByteArray(R"({"name":"a","condition":{"type":"sometimes"},)" + actions + "}")
                                  << QStringLiteral("/condition/type: unknown condition type \"sometimes\"");
    QTest::newRow("nested path") << QByteArray(R"({"name":"a","condition":{"type":"all","conditions":[{"type":"absence","seconds":5},{"type":"threshold","metric":"t","op":">"}]},)" + actions + "}")
                                 << QStringLiteral("/condition/conditions/1/value: is required");
    QTest::newRow("misspelt field") << QByteArray(R"({"name":"a","condition":{"type":"threshold","metric":"t","op":">","value":1,"for":60},)" + actions + "}")
                                    << QStringLiteral("/condition/for: unknown field");
    QTest::newRow("empty all") << QByteArray(R"({"name":"a","condition":{"type":"all","conditions":[]},)" + actions + "}")
                               << QStringLiteral("/condition/conditions: must be a non-empty array");
    QTest::newRow("range upside down") << QByteArray(R"({"name":"a","condition":{"type":"range","metric":"t","min":5,"max":1},)" + actions + "}")
                                       << QStringLiteral("/condition/max: must be greater than \"min\"");
    QTest::newRow("window too long") << QByteArray(R"({"name":"a","condition":{"type":"aggregate","metric":"t","agg":"avg","window_s":99999999,"op":">","value":1},)" + actions + "}")
                                     << QStringLiteral("/condition/window_s: must be from 1 to 604800 seconds");
    QTest::newRow("bad severity") << QByteArray(R"({"name":"a","condition":{"type":"absence","seconds":5},"actions":[{"type":"alert","severity":"awful"}]})")
                                  << QStringLiteral("/actions/0/severity: unknown severity \"awful\"");
    QTest::newRow("no actions") << QByteArray(R"({"name":"a","condition":{"type":"absence","seconds":5},"actions":[]})")
                                << QStringLiteral("/actions: must be a non-empty array");
    QTest::newRow("command too often") << QByteArray(R"({"name":"a","condition":{"type":"absence","seconds":5},"actions":[{"type":"command","command":"reboot","min_interval_s":1}]})")
                                       << QStringLiteral("/actions/0/min_interval_s: must be from 10 to");
    QTest::newRow("two alerts") << QByteArray(R"({"name":"a","condition":{"type":"absence","seconds":5},"actions":[{"type":"alert","severity":"major"},{"type":"alert","severity":"minor"}]})")
                                << QStringLiteral("/actions/1/type: a rule raises at most one alert");
    QTest::newRow("too deep") << QByteArray(R"({"name":"a","condition":{"type":"all","conditions":[{"type":"all","conditions":[{"type":"all","conditions":[{"type":"all","conditions":[{"type":"all","conditions":[{"type":"absence","seconds":5}]}]}]}]}]},)" + actions + "}")
                              << QStringLiteral("conditions nest at most 4 deep");
    QTest::newRow("tags not strings") << QByteArray(R"({"name":"a","scope":{"tags":[1]},"condition":{"type":"absence","seconds":5},)" + actions + "}")
                                      << QStringLiteral("/scope/tags/0: must be a non-empty string");
    QTest::newRow("for_s negative") << QByteArray(R"({"name":"a","condition":{"type":"threshold","metric":"t","op":">","value":1,"for_s":-1},)" + actions + "}")
                                    << QStringLiteral("/condition/for_s: must be from 0 to");
    QTest::newRow("value not a number") << QByteArray(R"({"name":"a","condition":{"type":"threshold","metric":"t","op":">","value":"80"},)" + actions + "}")
                                        << QStringLiteral("/condition/value: must be a number");
}

void TestRuleEvaluator::parseErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    QVERIFY2(doc.isObject(), body.constData());
    const auto rule = parse(doc.object());
    QVERIFY(!rule);
    QCOMPARE(rule.error().code, ErrorCode::Invalid);
    QVERIFY2(rule.error().message.startsWith(message) || rule.error().message.contains(message), qPrintable(rule.error().message));
}

void TestRuleEvaluator::roundTrip()
{
    const QByteArray body = R"({"name":"Hot","description":"d","scope":{"device_type":"sensor","tags":["roof"]},
        "condition":{"type":"all","conditions":[{"type":"threshold","metric":"temp","op":">","value":80,"for_s":60,"deadband":2},
                                                {"type":"aggregate","metric":"hum","agg":"max","window_s":300,"op":"<","value":10,"repeat":{"count":3,"window_s":600}}]},
        "clear_condition":{"type":"range","metric":"temp","min":0,"max":70,"outside":false},
        "actions":[{"type":"alert","severity":"critical","message":"{device.name} at {value}"},{"type":"command","command":"fan.on","params":{"speed":3},"min_interval_s":120}],
        "on_delay_s":5,"off_delay_s":30,"is_active":false})";
    auto rule = parse(QJsonDocument::fromJson(body).object());
    QVERIFY2(rule, rule ? "" : qPrintable(rule.error().message));
    QCOMPARE(rule->severity(), Severity::Critical);
    QCOMPARE(rule->metrics(), (QStringList{QStringLiteral("temp"), QStringLiteral("hum")}));
    const QJsonObject json = toJson(*rule);
    auto again = parse(json);
    QVERIFY2(again, again ? "" : qPrintable(again.error().message));
    QCOMPARE(toJson(*again), json);
    QCOMPARE(json.value(QStringLiteral("condition")).toObject().value(QStringLiteral("conditions")).toArray().at(0).toObject().value(QStringLiteral("for_s")).toDouble(), 60.0);
    QCOMPARE(json.value(QStringLiteral("is_active")).toBool(), false);
}

void TestRuleEvaluator::scope()
{
    Rule rule = ruleFrom(R"({"type":"absence","seconds":5})");
    DeviceSummary d;
    d.id = QStringLiteral("a");
    d.deviceType = QStringLiteral("sensor");
    d.tags = QStringList{QStringLiteral("roof"), QStringLiteral("north")};
    QVERIFY(rule.scope.matches(d)); // tenant-wide
    rule.scope.deviceType = QStringLiteral("pump");
    QVERIFY(!rule.scope.matches(d));
    rule.scope.deviceType = QStringLiteral("sensor");
    rule.scope.tags = QStringList{QStringLiteral("roof"), QStringLiteral("north")};
    QVERIFY(rule.scope.matches(d));
    rule.scope.tags << QStringLiteral("south");
    QVERIFY(!rule.scope.matches(d));
    rule.scope.tags.clear();
    rule.scope.deviceIds = QStringList{QStringLiteral("b")};
    QVERIFY(!rule.scope.matches(d));
    rule.scope.deviceIds << QStringLiteral("a");
    QVERIFY(rule.scope.matches(d));
}

void TestRuleEvaluator::render()
{
    const QHash<QString, QString> values{{QStringLiteral("device.name"), QStringLiteral("Pump 7")}, {QStringLiteral("value"), QStringLiteral("81.5")}};
    QCOMPARE(Rules::render(QStringLiteral("{device.name} at {value} °C ({nope})"), values), QStringLiteral("Pump 7 at 81.5 °C ({nope})"));
}

QTEST_GUILESS_MAIN(TestRuleEvaluator)
#include "tst_ruleevaluator.moc"
