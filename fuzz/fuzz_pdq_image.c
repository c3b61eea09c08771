/*
 * Fuzz target: the picture path of the scan pipeline: recognise the format by
 * its magic bytes, decode through the 512 rule, hash with PDQ and its eight
 * orientations, exactly as a reader does with a file's bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "vigil/image.h"
#include "vigil/pdq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_decode_opts o = {.max_pixels = 16u << 20};
    vigil_image img;
    vigil_pdq_result r;
    if (vigil_image_decode(&img, data, size, &o, NULL) == 0) {
        if (vigil_pdq_image(&r, &img, NULL) == 0 && r.has_hash && (r.quality < 0 || r.quality > 100))
            abort(); /* quality is 0..100 by construction */
        vigil_image_dispose(&img);
    }
    return 0;
}
