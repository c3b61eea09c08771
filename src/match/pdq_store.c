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

int vg_store_pdq_entries(vigil_pdq_entry **out, size_t *n, vg_pdq_source *src, vigil_store *st, vigil_error *err)
{
    vg_store_set *v;
    size_t nsets, cnt = 0, cap = 0;
    vigil_pdq_entry *e = NULL;
    int rc;
    *out = NULL;
    *n = 0;
    memset(src, 0, sizeof *src);
    if ((rc = vg_store_snapshot(&v, &nsets, st, err)) < 0)
        return rc;
    src->segs = calloc(nsets ? nsets : 1, sizeof *src->segs);
    if (!src->segs)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
    for (size_t i = 0; rc == 0 && i < nsets; i++) {
        char *path;
        vg_segment *seg;
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
        src->nsegs++;
        for (uint64_t k = 0; k < seg->npdq; k++) {
            const vg_seg_entry *x;
            const char *cat, *ser;
            if (seg->pdq_rows[k] >= seg->h->entries)
                continue;
            x = &seg->entries[seg->pdq_rows[k]];
            if (cnt == cap) {
                size_t ncap = cap ? 2 * cap : 64;
                vigil_pdq_entry *q = realloc(e, ncap * sizeof *q);
                if (!q) {
                    rc = vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
                    break;
                }
                e = q;
                cap = ncap;
            }
            memcpy(e[cnt].hash.b, x->pdq, 32);
            e[cnt].quality = x->pdq_quality;
            e[cnt].kind = v[i].kind;
            e[cnt].set = keep_name(src, v[i].name);
            cat = vg_seg_str(seg, x->category);
            ser = vg_seg_str(seg, x->series);
            e[cnt].category = cat ? cat : keep_name(src, v[i].category);
            e[cnt].series = ser ? ser : keep_name(src, v[i].series);
            cnt++;
        }
    }
    vg_store_snapshot_free(v, nsets);
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
    memset(src, 0, sizeof *src);
}

