/*
 * Seeded PDQ hashes for tests and benchmarks: random 256-bit hashes, hashes
 * at an exact distance from another, and list entry i made again on its own.
 * One generator (splitmix64), so every fixture draws the same way.
 */
#ifndef VIGIL_PDQGEN_H
#define VIGIL_PDQGEN_H

#include <stdint.h>

#include "vigil/pdq.h"

typedef struct pdqgen {
    uint64_t state;
} pdqgen;

/* The next 64 random bits. */
uint64_t pdqgen_next(pdqgen *g);

/* A random hash. */
void pdqgen_hash(pdqgen *g, vigil_pdq_hash *h);

/* h with d distinct bits flipped (d <= 256): at distance exactly d from what it was. */
void pdqgen_flip(pdqgen *g, vigil_pdq_hash *h, int d);

/* Entry i of the list made from seed: any entry is made again without the others. */
void pdqgen_listed(vigil_pdq_hash *h, uint64_t seed, uint64_t i);

#endif
