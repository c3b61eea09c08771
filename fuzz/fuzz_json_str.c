/*
 * Fuzz target: vg_json_str. Besides not crashing, the output must decode back
 * to exactly the input bytes (the surrogateescape contract of core/json.h):
 * this decoder accepts only the escapes the writer is allowed to produce.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decode a JSON string written by vg_json_str into out; returns the length or -1. */
static long decode(const char *s, size_t n, uint8_t *out)
{
    size_t i = 1, o = 0;
    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return -1;
    n--;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c < 0x20)
            return -1; /* must have been escaped */
        if (c != '\\') {
            out[o++] = c;
            i++;
            continue;
        }
        if (i + 1 >= n)
            return -1;
        switch (s[i + 1]) {
        case '"': out[o++] = '"'; i += 2; continue;
        case '\\': out[o++] = '\\'; i += 2; continue;
        case 'n': out[o++] = '\n'; i += 2; continue;
        case 't': out[o++] = '\t'; i += 2; continue;
        case 'r': out[o++] = '\r'; i += 2; continue;
        case 'u': break;
        default: return -1;
        }
        if (i + 6 > n)
            return -1;
        {
            int v = 0;
            for (int k = 2; k < 6; k++) {
                int h = hexval(s[i + k]);
                if (h < 0)
                    return -1;
                v = v << 4 | h;
            }
            if (v < 0x20)
                out[o++] = (uint8_t)v;              /* control character */
            else if (v >= 0xdc80 && v <= 0xdcff)
                out[o++] = (uint8_t)(v & 0xff);     /* a byte outside valid UTF-8 */
            else
                return -1;
        }
        i += 6;
    }
    return (long)o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_buf b;
    uint8_t *back;
    long n;
    vg_buf_init(&b, 16 * size + 64);
    vg_json_str(&b, (const char *)data, size);
    if (vg_buf_failed(&b))
        abort();
    /* The output is valid UTF-8 text. */
    if (!vg_utf8_valid(b.ptr, b.len))
        abort();
    back = malloc(size + 1);
    if (!back)
        abort();
    n = decode(b.ptr, b.len, back);
    if (n != (long)size || (size && memcmp(back, data, size) != 0))
        abort();
    free(back);
    vg_buf_dispose(&b);
    return 0;
}
