/*
 * AVX2 kernels: one hash is one 256-bit register; the popcount is the nibble
 * lookup with vpshufb summed by vpsadbw, four hashes reduced together. Built
 * with a target attribute so the rest of vigil keeps the baseline ISA; only
 * called after the CPU was checked (pdq_kernels.c).
 */
#include "pdqindex/pdq_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,popcnt")))

/* Four u64 byte-count sums per hash (vpsadbw) for x = q ^ h. */
AVX2 static inline __m256i sad_popcount(__m256i x)
{
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3,
                                           1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(x, low));
    __m256i hi = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
    return _mm256_sad_epu8(_mm256_add_epi8(lo, hi), _mm256_setzero_si256());
}

/* The four totals of a, b, c, d (each four partial sums), in that order. */
AVX2 static inline __m256i reduce4(__m256i a, __m256i b, __m256i c, __m256i d)
{
    __m256i ab = _mm256_add_epi64(_mm256_unpacklo_epi64(a, b), _mm256_unpackhi_epi64(a, b));
    __m256i cd = _mm256_add_epi64(_mm256_unpacklo_epi64(c, d), _mm256_unpackhi_epi64(c, d));
    return _mm256_add_epi64(_mm256_permute2x128_si256(ab, cd, 0x20), _mm256_permute2x128_si256(ab, cd, 0x31));
}

AVX2 static inline void store4(uint16_t *d, __m256i s)
{
    uint64_t t[4];
    _mm256_storeu_si256((__m256i *)t, s);
    for (int i = 0; i < 4; i++)
        d[i] = (uint16_t)t[i];
}

AVX2 static inline int one(const vg_pdq_words *q, const vg_pdq_words *h)
{
    return __builtin_popcountll(q->w[0] ^ h->w[0]) + __builtin_popcountll(q->w[1] ^ h->w[1]) +
           __builtin_popcountll(q->w[2] ^ h->w[2]) + __builtin_popcountll(q->w[3] ^ h->w[3]);
}

AVX2 static inline __m256i load(const vg_pdq_words *h)
{
    return _mm256_loadu_si256((const __m256i *)h);
}

AVX2 static void avx2_run(uint16_t *d, const vg_pdq_words *q, const vg_pdq_words *h, size_t n)
{
    __m256i vq = load(q);
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        store4(d + i, reduce4(sad_popcount(_mm256_xor_si256(vq, load(&h[i]))),
                              sad_popcount(_mm256_xor_si256(vq, load(&h[i + 1]))),
                              sad_popcount(_mm256_xor_si256(vq, load(&h[i + 2]))),
                              sad_popcount(_mm256_xor_si256(vq, load(&h[i + 3])))));
    for (; i < n; i++)
        d[i] = (uint16_t)one(q, &h[i]);
}

AVX2 static void avx2_gather(uint16_t *d, const vg_pdq_words *q, const vg_pdq_words *h, const vg_pdq_cand *c,
                             size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        store4(d + i, reduce4(sad_popcount(_mm256_xor_si256(load(&q[c[i].v]), load(&h[c[i].id]))),
                              sad_popcount(_mm256_xor_si256(load(&q[c[i + 1].v]), load(&h[c[i + 1].id]))),
                              sad_popcount(_mm256_xor_si256(load(&q[c[i + 2].v]), load(&h[c[i + 2].id]))),
                              sad_popcount(_mm256_xor_si256(load(&q[c[i + 3].v]), load(&h[c[i + 3].id])))));
    for (; i < n; i++)
        d[i] = (uint16_t)one(&q[c[i].v], &h[c[i].id]);
}

const vg_pdq_kernels vg_pdq_kernels_avx2 = {"avx2", avx2_run, avx2_gather};
#else
/* Never selected off x86 (vg_pdq_kernels_by_name checks the CPU first). */
const vg_pdq_kernels vg_pdq_kernels_avx2 = {"avx2", NULL, NULL};
#endif
