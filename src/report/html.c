/*
 * The HTML report: one self-contained page for the case file. The item lists are kept as
 * the same JSON values the JSONL carries, in columns (html_rows.c), streamed to temporary
 * files while the scan runs
 * and embedded at the end, where the page's script renders them a page at a time; memory
 * does not grow with the number of items (only with distinct contents, for the totals).
 * Unknown images come first: they are the work. Benign items are counted, not listed.
 * The page is written to a temporary name beside path and renamed onto it once whole: a scan
 * stopped or failed half-way never leaves a half-written report, nor loses an earlier one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/json.h"
#include "core/time.h"
#include "report/html.h"
#include "report/item_json.h"

#define MAX_TALLY 1000
#define MAX_THUMB ((size_t)256 << 10) /* a thumbnail is a few kB; anything larger is not one */

enum { LIST_UNKNOWN_IMAGES, LIST_ILLEGAL, LIST_NEAR, LIST_INTEREST, LIST_ERRORS, LIST_UNKNOWN_OTHER, LIST_N };

static const char *list_titles[LIST_N] = {
    "Unknown images (new material: review these first)", "Known illegal", "Near matches", "Of interest",
    "Errors (items or parts that could not be read)", "Unknown files that are not images"};

typedef struct tally {
    char *key[MAX_TALLY];
    uint64_t count[MAX_TALLY];
    size_t n;
    uint64_t overflow;
} tally;

/* A thumbnail kept aside until the policy is known: its row, verdict and length, then the JPEG. */
typedef struct thumb_rec {
    uint32_t list, verdict;
    uint64_t row, len;
} thumb_rec;

struct vigil_html {
    FILE *out;
    char *path;
    char *tmp;                 /* what out writes, renamed onto path when finished; NULL: path itself */
    FILE *list[LIST_N];
    uint64_t rows[LIST_N];
    vg_row_keys keys[LIST_N];
    FILE *thumbs;
    uint64_t thumbs_by_verdict[VIGIL_VERDICT__COUNT];
    vg_content_set *contents;
    tally sets, categories, series;
};

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

/* Open h->out: a temporary file beside h->path with the mode fopen would give, or path itself
 * when it is no regular file (a device, a FIFO: written in place, never replaced). */
