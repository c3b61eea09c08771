/*
 * The portable kernels and the run-time choice between kernel tables. The
 * portable popcount is plain C (no CPU feature assumed), the reference the
 * others are tested against.
 */
#include <stdlib.h>
#include <string.h>

#include "pdqindex/pdq_kernels.h"

static inline int popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}

static inline int distance(const vg_pdq_words *a, const vg_pdq_words *b)
{
    return popcount64(a->w[0] ^ b->w[0]) + popcount64(a->w[1] ^ b->w[1]) + popcount64(a->w[2] ^ b->w[2]) +
           popcount64(a->w[3] ^ b->w[3]);
}

static void portable_run(uint16_t *d, const vg_pdq_words *q, const vg_pdq_words *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = (uint16_t)distance(q, &h[i]);
}

static void portable_gather(uint16_t *d, const vg_pdq_words *q, const vg_pdq_words *h, const vg_pdq_cand *c,
                            size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = (uint16_t)distance(&q[c[i].v], &h[c[i].id]);
}

const vg_pdq_kernels vg_pdq_kernels_portable = {"portable", portable_run, portable_gather};

static int cpu_has(const char *name)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (!strcmp(name, "avx2"))
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    if (!strcmp(name, "avx512"))
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq");
#endif
    return !strcmp(name, "portable");
}

const vg_pdq_kernels *vg_pdq_kernels_by_name(const char *name)
{
    static const vg_pdq_kernels *const all[] = {&vg_pdq_kernels_avx512, &vg_pdq_kernels_avx2,
                                                &vg_pdq_kernels_portable};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!strcmp(all[i]->name, name))
            return cpu_has(name) ? all[i] : NULL;
    return NULL;
}

int vg_pdq_kernels_select(const vg_pdq_kernels **out, vigil_error *err)
{
    const char *want = getenv("VIGIL_PDQ_IMPL");
    *out = &vg_pdq_kernels_portable;
    if (want && *want) {
        if (strcmp(want, "portable") && strcmp(want, "avx2") && strcmp(want, "avx512"))
            return vigil_error_set(err, VIGIL_EINPUT, "VIGIL_PDQ_IMPL=%s: not one of portable, avx2, avx512", want);
        if (!(*out = vg_pdq_kernels_by_name(want))) {
            *out = &vg_pdq_kernels_portable;
            return vigil_error_set(err, VIGIL_EINPUT, "VIGIL_PDQ_IMPL=%s: this CPU lacks %s", want,
                                   !strcmp(want, "avx2") ? "AVX2" : "AVX-512 VPOPCNTDQ");
        }
        return 0;
    }
    if (cpu_has("avx512"))
        *out = &vg_pdq_kernels_avx512;
    else if (cpu_has("avx2"))
        *out = &vg_pdq_kernels_avx2;
    return 0;
}
