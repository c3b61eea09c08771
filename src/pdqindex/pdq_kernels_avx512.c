/*
 * AVX-512 kernels: two hashes per 512-bit register, vpopcntq on each word,
 * eight hashes reduced together to eight totals. Needs AVX512F and
 * AVX512_VPOPCNTDQ; built with a target attribute and only called after the
 * CPU was checked (pdq_kernels.c).
 */
#include "pdqindex/pdq_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512vpopcntdq,popcnt")))

/*
 * p0..p3 hold word popcounts of hashes (A,B), (C,D), (E,F), (G,H), four
 * words each; the eight totals come back in order A..H.
 */
AVX512 static inline __m512i reduce8(__m512i p0, __m512i p1, __m512i p2, __m512i p3)
{
    /* per 128-bit block: [w0+w1 of the first, w0+w1 of the second] and likewise w2+w3 */
    __m512i u01 = _mm512_add_epi64(_mm512_unpacklo_epi64(p0, p1), _mm512_unpackhi_epi64(p0, p1));
    __m512i u23 = _mm512_add_epi64(_mm512_unpacklo_epi64(p2, p3), _mm512_unpackhi_epi64(p2, p3));
    /* u01 blocks: [A01 C01][A23 C23][B01 D01][B23 D23]; u23 the same for E..H */
    __m512i x = _mm512_shuffle_i64x2(u01, u23, _MM_SHUFFLE(2, 0, 2, 0));
    __m512i y = _mm512_shuffle_i64x2(u01, u23, _MM_SHUFFLE(3, 1, 3, 1));
    __m512i s = _mm512_add_epi64(x, y); /* A C B D E G F H */
    return _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 1, 3, 4, 6, 5, 7), s);
}

AVX512 static inline __m512i pair(const vg_pdq_words *a, const vg_pdq_words *b)
{
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)a)),
                              _mm256_loadu_si256((const __m256i *)b), 1);
}

AVX512 static inline int one(const vg_pdq_words *q, const vg_pdq_words *h)
{
    return __builtin_popcountll(q->w[0] ^ h->w[0]) + __builtin_popcountll(q->w[1] ^ h->w[1]) +
           __builtin_popcountll(q->w[2] ^ h->w[2]) + __builtin_popcountll(q->w[3] ^ h->w[3]);
}

AVX512 static void avx512_run(uint16_t *d, const vg_pdq_words *q, const vg_pdq_words *h, size_t n)
{
    __m512i vq = pair(q, q);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m512i *p = (const __m512i *)&h[i];
        __m512i s = reduce8(_mm512_popcnt_epi64(_mm512_xor_si512(vq, _mm512_loadu_si512(p))),
                            _mm512_popcnt_epi64(_mm512_xor_si512(vq, _mm512_loadu_si512(p + 1))),
                            _mm512_popcnt_epi64(_mm512_xor_si512(vq, _mm512_loadu_si512(p + 2))),
                            _mm512_popcnt_epi64(_mm512_xor_si512(vq, _mm512_loadu_si512(p + 3))));
        _mm_storeu_si128((__m128i *)(d + i), _mm512_cvtepi64_epi16(s));
    }
    for (; i < n; i++)
        d[i] = (uint16_t)one(q, &h[i]);
}

AVX512 static inline __m512i cand_pair(const vg_pdq_words *q, const vg_pdq_words *h, const vg_pdq_cand *c)
{
    return _mm512_popcnt_epi64(_mm512_xor_si512(pair(&q[c[0].v], &q[c[1].v]), pair(&h[c[0].id], &h[c[1].id])));
}

AVX512 static void avx512_gather(uint16_t *d, const vg_pdq_words *q, const vg_pdq_words *h, const vg_pdq_cand *c,
                                 size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512i s = reduce8(cand_pair(q, h, c + i), cand_pair(q, h, c + i + 2), cand_pair(q, h, c + i + 4),
                            cand_pair(q, h, c + i + 6));
        _mm_storeu_si128((__m128i *)(d + i), _mm512_cvtepi64_epi16(s));
    }
    for (; i < n; i++)
        d[i] = (uint16_t)one(&q[c[i].v], &h[c[i].id]);
}

const vg_pdq_kernels vg_pdq_kernels_avx512 = {"avx512", avx512_run, avx512_gather};
#else
/* Never selected off x86 (vg_pdq_kernels_by_name checks the CPU first). */
const vg_pdq_kernels vg_pdq_kernels_avx512 = {"avx512", NULL, NULL};
#endif
