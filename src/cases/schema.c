/*
 * The case registry's tables and their migrations, one per version, run by the store's
 * migration runner; the version lives in meta('cases_schema_version'). The audit log the
 * registry writes to has its own schema (src/audit/schema.c), migrated after it; on PostgreSQL
 * the access policy (src/cases/access.c) is applied after both.
 */
#include <stdio.h>

#include "cases/links.h"

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
    /* 3: the registering unit's own reference for a case (what an import matches on), and the
     * case's history: every registration, referral, answer and status change, with who and when.
     * Existing cases get their history from what the tables still hold (who: unknown). */
    "ALTER TABLE cases ADD COLUMN ref TEXT;"
    "CREATE UNIQUE INDEX cases_ref ON cases(reg_unit, ref);"
    "CREATE TABLE case_events(id @PK@, case_id BIGINT NOT NULL REFERENCES cases(id), at TEXT NOT NULL,"
    "  who TEXT, event TEXT NOT NULL, detail TEXT);"
    "CREATE INDEX case_events_case ON case_events(case_id, at);"
    "INSERT INTO case_events(case_id, at, event, detail) SELECT c.id, c.registered_at, 'registered',"
    "  'by ' || u.code FROM cases c JOIN units u ON u.id = c.reg_unit;"
    "INSERT INTO case_events(case_id, at, event, detail) SELECT r.case_id, r.sent_at, 'referred',"
    "  f.code || ' -> ' || t.code FROM referrals r JOIN units f ON f.id = r.from_unit"
    "  JOIN units t ON t.id = r.to_unit;"
    "INSERT INTO case_events(case_id, at, event, detail) SELECT r.case_id, r.answered_at, r.state,"
    "  'by ' || t.code || COALESCE(': ' || r.reason, '') FROM referrals r JOIN units t ON t.id = r.to_unit"
    "  WHERE r.answered_at IS NOT NULL;"
    "INSERT INTO case_events(case_id, at, event, detail) SELECT id, updated_at, 'status', status"
    "  || COALESCE(' outcome=' || outcome, '') FROM cases WHERE status IN ('investigating', 'prosecutor', 'closed');",
    /* 4: the web service's credentials: API keys (vigil/apikey.h), the key's SHA-256, never the
     * key; people's passwords (vigil/login.h), Argon2id */
    "CREATE TABLE user_passwords(name TEXT PRIMARY KEY REFERENCES users(name), hash TEXT NOT NULL,"
    "  set_at TEXT NOT NULL);"
    "CREATE TABLE api_keys(id @PK@, name TEXT UNIQUE NOT NULL, org TEXT NOT NULL, scope TEXT NOT NULL,"
    "  key_hash TEXT UNIQUE NOT NULL, prefix TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT,"
    "  revoked_at TEXT, revoked_by TEXT, requests BIGINT NOT NULL, hashes BIGINT NOT NULL);",
    /* 5: the items of a case (docs/links.md): one row per distinct file (its key: the SHA-1, else
     * SHA-256 or MD5, else where it was seen), with every place it was seen; and the links between
     * cases that share items, kept as items arrive; whether a series' victim is identified */
    "CREATE TABLE case_items(case_id BIGINT NOT NULL REFERENCES cases(id), key TEXT NOT NULL,"
    "  md5 TEXT, sha1 TEXT, sha256 TEXT, pdq TEXT, pdq_quality BIGINT, size BIGINT NOT NULL,"
    "  verdict TEXT NOT NULL, hashset TEXT, category TEXT, series TEXT, mime TEXT, added_at TEXT NOT NULL,"
    "  PRIMARY KEY(case_id, key));"
    "CREATE INDEX case_items_key ON case_items(key);"
    /* place: hex SHA-1 of container, NUL, path (a path may be longer than an index entry may) */
    "CREATE TABLE case_item_places(case_id BIGINT NOT NULL REFERENCES cases(id), key TEXT NOT NULL,"
    "  place TEXT NOT NULL, container TEXT NOT NULL, path TEXT NOT NULL, allocated BIGINT NOT NULL,"
    "  carved BIGINT NOT NULL, PRIMARY KEY(case_id, key, place));"
    "CREATE TABLE case_links(a BIGINT NOT NULL REFERENCES cases(id), b BIGINT NOT NULL REFERENCES cases(id),"
    "  exact BIGINT NOT NULL, illegal BIGINT NOT NULL, interest BIGINT NOT NULL, unknown BIGINT NOT NULL,"
    "  near BIGINT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY(a, b));"
    "CREATE INDEX case_links_b ON case_links(b);"
    "CREATE INDEX case_items_series ON case_items(series) WHERE series IS NOT NULL;"
    "CREATE TABLE series(name TEXT PRIMARY KEY, identified BIGINT NOT NULL, updated_by TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);",
    /* 6: near links by PDQ (docs/links.md): the hashes of the seven other orientations of an item,
     * and the pictures that may link by PDQ, one row each under a number of its own (what a
     * near-link search on PostgreSQL names another case's picture by, not its case or digest).
     * Existing pictures get their rows now; their near links appear when their case next changes. */
    "ALTER TABLE case_items ADD COLUMN pdq_dihedral TEXT;"
    "CREATE TABLE case_pdq(id @PK@, case_id BIGINT NOT NULL REFERENCES cases(id), key TEXT NOT NULL,"
    "  hashes TEXT NOT NULL);"
    "CREATE INDEX case_pdq_case ON case_pdq(case_id);"
    /* the pictures of a case without reading its other items */
    "CREATE INDEX case_items_pictures ON case_items(case_id) WHERE pdq IS NOT NULL;"
    "INSERT INTO case_pdq(case_id, key, hashes) SELECT case_id, key, pdq FROM case_items"
    "  WHERE " VG_PDQ_LINKABLE ";",
    /* 7: an investigator's decision on an item of a case (vigil case categorize): its category
     * and series, who decided and when; the case's own hash sets are made from these rows */
    "CREATE TABLE case_categories(case_id BIGINT NOT NULL REFERENCES cases(id), key TEXT NOT NULL,"
    "  category TEXT NOT NULL, series TEXT, decided_by TEXT NOT NULL, decided_at TEXT NOT NULL,"
    "  PRIMARY KEY(case_id, key));"
    /* whether the list an item matched says the victim of its series is identified (VICS
     * VictimIdentified): 1, else NULL */
    "ALTER TABLE case_items ADD COLUMN victim_identified BIGINT;",
    /* 8: the index that finds the other cases holding a file keeps the key's first 8 characters,
     * not all 40 to 64 (links.h joins on them and then on the whole key): a third of the pages,
     * so a case's new files, random keys each, change a third as many (docs/links.md) */
    "DROP INDEX case_items_key;"
    "CREATE INDEX case_items_key ON case_items(" VG_ITEM_KEY_PREFIX(key) ");",
};

