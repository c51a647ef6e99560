#include "fleetfilterproxy.h"

#include "fleetmodel.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

FleetFilterProxy::FleetFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(FleetModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

int FleetFilterProxy::naturalCompare(QStringView a, QStringView b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            // Compare the two numbers: skip leading zeros, then longer is larger, then digits.
            qsizetype si = i, sj = j;
            while (si < a.size() && a[si] == u'0')
                ++si;
            while (sj < b.size() && b[sj] == u'0')
                ++sj;
            qsizetype ei = si, ej = sj;
            while (ei < a.size() && a[ei].isDigit())
                ++ei;
            while (ej < b.size() && b[ej].isDigit())
                ++ej;
            if (ei - si != ej - sj)
                return ei - si < ej - sj ? -1 : 1;
            if (const int c = a.sliced(si, ei - si).compare(b.sliced(sj, ej - sj)); c != 0)
                return c < 0 ? -1 : 1;
            i = ei;
            j = ej;
            continue;
        }
        const QChar ca = a[i].toCaseFolded(), cb = b[j].toCaseFolded();
        if (ca != cb)
            return ca < cb ? -1 : 1;
        ++i;
        ++j;
    }
    if (a.size() - i == b.size() - j)
        return 0;
    return a.size() - i < b.size() - j ? -1 : 1;
}

bool FleetFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant l = left.data(FleetModel::SortRole);
    const QVariant r = right.data(FleetModel::SortRole);
    if (l.typeId() == QMetaType::QString && r.typeId() == QMetaType::QString)
        return naturalCompare(l.toString(), r.toString()) < 0;
    return QSortFilterProxyModel::lessThan(left, right);
}

void FleetFilterProxy::setFleetModel(FleetModel *model)
{
    m_fleet = model;
    setSourceModel(model);
}

void FleetFilterProxy::setFilterText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    static const QRegularExpression whitespace(u"\\s+"_s);
    static const QHash<QString, Term::Field> fields = {
        {u"status"_s, Term::Field::Status}, {u"conn"_s, Term::Field::Connection},
        {u"connection"_s, Term::Field::Connection}, {u"type"_s, Term::Field::Type},
        {u"tag"_s, Term::Field::Tag}, {u"fw"_s, Term::Field::Firmware},
        {u"firmware"_s, Term::Field::Firmware}, {u"tenant"_s, Term::Field::Tenant},
        {u"name"_s, Term::Field::Name}, {u"serial"_s, Term::Field::Serial},
    };

    m_terms.clear();
    const QStringList words = text.toLower().split(whitespace, Qt::SkipEmptyParts);
    for (QString word : words) {
        Term term;
        if (word.startsWith(u'-') && word.size() > 1) {
            term.negated = true;
            word.remove(0, 1);
        }
        const qsizetype colon = word.indexOf(u':');
        if (colon > 0) {
            const auto field = fields.constFind(word.left(colon));
            if (field != fields.cend()) {
                term.field = *field;
                word = word.mid(colon + 1);
            }
        }
        if (word.isEmpty())
            continue;   // "status:" while still typing: no restriction yet
        term.value = word;
        m_terms.append(term);
    }
    invalidate();
}

bool FleetFilterProxy::matches(const Device &d, const Term &term)
{
    const auto has = [&](const QString &field) { return field.contains(term.value, Qt::CaseInsensitive); };
    switch (term.field) {
    case Term::Field::Any: return d.searchText.contains(term.value);
    case Term::Field::Status: return d.statusText.startsWith(term.value, Qt::CaseInsensitive);
    case Term::Field::Connection: {
        const QLatin1StringView key = d.connection == Device::Connection::Online ? "online"_L1
            : d.connection == Device::Connection::Offline                       ? "offline"_L1
                                                                                 : "unknown"_L1;
        return key.startsWith(term.value);
    }
    case Term::Field::Type: return has(d.deviceType);
    case Term::Field::Tag: return std::ranges::any_of(d.tags, has);
    case Term::Field::Firmware: return has(d.firmwareVersion);
    case Term::Field::Tenant: return has(d.tenantId);
    case Term::Field::Name: return has(d.name);
    case Term::Field::Serial: return has(d.serialNumber);
    }
    return false;
}

bool FleetFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_terms.isEmpty() || !m_fleet || sourceParent.isValid())
        return true;
    const Device &d = m_fleet->device(sourceRow);
    return std::ranges::all_of(m_terms, [&](const Term &t) { return matches(d, t) != t.negated; });
}
