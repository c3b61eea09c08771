/*
 * Fuzz target: the five structure validators of the carver (carve_<format>.c)
 * called directly on any bytes, whatever they start with, each checked for
 * the rule the stream loop relies on: a prefix of the input is answered with
 * "more" or with the same verdict as the whole input, and an accepted length
 * is accepted again on exactly that many bytes. Any break aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve/carve_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_carve_verdict check(const vg_carve_format *f, const uint8_t *data, size_t n, vg_carve_check *c)
{
    /* An exact-size copy, so that a read past n is caught by AddressSanitizer. */
    uint8_t *p = malloc(n ? n : 1);
    vg_carve_verdict r;
    if (!p)
        abort();
    memcpy(p, data, n);
    memset(c, 0, sizeof *c);
    r = f->validate(c, p, n);
    free(p);
    if ((r == VG_CARVE_OK && (c->length == 0 || c->length > n)) || (r == VG_CARVE_REJECT && !c->why))
        abort();
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const vg_carve_format *const formats[] = {&vg_carve_jpeg_format, &vg_carve_png_format,
                                                     &vg_carve_gif_format, &vg_carve_bmp_format,
                                                     &vg_carve_webp_format};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        vg_carve_check whole, part;
        vg_carve_verdict r = check(formats[i], data, size, &whole);
        vg_carve_verdict half = check(formats[i], data, size / 2, &part);
        if (half != VG_CARVE_MORE && (half != r || (r == VG_CARVE_OK && part.length != whole.length)))
            abort();
        if (r == VG_CARVE_OK) {
            size_t len = (size_t)whole.length;
            if (check(formats[i], data, len, &part) != VG_CARVE_OK || part.length != whole.length)
                abort();
            if (check(formats[i], data, len - 1, &part) != VG_CARVE_MORE)
                abort();
        }
    }
    return 0;
}
