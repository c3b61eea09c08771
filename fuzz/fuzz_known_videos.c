/*
 * Fuzz target: the known-video file beside a segment
 * (src/segment/known_videos.c), on any bytes; what it accepts is matched
 * against itself, as a scan would use it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "segment/known_videos.h"
#include "vigil/vpdq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_vpdq_list l = {0};
    if (vg_kv_parse(&l, data, size, "fuzz", NULL) == 0)
        for (size_t i = 1; i < l.n; i++) {
            vigil_vpdq_match m;
            if (vigil_vpdq_compare(&m, l.videos[0].frames, l.videos[0].n, l.videos[i].frames, l.videos[i].n, NULL,
                                   NULL) == 0)
                vigil_vpdq_match_dispose(&m);
        }
    vigil_vpdq_list_dispose(&l);
    return 0;
}
