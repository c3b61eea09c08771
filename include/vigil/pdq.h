/*
 * PDQ, the perceptual image hash used by hash-sharing programmes: 256 bits
 * plus a quality score 0..100, bit-exact with the C++ reference (see
 * docs/pdq.md), the eight dihedral variants and the Hamming distance.
 * Pure functions over caller-owned memory: safe from any number of threads.
 */
#ifndef VIGIL_PDQ_H
#define VIGIL_PDQ_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"
#include "vigil/image.h"

/* The 256-bit hash, most significant byte first (the order of its 64 hex digits). */
typedef struct vigil_pdq_hash {
    uint8_t b[32];
} vigil_pdq_hash;

/* The eight orientations, in the reference's order. */
typedef enum {
    VIGIL_PDQ_ORIG = 0,
    VIGIL_PDQ_ROT90,    /* rotated 90 degrees counter-clockwise */
    VIGIL_PDQ_ROT180,
    VIGIL_PDQ_ROT270,   /* rotated 90 degrees clockwise */
    VIGIL_PDQ_FLIPX,    /* mirrored top to bottom */
    VIGIL_PDQ_FLIPY,    /* mirrored left to right */
    VIGIL_PDQ_FLIPP,    /* transposed (main diagonal) */
    VIGIL_PDQ_FLIPM,    /* mirrored across the anti-diagonal */
    VIGIL_PDQ__DIHEDRAL
} vigil_pdq_dihedral;

/* The lowest quality worth matching, and the default match radius. */
#define VIGIL_PDQ_MIN_QUALITY 50
#define VIGIL_PDQ_MAX_DISTANCE 31

typedef struct vigil_pdq_result {
    int has_hash;                               /* 0: too small to hash (below 5 pixels a side) */
    int quality;                                /* 0..100 */
    vigil_pdq_hash hash[VIGIL_PDQ__DIHEDRAL];   /* [VIGIL_PDQ_ORIG] is the plain hash */
} vigil_pdq_result;

/* Name of a dihedral variant: "orig", "rot90", ... */
const char *vigil_pdq_dihedral_name(vigil_pdq_dihedral d);

/*
 * PDQ of a decoded image (vigil_image_decode without full_size, or any image
 * of at most 512 x 512). Too small to hash: has_hash = 0, quality 0, zero
 * hashes. VIGIL_ENOMEM or VIGIL_EINPUT (image over 512 a side) otherwise.
 */
int vigil_pdq_image(vigil_pdq_result *out, const vigil_image *img, vigil_error *err);

/*
 * Float buffers a thread reuses from one picture to the next (zero it before
 * the first use): grown to the largest picture seen, freed only by dispose,
 * so hashing many pictures costs no allocation and no fresh pages each.
 */
typedef struct vigil_pdq_work {
    float *buf;
    size_t cap;   /* floats */
} vigil_pdq_work;

/* vigil_pdq_image with the caller's buffers; one work per thread. */
int vigil_pdq_image_work(vigil_pdq_result *out, const vigil_image *img, vigil_pdq_work *work,
                         vigil_error *err);
void vigil_pdq_work_dispose(vigil_pdq_work *work);

/*
 * PDQ of a float32 luminance plane of w x h (each at most 512 after the
 * 512 rule; the caller applies it). scratch must hold max(w, 64) * h floats;
 * the luminance plane is overwritten.
 */
void vigil_pdq_luma(vigil_pdq_result *out, float *luma, float *scratch, uint32_t w, uint32_t h);

/* Hamming distance, 0..256. */
int vigil_pdq_distance(const vigil_pdq_hash *a, const vigil_pdq_hash *b);
/* 64 lower-case hex digits and a NUL into out[65]. */
void vigil_pdq_hex(char *out, const vigil_pdq_hash *h);
/* Parse 64 hex digits (either case); VIGIL_EINPUT on anything else. */
int vigil_pdq_parse(vigil_pdq_hash *out, const char *hex, size_t len, vigil_error *err);
/* 1 when every bit is zero (the "no hash" marker of other tools). */
int vigil_pdq_is_zero(const vigil_pdq_hash *h);

#endif
