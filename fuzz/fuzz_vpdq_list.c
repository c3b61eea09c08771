/*
 * Fuzz target: the vpdq list reader (src/formats/read_vpdq.c), both line
 * formats, on any bytes, then matching the first video against the others.
 */
#include <stdint.h>
#include <stdlib.h>

#include "vigil/vpdq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_vpdq_list l = {0};
    vigil_vpdq_list_parse(&l, (const char *)data, size, "fuzz", "fuzz-video", NULL);
    for (size_t i = 1; i < l.n; i++) {
        vigil_vpdq_match m;
        if (vigil_vpdq_compare(&m, l.videos[0].frames, l.videos[0].n, l.videos[i].frames, l.videos[i].n, NULL,
                               NULL) == 0)
            vigil_vpdq_match_dispose(&m);
    }
    vigil_vpdq_list_dispose(&l);
    return 0;
}
