/*
 * GIF structure for carving: GIF87a/GIF89a, the logical screen descriptor
 * and its colour table, then image descriptors and extensions, each with its
 * chain of sub-blocks, up to the trailer 0x3B. At least one image must come
 * before the trailer.
 */
#include <string.h>

#include "carve/carve_int.h"

/* Step over a sub-block chain from *pos to just after its zero terminator. */
static vg_carve_verdict sub_blocks(vg_carve_check *c, const uint8_t *p, size_t n, size_t *pos)
{
    for (;;) {
        unsigned size;
        if (*pos >= n)
            return vg_carve_more(c, 0);
        size = p[(*pos)++];
        if (size == 0)
            return VG_CARVE_OK;
        *pos += size;
        if (*pos > n)
            return vg_carve_more(c, *pos + 1);
    }
}

static size_t colour_table(unsigned flags)
{
    return (flags & 0x80) ? (size_t)3 << ((flags & 7) + 1) : 0;
}

/* An image descriptor from *pos (just after 0x2C) through its LZW data. */
static vg_carve_verdict image(vg_carve_check *c, const uint8_t *p, size_t n, size_t *pos)
{
    unsigned code_size;
    if (n - *pos < 9)
        return vg_carve_more(c, *pos + 10);
    if (vg_le16(p + *pos + 4) == 0 || vg_le16(p + *pos + 6) == 0)
        return vg_carve_reject(c, "image descriptor with zero width or height");
    *pos += 9 + colour_table(p[*pos + 8]);
    if (*pos >= n)
        return vg_carve_more(c, *pos + 1);
    code_size = p[(*pos)++];
    if (code_size < 1 || code_size > 11)
        return vg_carve_reject(c, "LZW minimum code size out of range");
    return sub_blocks(c, p, n, pos);
}

static vg_carve_verdict validate(vg_carve_check *c, const uint8_t *p, size_t n)
{
    size_t pos = 13;
    unsigned images = 0;
    if (n < 13)
        return vg_carve_more(c, 13);
    if (vg_le16(p + 6) == 0 || vg_le16(p + 8) == 0)
        return vg_carve_reject(c, "logical screen of zero width or height");
    pos += colour_table(p[10]);
    for (;;) {
        vg_carve_verdict r;
        if (pos >= n)
            return vg_carve_more(c, pos + 1);
        switch (p[pos++]) {
        case 0x3b:
            return images ? vg_carve_ok(c, pos) : vg_carve_reject(c, "trailer before any image");
        case 0x2c:
            images++;
            r = image(c, p, n, &pos);
            break;
        case 0x21:
            if (pos >= n)
                return vg_carve_more(c, pos + 1);
            pos++; /* the extension's label */
            r = sub_blocks(c, p, n, &pos);
            break;
        default:
            return vg_carve_reject(c, "unknown block type");
        }
        if (r != VG_CARVE_OK)
            return r;
    }
}

static int signature(const uint8_t *p)
{
    return !memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6);
}

const vg_carve_format vg_carve_gif_format = {
    .type = "gif", .mime = "image/gif", .image = VIGIL_IMAGE_GIF, .first = 'G', .sig_len = 6,
    .signature = signature, .validate = validate,
};
