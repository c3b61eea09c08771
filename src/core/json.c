/* JSON string writer over vg_buf with lossless escaping of non-UTF-8 bytes. */
#include <string.h>

#include "core/json.h"

size_t vg_utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (n >= 2 && (p[1] & 0xc0) == 0x80) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && p[1] < 0xa0)
            return 0; /* overlong */
        if (c == 0xed && p[1] >= 0xa0)
            return 0; /* UTF-16 surrogates are not valid UTF-8 */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

int vg_utf8_valid(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        size_t k = vg_utf8_seq(u + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

void vg_json_str(vg_buf *b, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, run = 0;
    vg_buf_addc(b, '"');
    while (i < n) {
        unsigned char c = u[i];
        size_t k = (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') ? 1 : 0;
        if (k) { /* plain ASCII: extend the run copied in one go */
            run++;
            i++;
            continue;
        }
        vg_buf_add(b, p + i - run, run);
        run = 0;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            vg_buf_add(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            switch (c) {
            case '\n': vg_buf_add(b, "\\n", 2); break;
            case '\t': vg_buf_add(b, "\\t", 2); break;
            case '\r': vg_buf_add(b, "\\r", 2); break;
            default: vg_buf_add(b, esc, 6);
            }
            i++;
        } else if ((k = vg_utf8_seq(u + i, n - i)) > 0) {
            vg_buf_add(b, p + i, k);
            i += k;
        } else {
            char esc[6] = {'\\', 'u', 'd', 'c', hex[c >> 4], hex[c & 15]};
            vg_buf_add(b, esc, 6);
            i++;
        }
    }
    vg_buf_add(b, p + i - run, run);
    vg_buf_addc(b, '"');
}

void vg_json_strz(vg_buf *b, const char *s)
{
    if (!s)
        vg_buf_adds(b, "null");
    else
        vg_json_str(b, s, strlen(s));
}
