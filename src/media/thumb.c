/*
 * Thumbnails: a box (area-average) reduction of the decoded pixels to the
 * thumbnail size, then libjpeg-turbo's encoder into memory. The decoded
 * picture may already be squeezed to 512 x 512 by the PDQ rule; the target
 * size follows the stored aspect, so the thumbnail is not distorted.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#include "media/thumb.h"

void vg_thumb_size(uint32_t *w, uint32_t *h, uint32_t src_w, uint32_t src_h)
{
    uint32_t longest = src_w > src_h ? src_w : src_h;
    if (!src_w || !src_h) {
        *w = *h = 1;
        return;
    }
    if (longest <= VG_THUMB_SIDE) {
        *w = src_w;
        *h = src_h;
        return;
    }
    /* rounded, and never 0: a 4000 x 3 strip still has one row */
    *w = (uint32_t)(((uint64_t)src_w * VG_THUMB_SIDE + longest / 2) / longest);
    *h = (uint32_t)(((uint64_t)src_h * VG_THUMB_SIDE + longest / 2) / longest);
    *w = *w ? *w : 1;
    *h = *h ? *h : 1;
}

/* The span [*lo, *hi) of n input samples that output i of m covers (at least one). */
static void span(uint32_t *lo, uint32_t *hi, uint32_t i, uint32_t m, uint32_t n)
{
    *lo = (uint32_t)((uint64_t)i * n / m);
    *hi = (uint32_t)((uint64_t)(i + 1) * n / m);
    if (*hi <= *lo)
        *hi = *lo + 1;
}

/*
 * Each output pixel is the rounded mean of the block of input pixels it covers. Input rows are
 * read in order, each added into one row of sums per output row: the picture is walked once.
 * A block's part of one row is summed in 32 bits (it is at most a few thousand samples), the
 * block in 64.
 */
static int box_reduce(uint8_t *out, uint32_t tw, uint32_t th, const vigil_image *in)
{
    unsigned ch = in->channels;
    uint32_t *x0 = malloc(tw * sizeof *x0), *x1 = malloc(tw * sizeof *x1);
    uint64_t *sum = calloc((size_t)tw * ch, sizeof *sum);
    if (!x0 || !x1 || !sum) {
        free(x0), free(x1), free(sum);
        return -1;
    }
    for (uint32_t tx = 0; tx < tw; tx++)
        span(&x0[tx], &x1[tx], tx, tw, in->width);
    for (uint32_t ty = 0; ty < th; ty++) {
        uint32_t y0, y1;
        span(&y0, &y1, ty, th, in->height);
        memset(sum, 0, (size_t)tw * ch * sizeof *sum);
        for (uint32_t y = y0; y < y1; y++) {
            const uint8_t *row = in->pixels + (size_t)y * in->width * ch;
            for (uint32_t tx = 0; tx < tw; tx++) {
                uint64_t *acc = sum + (size_t)tx * ch;
                const uint8_t *p = row + (size_t)x0[tx] * ch, *e = row + (size_t)x1[tx] * ch;
                if (ch == 3) {
                    uint32_t r = 0, g = 0, b = 0;
                    for (; p < e; p += 3)
                        r += p[0], g += p[1], b += p[2];
                    acc[0] += r, acc[1] += g, acc[2] += b;
                } else {
                    uint32_t v = 0;
                    for (; p < e; p++)
                        v += *p;
                    acc[0] += v;
                }
            }
        }
        for (uint32_t tx = 0; tx < tw; tx++) {
            uint64_t count = (uint64_t)(y1 - y0) * (x1[tx] - x0[tx]);
            for (unsigned c = 0; c < ch; c++)
                out[((size_t)ty * tw + tx) * ch + c] = (uint8_t)((sum[(size_t)tx * ch + c] + count / 2) / count);
        }
    }
    free(x0), free(x1), free(sum);
    return 0;
}

typedef struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jmp;
    char msg[JMSG_LENGTH_MAX];
} jerr;

static void on_error(j_common_ptr c)
{
    jerr *e = (jerr *)c->err;
    c->err->format_message(c, e->msg);
    longjmp(e->jmp, 1);
}

static void on_message(j_common_ptr c, int level)
{
    (void)c, (void)level;
}

/* The encoder's state lives on the heap: setjmp/longjmp leave locals undefined. */
typedef struct enc {
    struct jpeg_compress_struct cinfo;
    jerr err;
    unsigned char *buf;
    unsigned long len;
    int rc;
} enc;

static int encode(unsigned char **jpeg, size_t *len, const uint8_t *px, uint32_t w, uint32_t h, unsigned ch,
                  vigil_error *err)
{
    enc *e = calloc(1, sizeof *e);
    struct jpeg_compress_struct *ci;
    int rc;
    if (!e)
        return vigil_error_set(err, VIGIL_ENOMEM, "thumbnail: out of memory");
    ci = &e->cinfo;
    ci->err = jpeg_std_error(&e->err.pub);
    e->err.pub.error_exit = on_error;
    e->err.pub.emit_message = on_message;
    if (setjmp(e->err.jmp)) {
        e->rc = vigil_error_set(err, VIGIL_EINTERNAL, "thumbnail: jpeg: %s", e->err.msg);
        free(e->buf);
        e->buf = NULL;
        goto done;
    }
    jpeg_create_compress(ci);
    jpeg_mem_dest(ci, &e->buf, &e->len);
    ci->image_width = w;
    ci->image_height = h;
    ci->input_components = (int)ch;
    ci->in_color_space = ch == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(ci);
    jpeg_set_quality(ci, VG_THUMB_QUALITY, TRUE);
    jpeg_start_compress(ci, TRUE);
    while (ci->next_scanline < ci->image_height) {
        JSAMPROW row[1] = {(JSAMPROW)(px + (size_t)ci->next_scanline * w * ch)};
        jpeg_write_scanlines(ci, row, 1);
    }
    jpeg_finish_compress(ci);
    *jpeg = e->buf;
    *len = e->len;
done:
    jpeg_destroy_compress(ci);
    rc = e->rc;
    free(e);
    return rc;
}

int vg_thumb_jpeg(unsigned char **jpeg, size_t *len, const vigil_image *img, vigil_error *err)
{
    uint32_t tw, th;
    uint8_t *px;
    int rc;
    *jpeg = NULL;
    *len = 0;
    if (!img->pixels || !img->width || !img->height || (img->channels != 1 && img->channels != 3))
        return vigil_error_set(err, VIGIL_EINPUT, "thumbnail: no pixels");
    vg_thumb_size(&tw, &th, img->src_width ? img->src_width : img->width,
                  img->src_height ? img->src_height : img->height);
    if (!(px = malloc((size_t)tw * th * img->channels)))
        return vigil_error_set(err, VIGIL_ENOMEM, "thumbnail: out of memory");
    if (box_reduce(px, tw, th, img) < 0)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "thumbnail: out of memory");
    else
        rc = encode(jpeg, len, px, tw, th, img->channels, err);
    free(px);
    return rc;
}
