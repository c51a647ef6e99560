#include "alertsfilterproxy.h"

#include "alertsmodel.h"

AlertsFilterProxy::AlertsFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(AlertsModel::SortRole);
    setDynamicSortFilter(true);
}

void AlertsFilterProxy::setSeverities(const QSet<AlertInfo::Severity> &severities)
{
    m_severities = severities;
    invalidateFilter();
}

void AlertsFilterProxy::setState(State state)
{
    m_state = state;
    invalidateFilter();
}

void AlertsFilterProxy::setText(const QString &text)
{
    m_words = text.split(u' ', Qt::SkipEmptyParts);
    invalidateFilter();
}

bool AlertsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const auto *model = static_cast<const AlertsModel *>(sourceModel());
    const AlertInfo &a = model->alert(sourceRow);
    if (!m_severities.isEmpty() && !m_severities.contains(a.severity))
        return false;
    switch (m_state) {
    case State::Any: break;
    case State::Unacknowledged:
        if (a.acknowledged || a.closed)
            return false;
        break;
    case State::Active:
        if (!a.active)
            return false;
        break;
    case State::Shelved:
        if (!a.shelved)
            return false;
        break;
    case State::Returned:
        if (a.active || a.closed)
            return false;
        break;
    }
    if (m_words.isEmpty())
        return true;
    const QString haystack = QStringList{model->data(model->index(sourceRow, AlertsModel::DeviceColumn)).toString(),
                                         a.sourceLabel(), a.message, a.stateLabel(), a.conditionsLabel(),
                                         AlertInfo::severityLabel(a.severity), a.deviceId, a.metric}
                                 .join(u'\n');
    for (const QString &w : m_words)
        if (!haystack.contains(w, Qt::CaseInsensitive))
            return false;
    return true;
}
