/*
 * The PDQ entries of the store's illegal and interest sets, one part per
 * current segment: its hashes and the multi-index hashing tables mapped from
 * `<segment>.pdqx` (pdq_file.h; written when missing or refused), or held in
 * memory for a segment too small for an index. Disputes are applied to the
 * results (the rows they take out, per part), never by rebuilding. Strings
 * (category, series, record names) are read from the segment only for hits.
 */
#ifndef VG_MATCH_PDQ_STORE_H
#define VG_MATCH_PDQ_STORE_H
#include "pdqindex/pdq_file.h"
#include "pdqindex/pdq_seg.h"
#include "segment/segment.h"
#include "vigil/pdq_match.h"

typedef struct vg_pdq_part {
    const vg_pdq_words *h;      /* n hashes */
    size_t n;
    const uint32_t *rows;       /* the segment row of each */
    vg_pdq_index *idx;          /* NULL: searched linearly */
    vigil_hashset_kind kind;
    int version;
    char *set, *category, *series; /* the set's name and its default category and series */
    vg_segment seg;
    vg_seg_rows out;            /* rows the active disputes take out (sorted) */
    vg_pdqx file;               /* mapped index, or none (file.base NULL: the fields below own h, rows, idx) */
    vg_pdq_words *own_h;
    uint32_t *own_rows;
} vg_pdq_part;

/*
 * A part per current illegal or interest segment with PDQ entries, in
 * precedence order (the store's snapshot). An index file that is missing or
 * refused is written (one line through vg_log says so and why); where it
 * cannot be written the index is built in memory for this process, on up to
 * `threads` threads. Errors as vigil_pdq_matcher_open.
 */
int vg_store_pdq_parts(vg_pdq_part **out, size_t *n, struct vigil_store *st, int threads, vigil_error *err);
void vg_pdq_parts_free(vg_pdq_part *p, size_t n);

/* 1 when entry i of p is out of matching (an active dispute took its record out). */
static inline int vg_pdq_part_disputed(const vg_pdq_part *p, size_t i)
{
    return p->out.n && vg_seg_rows_has(&p->out, p->rows[i]);
}


#endif
