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
#include "match/pdq_file.h"
#include "segment/segment.h"
#include "vigil/pdq_match.h"

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
