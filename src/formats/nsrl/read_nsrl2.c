/*
 * NIST NSRL RDS 2.x NSRLFile.txt: quoted text, bare integers, CR LF, the
 * column order named by the header (the old MD4 order too). The three digests
 * of the usual order sit in fixed-width quoted fields, so they are read by
 * position; any other line goes through the full CSV split. Part files may be
 * concatenated (their repeated headers are skipped). hashset-formats.md, section 4.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/linereader.h"
#include "formats/formats.h"
#include "formats/nsrl/read_nsrl.h"
#include "formats/list_fields.h"

#define MAX_FIELDS 16
#define PROGRESS_EVERY 65536

enum { C_SHA1, C_MD5, C_NAME, C_SIZE, C_SPECIAL, NC };

typedef struct rds2 {
    int col[NC];
    int nfields;        /* fields the header names */
    int fixed;          /* SHA-1 then MD5 first: the fast path applies */
    char *header;       /* the header line, to skip it where part files were joined */
    size_t header_len;
} rds2;

static const char HEADER_START[] = "\"SHA-1\",";

int vg_hs_detect_nsrl2(const uint8_t *p, size_t n)
{
    const uint8_t *nl;
    size_t k = sizeof HEADER_START - 1;
    if (n < k || memcmp(p, HEADER_START, k))
        return 0;
    nl = memchr(p, '\n', n);
    k = nl ? (size_t)(nl - p) : n;
    /* the current order and the old MD4 one both name MD5 and FileName */
    return memmem(p, k, "\"MD5\"", 5) && memmem(p, k, "\"FileName\"", 10);
}

static int read_header(rds2 *h, char *line, size_t len)
{
    vg_hs_field f[MAX_FIELDS];
    int nf;
    h->header = malloc(len + 1);
    if (!h->header)
        return -1;
    memcpy(h->header, line, len);
    h->header_len = len;
    nf = vg_hs_csv_split(line, len, ',', f, MAX_FIELDS);
    if (nf < 0)
        return -1;
    h->nfields = nf;
    nf = nf < MAX_FIELDS ? nf : MAX_FIELDS;
    h->col[C_SHA1] = vg_hs_field_index(f, nf, "SHA-1");
    h->col[C_MD5] = vg_hs_field_index(f, nf, "MD5");
    h->col[C_NAME] = vg_hs_field_index(f, nf, "FileName");
    h->col[C_SIZE] = vg_hs_field_index(f, nf, "FileSize");
    h->col[C_SPECIAL] = vg_hs_field_index(f, nf, "SpecialCode");
    h->fixed = h->col[C_SHA1] == 0 && h->col[C_MD5] == 1;
    return h->col[C_SHA1] < 0 && h->col[C_MD5] < 0 ? -1 : 0;
}

/* "SHA1","MD5", at fixed places: 1 when both decoded by position. */
static int fast_digests(vg_hs_record *r, const char *s, size_t len)
{
    if (len < 78 || s[0] != '"' || s[41] != '"' || s[42] != ',' || s[43] != '"' || s[76] != '"' || s[77] != ',')
        return 0;
    if (vg_hs_hex(r->sha1, s + 1, 20) < 0 || vg_hs_hex(r->md5, s + 44, 16) < 0)
        return 0;
    r->has_sha1 = r->has_md5 = 1;
    return 1;
}

/* Fill r from one data line; 0, or -1 with why. */
static int parse_line(vg_hs_record *r, const rds2 *h, char *s, size_t len, char *why, size_t whysz)
{
    vg_hs_field f[MAX_FIELDS];
    int skip = 0, nf, got;
    if (h->fixed && fast_digests(r, s, len))
        skip = 2;
    nf = vg_hs_csv_split(s + (skip ? 78 : 0), len - (skip ? 78 : 0), ',', f + skip, MAX_FIELDS - skip);
    if (nf < 0) {
        snprintf(why, whysz, "quote left open");
        return -1;
    }
    nf += skip;
    if (nf != h->nfields) {
        snprintf(why, whysz, "%d fields, the header names %d", nf, h->nfields);
        return -1;
    }
    if (!skip) {
        got = 0;
        if (h->col[C_SHA1] >= 0) {
            int k = vg_hs_digest_field(r->sha1, 20, f[h->col[C_SHA1]].p, f[h->col[C_SHA1]].len, "SHA-1", why, whysz);
            if (k < 0)
                return -1;
            r->has_sha1 = k > 0;
            got += k;
        }
        if (h->col[C_MD5] >= 0) {
            int k = vg_hs_digest_field(r->md5, 16, f[h->col[C_MD5]].p, f[h->col[C_MD5]].len, "MD5", why, whysz);
            if (k < 0)
                return -1;
            r->has_md5 = k > 0;
            got += k;
        }
        if (!got) {
            snprintf(why, whysz, "no digest in the line");
            return -1;
        }
    }
    if (h->col[C_SIZE] >= 0 && h->col[C_SIZE] < MAX_FIELDS)
        r->size = vg_hs_size_field(f[h->col[C_SIZE]].p, f[h->col[C_SIZE]].len);
    if (h->col[C_NAME] >= 0 && h->col[C_NAME] < MAX_FIELDS && f[h->col[C_NAME]].len) {
        r->name = f[h->col[C_NAME]].p; /* the vendor's bytes, whatever their encoding */
        r->name_len = f[h->col[C_NAME]].len;
    }
    if (h->col[C_SPECIAL] >= 0 && h->col[C_SPECIAL] < MAX_FIELDS && f[h->col[C_SPECIAL]].len == 1) {
        char c = f[h->col[C_SPECIAL]].p[0];
        r->profile = "NSRL SpecialCode";
        r->category = c == 'M' ? "M" : c == 'S' ? "S" : NULL;
        r->category_label = c == 'M' ? "known malicious" : c == 'S' ? "special" : NULL;
        if (!r->category)
            r->profile = NULL;
    }
    return 0;
}

