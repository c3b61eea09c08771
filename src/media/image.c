/*
 * Image decoding front end: recognise the format from its magic bytes, run
 * the decoder, and keep the decoded rows in a raster that applies the PDQ
 * 512 rule on the fly (nearest neighbour to exactly 512 x 512 when a side is
 * over 512), so a 100-megapixel photo costs a few hundred KiB, not 300 MB.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/decode.h"

#define NORM 512

int vg_mul_size(size_t *out, size_t a, size_t b)
{
    if (a && b > SIZE_MAX / a)
        return -1;
    *out = a * b;
    return 0;
}

const char *vigil_image_format_name(vigil_image_format f)
{
    static const char *const names[] = {"none", "jpeg", "png", "webp", "gif", "bmp", "tiff", "heif"};
    return (unsigned)f <= VIGIL_IMAGE_HEIF ? names[f] : "none";
}

vigil_image_format vigil_image_sniff(const void *head, size_t n)
{
    const uint8_t *p = head;
    if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return VIGIL_IMAGE_JPEG;
    if (n >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
        return VIGIL_IMAGE_PNG;
    if (n >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
        return VIGIL_IMAGE_WEBP;
    if (n >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6)))
        return VIGIL_IMAGE_GIF;
    if (n >= 18 && p[0] == 'B' && p[1] == 'M') {
        uint32_t hdr = (uint32_t)p[14] | (uint32_t)p[15] << 8 | (uint32_t)p[16] << 16 | (uint32_t)p[17] << 24;
        if (hdr == 12 || hdr == 40 || hdr == 52 || hdr == 56 || hdr == 64 || hdr == 108 || hdr == 124)
            return VIGIL_IMAGE_BMP;
    }
    if (n >= 4 && (!memcmp(p, "II*\0", 4) || !memcmp(p, "MM\0*", 4)))
        return VIGIL_IMAGE_TIFF;
    if (n >= 12 && !memcmp(p + 4, "ftyp", 4)) {
        static const char *const brands[] = {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif"};
        for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
            if (!memcmp(p + 8, brands[i], 4))
                return VIGIL_IMAGE_HEIF;
    }
    return VIGIL_IMAGE_NONE;
}

int vg_raster_begin(vg_raster *r, uint32_t w, uint32_t h, unsigned channels, const char *fmt,
                    vigil_error *err)
{
    return vg_raster_begin_scaled(r, w, h, w, h, channels, fmt, err);
}

int vg_raster_begin_scaled(vg_raster *r, uint32_t file_w, uint32_t file_h, uint32_t w, uint32_t h,
                           unsigned channels, const char *fmt, vigil_error *err)
{
    vigil_image *img = r->img;
    uint64_t max = r->opts && r->opts->max_pixels ? r->opts->max_pixels : VIGIL_IMAGE_MAX_PIXELS_DEFAULT;
    size_t bytes;
    if (file_w == 0 || file_h == 0 || w == 0 || h == 0)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: empty picture (%ux%u)", fmt, file_w, file_h);
    if ((uint64_t)file_w * file_h > max)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %ux%u is %llu pixels, over the limit of %llu "
                               "(decompression bomb?)", fmt, file_w, file_h, (unsigned long long)file_w * file_h,
                               (unsigned long long)max);
    if (channels != 1 && channels != 3)
        return vigil_error_set(err, VIGIL_EINTERNAL, "%s: %u channels", fmt, channels);
    img->src_width = file_w;
    img->src_height = file_h;
    r->dec_w = w;
    r->dec_h = h;
    if (!(r->opts && r->opts->full_size) && (w > NORM || h > NORM)) {
        img->width = NORM;
        img->height = NORM;
    } else {
        img->width = w;
        img->height = h;
    }
    img->channels = channels;
    r->src_channels = channels;
    r->grey = channels == 3;
    r->next_out = 0;
    if (vg_mul_size(&bytes, (size_t)img->width * img->height, channels) < 0)
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory for %ux%u", fmt, w, h);
    if (bytes > img->pixels_cap) {
        free(img->pixels);
        img->pixels_cap = 0;
        if (!(img->pixels = malloc(bytes)))
            return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory for %ux%u", fmt, w, h);
        img->pixels_cap = bytes;
    }
    if (!(r->colmap = malloc(img->width * sizeof *r->colmap)))
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory for %ux%u", fmt, w, h);
    for (uint32_t x = 0; x < img->width; x++)
        r->colmap[x] = (uint32_t)((uint64_t)x * w / img->width);
    return 0;
}

static uint32_t src_row_of(const vg_raster *r, uint32_t out)
{
    return (uint32_t)((uint64_t)out * r->dec_h / r->img->height);
}

int vg_raster_wants(const vg_raster *r, uint32_t y)
{
    return r->next_out < r->img->height && src_row_of(r, r->next_out) == y;
}

void vg_raster_row(vg_raster *r, uint32_t y, const uint8_t *row)
{
    vigil_image *img = r->img;
    const unsigned ch = r->src_channels;
    if (r->grey) {
        const uint8_t *p = row;
        for (uint32_t x = 0; x < r->dec_w; x++, p += 3)
            if (p[0] != p[1] || p[0] != p[2]) {
                r->grey = 0;
                break;
            }
    }
    while (r->next_out < img->height && src_row_of(r, r->next_out) == y) {
        uint8_t *o = img->pixels + (size_t)r->next_out * img->width * ch;
        if (img->width == r->dec_w) {
            memcpy(o, row, (size_t)img->width * ch);
        } else if (ch == 3) {
            for (uint32_t x = 0; x < img->width; x++)
                memcpy(o + 3 * x, row + 3 * (size_t)r->colmap[x], 3);
        } else {
            for (uint32_t x = 0; x < img->width; x++)
                o[x] = row[r->colmap[x]];
        }
        r->next_out++;
    }
}

void vg_raster_end(vg_raster *r)
{
    vigil_image *img = r->img;
    free(r->colmap);
    r->colmap = NULL;
    /* Rows a decoder never delivered (it stopped early) stay as allocated: fill them mid-grey. */
    if (r->next_out < img->height)
        memset(img->pixels + (size_t)r->next_out * img->width * img->channels, 128,
               (size_t)(img->height - r->next_out) * img->width * img->channels);
    if (img->channels == 3 && r->grey) {
        size_t n = (size_t)img->width * img->height;
        for (size_t i = 0; i < n; i++)
            img->pixels[i] = img->pixels[3 * i];
        img->channels = 1;
    }
}

