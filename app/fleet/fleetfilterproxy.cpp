#include "fleetfilterproxy.h"

#include "protocol/states.h"

#include "fleetmodel.h"

#include <QRegularExpression>

#include <algorithm>
#include <functional>
#include <numeric>

using namespace Qt::StringLiterals;

namespace {

// QChar::toCaseFolded, without the table look-up for ASCII (nearly every character of a name).
inline char16_t folded(QChar c)
{
    const char16_t u = c.unicode();
    if (u < 0x80)
        return u >= u'A' && u <= u'Z' ? char16_t(u + 0x20) : u;
    return c.toCaseFolded().unicode();
}

bool termsEqual(const auto &a, const auto &b)
{
    return a.size() == b.size()
        && std::equal(a.cbegin(), a.cend(), b.cbegin(), [](const auto &x, const auto &y) {
               return x.field == y.field && x.value == y.value && x.negated == y.negated;
           });
}

using BaseLessThan = std::function<bool(const QModelIndex &, const QModelIndex &)>;

} // namespace

// Where each source row falls in the order of one column, so that sorting compares two ints. Sorting
// 100,000 rows takes ~1.7 million comparisons, and QSortFilterProxyModel sorts every accepted row
// again on each filter change; comparing the values themselves means reading two devices scattered
// over the heap each time (~250 ns), comparing ranks does not. Rows with equal values share a rank, so
// the stable sort keeps them in source order, as before.
struct FleetFilterProxy::SortRanks
{
    bool validFor(int c) const { return column == c && !rank.isEmpty(); }
    void drop()
    {
        column = -1;
        rank.clear();
        keys.clear();
    }

    int column = -1;
    QList<QVariant> keys;   ///< SortRole value by source row, to tell whether a dataChanged moved a row
    QList<int> rank;        ///< by source row
};

namespace {


// Sorts every row by the values lessThan() compares and keeps each row's position. `baseLessThan` is
// QSortFilterProxyModel's own comparison, for the columns that are not text.
void rankRows(FleetFilterProxy::SortRanks &ranks, const FleetModel &model, int column, const BaseLessThan &baseLessThan)
{
    const int n = model.rowCount();
    ranks.keys.resize(n);
    bool allText = true;
    qsizetype textSize = 0;
    for (int row = 0; row < n; ++row) {
        ranks.keys[row] = model.index(row, column).data(FleetModel::SortRole);
        if (ranks.keys[row].typeId() == QMetaType::QString)
            textSize += static_cast<const QString *>(ranks.keys[row].constData())->size();
        else
            allText = false;
    }
    QList<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    const auto rankBy = [&](const auto &less) {
        std::stable_sort(order.begin(), order.end(), less);
        ranks.rank.resize(n);
        for (int k = 0; k < n; ++k)
            ranks.rank[order[k]] = k > 0 && !less(order[k - 1], order[k]) ? ranks.rank[order[k - 1]] : k;
    };
    if (allText) {
        // The texts side by side in one buffer: the sort reads neighbouring memory instead of
        // 100,000 separate allocations.
        QString text;
        text.reserve(textSize);
        QList<qsizetype> start(n + 1);
        for (int row = 0; row < n; ++row) {
            start[row] = text.size();
            text += *static_cast<const QString *>(ranks.keys[row].constData());
        }
        start[n] = text.size();
        const QStringView all(text);
        const auto at = [&](int row) { return all.sliced(start[row], start[row + 1] - start[row]); };
        rankBy([&](int a, int b) { return FleetFilterProxy::naturalCompare(at(a), at(b)) < 0; });
    } else {
        rankBy([&](int a, int b) {
            const QVariant &l = ranks.keys[a], &r = ranks.keys[b];
            if (l.typeId() == QMetaType::QString && r.typeId() == QMetaType::QString)
                return FleetFilterProxy::naturalCompare(*static_cast<const QString *>(l.constData()),
                                                        *static_cast<const QString *>(r.constData())) < 0;
            return baseLessThan(model.index(a, column), model.index(b, column));
        });
    }
    ranks.column = column;
}

} // namespace

FleetFilterProxy::FleetFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_ranks(std::make_unique<SortRanks>())
{
    setSortRole(FleetModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

FleetFilterProxy::~FleetFilterProxy() = default;

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
        if (a[i] != b[j]) {
            const char16_t ca = folded(a[i]), cb = folded(b[j]);
            if (ca != cb)
                return ca < cb ? -1 : 1;
        }
        ++i;
        ++j;
    }
    if (a.size() - i == b.size() - j)
        return 0;
    return a.size() - i < b.size() - j ? -1 : 1;
}

