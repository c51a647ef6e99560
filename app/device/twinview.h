#pragma once

#include <QJsonObject>
#include <QTimer>
#include <QWidget>

class ApiClient;
class JsonEditor;
class QLabel;
class QPushButton;

/// The device twin: the desired configuration (editable), what the device reported, and the difference, with
/// the versions. Applying sends the version the edit was based on, so a change made meanwhile by someone else is
/// refused (409) and shown rather than overwritten. Refreshes itself while visible and not being edited.
class TwinView : public QWidget
{
    Q_OBJECT

public:
    TwinView(ApiClient *api, const QString &deviceId, QWidget *parent = nullptr);

    void reload();
    void setEditable(bool editable, const QString &why = {});

    qint64 desiredVersion() const { return m_version; }
    bool inSync() const { return m_inSync; }
    QString stateText() const;

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void show(const QJsonObject &twin);
    void apply();
    void updateButtons();

    ApiClient *m_api;
    QString m_deviceId;
    JsonEditor *m_desired;
    JsonEditor *m_reported;
    JsonEditor *m_delta;
    QLabel *m_state;
    QLabel *m_message;
    QPushButton *m_apply;
    QPushButton *m_revert;
    QTimer m_refresh;
    QJsonObject m_shownDesired;
    qint64 m_version = 0;
    bool m_inSync = false;
    bool m_loaded = false;
    bool m_busy = false;       ///< a reload is in flight
    bool m_applying = false;
    quint64 m_generation = 0;  ///< bumped by apply(), so an older read never overwrites its answer
    bool m_editable = true;
    QString m_refusal;
};
