#include "storage/migrations.h"

namespace Fleetdeck::Storage {

namespace {

/// Writes a statement once for both dialects: {ID_PK} is an auto-increment key, {BOOL} a boolean, {DOUBLE} a
/// 64-bit float, {TELEMETRY_KEY}/{TELEMETRY_TABLE} the raw telemetry table's key and options; a statement starting
/// {PG_ONLY} is PostgreSQL's alone.
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
        lite.replace(QStringLiteral("{DOUBLE}"), QStringLiteral("REAL"));
        pg.replace(QStringLiteral("{DOUBLE}"), QStringLiteral("DOUBLE PRECISION"));
        // The raw telemetry table differs: clustered on its key in SQLite, range-partitioned in PostgreSQL.
        lite.replace(QStringLiteral("{TELEMETRY_KEY}"), QStringLiteral(", PRIMARY KEY (device_key, metric_id, ts, seq)"));
        lite.replace(QStringLiteral("{TELEMETRY_TABLE}"), QStringLiteral(" WITHOUT ROWID"));
        pg.replace(QStringLiteral("{TELEMETRY_KEY}"), QString());
        pg.replace(QStringLiteral("{TELEMETRY_TABLE}"), QStringLiteral(" PARTITION BY RANGE (ts)"));
        if (sql.startsWith(QStringLiteral("{PG_ONLY}"))) {
            m.postgres << pg.mid(9);
            continue;
        }
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
        both(2, "telemetry: device keys, metric names, raw readings, latest values, 1 min and 1 h rollups",
             {
                 // A small integer per device keeps the telemetry rows narrow; last_seq is the ingest high-water
                 // mark (everything up to it is stored or was refused), the base of idempotent re-sends.
                 "CREATE TABLE telemetry_devices ("
                 " device_key {ID_PK},"
                 " device_id TEXT NOT NULL UNIQUE REFERENCES devices(id),"
                 " tenant_id TEXT NOT NULL,"
                 " last_seq BIGINT NOT NULL DEFAULT 0,"
                 " last_ts BIGINT)",
                 "CREATE TABLE metrics ("
                 " metric_id {ID_PK},"
                 " name TEXT NOT NULL UNIQUE)",
                 // PostgreSQL: range-partitioned by day on ts; daily partitions are made ahead by
                 // the telemetry service and dropped for retention; late or early rows land in the default one.
                 // SQLite: the table is its own index (WITHOUT ROWID, clustered on device, metric, time): one B-tree
                 // insert per reading instead of two. seq makes the key unique (one reading per metric per message).
                 "CREATE TABLE telemetry ("
                 " device_key BIGINT NOT NULL,"
                 " metric_id INTEGER NOT NULL,"
                 " ts BIGINT NOT NULL,"
                 " seq BIGINT NOT NULL,"
                 " value {DOUBLE},"
                 " text TEXT{TELEMETRY_KEY}){TELEMETRY_TABLE}",
                 "{PG_ONLY}CREATE TABLE telemetry_default PARTITION OF telemetry DEFAULT",
                 "{PG_ONLY}CREATE INDEX telemetry_device_metric_ts ON telemetry(device_key, metric_id, ts)",
                 "CREATE TABLE telemetry_latest ("
                 " device_key BIGINT NOT NULL,"
                 " metric_id INTEGER NOT NULL,"
                 " ts BIGINT NOT NULL,"
                 " value {DOUBLE},"
                 " text TEXT,"
                 " PRIMARY KEY (device_key, metric_id))",
                 "CREATE TABLE telemetry_1m ("
                 " device_key BIGINT NOT NULL,"
                 " metric_id INTEGER NOT NULL,"
                 " bucket BIGINT NOT NULL,"
                 " count BIGINT NOT NULL,"
                 " min {DOUBLE} NOT NULL,"
                 " max {DOUBLE} NOT NULL,"
                 " sum {DOUBLE} NOT NULL,"
                 " last {DOUBLE} NOT NULL,"
                 " last_ts BIGINT NOT NULL,"
                 " PRIMARY KEY (device_key, metric_id, bucket))",
                 "CREATE TABLE telemetry_1h ("
                 " device_key BIGINT NOT NULL,"
                 " metric_id INTEGER NOT NULL,"
                 " bucket BIGINT NOT NULL,"
                 " count BIGINT NOT NULL,"
                 " min {DOUBLE} NOT NULL,"
                 " max {DOUBLE} NOT NULL,"
                 " sum {DOUBLE} NOT NULL,"
                 " last {DOUBLE} NOT NULL,"
                 " last_ts BIGINT NOT NULL,"
                 " PRIMARY KEY (device_key, metric_id, bucket))",
             }),
        // Issue 5: tenants with plans and quotas, user management, API tokens, login throttling, and an audit log
        // that the database itself keeps append-only (only personal data may be anonymised, for erasure).
        [] {
            Migration m = both(3, "tenant plans and quotas, user state, API tokens, login throttling, append-only audit log",
                 {
                     "ALTER TABLE tenants ADD COLUMN max_devices INTEGER",
                     "ALTER TABLE tenants ADD COLUMN max_telemetry_msgs_per_s INTEGER",
                     "ALTER TABLE tenants ADD COLUMN retention_days INTEGER",
                     "ALTER TABLE tenants ADD COLUMN updated_at BIGINT",
                     "ALTER TABLE tenants ADD COLUMN deactivated_at BIGINT",
                     "ALTER TABLE users ADD COLUMN active {BOOL} NOT NULL DEFAULT TRUE",
                     "ALTER TABLE users ADD COLUMN updated_at BIGINT",
                     "ALTER TABLE users ADD COLUMN password_changed_at BIGINT",
                     "ALTER TABLE users ADD COLUMN erased_at BIGINT",
                     "ALTER TABLE sessions ADD COLUMN source TEXT",
                     "CREATE TABLE api_tokens ("
                     " id TEXT PRIMARY KEY,"
                     " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                     " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                     " name TEXT NOT NULL,"
                     " role TEXT NOT NULL,"
                     " token_hash TEXT NOT NULL UNIQUE,"
                     " created_at BIGINT NOT NULL,"
                     " expires_at BIGINT NOT NULL,"
                     " revoked_at BIGINT,"
                     " last_used_at BIGINT)",
                     "CREATE INDEX api_tokens_user ON api_tokens(user_id)",
                     "CREATE INDEX api_tokens_tenant ON api_tokens(tenant_id)",
                     "CREATE TABLE login_throttle ("
                     " throttle_key TEXT PRIMARY KEY,"
                     " failures INTEGER NOT NULL,"
                     " window_start BIGINT NOT NULL,"
                     " locked_until BIGINT)",
                     "ALTER TABLE audit_log ADD COLUMN actor_id TEXT",
                     "CREATE INDEX audit_log_actor ON audit_log(actor_id)",
                     "CREATE INDEX audit_log_object ON audit_log(object_type, object_id)",
                 });
            m.sqlite << QStringLiteral("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                                       "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
                     << QStringLiteral("CREATE TRIGGER audit_log_no_rewrite BEFORE UPDATE OF id, tenant_id, action, object_type, object_id, at ON audit_log "
                                       "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: only actor, source and summary may be anonymised'); END");
            m.postgres << QStringLiteral("CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                                         "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'audit_log is append-only'; END IF; "
                                         "IF NEW.id IS DISTINCT FROM OLD.id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id "
                                         "OR NEW.action IS DISTINCT FROM OLD.action OR NEW.object_type IS DISTINCT FROM OLD.object_type "
                                         "OR NEW.object_id IS DISTINCT FROM OLD.object_id OR NEW.at IS DISTINCT FROM OLD.at THEN "
                                         "RAISE EXCEPTION 'audit_log is append-only: only actor, source and summary may be anonymised'; END IF; "
                                         "RETURN NEW; END $$")
                       << QStringLiteral("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                                         "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()");
            return m;
        }(),
        // Issue 4: commands with their tracked states, group commands (jobs), and the device twin.
        both(4, "commands, command jobs, device configuration (twin)",
             {
                 // One row per command; each state's time in its own column, so that after a restart every timer
                 // (ttl while queued, timeout after sent) can be derived again from the row alone.
                 "CREATE TABLE commands ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " device_id TEXT NOT NULL REFERENCES devices(id),"
                 " job_id TEXT,"
                 " type TEXT NOT NULL,"
                 " payload TEXT NOT NULL DEFAULT '{}',"
                 " status TEXT NOT NULL,"
                 " timeout_s INTEGER NOT NULL,"
                 " ttl_s INTEGER NOT NULL,"
                 " created_by TEXT,"
                 " created_at BIGINT NOT NULL,"
                 " expires_at BIGINT NOT NULL,"
                 " sent_at BIGINT,"
                 " delivered_at BIGINT,"
                 " finished_at BIGINT,"
                 " result TEXT,"
                 " error TEXT,"
                 " late_reply TEXT)",
                 "CREATE INDEX commands_device_created ON commands(device_id, created_at, id)",
                 // Partial indexes: most commands belong to no job, and most are final; every index entry is a page
                 // written per commit on the hot path (one command: several rows, several transitions).
                 "CREATE INDEX commands_job ON commands(job_id, status) WHERE job_id IS NOT NULL",
                 "CREATE INDEX commands_open ON commands(created_at) WHERE status IN ('queued', 'sent', 'delivered')",
                 "CREATE TABLE command_jobs ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " type TEXT NOT NULL,"
                 " payload TEXT NOT NULL DEFAULT '{}',"
                 " target TEXT NOT NULL,"
                 " timeout_s INTEGER NOT NULL,"
                 " ttl_s INTEGER NOT NULL,"
                 " total INTEGER NOT NULL,"
                 " skipped TEXT NOT NULL DEFAULT '[]',"
                 " created_by TEXT,"
                 " created_at BIGINT NOT NULL)",
                 "CREATE INDEX command_jobs_tenant_created ON command_jobs(tenant_id, created_at, id)",
                 "CREATE TABLE device_config ("
                 " device_id TEXT PRIMARY KEY REFERENCES devices(id),"
                 " tenant_id TEXT NOT NULL,"
                 " desired TEXT NOT NULL DEFAULT '{}',"
                 " desired_version BIGINT NOT NULL DEFAULT 0,"
                 " desired_at BIGINT,"
                 " desired_by TEXT,"
                 " reported TEXT,"
                 " reported_version BIGINT NOT NULL DEFAULT 0,"
                 " reported_at BIGINT)",
             }),
        [] {
            // SQLite: the rollups clustered on their key (WITHOUT ROWID), as the raw table already is: a 30-day range
            // is then one range scan instead of an index walk plus a table lookup per bucket, and an upsert touches
            // one B-tree instead of two. PostgreSQL keeps its heap and primary-key index.
            Migration m{5, QStringLiteral("SQLite: rollup tables clustered on their key"), {}, {}};
            for (const char *table : {"telemetry_1m", "telemetry_1h"}) {
                const QString t = QString::fromLatin1(table);
                m.sqlite << QStringLiteral("CREATE TABLE %1_clustered (device_key BIGINT NOT NULL, metric_id INTEGER NOT NULL, bucket BIGINT NOT NULL, "
                                           "count BIGINT NOT NULL, min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, last REAL NOT NULL, "
                                           "last_ts BIGINT NOT NULL, PRIMARY KEY (device_key, metric_id, bucket)) WITHOUT ROWID").arg(t)
                         << QStringLiteral("INSERT INTO %1_clustered SELECT device_key, metric_id, bucket, count, min, max, sum, last, last_ts FROM %1").arg(t)
                         << QStringLiteral("DROP TABLE %1").arg(t)
                         << QStringLiteral("ALTER TABLE %1_clustered RENAME TO %1").arg(t);
            }
            return m;
        }(),
        both(6, "telemetry schemas per device type",
             {
                 // Per tenant and device type: what each metric must be (document: {"metrics": {...}, "allow_unknown"}).
                 "CREATE TABLE telemetry_schemas ("
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " device_type TEXT NOT NULL,"
                 " document TEXT NOT NULL,"
                 " version BIGINT NOT NULL,"
                 " updated_at TEXT NOT NULL,"
                 " PRIMARY KEY (tenant_id, device_type))",
             }),
        both(7, "PostgreSQL: BRIN index on telemetry time",
             {
                 // Rows arrive in time order, so a block-range index on ts is tiny and cheap to keep; time-range work
                 // across devices (retention in the default partition, scans by time) uses it. On every partition.
                 "{PG_ONLY}CREATE INDEX telemetry_ts_brin ON telemetry USING BRIN (ts)",
             }),
        [] {
            // SQLite: one raw row per message instead of one per reading, the readings packed in a blob
            // (core/packedreadings.h; fleetdeck_pack() is registered on every connection). A message of three metrics
            // is one B-tree insert instead of three, which is most of the writer's cost. Keyed on device, time and
            // seq: a device's history is one range scan in time order. PostgreSQL keeps a row per reading (COPY).
            Migration m{8, QStringLiteral("SQLite: one raw telemetry row per message, readings packed"), {}, {}};
            m.sqlite << QStringLiteral("CREATE TABLE telemetry_packed (device_key BIGINT NOT NULL, ts BIGINT NOT NULL, seq BIGINT NOT NULL, "
                                       "readings BLOB NOT NULL, PRIMARY KEY (device_key, ts, seq)) WITHOUT ROWID")
                     << QStringLiteral("INSERT INTO telemetry_packed SELECT device_key, ts, seq, fleetdeck_pack(metric_id, value, text) FROM telemetry "
                                       "GROUP BY device_key, ts, seq ORDER BY device_key, ts, seq")
                     << QStringLiteral("DROP TABLE telemetry")
                     << QStringLiteral("ALTER TABLE telemetry_packed RENAME TO telemetry");
            return m;
        }(),
        [] {
            // PostgreSQL: the same row per message, readings packed (bytea), range-partitioned by day on ts as before.
            // The old table and its partitions are renamed out of the way, the new partitions get the old names and
            // bounds, the readings are packed in SQL (the same bytes as core/packedreadings.h writes), the old
            // table goes.
            Migration m{9, QStringLiteral("PostgreSQL: one raw telemetry row per message, readings packed"), {}, {}};
            m.postgres << QStringLiteral(
                "CREATE FUNCTION pg_temp.fleetdeck_varint(v bigint) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $f$ "
                "DECLARE out bytea := ''::bytea; BEGIN "
                "LOOP IF v < 128 THEN RETURN out || set_byte('\\x00'::bytea, 0, v::int); END IF; "
                "out := out || set_byte('\\x00'::bytea, 0, ((v & 127) | 128)::int); v := v >> 7; END LOOP; END $f$")
                       << QStringLiteral(
                "CREATE FUNCTION pg_temp.fleetdeck_reading(metric int, value double precision, txt text) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $f$ "
                "DECLARE be bytea; utf8 bytea; le bytea := ''::bytea; BEGIN "
                "IF txt IS NOT NULL THEN utf8 := convert_to(txt, 'UTF8'); "
                "RETURN pg_temp.fleetdeck_varint((metric::bigint << 1) | 1) || pg_temp.fleetdeck_varint(length(utf8)) || utf8; END IF; "
                "be := float8send(value); "
                "FOR i IN REVERSE 7..0 LOOP le := le || substring(be FROM i + 1 FOR 1); END LOOP; "
                "RETURN pg_temp.fleetdeck_varint(metric::bigint << 1) || le; END $f$")
                       << QStringLiteral(
                "DO $d$ DECLARE r record; BEGIN "
                "FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                "WHERE p.relname = 'telemetry' LOOP "
                "EXECUTE format('ALTER TABLE %I RENAME TO %I', r.relname, 'v8_' || r.relname); END LOOP; END $d$")
                       << QStringLiteral("ALTER TABLE telemetry RENAME TO v8_telemetry")
                       << QStringLiteral("ALTER INDEX telemetry_device_metric_ts RENAME TO v8_telemetry_device_metric_ts")
                       << QStringLiteral("ALTER INDEX telemetry_ts_brin RENAME TO v8_telemetry_ts_brin")
                       << QStringLiteral("CREATE TABLE telemetry (device_key BIGINT NOT NULL, ts BIGINT NOT NULL, seq BIGINT NOT NULL, "
                                         "readings BYTEA NOT NULL) PARTITION BY RANGE (ts)")
                       << QStringLiteral(
                "DO $d$ DECLARE r record; BEGIN "
                "FOR r IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'v8_telemetry' LOOP "
                "EXECUTE format('CREATE TABLE %I PARTITION OF telemetry %s', substring(r.relname FROM 4), r.bound); END LOOP; END $d$")
                       << QStringLiteral("CREATE INDEX telemetry_device_ts ON telemetry (device_key, ts, seq)") // keyset pages of history in index order
                       << QStringLiteral("CREATE INDEX telemetry_ts_brin ON telemetry USING BRIN (ts)")
                       << QStringLiteral("INSERT INTO telemetry (device_key, ts, seq, readings) "
                                         "SELECT device_key, ts, seq, string_agg(pg_temp.fleetdeck_reading(metric_id, value, text), ''::bytea) "
                                         "FROM v8_telemetry GROUP BY device_key, ts, seq")
                       << QStringLiteral("DROP TABLE v8_telemetry")
                       << QStringLiteral("DROP FUNCTION pg_temp.fleetdeck_reading(int, double precision, text)")
                       << QStringLiteral("DROP FUNCTION pg_temp.fleetdeck_varint(bigint)");
            return m;
        }(),
        // Issue 18: a tenant's distinct metric names are a quota (each is a row and two map entries for ever).
        both(10, "tenant quota max_metrics",
             {
                 "ALTER TABLE tenants ADD COLUMN max_metrics INTEGER",
                 "UPDATE tenants SET max_metrics = CASE subscription_plan WHEN 'free' THEN 50 WHEN 'standard' THEN 1000 "
                 "WHEN 'enterprise' THEN 10000 ELSE NULL END",
             }),
        both(11, "scheduled jobs",
             {
                 "CREATE TABLE scheduled_jobs ("
                 " job_key TEXT PRIMARY KEY,"
                 " kind TEXT NOT NULL,"
                 " due_at BIGINT NOT NULL,"
                 " payload TEXT NOT NULL,"
                 " attempts INTEGER NOT NULL DEFAULT 0,"
                 " last_error TEXT,"
                 " last_run_at BIGINT,"
                 " created_at BIGINT NOT NULL)",
                 "CREATE INDEX scheduled_jobs_due ON scheduled_jobs(due_at)",
             }),
        // Issue 12: rules, their per-device state (what a restart must not forget), alerts and their history.
        both(12, "rules, rule states, alerts, alert history",
             {
                 "CREATE TABLE rules ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " name TEXT NOT NULL,"
                 " definition TEXT NOT NULL,"
                 " is_active {BOOL} NOT NULL,"
                 " version BIGINT NOT NULL,"
                 " created_by TEXT,"
                 " created_at BIGINT NOT NULL,"
                 " updated_at BIGINT NOT NULL)",
                 "CREATE INDEX rules_tenant ON rules(tenant_id, created_at)",

                 "CREATE TABLE rule_states ("
                 " rule_id TEXT NOT NULL REFERENCES rules(id) ON DELETE CASCADE,"
                 " device_id TEXT NOT NULL,"
                 " rule_version BIGINT NOT NULL,"
                 " state TEXT NOT NULL,"
                 " updated_at BIGINT NOT NULL,"
                 " PRIMARY KEY (rule_id, device_id))",

                 "CREATE TABLE alerts ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " source_key TEXT NOT NULL,"
                 " rule_id TEXT,"
                 " rule_name TEXT NOT NULL,"
                 " device_id TEXT NOT NULL,"
                 " severity TEXT NOT NULL,"
                 " message TEXT NOT NULL,"
                 " metric TEXT,"
                 " value {DOUBLE},"
                 " active {BOOL} NOT NULL,"
                 " acknowledged {BOOL} NOT NULL,"
                 " closed {BOOL} NOT NULL,"
                 " occurrences INTEGER NOT NULL,"
                 " chattering {BOOL} NOT NULL,"
                 " shelved {BOOL} NOT NULL,"
                 " shelve_one_shot {BOOL} NOT NULL,"
                 " shelved_until BIGINT,"
                 " shelved_by TEXT,"
                 " shelve_note TEXT,"
                 " suppressed_reason TEXT,"
                 " out_of_service {BOOL} NOT NULL,"
                 " assigned_to TEXT,"
                 " raised_at BIGINT NOT NULL,"
                 " last_raised_at BIGINT NOT NULL,"
                 " cleared_at BIGINT,"
                 " acknowledged_at BIGINT,"
                 " acknowledged_by TEXT,"
                 " acknowledge_note TEXT,"
                 " closed_at BIGINT,"
                 " updated_at BIGINT NOT NULL)",
                 // One open alert per (source, device), whatever the server's memory holds.
                 "CREATE UNIQUE INDEX alerts_open_source ON alerts(source_key, device_id) WHERE closed_at IS NULL",
                 "CREATE INDEX alerts_tenant_raised ON alerts(tenant_id, raised_at, id)",
                 "CREATE INDEX alerts_device ON alerts(device_id, raised_at)",

                 "CREATE TABLE alert_events ("
                 " id {ID_PK},"
                 " alert_id TEXT NOT NULL REFERENCES alerts(id),"
                 " tenant_id TEXT NOT NULL,"
                 " at BIGINT NOT NULL,"
                 " kind TEXT NOT NULL,"
                 " actor TEXT NOT NULL,"
                 " note TEXT)",
                 "CREATE INDEX alert_events_alert ON alert_events(alert_id, id)",
             }),
        // Issue 12: notification channels and policies, and the delivery log. Deliveries are made from alert_events
        // (the outbox: its last id handed on is kept in notification_cursor) and sent by scheduler jobs.
        both(13, "notification channels, policies, deliveries",
             {
                 "CREATE TABLE notification_channels ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " name TEXT NOT NULL,"
                 " kind TEXT NOT NULL,"
                 " config TEXT NOT NULL,"
                 " is_active {BOOL} NOT NULL,"
                 " created_by TEXT,"
                 " created_at BIGINT NOT NULL,"
                 " updated_at BIGINT NOT NULL)",
                 "CREATE UNIQUE INDEX notification_channels_name ON notification_channels(tenant_id, name)",

                 "CREATE TABLE notification_policies ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " name TEXT NOT NULL,"
                 " definition TEXT NOT NULL,"
                 " is_active {BOOL} NOT NULL,"
                 " created_by TEXT,"
                 " created_at BIGINT NOT NULL,"
                 " updated_at BIGINT NOT NULL)",
                 "CREATE UNIQUE INDEX notification_policies_name ON notification_policies(tenant_id, name)",

                 "CREATE TABLE notification_deliveries ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " dedup_key TEXT NOT NULL,"
                 " channel_id TEXT NOT NULL,"
                 " channel_name TEXT NOT NULL,"
                 " channel_kind TEXT NOT NULL,"
                 " policy_id TEXT,"
                 " alert_id TEXT,"
                 " event TEXT NOT NULL,"
                 " recipient TEXT,"
                 " status TEXT NOT NULL,"
                 " attempts INTEGER NOT NULL DEFAULT 0,"
                 " payload TEXT NOT NULL,"
                 " created_at BIGINT NOT NULL,"
                 " next_attempt_at BIGINT,"
                 " last_attempt_at BIGINT,"
                 " delivered_at BIGINT,"
                 " response_code INTEGER,"
                 " response TEXT,"
                 " last_error TEXT,"
                 " updated_at BIGINT NOT NULL)",
                 // Made once: an alert event hands on each (event, channel, recipient) at most once, restarts included.
                 "CREATE UNIQUE INDEX notification_deliveries_dedup ON notification_deliveries(dedup_key)",
                 "CREATE INDEX notification_deliveries_tenant ON notification_deliveries(tenant_id, created_at, id)",
                 "CREATE INDEX notification_deliveries_alert ON notification_deliveries(alert_id)",

                 "CREATE TABLE notification_cursor ("
                 " name TEXT PRIMARY KEY,"
                 " last_id BIGINT NOT NULL)",
             }),
        // Issue 12 (device health, maintenance): per-organisation health thresholds (NULL: the server's default) and
        // maintenance windows. 13 is a colleague's (notifications); migrations are applied by set, not by order.
        both(14, "device health thresholds, maintenance windows",
             {
                 "ALTER TABLE tenants ADD COLUMN health_offline_after_s INTEGER",
                 "ALTER TABLE tenants ADD COLUMN health_command_failures INTEGER",
                 "ALTER TABLE tenants ADD COLUMN health_certificate_warning_days INTEGER",

                 "CREATE TABLE maintenance_windows ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " name TEXT NOT NULL,"
                 " starts_at BIGINT NOT NULL,"
                 " ends_at BIGINT NOT NULL,"
                 " scope TEXT NOT NULL,"
                 " note TEXT,"
                 " state TEXT NOT NULL,"
                 " created_by TEXT,"
                 " created_at BIGINT NOT NULL,"
                 " updated_at BIGINT NOT NULL)",
                 "CREATE INDEX maintenance_windows_tenant ON maintenance_windows(tenant_id, starts_at)",
                 "CREATE INDEX maintenance_windows_state ON maintenance_windows(state)",
                 // KPIs read an organisation's alert history by time.
                 "CREATE INDEX alert_events_tenant_at ON alert_events(tenant_id, at)",
             }),
        // Issue 13: the firmware repository. An entry is made first (awaiting_image), its image streamed in after; the
        // version is unique per (organisation, device type) — by semantic-version precedence, checked in C++ too.
        both(15, "firmware repository",
             {
                 "CREATE TABLE firmware ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " device_type TEXT NOT NULL,"
                 " version TEXT NOT NULL,"
                 " release_notes TEXT NOT NULL,"
                 " state TEXT NOT NULL,"
                 " size BIGINT NOT NULL,"
                 " sha256 TEXT,"
                 " signature TEXT,"
                 " key_id TEXT,"
                 " image_format TEXT,"
                 " created_by TEXT,"
                 " created_at BIGINT NOT NULL,"
                 " updated_at BIGINT NOT NULL,"
                 " uploaded_at BIGINT)",
                 "CREATE UNIQUE INDEX firmware_version ON firmware(tenant_id, device_type, version)",
             }),
        // Issue 13: phased rollouts and their devices (the engine's state: read back at start, so a restart resumes).
        both(16, "firmware rollouts",
             {
                 "CREATE TABLE rollouts ("
                 " id TEXT PRIMARY KEY,"
                 " tenant_id TEXT NOT NULL REFERENCES tenants(id),"
                 " name TEXT NOT NULL,"
                 " firmware_id TEXT NOT NULL,"
                 " device_type TEXT NOT NULL,"
                 " version TEXT NOT NULL,"
                 " definition TEXT NOT NULL,"
                 " state TEXT NOT NULL,"
                 " current_phase INTEGER NOT NULL,"
                 " phase_started_at BIGINT NOT NULL,"
                 " accepted_failures INTEGER NOT NULL,"
                 " pause_reason TEXT,"
                 " created_by TEXT,"
                 " created_at BIGINT NOT NULL,"
                 " updated_at BIGINT NOT NULL,"
                 " started_at BIGINT NOT NULL,"
                 " finished_at BIGINT NOT NULL)",
                 "CREATE INDEX rollouts_tenant ON rollouts(tenant_id, created_at)",
                 "CREATE INDEX rollouts_state ON rollouts(state)",
                 "CREATE TABLE rollout_devices ("
                 " rollout_id TEXT NOT NULL REFERENCES rollouts(id),"
                 " device_id TEXT NOT NULL,"
                 " tenant_id TEXT NOT NULL,"
                 " phase INTEGER NOT NULL,"
                 " state TEXT NOT NULL,"
                 " from_version TEXT NOT NULL,"
                 " attempt INTEGER NOT NULL,"
                 " rollback INTEGER NOT NULL,"
                 " error TEXT,"
                 " reason TEXT,"
                 " percent INTEGER,"
                 " notified_at BIGINT NOT NULL,"
                 " running_since BIGINT NOT NULL,"
                 " updated_at BIGINT NOT NULL,"
                 " finished_at BIGINT NOT NULL,"
                 " PRIMARY KEY (rollout_id, device_id))",
                 "CREATE INDEX rollout_devices_device ON rollout_devices(device_id)",
             }),
    };
    return all;
}

} // namespace Fleetdeck::Storage
