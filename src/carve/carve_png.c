/*
 * PNG structure for carving: the signature, then a chain of chunks, each
 * with a sane length, a type of four letters and a CRC-32 that matches, the
 * first an IHDR with legal values, up to IEND. The CRCs make a PNG the one
 * format whose every byte is checked before decoding.
 */
#include <string.h>
#include <zlib.h>

#include "carve/carve_int.h"

static int is_letter(uint8_t b)
{
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

static const char *check_ihdr(const uint8_t *d)
{
    uint32_t w = vg_be32(d), h = vg_be32(d + 4);
    unsigned depth = d[8], colour = d[9];
    if (w == 0 || h == 0 || w > 0x7fffffffu || h > 0x7fffffffu)
        return "IHDR: width or height out of range";
    switch (colour) {
    case 0:
        if (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16)
            return "IHDR: bad bit depth for grey";
        break;
    case 3:
        if (depth != 1 && depth != 2 && depth != 4 && depth != 8)
            return "IHDR: bad bit depth for a palette";
        break;
    case 2:
    case 4:
    case 6:
        if (depth != 8 && depth != 16)
            return "IHDR: bad bit depth for its colour type";
        break;
    default:
        return "IHDR: unknown colour type";
    }
    if (d[10] != 0 || d[11] != 0 || d[12] > 1)
        return "IHDR: unknown compression, filter or interlace method";
    return NULL;
}

static vg_carve_verdict validate(vg_carve_check *c, const uint8_t *p, size_t n)
{
    uint64_t pos = 8;
    for (int first = 1;; first = 0) {
        uint32_t len;
        uint64_t end;
        const char *why;
        if (pos + 8 > n)
            return vg_carve_more(c, pos + 12);
        len = vg_be32(p + pos);
        if (len > 0x7fffffffu)
            return vg_carve_reject(c, "chunk length over 2^31 - 1");
        if (!is_letter(p[pos + 4]) || !is_letter(p[pos + 5]) || !is_letter(p[pos + 6]) || !is_letter(p[pos + 7]))
            return vg_carve_reject(c, "chunk type is not four letters");
        if (first && (memcmp(p + pos + 4, "IHDR", 4) || len != 13))
            return vg_carve_reject(c, "first chunk is not a 13-byte IHDR");
        end = pos + 12 + len;
        if (end > n)
            return vg_carve_more(c, end);
        if (crc32(crc32(0, NULL, 0), p + pos + 4, len + 4) != vg_be32(p + pos + 8 + len))
            return vg_carve_reject(c, "chunk CRC mismatch");
        if (first && (why = check_ihdr(p + pos + 8)) != NULL)
            return vg_carve_reject(c, why);
        if (!memcmp(p + pos + 4, "IEND", 4))
            return len == 0 ? vg_carve_ok(c, end) : vg_carve_reject(c, "IEND chunk with data");
        pos = end;
    }
}

static int signature(const uint8_t *p)
{
    return !memcmp(p, "\x89PNG\r\n\x1a\n", 8);
}

const vg_carve_format vg_carve_png_format = {
    .type = "png", .mime = "image/png", .image = VIGIL_IMAGE_PNG, .first = 0x89, .sig_len = 8,
    .signature = signature, .validate = validate,
};
