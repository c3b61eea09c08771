/*
 * An earlier scan JSONL as a lookup for resuming. Items reach the JSONL in
 * walk order, unit by unit: a file on disk (container null), then the members
 * of the archive it is (containers[0] == that path). Every unit but the last
 * one is therefore complete, archive members included; the last one is
 * complete only when the summary says the scan was not interrupted. Units are
 * keyed by path, size and the modification and change times of the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "core/buf.h"
#include "core/json.h"
#include "scan/resume.h"
#include "vigil/report.h"

typedef struct line_ref {
    const char *text;           /* NUL-terminated in the file's buffer, without its newline */
    size_t len;
} line_ref;

typedef struct stored_unit {
    char *path;
    size_t path_len;
    uint64_t size;
    char *mtime, *ctime;        /* as the JSONL has them; NULL: cannot be matched */
    size_t first, nlines;       /* its lines in lines[] */
    int usable;                 /* complete, and not an error to try again */
} stored_unit;

struct vigil_resume {
    char *file;
    char *buf;
    line_ref *lines;
    size_t nlines;
    stored_unit *units;
    size_t nunits, ncomplete;
    size_t *table;              /* open addressing: unit index + 1, 0 empty */
    size_t tcap;
    yajl_val summary;           /* the summary's inner object */
};

static yajl_val get(yajl_val obj, const char *key)
{
    const char *path[] = {key, NULL};
    return obj ? yajl_tree_get(obj, path, yajl_t_any) : NULL;
}

