/*
 * SQLite backend of the registry's SQL layer. Shares the file with the hash-set
 * store: application_id "VIGL" marks it as ours, user_version belongs to the hash-set
 * schema and is never touched here. WAL, foreign keys on, prepared statements cached.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "store/db_int.h"

#define VIGIL_APP_ID 0x5649474c /* "VIGL" */
#define CACHE_SLOTS 64

typedef struct slot {
    char *text;         /* the SQL the statement was prepared from */
    sqlite3_stmt *stmt;
} slot;

typedef struct lite {
    sqlite3 *h;
    int borrowed;       /* the connection belongs to someone else (vg_sqlite_wrap) */
    slot cache[CACHE_SLOTS];
} lite;

static sqlite3 *H(vg_db *db) { return ((lite *)db->impl)->h; }

/* A hint for the errors a person can act on. */
static const char *hint(vg_db *db)
{
    int c = sqlite3_errcode(H(db));
    if (c == SQLITE_FULL || c == SQLITE_IOERR)
        return " (is the disk full or failing? nothing was changed)";
    if (c == SQLITE_READONLY)
        return " (the database file or its folder is read-only; nothing was changed)";
    return "";
}

static int fail(vg_db *db, vigil_error *err)
{
    int ec = sqlite3_extended_errcode(H(db));
    int code = sqlite3_errcode(H(db));
    vigil_code vc = VIGIL_ESTORE;
    if (code == SQLITE_CONSTRAINT && ec != SQLITE_CONSTRAINT_TRIGGER)
        vc = VIGIL_EEXISTS;
    if (code == SQLITE_NOTADB)
        vc = VIGIL_EINPUT;
    return vigil_error_set(err, vc, "%s: %s%s", db->where, sqlite3_errmsg(H(db)), hint(db));
}

static int prepare(vg_db *db, sqlite3_stmt **out, const char *sql, const char *const *p, int n,
                   vigil_error *err)
{
    lite *l = db->impl;
    uint32_t h = 2166136261u;
    slot *s;
    for (const char *c = sql; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    s = &l->cache[h % CACHE_SLOTS];
    if (!s->stmt || strcmp(s->text, sql)) {
        sqlite3_finalize(s->stmt);
        free(s->text);
        s->stmt = NULL;
        if (!(s->text = strdup(sql)))
            return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", db->where);
        if (sqlite3_prepare_v2(l->h, sql, -1, &s->stmt, NULL) != SQLITE_OK)
            return fail(db, err);
    }
    sqlite3_reset(s->stmt);
    sqlite3_clear_bindings(s->stmt);
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(s->stmt, i + 1, p[i], -1, SQLITE_STATIC);
    *out = s->stmt;
    return 0;
}

static int l_exec(vg_db *db, const char *sql, const char *const *p, int n, int64_t *changes,
                  vigil_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(db, &st, sql, p, n, err);
    if (rc < 0)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE) {
        rc = fail(db, err);
        sqlite3_reset(st);
        return rc;
    }
    sqlite3_reset(st);
    if (changes)
        *changes = sqlite3_changes(H(db));
    return 0;
}

static int l_insert(vg_db *db, int64_t *id, const char *sql, const char *const *p, int n,
                    vigil_error *err)
{
    int rc = l_exec(db, sql, p, n, NULL, err);
    if (rc == 0)
        *id = sqlite3_last_insert_rowid(H(db));
    return rc;
}

/* The cells' text goes into one growing arena (a malloc and a free per cell cost more than
 * the query itself for a page of a list); cells hold offsets into it until the rows are done. */
static int arena_add(char **arena, size_t *used, size_t *cap, const unsigned char *t, size_t len, size_t *off)
{
    if (*used + len + 1 > *cap) {
        size_t ncap = *cap ? *cap * 2 : 4096;
        char *a;
        while (ncap < *used + len + 1)
            ncap *= 2;
        if (!(a = realloc(*arena, ncap)))
            return -1;
        *arena = a;
        *cap = ncap;
    }
    memcpy(*arena + *used, t, len);
    (*arena)[*used + len] = '\0';
    *off = *used;
    *used += len + 1;
    return 0;
}

