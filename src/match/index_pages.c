/*
 * The index with bounded memory (vigil_index_bound_memory): lookups read
 * their keys with pread, so that no key page stays mapped; a hit still reads
 * its meta row, entry row and strings through the mapping, and every
 * VIGIL_INDEX_BOUND_HITS hits (all threads together) the segments' pages are
 * let go. The others carry on meanwhile: a page let go under a lookup faults
 * back in from the page cache.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "match/index_int.h"

/* Keys of one digest read at a time; a longer run (one digest shared by more entries) is searched mapped. */
#define RUN_MAX 16

void vigil_index_bound_memory(vigil_index *ix)
{
    if (!ix->pages)
        ix->pages = calloc(1, sizeof *ix->pages); /* out of memory: all stays mapped, lookups still answer */
}

void vg_ix_pages_hit(const vigil_index *ix)
{
    unsigned long n = atomic_fetch_add_explicit(&ix->pages->hits, 1, memory_order_relaxed) + 1;
    if (n % VIGIL_INDEX_BOUND_HITS)
        return;
    for (size_t i = 0; i < ix->nsets; i++)
        vg_seg_release_pages(&ix->sets[i].seg);
}

int64_t vg_ix_find_read(const vigil_index *ix, size_t i, int a, const uint8_t *d)
{
    const vg_segment *s = &ix->sets[i].seg;
    uint32_t rows[RUN_MAX];
    size_t n = vg_seg_read_rows(s, a, d, rows, RUN_MAX);
    for (size_t k = 0; k < n && k < RUN_MAX; k++)
        if (rows[k] < s->h->entries && !vg_ix_disputed(ix, i, rows[k]))
            return rows[k];
    if (n > RUN_MAX) { /* past the rows read: the mapped search, rare enough to leave its pages */
        uint64_t first, cnt = vg_seg_find_all(s, a, d, &first);
        for (uint64_t k = RUN_MAX; k < cnt; k++) {
            uint32_t row = vg_seg_key_row(s, a, first + k);
            if (row < s->h->entries && !vg_ix_disputed(ix, i, row))
                return row;
        }
    }
    return -1;
}