static const char *str(yajl_val obj, const char *key)
{
    yajl_val v = get(obj, key);
    return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

static uint64_t hash_key(const char *p, size_t n, uint64_t size)
{
    uint64_t h = 1469598103934665603ull ^ size;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static int load_failed(vigil_error *err, int code, const char *file, size_t line, const char *what)
{
    if (line)
        return vigil_error_set(err, code, "%s: line %zu: %s", file, line, what);
    return vigil_error_set(err, code, "%s: %s", file, what);
}

static int read_all(vigil_resume *r, size_t *len, vigil_error *err)
{
    FILE *f = fopen(r->file, "rb");
    vg_buf b;
    char chunk[1 << 16];
    size_t n;
    if (!f)
        return vigil_error_set(err, errno == ENOENT ? VIGIL_EINPUT : VIGIL_ESTORE, "%s: cannot read: %s", r->file,
                               strerror(errno));
    vg_buf_init(&b, (size_t)1 << 40);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        vg_buf_add(&b, chunk, n);
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        vg_buf_dispose(&b);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: cannot read: %s", r->file, strerror(e));
    }
    fclose(f);
    if (vg_buf_failed(&b)) {
        vg_buf_dispose(&b);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", r->file);
    }
    r->buf = b.len ? vg_buf_detach(&b, len) : (*len = 0, calloc(1, 1));
    vg_buf_dispose(&b);
    return r->buf ? 0 : vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", r->file);
}

/* The path's bytes of a parsed item (path_hex when the path is not UTF-8). */
static char *item_path(yajl_val o, size_t *len)
{
    const char *p = str(o, "path"), *hex = str(o, "path_hex");
    char *c;
    if (!p)
        return NULL;
    if (hex) {
        size_t n = strlen(hex) / 2;
        if (!(c = malloc(n + 1)))
            return NULL;
        for (size_t i = 0; i < n; i++)
            if (sscanf(hex + 2 * i, "%2hhx", (unsigned char *)&c[i]) != 1) {
                free(c);
                return NULL;
            }
        c[n] = '\0';
        *len = n;
        return c;
    }
    if (!(c = strdup(p)))
        return NULL;
    *len = vg_resume_unescape(c, strlen(c));
    return c;
}

/* Does containers[0] of o name the unit u? */
static int member_of(yajl_val o, const stored_unit *u)
{
    yajl_val cs = get(o, "containers");
    char *c;
    size_t n;
    int same;
    if (!u || !YAJL_IS_ARRAY(cs) || !cs->u.array.len || !YAJL_IS_STRING(cs->u.array.values[0]))
        return 0;
    if (!(c = strdup(cs->u.array.values[0]->u.string)))
        return 0;
    n = vg_resume_unescape(c, strlen(c));
    same = n == u->path_len && !memcmp(c, u->path, n);
    free(c);
    return same;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Add the item line o (line number ln) to the units; -1 when out of memory. */
static int add_item(vigil_resume *r, yajl_val o, size_t line_index, stored_unit **cur)
{
    stored_unit *u;
    yajl_val size = get(o, "size");
    int on_disk = YAJL_IS_NULL(get(o, "container")) && !get(o, "allocated");
    if (!on_disk) {
        if (member_of(o, *cur)) {
            (*cur)->nlines++;
        } else { /* a disk image's items: read again, never matched */
            *cur = NULL;
        }
        return 0;
    }
    u = &r->units[r->nunits];
    memset(u, 0, sizeof *u);
    if (!(u->path = item_path(o, &u->path_len)))
        return -1;
    if (*cur && (*cur)->path_len == u->path_len && !memcmp((*cur)->path, u->path, u->path_len)) {
        /* an error item in place of a member that could not be recorded: read it again */
        free(u->path);
        (*cur)->usable = 0;
        (*cur)->nlines++;
        return 0;
    }
    u->size = YAJL_IS_INTEGER(size) ? (uint64_t)YAJL_GET_INTEGER(size) : 0;
    u->mtime = dup_or_null(str(o, "modified"));
    u->ctime = dup_or_null(str(o, "changed"));
    u->first = line_index;
    u->nlines = 1;
    u->usable = u->mtime && u->ctime && YAJL_IS_INTEGER(size) && str(o, "verdict") &&
                strcmp(str(o, "verdict"), "error") != 0;
    r->nunits++;
    *cur = u;
    return 0;
}

static int build_table(vigil_resume *r)
{
    r->tcap = 16;
    while (r->tcap < r->nunits * 2)
        r->tcap *= 2;
    if (!(r->table = calloc(r->tcap, sizeof *r->table)))
        return -1;
    for (size_t i = 0; i < r->nunits; i++) {
        stored_unit *u = &r->units[i];
        size_t h;
        if (!u->usable)
            continue;
        r->ncomplete++;
        h = hash_key(u->path, u->path_len, u->size) & (r->tcap - 1);
        while (r->table[h])
            h = (h + 1) & (r->tcap - 1);
        r->table[h] = i + 1;
    }
    return 0;
}

static int parse_lines(vigil_resume *r, size_t len, vigil_error *err)
{
    size_t nl = 0, ln = 0;
    stored_unit *cur = NULL;
    char *p = r->buf, *end = r->buf + len;
    for (char *q = p; q < end; q++)
        nl += *q == '\n';
    r->lines = calloc(nl + 1, sizeof *r->lines);
    r->units = calloc(nl + 1, sizeof *r->units);
    if (!r->lines || !r->units)
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", r->file);
    while (p < end) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        yajl_val o;
        if (!eol) /* a torn last line: the write it was part of never finished */
            break;
        *eol = '\0';
        ln++;
        o = yajl_tree_parse(p, NULL, 0);
        if (!YAJL_IS_OBJECT(o)) {
            yajl_tree_free(o);
            if (eol + 1 == end) /* a last line cut short and ended by a later write */
                break;
            return load_failed(err, VIGIL_EINPUT, r->file, ln, "not a JSON object");
        }
        if (r->summary)
            return load_failed(err, VIGIL_EINPUT, r->file, ln, "a line after the summary");
        if (get(o, "summary")) {
            yajl_val s = get(o, "summary");
            if (!YAJL_IS_OBJECT(s)) {
                yajl_tree_free(o);
                return load_failed(err, VIGIL_EINPUT, r->file, ln, "summary is not an object");
            }
            r->summary = o;
        } else {
            if (!str(o, "path")) {
                yajl_tree_free(o);
                return load_failed(err, VIGIL_EINPUT, r->file, ln, "not a scan item (no path)");
            }
            r->lines[r->nlines] = (line_ref){p, (size_t)(eol - p)};
            if (add_item(r, o, r->nlines, &cur) < 0) {
                yajl_tree_free(o);
                return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", r->file);
            }
            r->nlines++;
            yajl_tree_free(o);
        }
        p = eol + 1;
    }
    if (!r->summary)
        return load_failed(err, VIGIL_EINPUT, r->file, 0,
                           "no summary line (the scan was killed outright?): its roots and options cannot be "
                           "checked, so it cannot be resumed");
    yajl_val interrupted = get(get(r->summary, "summary"), "interrupted");
    if (cur && interrupted && interrupted->type != yajl_t_false)
        cur->usable = 0; /* the last unit may have been cut short among its archive members */
    return build_table(r) < 0 ? vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", r->file) : 0;
}

int vigil_resume_load(vigil_resume **out, const char *path, vigil_error *err)
{
    vigil_resume *r = calloc(1, sizeof *r);
    size_t len;
    *out = NULL;
    if (!r || !(r->file = strdup(path))) {
        free(r);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", path);
    }
    if (read_all(r, &len, err) < 0 || parse_lines(r, len, err) < 0) {
        vigil_resume_free(r);
        return err->code;
    }
    *out = r;
    return 0;
}

void vigil_resume_free(vigil_resume *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nunits; i++) {
        free(r->units[i].path);
        free(r->units[i].mtime);
        free(r->units[i].ctime);
    }
    free(r->units);
    free(r->lines);
    free(r->table);
    yajl_tree_free(r->summary);
    free(r->buf);
    free(r->file);
    free(r);
}

