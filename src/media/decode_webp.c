/*
 * WebP through libwebp's default RGB decode (what dwebp writes), which is
 * pixel-identical to the PDQ reference's decoder. Still images only; an
 * animated WebP is refused with the reason.
 */
#include <stdlib.h>
#include <webp/decode.h>

#include "media/decode.h"

/* What libwebp's status says of the file; a RIFF chunk that claims more bytes than there are is cut short. */
static vigil_image_failure webp_failure(VP8StatusCode st, const uint8_t *p, size_t n)
{
    uint64_t riff = n >= 8 ? 8 + ((uint64_t)p[4] | (uint64_t)p[5] << 8 | (uint64_t)p[6] << 16 | (uint64_t)p[7] << 24) : 0;
    if (st == VP8_STATUS_NOT_ENOUGH_DATA || riff > n)
        return VIGIL_IMAGE_FAIL_TRUNCATED;
    return st == VP8_STATUS_UNSUPPORTED_FEATURE ? VIGIL_IMAGE_FAIL_UNSUPPORTED : VIGIL_IMAGE_FAIL_CORRUPT;
}

int vg_decode_webp(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err)
{
    WebPBitstreamFeatures f;
    VP8StatusCode st;
    uint8_t *rgb;
    int w, h, rc;
    if ((st = WebPGetFeatures(p, n, &f)) != VP8_STATUS_OK) {
        r->fail = webp_failure(st, p, n);
        return vigil_error_set(err, VIGIL_EINPUT, "webp: corrupt or truncated header");
    }
    if (f.has_animation)
        return vigil_error_set(err, VIGIL_EINPUT, "webp: animated WebP is not supported");
    if ((rc = vg_raster_begin(r, (uint32_t)f.width, (uint32_t)f.height, 3, "webp", err)) < 0)
        return rc;
    rgb = WebPDecodeRGB(p, n, &w, &h);
    if (!rgb) {
        r->fail = webp_failure(VP8_STATUS_BITSTREAM_ERROR, p, n);
        return vigil_error_set(err, VIGIL_EINPUT, "webp: corrupt or truncated image data");
    }
    if (w != f.width || h != f.height) {
        WebPFree(rgb);
        return vigil_error_set(err, VIGIL_EINPUT, "webp: size changed while decoding");
    }
    for (int y = 0; y < h; y++)
        vg_raster_row(r, (uint32_t)y, rgb + (size_t)y * (size_t)w * 3);
    WebPFree(rgb);
    return 0;
}
