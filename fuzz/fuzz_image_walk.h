/*
 * What the scan does with an opened disk image, for the image fuzz targets:
 * the walk of every file system, every file's content read to its end, and
 * the unallocated extents computed for carving. Bytes read per input are capped.
 */
#ifndef VG_FUZZ_IMAGE_WALK_H
#define VG_FUZZ_IMAGE_WALK_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/image.h"

#define FUZZ_IMAGE_MAX_BYTES (16u << 20)
#define FUZZ_IMAGE_MAX_FILES 4096

typedef struct fuzz_walk {
    vg_image *im;
    uint64_t bytes, files;
    uint8_t buf[64 * 1024];
} fuzz_walk;

static int fuzz_on_file(void *ud, const vg_image_file *f)
{
    fuzz_walk *w = ud;
    vg_image_stream *s;
    uint64_t size;
    char why[256];
    ssize_t n;
    volatile size_t len = strlen(f->path); /* touch what the scan reads */
    (void)len;
    if (++w->files > FUZZ_IMAGE_MAX_FILES || w->bytes > FUZZ_IMAGE_MAX_BYTES)
        return 1;
    if (f->type != VIGIL_ITEM_FILE || f->reallocated)
        return 0;
    if (vg_image_stream_open(&s, w->im, &f->ref, &size, why, sizeof why) < 0)
        return 0;
    while ((n = vg_image_stream_read(s, w->buf, sizeof w->buf, why, sizeof why)) > 0)
        if ((w->bytes += (uint64_t)n) > FUZZ_IMAGE_MAX_BYTES)
            break;
    vg_image_stream_close(s);
    return 0;
}

/* Walk, read and list the unallocated space of every region of im, then close it. */
static void fuzz_walk_image(vg_image *im)
{
    fuzz_walk *w = calloc(1, sizeof *w);
    char why[256];
    if (w) {
        w->im = im;
        for (size_t i = 0; i < vg_image_nregions(im); i++) {
            vg_image_extent *ext = NULL;
            size_t n = 0;
            if (vg_image_region_at(im, i)->kind == VG_REGION_FS)
                vg_image_walk(im, i, fuzz_on_file, w, NULL, why, sizeof why);
            if (vg_image_unallocated(&ext, &n, im, i, why, sizeof why) == 0)
                free(ext);
        }
        free(w);
    }
    vg_image_close(im);
}

#endif
