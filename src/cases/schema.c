/*
 * The case registry's tables and their migrations, one per version, run by the store's
 * migration runner; the version lives in meta('cases_schema_version'). The audit log the
 * registry writes to has its own schema (src/audit/schema.c), migrated after it; on PostgreSQL
 * the access policy (src/cases/access.c) is applied after both.
 */
#include "cases/reg.h"

/* @PK@ is filled per backend. */
static const char *const migrations[] = {
    "CREATE TABLE units(id @PK@, code TEXT UNIQUE NOT NULL, name TEXT NOT NULL,"
    "  type TEXT NOT NULL, country TEXT, created_at TEXT NOT NULL);"
    "CREATE TABLE users(name TEXT PRIMARY KEY, unit_id BIGINT REFERENCES units(id),"
    "  role TEXT NOT NULL);"
    "CREATE TABLE cases(id @PK@, type TEXT NOT NULL, title TEXT,"
    "  reg_unit BIGINT NOT NULL REFERENCES units(id), owner_unit BIGINT NOT NULL REFERENCES units(id),"
    "  status TEXT NOT NULL, outcome TEXT, registered_at TEXT NOT NULL, reg_day BIGINT NOT NULL,"
    "  self_registered BIGINT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX cases_owner ON cases(owner_unit);"
    "CREATE INDEX cases_reg ON cases(self_registered, reg_day, reg_unit);"
    "CREATE TABLE suspects(case_id BIGINT NOT NULL REFERENCES cases(id), suspect TEXT NOT NULL,"
    "  PRIMARY KEY(case_id, suspect));"
    "CREATE INDEX suspects_id ON suspects(suspect);"
    "CREATE TABLE signals(case_id BIGINT NOT NULL REFERENCES cases(id), name TEXT NOT NULL,"
    "  value BIGINT NOT NULL, PRIMARY KEY(case_id, name));"
    "CREATE TABLE referrals(id @PK@, case_id BIGINT NOT NULL REFERENCES cases(id),"
    "  from_unit BIGINT NOT NULL REFERENCES units(id), to_unit BIGINT NOT NULL REFERENCES units(id),"
    "  to_foreign BIGINT NOT NULL, case_type TEXT NOT NULL,"
    "  sent_at TEXT NOT NULL, sent_day BIGINT NOT NULL, due_day BIGINT NOT NULL,"
    "  state TEXT NOT NULL, answered_at TEXT, answered_day BIGINT, reason TEXT, note TEXT);"
    "CREATE INDEX referrals_case ON referrals(case_id);"
    "CREATE INDEX referrals_to ON referrals(to_unit, state);"
    "CREATE INDEX referrals_sent ON referrals(sent_day);",
    /* 2: users act as the login mapped to them (PostgreSQL: as the role of their name) */
    "ALTER TABLE users ADD COLUMN os_user TEXT;"
    "CREATE UNIQUE INDEX users_os_user ON users(os_user);",
};

const vg_schema vg_cases_schema = {
    .name = "case",
    .version_key = "cases_schema_version",
    .version = 2,
    .migrations = migrations,
    .drop_sqlite = "DROP TABLE IF EXISTS referrals; DROP TABLE IF EXISTS signals;"
                   "DROP TABLE IF EXISTS suspects; DROP TABLE IF EXISTS cases; DROP TABLE IF EXISTS users;"
                   "DROP TABLE IF EXISTS units",
    .drop_pg = "DROP TABLE IF EXISTS referrals, signals, suspects, cases, users, units CASCADE",
};

int vg_cases_migrate(vg_db *db, vigil_error *err)
{
    /* cases first: a database of a newer case schema is refused before anything is written */
    int rc = vg_access_check(db, err);
    if (rc == 0)
        rc = vg_db_migrate(db, &vg_cases_schema, err);
    if (rc == 0)
        rc = vg_db_migrate(db, &vg_audit_schema, err);
    return rc < 0 ? rc : vg_access_apply(db, err);
}

int vg_cases_wipe(vg_db *db, vigil_error *err)
{
    int rc = vg_access_drop_roles(db, err);
    if (rc == 0)
        rc = vg_db_drop(db, &vg_cases_schema, err);
    if (rc == 0)
        rc = vg_db_drop(db, &vg_audit_schema, err);
    return rc < 0 ? rc : vg_cases_migrate(db, err);
}