static int l_query(vg_db *db, vg_rows *out, const char *sql, const char *const *p, int n,
                   vigil_error *err)
{
    sqlite3_stmt *st;
    size_t cap[2] = {0, 0}, used = 0, acap = 0, off;
    char *arena = NULL;
    int rc = prepare(db, &st, sql, p, n, err);
    if (rc < 0)
        return rc;
    out->ncols = (size_t)sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t c = 0; c < out->ncols; c++) {
            const unsigned char *t = sqlite3_column_text(st, (int)c);
            size_t len = t ? (size_t)sqlite3_column_bytes(st, (int)c) : 0;
            /* offset + 1 stands in for the pointer until the arena stops moving; NULL stays NULL */
            if ((t && arena_add(&arena, &used, &acap, t, len, &off) < 0) ||
                vg_rows_push(out, cap, t ? (char *)(uintptr_t)(off + 1) : NULL, len) < 0) {
                out->nrows = 0;
                sqlite3_reset(st);
                free(arena);
                vg_rows_free(out);
                return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", db->where);
            }
        }
        out->nrows++;
    }
    if (rc != SQLITE_DONE) {
        rc = fail(db, err);
        sqlite3_reset(st);
        out->nrows = 0;
        free(arena);
        vg_rows_free(out);
        return rc;
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < cap[1]; i++)
        if (out->cell[i])
            out->cell[i] = arena + ((uintptr_t)out->cell[i] - 1);
    out->arena = arena;   /* NULL when every cell is NULL: then freeing each frees nothing */
    return 0;
}

static int l_each(vg_db *db, const char *sql, const char *const *p, int n, vg_row_fn fn, void *ud,
                  vigil_error *err)
{
    sqlite3_stmt *st;
    vg_val cells[16];
    size_t nc;
    int rc = prepare(db, &st, sql, p, n, err), step;
    if (rc < 0)
        return rc;
    nc = (size_t)sqlite3_column_count(st);
    if (nc > 16)
        nc = 16;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t c = 0; c < nc; c++) {
            int t = sqlite3_column_type(st, (int)c);
            cells[c].null = t == SQLITE_NULL;
            cells[c].i = t == SQLITE_INTEGER ? sqlite3_column_int64(st, (int)c) : 0;
            cells[c].s = t == SQLITE_INTEGER || t == SQLITE_NULL ? NULL
                                                                 : (const char *)sqlite3_column_text(st, (int)c);
        }
        if ((rc = fn(cells, nc, ud)) < 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = fail(db, err);
    sqlite3_reset(st);
    return rc;
}

