#include "alarmkpisview.h"

#include "alertinfo.h"
#include "alertstyle.h"
#include "connection/apiclient.h"

#include <QComboBox>
#include <QDateTime>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QTableWidget>
#include <QUrlQuery>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

AlarmKpisView::AlarmKpisView(ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
{
    setObjectName(u"alarmKpis"_s);
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Period:"), this));
    m_range = new QComboBox(this);
    m_range->setObjectName(u"kpiRange"_s);
    m_range->addItem(tr("Last 24 hours"), 24);
    m_range->addItem(tr("Last 7 days"), 7 * 24);
    m_range->addItem(tr("Last 30 days"), 30 * 24);
    top->addWidget(m_range);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    top->addWidget(refresh);
    m_status = new QLabel(this);
    m_status->setObjectName(u"kpiStatus"_s);
    m_status->setWordWrap(true);
    top->addWidget(m_status, 1);
    layout->addLayout(top);
    connect(m_range, &QComboBox::currentIndexChanged, this, &AlarmKpisView::reload);
    connect(refresh, &QPushButton::clicked, this, &AlarmKpisView::reload);

    m_grid = new QGridLayout;
    m_grid->setHorizontalSpacing(12);
    m_grid->setVerticalSpacing(12);
    m_raised = addFigure(u"kpiRaised"_s, tr("Alarms raised"), 0, 0);
    m_average = addFigure(u"kpiAverage"_s, tr("Average per 10 minutes"), 0, 1);
    m_peak = addFigure(u"kpiPeak"_s, tr("Peak in 10 minutes"), 0, 2);
    m_floods = addFigure(u"kpiFloods"_s, tr("Time in alarm flood"), 0, 3);
    m_chattering = addFigure(u"kpiChattering"_s, tr("Chattering alarms"), 1, 0);
    m_stale = addFigure(u"kpiStale"_s, tr("Stale (active > 24 h)"), 1, 1);
    m_mix = addFigure(u"kpiMix"_s, tr("Priority mix (critical / major / lower)"), 1, 2);
    layout->addLayout(m_grid);

    auto *actorsTitle = new QLabel(tr("Top 10 bad actors: the rule or check and device that raised most"), this);
    QFont bold = actorsTitle->font();
    bold.setBold(true);
    actorsTitle->setFont(bold);
    layout->addWidget(actorsTitle);
    m_badActors = new QTableWidget(0, 4, this);
    m_badActors->setObjectName(u"badActors"_s);
    m_badActors->setHorizontalHeaderLabels({tr("Rule / check"), tr("Device"), tr("Raised"), tr("Share")});
    m_badActors->horizontalHeader()->setStretchLastSection(true);
    m_badActors->verticalHeader()->setVisible(false);
    m_badActors->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_badActors->setSelectionMode(QAbstractItemView::NoSelection);
    const int em = fontMetrics().horizontalAdvance(u'M');
    m_badActors->setColumnWidth(0, 22 * em);
    m_badActors->setColumnWidth(1, 22 * em);
    m_badActors->setColumnWidth(2, 8 * em);
    layout->addWidget(m_badActors, 1);
    auto *note = new QLabel(tr("Targets after EEMUA 191: about one alarm per 10 minutes per operator is very likely "
                               "acceptable, two is manageable, ten or more is a flood; no chattering or stale alarms; "
                               "roughly 5 % high, 15 % medium and 80 % low priority. Counted for the whole organisation."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);
}

AlarmKpisView::Figure AlarmKpisView::addFigure(const QString &name, const QString &caption, int row, int column)
{
    auto *frame = new QFrame(this);
    frame->setFrameShape(QFrame::StyledPanel);
    auto *l = new QVBoxLayout(frame);
    l->addWidget(new QLabel(caption, frame));
    Figure f;
    f.value = new QLabel(u"–"_s, frame);
    f.value->setObjectName(name);
    QFont big = f.value->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    f.value->setFont(big);
    l->addWidget(f.value);
    f.target = new QLabel(frame);
    f.target->setObjectName(name + u"Target"_s);
    f.target->setWordWrap(true);
    l->addWidget(f.target);
    m_grid->addWidget(frame, row, column);
    return f;
}

void AlarmKpisView::setFigure(const Figure &f, const QString &value, const QString &target, bool met)
{
    f.value->setText(value);
    // Grey when the target is met; a missed target in the warning colour, with words that say so.
    QPalette p = f.value->palette();
    p.setColor(QPalette::WindowText, met ? palette().color(QPalette::WindowText) : AlertStyle::color(AlertInfo::Severity::Major));
    f.value->setPalette(p);
    f.target->setText(met ? tr("✓ %1").arg(target) : tr("✗ Target missed: %1").arg(target));
}

QString AlarmKpisView::figure(const QString &name) const
{
    const auto *label = findChild<QLabel *>(name);
    return label ? label->text() : QString();
}

void AlarmKpisView::reload()
{
    const int hours = m_range->currentData().toInt();
    const QDateTime to = QDateTime::currentDateTimeUtc();
    QUrlQuery q;
    q.addQueryItem(u"from"_s, to.addSecs(-qint64(hours) * 3600).toString(Qt::ISODateWithMs));
    q.addQueryItem(u"to"_s, to.toString(Qt::ISODateWithMs));
    m_status->setText(tr("Counting…"));
    const int generation = ++m_generation;
    m_api->get(u"/v1/alerts/kpis"_s, q, ApiClient::Auth::Bearer, this, [this, generation](const ApiResult<QJsonDocument> &r) {
        if (generation != m_generation)
            return;
        if (!r) {
            m_status->setText(tr("Cannot read the alarm figures: %1").arg(r.error().message));
            return;
        }
        m_kpis = r->object();
        render();
        Q_EMIT loaded();
    });
}

void AlarmKpisView::render()
{
    const QLocale locale;
    const QJsonObject &k = m_kpis;
    const qint64 raised = k.value(u"raised").toInteger();
    setFigure(m_raised, locale.toString(raised), tr("in the period"), true);
    const QJsonObject per = k.value(u"per_interval").toObject();
    const double avg = per.value(u"average").toDouble();
    setFigure(m_average, locale.toString(avg, 'f', 2),
              avg <= 1 ? tr("at most 1: very likely acceptable") : avg <= 2 ? tr("at most 2: manageable") : tr("at most 2"),
              avg <= 2);
    const qint64 peak = per.value(u"peak").toInteger();
    const QDateTime peakAt = QDateTime::fromString(per.value(u"peak_at").toString(), Qt::ISODateWithMs);
    setFigure(m_peak, locale.toString(peak),
              peakAt.isValid() ? tr("under 10; at %1").arg(locale.toString(peakAt.toLocalTime(), QLocale::ShortFormat)) : tr("under 10"),
              peak < 10);
    const QJsonObject floods = k.value(u"floods").toObject();
    const double share = floods.value(u"time_share").toDouble() * 100;
    setFigure(m_floods, tr("%1 %").arg(locale.toString(share, 'f', 1)),
              tr("under 1 % (%1 flood intervals)").arg(floods.value(u"intervals").toInt()), share < 1);
    const qint64 chattering = k.value(u"chattering").toInteger();
    setFigure(m_chattering, locale.toString(chattering), tr("none"), chattering == 0);
    const qint64 stale = k.value(u"stale").toObject().value(u"count").toInteger();
    setFigure(m_stale, locale.toString(stale), tr("none (a snapshot of now)"), stale == 0);
    const QJsonObject mix = k.value(u"priority_mix").toObject();
    const auto pct = [&](const char *s) { return mix.value(QLatin1String(s)).toObject().value(u"share").toDouble() * 100; };
    const double high = pct("critical"), medium = pct("major"), low = 100 - high - medium;
    setFigure(m_mix,
              u"%1 / %2 / %3 %"_s.arg(locale.toString(high, 'f', 0), locale.toString(medium, 'f', 0),
                                      locale.toString(raised ? low : 0, 'f', 0)),
              tr("about 5 / 15 / 80 %"), raised == 0 || (high <= 10 && medium <= 25));

    const QJsonArray actors = k.value(u"bad_actors").toArray();
    m_badActors->setRowCount(int(actors.size()));
    for (int i = 0; i < actors.size(); ++i) {
        const QJsonObject a = actors.at(i).toObject();
        AlertInfo info;
        info.source = a.value(u"source").toString();
        info.ruleName = a.value(u"rule_name").toString();
        const QString device = a.value(u"device_id").toString();
        const QString deviceName = m_deviceNames ? m_deviceNames(device) : QString();
        m_badActors->setItem(i, 0, new QTableWidgetItem(info.sourceLabel()));
        m_badActors->setItem(i, 1, new QTableWidgetItem(deviceName.isEmpty() ? device : deviceName));
        auto *n = new QTableWidgetItem(locale.toString(a.value(u"raised").toInteger()));
        n->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_badActors->setItem(i, 2, n);
        m_badActors->setItem(i, 3, new QTableWidgetItem(tr("%1 %").arg(locale.toString(a.value(u"share").toDouble() * 100, 'f', 1))));
    }
    const QDateTime from = QDateTime::fromString(k.value(u"from").toString(), Qt::ISODateWithMs);
    const QDateTime to = QDateTime::fromString(k.value(u"to").toString(), Qt::ISODateWithMs);
    QString status = tr("%1 – %2").arg(locale.toString(from.toLocalTime(), QLocale::ShortFormat),
                                       locale.toString(to.toLocalTime(), QLocale::ShortFormat));
    if (k.value(u"truncated").toBool())
        status += u"  "_s + tr("(the period has more alarm events than are counted at once: the figures are a lower bound)");
    m_status->setText(status);
}
