/*
 * The CSV some users make from an RDSv3 set, header
 * "sha256,sha1,md5,crc32,file_name,file_size,package_id": columns found by
 * name, streamed line by line (hashset-formats.md, section 3).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/linereader.h"
#include "formats/formats.h"
#include "formats/nsrl/read_nsrl3_int.h"
#include "formats/list_fields.h"

#define MAX_FIELDS 16

/* The export writes "sha256,sha1,md5,crc32,file_name,file_size,package_id"; the first three are required. */
#define MIN_HEADER (sizeof "sha256,sha1,md5" - 1)

/* The header line, quoted or not, in any case: sha256, sha1, md5 first, as the export writes them. */
int vg_nsrl3_is_csv_header(const uint8_t *p, size_t n)
{
    char line[512];
    vg_hs_field f[MAX_FIELDS];
    const uint8_t *nl = memchr(p, '\n', n < sizeof line ? n : sizeof line);
    size_t len = nl ? (size_t)(nl - p) : n;
    int nf;
    if (len >= sizeof line || len < MIN_HEADER)
        return 0;
    memcpy(line, p, len);
    len = vg_hs_chomp(line, len);
    nf = vg_hs_csv_split(line, len, ',', f, MAX_FIELDS);
    return nf >= 3 && vg_hs_field_index(f, 1, "sha256") == 0 && vg_hs_field_index(f + 1, 1, "sha1") == 0 &&
           vg_hs_field_index(f + 2, 1, "md5") == 0;
}

int vg_nsrl3_read_csv(int fd, const char *label, const vg_hs_sink *sink, vigil_error *err)
{
    FILE *f;
    vg_linereader lr;
    char *line = NULL, why[200];
    ssize_t got;
    uint64_t lineno = 0;
    vg_hs_field fl[MAX_FIELDS];
    int col[5] = {-1, -1, -1, -1, -1}; /* sha256 sha1 md5 file_size file_name */
    int rc = 0, nf;
    vg_hs_record r;
    if (!(f = vg_hs_fdopen(fd, label, err)))
        return VIGIL_EINPUT;
    if ((rc = vg_linereader_init(&lr, f, label, "line ", VG_LINE_MAX, err)) < 0) {
        fclose(f);
        return rc;
    }
    while ((got = vg_linereader_next(&lr, &line, err)) > 0) {
        size_t len = vg_hs_chomp(line, (size_t)got);
        char *p = line;
        int a, b, c;
        lineno++;
        if (lineno == 1) {
            size_t bom = vg_hs_bom_len((const uint8_t *)p, len);
            p += bom;
            len -= bom;
            nf = vg_hs_csv_split(p, len, ',', fl, MAX_FIELDS);
            col[0] = vg_hs_field_index(fl, nf < MAX_FIELDS ? nf : MAX_FIELDS, "sha256");
            col[1] = vg_hs_field_index(fl, nf < MAX_FIELDS ? nf : MAX_FIELDS, "sha1");
            col[2] = vg_hs_field_index(fl, nf < MAX_FIELDS ? nf : MAX_FIELDS, "md5");
            col[3] = vg_hs_field_index(fl, nf < MAX_FIELDS ? nf : MAX_FIELDS, "file_size");
            col[4] = vg_hs_field_index(fl, nf < MAX_FIELDS ? nf : MAX_FIELDS, "file_name");
            if (col[0] < 0 && col[1] < 0 && col[2] < 0) {
                rc = vigil_error_set(err, VIGIL_EINPUT,
                                     "%s:line 1: not an NSRL RDSv3 CSV export: the header names none of "
                                     "sha256, sha1, md5", label);
                break;
            }
            continue;
        }
        if (len == 0)
            continue;
        vg_hs_record_clear(&r);
        snprintf(r.where, sizeof r.where, "line %llu", (unsigned long long)lineno);
        nf = vg_hs_csv_split(p, len, ',', fl, MAX_FIELDS);
        why[0] = '\0';
        a = b = c = 0;
        if (nf < 0) {
            snprintf(why, sizeof why, "quote left open");
        } else {
            for (int i = 0; i < 5; i++)
                if (col[i] >= nf || col[i] >= MAX_FIELDS) {
                    snprintf(why, sizeof why, "%d fields, fewer than the header names", nf);
                    break;
                }
        }
        if (!why[0]) {
            a = col[0] < 0 ? 0 : vg_hs_digest_field(r.sha256, 32, fl[col[0]].p, fl[col[0]].len, "sha256", why, sizeof why);
            b = a < 0 || col[1] < 0 ? 0 : vg_hs_digest_field(r.sha1, 20, fl[col[1]].p, fl[col[1]].len, "sha1", why, sizeof why);
            c = a < 0 || b < 0 || col[2] < 0 ? 0 : vg_hs_digest_field(r.md5, 16, fl[col[2]].p, fl[col[2]].len, "md5", why, sizeof why);
            if (!why[0] && !a && !b && !c)
                snprintf(why, sizeof why, "no digest in the line");
        }
        if (why[0]) {
            if ((rc = sink->reject(sink->ud, r.where, why, err)) < 0)
                break;
            continue;
        }
        r.has_sha256 = a > 0;
        r.has_sha1 = b > 0;
        r.has_md5 = c > 0;
        if (col[3] >= 0)
            r.size = vg_hs_size_field(fl[col[3]].p, fl[col[3]].len);
        if (col[4] >= 0 && fl[col[4]].len) {
            r.name = fl[col[4]].p;
            r.name_len = fl[col[4]].len;
        }
        if ((rc = sink->record(sink->ud, &r, err)) < 0)
            break;
    }
    if (rc == 0 && got < 0)
        rc = (int)got;
    vg_linereader_dispose(&lr);
    fclose(f);
    return rc;
}
