/*
 * External sort of fixed-size records in bounded memory: records collect in a
 * buffer (packed, when the spec packs them); a full buffer is sorted (buckets
 * on a 16-bit key, then a short sort inside each bucket; records that came in
 * order are left as they are) and spilled to a run file; the runs are merged
 * with a heap when the records are read back. Used by the import to dedupe
 * entries and to build the sorted key arrays of a segment. Not shared between
 * threads.
 */
#ifndef VG_SEGMENT_XSORT_H
#define VG_SEGMENT_XSORT_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"

typedef struct vg_xsort vg_xsort;

typedef struct vg_xsort_spec {
    size_t rec_size;
    /* The record's 16-bit bucket: the most significant part of the order. */
    uint32_t (*bucket)(const void *rec);
    /* Full order (consistent with bucket); ties keep no particular order. */
    int (*cmp)(const void *a, const void *b);
    size_t memory;          /* bytes for the record buffer (at least 64 records' worth is used) */
    const char *dir;        /* where run files go (created by the caller) */
    const char *name;       /* run file prefix, unique within dir */
    /*
     * Optional: a 64-bit summary of the order (key(a) < key(b) implies a
     * before b); records are sorted and merged on it, cmp only breaks ties.
     */
    uint64_t (*key)(const void *rec);
    /*
     * Optional: a shorter form, kept in the batches and the run files
     * alike. pack writes at most 255 bytes and returns their count; unpack
     * rebuilds the whole record from them.
     */
    size_t (*pack)(uint8_t *out, const void *rec);
    void (*unpack)(void *rec, const uint8_t *in, size_t n);
    /*
     * Optional: the most run files read at once (at least 2). 0: as many as a
     * quarter of the memory bound gives 64 KiB read buffers, at least 16, and
     * no more than the open-file limit allows. More runs than that are merged
     * in passes first (a national list at a small bound spills thousands).
     */
    unsigned fanin;
} vg_xsort_spec;

int vg_xsort_new(vg_xsort **out, const vg_xsort_spec *spec, vigil_error *err);
/* Copy one record in; spills a sorted run when the buffer is full. */
int vg_xsort_add(vg_xsort *x, const void *rec, vigil_error *err);
/*
 * The place of the next record, to be filled in place and then kept with
 * vg_xsort_push (or left, not pushed); NULL on failure. Spills when full.
 */
void *vg_xsort_slot(vg_xsort *x, vigil_error *err);
void vg_xsort_push(vg_xsort *x);
/* No more records: sort what is buffered and prepare the merge. */
int vg_xsort_finish(vg_xsort *x, vigil_error *err);
/*
 * The next record in order, or NULL at the end (or on a read error: then
 * vg_xsort_failed() is nonzero and err is set). The pointer is valid until the next call.
 */
const void *vg_xsort_next(vg_xsort *x, vigil_error *err);
/* 0, or the (negative) vigil_code of the failure that stopped the sort. */
int vg_xsort_failed(const vg_xsort *x);
uint64_t vg_xsort_count(const vg_xsort *x);
unsigned vg_xsort_runs(const vg_xsort *x);   /* run files spilled so far */
/* Frees memory and removes the run files. */
void vg_xsort_free(vg_xsort *x);

#endif
