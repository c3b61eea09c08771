/*
 * Fuzz target: the frame count of GIF and animated WebP (src/media/anim_frames.c)
 * on any bytes, from memory and through a descriptor (its buffered pread path),
 * which must agree. Crashes, leaks and undefined behaviour are not fine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>

#include "media/anim_frames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned mem = vg_anim_frames_mem(data, size, 1000), fd_count;
    FILE *f = tmpfile();
    if (!f)
        return 0;
    if (fwrite(data, 1, size, f) == size && fflush(f) == 0) {
        fd_count = vg_anim_frames_fd(fileno(f), size, 1000);
        if (fd_count != mem)
            abort(); /* the two readers disagree */
    }
    fclose(f);
    return 0;
}
