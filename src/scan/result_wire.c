/*
 * Serialising results between a worker and its proxy (result_wire.h). Layout:
 * a kind byte (item or record), then for an item the vigil_item struct as it
 * is, followed by each pointed-to value in a fixed order, each string as a
 * length (UINT64_MAX for NULL) and its bytes. The reader trusts no pointer in
 * the copied struct: every one is replaced by what follows it.
 */
#include <stdlib.h>
#include <string.h>

#include "scan/result_wire.h"

enum { WIRE_ITEM = 1, WIRE_RECORD = 2 };
#define WIRE_NULL UINT64_MAX

/* ---- writing ---- */

static void put_u64(vg_buf *b, uint64_t v)
{
    vg_buf_add(b, &v, sizeof v);
}

static void put_bytes(vg_buf *b, const void *p, size_t n)
{
    if (!p) {
        put_u64(b, WIRE_NULL);
        return;
    }
    put_u64(b, n);
    vg_buf_add(b, p, n);
}

static void put_str(vg_buf *b, const char *s)
{
    put_bytes(b, s, s ? strlen(s) : 0);
}

static void put_match(vg_buf *b, const vigil_match *m)
{
    vg_buf_add(b, m, sizeof *m);
    put_str(b, m->set);
    put_str(b, m->category);
    put_str(b, m->series);
    put_str(b, m->record_name);
    put_str(b, m->record_source);
}

static void put_dispute(vg_buf *b, const vigil_dispute_applied *d)
{
    put_str(b, d->digest);
    put_str(b, d->set);
    put_str(b, d->record_set);
    put_str(b, d->reason);
    put_str(b, d->by);
    put_str(b, d->at);
}

static void put_record(vg_buf *b, const vg_result_record *rec)
{
    const vigil_image_verification *v = rec->verification;
    vg_buf_add(b, rec, sizeof *rec);
    put_u64(b, v != NULL);
    if (v) {
        vg_buf_add(b, v, sizeof *v);
        put_str(b, v->image);
        put_str(b, v->error);
    }
}

void vg_result_wire_put(vg_buf *b, const vg_result *r)
{
    const vigil_item *it = &r->item;
    vg_buf_addc(b, r->record ? WIRE_RECORD : WIRE_ITEM);
    if (r->record) {
        put_record(b, r->record);
        return;
    }
    vg_buf_add(b, it, sizeof *it);
    put_bytes(b, it->path, it->path_len);
    for (size_t i = 0; i < it->ncontainers; i++)
        put_str(b, it->containers[i]);
    put_str(b, it->link_target);
    put_str(b, it->mime);
    put_str(b, it->error);
    put_bytes(b, it->thumb, it->thumb_len);
    put_bytes(b, it->resumed_line, it->resumed_len);
    put_match(b, &it->match);
    for (size_t i = 0; i < it->nmatches; i++)
        put_match(b, &it->matches[i]);
    for (size_t i = 0; i < it->ndisputes; i++)
        put_dispute(b, &it->disputes[i]);
    put_str(b, it->video_known);
    put_str(b, it->video_query_ranges);
    put_str(b, it->video_known_ranges);
}

/* ---- reading ---- */

typedef struct rd {
    const unsigned char *p, *end;
    const char *why;
} rd;

static int take(rd *d, void *out, size_t n)
{
    if ((size_t)(d->end - d->p) < n) {
        d->why = "result cut short";
        return -1;
    }
    memcpy(out, d->p, n);
    d->p += n;
    return 0;
}

/* A value's bytes in place: *out points into the message (NULL for a NULL value). */
static int take_ref(rd *d, const unsigned char **out, uint64_t *len)
{
    if (take(d, len, sizeof *len) < 0)
        return -1;
    if (*len == WIRE_NULL) {
        *out = NULL;
        *len = 0;
        return 0;
    }
    if ((uint64_t)(d->end - d->p) < *len) {
        d->why = "result cut short";
        return -1;
    }
    *out = d->p;
    d->p += *len;
    return 0;
}

