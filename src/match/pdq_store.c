/*
 * The PDQ entries of the store's illegal and interest sets, read from their
 * current segments (the rows listed in each segment's PDQ section), as the
 * array of vigil_pdq_entry any PDQ index is built from.
 */
#include <stdlib.h>
#include <string.h>

#include "hashset/catalog.h"
#include "match/pdq_store.h"
#include "segment/segment.h"

/* A copy of a set-level name that lives as long as the source. */
static const char *keep_name(vg_pdq_source *src, const char *s)
{
    char **p;
    if (!s)
        return NULL;
    for (size_t i = 0; i < src->nnames; i++)
        if (!strcmp(src->names[i], s))
            return src->names[i];
    p = realloc(src->names, (src->nnames + 1) * sizeof *p);
    if (!p)
        return NULL;
    src->names = p;
    if (!(p[src->nnames] = strdup(s)))
        return NULL;
    return p[src->nnames++];
}

/* Rows of seg taken out by the active disputes that apply to set name (sorted). */
static int disputed_rows(vg_seg_rows *rows, const vg_segment *seg, const char *name, const vg_store_dispute *d,
                         size_t nd)
{
    for (size_t j = 0; j < nd; j++)
        if ((!d[j].set || !strcmp(d[j].set, name)) && vg_seg_digest_rows(seg, d[j].d, d[j].len, rows) < 0)
            return -1;
    vg_seg_rows_sort(rows);
    return 0;
}

static int grow(vigil_pdq_entry **e, vg_pdq_ref **refs, size_t *cap)
{
    size_t ncap = *cap ? 2 * *cap : 64;
    vigil_pdq_entry *q = realloc(*e, ncap * sizeof *q);
    vg_pdq_ref *r;
    if (!q)
        return -1;
    *e = q;
    if (!(r = realloc(*refs, ncap * sizeof *r)))
        return -1;
    *refs = r;
    *cap = ncap;
    return 0;
}

int vg_store_pdq_entries(vigil_pdq_entry **out, size_t *n, vg_pdq_source *src, vigil_store *st, vigil_error *err)
{
    vg_store_set *v;
    vg_store_dispute *disputes = NULL;
    size_t nsets, ndisputes = 0, cnt = 0, cap = 0;
    vigil_pdq_entry *e = NULL;
    int rc;
    *out = NULL;
    *n = 0;
    memset(src, 0, sizeof *src);
    if ((rc = vg_store_snapshot(&v, &nsets, st, err)) < 0)
        return rc;
    if ((rc = vg_store_active_disputes(&disputes, &ndisputes, st, err)) < 0) {
        vg_store_snapshot_free(v, nsets);
        return rc;
    }
    src->segs = calloc(nsets ? nsets : 1, sizeof *src->segs);
    src->versions = calloc(nsets ? nsets : 1, sizeof *src->versions);
    if (!src->segs || !src->versions)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
    for (size_t i = 0; rc == 0 && i < nsets; i++) {
        char *path;
        vg_segment *seg;
        vg_seg_rows out_rows = {NULL, 0, 0};
        if (v[i].kind != VIGIL_KIND_ILLEGAL && v[i].kind != VIGIL_KIND_INTEREST)
            continue;
        if (!(path = vg_store_segment_path(st, v[i].segment))) {
            rc = vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
            break;
        }
        seg = &src->segs[src->nsegs];
        rc = vg_seg_open(seg, path, err);
        free(path);
        if (rc < 0)
            break;
        src->versions[src->nsegs] = (int)v[i].version;
        src->nsegs++;
        if (disputed_rows(&out_rows, seg, v[i].name, disputes, ndisputes) < 0)
            rc = vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
        for (uint64_t k = 0; rc == 0 && k < seg->npdq; k++) {
            const vg_seg_meta *x;
            const char *cat, *ser;
            int8_t quality;
            uint32_t row = seg->pdq_rows[k];
            /* a disputed record is out of matching by its PDQ too, whichever digest was disputed */
            if (row >= seg->h->entries || vg_seg_rows_has(&out_rows, row))
                continue;
            x = &seg->meta[row];
            if (cnt == cap && grow(&e, &src->refs, &cap) < 0) {
                rc = vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
                break;
            }
            src->refs[cnt] = (vg_pdq_ref){(uint32_t)(src->nsegs - 1), row};
            if (vg_seg_pdq(seg, row, e[cnt].hash.b, &quality) < 0)
                continue; /* a damaged row: no PDQ to match */
            e[cnt].quality = quality;
            e[cnt].kind = v[i].kind;
            e[cnt].set = keep_name(src, v[i].name);
            cat = vg_seg_str(seg, x->category);
            ser = vg_seg_str(seg, x->series);
            e[cnt].category = cat ? cat : keep_name(src, v[i].category);
            e[cnt].series = ser ? ser : keep_name(src, v[i].series);
            cnt++;
        }
        free(out_rows.rows);
    }
    vg_store_snapshot_free(v, nsets);
    vg_store_disputes_free(disputes, ndisputes);
    if (rc < 0) {
        free(e);
        vg_pdq_source_free(src);
        return rc;
    }
    *out = e;
    *n = cnt;
    return 0;
}

void vg_pdq_source_free(vg_pdq_source *src)
{
    for (size_t i = 0; i < src->nsegs; i++)
        vg_seg_close(&src->segs[i]);
    for (size_t i = 0; i < src->nnames; i++)
        free(src->names[i]);
    free(src->names);
    free(src->segs);
    free(src->versions);
    free(src->refs);
    memset(src, 0, sizeof *src);
}