size_t vigil_resume_units(const vigil_resume *r)
{
    return r->ncomplete;
}

size_t vigil_resume_items(const vigil_resume *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nunits; i++)
        if (r->units[i].usable)
            n += r->units[i].nlines;
    return n;
}

static int time_text(char *out, size_t cap, const struct timespec *ts)
{
    vigil_fs_time t = {.sec = ts->tv_sec, .nsec = (uint32_t)ts->tv_nsec, .set = 1};
    return vigil_fs_time_iso(out, cap, &t);
}

vg_result *vg_resume_lookup(const vigil_resume *r, const char *path, size_t len, const struct stat *st)
{
    char mtime[48], ctime[48];
    const stored_unit *u = NULL;
    vg_result *head = NULL, *tail = NULL;
    if (!r || !r->ncomplete || time_text(mtime, sizeof mtime, &st->st_mtim) < 0 ||
        time_text(ctime, sizeof ctime, &st->st_ctim) < 0)
        return NULL;
    for (size_t h = hash_key(path, len, (uint64_t)st->st_size) & (r->tcap - 1); r->table[h];
         h = (h + 1) & (r->tcap - 1)) {
        const stored_unit *c = &r->units[r->table[h] - 1];
        if (c->path_len == len && c->size == (uint64_t)st->st_size && !memcmp(c->path, path, len) &&
            !strcmp(c->mtime, mtime) && !strcmp(c->ctime, ctime)) {
            u = c;
            break;
        }
    }
    if (!u)
        return NULL;
    for (size_t i = 0; i < u->nlines; i++) {
        const line_ref *l = &r->lines[u->first + i];
        vg_result *res = vg_resume_result(l->text, l->len);
        if (!res) { /* cannot be rebuilt: read the file again rather than guess */
            while (head) {
                vg_result *next = head->next;
                vg_result_free(head);
                head = next;
            }
            return NULL;
        }
        if (tail)
            tail->next = res;
        else
            head = res;
        tail = res;
    }
    return head;
}

yajl_val vg_resume_summary(const vigil_resume *r)
{
    return get(r->summary, "summary");
}

const char *vg_resume_file(const vigil_resume *r)
{
    return r->file;
}
