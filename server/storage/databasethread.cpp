#include "storage/databasethread.h"

namespace Fleetdeck::Storage {

DatabaseThread::DatabaseThread(DatabaseUrl url, const QString &name) : m_url(std::move(url))
{
    m_thread.setObjectName(name);
    m_context.moveToThread(&m_thread);
    m_thread.start();
}

DatabaseThread::~DatabaseThread()
{
    QMetaObject::invokeMethod(&m_context, [this] { m_db.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void DatabaseThread::post(Work work)
{
    QMetaObject::invokeMethod(&m_context, [this, work = std::move(work)] {
        if (!m_db) {
            auto db = Database::open(m_url, QStringLiteral("fleetdeck-%1-%2").arg(m_thread.objectName()).arg(quintptr(this)));
            if (!db) {
                (void)work(fail(db.error()));
                return;
            }
            m_db = std::move(*db);
        }
        if (!work(m_db.get()) && !m_db->ping())
            m_db.reset();
    }, Qt::QueuedConnection);
}

} // namespace Fleetdeck::Storage
