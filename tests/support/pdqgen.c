#include "pdqgen.h"

#include <string.h>

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t pdqgen_next(pdqgen *g)
{
    uint64_t z = mix(g->state);
    g->state += 0x9e3779b97f4a7c15ULL;
    return z;
}

void pdqgen_hash(pdqgen *g, vigil_pdq_hash *h)
{
    for (int i = 0; i < 4; i++) {
        uint64_t x = pdqgen_next(g);
        memcpy(h->b + 8 * i, &x, 8);
    }
}

void pdqgen_flip(pdqgen *g, vigil_pdq_hash *h, int d)
{
    uint8_t used[256] = {0};
    for (int k = 0; k < d && k < 256;) {
        unsigned bit = (unsigned)(pdqgen_next(g) & 255);
        if (used[bit])
            continue;
        used[bit] = 1;
        h->b[bit >> 3] ^= (uint8_t)(1U << (bit & 7));
        k++;
    }
}

void pdqgen_listed(vigil_pdq_hash *h, uint64_t seed, uint64_t i)
{
    for (int k = 0; k < 4; k++) {
        uint64_t x = mix(seed * 0x100000001b3ULL ^ (i * 4 + (uint64_t)k));
        memcpy(h->b + 8 * k, &x, 8);
    }
}
