#pragma once

#include "fleet/device.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class ApiClient;
class CommandConsole;
class LiveClient;
class QLabel;
class QListWidget;
class QTabWidget;
class TelemetryChart;
class TwinView;

/// Everything about one device: details and metadata, its connection timeline, live telemetry charts with
/// history, the command console and the twin. Follows the device's telemetry over the live link while it exists.
class DeviceView : public QWidget
{
    Q_OBJECT

public:
    enum class Access { Operate, ReadOnly };

    DeviceView(ApiClient *api, LiveClient *live, const Device &device, Access access, QWidget *parent = nullptr);
    ~DeviceView() override;

    QString deviceId() const { return m_device.deviceId; }
    const Device &device() const { return m_device; }
    /// New facts about the device (from the fleet list or a live event).
    void setDevice(const Device &device);
    /// The title of its tab.
    QString title() const;

    TelemetryChart *chart() const { return m_chart; }
    CommandConsole *commandConsole() const { return m_commands; }
    TwinView *twinView() const { return m_twin; }
    /// The text shown for a field of the details form ("serial", "firmware", "last_seen", …).
    QString fieldText(const QString &field) const;
    int timelineCount() const;
    QTabWidget *tabs() const { return m_tabs; }

    /// Shows one of its tabs: "telemetry", "commands" or "twin".
    void showTab(const QString &name);

    /// Reload what may have missed events (after a reconnect of the live link).
    void resync();

Q_SIGNALS:
    void titleChanged(const QString &title);
    /// Status or connection changed (e.g. for a warning on the view's tab).
    void deviceStateChanged();

private:
    void buildUi(Access access);
    void showDevice();
    void loadTelemetry(qint64 fromMs, qint64 toMs, qint64 intervalMs);
    void onTelemetry(const QString &deviceId, const QJsonObject &metrics);
    void noteConnection(bool online, const QDateTime &at, const QString &firmware);
    void addTimelineEntry(const QDateTime &at, const QString &text, bool abnormal);

    ApiClient *m_api;
    QPointer<LiveClient> m_live;   ///< may go before the view when the window closes
    Device m_device;
    quint64 m_telemetryRequest = 0;
    qint64 m_lastFromMs = 0;
    qint64 m_lastToMs = 0;
    qint64 m_lastIntervalMs = 0;

    QLabel *m_name = nullptr;
    QLabel *m_state = nullptr;
    QHash<QString, QLabel *> m_fields;   ///< value labels of the details form, by field name
    QListWidget *m_timeline = nullptr;
    QTabWidget *m_tabs = nullptr;
    TelemetryChart *m_chart = nullptr;
    CommandConsole *m_commands = nullptr;
    TwinView *m_twin = nullptr;
};
