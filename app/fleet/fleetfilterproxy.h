#pragma once

#include <QSortFilterProxyModel>

#include <memory>

class FleetModel;
struct Device;

/// Free-text filter over the fleet table.
///
/// The text is split at white space; a row must match every term. A term matches when
/// any field contains it (case-insensitive). "field:value" restricts a term to one field
/// (status, conn, type, tag, fw, tenant, name, serial) and a leading "-" negates it, e.g.
/// "pump status:active -conn:online".
class FleetFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit FleetFilterProxy(QObject *parent = nullptr);
    ~FleetFilterProxy() override;

    void setFleetModel(FleetModel *model);
    void setFilterText(const QString &text);
    QString filterText() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    /// Text sorts naturally ("Pump 2" before "Pump 10").
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    struct Term
    {
        enum class Field { Any, Status, Connection, Type, Tag, Firmware, Tenant, Name, Serial };
        Field field = Field::Any;
        QString value;   ///< lower case
        bool negated = false;
    };

    static bool matches(const Device &device, const Term &term);

public:
    /// Case-insensitive comparison that orders runs of digits by value. Our own rather
    /// than QCollator's numeric mode, which is not available in the C locale.
    static int naturalCompare(QStringView a, QStringView b);

private:

public:
    struct SortRanks;   ///< the rank of every source row in the sorted column (fleetfilterproxy.cpp)

private:
    FleetModel *m_fleet = nullptr;
    std::unique_ptr<SortRanks> m_ranks;
    QList<QMetaObject::Connection> m_rankConnections;
    QString m_text;
    QList<Term> m_terms;
};