void vg_raster_abort(vg_raster *r)
{
    vigil_image *img = r->img;
    uint8_t *keep = r->reuse ? img->pixels : NULL;
    size_t cap = r->reuse ? img->pixels_cap : 0;
    vigil_image_format f = img->format;
    free(r->colmap);
    r->colmap = NULL;
    if (!r->reuse)
        free(img->pixels);
    memset(img, 0, sizeof *img);
    img->format = f;
    img->pixels = keep;
    img->pixels_cap = cap;
}

/* Decode with format f's decoder into out, whose pixel buffer is kept when reuse is set; a JPEG from fd when data is NULL. */
static int decode_into(vigil_image *out, vigil_image_format f, const void *data, size_t n,
                       const vigil_decode_opts *opts, int reuse, int fd, vigil_error *err)
{
    static int (*const decoders[])(vg_raster *, const uint8_t *, size_t, vigil_error *) = {
        NULL, vg_decode_jpeg, vg_decode_png, vg_decode_webp, vg_decode_gif, vg_decode_bmp,
        vg_decode_tiff, vg_decode_heif};
    vg_raster r = {.img = out, .opts = opts, .reuse = reuse, .fail_at = -1};
    uint8_t *pixels = reuse ? out->pixels : NULL;
    size_t cap = reuse ? out->pixels_cap : 0;
    int rc;
    memset(out, 0, sizeof *out);
    out->format = f;
    out->pixels = pixels;
    out->pixels_cap = cap;
    out->failure_offset = -1;
    if ((int)f <= VIGIL_IMAGE_NONE || f > VIGIL_IMAGE_HEIF)
        return vigil_error_set(err, VIGIL_EINPUT, "image: not a supported image format");
    rc = fd < 0 ? decoders[f](&r, data, n, err) : vg_decode_jpeg_fd(&r, fd, err);
    if (rc < 0) {
        vg_raster_abort(&r);
        vg_decode_failure(out, &r, rc, err ? err->msg : NULL, fd < 0 ? n : 0);
        return rc;
    }
    vg_raster_end(&r);
    return 0;
}

int vg_image_decode_as(vigil_image *out, vigil_image_format f, const void *data, size_t n,
                       const vigil_decode_opts *opts, vigil_error *err)
{
    return decode_into(out, f, data, n, opts, 0, -1, err);
}

int vigil_image_decode(vigil_image *out, const void *data, size_t n, const vigil_decode_opts *opts,
                       vigil_error *err)
{
    return decode_into(out, vigil_image_sniff(data, n), data, n, opts, 0, -1, err);
}

int vigil_image_decode_reuse(vigil_image *img, const void *data, size_t n, const vigil_decode_opts *opts,
                             vigil_error *err)
{
    return decode_into(img, vigil_image_sniff(data, n), data, n, opts, 1, -1, err);
}

int vigil_image_decode_jpeg_fd_reuse(vigil_image *img, int fd, const vigil_decode_opts *opts, vigil_error *err)
{
    return decode_into(img, VIGIL_IMAGE_JPEG, NULL, 0, opts, 1, fd, err);
}

int vigil_image_decode_file(vigil_image *out, const char *path, const vigil_decode_opts *opts,
                            vigil_error *err)
{
    struct stat st;
    uint8_t *data = NULL;
    size_t got = 0;
    int fd, rc;
    memset(out, 0, sizeof *out);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SIZE_MAX) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: not a regular file", path);
        goto done;
    }
    data = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!data) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    while (got < (size_t)st.st_size) {
        ssize_t k = read(fd, data + got, (size_t)st.st_size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s: read error: %s", path, k < 0 ? strerror(errno) : "file shrank");
            goto done;
        }
        got += (size_t)k;
    }
    rc = vigil_image_decode(out, data, got, opts, err);
    if (rc < 0 && err) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        vigil_error_set(err, (vigil_code)rc, "%s: %s", path, why);
    }
done:
    if (fd >= 0)
        close(fd);
    free(data);
    return rc;
}

void vigil_image_dispose(vigil_image *img)
{
    if (!img)
        return;
    free(img->pixels);
    img->pixels = NULL;
    img->pixels_cap = 0;
}
