/*
 * The line formats as a reader: each line through the line parser, each
 * record to the sink with "line N" as its place.
 *
 * Reading and parsing run in a thread of their own, a block of parsed lines
 * ahead of the sink: an import's sink (sorting, packing entries) costs about as
 * much as the parse, so on two cores the two halves overlap. The sink is still
 * called from the caller's thread only, in line order.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/block_queue.h"
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

/* Fill the fields a line can give; out was cleared once and its other fields stay as cleared
 * (clearing the whole record for each of millions of lines was a twentieth of an import). */
static void from_line_record(vg_hs_record *out, const vg_hash_record *in, uint64_t lineno)
{
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

/* What the parser thread hands over, one per line that is not blank or a comment, each
 * followed by its bytes (the record's name, or the reason). */
enum { ITEM_RECORD, ITEM_REJECT };
typedef struct line_item {
    int kind;
    uint64_t lineno, done;   /* the line, and the bytes read up to its end */
    vg_hash_record rec;      /* ITEM_RECORD; name points at the bytes that follow */
    size_t nbytes;
} line_item;

enum { BLOCKS = 4, BLOCK_BYTES = 256 << 10 };

typedef struct ahead {
    vg_bq *q;
    vg_linereader lr;
    vg_lines p;
    const char *label;
    vg_bq_block *b;          /* the block being filled */
    /* the parser's ending, read by the caller once the queue is closed */
    int rc;                  /* 0, or why the parser stopped early (err) */
    vigil_error err;
    uint64_t done;           /* bytes read */
} ahead;

static size_t padded(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Append one item to the block being filled, handing full blocks over; -1 once the consumer
 * stopped or, with a->rc set, out of memory. */
static int put_item(ahead *a, const line_item *it, const void *bytes)
{
    size_t need = sizeof *it + padded(it->nbytes);
    line_item *copy;
    if (a->b && a->b->len + need > a->b->cap && a->b->len) {
        vg_bq_put(a->q, a->b);
        a->b = NULL;
    }
    if (!a->b && !(a->b = vg_bq_get(a->q)))
        return -1;
    if (vg_bq_reserve(a->b, need) < 0) {
        a->rc = vigil_error_set(&a->err, VIGIL_ENOMEM, "%s: out of memory", a->label);
        return -1;
    }
    copy = (line_item *)(void *)(a->b->p + a->b->len);
    *copy = *it;
    if (it->nbytes)
        memcpy(copy + 1, bytes, it->nbytes);
    if (it->kind == ITEM_RECORD)
        copy->rec.name = it->rec.name ? (const char *)(copy + 1) : NULL;
    a->b->len += need;
    return 0;
}

static void *parse_main(void *arg)
{
    ahead *a = arg;
    char *line, why[256];
    ssize_t n;
    uint64_t done = 0;
    /* a line over the bound or with a NUL byte fails the file: no list holds one, and going
     * on would read a device such as /dev/zero for ever */
    while ((n = vg_linereader_next(&a->lr, &line, &a->err)) > 0) {
        line_item it = {.kind = ITEM_RECORD};
        int r;
        done += (uint64_t)n;
        if ((r = vg_lines_parse(&a->p, line, (size_t)n, &it.rec, why, sizeof why)) == 0)
            continue;
        it.lineno = a->p.lineno;
        it.done = done;
        if (r < 0 && a->p.format == VIGIL_FORMAT_AUTO) {
            a->rc = vigil_error_set(&a->err, VIGIL_EINPUT,
                            "%s:%llu: unknown hash-set format (tried hashdeep, md5sum, sha1sum, "
                                    "sha256sum and bare lists): %s", a->label, (unsigned long long)a->p.lineno, why);
            break;
        }
        if (r < 0) {
            it.kind = ITEM_REJECT;
            it.nbytes = strlen(why) + 1;
            if (put_item(a, &it, why) < 0)
                break;
            continue;
        }
        it.nbytes = it.rec.name ? it.rec.name_len : 0;
        if (put_item(a, &it, it.rec.name) < 0)
            break;
    }
    if (n < 0 && !a->rc)
        a->rc = a->err.code ? (int)n : vigil_error_set(&a->err, VIGIL_EINPUT, "%s: read error", a->label);
    a->done = done;
    if (a->b)
        vg_bq_put(a->q, a->b);
    vg_bq_close(a->q);
    return NULL;
}

/* The caller's side: every item to the sink, in order; 0, or the first error. */
static int feed_sink(ahead *a, const vg_hs_sink *sink, uint64_t total, vigil_error *err)
{
    vg_bq_block *b;
    vg_hs_record out;
    uint64_t records = 0;
    int rc = 0;
    vg_hs_record_clear(&out);
    while (rc == 0 && (b = vg_bq_take(a->q))) {
        for (size_t off = 0; rc == 0 && off < b->len;) {
            const line_item *it = (const line_item *)(const void *)(b->p + off);
            const char *bytes = (const char *)(it + 1);
            off += sizeof *it + padded(it->nbytes);
            if (it->kind == ITEM_REJECT) {
                char where[32];
                line_place(where, it->lineno);
                rc = sink->reject(sink->ud, where, bytes, err);
            } else {
                records++;
                from_line_record(&out, &it->rec, it->lineno);
                rc = sink->record(sink->ud, &out, err);
                if (rc == 0 && sink->progress && (records & 0xffff) == 0)
                    sink->progress(sink->ud, it->done, total);
            }
        }
        vg_bq_release(a->q, b);
    }
    if (rc == 0 && a->rc) { /* the queue is closed: the parser has ended and its fields are set */
        *err = a->err;
        rc = a->rc;
    }
    if (rc == 0 && sink->progress)
        sink->progress(sink->ud, a->done, total);
    return rc;
}

int vg_hs_read_lines(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                     vigil_error *err)
{
    ahead a = {0};
    pthread_t thread;
    uint64_t total = 0;
    struct stat sb;
    int rc;
    FILE *f;
    a.label = o && o->label ? o->label : path;
    if (!(f = vg_hs_fdopen(fd, a.label, err)))
        return VIGIL_EINPUT;
    if ((rc = vg_linereader_init(&a.lr, f, a.label, "", VG_LINE_MAX, err)) < 0) {
        fclose(f);
        return rc;
    }
    if (fstat(fd, &sb) == 0)
        total = (uint64_t)sb.st_size;
    vg_lines_init(&a.p, o ? o->format : VIGIL_FORMAT_AUTO);
    if (vg_bq_new(&a.q, BLOCKS, BLOCK_BYTES) < 0) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", a.label);
    } else if (pthread_create(&thread, NULL, parse_main, &a) != 0) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: cannot start the list parser thread", a.label);
    } else {
        rc = feed_sink(&a, sink, total, err);
        vg_bq_stop(a.q); /* a sink that failed wants no more; the parser ends at its next block */
        pthread_join(thread, NULL);
    }
    vg_bq_free(a.q);
    vg_linereader_dispose(&a.lr);
    fclose(f);
    return rc;
}
