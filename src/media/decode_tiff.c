/*
 * TIFF through libtiff from memory: the first directory, converted to RGB by
 * libtiff's RGBA interface (every photometric and bit depth it knows), top
 * row first. libtiff's messages are captured per file, never printed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "media/decode.h"

typedef struct tsrc {
    const uint8_t *p;
    toff_t n, off;
    char msg[200];
    int short_read;   /* libtiff asked for bytes past the end */
} tsrc;

static tmsize_t t_read(thandle_t h, void *buf, tmsize_t len)
{
    tsrc *s = h;
    toff_t k = len < 0 ? 0 : (toff_t)len;
    if (s->off >= s->n || k > s->n - s->off)
        s->short_read = 1;
    if (s->off >= s->n)
        return 0;
    if (k > s->n - s->off)
        k = s->n - s->off;
    memcpy(buf, s->p + s->off, (size_t)k);
    s->off += k;
    return (tmsize_t)k;
}

static tmsize_t t_write(thandle_t h, void *buf, tmsize_t len)
{
    (void)h, (void)buf, (void)len;
    return -1;
}

static toff_t t_seek(thandle_t h, toff_t off, int whence)
{
    tsrc *s = h;
    toff_t base = whence == SEEK_CUR ? s->off : whence == SEEK_END ? s->n : 0;
    s->off = base + off;
    return s->off;
}

static int t_close(thandle_t h)
{
    (void)h;
    return 0;
}

static toff_t t_size(thandle_t h)
{
    return ((tsrc *)h)->n;
}

static int on_error(TIFF *t, void *ud, const char *module, const char *fmt, va_list ap)
{
    tsrc *s = ud;
    (void)t, (void)module;
    if (!s->msg[0])
        vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    return 1;
}

static int on_warning(TIFF *t, void *ud, const char *module, const char *fmt, va_list ap)
{
    (void)t, (void)ud, (void)module, (void)fmt, (void)ap;
    return 1;
}

int vg_decode_tiff(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err)
{
    tsrc s = {p, n, 0, "", 0};
    TIFFOpenOptions *to = TIFFOpenOptionsAlloc();
    TIFF *t;
    uint32_t w = 0, h = 0, *px = NULL;
    uint8_t *row = NULL;
    int rc = 0;
    if (!to)
        return vigil_error_set(err, VIGIL_ENOMEM, "tiff: out of memory");
    TIFFOpenOptionsSetErrorHandlerExtR(to, on_error, &s);
    TIFFOpenOptionsSetWarningHandlerExtR(to, on_warning, &s);
    t = TIFFClientOpenExt("memory", "rm", &s, t_read, t_write, t_seek, t_close, t_size, NULL, NULL, to);
    TIFFOpenOptionsFree(to);
    if (!t) {
        if (s.short_read)
            r->fail = VIGIL_IMAGE_FAIL_TRUNCATED;
        return vigil_error_set(err, VIGIL_EINPUT, "tiff: %s", s.msg[0] ? s.msg : "cannot open");
    }
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
    if ((rc = vg_raster_begin(r, w, h, 3, "tiff", err)) < 0)
        goto done;
    if (!(px = malloc((size_t)w * h * sizeof *px)) || !(row = malloc((size_t)w * 3))) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "tiff: out of memory for %ux%u", w, h);
        goto done;
    }
    if (!TIFFReadRGBAImageOriented(t, w, h, px, ORIENTATION_TOPLEFT, 0)) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "tiff: %s", s.msg[0] ? s.msg : "cannot decode");
        if (s.short_read)
            r->fail = VIGIL_IMAGE_FAIL_TRUNCATED;
        goto done;
    }
    for (uint32_t y = 0; y < h; y++) {
        const uint32_t *src = px + (size_t)y * w;
        for (uint32_t x = 0; x < w; x++) {
            row[3 * x] = (uint8_t)TIFFGetR(src[x]);
            row[3 * x + 1] = (uint8_t)TIFFGetG(src[x]);
            row[3 * x + 2] = (uint8_t)TIFFGetB(src[x]);
        }
        vg_raster_row(r, y, row);
    }
done:
    TIFFClose(t);
    free(px);
    free(row);
    return rc;
}