static int open_out(vigil_html *h)
{
    struct stat st;
    size_t n = strlen(h->path) + sizeof ".vigil-XXXXXX";
    mode_t mask;
    int fd;
    if (stat(h->path, &st) == 0 && !S_ISREG(st.st_mode))
        return (h->out = fopen(h->path, "w")) ? 0 : -1;
    if (!(h->tmp = malloc(n)))
        return -1;
    snprintf(h->tmp, n, "%s.vigil-XXXXXX", h->path);
    if ((fd = mkstemp(h->tmp)) < 0) {
        free(h->tmp);
        h->tmp = NULL;
        return -1;
    }
    mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(h->out = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return 0;
}

int vigil_html_open(vigil_html **out, const char *path, vigil_error *err)
{
    vigil_html *h = calloc(1, sizeof *h);
    *out = NULL;
    if (!h || !(h->path = strdup(path)) || !(h->contents = vg_content_set_new())) {
        vigil_html_abort(h);
        return vigil_error_set(err, VIGIL_ENOMEM, "report: out of memory");
    }
    for (int i = 0; i < LIST_N; i++)
        h->list[i] = tmpfile();
    h->thumbs = tmpfile();
    for (int i = 0; i < LIST_N; i++)
        if (!h->list[i] || !h->thumbs) {
            int rc = vigil_error_set(err, VIGIL_ESTORE, "report: temporary file: %s", strerror(errno));
            vigil_html_abort(h);
            return rc;
        }
    if (open_out(h) < 0) {
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

/* Files of a folder scan: their modification time, read from the file system (metadata only),
 * as the scan records times for disk images alone. */
static void add_folder_times(vg_buf *b, const vigil_item *it)
{
    struct stat st;
    char iso[48];
    vigil_fs_time t;
    if (it->in_image || it->ncontainers || it->times[VIGIL_TIME_MODIFIED].set || it->path_len != strlen(it->path) ||
        lstat(it->path, &st) != 0)
        return;
    t = (vigil_fs_time){.sec = (int64_t)st.st_mtim.tv_sec, .nsec = (uint32_t)st.st_mtim.tv_nsec, .set = 1};
    if (vigil_fs_time_iso(iso, sizeof iso, &t) == 0)
        vg_buf_addf(b, ",\"modified\":\"%s\"", iso);
}

/* The item's object for the page: the JSONL's, with '<' escaped so no text can end the
 * <script> element it is embedded in. */
static void page_json(vg_buf *out, const vigil_item *it)
{
    vg_buf b;
    size_t start = 0;
    vg_buf_init(&b, (size_t)1 << 24);
    vg_item_json(&b, it);
    if (!vg_buf_failed(&b) && b.len) {
        b.len--; /* reopen the object for the fields only the page has */
        add_folder_times(&b, it);
        vg_buf_addc(&b, '}');
    }
    if (vg_buf_failed(&b))
        out->failed = 1;
    for (size_t i = 0; i < b.len && !vg_buf_failed(&b); i++)
        if (b.ptr[i] == '<') {
            vg_buf_add(out, b.ptr + start, i - start);
            vg_buf_adds(out, "\\u003c");
            start = i + 1;
        }
    vg_buf_add(out, b.ptr + start, b.len - start);
    vg_buf_dispose(&b);
}

static int keep_thumb(vigil_html *h, const vigil_item *it, int l)
{
    thumb_rec r = {(uint32_t)l, (uint32_t)it->verdict, h->rows[l], it->thumb_len};
    if (!it->thumb || !it->thumb_len || it->thumb_len > MAX_THUMB || (unsigned)it->verdict >= VIGIL_VERDICT__COUNT)
        return 0;
    if (fwrite(&r, sizeof r, 1, h->thumbs) != 1 || fwrite(it->thumb, 1, it->thumb_len, h->thumbs) != it->thumb_len)
        return -1;
    h->thumbs_by_verdict[it->verdict]++;
    return 0;
}

int vigil_html_item(vigil_html *h, const vigil_item *it)
{
    vg_buf b, obj;
    int l = pick_list(it), rc = 0;
    if (it->match.by != VIGIL_BY_NONE) {
        count(&h->sets, it->match.set);
        count(&h->categories, it->match.category);
        count(&h->series, it->match.series);
    }
    if (it->has_digests)
        vg_content_set_add(h->contents, it->digests.sha256, it->verdict);
    if (l < 0)
        return 0;
    vg_buf_init(&obj, (size_t)1 << 25);
    vg_buf_init(&b, (size_t)1 << 25);
    if (h->rows[l])
        vg_buf_adds(&b, ",\n");
    page_json(&obj, it);
    if (!vg_buf_failed(&obj) && vg_row_columns(&b, &h->keys[l], obj.ptr, obj.len) < 0)
        vg_buf_add(&b, obj.ptr, obj.len); /* read by the page as it is */
    if (vg_buf_failed(&obj) || vg_buf_failed(&b) || fwrite(b.ptr, 1, b.len, h->list[l]) != b.len || keep_thumb(h, it, l) < 0)
        rc = -1;
    h->rows[l]++;
    vg_buf_dispose(&obj);
    vg_buf_dispose(&b);
    return rc;
}

static void write_tally(vg_buf *b, const char *title, const tally *t)
{
    if (!t->n)
        return; /* nothing matched: the totals already say so */
    vg_buf_addf(b, "<h2>%s</h2>\n<table><tr><th>name</th><th class=n>items</th></tr>\n", title);
    for (size_t i = 0; i < t->n; i++) {
        vg_buf_adds(b, "<tr><td>");
        vg_html_textz(b, t->key[i]);
        vg_buf_addf(b, "</td><td class=n>%llu</td></tr>\n", (unsigned long long)t->count[i]);
    }
    if (t->overflow)
        vg_buf_addf(b, "<tr><td>(other values beyond %d)</td><td class=n>%llu</td></tr>\n", MAX_TALLY,
                    (unsigned long long)t->overflow);
    vg_buf_adds(b, "</table>\n");
}

static int flush_buf(FILE *o, vg_buf *b)
{
    int rc = vg_buf_failed(b) || fwrite(b->ptr, 1, b->len, o) != b->len ? -1 : 0;
    vg_buf_reset(b);
    return rc;
}

static int copy_file(FILE *o, FILE *in)
{
    char buf[65536];
    size_t n;
    rewind(in);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, o) != n)
            return -1;
    return ferror(in) ? -1 : 0;
}

/* Pictures go into the page only as the scan's thumbnail policy allows: never an illegal one
 * unless every picture was asked for. */
static int thumb_allowed(int policy, unsigned verdict)
{
    return policy >= 2 || (policy == 1 && (verdict == VIGIL_VERDICT_UNKNOWN || verdict == VIGIL_VERDICT_NEAR));
}

static uint64_t thumbs_allowed(const vigil_html *h, int policy)
{
    uint64_t n = 0;
    for (unsigned v = 0; v < VIGIL_VERDICT__COUNT; v++)
        if (thumb_allowed(policy, v))
            n += h->thumbs_by_verdict[v];
    return n;
}

/* {"LIST:ROW":"data:image/jpeg;base64,...",...} for the thumbnails the policy allows. */
static int write_thumbs(FILE *o, vigil_html *h, int policy)
{
    vg_buf b;
    thumb_rec r;
    unsigned char *jpeg = malloc(MAX_THUMB);
    int rc = 0, n = 0;
    if (!jpeg)
        return -1;
    vg_buf_init(&b, (size_t)1 << 24);
    fputs("<script type=\"application/json\" id=thumbs>{", o);
    rewind(h->thumbs);
    while (rc == 0 && fread(&r, sizeof r, 1, h->thumbs) == 1) {
        if (r.len > MAX_THUMB || fread(jpeg, 1, r.len, h->thumbs) != r.len) {
            rc = -1;
            break;
        }
        if (!thumb_allowed(policy, r.verdict))
            continue;
        vg_buf_addf(&b, "%s\"%u:%llu\":\"data:image/jpeg;base64,", n++ ? ",\n" : "", r.list,
                    (unsigned long long)r.row);
        vg_html_base64(&b, jpeg, r.len);
        vg_buf_addc(&b, '"');
        rc = flush_buf(o, &b);
    }
    fputs("}</script>\n", o);
    vg_buf_dispose(&b);
    free(jpeg);
    return rc;
}

static int write_lists(FILE *o, vigil_html *h, vg_buf *b)
{
    int rc = 0;
    for (int l = 0; l < LIST_N; l++) {
        vg_buf_addf(b, "<h2 id=h%d>%s: %llu</h2>\n", l, list_titles[l], (unsigned long long)h->rows[l]);
        if (!h->rows[l]) {
            vg_buf_adds(b, "<p class=note>None.</p>\n");
            continue;
        }
        vg_buf_addf(b, "<div class=list data-list=%d></div>\n<script type=\"application/json\" id=d%d>{\"keys\":",
                    l, l);
        vg_row_keys_json(b, &h->keys[l]);
        vg_buf_adds(b, ",\"rows\":[");
        if (flush_buf(o, b) < 0 || copy_file(o, h->list[l]) < 0)
            rc = -1;
        vg_buf_adds(b, "]}</script>\n");
    }
    return rc;
}

static void write_benign(vg_buf *b, vigil_html *h, const vigil_scan_stats *s)
{
    uint64_t n = s->by_verdict[VIGIL_VERDICT_BENIGN];
    vg_buf_addf(b, "<h2 id=benign>Known good: %llu</h2>\n<p class=note>", (unsigned long long)n);
    if (n)
        vg_buf_addf(b, "%llu items (%llu distinct contents) matched lists of known-good files and are not listed "
                    "here; the scan's JSONL names each of them.", (unsigned long long)n,
                    (unsigned long long)vg_content_set_count(h->contents, VIGIL_VERDICT_BENIGN));
    else
        vg_buf_adds(b, "None.");
    vg_buf_adds(b, "</p>\n");
}

int vigil_html_finish(vigil_html *h, const vigil_report_params *p, const vigil_scan_stats *s, vigil_error *err)
{
    FILE *o = h->out;
    vg_buf b;
    int rc = 0;
    vg_html_summary sum = {p, s, h->contents, thumbs_allowed(h, p->thumbnails)};
    vg_buf_init(&b, (size_t)1 << 28);
    vg_html_write_head(&b, &sum);
    vg_html_write_images(&b, s);
    if (write_lists(o, h, &b) < 0)
        rc = -1;
    write_benign(&b, h, s);
    write_tally(&b, "Sets matched", &h->sets);
    write_tally(&b, "Categories found", &h->categories);
    write_tally(&b, "Series found", &h->series);
    if (flush_buf(o, &b) < 0)
        rc = -1;
    if (sum.thumbs && write_thumbs(o, h, p->thumbnails) < 0)
        rc = -1;
    vg_buf_addf(&b, "<script>%s</script>\n</body></html>\n", vg_html_script);
    if (flush_buf(o, &b) < 0)
        rc = -1;
    vg_buf_dispose(&b);
    if (fflush(o) != 0 || ferror(o))
        rc = -1;
    if (fclose(o) != 0)
        rc = -1;
    h->out = NULL;
    if (rc == 0 && h->tmp && rename(h->tmp, h->path) != 0)
        rc = -1;
    else if (rc == 0) {
        free(h->tmp);
        h->tmp = NULL; /* renamed: nothing left to remove */
    }
    if (rc < 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot write the output: %s", h->path,
                             strerror(errno ? errno : EIO));
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
    for (int i = 0; i < LIST_N; i++) {
        if (h->list[i])
            fclose(h->list[i]);
        vg_row_keys_free(&h->keys[i]);
    }
    if (h->thumbs)
        fclose(h->thumbs);
    if (h->out)
        fclose(h->out);
    if (h->tmp) { /* not finished, or not renamed: the target stays as it was */
        int e = errno;
        unlink(h->tmp);
        free(h->tmp);
        errno = e;
    }
    for (int t = 0; t < 3; t++)
        for (size_t i = 0; i < ts[t]->n; i++)
            free(ts[t]->key[i]);
    vg_content_set_free(h->contents);
    free(h->path);
    free(h);
}
