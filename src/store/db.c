/*
 * The SQL layer: backend dispatch, transactions, result rows, the meta table and a
 * migration runner for the schemas its callers own (the audit log, the case registry).
 * Each schema's version lives in its own meta row; the hash-set store's PRAGMA
 * user_version is left alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/db_int.h"

static char *fill_tokens(const char *sql, int pg)
{
    const char *pk = pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
    size_t n = strlen(sql) * 2 + 64, o = 0;
    char *out = malloc(n);
    if (!out)
        return NULL;
    while (*sql) {
        if (!strncmp(sql, "@PK@", 4)) {
            o += (size_t)snprintf(out + o, n - o, "%s", pk);
            sql += 4;
        } else {
            out[o++] = *sql++;
        }
    }
    out[o] = '\0';
    return out;
}

/* PostgreSQL's CREATE ... IF NOT EXISTS is not safe against a concurrent CREATE: the first
 * opens of a fresh database take this transaction lock ("VIGL") around their DDL. */
#define PG_SCHEMA_LOCK "SELECT pg_advisory_xact_lock(1447642956)"

static int schema_version(vg_db *db, int64_t *ver, const vg_schema *s, vigil_error *err)
{
    const char *p[1] = {s->version_key};
    return vg_db_int(db, ver, "SELECT value FROM meta WHERE key = ?", p, 1, err);
}

int vg_db_schema_version(vg_db *db, const vg_schema *s, int64_t *ver, vigil_error *err)
{
    return schema_version(db, ver, s, err);
}

int vg_db_backup_before_upgrade(vg_db *db, const char *tag, vigil_error *err)
{
    size_t n = strlen(db->where) + strlen(tag) + 32;
    char *path;
    int rc = VIGIL_EEXISTS;
    if (db->pg)
        return 0;
    if (!(path = malloc(n)))
        return vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
    for (int i = 1; i < 1000 && rc == VIGIL_EEXISTS; i++) {
        vigil_error e = {0};
        if (i == 1)
            snprintf(path, n, "%s.%s.bak", db->where, tag);
        else
            snprintf(path, n, "%s.%s-%d.bak", db->where, tag, i);
        rc = vg_db_backup(db, path, NULL, &e);
        if (rc < 0 && rc != VIGIL_EEXISTS)
            rc = vigil_error_set(err, rc, "%s: not upgraded, as the copy to keep first failed: %s", db->where, e.msg);
    }
    if (rc == 0)
        vg_log(VIGIL_LOG_WARN, "%s: upgrading its schema; the database as it was is kept in %s", db->where, path);
    else if (rc == VIGIL_EEXISTS)
        rc = vigil_error_set(err, rc, "%s: not upgraded: too many earlier copies beside it", db->where);
    free(path);
    return rc;
}

int vg_db_migrate(vg_db *db, const vg_schema *s, vigil_error *err)
{
    int64_t ver = 0;
    char vs[32];
    const char *p[2] = {s->version_key, vs};
    int rc = schema_version(db, &ver, s, err);
    if (rc < 0)
        return rc;
    if (ver > s->version)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s schema version %lld is newer than this vigil (%d)",
                               db->where, s->name, (long long)ver, s->version);
    if (ver == s->version)
        return 0;
    if ((rc = vg_db_begin(db, err)) < 0)
        return rc;
    /* re-read inside the transaction, under the write lock (SQLite: BEGIN IMMEDIATE;
     * PostgreSQL: the schema lock), as another process may have migrated meanwhile */
    rc = db->pg ? vg_db_script(db, PG_SCHEMA_LOCK, err) : 0;
    if (rc == 0)
        rc = schema_version(db, &ver, s, err);
    for (int64_t v = ver; rc == 0 && v < s->version; v++) {
        char *sql = fill_tokens(s->migrations[v], db->pg);
        rc = sql ? vg_db_script(db, sql, err) : vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
        free(sql);
    }
    if (rc == 0 && ver < s->version && (db->pg ? s->after_pg : s->after_sqlite))
        rc = vg_db_script(db, db->pg ? s->after_pg : s->after_sqlite, err);
    snprintf(vs, sizeof vs, "%d", s->version);
    if (rc == 0)
        rc = vg_db_exec(db, "DELETE FROM meta WHERE key = ?", p, 1, NULL, err);
    if (rc == 0)
        rc = vg_db_exec(db, "INSERT INTO meta(key, value) VALUES(?, ?)", p, 2, NULL, err);
    if (rc == 0)
        return vg_db_commit(db, err);
    vg_db_rollback(db);
    return rc;
}

