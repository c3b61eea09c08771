/*
 * HashKeeper CSV: a quoted header naming file_id, hashset_id, file_name,
 * directory, hash (an MD5), file_size...; the header is required, since
 * without it nothing says which column is the digest (hashset-formats.md, section 9).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/linereader.h"
#include "formats/formats.h"
#include "formats/read_forensic.h"
#include "formats/list_fields.h"

#define MAX_FIELDS 24

static const char HEADER_START[] = "\"file_id\",\"hashset_id\",\"file_name\",\"directory\",\"hash\"";

int vg_hs_detect_hashkeeper(const uint8_t *p, size_t n)
{
    size_t k = sizeof HEADER_START - 1;
    return n >= k && !memcmp(p, HEADER_START, k);
}

int vg_hs_read_hashkeeper(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                          vigil_error *err)
{
    const char *label = o && o->label ? o->label : path;
    FILE *f;
    vg_linereader lr;
    char *line = NULL, why[200];
    ssize_t got;
    uint64_t lineno = 0;
    vg_hs_field fl[MAX_FIELDS];
    int hash = -1, name = -1, size = -1, nheader = 0, rc = 0;
    vg_hs_record r;
    if (!(f = vg_hs_fdopen(fd, label, err)))
        return VIGIL_EINPUT;
    if ((rc = vg_linereader_init(&lr, f, label, "line ", VG_LINE_MAX, err)) < 0) {
        fclose(f);
        return rc;
    }
    while ((got = vg_linereader_next(&lr, &line, err)) > 0) {
        size_t len = vg_hs_chomp(line, (size_t)got);
        char *s = line;
        int nf;
        lineno++;
        if (lineno == 1) {
            size_t bom = vg_hs_bom_len((const uint8_t *)s, len);
            nf = vg_hs_csv_split(s + bom, len - bom, ',', fl, MAX_FIELDS);
            if (nf > 0) {
                int k = nf < MAX_FIELDS ? nf : MAX_FIELDS;
                hash = vg_hs_field_index(fl, k, "hash");
                name = vg_hs_field_index(fl, k, "file_name");
                size = vg_hs_field_index(fl, k, "file_size");
                nheader = nf;
            }
            if (hash < 0 || vg_hs_field_index(fl, nf < MAX_FIELDS ? nf : MAX_FIELDS, "file_id") < 0) {
                rc = vigil_error_set(err, VIGIL_EINPUT,
                                     "%s:line 1: not a HashKeeper list: the header line naming \"file_id\", "
                                     "..., \"hash\" is missing", label);
                break;
            }
            continue;
        }
        if (len == 0)
            continue;
        vg_hs_record_clear(&r);
        snprintf(r.where, sizeof r.where, "line %llu", (unsigned long long)lineno);
        nf = vg_hs_csv_split(s, len, ',', fl, MAX_FIELDS);
        why[0] = '\0';
        if (nf < 0)
            snprintf(why, sizeof why, "quote left open");
        else if (nf != nheader)
            snprintf(why, sizeof why, "%d fields, the header names %d", nf, nheader);
        else if (vg_hs_digest_field(r.md5, 16, fl[hash].p, fl[hash].len, "hash (MD5)", why, sizeof why) == 0)
            snprintf(why, sizeof why, "empty hash field");
        if (why[0]) {
            if ((rc = sink->reject(sink->ud, r.where, why, err)) < 0)
                break;
            continue;
        }
        r.has_md5 = 1;
        if (size >= 0)
            r.size = vg_hs_size_field(fl[size].p, fl[size].len);
        if (name >= 0 && fl[name].len) {
            r.name = fl[name].p;
            r.name_len = fl[name].len;
        }
        if ((rc = sink->record(sink->ud, &r, err)) < 0)
            break;
    }
    if (rc == 0 && got < 0)
        rc = (int)got;
    if (rc == 0 && lineno == 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: empty file, not a HashKeeper list", label);
    vg_linereader_dispose(&lr);
    fclose(f);
    return rc;
}
