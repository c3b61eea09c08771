/*
 * The top of the HTML report: what a case file needs before any list. Whether the scan was
 * complete, whether the page holds pictures, case and examiner, the evidence paths in full,
 * the sets compared with their versions, and the totals in order of severity.
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "report/html.h"
#include "vigil/digest.h"
#include "vigil/vigil.h"

/* Most severe first: the order of the totals. */
static const vigil_verdict severity[VIGIL_VERDICT__COUNT] = {VIGIL_VERDICT_ILLEGAL, VIGIL_VERDICT_NEAR,
                                                             VIGIL_VERDICT_INTEREST, VIGIL_VERDICT_UNKNOWN,
                                                             VIGIL_VERDICT_ERROR, VIGIL_VERDICT_BENIGN};

static const char *verdict_notes[VIGIL_VERDICT__COUNT] = {
    [VIGIL_VERDICT_ILLEGAL] = "matched a list of illegal material",
    [VIGIL_VERDICT_NEAR] = "a picture close to a listed one (PDQ): a person must look",
    [VIGIL_VERDICT_INTEREST] = "matched a list kept for investigation",
    [VIGIL_VERDICT_UNKNOWN] = "on no list: new material is found here",
    [VIGIL_VERDICT_ERROR] = "could not be read, in whole or in part",
    [VIGIL_VERDICT_BENIGN] = "known good (operating system, software): not listed one by one"};

/* The Content-Security-Policy: no network at all, the page's own script by its hash,
 * pictures only from data: URIs. */
