#include "storage/migrations.h"

namespace Fleetdeck::Storage {

namespace {

/// Writes a statement once for both dialects: {ID_PK} is an auto-increment key, {BOOL} a boolean.
Migration both(int version, const char *name, std::initializer_list<const char *> statements)
{
    Migration m{version, QString::fromLatin1(name), {}, {}};
    for (const char *s : statements) {
        QString sql = QString::fromLatin1(s);
        QString lite = sql, pg = sql;
        lite.replace(QStringLiteral("{ID_PK}"), QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT"));
        pg.replace(QStringLiteral("{ID_PK}"), QStringLiteral("BIGSERIAL PRIMARY KEY"));
        lite.replace(QStringLiteral("{BOOL}"), QStringLiteral("INTEGER"));
        pg.replace(QStringLiteral("{BOOL}"), QStringLiteral("BOOLEAN"));
        m.sqlite << lite;
        m.postgres << pg;
    }
    return m;
}

} // namespace

const QList<Migration> &migrations()
{
    // Times are ms since the epoch (BIGINT) on both backends; ids are UUID text.
    static const QList<Migration> all = {
        both(1, "tenants, users, sessions, devices, certificates, audit",
             {
                 "CREATE TABLE tenants ("
                 " id TEXT PRIMARY KEY,"
                 " name TEXT NOT NULL UNIQUE,"
                 " subscription_plan TEXT NOT NULL DEFAULT 'standard',"
                 " contact_email TEXT,"
                 " active {BOOL} NOT NULL DEFAULT TRUE,"
                 " created_at BIGINT NOT NULL)",

                 "CREATE TABLE users ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " email TEXT NOT NULL UNIQUE,"
                 " display_name TEXT,"
                 " password_hash TEXT NOT NULL,"
                 " role TEXT NOT NULL,"
                 " created_at BIGINT NOT NULL)",
                 "CREATE INDEX users_tenant ON users(tenant_id)",

                 "CREATE TABLE sessions ("
                 " token_hash TEXT PRIMARY KEY,"
                 " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                 " created_at BIGINT NOT NULL,"
                 " expires_at BIGINT NOT NULL,"
                 " revoked_at BIGINT)",
                 "CREATE INDEX sessions_user ON sessions(user_id)",

                 "CREATE TABLE devices ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " serial_number TEXT NOT NULL,"
                 " device_type TEXT NOT NULL,"
                 " name TEXT,"
                 " status TEXT NOT NULL,"
                 " connection TEXT NOT NULL DEFAULT 'offline',"
                 " firmware_version TEXT,"
                 " last_seen_at BIGINT,"
                 " tags TEXT NOT NULL DEFAULT '[]',"
                 " metadata TEXT NOT NULL DEFAULT '{}',"
                 " created_at BIGINT NOT NULL,"
                 " updated_at BIGINT NOT NULL,"
                 " UNIQUE (tenant_id, serial_number))",
                 "CREATE INDEX devices_tenant_created ON devices(tenant_id, created_at, id)",
                 "CREATE INDEX devices_tenant_type ON devices(tenant_id, device_type)",

                 "CREATE TABLE device_tags ("
                 " device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,"
                 " tag TEXT NOT NULL,"
                 " PRIMARY KEY (device_id, tag))",
                 "CREATE INDEX device_tags_tag ON device_tags(tag)",

                 "CREATE TABLE device_certificates ("
                 " serial TEXT PRIMARY KEY,"
                 " device_id TEXT NOT NULL REFERENCES devices(id),"
                 " fingerprint TEXT NOT NULL,"
                 " issued_at BIGINT NOT NULL,"
                 " expires_at BIGINT NOT NULL,"
                 " revoked_at BIGINT)",
                 "CREATE INDEX device_certificates_device ON device_certificates(device_id)",

                 "CREATE TABLE audit_log ("
                 " id {ID_PK},"
                 " tenant_id TEXT,"
                 " actor TEXT NOT NULL,"
                 " source TEXT,"
                 " action TEXT NOT NULL,"
                 " object_type TEXT NOT NULL,"
                 " object_id TEXT,"
                 " summary TEXT,"
                 " at BIGINT NOT NULL)",
                 "CREATE INDEX audit_log_tenant_at ON audit_log(tenant_id, at)",
             }),
    };
    return all;
}

} // namespace Fleetdeck::Storage
