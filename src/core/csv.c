/* The CSV field quoter, with spreadsheet formulas neutralised. */
#include <string.h>

#include "core/csv.h"

/* An optionally signed decimal number: a spreadsheet reads it as a number, never a formula. */
static int plain_number(const char *p, size_t n)
{
    size_t i = (n > 0 && (p[0] == '-' || p[0] == '+')) ? 1 : 0, digits = 0, dot = 0;
    for (; i < n; i++) {
        if (p[i] >= '0' && p[i] <= '9')
            digits++;
        else if (p[i] == '.' && !dot && digits)
            dot = 1;
        else
            return 0;
    }
    return digits > 0 && p[n - 1] != '.';
}

int vg_csv_needs_apostrophe(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] == '\'')
        i++; /* "'=x" gets one more: the reader takes exactly one off */
    if (i == n || !strchr("=+-@\t\r", p[i]) || p[i] == '\0')
        return 0;
    return !plain_number(p, n);
}

void vg_csv_field(vg_buf *b, const char *p, size_t n)
{
    int apos;
    if (!p)
        return;
    apos = vg_csv_needs_apostrophe(p, n);
    if (!memchr(p, ',', n) && !memchr(p, '"', n) && !memchr(p, '\n', n) && !memchr(p, '\r', n)) {
        if (apos)
            vg_buf_addc(b, '\'');
        vg_buf_add(b, p, n);
        return;
    }
    vg_buf_addc(b, '"');
    if (apos)
        vg_buf_addc(b, '\'');
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

size_t vg_csv_unneutralise(const char *p, size_t n)
{
    return n > 0 && p[0] == '\'' && vg_csv_needs_apostrophe(p + 1, n - 1) ? 1 : 0;
}
