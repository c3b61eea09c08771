/*
 * Fuzz target: PhotoDNA decoding in every encoding and the vector-list reader.
 * A vector that decodes must survive base64 and back unchanged, and its
 * distance to itself is 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_exchange.h"
#include "formats/exchange/photodna.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t v[VG_PHOTODNA_BYTES])
{
    char b64[VG_PHOTODNA_BASE64_CHARS + 1];
    uint8_t back[VG_PHOTODNA_BYTES];
    vg_photodna_to_base64(b64, v);
    if (vg_photodna_from_base64(back, b64, strlen(b64), NULL, 0) < 0 || memcmp(back, v, sizeof back) ||
        vg_photodna_sq_distance(v, back) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t v[VG_PHOTODNA_BYTES];
    char why[128];
    const char *s = (const char *)data;
    fuzz_counts c = {0};
    vigil_error err;
    int fd;
    if (vg_photodna_decode(v, s, size, why, sizeof why) == 0)
        check(v);
    else if (!why[0])
        abort(); /* a refusal always says why */
    if (vg_photodna_from_base64(v, s, size, why, sizeof why) == 0)
        check(v);
    if (vg_photodna_from_hex(v, s, size, why, sizeof why) == 0)
        check(v);
    if (vg_photodna_from_decimals(v, s, size, why, sizeof why) == 0)
        check(v);
    fd = fuzz_memfd(data, size);
    fuzz_read(VIGIL_FORMAT_PHOTODNA, fd, NULL, &c, &err);
    close(fd);
    return 0;
}