int vg_db_drop(vg_db *db, const vg_schema *s, vigil_error *err)
{
    const char *p[1] = {s->version_key};
    int rc = vg_db_script(db, db->pg ? s->drop_pg : s->drop_sqlite, err);
    return rc < 0 ? rc : vg_db_exec(db, "DELETE FROM meta WHERE key = ?", p, 1, NULL, err);
}

static int db_open(vg_db **out, const char *url, int create, vigil_error *err);

int vg_db_open(vg_db **out, const char *url, vigil_error *err)
{
    return db_open(out, url, 1, err);
}

int vg_db_open_existing(vg_db **out, const char *url, vigil_error *err)
{
    return db_open(out, url, 0, err);
}

static int db_open(vg_db **out, const char *url, int create, vigil_error *err)
{
    vg_db *db = NULL;
    int rc;
    *out = NULL;
    if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
        rc = vg_pg_open(&db, url, err);
    else
        rc = create ? vg_sqlite_open(&db, url, err) : vg_sqlite_open_existing(&db, url, err);
    if (rc < 0)
        return rc;
    if (db->pg) {
        /* a user's role may not create tables: look before creating */
        int64_t have = 0;
        rc = vg_db_int(db, &have, "SELECT count(*) FROM pg_class WHERE oid = to_regclass('meta')", NULL, 0, err);
        if (rc == 0 && !have)
            rc = vg_db_script(db, "BEGIN; " PG_SCHEMA_LOCK "; "
                             "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT); COMMIT", err);
    } else {
        rc = vg_db_script(db, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value)", err);
    }
    if (rc < 0) {
        vg_db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

void vg_db_close(vg_db *db)
{
    if (!db)
        return;
    if (db->in_tx)
        vg_db_rollback(db);
    db->ops->close(db);
    free(db->where);
    free(db);
}

int vg_db_is_pg(const vg_db *db) { return db->pg; }
const char *vg_db_where(const vg_db *db) { return db->where; }

int vg_db_begin(vg_db *db, vigil_error *err)
{
    int rc = db->ops->script(db, db->pg ? "BEGIN" : "BEGIN IMMEDIATE", err);
    if (rc == 0)
        db->in_tx = 1;
    return rc;
}

int vg_db_begin_read(vg_db *db, vigil_error *err)
{
    int rc = db->ops->script(db, db->pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN", err);
    if (rc == 0)
        db->in_tx = 1;
    return rc;
}

int vg_db_commit(vg_db *db, vigil_error *err)
{
    int rc = db->ops->script(db, "COMMIT", err);
    if (rc < 0)
        vg_db_rollback(db);
    db->in_tx = 0;
    return rc;
}

void vg_db_rollback(vg_db *db)
{
    db->ops->script(db, "ROLLBACK", NULL);
    db->in_tx = 0;
}

int vg_db_exec(vg_db *db, const char *sql, const char *const *p, int n, int64_t *changes,
               vigil_error *err)
{
    return db->ops->exec(db, sql, p, n, changes, err);
}

int vg_db_insert(vg_db *db, int64_t *id, const char *sql, const char *const *p, int n, vigil_error *err)
{
    return db->ops->insert(db, id, sql, p, n, err);
}

int vg_db_query(vg_db *db, vg_rows *out, const char *sql, const char *const *p, int n, vigil_error *err)
{
    memset(out, 0, sizeof *out);
    return db->ops->query(db, out, sql, p, n, err);
}

int vg_db_each(vg_db *db, const char *sql, const char *const *p, int n, vg_row_fn fn, void *ud,
               vigil_error *err)
{
    return db->ops->each(db, sql, p, n, fn, ud, err);
}

int64_t vg_val_i64(const vg_val *v)
{
    int64_t r = 0;
    const char *s = v->s;
    int neg;
    if (v->null)
        return 0;
    if (!s)
        return v->i;
    neg = *s == '-';
    for (s += neg; *s >= '0' && *s <= '9'; s++)
        r = r * 10 + (*s - '0');
    return neg ? -r : r;
}

int vg_db_script(vg_db *db, const char *sql, vigil_error *err)
{
    return db->ops->script(db, sql, err);
}

int vg_db_int(vg_db *db, int64_t *out, const char *sql, const char *const *p, int n, vigil_error *err)
{
    vg_rows r;
    int rc = vg_db_query(db, &r, sql, p, n, err);
    *out = 0;
    if (rc < 0)
        return rc;
    if (r.nrows > 0 && r.ncols > 0)
        *out = vg_cell_i64(&r, 0, 0);
    vg_rows_free(&r);
    return 0;
}

void vg_rows_free(vg_rows *r)
{
    if (!r || !r->cell)
        return;
    if (r->arena)
        free(r->arena);
    else
        for (size_t i = 0; i < r->nrows * r->ncols; i++)
            free(r->cell[i]);
    r->arena = NULL;
    free(r->cell);
    free(r->len);
    r->cell = NULL;
    r->len = NULL;
    r->nrows = 0;
}

int64_t vg_cell_i64(const vg_rows *r, size_t row, size_t col)
{
    const char *s = vg_cell(r, row, col);
    return s ? strtoll(s, NULL, 10) : 0;
}

int vg_rows_push(vg_rows *r, size_t *cap, char *cell, size_t len)
{
    /* cap[0]: cells allocated, cap[1]: cells used; the caller counts rows in r->nrows */
    if (cap[1] == cap[0]) {
        size_t ncap = cap[0] ? cap[0] * 2 : 64;
        char **p = realloc(r->cell, ncap * sizeof *p);
        size_t *l;
        if (!p) {
            free(cell);
            return -1;
        }
        r->cell = p;
        if (!(l = realloc(r->len, ncap * sizeof *l))) {
            free(cell);
            return -1;
        }
        r->len = l;
        cap[0] = ncap;
    }
    r->len[cap[1]] = cell ? len : 0;
    r->cell[cap[1]++] = cell;
    return 0;
}

void vg_db_bulk(vg_db *db)
{
    /* temp_store: each multi-row INSERT keeps a statement journal (the pages it changes, to undo
     * that statement alone); kept in a temporary file, it was 1.3 GB of writes for one attach of
     * 50,000 items to a registry of 10,000,000, where memory holds a few MB at a time */
    if (!db->pg)
        vg_db_script(db, "PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY", NULL);
}

typedef struct idfill {
    int64_t *ids;
    size_t n, got;
} idfill;

static int take_id(const vg_val *cells, size_t nc, void *ud)
{
    idfill *f = ud;
    (void)nc;
    if (f->got < f->n && !cells[0].null)
        f->ids[f->got++] = vg_val_i64(&cells[0]);
    return 0;
}

int vg_db_reserve_ids(vg_db *db, const char *table, size_t n, int64_t **ids_out, vigil_error *err)
{
    char sql[160], cnt[24];
    const char *p[1] = {cnt};
    idfill f = {calloc(n ? n : 1, sizeof(int64_t)), n, 0};
    int rc;
    *ids_out = NULL;
    if (!f.ids)
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", db->where);
    if (db->pg) {
        /* the sequence hands out ids that no concurrent insert will take */
        snprintf(sql, sizeof sql, "SELECT nextval(pg_get_serial_sequence('%s', 'id')) FROM generate_series(1, ?)",
                 table);
        snprintf(cnt, sizeof cnt, "%zu", n);
        rc = n ? vg_db_each(db, sql, p, 1, take_id, &f, err) : 0;
    } else {
        /* SQLite: the caller's write transaction holds the lock, so max(id) + 1... are free */
        int64_t max = 0;
        snprintf(sql, sizeof sql, "SELECT coalesce(max(id), 0) FROM %s", table);
        rc = vg_db_int(db, &max, sql, NULL, 0, err);
        for (size_t i = 0; rc == 0 && i < n; i++)
            f.ids[f.got++] = max + 1 + (int64_t)i;
    }
    if (rc == 0 && f.got != n)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: could not reserve %zu ids", db->where, n);
    if (rc < 0) {
        free(f.ids);
        return rc;
    }
    *ids_out = f.ids;
    return 0;
}