const vg_schema vg_cases_schema = {
    .name = "case",
    .version_key = "cases_schema_version",
    .version = 8,
    .migrations = migrations,
    .drop_sqlite = "DROP TABLE IF EXISTS case_categories; DROP TABLE IF EXISTS case_pdq; DROP TABLE IF EXISTS series; DROP TABLE IF EXISTS case_links; DROP TABLE IF EXISTS case_item_places;"
                   "DROP TABLE IF EXISTS case_items; DROP TABLE IF EXISTS user_passwords; DROP TABLE IF EXISTS api_keys;"
                   "DROP TABLE IF EXISTS case_events; DROP TABLE IF EXISTS referrals; DROP TABLE IF EXISTS signals;"
                   "DROP TABLE IF EXISTS suspects; DROP TABLE IF EXISTS cases; DROP TABLE IF EXISTS users;"
                   "DROP TABLE IF EXISTS units",
    .drop_pg = "DROP TABLE IF EXISTS case_categories, case_pdq, series, case_links, case_item_places, case_items, user_passwords, api_keys,"
               " case_events, referrals, signals, suspects, cases, users, units CASCADE",
};

/* An existing registry of an older schema is copied once before either schema is migrated. */
static int keep_before_upgrade(vg_db *db, vigil_error *err)
{
    int64_t cv = 0, av = 0;
    char tag[64];
    int rc = vg_db_schema_version(db, &vg_cases_schema, &cv, err);
    if (rc == 0)
        rc = vg_db_schema_version(db, &vg_audit_schema, &av, err);
    if (rc < 0 || cv > vg_cases_schema.version || av > vg_audit_schema.version)
        return rc; /* a newer database is refused by the migration, untouched */
    if (!((cv > 0 && cv < vg_cases_schema.version) || (av > 0 && av < vg_audit_schema.version)))
        return 0;
    snprintf(tag, sizeof tag, "case-v%lld-audit-v%lld", (long long)cv, (long long)av);
    return vg_db_backup_before_upgrade(db, tag, err);
}

int vg_cases_migrate(vg_db *db, vigil_error *err)
{
    /* cases first: a database of a newer case schema is refused before anything is written */
    int rc = vg_access_check(db, err);
    if (rc == 0)
        rc = keep_before_upgrade(db, err);
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