/* version.txt beside the file: "SHA-1","RDSVersion" then one row. */
static void version_meta(const char *path, const vg_hs_sink *sink)
{
    char *copy, *vpath = NULL, buf[4096];
    FILE *f;
    size_t n;
    if (!sink->meta || !path || !(copy = strdup(path)))
        return;
    if (asprintf(&vpath, "%s/version.txt", dirname(copy)) < 0)
        vpath = NULL;
    free(copy);
    f = vpath ? fopen(vpath, "rb") : NULL;
    free(vpath);
    if (!f)
        return;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    {
        char *l1 = buf, *l2 = strchr(buf, '\n'), *end;
        vg_hs_field h[8], v[8];
        int nh, nv, k;
        if (!l2)
            return;
        *l2++ = '\0';
        end = strchr(l2, '\n');
        if (end)
            *end = '\0';
        nh = vg_hs_csv_split(l1, vg_hs_chomp(l1, strlen(l1)), ',', h, 8);
        nv = vg_hs_csv_split(l2, vg_hs_chomp(l2, strlen(l2)), ',', v, 8);
        k = nh > 0 ? vg_hs_field_index(h, nh < 8 ? nh : 8, "RDSVersion") : -1;
        if (k >= 0 && k < nv && k < 8) {
            v[k].p[v[k].len] = '\0';
            sink->meta(sink->ud, "version", v[k].p);
        }
    }
}

int vg_hs_read_nsrl2(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                     vigil_error *err)
{
    const char *label = o && o->label ? o->label : path;
    FILE *f;
    vg_linereader lr;
    char *line = NULL, why[200];
    ssize_t got;
    uint64_t lineno = 0, done = 0, total = 0;
    struct stat sb;
    rds2 h;
    vg_hs_record r;
    int rc = 0;
    memset(&h, 0, sizeof h);
    if (!(f = vg_hs_fdopen(fd, label, err)))
        return VIGIL_EINPUT;
    if ((rc = vg_linereader_init(&lr, f, label, "line ", VG_LINE_MAX, err)) < 0) {
        fclose(f);
        return rc;
    }
    if (fstat(fd, &sb) == 0)
        total = (uint64_t)sb.st_size;
    while ((got = vg_linereader_next(&lr, &line, err)) > 0) {
        int ended = got > 0 && line[got - 1] == '\n';
        size_t len = vg_hs_chomp(line, (size_t)got);
        char *s = line;
        lineno++;
        done += (uint64_t)got;
        if (lineno == 1) {
            size_t bom = vg_hs_bom_len((const uint8_t *)s, len);
            if (!vg_hs_detect_nsrl2((const uint8_t *)s + bom, len - bom) || read_header(&h, s + bom, len - bom) < 0) {
                rc = vigil_error_set(err, VIGIL_EINPUT,
                                     "%s:line 1: not an NSRL RDS 2.x NSRLFile.txt: the header must name "
                                     "\"SHA-1\", \"MD5\" and \"FileName\"", label);
                break;
            }
            version_meta(path, sink);
            continue;
        }
        if (len == 0 || (len == h.header_len && !memcmp(s, h.header, len)))
            continue; /* blank, or the header of a part file joined on */
        vg_hs_record_clear(&r);
        snprintf(r.where, sizeof r.where, "line %llu", (unsigned long long)lineno);
        rc = parse_line(&r, &h, s, len, why, sizeof why);   /* NUL bytes: refused by the line reader */
        if (rc < 0 && !ended) {
            size_t k = strlen(why);
            snprintf(why + k, sizeof why - k, " (file ends mid-line: truncated?)");
        }
        rc = rc < 0 ? sink->reject(sink->ud, r.where, why, err) : sink->record(sink->ud, &r, err);
        if (rc < 0)
            break;
        if (sink->progress && lineno % PROGRESS_EVERY == 0)
            sink->progress(sink->ud, done, total);
    }
    if (rc == 0 && got < 0)
        rc = (int)got;
    if (rc == 0 && lineno == 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: empty file, not an NSRL RDS 2.x NSRLFile.txt", label);
    if (rc == 0 && sink->progress)
        sink->progress(sink->ud, done, total);
    free(h.header);
    vg_linereader_dispose(&lr);
    fclose(f);
    return rc;
}
