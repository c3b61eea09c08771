/*
 * Decode weight (decode_weight.h) from the header of each format whose
 * decoder keeps whole-picture buffers: the JPEG frame header (coefficients of
 * a progressive picture), WebP's (libwebp's RGB output), PNG's IHDR (an
 * interlaced picture is assembled whole), GIF's and BMP's screen (a frame of
 * palette indices). TIFF and HEIF are weighed by their bytes.
 */
#include <stdint.h>
#include <webp/decode.h>

#include "media/decode_weight.h"
#include "vigil/image.h"

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | be16(p + 2); }
static uint32_t le16(const uint8_t *p) { return (uint32_t)p[1] << 8 | p[0]; }
static uint32_t le32(const uint8_t *p) { return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | le16(p); }

/* w x h x per, or 0 when either side is 0; saturates instead of wrapping. */
static size_t area(uint64_t w, uint64_t h, uint64_t per)
{
    unsigned __int128 v = (unsigned __int128)w * h * per;
    return v > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)v;
}

/* A progressive JPEG's coefficient arrays: 64 coefficients of 2 bytes per 8 x 8 block of each component. */
static size_t jpeg_weight(const uint8_t *p, size_t n)
{
    size_t i = 2;
    while (i + 4 <= n) {
        unsigned m;
        size_t len;
        if (p[i] != 0xff)
            return 0;
        m = p[i + 1];
        if (m == 0xff) { /* fill byte */
            i++;
            continue;
        }
        len = be16(p + i + 2);
        if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) { /* SOFn */
            const uint8_t *f = p + i + 4;
            unsigned nc, hmax = 1, vmax = 1;
            uint64_t w, h, blocks = 0;
            if (i + 4 + 6 > n)
                return 0;
            h = be16(f + 1);
            w = be16(f + 3);
            nc = f[5];
            if (m != 0xc2 && m != 0xc6 && m != 0xca && m != 0xce)
                return 0; /* sequential: decoded a few rows at a time */
            if (i + 4 + 6 + 3 * (size_t)nc > n)
                return 0;
            for (unsigned c = 0; c < nc; c++) {
                unsigned hs = f[6 + 3 * c + 1] >> 4, vs = f[6 + 3 * c + 1] & 15;
                hmax = hs > hmax ? hs : hmax;
                vmax = vs > vmax ? vs : vmax;
            }
            for (unsigned c = 0; c < nc; c++) {
                unsigned hs = f[6 + 3 * c + 1] >> 4, vs = f[6 + 3 * c + 1] & 15;
                uint64_t bw = (w * hs + 8 * hmax - 1) / (8 * hmax), bh = (h * vs + 8 * vmax - 1) / (8 * vmax);
                blocks += bw * bh;
            }
            return area(blocks, 64, 2);
        }
        if (m == 0xd8 || (m >= 0xd0 && m <= 0xd7)) {
            i += 2;
            continue;
        }
        if (m == 0xda || m == 0xd9)
            return 0; /* scan data before any frame header: damaged */
        i += 2 + len;
    }
    return 0;
}

static size_t header_weight(const uint8_t *p, size_t n)
{
    switch (vigil_image_sniff(p, n)) {
    case VIGIL_IMAGE_JPEG:
        return jpeg_weight(p, n);
    case VIGIL_IMAGE_WEBP: {
        WebPBitstreamFeatures f;
        if (WebPGetFeatures(p, n, &f) != VP8_STATUS_OK)
            return 0;
        return area((uint64_t)f.width, (uint64_t)f.height, 3);
    }
    case VIGIL_IMAGE_PNG: /* IHDR: width, height, depth, colour type, ..., interlace at 28 */
        if (n < 29 || !p[28])
            return 0;
        return area(be32(p + 16), be32(p + 20), 8); /* up to 16-bit RGBA */
    case VIGIL_IMAGE_GIF:
        return n >= 10 ? area(le16(p + 6), le16(p + 8), 1) : 0;
    case VIGIL_IMAGE_BMP: { /* the height is negative in a top-down file */
        int64_t h;
        if (n < 26)
            return 0;
        h = (int32_t)le32(p + 22);
        return area(le32(p + 18), (uint64_t)(h < 0 ? -h : h), 1);
    }
    default:
        return 0;
    }
}

size_t vg_image_decode_weight(const void *p, size_t n)
{
    size_t w = header_weight(p, n);
    return w > SIZE_MAX / 2 - n ? SIZE_MAX / 2 : w + n;
}
