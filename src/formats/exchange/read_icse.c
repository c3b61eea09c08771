/*
 * INTERPOL ICSE export reader: ';'-separated text whose header row names the
 * columns (hashset-formats.md, section 7). Streams one row at a time; a quoted
 * field may hold ';', doubled quotes or a line break. Unknown columns are
 * ignored; MD5 or SHA1 is required.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hex.h"
#include "core/linereader.h"
#include "formats/exchange/exchange.h"
#include "formats/exchange/photodna.h"
#include "formats/formats.h"
#include "formats/list_fields.h"

#define MAX_ROW (1 << 20)
#define MAX_FIELDS 64

enum col { C_OTHER, C_MD5, C_SHA1, C_PDNA, C_ID, C_DIST, C_VICTIM, C_OFFENDER, C_SERIES, C_BASELINE };

static const struct {
    const char *name;
    enum col col;
} columns[] = {
    {"MD5", C_MD5}, {"SHA1", C_SHA1}, {"SHA-1", C_SHA1}, {"PhotoDNA", C_PDNA}, {"Image ID", C_ID},
    {"Is distributed", C_DIST}, {"Victim identified", C_VICTIM}, {"Offender identified", C_OFFENDER},
    {"Series name", C_SERIES}, {"Baseline", C_BASELINE},
};

typedef struct field {
    char *p;
    size_t n;
} field;

static void trim(char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t'))
        (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' || (*p)[*n - 1] == '\r' || (*p)[*n - 1] == '\n'))
        (*n)--;
}

/*
 * Split s[0..n) at ';' outside quotes. With write set, quotes are removed in
 * place and each field ends in a NUL (s[n] must be writable). Returns the
 * number of fields (at most max are filled), or -1 when a quoted field is
 * still open at the end: the row goes on on the next line.
 */
static int split(char *s, size_t n, field *f, int max, int write)
{
    size_t i = 0, w = 0;
    int nf = 0;
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    for (;;) {
        size_t start = w, skip = i;
        int quoted = 0;
        while (skip < n && (s[skip] == ' ' || s[skip] == '\t'))
            skip++;
        if (skip < n && s[skip] == '"') {
            quoted = 1;
            i = skip + 1;
            for (;;) {
                if (i >= n)
                    return -1;
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        if (write)
                            s[w] = '"';
                        w++;
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (write)
                    s[w] = s[i];
                w++, i++;
            }
        }
        while (i < n && s[i] != ';') { /* after a closing quote: kept as found (lenient) */
            if (write)
                s[w] = s[i];
            w++, i++;
        }
        if (write && nf < max) {
            f[nf].p = s + start;
            f[nf].n = w - start;
            if (!quoted)
                trim(&f[nf].p, &f[nf].n);
        }
        if (write)
            s[w] = '\0';
        w++;
        nf++;
        if (i >= n)
            break;
        i++; /* the ';' */
    }
    return nf < max ? nf : max;
}

/* Yes/No, y/n, true/false, t/f, 1/0 in any case; -1 for anything else, -2 for empty. */
static int truth(const field *f)
{
    static const char *yes[] = {"yes", "y", "true", "t", "1"}, *no[] = {"no", "n", "false", "f", "0"};
    if (f->n == 0)
        return -2;
    for (size_t i = 0; i < 5; i++) {
        if (strlen(yes[i]) == f->n && !strncasecmp(f->p, yes[i], f->n))
            return 1;
        if (strlen(no[i]) == f->n && !strncasecmp(f->p, no[i], f->n))
            return 0;
    }
    return -1;
}

typedef struct icse {
    const char *label;
    const vg_hs_sink *sink;
    vigil_error *err;
    enum col cols[MAX_FIELDS];
    int ncols, need;        /* fields in the header; fields a row must have */
    vg_pdna_repeats repeats;
} icse;

static int header(icse *c, field *f, int nf, uint64_t lineno)
{
    int has_digest = 0;
    c->ncols = nf;
    c->need = 0;
    for (int i = 0; i < nf; i++) {
        c->cols[i] = C_OTHER;
        for (size_t k = 0; k < sizeof columns / sizeof columns[0]; k++)
            if (strlen(columns[k].name) == f[i].n && !strncasecmp(f[i].p, columns[k].name, f[i].n))
                c->cols[i] = columns[k].col;
        if (c->cols[i] == C_MD5 || c->cols[i] == C_SHA1)
            has_digest = 1;
        if (c->cols[i] != C_OTHER)
            c->need = i + 1;
    }
    if (!has_digest)
        return vigil_error_set(c->err, VIGIL_EINPUT, "%s:line %llu: the header names no MD5 or SHA1 column",
                               c->label, (unsigned long long)lineno);
    return 0;
}

