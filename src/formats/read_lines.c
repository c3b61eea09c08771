/*
 * The line formats as a reader: each line through the line parser, each
 * record to the sink with "line N" as its place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/linereader.h"
#include "formats/formats.h"
#include "formats/parse_lines.h"
#include "formats/list_fields.h"

/* "line N" without printf: a list of millions of lines formats it for every record. */
static void line_place(char *out, uint64_t lineno)
{
    char digits[20];
    int n = 0;
    do
        digits[n++] = (char)('0' + lineno % 10);
    while ((lineno /= 10) != 0);
    memcpy(out, "line ", 5);
    out += 5;
    while (n)
        *out++ = digits[--n];
    *out = '\0';
}

static void from_line_record(vg_hs_record *out, const vg_hash_record *in, uint64_t lineno)
{
    vg_hs_record_clear(out);
    out->has_md5 = in->has_md5 != 0;
    out->has_sha1 = in->has_sha1 != 0;
    out->has_sha256 = in->has_sha256 != 0;
    out->has_pdq = in->has_pdq != 0;
    memcpy(out->md5, in->md5, 16);
    memcpy(out->sha1, in->sha1, 20);
    memcpy(out->sha256, in->sha256, 32);
    memcpy(out->pdq, in->pdq, 32);
    out->pdq_quality = in->pdq_quality;
    out->size = in->size;
    out->name = in->name;
    out->name_len = in->name_len;
    _Static_assert(sizeof out->where >= 26, "room for \"line \" and 20 digits");
    line_place(out->where, lineno);
}

int vg_hs_read_lines(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                     vigil_error *err)
{
    vg_lines p;
    vg_hash_record rec;
    vg_hs_record out;
    vg_linereader lr;
    char *line, why[256], where[64];
    ssize_t n;
    uint64_t done = 0, total = 0, records = 0;
    struct stat sb;
    int rc = 0;
    FILE *f;
    const char *label = o && o->label ? o->label : path;
    if (!(f = vg_hs_fdopen(fd, label, err)))
        return VIGIL_EINPUT;
    if ((rc = vg_linereader_init(&lr, f, label, "", VG_LINE_MAX, err)) < 0) {
        fclose(f);
        return rc;
    }
    if (fstat(fd, &sb) == 0)
        total = (uint64_t)sb.st_size;
    vg_lines_init(&p, o ? o->format : VIGIL_FORMAT_AUTO);
    /* a line over the bound or with a NUL byte fails the file: no list holds one, and going
     * on would read a device such as /dev/zero for ever */
    while ((n = vg_linereader_next(&lr, &line, err)) > 0) {
        int r;
        done += (uint64_t)n;
        r = vg_lines_parse(&p, line, (size_t)n, &rec, why, sizeof why);
        if (r == 0)
            continue;
        if (r < 0) {
            snprintf(where, sizeof where, "line %llu", (unsigned long long)p.lineno);
            if (p.format == VIGIL_FORMAT_AUTO) {
                rc = vigil_error_set(err, VIGIL_EINPUT,
                                     "%s:%llu: unknown hash-set format (tried hashdeep, md5sum, sha1sum, "
                                     "sha256sum and bare lists): %s", label, (unsigned long long)p.lineno, why);
                break;
            }
            if ((rc = sink->reject(sink->ud, where, why, err)) < 0)
                break;
            continue;
        }
        records++;
        from_line_record(&out, &rec, p.lineno);
        if ((rc = sink->record(sink->ud, &out, err)) < 0)
            break;
        if (sink->progress && (records & 0xffff) == 0)
            sink->progress(sink->ud, done, total);
    }
    if (rc == 0 && n < 0)
        rc = (int)n;
    if (rc == 0 && sink->progress)
        sink->progress(sink->ud, done, total);
    vg_linereader_dispose(&lr);
    fclose(f);
    return rc;
}
