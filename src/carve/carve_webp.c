/*
 * WebP structure for carving: "RIFF", its size, "WEBP", then a chain of
 * chunks with printable four-letter codes that fills the RIFF size exactly,
 * the first a VP8 (with its key frame start code), VP8L (with its signature
 * byte) or VP8X (10 bytes) chunk. The RIFF size gives the picture's length.
 */
#include <string.h>

#include "carve/carve_int.h"

static int printable(const uint8_t *f)
{
    for (int i = 0; i < 4; i++)
        if (f[i] < 0x20 || f[i] > 0x7e)
            return 0;
    return 1;
}

static const char *check_first(const uint8_t *ch, uint32_t size)
{
    if (!memcmp(ch, "VP8 ", 4))
        return size >= 10 && !memcmp(ch + 8 + 3, "\x9d\x01\x2a", 3) ? NULL : "VP8 chunk without a key frame";
    if (!memcmp(ch, "VP8L", 4))
        return size >= 5 && ch[8] == 0x2f ? NULL : "VP8L chunk without its signature";
    if (!memcmp(ch, "VP8X", 4))
        return size == 10 ? NULL : "VP8X chunk not 10 bytes";
    return "first chunk is not VP8, VP8L or VP8X";
}

static vg_carve_verdict validate(vg_carve_check *c, const uint8_t *p, size_t n)
{
    uint64_t total, pos = 12;
    const char *why;
    if (n < 32)
        return vg_carve_more(c, 32);
    total = (uint64_t)vg_le32(p + 4) + 8;
    if (total < 32)
        return vg_carve_reject(c, "RIFF size too small for a picture");
    if ((why = check_first(p + 12, vg_le32(p + 16))) != NULL)
        return vg_carve_reject(c, why);
    if (total > n)
        return vg_carve_more(c, total);
    while (pos < total) {
        uint64_t size;
        if (total - pos < 8)
            return vg_carve_reject(c, "chunk header past the RIFF end");
        if (!printable(p + pos))
            return vg_carve_reject(c, "chunk code is not printable");
        size = vg_le32(p + pos + 4);
        pos += 8 + size + (size & 1);
        if (pos > total)
            return vg_carve_reject(c, "chunk runs past the RIFF end");
    }
    return vg_carve_ok(c, total);
}

static int signature(const uint8_t *p)
{
    return !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4);
}

const vg_carve_format vg_carve_webp_format = {
    .type = "webp", .mime = "image/webp", .image = VIGIL_IMAGE_WEBP, .first = 'R', .sig_len = 12,
    .signature = signature, .validate = validate,
};