/* A copy of the next string, NUL-terminated (NULL for NULL), kept in r->strings; -1 on failure. */
static int take_str(rd *d, vg_result *r, const char **out)
{
    const unsigned char *s;
    uint64_t len;
    char *c, **grown;
    if (take_ref(d, &s, &len) < 0)
        return -1;
    if (!s) {
        *out = NULL;
        return 0;
    }
    if (!(c = malloc(len + 1)) || !(grown = realloc(r->strings, (r->nstrings + 1) * sizeof *grown))) {
        free(c);
        d->why = "out of memory";
        return -1;
    }
    memcpy(c, s, len);
    c[len] = '\0';
    r->strings = grown;
    r->strings[r->nstrings++] = c;
    *out = c;
    return 0;
}

static int take_match(rd *d, vg_result *r, vigil_match *m)
{
    if (take(d, m, sizeof *m) < 0)
        return -1;
    m->set = m->category = m->series = m->record_name = m->record_source = NULL;
    return take_str(d, r, &m->set) || take_str(d, r, &m->category) || take_str(d, r, &m->series) ||
                   take_str(d, r, &m->record_name) || take_str(d, r, &m->record_source)
               ? -1
               : 0;
}

static int take_dispute(rd *d, vg_result *r, vigil_dispute_applied *x)
{
    memset(x, 0, sizeof *x);
    return take_str(d, r, &x->digest) || take_str(d, r, &x->set) || take_str(d, r, &x->record_set) ||
                   take_str(d, r, &x->reason) || take_str(d, r, &x->by) || take_str(d, r, &x->at)
               ? -1
               : 0;
}

static char *dup_ref(rd *d, int *failed)
{
    const unsigned char *s;
    uint64_t len;
    char *c;
    if (take_ref(d, &s, &len) < 0) {
        *failed = 1;
        return NULL;
    }
    if (!s)
        return NULL;
    if (!(c = malloc(len + 1))) {
        d->why = "out of memory";
        *failed = 1;
        return NULL;
    }
    memcpy(c, s, len);
    c[len] = '\0';
    return c;
}

static vg_result *get_record(rd *d)
{
    vg_result *r = vg_result_new_record();
    uint64_t has_v = 0;
    int failed = 0;
    if (!r) {
        d->why = "out of memory";
        return NULL;
    }
    if (take(d, r->record, sizeof *r->record) < 0 || take(d, &has_v, sizeof has_v) < 0)
        goto fail;
    r->record->verification = NULL;
    if (has_v) {
        vigil_image_verification *v = calloc(1, sizeof *v);
        if (!v) {
            d->why = "out of memory";
            goto fail;
        }
        r->record->verification = v;
        if (take(d, v, sizeof *v) < 0) {
            v->image = v->error = NULL;
            goto fail;
        }
        v->image = NULL;
        v->error = NULL;
        v->image = dup_ref(d, &failed);
        if (!failed)
            v->error = dup_ref(d, &failed);
        if (failed)
            goto fail;
    }
    return r;
fail:
    vg_result_free(r);
    return NULL;
}

