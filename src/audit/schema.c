/*
 * The audit log's table, kept apart from the schemas of the stores that write to it. Its
 * first version is written so that it also runs on databases where the case schema had
 * already created the table (before the log had a schema of its own).
 */
#include "audit/audit.h"

static const char *const migrations[] = {
    "CREATE TABLE IF NOT EXISTS audit(seq BIGINT PRIMARY KEY, at TEXT NOT NULL, event_at TEXT,"
    "  who TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL, detail TEXT,"
    "  prev TEXT NOT NULL, digest TEXT NOT NULL);"
    "INSERT INTO meta(key, value) SELECT 'audit_head', '0:'"
    "  WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'audit_head');",
    /* 2: each event carries the digest of its object's rows after it (state), and events from
     * here on are hashed with their stored byte lengths; the signed checkpoints of the head */
    "ALTER TABLE audit ADD COLUMN state TEXT;"
    "INSERT INTO meta(key, value) SELECT 'audit_v2_from', CAST(COALESCE(MAX(seq), 0) + 1 AS TEXT) FROM audit;"
    "CREATE TABLE audit_checkpoints(seq BIGINT NOT NULL, head TEXT NOT NULL, at TEXT NOT NULL,"
    "  db_id TEXT NOT NULL, sig TEXT NOT NULL);",
};

/* SQLite: the audit log refuses UPDATE and DELETE. */
static const char sqlite_guard[] =
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";
/* PostgreSQL: the same through a trigger function that raises (and TRUNCATE too). */
static const char pg_guard[] =
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$BEGIN RAISE EXCEPTION 'the audit log is append-only'; END$$;"
    "DROP TRIGGER IF EXISTS audit_no_update ON audit;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
    "DROP TRIGGER IF EXISTS audit_no_delete ON audit;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
    "DROP TRIGGER IF EXISTS audit_no_truncate ON audit;"
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();"
    /* what a checkpoint needs from a log its signer may not read (row-level security shows the
     * log to admins only, src/cases/access.c): one event's digest, the last signed seq */
    "CREATE OR REPLACE FUNCTION vigil_audit_digest(bigint) RETURNS text LANGUAGE sql STABLE"
    "  SECURITY DEFINER AS $$SELECT digest FROM audit WHERE seq = $1$$;"
    "CREATE OR REPLACE FUNCTION vigil_audit_last_checkpoint() RETURNS bigint LANGUAGE sql STABLE"
    "  SECURITY DEFINER AS $$SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoints$$;";

const vg_schema vg_audit_schema = {
    .name = "audit",
    .version_key = "audit_schema_version",
    .version = 2,
    .migrations = migrations,
    .after_sqlite = sqlite_guard,
    .after_pg = pg_guard,
    .drop_sqlite = "DROP TABLE IF EXISTS audit; DROP TABLE IF EXISTS audit_checkpoints;"
                   "DELETE FROM meta WHERE key IN ('audit_head', 'audit_v2_from', 'audit_db_id')",
    .drop_pg = "DROP TABLE IF EXISTS audit, audit_checkpoints CASCADE;"
               "DELETE FROM meta WHERE key IN ('audit_head', 'audit_v2_from', 'audit_db_id')",
};