static void add_csp(vg_buf *b)
{
    vigil_digests d;
    vg_buf_adds(b, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'; img-src data:; script-src 'sha256-");
    if (vigil_digest_buffer(&d, vg_html_script, strlen(vg_html_script), NULL) == 0)
        vg_html_base64(b, d.sha256, 32);
    vg_buf_adds(b, "'; form-action 'none'; base-uri 'none'\">\n");
}

static void row(vg_buf *b, const char *name, const char *value, const char *missing)
{
    vg_buf_addf(b, "<tr><th>%s</th><td>", name);
    if (value && *value)
        vg_html_textz(b, value);
    else
        vg_buf_addf(b, "<span class=note>%s</span>", missing);
    vg_buf_adds(b, "</td></tr>\n");
}

static void write_banners(vg_buf *b, const vg_html_summary *sum)
{
    if (sum->s->interrupted)
        vg_buf_adds(b, "<div class='banner bad' id=completeness>INCOMPLETE: the scan was interrupted. "
                       "This report covers only the items read before it stopped; absence of a finding "
                       "here proves nothing.</div>\n");
    else
        vg_buf_adds(b, "<div class='banner good' id=completeness>Complete: every item under the evidence "
                       "paths was read (items that could not be read are listed as errors).</div>\n");
    if (sum->thumbs)
        vg_buf_addf(b, "<div class='banner warn' id=pictures>This report contains picture content "
                    "(%llu thumbnails, blurred until clicked). Handle, store and share it as evidence.</div>\n",
                    (unsigned long long)sum->thumbs);
}

/* The libraries that read the evidence, with their versions: a report names what made it. */
static void write_libraries(vg_buf *b)
{
    size_t n;
    const vigil_library_version *libs = vigil_library_versions(&n);
    vg_buf_adds(b, "<tr><th>libraries</th><td class=p id=libraries>");
    for (size_t i = 0; i < n; i++) {
        vg_buf_adds(b, i ? ", " : "");
        vg_html_textz(b, libs[i].name);
        vg_buf_addc(b, ' ');
        vg_html_textz(b, libs[i].version);
    }
    vg_buf_adds(b, "</td></tr>\n");
}

static void write_case(vg_buf *b, const vigil_report_params *p)
{
    char full[PATH_MAX];
    vg_buf_adds(b, "<h2>Case</h2>\n<table id=case>\n");
    row(b, "case", p->case_ref, "not given");
    row(b, "exhibit", p->exhibit, "not given");
    row(b, "examiner", p->examiner, "not given");
    vg_buf_adds(b, "<tr><th>evidence</th><td class=p>");
    for (size_t i = 0; i < p->npaths; i++) { /* in full, as the report outlives the working folder */
        vg_html_textz(b, realpath(p->paths[i], full) ? full : p->paths[i]);
        vg_buf_adds(b, "<br>");
    }
    vg_buf_adds(b, "</td></tr>\n");
    row(b, "vigil version", p->version, "unknown");
    write_libraries(b);
    row(b, "started", p->started_at, "unknown");
    row(b, "ended", p->ended_at, "unknown");
    vg_buf_adds(b, "<tr><th>command</th><td class=p>");
    vg_html_textz(b, p->command);
    vg_buf_addf(b, "</td></tr>\n<tr><th>reader threads</th><td>%u</td></tr>\n</table>\n", p->jobs);
}

/* A column of the sets' table is shown only when some set has a value for it. */
static int any_set(const vigil_report_params *p, size_t field)
{
    for (size_t i = 0; i < p->nsets; i++) {
        const char *v = *(const char *const *)((const char *)&p->sets[i] + field);
        if (v && *v)
            return 1;
    }
    return 0;
}

static void set_cell(vg_buf *b, int shown, const char *v, const char *cls)
{
    if (!shown)
        return;
    vg_buf_addf(b, "<td%s>", cls);
    vg_html_textz(b, v);
    vg_buf_adds(b, "</td>");
}

static void write_sets(vg_buf *b, const vigil_report_params *p)
{
    int release = any_set(p, offsetof(vigil_hashset_info, release));
    int format = any_set(p, offsetof(vigil_hashset_info, format));
    int by = any_set(p, offsetof(vigil_hashset_info, imported_by));
    int sources = any_set(p, offsetof(vigil_hashset_info, sources));
    uint64_t pdq = 0;
    vg_buf_adds(b, "<h2>Hash sets compared</h2>\n");
    if (!p->nsets) {
        vg_buf_adds(b, "<p>None: every readable item is unknown.</p>\n");
        return;
    }
    vg_buf_addf(b, "<table id=sets><tr><th>set</th><th>kind</th><th>version</th><th class=n>entries</th>"
                "<th class=n>PDQ entries</th>%s%s"
                "<th>imported</th>%s%s</tr>\n", release ? "<th>release</th>" : "", format ? "<th>format</th>" : "",
                by ? "<th>by</th>" : "", sources ? "<th>sources</th>" : "");
    for (size_t i = 0; i < p->nsets; i++) {
        const vigil_hashset_info *s = &p->sets[i];
        pdq += s->pdq_entries;
        vg_buf_adds(b, "<tr><td>");
        vg_html_textz(b, s->name);
        vg_buf_addf(b, "</td><td>%s</td><td>%lld</td><td class=n>%llu</td><td class=n>%llu</td>",
                    vigil_hashset_kind_name(s->kind), (long long)s->version, (unsigned long long)s->entries,
                    (unsigned long long)s->pdq_entries);
        set_cell(b, release, s->release, "");
        set_cell(b, format, s->format, "");
        set_cell(b, 1, s->imported_at, "");
        set_cell(b, by, s->imported_by, "");
        set_cell(b, sources, s->sources, " class=p");
        vg_buf_adds(b, "</tr>\n");
    }
    vg_buf_adds(b, "</table>\n");
    if (!pdq) /* exact digests only: a resized or re-encoded copy of a listed picture is not found */
        vg_buf_adds(b, "<p class=warn>Near matching was off: no set compared holds PDQ entries.</p>\n");
}

static void write_totals(vg_buf *b, const vg_html_summary *sum)
{
    const vigil_scan_stats *s = sum->s;
    char size[32], rate[32];
    vg_buf_adds(b, "<h2>Totals</h2>\n<table id=totals><tr><th>verdict</th><th class=n>items</th>"
                   "<th class=n>distinct contents</th><th>meaning</th></tr>\n");
    for (int i = 0; i < VIGIL_VERDICT__COUNT; i++) {
        vigil_verdict v = severity[i];
        const char *name = vigil_verdict_name(v);
        vg_buf_addf(b, "<tr class=vd-%s><td>%s</td><td class=n>%llu</td><td class=n>%llu</td>"
                    "<td class=note>%s</td></tr>\n", name, name, (unsigned long long)s->by_verdict[v],
                    (unsigned long long)vg_content_set_count(sum->contents, (int)v), verdict_notes[v]);
    }
    vg_buf_addf(b, "<tr><th>all</th><th class=n>%llu</th><th class=n>%llu</th><td></td></tr></table>\n",
                (unsigned long long)s->items, (unsigned long long)vg_content_set_count(sum->contents, -1));
    vg_html_size(size, sizeof size, (double)s->bytes);
    vg_html_size(rate, sizeof rate, s->seconds > 0 ? (double)s->bytes / s->seconds : 0);
    vg_buf_addf(b, "<p>%s hashed in %.1f s", size, s->seconds);
    if (s->seconds > 0)
        vg_buf_addf(b, " (%s/s)", rate);
    vg_buf_adds(b, ". Distinct contents count each SHA-256 once: a file and its copies (loose, in an archive, "
                   "carved) are one content.</p>\n");
}

void vg_html_write_head(vg_buf *b, const vg_html_summary *sum)
{
    vg_buf_adds(b, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n");
    add_csp(b);
    vg_buf_adds(b, "<meta name=referrer content=no-referrer>\n<title>vigil scan report");
    if (sum->p->case_ref) {
        vg_buf_adds(b, ": ");
        vg_html_textz(b, sum->p->case_ref);
    }
    vg_buf_addf(b, "</title>\n<style>%s</style></head><body>\n<h1>vigil scan report</h1>\n", vg_html_style);
    write_banners(b, sum);
    write_case(b, sum->p);
    write_sets(b, sum->p);
    write_totals(b, sum);
}

void vg_html_write_images(vg_buf *b, const vigil_scan_stats *s)
{
    char md5[33], sha1[41];
    if (!s->images && !s->nverifications)
        return;
    vg_buf_addf(b, "<h2>Disk images</h2>\n<table><tr><th>images read</th><td>%llu</td></tr>\n"
                "<tr><th>allocated files</th><td>%llu</td></tr>\n<tr><th>deleted files</th><td>%llu</td></tr>\n"
                "<tr><th>carved pictures</th><td>%llu</td></tr>\n<tr><th>unallocated bytes carved</th><td>%llu</td></tr>\n"
                "<tr><th>carve candidates rejected (did not decode)</th><td>%llu of %llu</td></tr></table>\n",
                (unsigned long long)s->images, (unsigned long long)s->allocated, (unsigned long long)s->deleted,
                (unsigned long long)s->carved, (unsigned long long)s->unallocated_bytes,
                (unsigned long long)s->carve_rejected, (unsigned long long)s->carve_candidates);
    if (!s->nverifications)
        return;
    vg_buf_adds(b, "<h2>Image verification</h2>\n<table><tr><th>image</th><th>result</th><th>stored MD5</th>"
                   "<th>computed MD5</th><th>stored SHA-1</th><th>computed SHA-1</th><th>CRC errors</th>"
                   "<th>note</th></tr>\n");
    for (size_t i = 0; i < s->nverifications; i++) {
        const vigil_image_verification *v = &s->verifications[i];
        vg_buf_addf(b, "<tr class=%s><td class=p>", v->result == VIGIL_IMAGE_VERIFIED ? "vd-benign" : "vd-illegal");
        vg_html_textz(b, v->image);
        vg_buf_addf(b, "</td><td>%s</td>", vigil_image_check_name(v->result));
        vg_hex_encode(md5, v->md5_stored, 16);
        vg_buf_addf(b, "<td class=h>%s</td>", v->has_md5 ? md5 : "");
        vg_hex_encode(md5, v->md5_computed, 16);
        vg_buf_addf(b, "<td class=h>%s</td>", v->has_md5 ? md5 : "");
        vg_hex_encode(sha1, v->sha1_stored, 20);
        vg_buf_addf(b, "<td class=h>%s</td>", v->has_sha1 ? sha1 : "");
        vg_hex_encode(sha1, v->sha1_computed, 20);
        vg_buf_addf(b, "<td class=h>%s</td><td>%u</td><td>", v->has_sha1 ? sha1 : "", v->checksum_errors);
        vg_html_textz(b, v->error);
        vg_buf_adds(b, "</td></tr>\n");
    }
    vg_buf_adds(b, "</table>\n");
}
