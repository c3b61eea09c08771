/*
 * GIF through giflib: the first frame only, at its own size, colours from
 * its local or the global colour table; the transparent index keeps its
 * table colour (no compositing), as for PNG alpha.
 */
#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>

#include "media/decode.h"

typedef struct gsrc {
    const uint8_t *p;
    size_t n, off;
} gsrc;

static int on_read(GifFileType *g, GifByteType *out, int len)
{
    gsrc *s = g->UserData;
    size_t k = len < 0 ? 0 : (size_t)len;
    if (k > s->n - s->off)
        k = s->n - s->off;
    memcpy(out, s->p + s->off, k);
    s->off += k;
    return (int)k;
}

static int first_frame(GifFileType *g, vg_raster *r, vigil_error *err)
{
    GifRecordType t;
    uint8_t *idx = NULL, *rgb = NULL;
    int rc = 0;
    for (;;) {
        if (DGifGetRecordType(g, &t) == GIF_ERROR)
            return vigil_error_set(err, VIGIL_EINPUT, "gif: %s", GifErrorString(g->Error));
        if (t == TERMINATE_RECORD_TYPE)
            return vigil_error_set(err, VIGIL_EINPUT, "gif: no image in the file");
        if (t == EXTENSION_RECORD_TYPE) {
            int code;
            GifByteType *ext;
            if (DGifGetExtension(g, &code, &ext) == GIF_ERROR)
                return vigil_error_set(err, VIGIL_EINPUT, "gif: %s", GifErrorString(g->Error));
            while (ext)
                if (DGifGetExtensionNext(g, &ext) == GIF_ERROR)
                    return vigil_error_set(err, VIGIL_EINPUT, "gif: %s", GifErrorString(g->Error));
            continue;
        }
        if (t == IMAGE_DESC_RECORD_TYPE)
            break;
    }
    if (DGifGetImageDesc(g) == GIF_ERROR)
        return vigil_error_set(err, VIGIL_EINPUT, "gif: %s", GifErrorString(g->Error));
    {
        const GifImageDesc *d = &g->Image;
        const ColorMapObject *cm = d->ColorMap ? d->ColorMap : g->SColorMap;
        uint32_t w = (uint32_t)d->Width, h = (uint32_t)d->Height;
        if (d->Width <= 0 || d->Height <= 0)
            return vigil_error_set(err, VIGIL_EINPUT, "gif: empty frame");
        if (!cm)
            return vigil_error_set(err, VIGIL_EINPUT, "gif: no colour table");
        if ((rc = vg_raster_begin(r, w, h, 3, "gif", err)) < 0)
            return rc;
        if (!(idx = malloc((size_t)w * h)) || !(rgb = malloc((size_t)w * 3))) {
            rc = vigil_error_set(err, VIGIL_ENOMEM, "gif: out of memory");
            goto done;
        }
        if (d->Interlace) {
            static const uint32_t start[] = {0, 4, 2, 1}, step[] = {8, 8, 4, 2};
            for (int pass = 0; pass < 4; pass++)
                for (uint32_t y = start[pass]; y < h; y += step[pass])
                    if (DGifGetLine(g, idx + (size_t)y * w, (int)w) == GIF_ERROR)
                        goto truncated;
        } else {
            for (uint32_t y = 0; y < h; y++)
                if (DGifGetLine(g, idx + (size_t)y * w, (int)w) == GIF_ERROR)
                    goto truncated;
        }
        for (uint32_t y = 0; y < h; y++) {
            const uint8_t *s = idx + (size_t)y * w;
            for (uint32_t x = 0; x < w; x++) {
                const GifColorType *c = s[x] < cm->ColorCount ? &cm->Colors[s[x]] : &cm->Colors[0];
                rgb[3 * x] = c->Red;
                rgb[3 * x + 1] = c->Green;
                rgb[3 * x + 2] = c->Blue;
            }
            vg_raster_row(r, y, rgb);
        }
    }
    goto done;
truncated:
    rc = vigil_error_set(err, VIGIL_EINPUT, "gif: %s", GifErrorString(g->Error));
done:
    free(idx);
    free(rgb);
    return rc;
}

int vg_decode_gif(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err)
{
    gsrc s = {p, n, 0};
    int e = 0, rc;
    GifFileType *g = DGifOpen(&s, on_read, &e);
    if (!g) {
        r->fail_at = (int64_t)s.off;
        return vigil_error_set(err, VIGIL_EINPUT, "gif: %s", GifErrorString(e));
    }
    rc = first_frame(g, r, err);
    if (rc < 0)
        r->fail_at = (int64_t)s.off;
    DGifCloseFile(g, &e);
    return rc;
}
