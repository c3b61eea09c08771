/*
 * The hash-set store in SQLite: sets with their provenance, entries with their
 * digests as bytes. A file that is not a vigil database, or one of a newer
 * schema, is refused before anything is written to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashset/store_int.h"

#define VIGIL_APP_ID 0x5649474c /* "VIGL" */
#define SCHEMA_VERSION 2

static const char *schema_v1 =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value);"
    "INSERT OR IGNORE INTO meta(key, value) VALUES('hash_generation', 0);"
    "CREATE TABLE IF NOT EXISTS hashset("
    "  id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, kind INTEGER NOT NULL,"
    "  category TEXT, series TEXT, format TEXT NOT NULL, sources TEXT NOT NULL,"
    "  imported_at TEXT NOT NULL, imported_by TEXT, entries INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS hash_entry("
    "  id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL REFERENCES hashset(id) ON DELETE CASCADE,"
    "  dkey BLOB NOT NULL, md5 BLOB, sha1 BLOB, sha256 BLOB, size INTEGER,"
    "  category TEXT, series TEXT, name BLOB, source_line INTEGER,"
    "  UNIQUE(set_id, dkey));";

/* Version 2: PDQ perceptual hashes in hash sets. */
static const char *schema_v2 =
    "ALTER TABLE hash_entry ADD COLUMN pdq BLOB;"
    "ALTER TABLE hash_entry ADD COLUMN pdq_quality INTEGER;"
    "CREATE INDEX IF NOT EXISTS hash_entry_pdq ON hash_entry(set_id) WHERE pdq IS NOT NULL;";

int vg_store_exec(vigil_store *st, const char *sql, const char *what, vigil_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s: %s", st->path, what, msg ? msg : "failed");
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

static int pragma_int(vigil_store *st, const char *sql, int *out)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Check that the file is ours (or empty) and bring its schema up to date. */
static int check_and_migrate(vigil_store *st, vigil_error *err)
{
    int app = 0, ver = 0, tables = 0;
    char sql[128];
    if (pragma_int(st, "PRAGMA application_id", &app) != SQLITE_OK ||
        pragma_int(st, "PRAGMA user_version", &ver) != SQLITE_OK ||
        pragma_int(st, "SELECT count(*) FROM sqlite_master", &tables) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: not a vigil database: %s", st->path,
                               sqlite3_errmsg(st->db));
    if (app != VIGIL_APP_ID && (app != 0 || tables != 0))
        return vigil_error_set(err, VIGIL_EINPUT, "%s: not a vigil database", st->path);
    if (ver > SCHEMA_VERSION)
        return vigil_error_set(err, VIGIL_EINPUT,
                               "%s: database schema version %d is newer than this vigil (%d)",
                               st->path, ver, SCHEMA_VERSION);
    if (ver == SCHEMA_VERSION)
        return 0;
    if (st->readonly)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: database needs a schema upgrade", st->path);
    if (vg_store_exec(st, "BEGIN IMMEDIATE", "begin", err) < 0)
        return err ? err->code : VIGIL_ESTORE;
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d;", VIGIL_APP_ID,
             SCHEMA_VERSION);
    if ((ver < 1 && vg_store_exec(st, schema_v1, "create schema", err) < 0) ||
        (ver < 2 && vg_store_exec(st, schema_v2, "upgrade schema to version 2", err) < 0) ||
        vg_store_exec(st, sql, "set schema version", err) < 0) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return err ? err->code : VIGIL_ESTORE;
    }
    return vg_store_exec(st, "COMMIT", "commit schema", err);
}

static int store_open(vigil_store **out, const char *path, int readonly, vigil_error *err)
{
    vigil_store *st = calloc(1, sizeof *st);
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc;
    *out = NULL;
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return vigil_error_set(err, VIGIL_ENOMEM, "store: out of memory");
    }
    st->readonly = readonly;
    if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = vigil_error_set(err, readonly ? VIGIL_ENOTFOUND : VIGIL_ESTORE, "%s: cannot open database: %s",
                             path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
        vigil_store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, 10000);
    if (!readonly && vg_store_exec(st, "PRAGMA journal_mode=WAL", "set WAL mode", err) < 0) {
        /* a file that is not SQLite at all fails here */
        if (err)
            err->code = VIGIL_EINPUT;
        vigil_store_close(st);
        return VIGIL_EINPUT;
    }
    vg_store_exec(st, "PRAGMA foreign_keys=ON", "foreign keys", NULL);
    rc = check_and_migrate(st, err);
    if (rc < 0) {
        vigil_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

int vigil_store_open(vigil_store **out, const char *path, vigil_error *err)
{
    return store_open(out, path, 0, err);
}

int vigil_store_open_readonly(vigil_store **out, const char *path, vigil_error *err)
{
    return store_open(out, path, 1, err);
}

void vigil_store_close(vigil_store *st)
{
    if (!st)
        return;
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

const char *vigil_store_path(const vigil_store *st)
{
    return st->path;
}

char *vg_store_index_path(const vigil_store *st)
{
    size_t n = strlen(st->path) + 5;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s.idx", st->path);
    return p;
}

int vg_store_generation(int64_t *out, vigil_store *st, vigil_error *err)
{
    sqlite3_stmt *s;
    int rc;
    *out = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key='hash_generation'", -1, &s, NULL))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
         : vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
}

int vg_store_bump_generation(vigil_store *st, vigil_error *err)
{
    return vg_store_exec(st, "UPDATE meta SET value = value + 1 WHERE key='hash_generation'",
                         "bump generation", err);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

int vigil_hashset_list(vigil_hashset_info **out, size_t *n, vigil_store *st, vigil_error *err)
{
    sqlite3_stmt *s;
    vigil_hashset_info *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT id, name, kind, category, series, format, sources, imported_at,"
                           " imported_by, entries FROM hashset ORDER BY id", -1, &s, NULL))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        vigil_hashset_info *h;
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            vigil_hashset_info *p = realloc(v, ncap * sizeof *p);
            if (!p)
                break;
            v = p;
            cap = ncap;
        }
        h = &v[cnt++];
        h->id = sqlite3_column_int64(s, 0);
        h->name = col_dup(s, 1);
        h->kind = (vigil_hashset_kind)sqlite3_column_int(s, 2);
        h->category = col_dup(s, 3);
        h->series = col_dup(s, 4);
        h->format = col_dup(s, 5);
        h->sources = col_dup(s, 6);
        h->imported_at = col_dup(s, 7);
        h->imported_by = col_dup(s, 8);
        h->entries = (uint64_t)sqlite3_column_int64(s, 9);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        vigil_hashset_info_free(v, cnt);
        return vigil_error_set(err, rc == SQLITE_ROW ? VIGIL_ENOMEM : VIGIL_ESTORE, "%s: listing sets: %s",
                               st->path, rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(st->db));
    }
    *out = v;
    *n = cnt;
    return 0;
}

void vigil_hashset_info_free(vigil_hashset_info *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].category);
        free(v[i].series);
        free(v[i].format);
        free(v[i].sources);
        free(v[i].imported_at);
        free(v[i].imported_by);
    }
    free(v);
}
