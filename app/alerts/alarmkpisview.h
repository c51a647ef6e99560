#pragma once

#include <QJsonObject>
#include <QWidget>
#include <functional>

class ApiClient;
class QComboBox;
class QGridLayout;
class QLabel;
class QTableWidget;

/// How well the alarm system serves the operators (EEMUA 191 / ISA-18.2 performance figures) over a period, from
/// GET /v1/alerts/kpis, each figure next to its target and whether it is met.
class AlarmKpisView : public QWidget
{
    Q_OBJECT

public:
    explicit AlarmKpisView(ApiClient *api, QWidget *parent = nullptr);

    void setDeviceNames(std::function<QString(const QString &)> names) { m_deviceNames = std::move(names); }
    void reload();
    QJsonObject lastKpis() const { return m_kpis; }
    /// The shown value of a figure by its object name (tests).
    QString figure(const QString &name) const;

Q_SIGNALS:
    void loaded();

private:
    struct Figure
    {
        QLabel *value;
        QLabel *target;
    };
    Figure addFigure(const QString &name, const QString &caption, int row, int column);
    void setFigure(const Figure &f, const QString &value, const QString &target, bool met);
    void render();

    ApiClient *m_api;
    std::function<QString(const QString &)> m_deviceNames;
    QJsonObject m_kpis;
    int m_generation = 0;
    QComboBox *m_range = nullptr;
    QLabel *m_status = nullptr;
    QGridLayout *m_grid = nullptr;
    Figure m_raised{}, m_average{}, m_peak{}, m_floods{}, m_chattering{}, m_stale{}, m_mix{};
    QTableWidget *m_badActors = nullptr;
};
