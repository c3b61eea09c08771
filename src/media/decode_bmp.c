/*
 * Windows BMP: 1, 4 and 8 bits with a palette (8 and 4 also RLE-compressed),
 * 16 bits (5-5-5 or bit fields), 24 and 32 bits (BGR(X) or bit fields),
 * bottom-up or top-down. Embedded JPEG/PNG bitmaps are refused with the
 * reason. Every offset read from the header is checked against the file.
 */
#include <stdlib.h>
#include <string.h>

#include "media/decode.h"

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* Value of the masked field scaled to 0..255. */
static uint8_t field(uint32_t v, uint32_t mask)
{
    unsigned shift = 0, bits = 0;
    if (!mask)
        return 0;
    while (!(mask & 1)) {
        mask >>= 1;
        shift++;
    }
    while (mask & 1) {
        mask >>= 1;
        bits++;
    }
    v = (v >> shift) & ((1u << bits) - 1);
    if (bits >= 8)
        return (uint8_t)(v >> (bits - 8));
    return (uint8_t)((v * 255 + ((1u << bits) - 1) / 2) / ((1u << bits) - 1));
}

/*
 * Expand RLE8 (bpp 8) or RLE4 (bpp 4) data into one palette index per pixel,
 * rows bottom-up as stored; pixels the stream skips stay index 0.
 */
static int unrle(uint8_t *idx, uint32_t w, uint32_t h, unsigned bpp, const uint8_t *p, size_t n)
{
    size_t i = 0;
    uint32_t x = 0, y = 0;
    while (i + 1 < n && y < h) {
        unsigned a = p[i], b = p[i + 1];
        i += 2;
        if (a > 0) { /* a pixels of value b (RLE4: two alternating nibbles) */
            for (unsigned k = 0; k < a && x < w; k++, x++)
                idx[(size_t)y * w + x] = (uint8_t)(bpp == 8 ? b : (k % 2 ? b & 15 : b >> 4));
        } else if (b == 0) { /* end of line */
            x = 0;
            y++;
        } else if (b == 1) { /* end of bitmap */
            return 0;
        } else if (b == 2) { /* delta */
            if (i + 1 >= n)
                return -1;
            x += p[i];
            y += p[i + 1];
            i += 2;
        } else { /* b literal pixels, padded to 16 bits */
            size_t bytes = bpp == 8 ? b : (b + 1) / 2;
            if (bytes > n - i)
                return -1;
            for (unsigned k = 0; k < b; k++, x++)
                if (x < w)
                    idx[(size_t)y * w + x] = bpp == 8 ? p[i + k] : (k % 2 ? p[i + k / 2] & 15 : p[i + k / 2] >> 4);
            i += (bytes + 1) & ~(size_t)1;
        }
    }
    return 0; /* a stream cut short keeps what it drew, as other decoders do */
}

