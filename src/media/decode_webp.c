/*
 * WebP through libwebp's default RGB decode (what dwebp writes), which is
 * pixel-identical to the PDQ reference's decoder. An animated WebP gives its
 * first frame as libwebp's animation decoder composes it (alpha ignored, as
 * PDQ ignores it), the picture a viewer shows first; its frames as a video
 * are vPDQ's (video_webp.c).
 */
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include "media/decode.h"

/* What libwebp's status says of the file; a RIFF chunk that claims more bytes than there are is cut short. */
static vigil_image_failure webp_failure(VP8StatusCode st, const uint8_t *p, size_t n)
{
    uint64_t riff = n >= 8 ? 8 + ((uint64_t)p[4] | (uint64_t)p[5] << 8 | (uint64_t)p[6] << 16 | (uint64_t)p[7] << 24) : 0;
    if (st == VP8_STATUS_NOT_ENOUGH_DATA || riff > n)
        return VIGIL_IMAGE_FAIL_TRUNCATED;
    return st == VP8_STATUS_UNSUPPORTED_FEATURE ? VIGIL_IMAGE_FAIL_UNSUPPORTED : VIGIL_IMAGE_FAIL_CORRUPT;
}

static int first_frame(vg_raster *r, const uint8_t *p, size_t n, const WebPBitstreamFeatures *f, vigil_error *err)
{
    WebPData data = {p, n};
    WebPAnimDecoderOptions opt;
    WebPAnimDecoder *dec = NULL;
    WebPAnimInfo info;
    uint8_t *rgba, *rgb = NULL;
    int ms, rc;
    if (!WebPAnimDecoderOptionsInit(&opt))
        return vigil_error_set(err, VIGIL_EINTERNAL, "webp: libwebp version mismatch");
    opt.color_mode = MODE_RGBA;
    opt.use_threads = 0;
    /* the canvas size is checked against the pixel limit before libwebp allocates the canvas */
    if ((rc = vg_raster_begin(r, (uint32_t)f->width, (uint32_t)f->height, 3, "webp", err)) < 0)
        return rc;
    if (!(dec = WebPAnimDecoderNew(&data, &opt)) || !WebPAnimDecoderGetInfo(dec, &info) ||
        info.canvas_width != (uint32_t)f->width || info.canvas_height != (uint32_t)f->height) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "webp: corrupt animated WebP");
        goto fail;
    }
    if (!WebPAnimDecoderGetNext(dec, &rgba, &ms)) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "webp: the first frame of the animation does not decode");
        goto fail;
    }
    if (!(rgb = malloc((size_t)f->width * 3))) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "webp: out of memory");
        goto fail;
    }
    for (int y = 0; y < f->height; y++) {
        const uint8_t *s = rgba + (size_t)y * (size_t)f->width * 4;
        for (int x = 0; x < f->width; x++)
            memcpy(rgb + (size_t)x * 3, s + (size_t)x * 4, 3);
        vg_raster_row(r, (uint32_t)y, rgb);
    }
    free(rgb);
    WebPAnimDecoderDelete(dec);
    return 0;
fail:
    if (rc == VIGIL_EINPUT)
        r->fail = webp_failure(VP8_STATUS_BITSTREAM_ERROR, p, n);
    WebPAnimDecoderDelete(dec); /* the raster is released by the caller (image.c) */
    return rc;
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
        return first_frame(r, p, n, &f, err);
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
