/*
 * JPEG through libjpeg-turbo with its defaults (accurate integer IDCT, fancy
 * upsampling), as the PDQ reference's decoder produces them; grey files stay
 * grey, Adobe CMYK/YCCK is converted the way ImageMagick does. A truncated
 * file is hashed as far as it decodes (libjpeg fills the rest mid-grey).
 * With dct_scale, a large file decodes at 1/2 to 1/8 scale in the DCT domain.
 * The bytes come from memory or, read a block at a time, from an open file
 * (a progressive wallpaper's coefficients are held without its bytes beside them).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jpeglib.h>
#include <jerror.h>

#include "media/decode.h"

typedef struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jmp;
    char msg[JMSG_LENGTH_MAX];
    int hit_end;      /* the source ran out (libjpeg's premature-end warning): the file is cut short */
} jerr;

static void on_error(j_common_ptr c)
{
    jerr *e = (jerr *)c->err;
    c->err->format_message(c, e->msg);
    longjmp(e->jmp, 1);
}

static void on_message(j_common_ptr c, int level)
{
    /* warnings (e.g. premature end of data) are tolerated, never printed; the end is noted */
    if (level < 0 && c->err->msg_code == JWRN_JPEG_EOF)
        ((jerr *)c->err)->hit_end = 1;
}

typedef struct jstate {
    struct jpeg_decompress_struct cinfo;
    jerr err;
    uint8_t *row;
    uint8_t *rgb;
    int cmyk;
} jstate;

/* ImageMagick's Adobe CMYK to RGB: the stored values are inverted (255 = no ink). */
static void cmyk_to_rgb(uint8_t *rgb, const uint8_t *cmyk, uint32_t w)
{
    for (uint32_t x = 0; x < w; x++, cmyk += 4, rgb += 3) {
        unsigned k = cmyk[3];
        rgb[0] = (uint8_t)((cmyk[0] * k + 127) / 255);
        rgb[1] = (uint8_t)((cmyk[1] * k + 127) / 255);
        rgb[2] = (uint8_t)((cmyk[2] * k + 127) / 255);
    }
}

/*
 * The largest of 1, 2, 4, 8 that keeps the short side at least 512 once libjpeg has
 * scaled it (it rounds up): PDQ reduces the picture to 512 x 512 anyway.
 */
static unsigned dct_denominator(uint32_t w, uint32_t h)
{
    uint32_t s = w < h ? w : h;
    unsigned d = 1;
    while (d < 8 && ((uint64_t)s + 2 * d - 1) / (2 * d) >= 512)
        d *= 2;
    return d;
}

/* ---- the bytes of an open file, read from its start FD_BLOCK at a time ---- */

#define FD_BLOCK (64 * 1024)

typedef struct fd_src {
    struct jpeg_source_mgr pub;
    int fd;
    off_t at;
    JOCTET buf[FD_BLOCK];
} fd_src;

static void fd_init(j_decompress_ptr c)
{
    (void)c;
}

/* As libjpeg's own sources: at the end of the file a fake EOI, so a truncated file decodes as far as it goes. */
static boolean fd_fill(j_decompress_ptr c)
{
    static const JOCTET eoi[2] = {0xff, JPEG_EOI};
    fd_src *s = (fd_src *)c->src;
    ssize_t n;
    do
        n = pread(s->fd, s->buf, sizeof s->buf, s->at);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        ERREXIT(c, JERR_FILE_READ);
    if (n == 0) {
        WARNMS(c, JWRN_JPEG_EOF);
        s->pub.next_input_byte = eoi;
        s->pub.bytes_in_buffer = 2;
        return TRUE;
    }
    s->at += n;
    s->pub.next_input_byte = s->buf;
    s->pub.bytes_in_buffer = (size_t)n;
    return TRUE;
}

static void fd_skip(j_decompress_ptr c, long n)
{
    fd_src *s = (fd_src *)c->src;
    if (n <= 0)
        return;
    if ((size_t)n <= s->pub.bytes_in_buffer) {
        s->pub.next_input_byte += n;
        s->pub.bytes_in_buffer -= (size_t)n;
        return;
    }
    s->at += (off_t)((size_t)n - s->pub.bytes_in_buffer); /* past the buffer: skipped without reading */
    s->pub.bytes_in_buffer = 0;
}

static void fd_term(j_decompress_ptr c)
{
    (void)c;
}

/* Where the compressed bytes come from: memory (p, n) or the file fd (fds: its reader). */
typedef struct jsource {
    const uint8_t *p;
    size_t n;
    fd_src *fds;
} jsource;

static void set_source(struct jpeg_decompress_struct *ci, jsource *src)
{
    if (!src->fds) {
        jpeg_mem_src(ci, src->p, (unsigned long)src->n);
        return;
    }
    src->fds->pub = (struct jpeg_source_mgr){NULL, 0, fd_init, fd_fill, fd_skip, jpeg_resync_to_restart, fd_term};
    ci->src = &src->fds->pub;
}