static int set_flag(vg_hs_record *r, const field *f, uint32_t bit, const char *what, char *why, size_t cap)
{
    int t = truth(f);
    if (t == -1) {
        snprintf(why, cap, "%s '%.*s' is not Yes/No", what, (int)(f->n > 20 ? 20 : f->n), f->p);
        return -1;
    }
    if (t == 1)
        r->flags |= bit;
    return 0;
}

static int digest(uint8_t *out, size_t bytes, const field *f, const char *what, char *why, size_t cap)
{
    if (f->n != 2 * bytes || vg_hex_decode(out, f->p, bytes) < 0) {
        snprintf(why, cap, "%s '%.*s' is not %zu hex digits", what, (int)(f->n > 72 ? 72 : f->n), f->p, 2 * bytes);
        return -1;
    }
    return 1;
}

/* One data row into r; 0, or -1 with why. */
static int row(icse *c, vg_hs_record *r, field *f, int nf, char *why, size_t cap)
{
    if (nf < c->need) {
        snprintf(why, cap, "%d fields, the header has %d", nf, c->ncols);
        return -1;
    }
    for (int i = 0; i < nf && i < c->ncols; i++) {
        field *x = &f[i];
        int rc = 0;
        if (c->cols[i] != C_SERIES && c->cols[i] != C_OTHER)
            trim(&x->p, &x->n);
        switch (c->cols[i]) {
        case C_MD5:
            if (x->n && (rc = digest(r->md5, 16, x, "MD5", why, cap)) > 0)
                r->has_md5 = 1;
            break;
        case C_SHA1:
            if (x->n && (rc = digest(r->sha1, 20, x, "SHA1", why, cap)) > 0)
                r->has_sha1 = 1;
            break;
        case C_PDNA:
            if (x->n && (rc = vg_photodna_decode(r->photodna, x->p, x->n, why, cap)) == 0)
                r->has_photodna = 1;
            break;
        case C_ID:
            if (x->n) {
                x->p[x->n] = '\0';
                r->external_id = x->p;
            }
            break;
        case C_SERIES:
            trim(&x->p, &x->n);
            if (x->n) {
                x->p[x->n] = '\0';
                r->series = x->p;
            }
            break;
        case C_DIST:
            rc = set_flag(r, x, VG_HS_DISTRIBUTED, "Is distributed", why, cap);
            break;
        case C_VICTIM:
            rc = set_flag(r, x, VG_HS_VICTIM_IDENTIFIED, "Victim identified", why, cap);
            break;
        case C_OFFENDER:
            rc = set_flag(r, x, VG_HS_OFFENDER_IDENTIFIED, "Offender identified", why, cap);
            break;
        case C_BASELINE:
            rc = set_flag(r, x, VG_HS_BASELINE, "Baseline", why, cap);
            break;
        default:
            break;
        }
        if (rc < 0)
            return -1;
    }
    if (!r->has_md5 && !r->has_sha1) {
        snprintf(why, cap, "%s", "no MD5 or SHA1");
        return -1;
    }
    return 0;
}

static int deliver(icse *c, vg_hs_record *r)
{
    if (r->has_photodna) {
        int rep = vg_pdna_repeats_check(&c->repeats, r);
        if (rep)
            r->has_photodna = 0;
        if (rep == 2 && c->sink->meta) {
            char msg[300];
            snprintf(msg, sizeof msg,
                     "%s:%s: one PhotoDNA value is on more than %d rows with other digests: treated as a "
                     "placeholder and dropped from this and later rows", c->label, r->where, VG_PDNA_REPEAT_MAX);
            c->sink->meta(c->sink->ud, "warning", msg);
        }
    }
    return c->sink->record(c->sink->ud, r, c->err);
}

