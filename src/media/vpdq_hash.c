/*
 * vPDQ of a video: each sampled frame's luminance straight into PDQ at the
 * frame's full size, as the reference hashes it. For 8-bit YUV frames the
 * decoder's luma plane is read directly (one pass, no RGB frame); limited
 * range is stretched to full range, which is what the reference's RGB24
 * conversion and PDQ's 0.299/0.587/0.114 weights give back (docs/vpdq.md
 * has the measured difference). Other pixel formats (RGB, palettes, more
 * than 8 bits) go through swscale to RGB24, as does every frame with rgb=1.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "media/lazy_av.h"
#include "media/video_crop.h"
#include "media/video_decode.h"

/* An animated WebP is read whole into memory; its format caps a file near 4 GB, vigil lower. */
#define WEBP_MAX_BYTES (512u << 20)

typedef struct hash_run {
    vigil_vpdq *out;
    const vigil_vpdq_opts *o;
    float *buf;       /* luma, then scratch */
    size_t buf_cap;   /* floats */
    uint8_t *rgb;
    size_t rgb_cap;
    struct SwsContext *sws;
    float limited[256], full[256];
} hash_run;

void vigil_vpdq_opts_init(vigil_vpdq_opts *o)
{
    memset(o, 0, sizeof *o);
    o->every = 1.0;
    o->max_video_seconds = 4 * 3600.0;
    o->max_frames = 20000;
    o->max_decode_seconds = 600;
}

/* 1 when plane 0 of the format holds 8-bit luma, one byte per pixel. */
static int has_luma_plane(enum AVPixelFormat f)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f);
    if (!d || (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM |
                           AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BAYER)))
        return 0;
    return d->comp[0].plane == 0 && d->comp[0].depth == 8 && d->comp[0].step == 1 && d->comp[0].offset == 0 &&
           d->comp[0].shift == 0;
}

static int full_range(const AVFrame *f)
{
    switch (f->format) {
    case AV_PIX_FMT_YUVJ420P: case AV_PIX_FMT_YUVJ422P: case AV_PIX_FMT_YUVJ444P: case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUVJ411P: case AV_PIX_FMT_GRAY8:
        return 1;
    default:
        return f->color_range == AVCOL_RANGE_JPEG;
    }
}

static void luma_from_plane(hash_run *h, float *luma, const AVFrame *f)
{
    const float *lut = full_range(f) ? h->full : h->limited;
    for (int y = 0; y < f->height; y++) {
        const uint8_t *row = f->data[0] + (ptrdiff_t)y * f->linesize[0];
        float *dst = luma + (size_t)y * (size_t)f->width;
        for (int x = 0; x < f->width; x++)
            dst[x] = lut[row[x]];
    }
}

static int luma_from_rgb(hash_run *h, float *luma, const AVFrame *f, vigil_error *err)
{
    /* rows 64-byte aligned and room past the last one: swscale's SIMD writes whole vectors, past a
       row's end when its width is not a multiple of them (426 px wide VP9 overran a tight buffer) */
    int row = (f->width * 3 + 63) & ~63;
    size_t need = (size_t)row * (size_t)f->height + 64;
    uint8_t *dst[4] = {NULL};
    int stride[4] = {row, 0, 0, 0};
    if (need > h->rgb_cap) {
        uint8_t *p = realloc(h->rgb, need);
        if (!p)
            return vigil_error_set(err, VIGIL_ENOMEM, "video: out of memory");
        h->rgb = p;
        h->rgb_cap = need;
    }
    /* SWS_AREA and RGB24 at the frame's own size, the reference's conversion */
    h->sws = sws_getCachedContext(h->sws, f->width, f->height, f->format, f->width, f->height, AV_PIX_FMT_RGB24,
                                  SWS_AREA, NULL, NULL, NULL);
    if (!h->sws)
        return vigil_error_set(err, VIGIL_EINPUT, "video: cannot convert pixel format %s",
                               av_get_pix_fmt_name(f->format));
    dst[0] = h->rgb;
    sws_scale(h->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, stride);
    for (int y = 0; y < f->height; y++) { /* PDQ's weights, summed in its order */
        const uint8_t *p = h->rgb + (size_t)y * (size_t)row;
        float *dst_row = luma + (size_t)y * (size_t)f->width;
        for (int x = 0; x < f->width; x++, p += 3)
            dst_row[x] = (0.299f * (float)p[0] + 0.587f * (float)p[1]) + 0.114f * (float)p[2];
    }
    return 0;
}

