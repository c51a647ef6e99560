#pragma once

#include "alertinfo.h"

#include <QSet>
#include <QSortFilterProxyModel>

/// Narrows the alert list by priority, state and text; sorts by what needs the operator first.
class AlertsFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    enum class State { Any, Unacknowledged, Active, Shelved, Returned };

    explicit AlertsFilterProxy(QObject *parent = nullptr);

    void setSeverities(const QSet<AlertInfo::Severity> &severities);   ///< empty = all
    QSet<AlertInfo::Severity> severities() const { return m_severities; }
    void setState(State state);
    /// Words that must all appear in the device, rule, message or state (case-insensitive).
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QSet<AlertInfo::Severity> m_severities;
    State m_state = State::Any;
    QStringList m_words;
};
