/*
 * The bounded line reader. Bytes come in 64 KiB reads into one buffer of max + 64 KiB; a line
 * is handed out in place (its terminating NUL borrows the next line's first byte, which is
 * put back on the next call). Each byte is searched for a newline once and for NUL once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/linereader.h"

#define CHUNK (64u << 10)

int vg_linereader_init(vg_linereader *r, FILE *f, const char *label, const char *lineword, size_t max,
                       vigil_error *err)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->label = label;
    r->lineword = lineword;
    r->max = max;
    r->cap = max + CHUNK + 1;
    if (!(r->buf = malloc(r->cap)))
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", label);
    return 0;
}

void vg_linereader_dispose(vg_linereader *r)
{
    free(r->buf);
    r->buf = NULL;
}

static ssize_t too_long(vg_linereader *r, vigil_error *err);

static ssize_t bad(vg_linereader *r, const char *why, vigil_error *err)
{
    return vigil_error_set(err, VIGIL_EINPUT, "%s:%s%llu: %s", r->label, r->lineword,
                           (unsigned long long)r->lineno + 1, why);
}

static ssize_t too_long(vg_linereader *r, vigil_error *err)
{
    char why[64];
    if (r->max % (1u << 20) == 0)
        snprintf(why, sizeof why, "line longer than %zu MiB", r->max >> 20);
    else
        snprintf(why, sizeof why, "line longer than %zu bytes", r->max);
    return bad(r, why, err);
}

ssize_t vg_linereader_next(vg_linereader *r, char **line, vigil_error *err)
{
    if (r->holding) {
        r->buf[r->start] = r->held;
        r->holding = 0;
    }
    for (;;) {
        char *s = r->buf + r->start;
        size_t have = r->end - r->start, n;
        char *nl = memchr(s + r->seen, '\n', have - r->seen);
        if (nl || (r->eof && have)) {
            n = nl ? (size_t)(nl - s) + 1 : have;
            if (memchr(s + r->seen, '\0', n - r->seen))
                return bad(r, "binary data (NUL byte), not a text file", err);
            if (n > r->max)
                return too_long(r, err);
            r->held = s[n];
            r->holding = 1;
            s[n] = '\0';
            r->start += n;
            r->seen = 0;
            r->lineno++;
            *line = s;
            return (ssize_t)n;
        }
        if (r->eof)
            return 0;
        /* no newline yet: what is held must still be text, and under the bound */
        if (memchr(s + r->seen, '\0', have - r->seen))
            return bad(r, "binary data (NUL byte), not a text file", err);
        r->seen = have;
        if (have > r->max)
            return too_long(r, err);
        if (r->start && r->cap - 1 - r->end < CHUNK) {
            memmove(r->buf, s, have);
            r->start = 0;
            r->end = have;
        }
        n = fread(r->buf + r->end, 1, r->cap - 1 - r->end, r->f);
        if (n == 0 && ferror(r->f))
            return vigil_error_set(err, VIGIL_EINPUT, "%s: read error: %s", r->label, strerror(errno));
        if (n == 0)
            r->eof = 1;
        r->end += n;
    }
}