static vg_result *get_item(rd *d)
{
    vigil_item it;
    const unsigned char *path, *ref;
    uint64_t path_len, len;
    const char **chain = NULL;
    vg_result *r = NULL;
    const char *s;
    if (take(d, &it, sizeof it) < 0 || take_ref(d, &path, &path_len) < 0)
        return NULL;
    if (it.ncontainers > 4096 || it.nmatches > VIGIL_MATCHES_MAX || it.ndisputes > 4096) {
        d->why = "result with impossible counts";
        return NULL;
    }
    if (it.ncontainers && !(chain = calloc(it.ncontainers, sizeof *chain))) {
        d->why = "out of memory";
        return NULL;
    }
    /* containers are read as plain strings first, then copied by vg_result_new */
    for (size_t i = 0; i < it.ncontainers; i++) {
        if (take_ref(d, &ref, &len) < 0)
            goto out;
        if (!ref || memchr(ref, '\0', len)) {
            d->why = "result with a bad container name";
            goto out;
        }
        if (!(chain[i] = strndup((const char *)ref, len))) {
            d->why = "out of memory";
            goto out;
        }
    }
    if (!(r = vg_result_new(path ? (const char *)path : "", path_len, chain, it.ncontainers))) {
        d->why = "out of memory";
        goto out;
    }
    {
        /* the plain fields as sent, the pointers as vg_result_new made them */
        vigil_item fresh = r->item;
        r->item = it;
        r->item.path = fresh.path;
        r->item.containers = fresh.containers;
        r->item.link_target = r->item.mime = r->item.error = NULL;
        r->item.thumb = NULL;
        r->item.resumed_line = NULL;
        r->item.matches = NULL;
        r->item.disputes = NULL;
        r->item.match.set = r->item.match.category = r->item.match.series = NULL;
        r->item.match.record_name = r->item.match.record_source = NULL;
        r->item.vpdq_limit[sizeof r->item.vpdq_limit - 1] = '\0'; /* a text in the struct: ended here */
        r->item.video_known = r->item.video_query_ranges = r->item.video_known_ranges = NULL;
    }
    {
        int failed = 0;
        r->link_target = dup_ref(d, &failed);
        r->item.link_target = r->link_target;
        if (failed || take_str(d, r, &s) < 0)
            goto fail;
        if (s) {
            strncpy(r->mime, s, sizeof r->mime - 1);
            r->item.mime = r->mime;
        }
        r->error = dup_ref(d, &failed);
        r->item.error = r->error;
        if (failed || take_ref(d, &ref, &len) < 0)
            goto fail;
        if (ref && len) {
            if (!(r->thumb = malloc(len))) {
                d->why = "out of memory";
                goto fail;
            }
            memcpy(r->thumb, ref, len);
        }
        r->item.thumb = r->thumb;
        r->item.thumb_len = r->thumb ? len : 0;
        if (take_str(d, r, &r->item.resumed_line) < 0)
            goto fail;
        r->item.resumed_len = r->item.resumed_line ? strlen(r->item.resumed_line) : 0;
    }
    if (take_match(d, r, &r->item.match) < 0)
        goto fail;
    if (it.nmatches && !(r->matches = calloc(it.nmatches, sizeof *r->matches)))
        goto oom;
    if (it.ndisputes && !(r->disputes = calloc(it.ndisputes, sizeof *r->disputes)))
        goto oom;
    r->item.matches = r->matches;
    r->item.disputes = r->disputes;
    for (size_t i = 0; i < it.nmatches; i++)
        if (take_match(d, r, &r->matches[i]) < 0)
            goto fail;
    for (size_t i = 0; i < it.ndisputes; i++)
        if (take_dispute(d, r, &r->disputes[i]) < 0)
            goto fail;
    if (take_str(d, r, &r->item.video_known) < 0 || take_str(d, r, &r->item.video_query_ranges) < 0 ||
        take_str(d, r, &r->item.video_known_ranges) < 0)
        goto fail;
    goto out;
oom:
    d->why = "out of memory";
fail:
    vg_result_free(r);
    r = NULL;
out:
    for (size_t i = 0; chain && i < it.ncontainers; i++)
        free((char *)chain[i]);
    free(chain);
    return r;
}

vg_result *vg_result_wire_get(const void *p, size_t n, const char **why)
{
    rd d = {p, (const unsigned char *)p + n, NULL};
    unsigned char kind = 0;
    vg_result *r = NULL;
    if (take(&d, &kind, 1) == 0) {
        if (kind == WIRE_ITEM)
            r = get_item(&d);
        else if (kind == WIRE_RECORD)
            r = get_record(&d);
        else
            d.why = "unknown result kind";
    }
    if (r && d.p != d.end) {
        vg_result_free(r);
        r = NULL;
        d.why = "result longer than its fields";
    }
    if (!r && why)
        *why = d.why ? d.why : "bad result";
    return r;
}
