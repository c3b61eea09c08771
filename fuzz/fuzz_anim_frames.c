/*
 * Fuzz target: the frame count of GIF and animated WebP (src/media/anim_frames.c)
 * on any bytes, from memory and through a descriptor (its buffered pread path),
 * which must agree, and where a GIF stops short of its trailer, alike from both. Crashes, leaks and undefined behaviour are not fine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "media/anim_frames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned mem = vg_anim_frames_mem(data, size, 1000), fd_count;
    vg_gif_end mem_end, fd_end;
    int mem_cut = vg_anim_gif_end_mem(&mem_end, data, size);
    FILE *f = tmpfile();
    if (!f)
        return 0;
    if (fwrite(data, 1, size, f) == size && fflush(f) == 0) {
        fd_count = vg_anim_frames_fd(fileno(f), size, 1000);
        if (fd_count != mem)
            abort(); /* the two readers disagree */
        if (vg_anim_gif_end_fd(&fd_end, fileno(f), size) != mem_cut ||
            (mem_cut && strcmp(fd_end.why, mem_end.why) != 0) || mem_end.started < mem_end.frames ||
            (size >= 6 && (!memcmp(data, "GIF87a", 6) || !memcmp(data, "GIF89a", 6)) && mem < 1000 &&
             mem_end.frames != mem))
            abort(); /* the end of a GIF is found alike, and its whole frames are the ones counted */
    }
    fclose(f);
    return 0;
}
