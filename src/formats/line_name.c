/* Escaped file names in line-based hash lists (line_name.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "formats/line_name.h"
#include "vigil/hashset.h"

static int is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

int vg_line_name_needs_escape(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_control((unsigned char)p[i]))
            return 1;
    return 0;
}

void vg_line_name_escape(vg_buf *b, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\\')
            vg_buf_add(b, "\\\\", 2);
        else if (c == '\n')
            vg_buf_add(b, "\\n", 2);
        else if (c == '\r')
            vg_buf_add(b, "\\r", 2);
        else if (c == '\t')
            vg_buf_add(b, "\\t", 2);
        else if (is_control(c)) {
            char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            vg_buf_add(b, esc, 4);
        } else
            vg_buf_addc(b, (char)c);
    }
}

long vg_line_name_unescape(char *out, size_t cap, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\') {
            if (++i == n)
                return -1;
            switch (s[i]) {
            case '\\': c = '\\'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'x': {
                uint8_t v;
                if (n - i < 3 || vg_hex_decode(&v, s + i + 1, 1) < 0 || v == 0)
                    return -1;
                c = (char)v;
                i += 2;
                break;
            }
            default: return -1;
            }
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return (long)o;
}

int vigil_hashlist_write_line(FILE *f, const char *fields, const char *name, size_t name_len)
{
    vg_buf b;
    int rc;
    vg_buf_init(&b, (size_t)1 << 24);
    if (vg_line_name_needs_escape(name, name_len)) {
        vg_buf_addc(&b, '\\');
        vg_buf_adds(&b, fields);
        vg_line_name_escape(&b, name, name_len);
    } else {
        vg_buf_adds(&b, fields);
        vg_buf_add(&b, name, name_len);
    }
    vg_buf_addc(&b, '\n');
    rc = vg_buf_failed(&b) || fwrite(b.ptr, 1, b.len, f) != b.len ? -1 : 0;
    vg_buf_dispose(&b);
    return rc;
}
