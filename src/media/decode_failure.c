/*
 * Why a picture did not decode, for a scan's error kinds: the decoder sets
 * the failure where its library says (an error code, a read past the end),
 * else its message decides, as for libarchive (archive_error.c). A failure
 * that is not the picture's fault (memory, the pixel limit) stays "other".
 */
#include <string.h>

#include "media/decode.h"

static int says(const char *msg, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasestr(msg, words[i]))
            return 1;
    return 0;
}

const char *vigil_image_failure_name(vigil_image_failure f)
{
    static const char *const names[] = {NULL, "corrupt", "truncated", "unsupported"};
    return (unsigned)f <= VIGIL_IMAGE_FAIL_UNSUPPORTED ? names[f] : NULL;
}

void vg_decode_failure(vigil_image *img, const vg_raster *r, int rc, const char *msg, size_t n)
{
    static const char *const other[] = {"over the limit", "not a supported image format", "memory allocation"};
    static const char *const unsupported[] = {"not supported", "unsupported", "not implemented"};
    static const char *const truncated[] = {"truncat", "premature end", "not enough data", "unexpected end"};
    vigil_image_failure f = r->fail;
    if (!msg)
        msg = "";
    if (rc != VIGIL_EINPUT || says(msg, other, sizeof other / sizeof *other))
        f = VIGIL_IMAGE_FAIL_OTHER;
    else if (f == VIGIL_IMAGE_FAIL_OTHER)
        f = says(msg, unsupported, sizeof unsupported / sizeof *unsupported) ? VIGIL_IMAGE_FAIL_UNSUPPORTED
          : says(msg, truncated, sizeof truncated / sizeof *truncated)     ? VIGIL_IMAGE_FAIL_TRUNCATED
          : n && r->fail_at >= 0 && (uint64_t)r->fail_at >= n             ? VIGIL_IMAGE_FAIL_TRUNCATED
                                                                            : VIGIL_IMAGE_FAIL_CORRUPT;
    img->failure = f;
    /* a file cut short ends where its bytes end, whether or not the decoder said how far it read */
    img->failure_offset = f == VIGIL_IMAGE_FAIL_OTHER ? -1 : f == VIGIL_IMAGE_FAIL_TRUNCATED && r->fail_at < 0 && n ? (int64_t)n
                        : r->fail_at;
}
