/*
 * The HTML report: one self-contained page (inline style, no scripts, no
 * images, no network) for the case file. Lists are streamed to temporary
 * files while the scan runs and stitched together at the end, so memory does
 * not grow with the number of items. Unknown images come first: they are the
 * work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hex.h"
#include "core/json.h"
#include "vigil/report.h"

#define MAX_TALLY 1000

enum { LIST_UNKNOWN_IMAGES, LIST_ILLEGAL, LIST_INTEREST, LIST_NEAR, LIST_ERRORS, LIST_UNKNOWN_OTHER, LIST_N };

static const char *list_titles[LIST_N] = {
    "Unknown images (new material: review these first)", "Known illegal", "Of interest",
    "Near matches", "Errors (items or parts that could not be read)", "Unknown files that are not images"};

typedef struct tally {
    char *key[MAX_TALLY];
    uint64_t count[MAX_TALLY];
    size_t n;
    uint64_t overflow;
} tally;

struct vigil_html {
    FILE *out;
    char *path;
    FILE *list[LIST_N];
    uint64_t rows[LIST_N];
    tally sets, categories, series;
};

static void html_text(vg_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k;
        switch (u[i]) {
        case '<': vg_buf_adds(b, "&lt;"); i++; continue;
        case '>': vg_buf_adds(b, "&gt;"); i++; continue;
        case '&': vg_buf_adds(b, "&amp;"); i++; continue;
        case '"': vg_buf_adds(b, "&quot;"); i++; continue;
        case '\'': vg_buf_adds(b, "&#39;"); i++; continue;
        default: break;
        }
        k = u[i] < 0x20 ? 0 : vg_utf8_seq(u + i, n - i);
        if (k) {
            vg_buf_add(b, s + i, k);
            i += k;
        } else { /* display only: the JSONL keeps the exact bytes */
            vg_buf_adds(b, "&#xFFFD;");
            i++;
        }
    }
}

static void html_textz(vg_buf *b, const char *s)
{
    if (s)
        html_text(b, s, strlen(s));
}

static void count(tally *t, const char *key)
{
    if (!key)
        return;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->key[i], key)) {
            t->count[i]++;
            return;
        }
    if (t->n == MAX_TALLY || !(t->key[t->n] = strdup(key))) {
        t->overflow++;
        return;
    }
    t->count[t->n++] = 1;
}

int vigil_html_open(vigil_html **out, const char *path, vigil_error *err)
{
    vigil_html *h = calloc(1, sizeof *h);
    *out = NULL;
    if (!h || !(h->path = strdup(path))) {
        free(h);
        return vigil_error_set(err, VIGIL_ENOMEM, "report: out of memory");
    }
    for (int i = 0; i < LIST_N; i++)
        if (!(h->list[i] = tmpfile())) {
            int rc = vigil_error_set(err, VIGIL_ESTORE, "report: temporary file: %s", strerror(errno));
            vigil_html_abort(h);
            return rc;
        }
    h->out = fopen(path, "w");
    if (!h->out) {
        int rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, strerror(errno));
        vigil_html_abort(h);
        return rc;
    }
    *out = h;
    return 0;
}

static int pick_list(const vigil_item *it)
{
    int image = it->mime && !strncmp(it->mime, "image/", 6);
    switch (it->verdict) {
    case VIGIL_VERDICT_UNKNOWN: return it->type == VIGIL_ITEM_FILE ? (image ? LIST_UNKNOWN_IMAGES : LIST_UNKNOWN_OTHER) : -1;
    case VIGIL_VERDICT_ILLEGAL: return LIST_ILLEGAL;
    case VIGIL_VERDICT_INTEREST: return LIST_INTEREST;
    case VIGIL_VERDICT_NEAR: return LIST_NEAR;
    case VIGIL_VERDICT_ERROR: return LIST_ERRORS;
    default: return -1;
    }
}

