/*
 * Set versions beyond a plain import: removing a set, and rebuilding damaged
 * or missing segments, and lost or damaged known-video files, from their
 * recorded source files (reindex).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "hashset/import_int.h"
#include "hashset/store_int.h"
#include "pdqindex/pdq_file.h"
#include "pdqindex/pdq_seg.h"
#include "segment/known_videos.h"
#include "segment/segment.h"
#include "vigil/index.h"

int vigil_hashset_remove(vigil_store *st, const char *name, vigil_error *err)
{
    sqlite3_stmt *s;
    char *segment = NULL, detail[128] = "";
    int rc;
    if ((rc = vg_store_lock(st, err)) < 0)
        return rc;
    if (vg_store_exec(st, "BEGIN IMMEDIATE", "begin remove", err) < 0) {
        vg_store_unlock(st);
        return VIGIL_ESTORE;
    }
    if (sqlite3_prepare_v2(st->db,
                           "SELECT v.segment, h.kind, v.version, h.entries FROM hashset h"
                           " LEFT JOIN hashset_version v ON v.id = h.current_version WHERE h.name = ?", -1, &s,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW) {
            if (sqlite3_column_text(s, 0))
                segment = strdup((const char *)sqlite3_column_text(s, 0));
            snprintf(detail, sizeof detail, "kind=%s version=%lld entries=%lld",
                     vigil_hashset_kind_name((vigil_hashset_kind)sqlite3_column_int(s, 1)),
                     (long long)sqlite3_column_int64(s, 2), (long long)sqlite3_column_int64(s, 3));
        }
        sqlite3_finalize(s);
    }
    if (sqlite3_prepare_v2(st->db, "DELETE FROM hashset WHERE name=?", -1, &s, NULL)) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
        goto fail;
    }
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE || sqlite3_changes(st->db) == 0) {
        rc = rc != SQLITE_DONE ? vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db))
                               : vigil_error_set(err, VIGIL_ENOTFOUND, "no hash set named '%s'", name);
        goto fail;
    }
    if ((rc = vg_store_bump_generation(st, err)) < 0 ||
        (rc = vg_store_audit(st, "hashset.remove", name, detail, err)) < 0 ||
        (rc = vg_store_exec(st, "COMMIT", "commit", err)) < 0)
        goto fail;
    if (segment) {
        char *path = vg_store_segment_path(st, segment);
        if (path) {
            unlink(path);
            vg_pdqx_unlink(path);
            vg_kv_unlink(path);
        }
        free(path);
    }
    free(segment);
    vg_store_unlock(st);
    return vg_store_audit_settle(st, 1, err); /* the set is gone even if its event fails now */
fail:
    vg_store_exec(st, "ROLLBACK", "rollback", NULL);
    vg_store_audit_settle(st, 0, NULL);
    free(segment);
    vg_store_unlock(st);
    return rc;
}

/* ---- reindex: check every current segment, rebuild the damaged ones from their sources ---- */

/* A recorded source: its path and the SHA-256 it had when imported. */
typedef struct source_file {
    char *path;
    char sha256[65];
} source_file;

/* The "file (sha256 hex)" lines of a version's sources. */
static int source_files(source_file **out, size_t *n, const char *sources)
{
    source_file *v = NULL;
    size_t cnt = 0;
    const char *p = sources;
    *out = NULL;
    *n = 0;
    while (p && *p) {
        const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
        const char *mark = NULL;
        for (const char *q = p; q + 9 <= end; q++)
            if (!strncmp(q, " (sha256 ", 9))
                mark = q;
        if (mark) {
            source_file *nv = realloc(v, (cnt + 1) * sizeof *nv);
            if (!nv)
                break;
            v = nv;
            v[cnt].path = strndup(p, (size_t)(mark - p));
            snprintf(v[cnt].sha256, sizeof v[cnt].sha256, "%.*s", (int)(end - mark - 9 > 64 ? 64 : end - mark - 9),
                     mark + 9);
            cnt++;
        }
        p = nl ? nl + 1 : end;
    }
    *out = v;
    *n = cnt;
    return 0;
}

/* 0 when the source at f->path is still there with the SHA-256 recorded at import: a rebuild
 * from a file that changed since would make a different set under the same version history. */
static int source_unchanged(const vg_store_set *set, const source_file *f, vigil_error *err)
{
    char now[65];
    vigil_error herr;
    int fd = f->path ? open(f->path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0)
        return vigil_error_set(err, VIGIL_ESTORE,
                               "set '%s': its segment must be rebuilt but the source %s is gone (%s); "
                               "import the set again with --replace",
                               set->name, f->path ? f->path : "?", strerror(errno));
    if (vg_import_file_sha256(now, fd, f->path, &herr) < 0) {
        close(fd);
        return vigil_error_set(err, VIGIL_ESTORE, "set '%s': its source cannot be read: %s", set->name, herr.msg);
    }
    close(fd);
    if (strcmp(now, f->sha256) != 0)
        return vigil_error_set(err, VIGIL_ESTORE,
                               "set '%s': its segment must be rebuilt but the source %s changed since it was "
                               "imported (sha256 %s, recorded %s); import the set again with --replace",
                               set->name, f->path, now, f->sha256);
    return 0;
}

