/*
 * The table of hash-list formats and detection by content. Each row says how
 * to recognise its format; exactly one rule must fit, or the user is asked to
 * name the format (hashset-formats.md, section 2).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "formats/exchange/exchange.h"
#include "formats/formats.h"
#include "formats/parse_lines.h"
#include "formats/read_forensic.h"
#include "formats/nsrl/read_nsrl.h"

static int starts_with(const uint8_t *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    return n >= k && !memcmp(p, s, k);
}

static int detect_hashdeep(const uint8_t *p, size_t n)
{
    return starts_with(p, n, "%%%% HASHDEEP-1.0") || starts_with(p, n, "%%%% VIGIL-HASH-1.0");
}

/* PDQ lists are never guessed: 64 hex digits are a SHA-256 until the user says otherwise. */

static const vg_hs_format formats[] = {
    {VIGIL_FORMAT_HASHDEEP, "hashdeep", "hashdeep/md5deep list", detect_hashdeep, vg_hs_read_lines},
    {VIGIL_FORMAT_MD5SUM, "md5sum", "md5sum list", NULL, vg_hs_read_lines},
    {VIGIL_FORMAT_SHA1SUM, "sha1sum", "sha1sum list", NULL, vg_hs_read_lines},
    {VIGIL_FORMAT_SHA256SUM, "sha256sum", "sha256sum list", NULL, vg_hs_read_lines},
    {VIGIL_FORMAT_PDQ, "pdq", "PDQ list", NULL, vg_hs_read_lines},
    {VIGIL_FORMAT_NSRL_RDSV3, "nsrl-rdsv3", "NSRL RDSv3 (SQLite, delta script or CSV export)", vg_hs_detect_nsrl3,
     vg_hs_read_nsrl3},
    {VIGIL_FORMAT_NSRL_RDS2, "nsrl-rds2", "NSRL RDS 2.x NSRLFile.txt", vg_hs_detect_nsrl2, vg_hs_read_nsrl2},
    {VIGIL_FORMAT_HASHKEEPER, "hashkeeper", "HashKeeper CSV", vg_hs_detect_hashkeeper, vg_hs_read_hashkeeper},
    {VIGIL_FORMAT_ENCASE, "encase", "EnCase legacy .hash", vg_hs_detect_encase, vg_hs_read_encase},
    {VIGIL_FORMAT_VICS, "vics", "Project VIC VICS JSON", vg_hs_detect_vics, vg_hs_read_vics},
    {VIGIL_FORMAT_CAID, "caid", "UK CAID (VICS 2.0 UK profile)", vg_hs_detect_caid, vg_hs_read_caid},
    {VIGIL_FORMAT_ICSE, "icse", "INTERPOL ICSE CSV export", vg_hs_detect_icse, vg_hs_read_icse},
    {VIGIL_FORMAT_NCMEC, "ncmec", "NCMEC hash-sharing v2 XML", vg_hs_detect_ncmec, vg_hs_read_ncmec},
    {VIGIL_FORMAT_PHOTODNA, "photodna", "PhotoDNA vector list", vg_hs_detect_photodna, vg_hs_read_photodna},
    /* known videos go their own way (hashset/import_videos.c): no record reader */
    {VIGIL_FORMAT_VPDQ, "vpdq", "vpdq list (known videos)", NULL, NULL},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

const vg_hs_format *vg_hs_format_get(vigil_hashset_format f)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i].id == f)
            return &formats[i];
    return NULL;
}

const char *vigil_hashset_format_name(vigil_hashset_format f)
{
    const vg_hs_format *row = vg_hs_format_get(f);
    return f == VIGIL_FORMAT_AUTO ? "auto" : row ? row->name : "?";
}

int vigil_hashset_format_parse(vigil_hashset_format *out, const char *s)
{
    if (!strcmp(s, "auto")) {
        *out = VIGIL_FORMAT_AUTO;
        return 0;
    }
    for (size_t i = 0; i < NFORMATS; i++)
        if (!strcmp(s, formats[i].name)) {
            *out = formats[i].id;
            return 0;
        }
    return VIGIL_EUSAGE;
}

size_t vg_hs_bom_len(const uint8_t *p, size_t n)
{
    return n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
}

/*
 * The fallback: the first lines parse as one of the line formats (coreutils,
 * md5deep, bare lists). Decided by the first record, as the line reader does.
 */
static vigil_hashset_format detect_lines(const uint8_t *p, size_t n)
{
    vg_lines lp;
    vg_hash_record rec;
    char why[256], line[4096];
    size_t at = 0;
    int records = 0;
    vg_lines_init(&lp, VIGIL_FORMAT_AUTO);
    while (at < n && records < 16) {
        const uint8_t *nl = memchr(p + at, '\n', n - at);
        size_t len = nl ? (size_t)(nl - (p + at)) : n - at;
        int r;
        if (!nl && at > 0)
            break; /* a cut last line proves nothing */
        if (len >= sizeof line || memchr(p + at, '\0', len))
            return VIGIL_FORMAT_AUTO;
        memcpy(line, p + at, len);
        line[len] = '\0';
        r = vg_lines_parse(&lp, line, len, &rec, why, sizeof why);
        if (r < 0 && records)
            break; /* the format is known; a bad line is the reader's to reject */
        if (r < 0)
            return VIGIL_FORMAT_AUTO;
        records += r;
        at += len + 1;
    }
    return records ? lp.format : VIGIL_FORMAT_AUTO;
}

int vg_hs_detect(vigil_hashset_format *out, int fd, const char *path, vigil_error *err)
{
    uint8_t *head = malloc(VG_HS_DETECT_HEAD);
    const vg_hs_format *hit[NFORMATS];
    size_t nhit = 0, bom;
    ssize_t n;
    vg_buf tried;
    int rc = 0;
    if (!head)
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", path);
    n = pread(fd, head, VG_HS_DETECT_HEAD, 0);
    if (n < 0) {
        free(head);
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    }
    bom = vg_hs_bom_len(head, (size_t)n);
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i].detect && formats[i].detect(head + bom, (size_t)n - bom))
            hit[nhit++] = &formats[i];
    if (nhit == 1) {
        *out = hit[0]->id;
    } else if (nhit > 1) {
        vg_buf_init(&tried, 256);
        for (size_t i = 0; i < nhit; i++)
            vg_buf_addf(&tried, "%s%s", i ? ", " : "", hit[i]->name);
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: looks like several formats (%s); name one with --format",
                             path, tried.ptr);
        vg_buf_dispose(&tried);
    } else if ((*out = detect_lines(head + bom, (size_t)n - bom)) == VIGIL_FORMAT_AUTO) {
        vg_buf_init(&tried, 256);
        for (size_t i = 0; i < NFORMATS; i++)
            if (formats[i].detect)
                vg_buf_addf(&tried, "%s, ", formats[i].name);
        rc = vigil_error_set(err, VIGIL_EINPUT,
                             "%s: unknown hash-set format (tried %smd5sum, sha1sum, sha256sum and bare lists); "
                             "name it with --format", path, tried.ptr ? tried.ptr : "");
        vg_buf_dispose(&tried);
    }
    free(head);
    return rc;
}
