/*
 * Fuzz target: a disk image in memory through the image source: volume
 * system and file systems (TSK), the walk of every file system, every file's
 * content read to its end, and the unallocated extents computed for carving,
 * as the scan does. Bytes read per input are capped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BYTES (16u << 20)
#define MAX_FILES 4096

typedef struct walk {
    vg_image *im;
    uint64_t bytes, files;
    uint8_t buf[64 * 1024];
} walk;

static int on_file(void *ud, const vg_image_file *f)
{
    walk *w = ud;
    vg_image_stream *s;
    uint64_t size;
    char why[256];
    ssize_t n;
    volatile size_t len = strlen(f->path); /* touch what the scan reads */
    (void)len;
    if (++w->files > MAX_FILES || w->bytes > MAX_BYTES)
        return 1;
    if (f->type != VIGIL_ITEM_FILE || f->reallocated)
        return 0;
    if (vg_image_stream_open(&s, w->im, &f->ref, &size, why, sizeof why) < 0)
        return 0;
    while ((n = vg_image_stream_read(s, w->buf, sizeof w->buf, why, sizeof why)) > 0)
        if ((w->bytes += (uint64_t)n) > MAX_BYTES)
            break;
    vg_image_stream_close(s);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    walk *w = calloc(1, sizeof *w);
    char why[256];
    if (!w)
        return 0;
    if (vg_image_open_mem(&w->im, data, size, why, sizeof why) == 0) {
        for (size_t i = 0; i < vg_image_nregions(w->im); i++) {
            vg_image_extent *ext = NULL;
            size_t n = 0;
            if (vg_image_region_at(w->im, i)->kind == VG_REGION_FS)
                vg_image_walk(w->im, i, on_file, w, NULL, why, sizeof why);
            if (vg_image_unallocated(&ext, &n, w->im, i, why, sizeof why) == 0)
                free(ext);
        }
        vg_image_close(w->im);
    }
    free(w);
    return 0;
}
