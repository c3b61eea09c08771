/*
 * Set versions beyond a plain import: removing a set, converting the entry
 * rows of a version 2 store into segments, and rebuilding damaged or missing
 * segments from their recorded source files (reindex).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hashset/import_int.h"
#include "hashset/store_int.h"
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
        if (path)
            unlink(path);
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

/* ---- version 2 stores: entry rows into segments ---- */

static int has_entry_table(vigil_store *st)
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

static int feed_rows(vg_import *p, int64_t set_id, vigil_error *err)
{
    sqlite3_stmt *s;
    vg_hs_sink sink;
    vg_hs_record r;
    int rc = 0, step;
    if (sqlite3_prepare_v2(p->st->db,
                           "SELECT md5, sha1, sha256, size, category, series, pdq, pdq_quality, source_line"
                           " FROM hash_entry WHERE set_id = ? ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", p->st->path, sqlite3_errmsg(p->st->db));
    sqlite3_bind_int64(s, 1, set_id);
    vg_import_sink(&sink, p);
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        static const int len[3] = {16, 20, 32};
        uint8_t *dst[3];
        vg_hs_record_clear(&r);
        dst[0] = r.md5;
        dst[1] = r.sha1;
        dst[2] = r.sha256;
        for (int a = 0; a < 3; a++)
            if (sqlite3_column_bytes(s, a) == len[a]) {
                memcpy(dst[a], sqlite3_column_blob(s, a), (size_t)len[a]);
                if (a == 0)
                    r.has_md5 = 1;
                else if (a == 1)
                    r.has_sha1 = 1;
                else
                    r.has_sha256 = 1;
            }
        if (sqlite3_column_type(s, 3) != SQLITE_NULL)
            r.size = sqlite3_column_int64(s, 3);
        r.category = (const char *)sqlite3_column_text(s, 4);
        r.series = (const char *)sqlite3_column_text(s, 5);
        if (sqlite3_column_bytes(s, 6) == 32) {
            memcpy(r.pdq, sqlite3_column_blob(s, 6), 32);
            r.has_pdq = 1;
            r.pdq_quality = sqlite3_column_type(s, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 7);
        }
        snprintf(r.where, sizeof r.where, "line %lld", (long long)sqlite3_column_int64(s, 8));
        if (!r.has_md5 && !r.has_sha1 && !r.has_sha256 && !r.has_pdq)
            continue;
        rc = sink.record(sink.ud, &r, err);
    }
    sqlite3_finalize(s);
    return rc;
}

typedef struct old_set {
    int64_t id;
    vigil_hashset_kind kind;
    char *name, *category, *series, *format, *sources, *imported_at, *imported_by;
} old_set;

static char *dup_col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

static int convert_set(vigil_store *st, const old_set *o, vigil_error *err)
{
    vigil_import_opts opts = {.name = o->name, .kind = o->kind, .category = o->category, .series = o->series,
                              .who = o->imported_by, .replace = 1};
    vigil_import_stats total = {0};
    vg_import p;
    vg_import_prov prov = {0};
    char *segment = NULL;
    int rc = vg_import_begin(&p, st, &opts, err);
    if (rc == 0)
        rc = vg_import_file_begin(&p, o->name, err);
    if (rc == 0)
        rc = feed_rows(&p, o->id, err);
    if (rc == 0)
        rc = vg_import_write(&p, &segment, &prov.entries, err);
    if (rc == 0) {
        total = p.files[0].stats;
        prov.opts = &opts;
        prov.total = &total;
        prov.sources = o->sources ? o->sources : "";
        prov.format = o->format ? o->format : "";
        prov.segment = segment;
        prov.imported_at = o->imported_at;
        prov.upgrade = 1;
        rc = vg_import_commit(st, &prov, err);
    }
    vg_import_end(&p);
    free(segment);
    return rc;
}

int vg_import_convert_rows(vigil_store *st, vigil_error *err)
{
    sqlite3_stmt *s;
    old_set *v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    if (!has_entry_table(st))
        return 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT id, kind, name, category, series, format, sources, imported_at, imported_by"
                           " FROM hashset WHERE current_version IS NULL ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            old_set *q = realloc(v, ncap * sizeof *q);
            if (!q)
                break;
            v = q;
            cap = ncap;
        }
        v[n] = (old_set){sqlite3_column_int64(s, 0), (vigil_hashset_kind)sqlite3_column_int(s, 1), dup_col(s, 2),
                         dup_col(s, 3), dup_col(s, 4), dup_col(s, 5), dup_col(s, 6), dup_col(s, 7), dup_col(s, 8)};
        n++;
    }
    sqlite3_finalize(s);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = convert_set(st, &v[i], err);
    if (rc == 0)
        rc = vg_store_exec(st, "DROP TABLE hash_entry", "drop the converted entry rows", err);
    if (rc == 0) { /* the version 2 index file is derived data the segments replace */
        size_t len = strlen(st->path) + 5;
        char *idx = malloc(len);
        if (idx) {
            snprintf(idx, len, "%s.idx", st->path);
            unlink(idx);
            free(idx);
        }
    }
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
    return rc;
}

/* ---- reindex: check every current segment, rebuild the damaged ones from their sources ---- */

/* Paths of "file (sha256 hex)" lines; each checked against its recorded digest by the caller. */
static int source_paths(char ***out, size_t *n, const char *sources)
{
    char **v = NULL;
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
            char **nv = realloc(v, (cnt + 1) * sizeof *nv);
            if (!nv)
                break;
            v = nv;
            v[cnt++] = strndup(p, (size_t)(mark - p));
        }
        p = nl ? nl + 1 : end;
    }
    *out = v;
    *n = cnt;
    return 0;
}

static int rebuild_set(vigil_store *st, const vg_store_set *set, vigil_error *err)
{
    vigil_import_opts o = {.name = set->name, .kind = set->kind, .category = set->category,
                           .series = set->series, .lenient = set->lenient, .replace = 1, .who = "reindex"};
    vigil_import_stats stats;
    char **paths;
    size_t n;
    int rc;
    source_paths(&paths, &n, set->sources);
    for (size_t i = 0; i < n; i++)
        if (!paths[i] || access(paths[i], R_OK) != 0) {
            rc = vigil_error_set(err, VIGIL_ESTORE,
                                 "set '%s': its segment must be rebuilt but the source %s is gone (%s); "
                                 "import the set again with --replace",
                                 set->name, paths[i] ? paths[i] : "?", strerror(errno));
            goto done;
        }
    if (n == 0) {
        rc = vigil_error_set(err, VIGIL_ESTORE,
                             "set '%s': its segment must be rebuilt but no source file is recorded; "
                             "import the set again with --replace", set->name);
        goto done;
    }
    if (set->format && strchr(set->format, ',') == NULL)
        vigil_hashset_format_parse(&o.format, set->format);
    rc = vigil_hashset_import(&stats, st, (const char *const *)paths, n, &o, err);
done:
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return rc;
}

int vigil_index_build(vigil_store *st, vigil_error *err)
{
    vg_store_set *v;
    size_t n;
    int rc = vg_store_snapshot(&v, &n, st, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char *path = vg_store_segment_path(st, v[i].segment);
        vg_segment seg;
        vigil_error serr;
        int bad = !path || vg_seg_open(&seg, path, &serr) < 0;
        if (!bad) {
            bad = vg_seg_verify(&seg, path, &serr) < 0;
            vg_seg_close(&seg);
        }
        if (bad)
            rc = rebuild_set(st, &v[i], err);
        free(path);
    }
    vg_store_snapshot_free(v, n);
    return rc;
}
