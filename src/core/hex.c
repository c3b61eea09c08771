/* Hex helpers for digests. */
#include <string.h>

#include "core/hex.h"
#include "vigil/digest.h"

/* Value of each byte as a hex digit, 0xff when it is none: one load per character. */
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
const uint8_t vg_hex_table[256] = {
    R16(0xff), R16(0xff), R16(0xff),
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 10, 11, 12, 13, 14, 15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    R16(0xff),
    0xff, 10, 11, 12, 13, 14, 15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    R16(0xff), R16(0xff), R16(0xff), R16(0xff), R16(0xff), R16(0xff), R16(0xff), R16(0xff), R16(0xff),
};
#undef R16


void vg_hex_encode(char *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * Eight hex digits into four bytes at once (digests are 32 to 64 digits; the
 * hot path of a big VICS import): every byte must be 0-9, A-F or a-f, exactly
 * as in vg_hex_table.
 */
static int hex8(uint8_t *out, const char *s)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t x, low, digit, letter, n;
    uint32_t v;
    memcpy(&x, s, 8);
    if (x & high)
        return -1;
    low = x | 0x2020202020202020u;
    digit = (x + (0x80 - '0') * ones) & ~(x + (0x80 - '9' - 1) * ones);
    letter = (low + (0x80 - 'a') * ones) & ~(low + (0x80 - 'f' - 1) * ones);
    if (((digit | letter) & high) != high)
        return -1;
    n = (x & 0x0f0f0f0f0f0f0f0fu) + 9 * ((x >> 6) & ones);
    n = ((n << 4) | (n >> 8)) & 0x00ff00ff00ff00ffu;
    n = (n | (n >> 8)) & 0x0000ffff0000ffffu;
    v = (uint32_t)(n | (n >> 16));
    memcpy(out, &v, 4);
    return 0;
}
#endif

int vg_hex_decode(uint8_t *out, const char *s, size_t n)
{
    unsigned bad = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n % 4 == 0) {
        int rc = 0;
        for (size_t i = 0; i < n; i += 4)
            rc |= hex8(out + i, s + 2 * i);
        return rc;
    }
#endif
    for (size_t i = 0; i < n; i++) {
        unsigned hi = vg_hex_table[(unsigned char)s[2 * i]], lo = vg_hex_table[(unsigned char)s[2 * i + 1]];
        bad |= hi | lo; /* 0xff has the high bit that no digit has */
        out[i] = (uint8_t)(hi << 4 | (lo & 15));
    }
    return bad & 0x80 ? -1 : 0;
}

int vg_is_hex(const char *s, size_t n)
{
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++)
        bad |= vg_hex_table[(unsigned char)s[i]];
    return !(bad & 0x80);
}

void vigil_hex(char *out, const uint8_t *p, size_t n)
{
    vg_hex_encode(out, p, n);
}