static int on_frame(void *ud, const AVFrame *f, uint64_t index, double seconds, vigil_error *err)
{
    hash_run *h = ud;
    size_t n = (size_t)f->width * (size_t)f->height;
    size_t need = 2 * n + (size_t)(f->width < 64 ? 64 : f->width) * (size_t)f->height; /* luma, bars cut, scratch */
    vigil_pdq_result res, alt;
    vigil_vpdq_frame *fr;
    uint32_t w, ht;
    int has_alt;
    if (f->width < 1 || f->height < 1)
        return vigil_error_set(err, VIGIL_EINPUT, "video frame %llu has no size", (unsigned long long)index);
    if (need > h->buf_cap) { /* grown to the largest frame, reused for every frame after */
        float *p = realloc(h->buf, need * sizeof *p);
        if (!p)
            return vigil_error_set(err, VIGIL_ENOMEM, "video: out of memory");
        h->buf = p;
        h->buf_cap = need;
    }
    if (h->o->luma && has_luma_plane(f->format))
        luma_from_plane(h, h->buf, f);
    else if (luma_from_rgb(h, h->buf, f, err) < 0)
        return -1;
    /* the picture between letterbox or pillarbox bars: a second hash, before PDQ overwrites the plane */
    has_alt = !h->o->keep_borders &&
              vg_luma_crop_borders(h->buf, (uint32_t)f->width, (uint32_t)f->height, h->buf + n, &w, &ht);
    if (has_alt)
        vigil_pdq_luma(&alt, h->buf + n, h->buf + 2 * n, w, ht);
    vigil_pdq_luma(&res, h->buf, h->buf + 2 * n, (uint32_t)f->width, (uint32_t)f->height);
    if (h->out->n == h->out->cap) {
        size_t cap = h->out->cap ? h->out->cap * 2 : 64;
        vigil_vpdq_frame *p = realloc(h->out->frames, cap * sizeof *p);
        if (!p)
            return vigil_error_set(err, VIGIL_ENOMEM, "video: out of memory");
        h->out->frames = p;
        h->out->cap = cap;
    }
    fr = &h->out->frames[h->out->n++];
    fr->frame = index;
    fr->seconds = seconds;
    fr->quality = res.has_hash ? res.quality : 0;
    fr->hash = res.hash[VIGIL_PDQ_ORIG];
    fr->has_alt = has_alt && alt.has_hash;
    fr->alt = fr->has_alt ? alt.hash[VIGIL_PDQ_ORIG] : fr->hash;
    return 0;
}

static int vpdq_src(vigil_vpdq *out, const vg_video_src *src, const vigil_vpdq_opts *o, vigil_error *err)
{
    vigil_vpdq_opts def;
    hash_run h = {.out = out};
    char why[256];
    int rc;
    if (!o) {
        vigil_vpdq_opts_init(&def);
        o = &def;
    }
    h.o = o;
    memset(out, 0, sizeof *out);
    if (vg_av_load(why, sizeof why) < 0)
        return vigil_error_set(err, VIGIL_EINTERNAL, "video: %s", why);
    if (!(o->every > 0))
        return vigil_error_set(err, VIGIL_EUSAGE, "vpdq: the sampling interval must be over 0 seconds");
    for (int v = 0; v < 256; v++) {
        float s = (float)(v - 16) * 255.0f / 219.0f;
        h.limited[v] = s < 0 ? 0 : s > 255 ? 255 : s;
        h.full[v] = (float)v;
    }
    if (src->data && vg_video_is_animated_webp(src->data, (size_t)src->size))
        rc = vg_video_decode_webp(out, src->data, (size_t)src->size, o, on_frame, &h, err);
    else
        rc = vg_video_decode(out, src, o, on_frame, &h, err);
    free(h.buf);
    free(h.rgb);
    sws_freeContext(h.sws);
    if (rc < 0)
        vigil_vpdq_dispose(out);
    return rc;
}

int vigil_vpdq_mem(vigil_vpdq *out, const void *data, size_t n, const vigil_vpdq_opts *o, vigil_error *err)
{
    vg_video_src src = {.data = data, .fd = -1, .size = n};
    return vpdq_src(out, &src, o, err);
}

int vigil_vpdq_fd(vigil_vpdq *out, int fd, uint64_t size, const vigil_vpdq_opts *o, vigil_error *err)
{
    vg_video_src src = {.fd = fd, .size = size};
    uint8_t head[32], *all;
    ssize_t got = pread(fd, head, sizeof head, 0);
    int rc;
    if (got <= 0 || !vg_video_is_animated_webp(head, (size_t)got))
        return vpdq_src(out, &src, o, err);
    /* libwebp decodes from memory only: the whole file, which WebP's 32-bit sizes bound */
    memset(out, 0, sizeof *out);
    if (size > WEBP_MAX_BYTES)
        return vigil_error_set(err, VIGIL_EINPUT, "animated WebP over %u MB, not decoded", WEBP_MAX_BYTES >> 20);
    if (!(all = malloc(size ? (size_t)size : 1)))
        return vigil_error_set(err, VIGIL_ENOMEM, "video: out of memory");
    for (uint64_t off = 0; off < size; off += (uint64_t)got)
        if ((got = pread(fd, all + off, (size_t)(size - off), (off_t)off)) <= 0) {
            free(all);
            return vigil_error_set(err, VIGIL_EINPUT, "read error in an animated WebP");
        }
    rc = vigil_vpdq_mem(out, all, (size_t)size, o, err);
    free(all);
    return rc;
}

void vigil_vpdq_dispose(vigil_vpdq *v)
{
    free(v->frames);
    v->frames = NULL;
    v->n = v->cap = 0;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

int vigil_vpdq_quality_median(const vigil_vpdq *v)
{
    int *q, m;
    if (v->n == 0 || !(q = malloc(v->n * sizeof *q)))
        return 0;
    for (size_t i = 0; i < v->n; i++)
        q[i] = v->frames[i].quality;
    qsort(q, v->n, sizeof *q, cmp_int);
    m = q[v->n / 2];
    free(q);
    return m;
}