int vg_hs_read_icse(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink, vigil_error *err)
{
    icse c;
    field f[MAX_FIELDS];
    char *line = NULL, *rowbuf = NULL, why[256];
    size_t rowlen = 0, rowcap = 0;
    ssize_t n;
    uint64_t lineno = 0, rowline = 0, done = 0, total = 0, rows = 0;
    struct stat sb;
    int rc = 0, have_header = 0;
    FILE *in;
    vg_linereader lr;
    memset(&c, 0, sizeof c);
    c.label = o && o->label ? o->label : path;
    c.sink = sink;
    c.err = err;
    vg_pdna_repeats_init(&c.repeats);
    if (!(in = vg_hs_fdopen(fd, c.label, err)))
        return VIGIL_EINPUT;
    if ((rc = vg_linereader_init(&lr, in, c.label, "line ", MAX_ROW, err)) < 0) {
        fclose(in);
        return rc;
    }
    if (fstat(fd, &sb) == 0)
        total = (uint64_t)sb.st_size;
    while ((n = vg_linereader_next(&lr, &line, err)) > 0) {
        char *s = line;
        int nf;
        lineno++;
        done += (uint64_t)n;
        if (lineno == 1) {   /* the line reader has already refused NUL bytes */
            size_t bom = vg_hs_bom_len((const uint8_t *)s, (size_t)n);
            s += bom, n -= (ssize_t)bom;
        }
        if (rowlen == 0)
            rowline = lineno;
        if (rowlen + (size_t)n + 1 > MAX_ROW) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %llu: row longer than 1 MiB (an unclosed quote?)",
                                 c.label, (unsigned long long)rowline);
            break;
        }
        if (rowlen + (size_t)n + 1 > rowcap) {
            size_t nc = (rowlen + (size_t)n + 1) * 2;
            char *p = realloc(rowbuf, nc);
            if (!p) {
                rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", c.label);
                break;
            }
            rowbuf = p;
            rowcap = nc;
        }
        memcpy(rowbuf + rowlen, s, (size_t)n);
        rowlen += (size_t)n;
        rowbuf[rowlen] = '\0';
        if (split(rowbuf, rowlen, f, MAX_FIELDS, 0) < 0)
            continue; /* a quoted field goes on on the next line */
        nf = split(rowbuf, rowlen, f, MAX_FIELDS, 1);
        rowlen = 0;
        if (nf == 1 && f[0].n == 0)
            continue; /* blank line */
        if (!have_header) {
            rc = header(&c, f, nf, rowline);
            have_header = 1;
        } else {
            vg_hs_record r;
            vg_hs_record_clear(&r);
            r.profile = "INTERPOL ICSE";
            snprintf(r.where, sizeof r.where, "line %llu", (unsigned long long)rowline);
            rows++;
            if (row(&c, &r, f, nf, why, sizeof why) < 0)
                rc = sink->reject(sink->ud, r.where, why, err);
            else
                rc = deliver(&c, &r);
        }
        if (rc < 0)
            break;
        if (sink->progress && (rows & 0xffff) == 0)
            sink->progress(sink->ud, done, total);
    }
    if (rc == 0 && n < 0)
        rc = (int)n;
    if (rc == 0 && ferror(in))
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: read error: %s", c.label, strerror(errno));
    if (rc == 0 && rowlen)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %llu: quoted field not closed at the end of the file",
                             c.label, (unsigned long long)rowline);
    if (rc == 0 && !have_header)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: empty file: no ICSE header row", c.label);
    if (rc == 0 && sink->progress)
        sink->progress(sink->ud, done, total);
    vg_linereader_dispose(&lr);
    free(rowbuf);
    fclose(in);
    return rc;
}

/* A ';'-separated first line naming MD5 or SHA1 and PhotoDNA or Image ID. */
int vg_hs_detect_icse(const uint8_t *head, size_t n)
{
    const uint8_t *nl = memchr(head, '\n', n);
    char line[2048];
    field f[MAX_FIELDS];
    size_t len = nl ? (size_t)(nl - head) : n;
    int nf, digest = 0, other = 0;
    if (len >= sizeof line || !memchr(head, ';', len))
        return 0;
    memcpy(line, head, len);
    line[len] = '\0';
    nf = split(line, len, f, MAX_FIELDS, 1);
    for (int i = 0; i < nf; i++) {
        if ((f[i].n == 3 && !strncasecmp(f[i].p, "MD5", 3)) || (f[i].n == 4 && !strncasecmp(f[i].p, "SHA1", 4)))
            digest = 1;
        if ((f[i].n == 8 && !strncasecmp(f[i].p, "PhotoDNA", 8)) || (f[i].n == 8 && !strncasecmp(f[i].p, "Image ID", 8)))
            other = 1;
    }
    return digest && other;
}
