/* Hex helpers for digests. */
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

int vg_hex_decode(uint8_t *out, const char *s, size_t n)
{
    unsigned bad = 0;
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