static int rebuild_set(vigil_store *st, const vg_store_set *set, vigil_error *err)
{
    vigil_import_opts o = {.name = set->name, .kind = set->kind, .category = set->category,
                           .series = set->series, .lenient = set->lenient, .replace = 1, .who = "reindex"};
    vigil_import_stats stats;
    source_file *files;
    char **paths = NULL;
    size_t n;
    int rc = 0;
    source_files(&files, &n, set->sources);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = source_unchanged(set, &files[i], err);
    if (rc == 0 && n == 0)
        rc = vigil_error_set(err, VIGIL_ESTORE,
                             "set '%s': its segment must be rebuilt but no source file is recorded; "
                             "import the set again with --replace", set->name);
    if (rc == 0 && !(paths = calloc(n, sizeof *paths)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
    if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            paths[i] = files[i].path;
        if (set->format && strchr(set->format, ',') == NULL)
            vigil_hashset_format_parse(&o.format, set->format);
        rc = vigil_hashset_import(&stats, st, (const char *const *)paths, n, &o, err);
    }
    for (size_t i = 0; i < n; i++)
        free(files[i].path);
    free(files);
    free(paths);
    return rc;
}

/* 1 when the version was imported from vpdq lists: its known videos must lie beside the segment. */
static int has_videos(const vg_store_set *set)
{
    return set->format && strstr(set->format, "vpdq") != NULL;
}

/* What is wrong with a set's files at path: SEG_BAD (the segment: missing, damaged), PDQX_BAD
 * (its PDQ index; looked at only when the segment has PDQ entries or always_pdqx) or VIDEOS_BAD
 * (its known-video file, read whole: missing or refused), why in serr. */
enum { FILES_OK, SEG_BAD, PDQX_BAD, VIDEOS_BAD };
static int set_files(const vg_store_set *set, const char *path, int always_pdqx, vigil_error *serr)
{
    vg_segment seg;
    int bad, has_pdq, rc;
    if (vg_seg_open(&seg, path, serr) < 0)
        return SEG_BAD;
    bad = vg_seg_verify(&seg, path, serr) < 0;
    has_pdq = seg.npdq > 0;
    vg_seg_close(&seg);
    if (bad)
        return SEG_BAD;
    if (has_videos(set)) { /* before the PDQ index: the rebuild that repairs them writes that too */
        vigil_vpdq_list list = {0};
        rc = vg_kv_read(&list, path, serr);
        vigil_vpdq_list_dispose(&list);
        if (rc == VIGIL_ENOTFOUND)
            vigil_error_set(serr, VIGIL_ESTORE, "%s%s: the known videos of set '%s' are missing", path,
                            VG_KV_SUFFIX, set->name);
        if (rc < 0)
            return VIDEOS_BAD;
    }
    if ((always_pdqx || has_pdq) && vg_pdq_file_verify(path, serr) < 0)
        return PDQX_BAD;
    return FILES_OK;
}

int vigil_index_build(vigil_store *st, vigil_error *err)
{
    vg_store_set *v;
    size_t n;
    int rc = vg_store_snapshot(&v, &n, st, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char *path = vg_store_segment_path(st, v[i].segment);
        vigil_error serr;
        int state = path ? set_files(&v[i], path, 1, &serr) : SEG_BAD;
        if (state == SEG_BAD || state == VIDEOS_BAD) { /* the import writes its PDQ index and videos too */
            if (state == VIDEOS_BAD) /* a segment is refused where it is read; this file is said here */
                vg_log(VIGIL_LOG_WARN, "%s; rebuilding set '%s' from the lists it was imported from", serr.msg,
                       v[i].name);
            rc = rebuild_set(st, &v[i], err);
        } else if (state == PDQX_BAD) /* the PDQ index read whole; written when damaged or missing */
            rc = vg_pdq_file_for_segment(path, v[i].kind, err);
        free(path);
    }
    vg_store_snapshot_free(v, n);
    return rc;
}

static void report(vigil_problem_fn fn, void *ud, uint64_t *problems, const vg_store_set *set, const char *what)
{
    char line[768];
    snprintf(line, sizeof line, "hash set %s: %s; repair: vigil hashset reindex (rebuilds it from the files it"
             " was imported from)", set->name, what);
    fn(ud, line);
    (*problems)++;
}

int vigil_index_check(vigil_store *st, vigil_problem_fn fn, void *ud, uint64_t *problems, vigil_error *err)
{
    vg_store_set *v;
    size_t n;
    int rc = vg_store_snapshot(&v, &n, st, err);
    *problems = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char *path = vg_store_segment_path(st, v[i].segment);
        vigil_error serr;
        if (!path) {
            rc = vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
            break;
        }
        if (set_files(&v[i], path, 0, &serr) != FILES_OK) /* a set without PDQ needs no index */
            report(fn, ud, problems, &v[i], serr.msg);
        free(path);
    }
    vg_store_snapshot_free(v, n);
    return rc;
}