static int l_script(vg_db *db, const char *sql, vigil_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(H(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = vigil_error_set(err, sqlite3_errcode(H(db)) == SQLITE_NOTADB ? VIGIL_EINPUT : VIGIL_ESTORE,
                                 "%s: %s%s", db->where, msg ? msg : sqlite3_errmsg(H(db)), hint(db));
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

static void l_close(vg_db *db)
{
    lite *l = db->impl;
    if (!l)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        sqlite3_finalize(l->cache[i].stmt);
        free(l->cache[i].text);
    }
    if (!l->borrowed)
        sqlite3_close(l->h);
    free(l);
}

static const vg_db_ops lite_ops = {l_exec, l_insert, l_query, l_script, l_each, l_close};

sqlite3 *vg_sqlite_handle(vg_db *db)
{
    return db->pg ? NULL : H(db);
}

static int read_identity(vg_db *db, int64_t *app, int64_t *tables, vigil_error *err)
{
    int rc = vg_db_int(db, app, "PRAGMA application_id", NULL, 0, err);
    return rc < 0 ? rc : vg_db_int(db, tables, "SELECT count(*) FROM sqlite_master", NULL, 0, err);
}

/* A file whose application_id is neither 0 (new) nor ours, or that holds foreign tables
 * without our id, is not a vigil database; an empty one is marked as ours. A file not yet
 * marked is read again under the write lock, as another process may be creating it now. */
static int check_identity(vg_db *db, vigil_error *err)
{
    int64_t app = 0, tables = 0;
    int locked = 0;
    int rc = read_identity(db, &app, &tables, err);
    if (rc == 0 && app == 0 && !sqlite3_db_readonly(H(db), "main")) {
        rc = l_script(db, "BEGIN IMMEDIATE", err);
        locked = rc == 0;
        if (rc == 0)
            rc = read_identity(db, &app, &tables, err);
    }
    if (rc < 0 && sqlite3_errcode(H(db)) != SQLITE_NOTADB)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s%s", db->where, sqlite3_errmsg(H(db)), hint(db));
    else if (rc < 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: not a vigil database", db->where);
    else if (app != VIGIL_APP_ID && (app != 0 || tables != 0))
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: not a vigil database", db->where);
    else if (app == 0)
        rc = l_script(db, "PRAGMA application_id = 1447642956", err);
    if (locked && rc == 0)
        rc = l_script(db, "COMMIT", err);
    else if (locked)
        l_script(db, "ROLLBACK", NULL);
    return rc;
}

/* How long a connection waits for another's lock (the busy timeout), in milliseconds. */
#define BUSY_MS 10000

/*
 * Put a database into WAL mode. On a file not yet in WAL, the switch rewrites its header: while
 * another connection writes (another process opening the same new file), SQLite answers
 * SQLITE_BUSY at once, without waiting in the busy handler, as its lock upgrade could deadlock.
 * Concurrent first opens therefore retry it, within the busy timeout; once the file is in WAL
 * the pragma writes nothing.
 */
int vg_sqlite_use_wal(struct sqlite3 *h)
{
    for (int waited = 0;; waited += 5) {
        int rc = sqlite3_exec(h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        if ((rc & 0xff) != SQLITE_BUSY || waited >= BUSY_MS)
            return rc;
        sqlite3_sleep(5);
    }
}

static int use_wal(vg_db *db, vigil_error *err)
{
    if (vg_sqlite_use_wal(H(db)) == SQLITE_OK)
        return 0;
    return vigil_error_set(err, sqlite3_errcode(H(db)) == SQLITE_NOTADB ? VIGIL_EINPUT : VIGIL_ESTORE, "%s: %s%s",
                           db->where, sqlite3_errmsg(H(db)), hint(db));
}

static int sqlite_open(vg_db **out, const char *path, int create, vigil_error *err);

int vg_sqlite_open(vg_db **out, const char *path, vigil_error *err)
{
    return sqlite_open(out, path, 1, err);
}

int vg_sqlite_open_existing(vg_db **out, const char *path, vigil_error *err)
{
    return sqlite_open(out, path, 0, err);
}

static int sqlite_open(vg_db **out, const char *path, int create, vigil_error *err)
{
    vg_db *db = calloc(1, sizeof *db);
    lite *l = calloc(1, sizeof *l);
    int rc;
    *out = NULL;
    if (!db || !l || !(db->where = strdup(path))) {
        free(db);
        free(l);
        return vigil_error_set(err, VIGIL_ENOMEM, "store: out of memory");
    }
    db->ops = &lite_ops;
    db->impl = l;
    if (sqlite3_open_v2(path, &l->h, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        if (!create && access(path, F_OK) != 0 && errno == ENOENT)
            rc = vigil_error_set(err, VIGIL_ENOTFOUND, "%s: no such database (is --db or $VIGIL_DB mistyped?)", path);
        else
            rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot open database: %s", path,
                                 l->h ? sqlite3_errmsg(l->h) : "out of memory");
        vg_db_close(db);
        return rc;
    }
    sqlite3_busy_timeout(l->h, BUSY_MS);
    rc = check_identity(db, err);
    if (rc == 0 && !sqlite3_db_readonly(l->h, "main"))
        rc = use_wal(db, err);
    if (rc == 0)
        rc = l_script(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL", err);
    if (rc < 0) {
        vg_db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

int vg_sqlite_wrap(vg_db **out, sqlite3 *conn, const char *path, vigil_error *err)
{
    vg_db *db = calloc(1, sizeof *db);
    lite *l = calloc(1, sizeof *l);
    *out = NULL;
    if (!db || !l || !(db->where = strdup(path))) {
        free(db);
        free(l);
        return vigil_error_set(err, VIGIL_ENOMEM, "store: out of memory");
    }
    l->h = conn;
    l->borrowed = 1;
    db->ops = &lite_ops;
    db->impl = l;
    *out = db;
    return 0;
}
