/* Helpers shared by the list readers: hex, CSV fields, sizes. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "formats/list_fields.h"

/* 0..15 for a hex digit, 0x10 for anything else: one lookup per char. */
static const uint8_t HEXVAL[256] = {
#define X16 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10
    X16, X16, X16,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
    0x10, 10, 11, 12, 13, 14, 15, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
    X16,
    0x10, 10, 11, 12, 13, 14, 15, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
    X16, X16, X16, X16, X16, X16, X16, X16, X16,
#undef X16
};

int vg_hs_hex(uint8_t *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned hi = HEXVAL[u[2 * i]], lo = HEXVAL[u[2 * i + 1]];
        bad |= hi | lo;
        out[i] = (uint8_t)(hi << 4 | (lo & 15));
    }
    return bad & 0x10 ? -1 : 0;
}

int vg_hs_digest_field(uint8_t *out, size_t nbytes, const char *s, size_t len, const char *what, char *why,
                       size_t whysz)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (!len)
        return 0;
    if (len != 2 * nbytes || vg_hs_hex(out, s, nbytes) < 0) {
        snprintf(why, whysz, "%s '%.*s' is not %zu hex digits", what, len > 80 ? 80 : (int)len, s, 2 * nbytes);
        for (char *c = why; *c; c++)
            if ((unsigned char)*c < 0x20)
                *c = '?'; /* keep the message on one line */
        return -1;
    }
    return 1;
}

int vg_hs_csv_split(char *line, size_t len, char sep, vg_hs_field *f, int max)
{
    size_t i = 0;
    int n = 0;
    for (;;) {
        char *start = line + i, *w = start;
        int quoted = 0;
        if (i < len && line[i] == '"') {
            quoted = 1;
            start = w = line + ++i;
            for (;;) {
                if (i >= len)
                    return -1;
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        *w++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                *w++ = line[i++];
            }
            /* anything between the closing quote and the separator is kept */
            while (i < len && line[i] != sep)
                *w++ = line[i++];
        } else {
            while (i < len && line[i] != sep)
                i++;
            w = line + i;
        }
        if (n < max) {
            f[n].p = start;
            f[n].len = (size_t)(w - start);
            f[n].quoted = quoted;
        }
        n++;
        if (i >= len)
            return n;
        i++; /* the separator */
    }
}

size_t vg_hs_chomp(const char *line, size_t len)
{
    if (len && line[len - 1] == '\n')
        len--;
    if (len && line[len - 1] == '\r')
        len--;
    return len;
}

int vg_hs_field_index(const vg_hs_field *f, int n, const char *name)
{
    size_t k = strlen(name);
    for (int i = 0; i < n; i++) {
        const char *p = f[i].p;
        size_t len = f[i].len;
        while (len && isspace((unsigned char)*p)) {
            p++;
            len--;
        }
        while (len && isspace((unsigned char)p[len - 1]))
            len--;
        if (len == k && !strncasecmp(p, name, k))
            return i;
    }
    return -1;
}

int64_t vg_hs_size_field(const char *s, size_t len)
{
    int64_t v = 0;
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (i == len || len - i > 18)
        return -1;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

FILE *vg_hs_fdopen(int fd, const char *label, vigil_error *err)
{
    int dfd = dup(fd);
    FILE *f = dfd >= 0 ? fdopen(dfd, "r") : NULL;
    if (!f) {
        vigil_error_set(err, VIGIL_EINPUT, "%s: %s", label, strerror(errno));
        if (dfd >= 0)
            close(dfd);
    }
    return f;
}