/* The bytes libjpeg had taken from the source when it failed; all of them once it is past the end. */
static int64_t jpeg_read_so_far(const struct jpeg_decompress_struct *ci, const jsource *src)
{
    const struct jpeg_source_mgr *m = ci->src;
    if (!m)
        return -1;
    if (!src->fds)
        return m->next_input_byte >= src->p && m->next_input_byte <= src->p + src->n
                   ? (int64_t)(m->next_input_byte - src->p) : (int64_t)src->n; /* else on its fake EOI */
    if (m->next_input_byte >= src->fds->buf && m->next_input_byte <= src->fds->buf + FD_BLOCK)
        return (int64_t)src->fds->at - (int64_t)m->bytes_in_buffer;
    return (int64_t)src->fds->at;
}

/* libjpeg's codes for a real JPEG variant it was built without; every other error is the data's. */
static vigil_image_failure jpeg_failure(int code, int at_end)
{
    switch (code) {
    case JERR_SOF_UNSUPPORTED:
    case JERR_NOT_COMPILED:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_NOTIMPL:
        return VIGIL_IMAGE_FAIL_UNSUPPORTED;
    default:
        return at_end ? VIGIL_IMAGE_FAIL_TRUNCATED : VIGIL_IMAGE_FAIL_CORRUPT;
    }
}

static int decode(vg_raster *r, jsource *src, vigil_error *err)
{
    jstate *s = calloc(1, sizeof *s);
    struct jpeg_decompress_struct *ci;
    int rc = 0;
    if (!s)
        return vigil_error_set(err, VIGIL_ENOMEM, "jpeg: out of memory");
    ci = &s->cinfo;
    ci->err = jpeg_std_error(&s->err.pub);
    s->err.pub.error_exit = on_error;
    s->err.pub.emit_message = on_message;
    if (setjmp(s->err.jmp)) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "jpeg: %s", s->err.msg);
        r->fail_at = jpeg_read_so_far(ci, src);
        r->fail = jpeg_failure(s->err.pub.msg_code, s->err.hit_end);
        goto done;
    }
    jpeg_create_decompress(ci);
    set_source(ci, src);
    jpeg_read_header(ci, TRUE);
    if (ci->num_components == 1 || ci->jpeg_color_space == JCS_GRAYSCALE) {
        ci->out_color_space = JCS_GRAYSCALE;
    } else if (ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK) {
        ci->out_color_space = JCS_CMYK;
        s->cmyk = 1;
    } else {
        ci->out_color_space = JCS_RGB;
    }
    if (r->opts && r->opts->dct_scale && !r->opts->full_size) {
        ci->scale_num = 1;
        ci->scale_denom = dct_denominator(ci->image_width, ci->image_height);
    }
    jpeg_calc_output_dimensions(ci);
    /* The pixel limit is checked here, from the header, before libjpeg allocates its buffers. */
    if ((rc = vg_raster_begin_scaled(r, ci->image_width, ci->image_height, ci->output_width, ci->output_height,
                                     ci->out_color_space == JCS_GRAYSCALE ? 1 : 3, "jpeg", err)) < 0)
        goto done;
    jpeg_start_decompress(ci);
    if (!(s->row = malloc((size_t)ci->output_width * (size_t)ci->output_components)) ||
        (s->cmyk && !(s->rgb = malloc((size_t)ci->output_width * 3)))) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "jpeg: out of memory");
        goto done;
    }
    while (ci->output_scanline < ci->output_height) {
        JSAMPROW rows[1] = {s->row};
        uint32_t y = ci->output_scanline;
        if (jpeg_read_scanlines(ci, rows, 1) != 1)
            break;
        if (s->cmyk) {
            /* Colour conversion is only needed for kept rows, but the grey test needs every row. */
            cmyk_to_rgb(s->rgb, s->row, ci->output_width);
            vg_raster_row(r, y, s->rgb);
        } else {
            vg_raster_row(r, y, s->row);
        }
    }
    jpeg_finish_decompress(ci);
done:
    jpeg_destroy_decompress(ci);
    free(s->row);
    free(s->rgb);
    free(s);
    return rc;
}

int vg_decode_jpeg(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err)
{
    jsource src = {p, n, NULL};
    return decode(r, &src, err);
}

int vg_decode_jpeg_fd(vg_raster *r, int fd, vigil_error *err)
{
    jsource src = {NULL, 0, malloc(sizeof(fd_src))};
    int rc;
    if (!src.fds)
        return vigil_error_set(err, VIGIL_ENOMEM, "jpeg: out of memory");
    src.fds->fd = fd;
    src.fds->at = 0;
    rc = decode(r, &src, err);
    free(src.fds);
    return rc;
}
