/*
 * The segments of an online copy of the database (vigil db backup): the copy's
 * catalog names the current segment of each set; each is cloned (a reflink where
 * the file system has them) or copied beside it. Never a hard link: a backup must
 * not share the blocks whose damage it is there to survive.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hashset/store_int.h"
#include "pdqindex/pdq_file.h"
#include "segment/known_videos.h"

/* 1 when the file at path holds a hash-set catalog, 0 when not, < 0 on failure. */
static int has_catalog(const char *path, vigil_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hashset_version'",
                                -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s) == SQLITE_ROW ? 1 : 0;
    else
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc;
}

static int copy_file(const char *from, const char *to, vigil_error *err)
{
    char buf[1 << 16];
    ssize_t got = 0;
    int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = 0;
    if (in < 0)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", from, strerror(errno));
    if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
        close(in);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", to, strerror(errno));
    }
    if (ioctl(out, FICLONE, in) == 0) { /* a copy-on-write clone: instant, and its own blocks once changed */
        close(in);
        rc = fsync(out) == 0 ? 0 : vigil_error_set(err, VIGIL_ESTORE, "%s: %s", to, strerror(errno));
        close(out);
        return rc;
    }
    while (rc == 0 && (got = read(in, buf, sizeof buf)) > 0)
        for (ssize_t off = 0; rc == 0 && off < got;) {
            ssize_t w = write(out, buf + off, (size_t)(got - off));
            if (w < 0 && errno != EINTR)
                rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", to, strerror(errno));
            off += w > 0 ? w : 0;
        }
    if (rc == 0 && got < 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", from, strerror(errno));
    if (rc == 0 && fsync(out) != 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", to, strerror(errno));
    close(in);
    close(out);
    if (rc < 0)
        unlink(to);
    return rc;
}

/* Copy one file; a missing optional file (a PDQ index) is no error. */
static int carry(const char *from, const char *to, int optional, size_t *files, vigil_error *err)
{
    if (optional && access(from, F_OK) != 0 && errno == ENOENT)
        return 0;
    if (!optional && access(from, F_OK) != 0 && errno == ENOENT)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: gone (a set removed or replaced while the copy was made?):"
                               " take the backup again", from);
    if (copy_file(from, to, err) < 0)
        return VIGIL_ESTORE;
    (*files)++;
    return 0;
}

/* The known-video file of a segment, when it has one. */
static int carry_videos(const char *from_seg, const char *to_seg, size_t *files, vigil_error *err)
{
    char *from = vg_kv_path(from_seg), *to = vg_kv_path(to_seg);
    int rc = from && to ? carry(from, to, 1, files, err) : vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
    free(from);
    free(to);
    return rc;
}

int vigil_store_copy_segments(const char *db_path, const char *copy_path, size_t *files, vigil_error *err)
{
    vigil_store *copy;
    vg_store_set *v = NULL;
    size_t n = 0, nfiles = 0, dn = strlen(copy_path) + 8;
    char *dir = malloc(dn);
    int rc = has_catalog(copy_path, err);
    if (files)
        *files = 0;
    if (rc <= 0 || !dir) {
        free(dir);
        return rc < 0 ? rc : dir ? 0 : vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
    }
    snprintf(dir, dn, "%s.sets", copy_path);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", dir, strerror(errno));
        free(dir);
        return rc;
    }
    free(dir);
    if ((rc = vigil_store_open_readonly(&copy, copy_path, err)) < 0)
        return rc;
    rc = vg_store_snapshot(&v, &n, copy, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t pn = strlen(db_path) + strlen(v[i].segment) + 8;
        char *from = malloc(pn), *to = vg_store_segment_path(copy, v[i].segment), *xfrom = NULL, *xto = NULL;
        if (from)
            snprintf(from, pn, "%s.sets/%s", db_path, v[i].segment);
        if (!from || !to || !(xfrom = vg_pdqx_path(from)) || !(xto = vg_pdqx_path(to)))
            rc = vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
        if (rc == 0)
            rc = carry(from, to, 0, &nfiles, err);
        if (rc == 0) /* the PDQ index is rebuilt by a read when absent */
            rc = carry(xfrom, xto, 1, &nfiles, err);
        if (rc == 0) /* the known videos of a vpdq import: part of the version, not rebuilt */
            rc = carry_videos(from, to, &nfiles, err);
        free(from);
        free(to);
        free(xfrom);
        free(xto);
    }
    vg_store_snapshot_free(v, n);
    vigil_store_close(copy);
    if (files)
        *files = nfiles;
    return rc;
}
