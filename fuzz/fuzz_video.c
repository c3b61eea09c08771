/*
 * Fuzz target: video decoding and vPDQ from memory (src/media/video_decode.c,
 * vpdq_hash.c) on any bytes. Errors are fine; crashes, leaks and undefined
 * behaviour are not. Frames, stream time and decode time are bounded so that
 * a claimed hour of video cannot hold the fuzzer.
 */
#include <stdint.h>
#include <stdlib.h>

#include "vigil/vpdq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_vpdq_opts o;
    vigil_vpdq v;
    vigil_vpdq_opts_init(&o);
    o.max_frames = 8;
    o.max_video_seconds = 30;
    o.max_decode_seconds = 5;
    if (vigil_vpdq_mem(&v, data, size, &o, NULL) == 0) {
        vigil_vpdq_quality_median(&v);
        vigil_vpdq_dispose(&v);
    }
    return 0;
}