int vigil_html_item(vigil_html *h, const vigil_item *it)
{
    vg_buf b;
    char hex[65];
    char *container;
    int l = pick_list(it), rc = 0;
    if (it->match.by != VIGIL_BY_NONE) {
        count(&h->sets, it->match.set);
        count(&h->categories, it->match.category);
        count(&h->series, it->match.series);
    }
    if (l < 0)
        return 0;
    container = vigil_container_string(it);
    vg_buf_init(&b, (size_t)1 << 24);
    vg_buf_adds(&b, "<tr><td class=p>");
    html_text(&b, it->path, it->path_len);
    if (container) {
        vg_buf_adds(&b, "<div class=c>in ");
        html_textz(&b, container);
        vg_buf_adds(&b, "</div>");
    }
    if (it->in_image && it->carved)
        vg_buf_addf(&b, "<div class=s>carved from unallocated space at byte %llu</div>",
                    (unsigned long long)it->carved_offset);
    else if (it->in_image && it->type != VIGIL_ITEM_IMAGE && it->type != VIGIL_ITEM_FILESYSTEM)
        vg_buf_addf(&b, "<div class=s>%s, inode %llu</div>", it->allocated ? "allocated" : "deleted",
                    (unsigned long long)it->inode);
    vg_buf_addf(&b, "</td><td>%llu</td><td>", (unsigned long long)it->size);
    html_textz(&b, it->mime);
    vg_buf_adds(&b, "</td><td class=h>");
    if (it->has_digests) {
        vg_hex_encode(hex, it->digests.sha256, 32);
        vg_buf_adds(&b, hex);
    }
    vg_buf_adds(&b, "</td><td>");
    if (l == LIST_ERRORS)
        html_textz(&b, it->error);
    else if (it->match.by != VIGIL_BY_NONE) {
        html_textz(&b, it->match.set);
        vg_buf_addf(&b, " (%s)", vigil_match_by_name(it->match.by));
        if (it->match.by == VIGIL_BY_PDQ)
            vg_buf_addf(&b, " distance %d, %s", it->match.distance, vigil_pdq_dihedral_name(it->pdq_dihedral));
        if (it->match.category) {
            vg_buf_adds(&b, "; category ");
            html_textz(&b, it->match.category);
        }
        if (it->match.series) {
            vg_buf_adds(&b, "; series ");
            html_textz(&b, it->match.series);
        }
    }
    vg_buf_adds(&b, "</td></tr>\n");
    if (vg_buf_failed(&b) || fwrite(b.ptr, 1, b.len, h->list[l]) != b.len)
        rc = -1;
    h->rows[l]++;
    vg_buf_dispose(&b);
    free(container);
    return rc;
}

static void write_tally(FILE *o, const char *title, const tally *t)
{
    vg_buf b;
    vg_buf_init(&b, (size_t)1 << 24);
    vg_buf_addf(&b, "<h2>%s</h2>\n", title);
    if (!t->n)
        vg_buf_adds(&b, "<p>None.</p>\n");
    else {
        vg_buf_adds(&b, "<table><tr><th>name</th><th>items</th></tr>\n");
        for (size_t i = 0; i < t->n; i++) {
            vg_buf_adds(&b, "<tr><td>");
            html_textz(&b, t->key[i]);
            vg_buf_addf(&b, "</td><td>%llu</td></tr>\n", (unsigned long long)t->count[i]);
        }
        if (t->overflow)
            vg_buf_addf(&b, "<tr><td>(other values beyond %d)</td><td>%llu</td></tr>\n", MAX_TALLY,
                        (unsigned long long)t->overflow);
        vg_buf_adds(&b, "</table>\n");
    }
    fwrite(b.ptr, 1, b.len, o);
    vg_buf_dispose(&b);
}

