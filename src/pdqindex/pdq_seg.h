/*
 * A segment's PDQ entries as the PDQ index reads them, and the index file
 * (pdq_file.h) kept beside each segment of an illegal or interest set: written
 * by the import, checked whole by `vigil hashset reindex`.
 */
#ifndef VG_PDQINDEX_PDQ_SEG_H
#define VG_PDQINDEX_PDQ_SEG_H
#include "segment/segment.h"
#include "vigil/hashset.h"

/*
 * The one place a PDQ matcher reads a segment's entry rows (the row layout
 * may change; these do not): the 32-byte hash (-1: a damaged row) and the quality (-1 unknown).
 */
static inline int vg_pdq_seg_hash(const vg_segment *s, uint32_t row, uint8_t out[32])
{
    int8_t quality;
    return vg_seg_pdq(s, row, out, &quality);
}

static inline int vg_pdq_seg_quality(const vg_segment *s, uint32_t row)
{
    uint8_t h[32];
    int8_t quality;
    return vg_seg_pdq(s, row, h, &quality) < 0 ? -1 : quality;
}

static inline int vg_pdq_seg_has(const vg_segment *s, uint32_t row)
{
    return row < s->h->entries && (s->meta[row].mask & VG_SEG_HAS_PDQ);
}

static inline void vg_pdq_seg_names(const vg_segment *s, uint32_t row, const char **category, const char **series)
{
    *category = vg_seg_str(s, s->meta[row].category);
    *series = vg_seg_str(s, s->meta[row].series);
}

/* The rows of seg's PDQ entries, in the segment's order (*rows malloc'd). -1: out of memory. */
int vg_pdq_seg_rows(uint32_t **rows, size_t *n, const vg_segment *seg);

/*
 * Build, or check, the index file of the segment at seg_path for a set of
 * this kind: written for illegal and interest sets with VIGIL_PDQ_INDEX_MIN
 * PDQ entries or more (the import calls it right after the segment), nothing
 * otherwise. verify: read all of the file (vg_pdqx_verify); VIGIL_ENOTFOUND when
 * there is none.
 */
int vg_pdq_file_for_segment(const char *seg_path, vigil_hashset_kind kind, vigil_error *err);
int vg_pdq_file_verify(const char *seg_path, vigil_error *err);

#endif
