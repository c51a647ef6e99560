#include "twinview.h"

#include "jsoneditor.h"

#include "connection/apiclient.h"
#include "base/theme.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
constexpr int refreshMs = 5000;
}

TwinView::TwinView(ApiClient *api, const QString &deviceId, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_deviceId(deviceId)
    , m_desired(new JsonEditor(this))
    , m_reported(new JsonEditor(this))
    , m_delta(new JsonEditor(this))
    , m_state(new QLabel(this))
    , m_message(new QLabel(this))
{
    setObjectName(u"twinView"_s);
    m_desired->setObjectName(u"desiredEditor"_s);
    m_reported->setObjectName(u"reportedView"_s);
    m_delta->setObjectName(u"deltaView"_s);
    m_reported->setReadOnly(true);
    m_delta->setReadOnly(true);
    m_state->setObjectName(u"twinState"_s);
    m_state->setWordWrap(true);
    m_message->setObjectName(u"twinMessage"_s);
    m_message->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_state);
    auto *grid = new QGridLayout;
    grid->addWidget(new QLabel(tr("<b>Desired</b> (what the device should apply)"), this), 0, 0);
    grid->addWidget(new QLabel(tr("<b>Reported</b> (what the device says it runs)"), this), 0, 1);
    grid->addWidget(new QLabel(tr("<b>Delta</b> (desired values not reported yet)"), this), 0, 2);
    grid->addWidget(m_desired, 1, 0);
    grid->addWidget(m_reported, 1, 1);
    grid->addWidget(m_delta, 1, 2);
    layout->addLayout(grid, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_message, 1);
    m_revert = new QPushButton(tr("&Discard changes"), this);
    m_revert->setObjectName(u"twinRevert"_s);
    m_apply = new QPushButton(tr("&Apply desired configuration"), this);
    m_apply->setObjectName(u"twinApply"_s);
    auto *reloadButton = new QPushButton(tr("Re&load"), this);
    buttons->addWidget(reloadButton);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    layout->addLayout(buttons);

    connect(m_desired, &JsonEditor::edited, this, &TwinView::updateButtons);
    connect(m_apply, &QPushButton::clicked, this, &TwinView::apply);
    connect(m_revert, &QPushButton::clicked, this, [this]() {
        m_desired->setObject(m_shownDesired);
        m_message->clear();
    });
    connect(reloadButton, &QPushButton::clicked, this, &TwinView::reload);
    m_refresh.setInterval(refreshMs);
    connect(&m_refresh, &QTimer::timeout, this, [this]() {
        // Never replace what the operator is typing.
        if (m_desired->object() == std::optional<QJsonObject>(m_shownDesired))
            reload();
    });
    updateButtons();
    reload();
}

void TwinView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_refresh.start();
    if (m_loaded)
        reload();
}

void TwinView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_refresh.stop();
}

void TwinView::setEditable(bool editable, const QString &why)
{
    m_editable = editable;
    m_refusal = why;
    m_desired->setReadOnly(!editable);
    updateButtons();
}

void TwinView::reload()
{
    if (m_busy)
        return;
    m_busy = true;
    const quint64 generation = m_generation;
    m_api->get(u"/v1/devices/%1/config"_s.arg(m_deviceId), {}, ApiClient::Auth::Bearer, this,
               [this, generation](const ApiResult<QJsonDocument> &result) {
        m_busy = false;
        if (generation != m_generation)
            return;   // an apply answered meanwhile: this read is older than what is shown
        if (!result) {
            m_message->setText(tr("Could not load the twin: %1").arg(result.error().message));
            return;
        }
        show(result->object());
    });
}

void TwinView::show(const QJsonObject &twin)
{
    const bool untouched = !m_loaded || m_desired->object() == std::optional<QJsonObject>(m_shownDesired);
    m_loaded = true;
    m_shownDesired = twin.value(u"desired").toObject();
    m_version = twin.value(u"desired_version").toInteger();
    m_inSync = twin.value(u"in_sync").toBool();
    if (untouched)
        m_desired->setObject(m_shownDesired);
    const QJsonValue reported = twin.value(u"reported");
    if (reported.isObject())
        m_reported->setObject(reported.toObject());
    else
        m_reported->setText(tr("(nothing reported yet)"));
    m_delta->setObject(twin.value(u"delta").toObject());

    const qint64 reportedVersion = twin.value(u"reported_version").toInteger();
    const int differences = int(twin.value(u"delta").toObject().size());
    QString text;
    bool warn = false;
    if (m_version == 0 && !reported.isObject())
        text = tr("No desired configuration set and nothing reported yet.");
    else if (m_inSync)
        text = tr("In sync: the device applied version %1.").arg(m_version);
    else {
        warn = true;
        text = tr("Not in sync: desired version %1, the device reported version %2; %n value(s) differ.", nullptr, differences)
                   .arg(m_version).arg(reportedVersion);
    }
    const QDateTime at = QDateTime::fromString(twin.value(u"reported_at").toString(), Qt::ISODateWithMs);
    if (at.isValid())
        text += u' ' + tr("Last report %1.").arg(QLocale().toString(at.toLocalTime(), QLocale::ShortFormat));
    QPalette p = m_state->palette();
    p.setColor(QPalette::WindowText, warn ? Theme::warningColor() : palette().color(QPalette::WindowText));
    m_state->setPalette(p);
    m_state->setText(text);
    updateButtons();
}

QString TwinView::stateText() const
{
    return m_state->text();
}

void TwinView::updateButtons()
{
    const auto edited = m_desired->object();
    const bool changed = edited && *edited != m_shownDesired;
    m_apply->setEnabled(m_editable && m_loaded && !m_applying && changed);
    m_revert->setEnabled(m_desired->text() != QString() && m_desired->object() != std::optional<QJsonObject>(m_shownDesired));
    m_apply->setToolTip(!m_editable ? m_refusal : !edited ? m_desired->problem() : QString());
}

void TwinView::apply()
{
    const auto desired = m_desired->object();
    if (!desired)
        return;
    m_applying = true;
    ++m_generation;
    updateButtons();
    m_message->setText(tr("Applying…"));
    m_api->put(u"/v1/devices/%1/config"_s.arg(m_deviceId), {{u"desired"_s, *desired}, {u"version"_s, m_version}},
               ApiClient::Auth::Bearer, this, [this](const ApiResult<QJsonDocument> &result) {
        m_applying = false;
        if (!result) {
            m_message->setText(result.error().httpStatus == 409
                                   ? tr("Not applied: %1 Your edit is kept; reload to see the current version.").arg(result.error().message)
                                   : tr("Not applied: %1").arg(result.error().message));
            updateButtons();
            return;
        }
        m_loaded = false;   // take the server's version of the text
        show(result->object());
        m_message->setText(tr("Version %1 sent to the device.").arg(m_version));
    });
}
