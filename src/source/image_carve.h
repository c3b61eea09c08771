/* Carving pictures out of an image's unallocated space, through the carver (src/carve). */
#ifndef VG_SOURCE_IMAGE_CARVE_H
#define VG_SOURCE_IMAGE_CARVE_H
#include <signal.h>
#include <stdint.h>

#include "source/image.h"

typedef struct vg_carved {
    uint64_t offset, length;    /* image offset of the first byte */
    const char *type, *mime;
    const uint8_t *data;        /* valid during the callback only */
} vg_carved;

typedef struct vg_carve_counts {
    uint64_t bytes_scanned, candidates, carved, rejected;
} vg_carve_counts;

/* Return 0 to go on, non-zero to stop. */
typedef int (*vg_carved_fn)(void *ud, const vg_carved *hit);

/* Carve the extents (image byte ranges, in order) of im; counts are added to
 * *counts. Returns 0, or -1 with why. */
int vg_image_carve(vg_image *im, const vg_image_extent *ext, size_t n, uint64_t max_size,
                   volatile sig_atomic_t *stop, vg_carved_fn fn, void *ud, vg_carve_counts *counts,
                   char *why, size_t cap);

#endif
