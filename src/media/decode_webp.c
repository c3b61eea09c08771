/*
 * WebP through libwebp's default RGB decode (what dwebp writes), which is
 * pixel-identical to the PDQ reference's decoder. Still images only; an
 * animated WebP is refused with the reason.
 */
#include <stdlib.h>
#include <webp/decode.h>

#include "media/decode.h"

int vg_decode_webp(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err)
{
    WebPBitstreamFeatures f;
    uint8_t *rgb;
    int w, h, rc;
    if (WebPGetFeatures(p, n, &f) != VP8_STATUS_OK)
        return vigil_error_set(err, VIGIL_EINPUT, "webp: corrupt or truncated header");
    if (f.has_animation)
        return vigil_error_set(err, VIGIL_EINPUT, "webp: animated WebP is not supported");
    if ((rc = vg_raster_begin(r, (uint32_t)f.width, (uint32_t)f.height, 3, "webp", err)) < 0)
        return rc;
    rgb = WebPDecodeRGB(p, n, &w, &h);
    if (!rgb)
        return vigil_error_set(err, VIGIL_EINPUT, "webp: corrupt or truncated image data");
    if (w != f.width || h != f.height) {
        WebPFree(rgb);
        return vigil_error_set(err, VIGIL_EINPUT, "webp: size changed while decoding");
    }
    for (int y = 0; y < h; y++)
        vg_raster_row(r, (uint32_t)y, rgb + (size_t)y * (size_t)w * 3);
    WebPFree(rgb);
    return 0;
}
