/*
 * The hash-set store: SQLite keeps the sets, their versions with provenance
 * and the disputes; the entries live in one segment file per set version in
 * "<db>.sets/". A file that is not a vigil database, or one of a newer schema,
 * is refused before anything is written to it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "hashset/store_int.h"
#include "segment/known_videos.h"
#include "segment/segment.h"
#include "store/db.h"

#define VIGIL_APP_ID 0x5649474c /* "VIGL" */
#define SCHEMA_VERSION 3

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

/*
 * Version 3: entries move to segment files; SQLite keeps one row per version
 * of a set (its provenance and counts) and the disputes. The rows of
 * hash_entry are converted into segments by vigil_store_upgrade (upgrade.c),
 * then the table is dropped; until then opening the store is refused.
 */
static const char *schema_v3 =
    "CREATE TABLE IF NOT EXISTS hashset_version("
    "  id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL REFERENCES hashset(id) ON DELETE CASCADE,"
    "  version INTEGER NOT NULL, release TEXT, kind INTEGER NOT NULL, format TEXT NOT NULL,"
    "  sources TEXT NOT NULL, segment TEXT, entries INTEGER NOT NULL DEFAULT 0,"
    "  records INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,"
    "  merged INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,"
    "  rejected INTEGER NOT NULL DEFAULT 0, retracted INTEGER NOT NULL DEFAULT 0,"
    "  conflicts INTEGER NOT NULL DEFAULT 0, lenient INTEGER NOT NULL DEFAULT 0,"
    "  imported_at TEXT NOT NULL, imported_by TEXT, UNIQUE(set_id, version));"
    "ALTER TABLE hashset ADD COLUMN current_version INTEGER;"
    "CREATE TABLE IF NOT EXISTS hash_dispute("
    "  id INTEGER PRIMARY KEY, digest BLOB NOT NULL, set_name TEXT, reason TEXT NOT NULL,"
    "  disputed_by TEXT, disputed_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,"
    "  lifted_by TEXT, lifted_at TEXT);";

/* What a failed statement meant to the user; `what` names the step for the source's reader only
 * (a message saying "set WAL mode" or "commit schema" tells a user nothing). */
static const char *exec_failure(const char *sql)
{
    if (!strncmp(sql, "PRAGMA journal_mode", 19))
        return "cannot open the hash-set store for writing";
    if (!strncmp(sql, "BEGIN", 5))
        return "cannot start a change to the hash-set store";
    if (!strncmp(sql, "COMMIT", 6))
        return "cannot save the change to the hash-set store";
    return "cannot update the hash-set store";
}

int vg_store_exec(vigil_store *st, const char *sql, const char *what, vigil_error *err)
{
    char *msg = NULL;
    (void)what;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s: %s", st->path, exec_failure(sql),
                                 msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

/* WAL mode, waiting out other first openers (store/db.h) */
static int set_wal(vigil_store *st, vigil_error *err)
{
    if (vg_sqlite_use_wal(st->db) == SQLITE_OK)
        return 0;
    return vg_store_exec(st, "PRAGMA journal_mode=WAL", "set WAL mode", err);
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

int vg_store_has_entry_rows(vigil_store *st)
{
    sqlite3_stmt *s;
    int found = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='hash_entry'", -1, &s,
                           NULL) == SQLITE_OK) {
        found = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
    }
    return found;
}

/*
 * Check that the file is ours (or empty) and bring its schema up to date.
 * Entry rows of an older vigil are refused before anything is written unless
 * the caller is the upgrade: converting them runs the import pipeline, which
 * opening a store must not do behind the caller's back.
 */
static int read_identity(vigil_store *st, int *app, int *ver, int *tables)
{
    if (pragma_int(st, "PRAGMA application_id", app) != SQLITE_OK ||
        pragma_int(st, "PRAGMA user_version", ver) != SQLITE_OK ||
        pragma_int(st, "SELECT count(*) FROM sqlite_master", tables) != SQLITE_OK)
        return -1;
    return 0;
}