static void write_params(FILE *o, const vigil_report_params *p)
{
    vg_buf b;
    vg_buf_init(&b, (size_t)1 << 24);
    vg_buf_adds(&b, "<h2>Scan parameters</h2>\n<table>\n<tr><th>vigil version</th><td>");
    html_textz(&b, p->version);
    vg_buf_adds(&b, "</td></tr>\n<tr><th>command</th><td class=p>");
    html_textz(&b, p->command);
    vg_buf_adds(&b, "</td></tr>\n<tr><th>started</th><td>");
    html_textz(&b, p->started_at);
    vg_buf_adds(&b, "</td></tr>\n<tr><th>ended</th><td>");
    html_textz(&b, p->ended_at);
    vg_buf_addf(&b, "</td></tr>\n<tr><th>reader threads</th><td>%u</td></tr>\n<tr><th>paths</th><td class=p>",
                p->jobs);
    for (size_t i = 0; i < p->npaths; i++) {
        html_textz(&b, p->paths[i]);
        vg_buf_adds(&b, "<br>");
    }
    vg_buf_adds(&b, "</td></tr>\n</table>\n<h2>Hash sets matched against</h2>\n");
    if (!p->nsets)
        vg_buf_adds(&b, "<p>None: every readable item is unknown.</p>\n");
    else {
        vg_buf_adds(&b, "<table><tr><th>set</th><th>kind</th><th>entries</th><th>imported</th><th>by</th>"
                        "<th>format</th><th>sources</th><th>version</th><th>release</th></tr>\n");
        for (size_t i = 0; i < p->nsets; i++) {
            const vigil_hashset_info *s = &p->sets[i];
            vg_buf_adds(&b, "<tr><td>");
            html_textz(&b, s->name);
            vg_buf_addf(&b, "</td><td>%s</td><td>%llu</td><td>", vigil_hashset_kind_name(s->kind),
                        (unsigned long long)s->entries);
            html_textz(&b, s->imported_at);
            vg_buf_adds(&b, "</td><td>");
            html_textz(&b, s->imported_by);
            vg_buf_adds(&b, "</td><td>");
            html_textz(&b, s->format);
            vg_buf_adds(&b, "</td><td class=p>");
            html_textz(&b, s->sources);
            vg_buf_addf(&b, "</td><td>%lld</td><td>", (long long)s->version);
            html_textz(&b, s->release);
            vg_buf_adds(&b, "</td></tr>\n");
        }
        vg_buf_adds(&b, "</table>\n");
    }
    fwrite(b.ptr, 1, b.len, o);
    vg_buf_dispose(&b);
}

static void write_totals(FILE *o, const vigil_scan_stats *s)
{
    fprintf(o, "<h2>Totals</h2>\n<table class=t><tr><th>verdict</th><th>items</th></tr>\n");
    for (int v = 0; v < VIGIL_VERDICT__COUNT; v++)
        fprintf(o, "<tr class=v%d><td>%s</td><td>%llu</td></tr>\n", v, vigil_verdict_name((vigil_verdict)v),
                (unsigned long long)s->by_verdict[v]);
    fprintf(o, "<tr><th>all items</th><th>%llu</th></tr></table>\n<p>%llu bytes hashed in %.1f s.%s</p>\n",
            (unsigned long long)s->items, (unsigned long long)s->bytes, s->seconds,
            s->interrupted ? " <strong>The scan was interrupted: this report covers only the items "
                             "listed.</strong>" : "");
}

