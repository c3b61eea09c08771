/* A segment's PDQ rows, and the PDQ index file written or checked for a segment. */
#include <stdlib.h>

#include "pdqindex/pdq_file.h"
#include "pdqindex/pdq_seg.h"
#include "vigil/pdq_match.h"

int vg_pdq_seg_rows(uint32_t **rows, size_t *n, const vg_segment *seg)
{
    uint32_t *r = malloc((seg->npdq ? seg->npdq : 1) * sizeof *r);
    size_t k = 0;
    *rows = NULL;
    *n = 0;
    if (!r)
        return -1;
    uint8_t h[32];
    /* a row past the entries names nothing; a damaged row has no PDQ to match */
    for (uint64_t i = 0; i < seg->npdq; i++)
        if (seg->pdq_rows[i] < seg->h->entries && vg_pdq_seg_hash(seg, seg->pdq_rows[i], h) == 0)
            r[k++] = seg->pdq_rows[i];
    *rows = r;
    *n = k;
    return 0;
}

int vg_pdq_file_for_segment(const char *seg_path, vigil_hashset_kind kind, vigil_error *err)
{
    vg_segment seg;
    int rc;
    if (kind != VIGIL_KIND_ILLEGAL && kind != VIGIL_KIND_INTEREST)
        return 0;
    if ((rc = vg_seg_open(&seg, seg_path, err)) < 0)
        return rc;
    if (seg.npdq >= VIGIL_PDQ_INDEX_MIN)
        rc = vg_pdqx_write(seg_path, &seg, err);
    vg_seg_close(&seg);
    return rc;
}

int vg_pdq_file_verify(const char *seg_path, vigil_error *err)
{
    vg_segment seg;
    vg_pdqx x;
    char *path;
    int rc;
    if ((rc = vg_seg_open(&seg, seg_path, err)) < 0)
        return rc;
    rc = vg_pdqx_open(&x, seg_path, &seg, err);
    if (rc == 0) {
        path = vg_pdqx_path(seg_path);
        rc = vg_pdqx_verify(&x, &seg, path ? path : seg_path, err);
        free(path);
        vg_pdqx_close(&x);
    }
    vg_seg_close(&seg);
    return rc;
}