static int fail_migrate(vigil_store *st, int rc)
{
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int check_and_migrate(vigil_store *st, int upgrading, vigil_error *err)
{
    int app = 0, ver = 0, tables = 0, rc;
    char sql[128];
    if (read_identity(st, &app, &ver, &tables) < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: not a vigil database: %s", st->path,
                               sqlite3_errmsg(st->db));
    /* A schema to create or bring up to date: read again under the write lock, as another
     * process may be doing the same first open at this moment (it marks the file and
     * creates the tables in one transaction). */
    if (ver < SCHEMA_VERSION && (app == 0 || app == VIGIL_APP_ID) && !st->readonly) {
        if ((rc = vg_store_exec(st, "BEGIN IMMEDIATE", "begin", err)) < 0)
            return rc;
        if (read_identity(st, &app, &ver, &tables) < 0)
            return fail_migrate(st, vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path,
                                                    sqlite3_errmsg(st->db)));
    }
    if (app != VIGIL_APP_ID && (app != 0 || tables != 0))
        return fail_migrate(st, vigil_error_set(err, VIGIL_EINPUT, "%s: not a vigil database", st->path));
    if (ver > SCHEMA_VERSION)
        return fail_migrate(st, vigil_error_set(err, VIGIL_EINPUT,
                                                "%s: database schema version %d is newer than this vigil (%d)",
                                                st->path, ver, SCHEMA_VERSION));
    if (!upgrading && vg_store_has_entry_rows(st))
        return fail_migrate(st, vigil_error_set(err, VIGIL_ESTATE,
                                                "%s: the hash-set store was written by an older vigil and needs "
                                                "converting: run 'vigil hashset upgrade'", st->path));
    if (ver == SCHEMA_VERSION)
        return sqlite3_get_autocommit(st->db) ? 0 : vg_store_exec(st, "COMMIT", "commit", err);
    if (st->readonly)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: database needs a schema upgrade", st->path);
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d;", VIGIL_APP_ID,
             SCHEMA_VERSION);
    rc = 0;
    if (ver < 1)
        rc = vg_store_exec(st, schema_v1, "create schema", err);
    if (rc == 0 && ver < 2)
        rc = vg_store_exec(st, schema_v2, "upgrade schema to version 2", err);
    if (rc == 0 && ver < 3)
        rc = vg_store_exec(st, schema_v3, "upgrade schema to version 3", err);
    /* a new store keeps its entries in segments from the start: its entry table goes at once */
    if (rc == 0 && ver < 1)
        rc = vg_store_exec(st, "DROP TABLE hash_entry", "create schema", err);
    if (rc == 0)
        rc = vg_store_exec(st, sql, "set schema version", err);
    if (rc < 0)
        return fail_migrate(st, rc);
    return vg_store_exec(st, "COMMIT", "commit schema", err);
}

