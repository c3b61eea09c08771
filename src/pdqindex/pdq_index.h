/*
 * Exact PDQ radius search by multi-index hashing. The 256 bits are cut into
 * m chunks; two hashes within distance r differ in at most floor(r / m) bits
 * of some chunk (pigeonhole), so probing each chunk's table with the query's
 * chunk and every value within that many bit flips finds every entry within
 * r (a generalised form with a budget per chunk: pdq_index.c). Each candidate is then verified with its full distance, so the answers
 * are exactly brute force's. Read-only once built; any number of threads may
 * search it at once.
 */
#ifndef VG_PDQ_INDEX_H
#define VG_PDQ_INDEX_H
#include <stddef.h>
#include <stdint.h>
#include "pdqindex/pdq_kernels.h"
#include "vigil/error.h"

/* The radius the chunk count is chosen for (larger ones work while VG_PDQ_INDEX_MAX_FLIPS suffice). */
#define VG_PDQ_INDEX_RADIUS 31
#define VG_PDQ_INDEX_MAX_FLIPS 3
#define VG_PDQ_INDEX_MIN_CHUNKS 10
#define VG_PDQ_INDEX_MAX_CHUNKS 16

typedef struct vg_pdq_index vg_pdq_index;

/*
 * Memory for a large random-access table: in 2 MiB pages where the kernel
 * grants them on request (madvise), since a random probe over gigabytes with
 * 4 KiB pages misses the TLB as well as the cache. Freed with free().
 */
void *vg_pdq_alloc_huge(size_t bytes, int zero);

/* Called once for every (entry, query orientation) within the radius. */
typedef void (*vg_pdq_found_fn)(void *ud, uint32_t id, int v, int d);

/*
 * Index the n hashes h (kept by the caller, not copied; n < 2^32), building
 * the chunk tables on up to `threads` threads. chunks 0 picks the count from n
 * (tests may force a count, VG_PDQ_INDEX_MIN_CHUNKS to _MAX_CHUNKS).
 */
int vg_pdq_index_build(vg_pdq_index **out, const vg_pdq_words *h, size_t n, int chunks, int threads,
                       vigil_error *err);
/*
 * An index over tables that already exist (a mapped index file): off[c] has
 * 2^bits + 1 and ids[c] n entries, as vg_pdq_chunk_table makes them, for the
 * layout of `chunks` chunks. Nothing is copied; the tables and h must outlive
 * it. A damaged table cannot make a search read outside it (offsets and ids
 * are bounded by n), only miss or add candidates, which are verified anyway.
 */
int vg_pdq_index_view(vg_pdq_index **out, const vg_pdq_words *h, size_t n, int chunks, const uint32_t *const *off,
                      const uint32_t *const *ids, vigil_error *err);
/* Chunk c of a `chunks`-chunk index covers bits [start[c], start[c] + bits[c]). */
void vg_pdq_index_layout(int chunks, unsigned start[], unsigned bits[]);
/* The chunk count vg_pdq_index_build picks for n entries. */
int vg_pdq_index_pick_chunks(size_t n);
/* One chunk's table: *off (2^bits + 1) and *ids (n), freed with free(). -1: out of memory. */
int vg_pdq_chunk_table(const vg_pdq_words *h, size_t n, unsigned start, unsigned bits, uint32_t **off,
                       uint32_t **ids);
void vg_pdq_index_free(vg_pdq_index *x);
int vg_pdq_index_chunks(const vg_pdq_index *x);
size_t vg_pdq_index_bytes(const vg_pdq_index *x);

/*
 * Every entry of h within r of each of the eight q, each pair once. Returns
 * -1, having reported nothing, when r is too large for this index (more than
 * VG_PDQ_INDEX_MAX_FLIPS flips in some chunk; 4 * chunks - 1 is always fine).
 */
int vg_pdq_index_search(const vg_pdq_index *x, const vg_pdq_words *h, const vg_pdq_kernels *k,
                        const vg_pdq_words q[VIGIL_PDQ__DIHEDRAL], int r, vg_pdq_found_fn fn, void *ud);

#endif
