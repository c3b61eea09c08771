/*
 * Converting a store written by an older vigil: the entry rows of a version 1
 * or 2 store (table hash_entry) become one segment per set through the import
 * pipeline, then the table and the version 2 index file go. Opening a store
 * refuses one that still has such rows (store.c); the commands that write to
 * the store call vigil_store_upgrade first, so the conversion is explicit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hashset/import_int.h"
#include "hashset/store_int.h"

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

static int convert_rows(vigil_store *st, size_t *converted, vigil_error *err)
{
    sqlite3_stmt *s;
    old_set *v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
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
        if ((rc = convert_set(st, &v[i], err)) == 0)
            (*converted)++;
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

int vigil_store_upgrade(const char *path, size_t *converted, vigil_error *err)
{
    vigil_store *st;
    size_t sets = 0;
    int rc;
    if (converted)
        *converted = 0;
    if (access(path, F_OK) != 0)
        return 0; /* no store yet: nothing to convert, and nothing is created */
    if ((rc = vg_store_open_for_upgrade(&st, path, err)) < 0)
        return rc;
    if (vg_store_has_entry_rows(st))
        rc = convert_rows(st, &sets, err);
    vigil_store_close(st);
    if (converted)
        *converted = sets;
    return rc;
}
