#include "ruletext.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace RuleText {

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(RuleText)
};

QString number(const QJsonValue &v)
{
    if (!v.isDouble())
        return u"?"_s;
    return QString::number(v.toDouble(), 'g', 12);
}

QString metricOr(const QJsonObject &c, const QString &fallback)
{
    const QString m = c.value(u"metric").toString();
    return m.isEmpty() ? fallback : m;
}

// The qualifiers every value test takes: for_s, repeat, deadband.
QString qualifiers(const QJsonObject &c)
{
    QStringList parts;
    if (c.value(u"for_s").toDouble() > 0)
        parts << Text::tr("for %1 s").arg(number(c.value(u"for_s")));
    const QJsonObject repeat = c.value(u"repeat").toObject();
    if (!repeat.isEmpty())
        parts << Text::tr("%1× in %2 s").arg(number(repeat.value(u"count")), number(repeat.value(u"window_s")));
    if (c.value(u"deadband").toDouble() > 0)
        parts << Text::tr("deadband %1").arg(number(c.value(u"deadband")));
    return parts.isEmpty() ? QString() : u" "_s + parts.join(u", "_s);
}

} // namespace

QString condition(const QJsonObject &c)
{
    const QString type = c.value(u"type").toString();
    const QString metric = metricOr(c, u"?"_s);
    const QString op = c.value(u"op").toString(u"?"_s);
    if (type == u"threshold")
        return u"%1 %2 %3"_s.arg(metric, op, number(c.value(u"value"))) + qualifiers(c);
    if (type == u"range") {
        const bool outside = c.value(u"outside").toBool(true);
        return (outside ? Text::tr("%1 outside %2…%3") : Text::tr("%1 inside %2…%3"))
                   .arg(metric, number(c.value(u"min")), number(c.value(u"max")))
            + qualifiers(c);
    }
    if (type == u"rate_of_change")
        return Text::tr("%1 changes %2 %3 per s").arg(metric, op, number(c.value(u"value"))) + qualifiers(c);
    if (type == u"aggregate")
        return Text::tr("%1(%2) over %3 s %4 %5")
                   .arg(c.value(u"agg").toString(u"?"_s), metric, number(c.value(u"window_s")), op,
                        number(c.value(u"value")))
            + qualifiers(c);
    if (type == u"absence")
        return c.value(u"metric").toString().isEmpty()
            ? Text::tr("no telemetry for %1 s").arg(number(c.value(u"seconds")))
            : Text::tr("no %1 for %2 s").arg(metric, number(c.value(u"seconds")));
    if (type == u"offline")
        return Text::tr("offline for %1 s").arg(number(c.value(u"seconds")));
    if (type == u"all")
        return Text::tr("all of %n", nullptr, int(c.value(u"conditions").toArray().size()));
    if (type == u"any")
        return Text::tr("any of %n", nullptr, int(c.value(u"conditions").toArray().size()));
    return type.isEmpty() ? Text::tr("(no type)") : type;
}

QString conditionTree(const QJsonObject &c)
{
    const QString type = c.value(u"type").toString();
    if (type != u"all" && type != u"any")
        return condition(c);
    QStringList parts;
    for (const QJsonValue &child : c.value(u"conditions").toArray()) {
        const QJsonObject o = child.toObject();
        const QString t = o.value(u"type").toString();
        const QString text = conditionTree(o);
        parts << ((t == u"all" || t == u"any") ? u"(%1)"_s.arg(text) : text);
    }
    if (parts.isEmpty())
        return condition(c);
    return parts.join(type == u"all" ? Text::tr(" and ") : Text::tr(" or "));
}

QString scope(const QJsonObject &s)
{
    QStringList parts;
    const QString type = s.value(u"device_type").toString();
    if (!type.isEmpty())
        parts << Text::tr("type %1").arg(type);
    QStringList tags;
    for (const QJsonValue &t : s.value(u"tags").toArray())
        tags << t.toString();
    if (!tags.isEmpty())
        parts << Text::tr("tags %1").arg(tags.join(u", "_s));
    const auto ids = s.value(u"device_ids").toArray().size();
    if (ids > 0)
        parts << Text::tr("%n device(s)", nullptr, int(ids));
    return parts.isEmpty() ? Text::tr("whole organisation") : parts.join(u" · "_s);
}

QStringList metrics(const QJsonObject &c)
{
    QStringList out;
    const QString m = c.value(u"metric").toString();
    if (!m.isEmpty())
        out << m;
    for (const QJsonValue &child : c.value(u"conditions").toArray()) {
        for (const QString &n : metrics(child.toObject())) {
            if (!out.contains(n))
                out << n;
        }
    }
    return out;
}

QList<double> limits(const QJsonObject &c, const QString &metric)
{
    QList<double> out;
    const QString type = c.value(u"type").toString();
    if (c.value(u"metric").toString() == metric) {
        if ((type == u"threshold" || type == u"aggregate") && c.value(u"value").isDouble())
            out << c.value(u"value").toDouble();
        if (type == u"range") {
            for (const char *k : {"min", "max"}) {
                if (c.value(QLatin1String(k)).isDouble())
                    out << c.value(QLatin1String(k)).toDouble();
            }
        }
    }
    for (const QJsonValue &child : c.value(u"conditions").toArray()) {
        for (double v : limits(child.toObject(), metric)) {
            if (!out.contains(v))
                out << v;
        }
    }
    return out;
}

} // namespace RuleText
