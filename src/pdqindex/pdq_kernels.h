/*
 * Popcount kernels for PDQ distances, one table per CPU feature level
 * (portable C, AVX2, AVX-512 VPOPCNTDQ), picked at run time. Every kernel
 * gives exactly the portable one's answers; only the speed differs.
 */
#ifndef VG_PDQ_KERNELS_H
#define VG_PDQ_KERNELS_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"
#include "vigil/pdq.h"

/* A PDQ hash as four 64-bit words (the bytes loaded in memory order, as vigil_pdq_distance does). */
typedef struct vg_pdq_words {
    uint64_t w[4];
} vg_pdq_words;

/* One candidate to verify: an entry and the query orientation (and index chunk) that found it. */
typedef struct vg_pdq_cand {
    uint32_t id;
    uint8_t v;      /* dihedral variant of the query */
    uint8_t c;      /* chunk it was found through */
} vg_pdq_cand;

typedef struct vg_pdq_kernels {
    const char *name;   /* "portable", "avx2", "avx512" */
    /* d[i] = distance(q, h[i]) for i < n: the linear scan's inner loop */
    void (*run)(uint16_t *d, const vg_pdq_words *q, const vg_pdq_words *h, size_t n);
    /* d[i] = distance(q[c[i].v], h[c[i].id]) for i < n: candidate verification */
    void (*gather)(uint16_t *d, const vg_pdq_words *q, const vg_pdq_words *h, const vg_pdq_cand *c, size_t n);
} vg_pdq_kernels;

extern const vg_pdq_kernels vg_pdq_kernels_portable;
extern const vg_pdq_kernels vg_pdq_kernels_avx2;
extern const vg_pdq_kernels vg_pdq_kernels_avx512;

/* The kernels of that name when this CPU can run them, else NULL. */
const vg_pdq_kernels *vg_pdq_kernels_by_name(const char *name);
/* The best kernels this CPU runs, or the ones VIGIL_PDQ_IMPL names (refused when the CPU lacks them). */
int vg_pdq_kernels_select(const vg_pdq_kernels **out, vigil_error *err);

static inline void vg_pdq_words_of(vg_pdq_words *out, const vigil_pdq_hash *h)
{
    for (int i = 0; i < 4; i++) {
        uint64_t x;
        __builtin_memcpy(&x, h->b + 8 * i, 8);
        out->w[i] = x;
    }
}

#endif
