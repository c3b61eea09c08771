/*
 * PNG through libpng's classic API: palette expanded, low-bit grey scaled to
 * 8 bits, 16-bit samples reduced to their high byte, alpha dropped (never
 * composited), gamma and colour chunks ignored (docs/pdq.md section 2).
 * Interlaced files need the whole picture in memory; the others stream.
 */
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "media/decode.h"

typedef struct pstate {
    png_structp png;
    png_infop info;
    const uint8_t *p;
    size_t n, off;
    int truncated;     /* libpng asked for bytes past the end */
    char msg[200];
    uint8_t *full;     /* interlaced: the whole picture */
    uint8_t *row;
} pstate;

/* Chunk names, each followed by a NUL, in the form png_set_keep_unknown_chunks takes. */
static const png_byte skipped_chunks[] = "tEXt\0zTXt\0iTXt\0iCCP\0sPLT\0pCAL\0sCAL\0hIST\0tIME\0"
                                         "bKGD\0pHYs\0oFFs\0sBIT\0eXIf\0gAMA\0cHRM\0sRGB\0";

static void on_error(png_structp png, png_const_charp msg)
{
    pstate *s = png_get_error_ptr(png);
    snprintf(s->msg, sizeof s->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png, (void)msg;
}

static void on_read(png_structp png, png_bytep out, png_size_t len)
{
    pstate *s = png_get_io_ptr(png);
    if (len > s->n - s->off) {
        s->truncated = 1;
        png_error(png, "truncated file");
    }
    memcpy(out, s->p + s->off, len);
    s->off += len;
}

static int decode(pstate *s, vg_raster *r, vigil_error *err)
{
    png_uint_32 w, h;
    int depth, ctype, interlace, passes;
    unsigned ch;
    size_t rowbytes, total;
    png_read_info(s->png, s->info);
    png_get_IHDR(s->png, s->info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
    png_set_palette_to_rgb(s->png);
    png_set_expand_gray_1_2_4_to_8(s->png);
    png_set_strip_16(s->png);
    png_set_strip_alpha(s->png);
    passes = png_set_interlace_handling(s->png);
    png_read_update_info(s->png, s->info);
    ch = png_get_channels(s->png, s->info);
    rowbytes = png_get_rowbytes(s->png, s->info);
    if ((ch != 1 && ch != 3) || rowbytes != (size_t)w * ch)
        return vigil_error_set(err, VIGIL_EINPUT, "png: unexpected layout (%u channels, depth %d)", ch, depth);
    {
        int rc = vg_raster_begin(r, w, h, ch, "png", err);
        if (rc < 0)
            return rc;
    }
    if (passes > 1) {
        if (vg_mul_size(&total, rowbytes, h) < 0 || !(s->full = malloc(total)))
            return vigil_error_set(err, VIGIL_ENOMEM, "png: out of memory for %ux%u interlaced", w, h);
        for (int pass = 0; pass < passes; pass++)
            for (png_uint_32 y = 0; y < h; y++)
                png_read_row(s->png, s->full + (size_t)y * rowbytes, NULL);
        for (png_uint_32 y = 0; y < h; y++)
            vg_raster_row(r, y, s->full + (size_t)y * rowbytes);
    } else {
        if (!(s->row = malloc(rowbytes)))
            return vigil_error_set(err, VIGIL_ENOMEM, "png: out of memory");
        for (png_uint_32 y = 0; y < h; y++) {
            png_read_row(s->png, s->row, NULL);
            vg_raster_row(r, y, s->row);
        }
    }
    return 0;
}

int vg_decode_png(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err)
{
    pstate *s = calloc(1, sizeof *s);
    int rc;
    if (!s)
        return vigil_error_set(err, VIGIL_ENOMEM, "png: out of memory");
    s->p = p;
    s->n = n;
    s->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, on_error, on_warning);
    if (!s->png || !(s->info = png_create_info_struct(s->png))) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "png: out of memory");
        goto done;
    }
    png_set_read_fn(s->png, s, on_read);
    /*
     * Ancillary chunks that never change the samples we keep are skipped unread: libpng would
     * otherwise allocate whatever length a text or profile chunk claims (gigabytes from a
     * 200-byte file). Colour chunks are ignored anyway (no gamma or colour calls are made).
     */
    png_set_keep_unknown_chunks(s->png, PNG_HANDLE_CHUNK_NEVER, skipped_chunks,
                                (int)(sizeof skipped_chunks - 1) / 5);
    png_set_chunk_malloc_max(s->png, (png_alloc_size_t)(n < ((size_t)8 << 20) ? ((size_t)8 << 20) : n));
    if (setjmp(png_jmpbuf(s->png))) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "png: %s", s->msg[0] ? s->msg : "corrupt file");
        r->fail = s->truncated ? VIGIL_IMAGE_FAIL_TRUNCATED : VIGIL_IMAGE_FAIL_CORRUPT;
        r->fail_at = (int64_t)(s->truncated ? s->n : s->off);
        goto done;
    }
    rc = decode(s, r, err);
    if (rc == 0)
        png_read_end(s->png, NULL);
done:
    png_destroy_read_struct(s->png ? &s->png : NULL, s->info ? &s->info : NULL, NULL);
    free(s->full);
    free(s->row);
    free(s);
    return rc;
}
