#include "firmware/semver.h"

namespace Fleetdeck::Firmware {

namespace {

bool isNumeric(QStringView s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s)
        if (c < u'0' || c > u'9')
            return false;
    return true;
}

bool isIdentifierChar(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'-';
}

/// A numeric core part: digits, no leading zero, fits in 64 bits.
std::optional<quint64> corePart(QStringView s)
{
    if (!isNumeric(s) || (s.size() > 1 && s.front() == u'0') || s.size() > 20)
        return std::nullopt;
    bool ok = false;
    const quint64 v = s.toULongLong(&ok);
    return ok ? std::optional<quint64>(v) : std::nullopt;
}

} // namespace

Result<SemVer> SemVer::parse(const QString &text)
{
    const auto bad = [&text](const QString &why) {
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.4.0 or 2.0.0-rc.1): %2")
                                       .arg(text.left(64), why)));
    };
    if (text.isEmpty())
        return bad(QStringLiteral("it is empty"));
    if (text.size() > 128)
        return bad(QStringLiteral("it is longer than 128 characters"));
    QStringView rest(text);
    SemVer v;
    if (const qsizetype plus = rest.indexOf(u'+'); plus >= 0) {
        const QStringView build = rest.sliced(plus + 1);
        for (QStringView id : build.split(u'.')) {
            if (id.isEmpty())
                return bad(QStringLiteral("the build metadata has an empty identifier"));
            for (QChar c : id)
                if (!isIdentifierChar(c))
                    return bad(QStringLiteral("the build metadata may hold only 0-9, A-Z, a-z, '-' and '.'"));
        }
        v.build = build.toString();
        rest = rest.first(plus);
    }
    if (const qsizetype dash = rest.indexOf(u'-'); dash >= 0) {
        const QStringView pre = rest.sliced(dash + 1);
        for (QStringView id : pre.split(u'.')) {
            if (id.isEmpty())
                return bad(QStringLiteral("the pre-release has an empty identifier"));
            for (QChar c : id)
                if (!isIdentifierChar(c))
                    return bad(QStringLiteral("the pre-release may hold only 0-9, A-Z, a-z, '-' and '.'"));
            if (isNumeric(id) && id.size() > 1 && id.front() == u'0')
                return bad(QStringLiteral("a numeric pre-release identifier has a leading zero"));
            v.preRelease << id.toString();
        }
        rest = rest.first(dash);
    }
    if (rest.startsWith(u'v') || rest.startsWith(u'V'))
        return bad(QStringLiteral("leave out the leading 'v'"));
    const QList<QStringView> core = rest.split(u'.');
    if (core.size() != 3)
        return bad(QStringLiteral("it needs exactly three numbers separated by dots"));
    const auto major = corePart(core[0]), minor = corePart(core[1]), patch = corePart(core[2]);
    if (!major || !minor || !patch)
        return bad(QStringLiteral("MAJOR, MINOR and PATCH are whole numbers without leading zeros"));
    v.major = *major;
    v.minor = *minor;
    v.patch = *patch;
    return v;
}

QString SemVer::toString() const
{
    QString s = QStringLiteral("%1.%2.%3").arg(major).arg(minor).arg(patch);
    if (!preRelease.isEmpty())
        s += u'-' + preRelease.join(u'.');
    if (!build.isEmpty())
        s += u'+' + build;
    return s;
}

int compare(const SemVer &a, const SemVer &b)
{
    for (const auto &[x, y] : {std::pair{a.major, b.major}, std::pair{a.minor, b.minor}, std::pair{a.patch, b.patch}})
        if (x != y)
            return x < y ? -1 : 1;
    if (a.preRelease.isEmpty() || b.preRelease.isEmpty())
        return a.preRelease.isEmpty() == b.preRelease.isEmpty() ? 0 : (a.preRelease.isEmpty() ? 1 : -1);
    for (qsizetype i = 0; i < qMin(a.preRelease.size(), b.preRelease.size()); ++i) {
        const QString &x = a.preRelease[i], &y = b.preRelease[i];
        const bool xn = isNumeric(x), yn = isNumeric(y);
        if (xn && yn) {
            if (x.size() != y.size()) // no leading zeros: the longer number is the larger
                return x.size() < y.size() ? -1 : 1;
            if (const int c = x.compare(y); c != 0)
                return c < 0 ? -1 : 1;
        } else if (xn != yn) {
            return xn ? -1 : 1;
        } else if (const int c = x.compare(y); c != 0) { // ASCII order: QString compares UTF-16 code units
            return c < 0 ? -1 : 1;
        }
    }
    if (a.preRelease.size() == b.preRelease.size())
        return 0;
    return a.preRelease.size() < b.preRelease.size() ? -1 : 1;
}

} // namespace Fleetdeck::Firmware
