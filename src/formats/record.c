/* Hash-list records: reset, the test for the digests of the empty file, and places in messages. */
#include <stdio.h>
#include <string.h>

#include "formats/record.h"

static const uint8_t EMPTY_MD5[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
                                      0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
static const uint8_t EMPTY_SHA1[20] = {0xda, 0x39, 0xa3, 0xee, 0x5e, 0x6b, 0x4b, 0x0d, 0x32, 0x55,
                                       0xbf, 0xef, 0x95, 0x60, 0x18, 0x90, 0xaf, 0xd8, 0x07, 0x09};
static const uint8_t EMPTY_SHA256[32] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                         0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                         0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

void vg_hs_record_clear(vg_hs_record *r)
{
    memset(r, 0, sizeof *r);
    r->size = -1;
    r->pdq_quality = -1;
    r->severity = -1;
}

int vg_hs_record_is_empty_file(const vg_hs_record *r)
{
    static const uint8_t zero[32];
    if (r->size == 0)
        return 1;
    if (r->has_pdq && !memcmp(r->pdq, zero, 32) && !r->has_md5 && !r->has_sha1 && !r->has_sha256)
        return 1; /* "too small to hash" in other tools */
    return (r->has_md5 && !memcmp(r->md5, EMPTY_MD5, 16)) || (r->has_sha1 && !memcmp(r->sha1, EMPTY_SHA1, 20)) ||
           (r->has_sha256 && !memcmp(r->sha256, EMPTY_SHA256, 32));
}

void vg_hs_place(char *out, size_t n, const char *label, const char *where)
{
    if (!strncmp(where, "line ", 5))
        snprintf(out, n, "%s:%s", label, where + 5);
    else
        snprintf(out, n, "%s:%s", label, where);
}
