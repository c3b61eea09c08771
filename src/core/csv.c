/* The CSV field quoter. */
#include <string.h>

#include "core/csv.h"

void vg_csv_field(vg_buf *b, const char *p, size_t n)
{
    if (!p)
        return;
    if (!memchr(p, ',', n) && !memchr(p, '"', n) && !memchr(p, '\n', n) && !memchr(p, '\r', n)) {
        vg_buf_add(b, p, n);
        return;
    }
    vg_buf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"')
            vg_buf_addc(b, '"');
        vg_buf_addc(b, p[i]);
    }
    vg_buf_addc(b, '"');
}

void vg_csv_fieldz(vg_buf *b, const char *s)
{
    vg_csv_field(b, s, s ? strlen(s) : 0);
}
