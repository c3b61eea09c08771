/*
 * HEIF/HEIC (phone photos) through libheif: the primary image, decoded to
 * interleaved RGB. The size limit is checked from the container before the
 * picture is decoded.
 */
#include <stdlib.h>

#include "media/decode.h"
#include "media/lazy_heif.h"

/* libheif's error codes say what went wrong; memory and plugin failures are left to the message. */
static vigil_image_failure heif_failure(struct heif_error e)
{
    if (e.code == heif_error_Unsupported_filetype || e.code == heif_error_Unsupported_feature)
        return VIGIL_IMAGE_FAIL_UNSUPPORTED;
    if (e.subcode == heif_suberror_End_of_data)
        return VIGIL_IMAGE_FAIL_TRUNCATED;
    return e.code == heif_error_Invalid_input ? VIGIL_IMAGE_FAIL_CORRUPT : VIGIL_IMAGE_FAIL_OTHER;
}

int vg_decode_heif(vg_raster *r, const uint8_t *p, size_t n, vigil_error *err)
{
    struct heif_context *ctx;
    struct heif_image_handle *hd = NULL;
    struct heif_image *img = NULL;
    struct heif_error e;
    const uint8_t *plane;
    char why[256];
    int stride = 0, w, h, rc = 0;
    if (vg_heif_load(why, sizeof why) < 0) {
        r->fail = VIGIL_IMAGE_FAIL_UNSUPPORTED;
        return vigil_error_set(err, VIGIL_EINTERNAL, "heif: %s", why);
    }
    if (!(ctx = heif_context_alloc()))
        return vigil_error_set(err, VIGIL_ENOMEM, "heif: out of memory");
    e = heif_context_read_from_memory_without_copy(ctx, p, n, NULL);
    if (e.code == heif_error_Ok)
        e = heif_context_get_primary_image_handle(ctx, &hd);
    if (e.code != heif_error_Ok) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "heif: %s", e.message ? e.message : "cannot read");
        r->fail = heif_failure(e);
        goto done;
    }
    w = heif_image_handle_get_width(hd);
    h = heif_image_handle_get_height(hd);
    if (w <= 0 || h <= 0) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "heif: empty picture");
        goto done;
    }
    if ((rc = vg_raster_begin(r, (uint32_t)w, (uint32_t)h, 3, "heif", err)) < 0)
        goto done;
    e = heif_decode_image(hd, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, NULL);
    if (e.code != heif_error_Ok) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "heif: %s", e.message ? e.message : "cannot decode");
        r->fail = heif_failure(e);
        goto done;
    }
    plane = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
    if (!plane || heif_image_get_width(img, heif_channel_interleaved) != w ||
        heif_image_get_height(img, heif_channel_interleaved) != h || stride < 3 * w) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "heif: unexpected decoded layout");
        goto done;
    }
    for (int y = 0; y < h; y++)
        vg_raster_row(r, (uint32_t)y, plane + (size_t)y * (size_t)stride);
done:
    heif_image_release(img);
    heif_image_handle_release(hd);
    heif_context_free(ctx);
    return rc;
}
