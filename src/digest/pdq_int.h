/*
 * PDQ stages shared with the tests: the 64 x 64 buffer after the Jarosz
 * filter and decimation, and the 16 x 16 DCT, so that a failing vector can be
 * compared with the reference's own intermediate buffers.
 */
#ifndef VG_DIGEST_PDQ_INT_H
#define VG_DIGEST_PDQ_INT_H
#include <stdint.h>
#include "vigil/pdq.h"

/* Luminance of w x h 8-bit pixels (1 or 3 channels) into luma. */
void vg_pdq_luminance(float *luma, const uint8_t *px, uint32_t w, uint32_t h, unsigned channels);
/* Filter (unless 64 x 64) and decimate luma (overwritten) into a64; scratch: max(w, 64) * h floats. */
void vg_pdq_buffer64(float a64[64 * 64], float *luma, float *scratch, uint32_t w, uint32_t h);
/* Quality of the 64 x 64 buffer. */
int vg_pdq_quality(const float a64[64 * 64]);
/* The 16 x 16 DCT corner B of the 64 x 64 buffer. */
void vg_pdq_dct(float b16[16 * 16], const float a64[64 * 64]);
/* The 128th smallest of 256 values, the same value sorting would put at [127]. */
float vg_pdq_median256(const float b[256]);
/* The eight dihedral hashes of B. */
void vg_pdq_hashes(vigil_pdq_hash out[8], const float b16[16 * 16]);
/* The DCT matrix (16 x 64), built once. */
const float *vg_pdq_dct_matrix(void);

#endif
