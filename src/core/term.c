/* Terminal-safe text: controls and stray bytes escaped (vigil/term.h). */
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/term.h"

/* Bytes of the sequence at p to copy as they are, or 0 when it must be escaped. */
static size_t plain(const unsigned char *u, size_t n)
{
    size_t k;
    if (u[0] >= 0x20 && u[0] < 0x7f)
        return 1;
    if (u[0] < 0x80)
        return 0; /* C0, DEL */
    k = vg_utf8_seq(u, n);
    if (k == 2 && u[0] == 0xc2 && u[1] < 0xa0)
        return 0; /* U+0080..U+009F: the C1 controls */
    return k;
}

int vigil_term_clean(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    for (size_t i = 0, k; i < n; i += k)
        if (!(k = plain(u + i, n - i)))
            return 0;
    return 1;
}

void vg_term_add(vg_buf *b, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, k;
    while (i < n) {
        if ((k = plain(u + i, n - i)) > 0) {
            vg_buf_add(b, p + i, k);
            i += k;
            continue;
        }
        if (u[i] == '\n' || u[i] == '\r' || u[i] == '\t') {
            char esc[2] = {'\\', u[i] == '\n' ? 'n' : u[i] == '\r' ? 'r' : 't'};
            vg_buf_add(b, esc, 2);
            i++;
        } else if (u[i] == 0xc2 && i + 1 < n && vg_utf8_seq(u + i, n - i) == 2) {
            char esc[6] = {'\\', 'u', '0', '0', hex[u[i + 1] >> 4], hex[u[i + 1] & 15]};
            vg_buf_add(b, esc, 6);
            i += 2;
        } else {
            char esc[4] = {'\\', 'x', hex[u[i] >> 4], hex[u[i] & 15]};
            vg_buf_add(b, esc, 4);
            i++;
        }
    }
}

char *vigil_term_escape(const char *p, size_t n)
{
    vg_buf b;
    char *s;
    vg_buf_init(&b, ((size_t)1 << 30));
    vg_term_add(&b, p ? p : "", p ? n : 0);
    vg_buf_addc(&b, '\0');
    if (vg_buf_failed(&b)) {
        vg_buf_dispose(&b);
        return NULL;
    }
    s = vg_buf_detach(&b, NULL);
    return s;
}

int vigil_term_write(FILE *f, const char *p, size_t n)
{
    char *s;
    int rc;
    if (vigil_term_clean(p, n))
        return fwrite(p, 1, n, f) == n ? 0 : -1;
    if (!(s = vigil_term_escape(p, n)))
        return -1;
    rc = fputs(s, f) < 0 ? -1 : 0;
    free(s);
    return rc;
}
