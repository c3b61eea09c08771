/*
 * Decisions from CSV (vigil/categorize.h): "digest,category[,series]" per line, an optional
 * header, blank lines skipped; the first bad line refuses the whole file. Fields are plain:
 * a digest, a category and a series hold no comma or quote, so no quoting is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hex.h"
#include "vigil/categorize.h"

#define SERIES_MAX 63

/* Strip blanks and a CR at both ends of [*s, *e). */
static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
        (*e)--;
}

static int is_digest(const char *s)
{
    size_t n = strlen(s);
    return (n == 32 || n == 40 || n == 64) && vg_is_hex(s, n);
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* Split one line (copied to buf, NUL-terminated fields) into up to 3 fields; how many, or 4+
 * when there are more. */
static int split(char *line, char *f[3])
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *c = strchr(p, ',');
        const char *s = p, *e = c ? c : p + strlen(p);
        trim(&s, &e);
        if (n < 3) {
            memmove(p, s, (size_t)(e - s));
            p[e - s] = '\0';
            f[n] = p;
        }
        n++;
        if (!c)
            return n;
        p = c + 1;
    }
}

/* Check one decision; why when bad. */
static int check(const char *f[3], int nf, char *why, size_t cap)
{
    vigil_hashset_kind kind;
    vigil_error err;
    if (nf < 2 || nf > 3)
        return snprintf(why, cap, "expected digest,category[,series], found %d column%s", nf, nf == 1 ? "" : "s"), -1;
    if (!is_digest(f[0]))
        return snprintf(why, cap, "'%.70s' is not an MD5, SHA-1 or SHA-256 in hex", f[0]), -1;
    if (vigil_category_kind(&kind, f[1], &err) < 0)
        return snprintf(why, cap, "%.150s", err.msg), -1;
    if (nf == 3 && (strlen(f[2]) > SERIES_MAX || has_control(f[2])))
        return snprintf(why, cap, "series: at most %d bytes, no control characters", SERIES_MAX), -1;
    return 0;
}

static int is_header(char *const f[3], int nf)
{
    return nf >= 2 && !strcasecmp(f[0], "digest") && !strcasecmp(f[1], "category");
}

static int grow(vigil_categorizations *out, size_t *cap)
{
    size_t ncap = *cap ? *cap * 2 : 64;
    vigil_categorization *v = realloc(out->v, ncap * sizeof *v);
    char(*w)[256];
    if (!v)
        return -1;
    out->v = v;
    if (!(w = realloc(out->where, ncap * sizeof *w)))
        return -1;
    out->where = w;
    *cap = ncap;
    return 0;
}

int vigil_categorize_parse(vigil_categorizations *out, const char *data, size_t len, const char *label,
                           vigil_error *err)
{
    size_t cap = 0, line = 0, off = 0;
    int rc = 0;
    memset(out, 0, sizeof *out);
    if (memchr(data, '\0', len))
        return vigil_error_set(err, VIGIL_EINPUT, "%s: binary data (NUL byte), not a CSV file", label);
    if (!(out->text = malloc(len + 1)))
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", label);
    memcpy(out->text, data, len);
    out->text[len] = '\0';
    if (len >= 3 && !memcmp(out->text, "\xef\xbb\xbf", 3))
        off = 3;
    while (rc == 0 && off < len) {
        char *s = out->text + off, *nl = strchr(s, '\n'), *f[3] = {0};
        char why[160];
        int nf;
        if (nl)
            *nl = '\0';
        off = nl ? (size_t)(nl - out->text) + 1 : len;
        line++;
        nf = split(s, f);
        if (nf == 1 && !*f[0])
            continue;   /* a blank line */
        if (line == 1 && is_header(f, nf))
            continue;
        if (check((const char **)f, nf, why, sizeof why) < 0) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s: line %zu: %s", label, line, why);
            break;
        }
        if (out->n == cap && grow(out, &cap) < 0) {
            rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", label);
            break;
        }
        snprintf(out->where[out->n], sizeof out->where[0], "%s: line %zu", label, line);
        out->v[out->n++] = (vigil_categorization){f[0], f[1], nf == 3 && *f[2] ? f[2] : NULL, NULL};
    }
    if (rc == 0 && out->n == 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: no decision in the file", label);
    if (rc < 0) {
        vigil_categorizations_free(out);
        return rc;
    }
    for (size_t i = 0; i < out->n; i++)   /* where points into the grown array only now */
        out->v[i].where = out->where[i];
    return 0;
}

void vigil_categorizations_free(vigil_categorizations *c)
{
    free(c->v);
    free(c->where);
    free(c->text);
    memset(c, 0, sizeof *c);
}