int vg_decode_bmp(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err)
{
    uint32_t off, hsize, comp = 0, ncolors = 0, masks[3] = {0, 0, 0};
    int32_t w, h;
    unsigned bpp;
    int topdown = 0, rc;
    size_t stride, palette_at;
    uint8_t *row;
    if (n < 26)
        return vigil_error_set(err, VIGIL_EINPUT, "bmp: truncated header");
    off = le32(p + 10);
    hsize = le32(p + 14);
    if (hsize == 12) {
        w = le16(p + 18);
        h = le16(p + 20);
        bpp = le16(p + 24);
    } else {
        if (n < 14 + 40 || hsize < 40 || hsize > n - 14)
            return vigil_error_set(err, VIGIL_EINPUT, "bmp: truncated header");
        w = (int32_t)le32(p + 18);
        h = (int32_t)le32(p + 22);
        bpp = le16(p + 28);
        comp = le32(p + 30);
        ncolors = le32(p + 46);
    }
    if (h < 0) {
        if (h == INT32_MIN)
            return vigil_error_set(err, VIGIL_EINPUT, "bmp: bad height");
        h = -h;
        topdown = 1;
    }
    if (w <= 0 || h <= 0)
        return vigil_error_set(err, VIGIL_EINPUT, "bmp: empty picture (%dx%d)", w, h);
    if (comp == 3 || comp == 6) { /* BI_BITFIELDS, BI_ALPHABITFIELDS */
        size_t at = hsize >= 52 ? 14 + 40 : 14 + hsize;
        if (n < at + 12)
            return vigil_error_set(err, VIGIL_EINPUT, "bmp: truncated bit fields");
        for (int i = 0; i < 3; i++)
            masks[i] = le32(p + at + 4 * (size_t)i);
        if (bpp != 16 && bpp != 32)
            return vigil_error_set(err, VIGIL_EINPUT, "bmp: bit fields with %u bits per pixel", bpp);
    } else if ((comp == 1 && bpp == 8) || (comp == 2 && bpp == 4)) {
        /* RLE: handled below */
    } else if (comp != 0) {
        return vigil_error_set(err, VIGIL_EINPUT, "bmp: compression %u (RLE or embedded) is not supported", comp);
    } else if (bpp == 16) {
        masks[0] = 0x7c00, masks[1] = 0x03e0, masks[2] = 0x001f;
    } else if (bpp == 32) {
        masks[0] = 0xff0000, masks[1] = 0xff00, masks[2] = 0xff;
    }
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        return vigil_error_set(err, VIGIL_EINPUT, "bmp: %u bits per pixel is not supported", bpp);
    if ((rc = vg_raster_begin(r, (uint32_t)w, (uint32_t)h, 3, "bmp", err)) < 0)
        return rc;
    stride = (((size_t)w * bpp + 31) / 32) * 4;
    if (off > n || (comp != 1 && comp != 2 && stride * (size_t)h > n - off))
        return vigil_error_set(err, VIGIL_EINPUT, "bmp: truncated pixel data");
    palette_at = 14 + hsize;
    if (bpp <= 8) {
        size_t entry = hsize == 12 ? 3 : 4;
        if (ncolors == 0 || ncolors > (1u << bpp))
            ncolors = 1u << bpp;
        if (palette_at > off || (off - palette_at) / entry < ncolors)
            ncolors = palette_at > off ? 0 : (uint32_t)((off - palette_at) / entry);
        if (!ncolors)
            return vigil_error_set(err, VIGIL_EINPUT, "bmp: no palette");
    }
    if (!(row = malloc((size_t)w * 3)))
        return vigil_error_set(err, VIGIL_ENOMEM, "bmp: out of memory");
    if (comp == 1 || comp == 2) {
        uint8_t *idx = calloc((size_t)w * (size_t)h, 1);
        if (!idx) {
            free(row);
            return vigil_error_set(err, VIGIL_ENOMEM, "bmp: out of memory");
        }
        if (unrle(idx, (uint32_t)w, (uint32_t)h, bpp, p + off, n - off) < 0) {
            free(idx);
            free(row);
            return vigil_error_set(err, VIGIL_EINPUT, "bmp: corrupt RLE data");
        }
        for (uint32_t y = 0; y < (uint32_t)h; y++) {
            const uint8_t *s = idx + (size_t)w * (topdown ? y : (uint32_t)h - 1 - y);
            for (uint32_t x = 0; x < (uint32_t)w; x++) {
                const uint8_t *c = p + palette_at + (size_t)(s[x] < ncolors ? s[x] : 0) * (hsize == 12 ? 3 : 4);
                row[3 * x] = c[2], row[3 * x + 1] = c[1], row[3 * x + 2] = c[0];
            }
            vg_raster_row(r, y, row);
        }
        free(idx);
        free(row);
        return 0;
    }
    for (uint32_t y = 0; y < (uint32_t)h; y++) {
        const uint8_t *s = p + off + stride * (topdown ? y : (uint32_t)h - 1 - y);
        for (uint32_t x = 0; x < (uint32_t)w; x++) {
            uint8_t *o = row + 3 * x;
            if (bpp <= 8) {
                unsigned i = bpp == 8 ? s[x] : bpp == 4 ? (s[x / 2] >> (x % 2 ? 0 : 4)) & 15
                                                        : (s[x / 8] >> (7 - x % 8)) & 1;
                const uint8_t *c = p + palette_at + (size_t)(i < ncolors ? i : 0) * (hsize == 12 ? 3 : 4);
                o[0] = c[2], o[1] = c[1], o[2] = c[0];
            } else if (bpp == 24) {
                o[0] = s[3 * x + 2], o[1] = s[3 * x + 1], o[2] = s[3 * x];
            } else {
                uint32_t v = bpp == 16 ? le16(s + 2 * x) : le32(s + 4 * x);
                o[0] = field(v, masks[0]), o[1] = field(v, masks[1]), o[2] = field(v, masks[2]);
            }
        }
        vg_raster_row(r, y, row);
    }
    free(row);
    return 0;
}
