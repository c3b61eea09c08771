/* Escaping, sizes for people and base64 for the HTML report. */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "report/html.h"

void vg_html_text(vg_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k;
        switch (u[i]) {
        case '<': vg_buf_adds(b, "&lt;"); i++; continue;
        case '>': vg_buf_adds(b, "&gt;"); i++; continue;
        case '&': vg_buf_adds(b, "&amp;"); i++; continue;
        case '"': vg_buf_adds(b, "&quot;"); i++; continue;
        case '\'': vg_buf_adds(b, "&#39;"); i++; continue;
        default: break;
        }
        k = u[i] < 0x20 ? 0 : vg_utf8_seq(u + i, n - i);
        if (k) {
            vg_buf_add(b, s + i, k);
            i += k;
        } else { /* display only: the JSONL keeps the exact bytes */
            vg_buf_adds(b, "&#xFFFD;");
            i++;
        }
    }
}

void vg_html_textz(vg_buf *b, const char *s)
{
    if (s)
        vg_html_text(b, s, strlen(s));
}

void vg_html_size(char *out, size_t cap, double bytes)
{
    static const char *units[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
    int u = 0;
    if (bytes < 1000) {
        snprintf(out, cap, "%.0f bytes", bytes);
        return;
    }
    while (bytes >= 1000 && u < 5) {
        bytes /= 1000;
        u++;
    }
    snprintf(out, cap, bytes < 10 ? "%.2f %s" : bytes < 100 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

void vg_html_base64(vg_buf *b, const unsigned char *p, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {abc[v >> 18 & 63], abc[v >> 12 & 63], i + 1 < n ? abc[v >> 6 & 63] : '=',
                     i + 2 < n ? abc[v & 63] : '='};
        vg_buf_add(b, q, 4);
    }
}
