/*
 * BMP structure for carving: "BM", a DIB header of a known size, one plane,
 * a real bit depth and compression, dimensions within plausible limits, and
 * the pixel data offset and the pixel rows inside the file size the header
 * gives, which is also the picture's length. BMP pixels carry no checksum:
 * a true header followed by foreign bytes passes; only the header is proof.
 */
#include "carve/carve_int.h"

#define MAX_SIDE 32768u /* plausible limit for either side (the decoders' pixel limit also applies) */

static int known_header(uint32_t h)
{
    return h == 12 || h == 40 || h == 52 || h == 56 || h == 64 || h == 108 || h == 124;
}

/* The size of the pixel array the header promises, or 0 when it cannot be known (RLE). */
static uint64_t pixel_bytes(uint32_t w, uint32_t h, unsigned bpp, uint32_t comp)
{
    if (comp == 1 || comp == 2)
        return 0;
    return ((uint64_t)w * bpp + 31) / 32 * 4 * h;
}

static const char *check_info(const uint8_t *p, uint32_t hsize, uint32_t size, uint32_t off)
{
    uint32_t w, h, comp = 0;
    unsigned planes, bpp;
    if (hsize == 12) {
        w = vg_le16(p + 18);
        h = vg_le16(p + 20);
        planes = vg_le16(p + 22);
        bpp = vg_le16(p + 24);
    } else {
        int32_t sh = (int32_t)vg_le32(p + 22);
        w = vg_le32(p + 18);
        h = sh < 0 ? (uint32_t)-(int64_t)sh : (uint32_t)sh;
        planes = vg_le16(p + 26);
        bpp = vg_le16(p + 28);
        comp = vg_le32(p + 30);
    }
    if (w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE)
        return "width or height out of range";
    if (planes != 1)
        return "plane count is not 1";
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        return "bit depth is not 1, 4, 8, 16, 24 or 32";
    if (comp > 3 && comp != 6)
        return "unknown compression";
    if ((comp == 1 && bpp != 8) || (comp == 2 && bpp != 4) || (comp == 3 && bpp != 16 && bpp != 32))
        return "compression does not fit the bit depth";
    if (pixel_bytes(w, h, bpp, comp) > (uint64_t)size - off)
        return "pixel rows run past the file size";
    return NULL;
}

static vg_carve_verdict validate(vg_carve_check *c, const uint8_t *p, size_t n)
{
    uint32_t size, off, hsize;
    const char *why;
    if (n < 34)
        return vg_carve_more(c, 34);
    size = vg_le32(p + 2);
    off = vg_le32(p + 10);
    hsize = vg_le32(p + 14);
    if (!known_header(hsize))
        return vg_carve_reject(c, "unknown DIB header size");
    if (off < 14 + hsize || off >= size)
        return vg_carve_reject(c, "pixel data offset outside the file");
    if ((why = check_info(p, hsize, size, off)) != NULL)
        return vg_carve_reject(c, why);
    return size <= n ? vg_carve_ok(c, size) : vg_carve_more(c, size);
}

static int signature(const uint8_t *p)
{
    return p[0] == 'B' && p[1] == 'M' && known_header(vg_le32(p + 14));
}

const vg_carve_format vg_carve_bmp_format = {
    .type = "bmp", .mime = "image/bmp", .image = VIGIL_IMAGE_BMP, .first = 'B', .sig_len = 18,
    .signature = signature, .validate = validate,
};
