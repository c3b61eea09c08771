/*
 * Online copies and consistency checks of a SQLite store. The copy is one read
 * snapshot taken with SQLite's backup API in a single step: in WAL mode other
 * connections keep writing meanwhile, and the copy holds every transaction that
 * committed before the snapshot and none after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db_int.h"

static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* The folder holding path, synced so that a rename into it survives a crash. */
static void sync_dir_of(const char *path)
{
    char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
    if (!dir)
        return;
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    sync_path(slash ? dir : ".");
    free(dir);
}

static int copy_snapshot(sqlite3 *src, const char *tmp, const char *dest, vigil_error *err)
{
    sqlite3 *to = NULL;
    sqlite3_backup *b;
    int rc = sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot create the copy: %s", dest,
                             to ? sqlite3_errmsg(to) : "out of memory");
        sqlite3_close(to);
        return rc;
    }
    sqlite3_busy_timeout(to, 10000);
    if (!(b = sqlite3_backup_init(to, "main", src, "main"))) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot start the copy: %s", dest, sqlite3_errmsg(to));
        sqlite3_close(to);
        return rc;
    }
    /* all pages in one step: one read snapshot of the source, which writers do not wait for */
    do
        rc = sqlite3_backup_step(b, -1);
    while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: the copy failed: %s", dest, sqlite3_errstr(rc));
        sqlite3_close(to);
        return rc;
    }
    /* the copy keeps WAL mode; closing the last connection folds its WAL back into the file */
    if (sqlite3_close(to) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: cannot close the copy", dest);
    return 0;
}

int vg_db_backup(vg_db *db, const char *dest, uint64_t *bytes_out, vigil_error *err)
{
    sqlite3 *src = vg_sqlite_handle(db);
    struct stat st;
    size_t n = strlen(dest) + 32;
    char *tmp;
    int rc;
    if (!src)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: a PostgreSQL registry is copied with pg_dump", vg_db_where(db));
    if (lstat(dest, &st) == 0)
        return vigil_error_set(err, VIGIL_EEXISTS, "%s: already exists; a backup never overwrites a file", dest);
    if (!(tmp = malloc(n)))
        return vigil_error_set(err, VIGIL_ENOMEM, "backup: out of memory");
    snprintf(tmp, n, "%s.tmp-%ld", dest, (long)getpid());
    unlink(tmp);
    rc = copy_snapshot(src, tmp, dest, err);
    if (rc == 0 && sync_path(tmp) != 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot sync the copy: %s", dest, strerror(errno));
    if (rc == 0 && link(tmp, dest) != 0) /* link, not rename: a file made meanwhile is never replaced */
        rc = vigil_error_set(err, errno == EEXIST ? VIGIL_EEXISTS : VIGIL_ESTORE, "%s: %s", dest,
                             errno == EEXIST ? "already exists; a backup never overwrites a file" : strerror(errno));
    if (rc == 0 && bytes_out)
        *bytes_out = stat(dest, &st) == 0 ? (uint64_t)st.st_size : 0;
    unlink(tmp);
    if (rc == 0)
        sync_dir_of(dest);
    free(tmp);
    return rc;
}

typedef struct integrity_ctx {
    vg_db_problem_fn fn;
    void *ud;
    uint64_t problems;
    const char *where;
} integrity_ctx;

static int on_integrity(const vg_val *v, size_t n, void *ud)
{
    integrity_ctx *c = ud;
    char line[600];
    if (n < 1 || !v[0].s || !strcmp(v[0].s, "ok"))
        return 0;
    snprintf(line, sizeof line, "%s: pages damaged: %s; restore the last backup (vigil db backup) or salvage"
             " with sqlite3's .recover", c->where, v[0].s);
    c->problems++;
    c->fn(c->ud, line);
    return 0;
}

static int on_foreign_key(const vg_val *v, size_t n, void *ud)
{
    integrity_ctx *c = ud;
    char line[400];
    if (n < 4)
        return 0;
    snprintf(line, sizeof line, "%s: table %s row %lld names a missing row of %s; restore the last backup",
             c->where, v[0].s ? v[0].s : "?", (long long)vg_val_i64(&v[1]), v[2].s ? v[2].s : "?");
    c->problems++;
    c->fn(c->ud, line);
    return 0;
}

int vg_db_integrity(vg_db *db, vg_db_problem_fn fn, void *ud, uint64_t *problems, vigil_error *err)
{
    integrity_ctx c = {fn, ud, 0, vg_db_where(db)};
    int rc = 0;
    if (!db->pg) {
        rc = vg_db_each(db, "PRAGMA integrity_check(100)", NULL, 0, on_integrity, &c, err);
        if (rc == 0)
            rc = vg_db_each(db, "PRAGMA foreign_key_check", NULL, 0, on_foreign_key, &c, err);
    }
    *problems = c.problems;
    return rc;
}
