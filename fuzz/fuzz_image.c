/*
 * Fuzz target: a disk image in memory through the image source: volume
 * system and file systems (TSK), the walk of every file system, every file's
 * content read to its end, and the unallocated extents computed for carving,
 * as the scan does (fuzz_image_walk.h). Bytes read per input are capped.
 */
#include <stdint.h>

#include "fuzz_image_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_image *im;
    char why[256];
    if (vg_image_open_mem(&im, data, size, why, sizeof why) == 0)
        fuzz_walk_image(im);
    return 0;
}
