/*
 * Internal interface of the image decoders. Each decoder reads the header,
 * calls vg_raster_begin (which checks the pixel limit before anything is
 * allocated), then hands over the decoded rows top to bottom with
 * vg_raster_row; the raster keeps only the rows and columns the PDQ 512 rule
 * samples, and watches whether every pixel is grey.
 */
#ifndef VG_MEDIA_DECODE_H
#define VG_MEDIA_DECODE_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/image.h"

typedef struct vg_raster {
    vigil_image *img;
    const vigil_decode_opts *opts;
    uint32_t *colmap;     /* source column of each kept column */
    uint32_t next_out;    /* next output row to fill */
    uint32_t dec_w, dec_h; /* of the rows the decoder delivers (under the file's size when it scales) */
    unsigned src_channels;
    int grey;             /* every pixel so far has R = G = B */
    int reuse;            /* keep img->pixels (and its capacity) when the decode fails */
    /* Set by a decoder that knows, when it fails: why (else the message decides) and the bytes it
       had read (-1: not known). */
    vigil_image_failure fail;
    int64_t fail_at;
} vg_raster;

/*
 * Start a picture of w x h with 1 or 3 channels per source row. VIGIL_EINPUT
 * "fmt: ..." when it is empty or over the pixel limit.
 */
int vg_raster_begin(vg_raster *r, uint32_t w, uint32_t h, unsigned channels, const char *fmt,
                    vigil_error *err);
/*
 * As vg_raster_begin for a file of file_w x file_h (the pixel limit applies to it) that the
 * decoder delivers scaled to dec_w x dec_h.
 */
int vg_raster_begin_scaled(vg_raster *r, uint32_t file_w, uint32_t file_h, uint32_t dec_w, uint32_t dec_h,
                           unsigned channels, const char *fmt, vigil_error *err);
/* 1 when source row y is kept (decoders may skip colour work for the others). */
int vg_raster_wants(const vg_raster *r, uint32_t y);
/* Source row y (w * channels bytes); rows must come in increasing y. */
void vg_raster_row(vg_raster *r, uint32_t y, const uint8_t *row);
/* After the last row: collapse grey-by-content colour to one channel. */
void vg_raster_end(vg_raster *r);
/* Release a raster that did not finish (frees the image's pixels). */
void vg_raster_abort(vg_raster *r);

/* Decode with the decoder of format f whatever the bytes announce (fuzz targets, tests). */
int vg_image_decode_as(vigil_image *out, vigil_image_format f, const void *data, size_t n,
                       const vigil_decode_opts *opts, vigil_error *err);

/* After a decoder failed with rc and msg on n bytes (0: not known): set img's failure and its offset. */
void vg_decode_failure(vigil_image *img, const vg_raster *r, int rc, const char *msg, size_t n);

/* Multiply overflow-checked: 0 on success. */
int vg_mul_size(size_t *out, size_t a, size_t b);

int vg_decode_jpeg(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err);
/* The JPEG in the open file fd, read from its start with pread a block at a time. */
int vg_decode_jpeg_fd(vg_raster *r, int fd, vigil_error *err);
int vg_decode_png(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err);
int vg_decode_webp(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err);
int vg_decode_gif(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err);
int vg_decode_bmp(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err);
int vg_decode_tiff(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err);
int vg_decode_heif(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err);

#endif