bool FleetFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (left.model() == m_fleet && right.model() == m_fleet && left.column() == right.column()) {
        if (m_ranks->validFor(left.column()))
            return m_ranks->rank[left.row()] < m_ranks->rank[right.row()];
    }
    const QVariant l = left.data(FleetModel::SortRole);
    const QVariant r = right.data(FleetModel::SortRole);
    if (l.typeId() == QMetaType::QString && r.typeId() == QMetaType::QString)
        return naturalCompare(l.toString(), r.toString()) < 0;
    return QSortFilterProxyModel::lessThan(left, right);
}

void FleetFilterProxy::setFleetModel(FleetModel *model)
{
    SortRanks *ranks = m_ranks.get();
    for (const QMetaObject::Connection &c : std::as_const(m_rankConnections))
        disconnect(c);
    m_rankConnections.clear();
    ranks->drop();
    m_fleet = model;
    if (model) {
        // Connected before the proxy's own handlers (setSourceModel below): a change drops the ranks
        // before the proxy sorts again.
        const auto drop = [ranks] { ranks->drop(); };
        m_rankConnections << connect(model, &QAbstractItemModel::modelAboutToBeReset, this, drop);
        // After a reset the proxy sorts every row anyway: with ranks made first that is one sort of
        // the values and one of ints, not every comparison reading two devices.
        m_rankConnections << connect(model, &QAbstractItemModel::modelReset, this, [this, ranks, model] {
            ranks->drop();
            if (sourceModel() == model && sortColumn() >= 0)
                rankRows(*ranks, *model, sortColumn(), [this](const QModelIndex &l, const QModelIndex &r) {
                    return QSortFilterProxyModel::lessThan(l, r);
                });
        });
        m_rankConnections << connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this, drop);
        m_rankConnections << connect(model, &QAbstractItemModel::layoutChanged, this, drop);
        m_rankConnections << connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, drop);
        m_rankConnections << connect(model, &QAbstractItemModel::rowsInserted, this, drop);
        m_rankConnections << connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, drop);
        m_rankConnections << connect(model, &QAbstractItemModel::rowsRemoved, this, drop);
        m_rankConnections << connect(model, &QAbstractItemModel::rowsAboutToBeMoved, this, drop);
        m_rankConnections << connect(model, &QAbstractItemModel::rowsMoved, this, drop);
        // A poll re-sends every row and live updates change one; the ranks stay as long as no row's
        // value in the ranked column changed. When many rows changed the proxy is about to sort them
        // all again, so the ranks are made again first; for a few it is cheaper to compare values.
        m_rankConnections << connect(model, &QAbstractItemModel::dataChanged, this,
                [this, ranks, model](const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles) {
                    if (ranks->rank.isEmpty() || ranks->column < topLeft.column() || ranks->column > bottomRight.column())
                        return;
                    if (!roles.isEmpty() && !roles.contains(Qt::DisplayRole) && !roles.contains(FleetModel::SortRole))
                        return;
                    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
                        if (model->index(row, ranks->column).data(FleetModel::SortRole) == ranks->keys.value(row))
                            continue;
                        const int column = ranks->column;
                        ranks->drop();
                        if (bottomRight.row() - topLeft.row() >= model->rowCount() / 10)
                            rankRows(*ranks, *model, column, [this](const QModelIndex &l, const QModelIndex &r) {
                                return QSortFilterProxyModel::lessThan(l, r);
                            });
                        return;
                    }
                });
    }
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

    QList<Term> terms;
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
        terms.append(term);
    }
    if (termsEqual(terms, m_terms))
        return;   // "pump " after "pump": the same rows
    m_terms = terms;

    // Not invalidateFilter(): that removes and inserts rows one contiguous block at a time, and
    // each block costs the proxy and the view O(rows), so a filter that drops every other of 100,000
    // rows took seconds. Rebuilding the mapping filters once and sorts once, with ranks.
    if (m_fleet && sourceModel() == m_fleet && sortColumn() >= 0) {
        SortRanks *ranks = m_ranks.get();
        if (!ranks->validFor(sortColumn()))
            rankRows(*ranks, *m_fleet, sortColumn(), [this](const QModelIndex &l, const QModelIndex &r) {
                return QSortFilterProxyModel::lessThan(l, r);
            });
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
        const QStringView key = d.connection == Device::Connection::Unknown
            ? QStringView(u"unknown")
            : Fleetdeck::States::kConnectionNames[size_t(d.connection)]; // same order (device.cpp)
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
