/*
 * vpdq hash lists (docs/vpdq.md): vigil vpdq's own lines,
 * "frame,hash,quality,seconds,path", grouped into videos by path, and the
 * reference's per-video files, "frame,quality,hash,timestamp", one video per
 * file. The two are told apart per line by where the 64 hex digits stand.
 * A path with control bytes comes in the escaped form of docs/output.md (the
 * line starts with a backslash).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "formats/line_name.h"
#include "vigil/hashset.h"
#include "vigil/vpdq.h"

#define MAX_LINE 8192

typedef struct field {
    const char *p;
    size_t n;
} field;

/* Split s[0..n) at the first max-1 commas; the last field takes the rest. */
static size_t split(field *f, size_t max, const char *s, size_t n)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; i < n && k + 1 < max; i++)
        if (s[i] == ',') {
            f[k].p = s + start;
            f[k++].n = i - start;
            start = i + 1;
        }
    f[k].p = s + start;
    f[k++].n = n - start;
    return k;
}

static int parse_u64(uint64_t *out, const field *f)
{
    char buf[24], *end;
    if (f->n == 0 || f->n >= sizeof buf || f->p[0] == '-' || f->p[0] == '+')
        return -1;
    memcpy(buf, f->p, f->n);
    buf[f->n] = 0;
    errno = 0;
    *out = strtoull(buf, &end, 10);
    return *end || errno ? -1 : 0;
}

static int parse_double(double *out, const field *f)
{
    char buf[40], *end;
    if (f->n == 0 || f->n >= sizeof buf)
        return -1;
    memcpy(buf, f->p, f->n);
    buf[f->n] = 0;
    *out = strtod(buf, &end);
    return *end || !(*out >= 0) || *out > 1e9 ? -1 : 0; /* also refuses NaN */
}

static int parse_quality(int *out, const field *f)
{
    uint64_t v;
    if (parse_u64(&v, f) < 0 || v > 100)
        return -1;
    *out = (int)v;
    return 0;
}

static vigil_vpdq_video *video_named(vigil_vpdq_list *l, const char *name, size_t n)
{
    vigil_vpdq_video *v;
    /* lines come grouped by video: the last one is nearly always it */
    for (size_t i = l->n; i-- > 0;)
        if (strlen(l->videos[i].name) == n && memcmp(l->videos[i].name, name, n) == 0)
            return &l->videos[i];
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        vigil_vpdq_video *p = realloc(l->videos, cap * sizeof *p);
        if (!p)
            return NULL;
        l->videos = p;
        l->cap = cap;
    }
    v = &l->videos[l->n];
    memset(v, 0, sizeof *v);
    if (!(v->name = malloc(n + 1)))
        return NULL;
    memcpy(v->name, name, n);
    v->name[n] = 0;
    l->n++;
    return v;
}

static int add_frame(vigil_vpdq_video *v, const vigil_vpdq_frame *fr)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        vigil_vpdq_frame *p = realloc(v->frames, cap * sizeof *p);
        if (!p)
            return -1;
        v->frames = p;
        v->cap = cap;
    }
    v->frames[v->n++] = *fr;
    return 0;
}

