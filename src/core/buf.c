/* vg_buf implementation: capped, sticky-failure, NUL-terminated growth. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void vg_buf_init(vg_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void vg_buf_dispose(vg_buf *b)
{
    free(b->ptr);
    memset(b, 0, sizeof *b);
}

void vg_buf_reset(vg_buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

int vg_buf_grow(vg_buf *b, size_t extra)
{
    size_t need, ncap;
    char *p;
    if (b->failed)
        return -1;
    if (extra > b->max || b->len > b->max - extra) {
        b->failed = 1;
        return -1;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    p = realloc(b->ptr, ncap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->ptr = p;
    b->cap = ncap;
    return 0;
}

void vg_buf_add(vg_buf *b, const void *p, size_t n)
{
    if (vg_buf_grow(b, n) < 0)
        return;
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void vg_buf_adds(vg_buf *b, const char *s)
{
    vg_buf_add(b, s, strlen(s));
}

void vg_buf_addc(vg_buf *b, char c)
{
    vg_buf_add(b, &c, 1);
}

void vg_buf_addf(vg_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    char small[256];
    if (b->failed)
        return;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        vg_buf_add(b, small, (size_t)n);
        return;
    }
    if (vg_buf_grow(b, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *vg_buf_detach(vg_buf *b, size_t *len_out)
{
    char *p = b->failed ? NULL : b->ptr;
    if (len_out)
        *len_out = p ? b->len : 0;
    if (!p)
        free(b->ptr);
    else if (!b->ptr) {
        p = calloc(1, 1);
    }
    b->ptr = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
    return p;
}