static void write_images(FILE *o, const vigil_scan_stats *s)
{
    vg_buf b;
    char md5[33], sha1[41];
    if (!s->images && !s->nverifications)
        return;
    vg_buf_init(&b, (size_t)1 << 24);
    vg_buf_addf(&b, "<h2>Disk images</h2>\n<table class=t><tr><th>images read</th><td>%llu</td></tr>\n"
                "<tr><th>allocated files</th><td>%llu</td></tr>\n<tr><th>deleted files</th><td>%llu</td></tr>\n"
                "<tr><th>carved pictures</th><td>%llu</td></tr>\n<tr><th>unallocated bytes carved</th><td>%llu</td></tr>\n"
                "<tr><th>carve candidates rejected (did not decode)</th><td>%llu of %llu</td></tr></table>\n",
                (unsigned long long)s->images, (unsigned long long)s->allocated, (unsigned long long)s->deleted,
                (unsigned long long)s->carved, (unsigned long long)s->unallocated_bytes,
                (unsigned long long)s->carve_rejected, (unsigned long long)s->carve_candidates);
    if (s->nverifications)
        vg_buf_adds(&b, "<h2>Image verification</h2>\n<table><tr><th>image</th><th>result</th><th>stored MD5</th>"
                        "<th>computed MD5</th><th>stored SHA-1</th><th>computed SHA-1</th><th>CRC errors</th>"
                        "<th>note</th></tr>\n");
    for (size_t i = 0; i < s->nverifications; i++) {
        const vigil_image_verification *v = &s->verifications[i];
        vg_buf_addf(&b, "<tr class=%s><td class=p>", v->result == VIGIL_IMAGE_VERIFIED ? "v4" : "v0");
        html_textz(&b, v->image);
        vg_buf_addf(&b, "</td><td>%s</td>", vigil_image_check_name(v->result));
        vg_hex_encode(md5, v->md5_stored, 16);
        vg_buf_addf(&b, "<td class=h>%s</td>", v->has_md5 ? md5 : "");
        vg_hex_encode(md5, v->md5_computed, 16);
        vg_buf_addf(&b, "<td class=h>%s</td>", v->has_md5 ? md5 : "");
        vg_hex_encode(sha1, v->sha1_stored, 20);
        vg_buf_addf(&b, "<td class=h>%s</td>", v->has_sha1 ? sha1 : "");
        vg_hex_encode(sha1, v->sha1_computed, 20);
        vg_buf_addf(&b, "<td class=h>%s</td><td>%u</td><td>", v->has_sha1 ? sha1 : "", v->checksum_errors);
        html_textz(&b, v->error);
        vg_buf_adds(&b, "</td></tr>\n");
    }
    if (s->nverifications)
        vg_buf_adds(&b, "</table>\n");
    fwrite(b.ptr, 1, b.len, o);
    vg_buf_dispose(&b);
}

static int copy_list(FILE *o, FILE *in)
{
    char buf[65536];
    size_t n;
    rewind(in);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, o) != n)
            return -1;
    return ferror(in) ? -1 : 0;
}

int vigil_html_finish(vigil_html *h, const vigil_report_params *p, const vigil_scan_stats *s, vigil_error *err)
{
    FILE *o = h->out;
    int rc = 0;
    fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n<title>vigil scan report</title>\n"
          "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
          "margin-bottom:1em}td,th{border:1px solid #bbb;padding:.25em .5em;text-align:left;"
          "vertical-align:top}.p{font-family:monospace;word-break:break-all}.h{font-family:monospace;"
          "font-size:.8em}.c{color:#666;font-size:.85em}.v0{background:#fdd}.v4{background:#ffd}"
          ".v5{background:#eee}.s{color:#a40;font-size:.85em}</style></head><body>\n<h1>vigil scan report</h1>\n", o);
    write_totals(o, s);
    write_images(o, s);
    for (int l = 0; l < LIST_N; l++) {
        fprintf(o, "<h2>%s: %llu</h2>\n", list_titles[l], (unsigned long long)h->rows[l]);
        if (h->rows[l]) {
            fputs("<table><tr><th>path</th><th>bytes</th><th>type</th><th>SHA-256</th><th>",
                  o);
            fputs(l == LIST_ERRORS ? "reason" : "match", o);
            fputs("</th></tr>\n", o);
            if (copy_list(o, h->list[l]) < 0)
                rc = -1;
            fputs("</table>\n", o);
        }
    }
    write_tally(o, "Sets matched", &h->sets);
    write_tally(o, "Categories found", &h->categories);
    write_tally(o, "Series found", &h->series);
    write_params(o, p);
    fputs("</body></html>\n", o);
    if (fflush(o) != 0 || ferror(o))
        rc = -1;
    if (fclose(o) != 0)
        rc = -1;
    h->out = NULL;
    if (rc < 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot write the output: %s", h->path, strerror(errno));
    vigil_html_abort(h);
    return rc;
}

void vigil_html_abort(vigil_html *h)
{
    tally *ts[3];
    if (!h)
        return;
    ts[0] = &h->sets;
    ts[1] = &h->categories;
    ts[2] = &h->series;
    for (int i = 0; i < LIST_N; i++)
        if (h->list[i])
            fclose(h->list[i]);
    if (h->out)
        fclose(h->out);
    for (int t = 0; t < 3; t++)
        for (size_t i = 0; i < ts[t]->n; i++)
            free(ts[t]->key[i]);
    free(h->path);
    free(h);
}
