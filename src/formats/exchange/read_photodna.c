/*
 * PhotoDNA vector lists: "id,base64[,hex]" lines after an optional
 * "id,base64[,hex]" header (the sample set's photodna/synthetic-vectors.csv).
 * When a line gives both encodings they must agree. Representation only:
 * vigil never computes PhotoDNA (photodna.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/linereader.h"
#include "formats/exchange/exchange.h"
#include "formats/exchange/photodna.h"
#include "formats/formats.h"
#include "formats/list_fields.h"

static int parse_line(vg_hs_record *r, char *s, size_t n, char *why, size_t cap)
{
    char *c1 = memchr(s, ',', n), *c2;
    uint8_t hex[VG_PHOTODNA_BYTES];
    if (!c1) {
        snprintf(why, cap, "%s", "expected 'id,base64[,hex]'");
        return -1;
    }
    *c1 = '\0';
    c2 = memchr(c1 + 1, ',', n - (size_t)(c1 + 1 - s));
    if (c2)
        *c2 = '\0';
    if (vg_photodna_from_base64(r->photodna, c1 + 1, strlen(c1 + 1), why, cap) < 0)
        return -1;
    if (c2 && *(c2 + 1)) {
        if (vg_photodna_from_hex(hex, c2 + 1, strlen(c2 + 1), why, cap) < 0)
            return -1;
        if (memcmp(hex, r->photodna, sizeof hex)) {
            snprintf(why, cap, "%s", "the base64 and hex columns hold different vectors");
            return -1;
        }
    }
    r->has_photodna = 1;
    r->external_id = *s ? s : NULL;
    r->profile = "PhotoDNA";
    return 0;
}

int vg_hs_read_photodna(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                        vigil_error *err)
{
    char *line = NULL, why[200];
    ssize_t n;
    uint64_t lineno = 0, done = 0, total = 0, seen = 0;
    struct stat sb;
    const char *label = o && o->label ? o->label : path;
    int rc = 0;
    FILE *in;
    vg_linereader lr;
    if (!(in = vg_hs_fdopen(fd, label, err)))
        return VIGIL_EINPUT;
    if ((rc = vg_linereader_init(&lr, in, label, "line ", VG_LINE_MAX, err)) < 0) {
        fclose(in);
        return rc;
    }
    if (fstat(fd, &sb) == 0)
        total = (uint64_t)sb.st_size;
    while ((n = vg_linereader_next(&lr, &line, err)) > 0) {
        char *s = line;
        vg_hs_record r;
        lineno++;
        done += (uint64_t)n;
        if (lineno == 1) {   /* the line reader has already refused NUL bytes */
            size_t bom = vg_hs_bom_len((const uint8_t *)s, (size_t)n);
            s += bom, n -= (ssize_t)bom;
        }
        while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
            s[--n] = '\0';
        if (n == 0 || *s == '#')
            continue;
        seen++;
        if (seen == 1 && !strncasecmp(s, "id,base64", 9))
            continue; /* the header */
        vg_hs_record_clear(&r);
        snprintf(r.where, sizeof r.where, "line %llu", (unsigned long long)lineno);
        if (parse_line(&r, s, (size_t)n, why, sizeof why) < 0)
            rc = sink->reject(sink->ud, r.where, why, err);
        else
            rc = sink->record(sink->ud, &r, err);
        if (rc < 0)
            break;
    }
    if (rc == 0 && n < 0)
        rc = (int)n;
    if (rc == 0 && ferror(in))
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: read error: %s", label, strerror(errno));
    if (rc == 0 && seen == 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: empty file", label);
    if (rc == 0 && sink->progress)
        sink->progress(sink->ud, done, total);
    vg_linereader_dispose(&lr);
    fclose(in);
    return rc;
}

int vg_hs_detect_photodna(const uint8_t *head, size_t n)
{
    return n >= 10 && !strncasecmp((const char *)head, "id,base64", 9) &&
           (head[9] == ',' || head[9] == '\r' || head[9] == '\n');
}
