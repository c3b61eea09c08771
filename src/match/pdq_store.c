/*
 * The PDQ parts of the store (pdq_store.h): each current illegal or interest
 * segment with its index file mapped, written first when missing or refused,
 * or held in memory when the segment is small or the file cannot be written.
 */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "hashset/catalog.h"
#include "match/pdq_store.h"

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

/* The part's hashes and rows copied from its segment, and an index when there are enough of them. */
static int in_memory(vg_pdq_part *p, int threads, vigil_error *err)
{
    uint32_t *rows;
    size_t n;
    if (vg_pdq_seg_rows(&rows, &n, &p->seg) < 0 || !(p->own_h = vg_pdq_alloc_huge((n ? n : 1) * sizeof *p->own_h, 0))) {
        free(rows);
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        vigil_pdq_hash h;
        vg_pdq_seg_hash(&p->seg, rows[i], h.b); /* rows whose hash decodes (vg_pdq_seg_rows) */
        vg_pdq_words_of(&p->own_h[i], &h);
    }
    p->own_rows = rows;
    p->h = p->own_h;
    p->rows = rows;
    p->n = n;
    return n >= VIGIL_PDQ_INDEX_MIN ? vg_pdq_index_build(&p->idx, p->h, n, 0, threads, err) : 0;
}

static int use_file(vg_pdq_part *p)
{
    p->h = p->file.words;
    p->rows = p->file.rows;
    p->n = p->file.n;
    p->idx = p->file.idx;
    return 0;
}

/* Map the segment's index; write it first when missing or refused; in memory when it cannot be written. */
static int open_index(vg_pdq_part *p, const char *path, int threads, vigil_error *err)
{
    vigil_error why = {0}, werr = {0};
    int rc;
    if (p->seg.npdq < VIGIL_PDQ_INDEX_MIN) /* small: a linear scan is as fast, and needs no file */
        return in_memory(p, threads, err);
    rc = vg_pdqx_open(&p->file, path, &p->seg, &why);
    if (rc == 0)
        return use_file(p);
    if (rc != VIGIL_ENOTFOUND && rc != VIGIL_ESTORE) {
        if (err)
            *err = why;
        return rc;
    }
    if (rc == VIGIL_ENOTFOUND)
        vg_log(VIGIL_LOG_WARN, "%s%s: no PDQ index beside the segment; writing it now (%llu entries)", path,
               VG_PDQX_SUFFIX, (unsigned long long)p->seg.npdq);
    else
        vg_log(VIGIL_LOG_WARN, "%s; writing it again (%llu entries)", why.msg, (unsigned long long)p->seg.npdq);
    if (vg_pdqx_write(path, &p->seg, &werr) == 0 && vg_pdqx_open(&p->file, path, &p->seg, &werr) == 0)
        return use_file(p);
    vg_log(VIGIL_LOG_WARN, "%s; PDQ index built in memory for this run", werr.msg);
    return in_memory(p, threads, err);
}

static int copy_name(char **out, const char *s)
{
    *out = NULL;
    return s && !(*out = strdup(s)) ? -1 : 0;
}

int vg_store_pdq_parts(vg_pdq_part **out, size_t *n, vigil_store *st, int threads, vigil_error *err)
{
    vg_store_set *v;
    vg_store_dispute *disputes = NULL;
    size_t nsets, ndisputes = 0, np = 0;
    vg_pdq_part *parts = NULL;
    int rc;
    *out = NULL;
    *n = 0;
    if ((rc = vg_store_snapshot(&v, &nsets, st, err)) < 0)
        return rc;
    if ((rc = vg_store_active_disputes(&disputes, &ndisputes, st, err)) < 0) {
        vg_store_snapshot_free(v, nsets);
        return rc;
    }
    if (!(parts = calloc(nsets ? nsets : 1, sizeof *parts)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
    for (size_t i = 0; rc == 0 && i < nsets; i++) {
        vg_pdq_part *p = &parts[np];
        char *path;
        if (v[i].kind != VIGIL_KIND_ILLEGAL && v[i].kind != VIGIL_KIND_INTEREST)
            continue;
        if (!(path = vg_store_segment_path(st, v[i].segment))) {
            rc = vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
            break;
        }
        rc = vg_seg_open(&p->seg, path, err);
        if (rc == 0 && p->seg.npdq == 0) { /* nothing to search */
            vg_seg_close(&p->seg);
            free(path);
            continue;
        }
        np++; /* from here on the part is freed with the others */
        p->kind = v[i].kind;
        p->version = (int)v[i].version;
        if (rc == 0 && (copy_name(&p->set, v[i].name) < 0 || copy_name(&p->category, v[i].category) < 0 ||
                        copy_name(&p->series, v[i].series) < 0 ||
                        disputed_rows(&p->out, &p->seg, v[i].name, disputes, ndisputes) < 0))
            rc = vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
        if (rc == 0)
            rc = open_index(p, path, threads, err);
        free(path);
    }
    vg_store_snapshot_free(v, nsets);
    vg_store_disputes_free(disputes, ndisputes);
    if (rc < 0) {
        vg_pdq_parts_free(parts, np);
        return rc;
    }
    *out = parts;
    *n = np;
    return 0;
}

void vg_pdq_parts_free(vg_pdq_part *parts, size_t n)
{
    for (size_t i = 0; parts && i < n; i++) {
        vg_pdq_part *p = &parts[i];
        if (!p->file.base)
            vg_pdq_index_free(p->idx);
        vg_pdqx_close(&p->file);
        free(p->own_h);
        free(p->own_rows);
        free(p->out.rows);
        free(p->set);
        free(p->category);
        free(p->series);
        vg_seg_close(&p->seg);
    }
    free(parts);
}
