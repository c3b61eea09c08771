/*
 * Exporters: VICS 2.0 JSON, hashdeep and CSV writers over records (export.h
 * says which VICS field holds what). Each record is formatted into one buffer
 * and written with one fwrite, so a write error is seen at once.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/term.h"
#include "formats/export.h"
#include "formats/exchange/photodna.h"
#include "formats/line_name.h"

enum fmt { EX_VICS, EX_HASHDEEP, EX_CSV };

struct vg_hs_writer {
    FILE *f;
    enum fmt fmt;
    unsigned digests;
    uint64_t written, skipped;
    vg_buf b;
};

static int flush(vg_hs_writer *w, vigil_error *err)
{
    int rc = 0;
    if (vg_buf_failed(&w->b))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "export: record too large or out of memory");
    else if (w->b.len && fwrite(w->b.ptr, 1, w->b.len, w->f) != w->b.len)
        rc = vigil_error_set(err, VIGIL_ESTORE, "export: write error: %s", strerror(errno));
    vg_buf_reset(&w->b);
    return rc;
}

static void hex(vg_buf *b, const uint8_t *p, size_t n)
{
    char h[65];
    vg_hex_encode(h, p, n);
    vg_buf_add(b, h, 2 * n);
}

/* A category code that JSON can carry as a number without changing its text. */
static int plain_integer(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 9 || (n > 1 && s[0] == '0'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void vics_alt(vg_buf *b, int *first, const char *name, const vg_hs_record *r)
{
    vg_buf_adds(b, *first ? "{\"HashName\":\"" : ",{\"HashName\":\"");
    *first = 0;
    vg_buf_adds(b, name);
    vg_buf_adds(b, "\",\"HashValue\":\"");
    if (!strcmp(name, "SHA256")) {
        hex(b, r->sha256, 32);
    } else if (!strcmp(name, "PDQ")) {
        hex(b, r->pdq, 32);
    } else {
        char b64[VG_PHOTODNA_BASE64_CHARS + 1];
        vg_photodna_to_base64(b64, r->photodna);
        vg_buf_adds(b, b64);
    }
    vg_buf_addc(b, '"');
    if (!strcmp(name, "PDQ") && r->pdq_quality >= 0)
        vg_buf_addf(b, ",\"Quality\":%d", r->pdq_quality);
    if (r->has_md5) {
        vg_buf_adds(b, ",\"MD5\":\"");
        hex(b, r->md5, 16);
        vg_buf_addc(b, '"');
    }
    vg_buf_addc(b, '}');
}

static void vics_record(vg_hs_writer *w, const vg_hs_record *r, const char *source_set)
{
    vg_buf *b = &w->b;
    vg_buf_addf(b, "%s\n    {\"MediaID\":%" PRIu64, w->written ? "," : "", w->written + 1);
    if (r->has_md5) {
        vg_buf_adds(b, ",\"MD5\":\"");
        hex(b, r->md5, 16);
        vg_buf_addc(b, '"');
    }
    if (r->has_sha1) {
        vg_buf_adds(b, ",\"SHA1\":\"");
        hex(b, r->sha1, 20);
        vg_buf_addc(b, '"');
    }
    if (r->category) {
        vg_buf_adds(b, ",\"Category\":");
        if (plain_integer(r->category))
            vg_buf_adds(b, r->category);
        else
            vg_json_strz(b, r->category);
    }
    if (r->size >= 0)
        vg_buf_addf(b, ",\"MediaSize\":%" PRId64, r->size);
    if (r->series && *r->series) {
        vg_buf_adds(b, ",\"Series\":");
        vg_json_strz(b, r->series);
    }
    vg_buf_addf(b, ",\"VictimIdentified\":%s,\"OffenderIdentified\":%s,\"IsDistributed\":%s",
                r->flags & VG_HS_VICTIM_IDENTIFIED ? "true" : "false",
                r->flags & VG_HS_OFFENDER_IDENTIFIED ? "true" : "false",
                r->flags & VG_HS_DISTRIBUTED ? "true" : "false");
    if (r->flags & VG_HS_BASELINE)
        vg_buf_adds(b, ",\"Tags\":\"#baseline\"");
    if (source_set && *source_set) {
        vg_buf_adds(b, ",\"IsPrecategorized\":true,\"PrecategorizationSource\":");
        vg_json_strz(b, source_set);
    }
    if (r->has_sha256 || r->has_pdq || r->has_photodna) {
        int first = 1;
        vg_buf_adds(b, ",\"AlternativeHashes\":[");
        if (r->has_sha256)
            vics_alt(b, &first, "SHA256", r);
        if (r->has_pdq)
            vics_alt(b, &first, "PDQ", r);
        if (r->has_photodna)
            vics_alt(b, &first, "PhotoDNA", r);
        vg_buf_addc(b, ']');
    }
    if (r->name && r->name_len) {
        vg_buf_adds(b, ",\"MediaFiles\":[{");
        if (r->has_md5) {
            vg_buf_adds(b, "\"MD5\":\"");
            hex(b, r->md5, 16);
            vg_buf_adds(b, "\",");
        }
        vg_buf_adds(b, "\"FileName\":");
        vg_json_str(b, r->name, r->name_len);
        vg_buf_adds(b, "}]");
    }
    vg_buf_addc(b, '}');
}

/* hashdeep: size first, the chosen digests, the name last; a name with a control byte is
 * escaped and its line starts with a backslash (line_name.h), so it cannot break the line. */
static int hashdeep_record(vg_hs_writer *w, const vg_hs_record *r)
{
    vg_buf *b = &w->b;
    int escaped = r->name && vg_line_name_needs_escape(r->name, r->name_len);
    if (r->size < 0 || ((w->digests & VG_HS_EXPORT_MD5) && !r->has_md5) ||
        ((w->digests & VG_HS_EXPORT_SHA1) && !r->has_sha1) || ((w->digests & VG_HS_EXPORT_SHA256) && !r->has_sha256))
        return 1;
    if (escaped)
        vg_buf_addc(b, '\\');
    vg_buf_addf(b, "%" PRId64, r->size);
    if (w->digests & VG_HS_EXPORT_MD5)
        vg_buf_addc(b, ','), hex(b, r->md5, 16);
    if (w->digests & VG_HS_EXPORT_SHA1)
        vg_buf_addc(b, ','), hex(b, r->sha1, 20);
    if (w->digests & VG_HS_EXPORT_SHA256)
        vg_buf_addc(b, ','), hex(b, r->sha256, 32);
    vg_buf_addc(b, ',');
    if (escaped)
        vg_line_name_escape(b, r->name, r->name_len);
    else if (r->name)
        vg_buf_add(b, r->name, r->name_len);
    vg_buf_addc(b, '\n');
    return 0;
}

static void csv_field(vg_buf *b, const char *s, size_t n, int last)
{
    vg_csv_field(b, s, n);
    vg_buf_adds(b, last ? "\r\n" : ",");
}

static void csv_str(vg_buf *b, const char *s)
{
    csv_field(b, s, s ? strlen(s) : 0, 0);
}

static void csv_hex(vg_buf *b, int has, const uint8_t *p, size_t n)
{
    char h[65];
    if (has)
        vg_hex_encode(h, p, n);
    csv_str(b, has ? h : NULL);
}

#define CSV_HEADER                                                                                      \
    "md5,sha1,sha256,size,category,category_label,profile,severity,series,victim_identified,"           \
    "offender_identified,distributed,baseline,retract,pdq,pdq_quality,photodna,external_id,name,source_set\r\n"

static void csv_record(vg_hs_writer *w, const vg_hs_record *r, const char *source_set)
{
    vg_buf *b = &w->b;
    char num[32], b64[VG_PHOTODNA_BASE64_CHARS + 1];
    csv_hex(b, r->has_md5, r->md5, 16);
    csv_hex(b, r->has_sha1, r->sha1, 20);
    csv_hex(b, r->has_sha256, r->sha256, 32);
    snprintf(num, sizeof num, "%" PRId64, r->size);
    csv_str(b, r->size >= 0 ? num : NULL);
    csv_str(b, r->category);
    csv_str(b, r->category_label);
    csv_str(b, r->profile);
    snprintf(num, sizeof num, "%d", r->severity);
    csv_str(b, r->severity >= 0 ? num : NULL);
    csv_str(b, r->series);
    csv_str(b, r->flags & VG_HS_VICTIM_IDENTIFIED ? "1" : "0");
    csv_str(b, r->flags & VG_HS_OFFENDER_IDENTIFIED ? "1" : "0");
    csv_str(b, r->flags & VG_HS_DISTRIBUTED ? "1" : "0");
    csv_str(b, r->flags & VG_HS_BASELINE ? "1" : "0");
    csv_str(b, r->retract ? "1" : "0");
    csv_hex(b, r->has_pdq, r->pdq, 32);
    snprintf(num, sizeof num, "%d", r->pdq_quality);
    csv_str(b, r->has_pdq && r->pdq_quality >= 0 ? num : NULL);
    if (r->has_photodna)
        vg_photodna_to_base64(b64, r->photodna);
    csv_str(b, r->has_photodna ? b64 : NULL);
    csv_str(b, r->external_id);
    csv_field(b, r->name, r->name ? r->name_len : 0, 0);
    csv_field(b, source_set, source_set ? strlen(source_set) : 0, 1);
}

int vg_hs_writer_open(vg_hs_writer **out, FILE *f, const char *format, const vg_hs_export_info *info,
                      vigil_error *err)
{
    vg_hs_writer *w;
    enum fmt fmt;
    int rc;
    *out = NULL;
    if (!strcmp(format, "vics"))
        fmt = EX_VICS;
    else if (!strcmp(format, "hashdeep"))
        fmt = EX_HASHDEEP;
    else if (!strcmp(format, "csv"))
        fmt = EX_CSV;
    else
        return vigil_error_set(err, VIGIL_EUSAGE, "export: unknown format '%s' (vics, hashdeep, csv)", format);
    if (!(w = calloc(1, sizeof *w)))
        return vigil_error_set(err, VIGIL_ENOMEM, "export: out of memory");
    w->f = f;
    w->fmt = fmt;
    w->digests = info && info->digests ? info->digests : VG_HS_EXPORT_MD5 | VG_HS_EXPORT_SHA1 | VG_HS_EXPORT_SHA256;
    vg_buf_init(&w->b, 1 << 20);
    if (fmt == EX_VICS) {
        vg_buf_adds(&w->b, "{\"@odata.context\":");
        vg_buf_addf(&w->b, "\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/%s/$metadata#Media\",",
                    info && info->profile ? info->profile : "Default");
        vg_buf_adds(&w->b, "\n  \"value\":[");
    } else if (fmt == EX_HASHDEEP) {
        vg_buf_adds(&w->b, "%%%% HASHDEEP-1.0\n%%%% size");
        if (w->digests & VG_HS_EXPORT_MD5)
            vg_buf_adds(&w->b, ",md5");
        if (w->digests & VG_HS_EXPORT_SHA1)
            vg_buf_adds(&w->b, ",sha1");
        if (w->digests & VG_HS_EXPORT_SHA256)
            vg_buf_adds(&w->b, ",sha256");
        vg_buf_adds(&w->b, ",filename\n## Invoked from: vigil hashset export\n## $ vigil hashset export");
        if (info && info->set_name) {
            vg_buf_adds(&w->b, " --name ");
            vg_term_add(&w->b, info->set_name, strlen(info->set_name)); /* a comment: controls escaped */
        }
        vg_buf_adds(&w->b, " --format hashdeep\n##\n");
    } else {
        vg_buf_adds(&w->b, CSV_HEADER);
    }
    if ((rc = flush(w, err)) < 0) {
        vg_buf_dispose(&w->b);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int vg_hs_writer_add(vg_hs_writer *w, const vg_hs_record *r, const char *source_set, vigil_error *err)
{
    int rc;
    if (r->retract) {
        w->skipped++;
        return 1;
    }
    if (w->fmt == EX_VICS) {
        vics_record(w, r, source_set);
    } else if (w->fmt == EX_CSV) {
        csv_record(w, r, source_set);
    } else if (hashdeep_record(w, r)) {
        w->skipped++;
        return 1;
    }
    if ((rc = flush(w, err)) < 0)
        return rc;
    w->written++;
    return 0;
}

void vg_hs_writer_counts(const vg_hs_writer *w, uint64_t *written, uint64_t *skipped)
{
    if (written)
        *written = w->written;
    if (skipped)
        *skipped = w->skipped;
}

int vg_hs_writer_close(vg_hs_writer *w, vigil_error *err)
{
    int rc = 0;
    if (!w)
        return 0;
    if (w->fmt == EX_VICS)
        vg_buf_adds(&w->b, "\n  ]\n}\n");
    rc = flush(w, err);
    if (rc == 0 && fflush(w->f) != 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "export: write error: %s", strerror(errno));
    vg_buf_dispose(&w->b);
    free(w);
    return rc;
}
