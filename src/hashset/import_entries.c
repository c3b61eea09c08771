/*
 * Entries handed in directly instead of read from a list file (vigil/hashset.h,
 * vigil_hashset_import_entries): a unit's categorized items become a set of their own through
 * the same pipeline as an import, so they are deduplicated, indexed (PDQ included) and
 * versioned like any list. Each run of entries with one source ("case 12") is read as a file of
 * that name, so every entry keeps the case it came from as its record source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hex.h"
#include "hashset/catalog.h"
#include "hashset/import_int.h"
#include "hashset/store_int.h"
#include "pdqindex/pdq_file.h"

/* Decode hex of n bytes into out when given; 1 when decoded, 0 when absent, -1 when malformed. */
static int digest(uint8_t *out, size_t n, const char *hex)
{
    if (!hex || !*hex)
        return 0;
    return strlen(hex) == 2 * n && vg_hex_decode(out, hex, n) == 0 ? 1 : -1;
}

static int to_record(vg_hs_record *r, const vigil_hashset_entry *e, size_t i, vigil_error *err)
{
    int md5, sha1, sha256, pdq;
    vg_hs_record_clear(r);
    snprintf(r->where, sizeof r->where, "entry %zu", i + 1);
    md5 = digest(r->md5, 16, e->md5);
    sha1 = digest(r->sha1, 20, e->sha1);
    sha256 = digest(r->sha256, 32, e->sha256);
    pdq = digest(r->pdq, 32, e->pdq);
    if (md5 < 0 || sha1 < 0 || sha256 < 0 || pdq < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "entry %zu: a digest is not hex of its length", i + 1);
    r->has_md5 = md5 == 1;
    r->has_sha1 = sha1 == 1;
    r->has_sha256 = sha256 == 1;
    r->has_pdq = pdq == 1;
    r->pdq_quality = pdq == 1 ? e->pdq_quality : -1;
    r->size = e->size;
    r->category = e->category && *e->category ? e->category : NULL;
    r->series = e->series && *e->series ? e->series : NULL;
    if (e->victim_identified)
        r->flags |= VG_HS_VICTIM_IDENTIFIED;
    return 0;
}

static const char *source_of(const vigil_hashset_entry *e, const char *source)
{
    return e->source && *e->source ? e->source : source;
}

/* Each run of one source is a file of the import; sources gets its name, one a line. */
static int feed(vg_import *p, vg_buf *sources, const vigil_hashset_entry *v, size_t n, const char *source,
                vigil_error *err)
{
    const char *cur = NULL;
    vg_hs_sink sink;
    vg_hs_record r;
    int rc = 0;
    vg_import_sink(&sink, p);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *src = source_of(&v[i], source);
        if (!cur || strcmp(cur, src)) {
            if ((rc = vg_import_file_begin(p, src, err)) < 0)
                break;
            vg_buf_addf(sources, "%s%s", cur ? "\n" : "", src);
            cur = src;
        }
        if ((rc = to_record(&r, &v[i], i, err)) == 0)
            rc = sink.record(sink.ud, &r, err);
    }
    if (rc == 0 && !cur) /* no entries: one empty file of the call's source */
        if ((rc = vg_import_file_begin(p, source, err)) == 0)
            vg_buf_adds(sources, source);
    if (rc == 0 && vg_buf_failed(sources))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "hash set: out of memory");
    return rc;
}

/* A replacement only of a set written so: an imported list of the same name stays. */
static int check_replaceable(vigil_store *st, const char *name, vigil_error *err)
{
    sqlite3_stmt *s;
    const char *format;
    int rc;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT coalesce(v.format, '') FROM hashset h"
                           " JOIN hashset_version v ON v.id = h.current_version WHERE h.name = ?",
                           -1, &s, NULL) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    format = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
    if (format && strcmp(format, "case"))
        rc = vigil_error_set(err, VIGIL_EEXISTS,
                             "%s: hash set '%.128s' exists and is an imported list (format %.40s), not one written"
                             " from a case registry; it is left as it is",
                             st->path, name, format);
    else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = 0;
    else
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    sqlite3_finalize(s);
    return rc;
}

int vigil_hashset_import_entries(vigil_import_stats *stats, vigil_store *st, const vigil_hashset_entry *v, size_t n,
                                 const char *source, const vigil_import_opts *opts, vigil_error *err)
{
    vg_import p;
    vg_import_prov prov = {0};
    vg_buf sources;
    char *segment = NULL;
    int rc;
    memset(stats, 0, sizeof *stats);
    if (!opts->name || !source || !*source)
        return vigil_error_set(err, VIGIL_EINPUT, "hash set: a name and a source are needed");
    if ((rc = vg_import_check_name(st, opts, err)) < 0 || (rc = check_replaceable(st, opts->name, err)) < 0)
        return rc;
    vg_buf_init(&sources, 16u << 20); /* a line per case: room for a million */
    rc = vg_import_begin(&p, st, opts, err);
    if (rc == 0)
        rc = feed(&p, &sources, v, n, source, err);
    if (rc == 0)
        rc = vg_import_write(&p, &segment, &prov.entries, err);
    if (rc == 0) {
        for (size_t i = 0; i < p.nfiles; i++)
            vg_import_add_stats(stats, &p.files[i].stats);
        prov.opts = opts;
        prov.total = stats;
        prov.sources = sources.ptr;
        prov.format = "case";
        prov.segment = segment;
        rc = vg_import_commit_or_discard(st, &prov, segment, stats, err);
    }
    vg_import_end(&p);
    vg_buf_dispose(&sources);
    free(segment);
    return rc;
}