/* One line (no line break). 0, or a static reason. */
static const char *parse_line(vigil_vpdq_list *l, const char *s, size_t n, const char *default_name, int *oom)
{
    field f[5];
    vigil_vpdq_frame fr = {0};
    vigil_vpdq_video *v;
    char name[4096];
    const char *np;
    size_t k, nn;
    int escaped = n > 0 && s[0] == '\\';
    if (escaped)
        s++, n--;
    k = split(f, 5, s, n);
    if (k == 5 && f[1].n == 64) { /* vigil: frame,hash,quality,seconds,path */
        if (parse_u64(&fr.frame, &f[0]) < 0)
            return "the frame number is not a number";
        if (parse_quality(&fr.quality, &f[2]) < 0)
            return "the quality is not a number from 0 to 100";
        if (parse_double(&fr.seconds, &f[3]) < 0)
            return "the time is not a number of seconds";
        if (vigil_pdq_parse(&fr.hash, f[1].p, 64, NULL) < 0)
            return "the hash is not 64 hex digits";
        if (f[4].n == 0)
            return "no path";
        np = f[4].p;
        nn = f[4].n;
        if (escaped) {
            long u = vg_line_name_unescape(name, sizeof name, f[4].p, f[4].n);
            if (u < 0)
                return "a bad escape in the path";
            np = name;
            nn = (size_t)u;
        }
    } else if (!escaped && k == 4 && f[2].n == 64) { /* the reference: frame,quality,hash,timestamp */
        if (!default_name)
            return "a per-video line of the reference's format, and no video name to file it under";
        if (parse_u64(&fr.frame, &f[0]) < 0)
            return "the frame number is not a number";
        if (parse_quality(&fr.quality, &f[1]) < 0)
            return "the quality is not a number from 0 to 100";
        if (vigil_pdq_parse(&fr.hash, f[2].p, 64, NULL) < 0)
            return "the hash is not 64 hex digits";
        if (parse_double(&fr.seconds, &f[3]) < 0)
            return "the timestamp is not a number of seconds";
        np = default_name;
        nn = strlen(default_name);
    } else {
        return "not a vpdq line (frame,hash,quality,seconds,path or frame,quality,hash,timestamp)";
    }
    if (!(v = video_named(l, np, nn)) || add_frame(v, &fr) < 0) {
        *oom = 1;
        return "out of memory";
    }
    return NULL;
}

int vigil_vpdq_list_parse(vigil_vpdq_list *list, const char *data, size_t n, const char *file_name,
                          const char *default_name, vigil_error *err)
{
    size_t line = 0, pos = 0;
    while (pos < n) {
        const char *s = data + pos, *nl = memchr(s, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - s) : n - pos;
        const char *why;
        int oom = 0;
        pos += len + (nl ? 1 : 0);
        line++;
        if (len > 0 && s[len - 1] == '\r')
            len--;
        if (len == 0 || s[0] == '#')
            continue;
        if (len > MAX_LINE)
            return vigil_error_set(err, VIGIL_EINPUT, "%s:%zu: line over %d bytes", file_name, line, MAX_LINE);
        if (memchr(s, 0, len))
            return vigil_error_set(err, VIGIL_EINPUT, "%s:%zu: a NUL byte", file_name, line);
        if ((why = parse_line(list, s, len, default_name, &oom)))
            return vigil_error_set(err, oom ? VIGIL_ENOMEM : VIGIL_EINPUT, "%s:%zu: %s", file_name, line, why);
    }
    return 0;
}

int vigil_vpdq_list_read(vigil_vpdq_list *list, FILE *f, const char *file_name, const char *default_name,
                         vigil_error *err)
{
    vg_buf b;
    char chunk[65536];
    size_t got;
    int rc;
    vg_buf_init(&b, (size_t)1 << 34);
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        vg_buf_add(&b, chunk, got);
    if (vg_buf_failed(&b)) {
        vg_buf_dispose(&b);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", file_name);
    }
    if (ferror(f)) {
        vg_buf_dispose(&b);
        return vigil_error_set(err, VIGIL_EINPUT, "%s: read error", file_name);
    }
    rc = vigil_vpdq_list_parse(list, b.len ? (const char *)b.ptr : "", b.len, file_name, default_name, err);
    vg_buf_dispose(&b);
    return rc;
}

void vigil_vpdq_list_dispose(vigil_vpdq_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->videos[i].name);
        free(list->videos[i].frames);
        free(list->videos[i].set);
        free(list->videos[i].category);
    }
    free(list->videos);
    memset(list, 0, sizeof *list);
}

int vigil_vpdq_write_line(FILE *f, const vigil_vpdq_frame *fr, const char *path, size_t path_len)
{
    char fields[128], hex[65];
    vigil_pdq_hex(hex, &fr->hash);
    snprintf(fields, sizeof fields, "%llu,%s,%d,%.3f,", (unsigned long long)fr->frame, hex, fr->quality,
             fr->seconds);
    return vigil_hashlist_write_line(f, fields, path, path_len);
}
