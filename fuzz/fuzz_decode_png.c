/*
 * Fuzz target: the png decoder wrapper (src/media/decode_png.c) on any bytes,
 * whatever they announce, then PDQ of whatever decoded. Errors are fine;
 * crashes, leaks and undefined behaviour are not. The pixel limit is lowered
 * so that a claimed size cannot exhaust the fuzzer's memory.
 */
#include <stdint.h>
#include <stdlib.h>

#include "media/decode.h"
#include "vigil/pdq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_decode_opts o = {.max_pixels = 16u << 20};
    vigil_image img;
    vigil_pdq_result r;
    if (vg_image_decode_as(&img, VIGIL_IMAGE_PNG, data, size, &o, NULL) == 0) {
        vigil_pdq_image(&r, &img, NULL);
        vigil_image_dispose(&img);
    }
    return 0;
}