/* readonly: 1 read-only, 0 read-write and created when missing, -1 read-write of an existing file */
static int store_open(vigil_store **out, const char *path, int readonly, int upgrading, vigil_error *err)
{
    vigil_store *st = calloc(1, sizeof *st);
    int flags = readonly > 0 ? SQLITE_OPEN_READONLY : readonly < 0 ? SQLITE_OPEN_READWRITE
              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc;
    *out = NULL;
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return vigil_error_set(err, VIGIL_ENOMEM, "store: out of memory");
    }
    st->readonly = readonly > 0;
    readonly = st->readonly; /* from here on: may it write? */
    st->lock_fd = -1;
    if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        if (!(flags & SQLITE_OPEN_CREATE) && access(path, F_OK) != 0 && errno == ENOENT)
            rc = vigil_error_set(err, VIGIL_ENOTFOUND, "%s: no such database (is --sets, --db or its "
                                 "variable mistyped?)", path);
        else
            rc = vigil_error_set(err, readonly ? VIGIL_ENOTFOUND : VIGIL_ESTORE, "%s: cannot open database: %s",
                                 path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
        vigil_store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, 10000);
    if (!readonly && set_wal(st, err) < 0) {
        /* a file that is not SQLite at all fails here */
        if (err)
            err->code = VIGIL_EINPUT;
        vigil_store_close(st);
        return VIGIL_EINPUT;
    }
    vg_store_exec(st, "PRAGMA foreign_keys=ON", "foreign keys", NULL);
    rc = check_and_migrate(st, upgrading, err);
    if (rc < 0) {
        vigil_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

int vigil_store_open(vigil_store **out, const char *path, vigil_error *err)
{
    return store_open(out, path, 0, 0, err);
}

int vigil_store_open_existing(vigil_store **out, const char *path, vigil_error *err)
{
    return store_open(out, path, -1, 0, err);
}

int vigil_store_open_readonly(vigil_store **out, const char *path, vigil_error *err)
{
    return store_open(out, path, 1, 0, err);
}

int vg_store_open_for_upgrade(vigil_store **out, const char *path, vigil_error *err)
{
    return store_open(out, path, 0, 1, err);
}

void vigil_store_close(vigil_store *st)
{
    if (!st)
        return;
    vg_store_audit_settle(st, 0, NULL);
    vg_db_close(st->audit_here); /* its statements go before the connection they were prepared on */
    free(st->audit_who);
    vg_store_unlock(st);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

const char *vigil_store_path(const vigil_store *st)
{
    return st->path;
}

int vg_store_set_audit(vigil_store *st, vg_db *db, const vg_clock *clock, const char *who, vigil_error *err)
{
    struct stat log_file, our_file;
    char *w = strdup(who ? who : "");
    if (!w)
        return vigil_error_set(err, VIGIL_ENOMEM, "store: out of memory");
    vg_db_close(st->audit_here);
    st->audit_here = NULL;
    free(st->audit_who);
    st->audit_who = w;
    st->audit_db = db;
    st->audit_clock = clock ? *clock : vg_system_clock;
    /* the log in our own file: a second connection would wait for the write lock we hold,
       so the event is written through ours, in the change's own transaction */
    if (!vg_db_is_pg(db) && stat(vg_db_where(db), &log_file) == 0 && stat(st->path, &our_file) == 0 &&
        log_file.st_dev == our_file.st_dev && log_file.st_ino == our_file.st_ino)
        return vg_sqlite_wrap(&st->audit_here, st->db, st->path, err);
    return 0;
}

const char *vg_store_actor(const vigil_store *st, const char *who)
{
    return st->audit_db && st->audit_who ? st->audit_who : who;
}

void vg_store_set_policy(vigil_store *st, unsigned ops)
{
    st->denied = ~ops;
}

int vg_store_audit(vigil_store *st, const char *action, const char *object, const char *detail,
                   vigil_error *err)
{
    /* the events' actions in vigil_hashset_op order */
    static const char *const actions[] = {"hashset.import", "hashset.replace", "hashset.remove", "hashset.dispute",
                                          "hashset.undispute"};
    int rc;
    for (unsigned i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (!strcmp(action, actions[i]) && (st->denied & (1u << i)))
            return vigil_error_set(err, VIGIL_EDENIED, "hashset %s: not allowed for user '%s'", action + 8,
                                   st->audit_who ? st->audit_who : "");
    if (!st->audit_db)
        return 0;
    if (st->audit_here)
        return vg_audit_append(st->audit_here, &st->audit_clock, st->audit_who, action, object, detail, 0, err);
    /* another database: the event waits in its own transaction (on PostgreSQL holding the
       chain's head) until the change commits, so that a change that fails leaves no event */
    if ((rc = vg_db_begin(st->audit_db, err)) < 0)
        return rc;
    rc = vg_audit_append(st->audit_db, &st->audit_clock, st->audit_who, action, object, detail, 0, err);
    if (rc < 0) {
        vg_db_rollback(st->audit_db);
        return rc;
    }
    st->audit_held = 1;
    return 0;
}

int vg_store_audit_settle(vigil_store *st, int committed, vigil_error *err)
{
    vigil_error cerr;
    if (!st->audit_held)
        return 0;
    st->audit_held = 0;
    if (!committed) {
        vg_db_rollback(st->audit_db);
        return 0;
    }
    if (vg_db_commit(st->audit_db, &cerr) < 0)
        return vigil_error_set(err, cerr.code, "the hash sets were changed but the audit event was not recorded: %s",
                               cerr.msg);
    return 0;
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s", a, b);
    return p;
}

char *vg_store_sets_dir(const vigil_store *st)
{
    return path_join(st->path, ".sets");
}

char *vg_store_segment_path(const vigil_store *st, const char *name)
{
    size_t n = strlen(st->path) + strlen(name) + 8;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s.sets/%s", st->path, name);
    return p;
}

/* Remove a folder of flat files (a temporary folder an interrupted import left). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char *p;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        if ((p = malloc(n)) != NULL) {
            snprintf(p, n, "%s/%s", dir, e->d_name);
            unlink(p);
            free(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* 1 if a current version of some set names this segment file. */
static int segment_in_use(vigil_store *st, const char *name)
{
    sqlite3_stmt *s;
    int used = 1; /* when unsure, keep it */
    if (sqlite3_prepare_v2(st->db,
                           "SELECT 1 FROM hashset h JOIN hashset_version v ON v.id = h.current_version"
                           " WHERE v.segment = ?", -1, &s, NULL) != SQLITE_OK)
        return 1;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        used = 0;
    sqlite3_finalize(s);
    return used;
}

/* 1 if the side file `name` (len bytes, "<segment>.pdqx" or "<segment>.vpdq") belongs to a segment in use. */
static int pdqx_in_use(vigil_store *st, const char *name, size_t len)
{
    char *seg = strndup(name, len - 5);
    int used = seg ? segment_in_use(st, seg) : 1;
    free(seg);
    return used;
}

/* What interrupted writers left: "tmp-*" folders, segments no current version uses and their PDQ indexes. */
static void clear_leftovers(vigil_store *st, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char *p = NULL;
        if (!strncmp(e->d_name, "tmp-", 4)) {
            if ((p = path_join(dir, "/")) != NULL) {
                char *q = path_join(p, e->d_name);
                if (q)
                    remove_tree(q);
                free(q);
            }
        } else if (len > 4 && !strcmp(e->d_name + len - 4, ".seg") && !segment_in_use(st, e->d_name)) {
            if ((p = vg_store_segment_path(st, e->d_name)) != NULL)
                unlink(p);
        } else if (strstr(e->d_name, ".seg.vpdq-tmp-") ||
                   (len > 9 && !strcmp(e->d_name + len - 9, ".seg.vpdq") && !pdqx_in_use(st, e->d_name, len))) {
            /* known videos a writer left half written, or whose segment is gone */
            if ((p = vg_store_segment_path(st, e->d_name)) != NULL)
                unlink(p);
        } else if (strstr(e->d_name, ".seg.pdqx-tmp-") ||
                   (len > 9 && !strcmp(e->d_name + len - 9, ".seg.pdqx") && !pdqx_in_use(st, e->d_name, len))) {
            /* a PDQ index a writer left half made, or one whose segment is gone */
            if ((p = vg_store_segment_path(st, e->d_name)) != NULL)
                unlink(p);
        }
        free(p);
    }
    closedir(d);
}

int vg_store_lock(vigil_store *st, vigil_error *err)
{
    char *dir = vg_store_sets_dir(st), *lock = dir ? path_join(dir, "/lock") : NULL;
    int rc = 0;
    if (st->lock_fd >= 0) {
        free(dir);
        free(lock);
        return 0;
    }
    if (!lock)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "store: out of memory");
    else if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot create the segment folder: %s", dir, strerror(errno));
    else if ((st->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", lock, strerror(errno));
    else if (flock(st->lock_fd, LOCK_EX) != 0) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot lock: %s", lock, strerror(errno));
        close(st->lock_fd);
        st->lock_fd = -1;
    }
    if (rc == 0)
        clear_leftovers(st, dir);
    free(dir);
    free(lock);
    return rc;
}

void vg_store_unlock(vigil_store *st)
{
    if (st && st->lock_fd >= 0) {
        close(st->lock_fd); /* releases the flock */
        st->lock_fd = -1;
    }
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

#define INFO_COLUMNS                                                                                             \
    "SELECT h.id, h.name, v.kind, h.category, h.series, v.format, v.sources, v.imported_at, v.imported_by,"     \
    " CASE WHEN v.id = h.current_version THEN v.entries ELSE 0 END, v.version, v.release, v.segment,"           \
    " v.records, v.added, v.merged, v.skipped, v.rejected, v.retracted, v.conflicts"                            \
    " FROM hashset h JOIN hashset_version v ON "

static void info_from_row(vigil_hashset_info *h, sqlite3_stmt *s)
{
    uint64_t *counts[] = {&h->records, &h->added, &h->merged, &h->skipped, &h->rejected, &h->retracted,
                          &h->conflicts};
    memset(h, 0, sizeof *h);
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
    h->version = sqlite3_column_int64(s, 10);
    h->release = col_dup(s, 11);
    h->segment = col_dup(s, 12);
    for (int i = 0; i < 7; i++)
        *counts[i] = (uint64_t)sqlite3_column_int64(s, 13 + i);
}

static int list_query(vigil_hashset_info **out, size_t *n, vigil_store *st, const char *sql, vigil_error *err)
{
    sqlite3_stmt *s;
    vigil_hashset_info *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            vigil_hashset_info *p = realloc(v, ncap * sizeof *p);
            if (!p)
                break;
            v = p;
            cap = ncap;
        }
        info_from_row(&v[cnt++], s);
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

/* What only the segment knows: its PDQ entries, or that it is not there. Opening reads the
 * header alone; a damaged segment is left to the index, which names it. */
static void segment_facts(vigil_hashset_info *h, vigil_store *st)
{
    char *path;
    vg_segment seg;
    struct stat sb;
    if (!h->segment || !(path = vg_store_segment_path(st, h->segment)))
        return;
    if (stat(path, &sb) != 0 && errno == ENOENT)
        h->segment_missing = 1;
    else if (vg_seg_open(&seg, path, NULL) == 0) {
        h->pdq_entries = seg.npdq;
        vg_seg_close(&seg);
    }
    if (!h->segment_missing && vg_kv_count(&h->videos, &h->video_frames, path, NULL) < 0)
        h->videos = h->video_frames = 0; /* none, or refused: export and scans name the file */
    free(path);
}

int vigil_hashset_list(vigil_hashset_info **out, size_t *n, vigil_store *st, vigil_error *err)
{
    int rc = list_query(out, n, st, INFO_COLUMNS "v.id = h.current_version ORDER BY h.id", err);
    for (size_t i = 0; rc == 0 && i < *n; i++)
        segment_facts(&(*out)[i], st);
    return rc;
}

int vigil_hashset_check_segments(const vigil_hashset_info *sets, size_t n, const char *db_path,
                                 vigil_error *err)
{
    size_t missing = 0;
    struct stat sb;
    char *dir;
    int rc;
    for (size_t i = 0; i < n; i++)
        missing += sets[i].segment_missing != 0;
    if (!missing)
        return 0;
    if (!(dir = path_join(db_path, ".sets")))
        return vigil_error_set(err, VIGIL_ENOMEM, "store: out of memory");
    rc = vigil_error_set(err, VIGIL_ESTORE,
                         "%s: the sets folder is %s (%zu of %zu sets have no segment file there): copy the "
                         "folder beside the database, or run 'vigil hashset reindex' when the sources are "
                         "still there", dir, stat(dir, &sb) != 0 ? "missing" : "incomplete", missing, n);
    free(dir);
    return rc;
}

int vigil_hashset_versions(vigil_hashset_info **out, size_t *n, vigil_store *st, vigil_error *err)
{
    return list_query(out, n, st, INFO_COLUMNS "v.set_id = h.id ORDER BY h.id, v.version", err);
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
        free(v[i].release);
        free(v[i].segment);
    }
    free(v);
}

int vg_store_snapshot(vg_store_set **out, size_t *n, vigil_store *st, vigil_error *err)
{
    static const char *sql =
        "SELECT h.id, v.id, v.version, h.name, h.category, h.series, v.segment, v.sources, v.format, v.kind,"
        " v.lenient FROM hashset h JOIN hashset_version v ON v.id = h.current_version"
        " WHERE v.segment IS NOT NULL ORDER BY v.kind, h.id";
    sqlite3_stmt *s;
    vg_store_set *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        vg_store_set *e;
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            vg_store_set *p = realloc(v, ncap * sizeof *p);
            if (!p)
                break;
            v = p;
            cap = ncap;
        }
        e = &v[cnt++];
        e->id = sqlite3_column_int64(s, 0);
        e->version_id = sqlite3_column_int64(s, 1);
        e->version = sqlite3_column_int64(s, 2);
        e->name = col_dup(s, 3);
        e->category = col_dup(s, 4);
        e->series = col_dup(s, 5);
        e->segment = col_dup(s, 6);
        e->sources = col_dup(s, 7);
        e->format = col_dup(s, 8);
        e->kind = (vigil_hashset_kind)sqlite3_column_int(s, 9);
        e->lenient = sqlite3_column_int(s, 10);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        vg_store_snapshot_free(v, cnt);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: reading sets: %s", st->path,
                               rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(st->db));
    }
    *out = v;
    *n = cnt;
    return 0;
}

void vg_store_snapshot_free(vg_store_set *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].category);
        free(v[i].series);
        free(v[i].segment);
        free(v[i].sources);
        free(v[i].format);
    }
    free(v);
}
