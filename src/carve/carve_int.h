/*
 * Internal interface of the carver: one structure validator per picture
 * format (carve_<format>.c), each a pure function over bytes that start at a
 * signature, and the stream loop's entry point with its window size exposed
 * so that tests can make windows tiny and pictures cross their edges.
 */
#ifndef VG_CARVE_CARVE_INT_H
#define VG_CARVE_CARVE_INT_H
#include <stddef.h>
#include <stdint.h>

#include "carve/carve.h"
#include "vigil/image.h"

typedef enum {
    VG_CARVE_OK,      /* a complete structure of check->length bytes */
    VG_CARVE_MORE,    /* the bytes end before the structure does: call again with more */
    VG_CARVE_REJECT,  /* not this format (check->why says where it broke) */
} vg_carve_verdict;

typedef struct vg_carve_check {
    uint64_t length;  /* OK: bytes of the picture from its first byte */
    uint64_t need;    /* MORE: bytes needed at least, when the structure says so (0 = unknown) */
    const char *why;  /* REJECT: a static string */
} vg_carve_check;

typedef struct vg_carve_format {
    const char *type, *mime;
    vigil_image_format image;  /* the decoder that must accept the candidate */
    uint8_t first;             /* first byte of every signature */
    size_t sig_len;            /* bytes signature() reads (at most VG_CARVE_SIG_MAX) */
    /* 1 when p[0..sig_len) starts a candidate: cheap, run at every position whose byte is first. */
    int (*signature)(const uint8_t *p);
    /* Walk the structure of p[0..n), p at a signature; n may end anywhere. */
    vg_carve_verdict (*validate)(vg_carve_check *check, const uint8_t *p, size_t n);
} vg_carve_format;

#define VG_CARVE_SIG_MAX 32

extern const vg_carve_format vg_carve_jpeg_format;
extern const vg_carve_format vg_carve_png_format;
extern const vg_carve_format vg_carve_gif_format;
extern const vg_carve_format vg_carve_bmp_format;
extern const vg_carve_format vg_carve_webp_format;

/* vg_carve with the scanning window's size in bytes (vg_carve uses 4 MiB; at least 2 * VG_CARVE_SIG_MAX). */
int vg_carve_windowed(const vg_carve_extent *ext, size_t n, vg_carve_pread_fn rd, void *ctx,
                      const vg_carve_opts *o, size_t window,
                      int (*on_hit)(void *ud, const vg_carve_hit *hit, vigil_error *err), void *ud,
                      vg_carve_stats *stats, vigil_error *err);

static inline vg_carve_verdict vg_carve_reject(vg_carve_check *c, const char *why)
{
    c->why = why;
    return VG_CARVE_REJECT;
}

static inline vg_carve_verdict vg_carve_more(vg_carve_check *c, uint64_t need)
{
    c->need = need;
    return VG_CARVE_MORE;
}

static inline vg_carve_verdict vg_carve_ok(vg_carve_check *c, uint64_t length)
{
    c->length = length;
    return VG_CARVE_OK;
}

static inline uint32_t vg_be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static inline uint32_t vg_le16(const uint8_t *p) { return (uint32_t)p[1] << 8 | p[0]; }
static inline uint32_t vg_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint32_t vg_le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

#endif
