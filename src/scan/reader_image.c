/*
 * The reader's side of a disk image: each reader thread keeps its own handle
 * on the image it is reading (opened on first use, reopened when the scan
 * moves to another image), reads a file by its metadata address and hands the
 * bytes to the same path as a file on disk: digests, type, picture, verdict,
 * archives inside. Carved pictures take that path from memory.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/image_job.h"
#include "scan/reader.h"
#include "source/image_carve.h"

/* A list: images opened ahead (pinned, a worker's: it may open nothing later), then at most
   one opened on demand, replaced when the scan moves to another image. */
struct vg_image_cache {
    char *path;
    vg_image *im;
    char why[256];     /* why path did not open (im == NULL) */
    int pinned;
    struct vg_image_cache *next;
};

void vg_image_cache_free(vg_image_cache *c)
{
    while (c) {
        vg_image_cache *next = c->next;
        vg_image_close(c->im);
        free(c->path);
        free(c);
        c = next;
    }
}

static void cache_open(vg_reader *r, vg_image_cache *c)
{
    if (vg_image_open_keys(&c->im, c->path, vg_reader_opts(r)->keys, vg_reader_opts(r)->nkeys, c->why,
                           sizeof c->why) < 0)
        c->im = NULL;
}

int vg_reader_image_preopen(vg_reader *r, const char *path)
{
    vg_image_cache **cp = vg_reader_images(r), *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        return -1;
    }
    c->pinned = 1;
    cache_open(r, c);
    c->next = *cp;
    *cp = c;
    return 0;
}

int vg_reader_image_lend(vg_reader *r, const char *path, vg_image *im)
{
    vg_image_cache **cp = vg_reader_images(r), *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        return -1;
    }
    c->pinned = 1;
    c->im = im;
    c->next = *cp;
    *cp = c;
    return 0;
}

void vg_reader_image_drop(vg_reader *r, const char *path)
{
    vg_image_cache **cp = vg_reader_images(r);
    for (; *cp; cp = &(*cp)->next)
        if ((*cp)->pinned && strcmp((*cp)->path, path) == 0) {
            vg_image_cache *c = *cp;
            *cp = c->next;
            c->next = NULL;
            vg_image_cache_free(c);
            return;
        }
}

/* This thread's handle on the image at path; NULL with why when it does not open. */
static vg_image *image_for(vg_reader *r, const char *path, char *why, size_t cap)
{
    vg_image_cache **cp = vg_reader_images(r), *c;
    for (c = *cp; c && strcmp(c->path, path) != 0; c = c->next)
        ;
    if (!c && vg_reader_no_open(r))
        return snprintf(why, cap, "not opened before the parser sandbox closed"), NULL;
    if (!c) {
        c = *cp;
        if (!c || c->pinned) {
            if (!(c = calloc(1, sizeof *c)))
                return snprintf(why, cap, "out of memory"), NULL;
            c->next = *cp;
            *cp = c;
        }
        vg_image_close(c->im);
        c->im = NULL;
        free(c->path);
        if (!(c->path = strdup(path))) {
            *cp = c->next;
            free(c);
            return snprintf(why, cap, "out of memory"), NULL;
        }
        cache_open(r, c);
    }
    if (!c->im)
        snprintf(why, cap, "%s", c->why);
    return c->im;
}

static vg_result *job_result(const vg_image_job *j, const char *path, size_t len)
{
    const char *chain[2] = {j->image, j->label};
    vg_result *res = vg_result_new(path, len, chain, 2);
    if (!res)
        return NULL;
    res->item.in_image = 1;
    res->item.type = VIGIL_ITEM_FILE;
    return res;
}

static ssize_t pull_stream(void *ctx, void *buf, size_t n, char *why, size_t cap)
{
    return vg_image_stream_read(ctx, buf, n, why, cap);
}

static void read_file_job(vg_reader *r, const vg_image_job *j, vg_job_emit_fn emit, void *ud)
{
    vg_result *res = job_result(j, j->path, j->path_len);
    vg_image_stream *s = NULL;
    vg_image *im;
    char why[256];
    uint64_t size;
    if (!res) {
        emit(ud, NULL);
        return;
    }
    res->item.type = j->type;
    res->item.allocated = j->allocated;
    res->item.has_inode = 1;
    res->item.inode = j->ref.inum;
    res->item.size = j->size;
    memcpy(res->item.times, j->times, sizeof res->item.times);
    if (j->type != VIGIL_ITEM_FILE) { /* recorded, not opened, as on disk */
        emit(ud, res);
        return;
    }
    if (j->reallocated) {
        res->item.verdict = VIGIL_VERDICT_ERROR;
        vg_result_error(res, "deleted name whose metadata entry is gone, unused or reused: its content cannot "
                             "be read through this name");
        emit(ud, res);
        return;
    }
    if (!(im = image_for(r, j->image, why, sizeof why)) ||
        vg_image_stream_open(&s, im, &j->ref, &size, why, sizeof why) < 0) {
        res->item.verdict = VIGIL_VERDICT_ERROR;
        vg_result_error(res, "%s", why);
        emit(ud, res);
        return;
    }
    vg_reader_stream(r, res, pull_stream, s, emit, ud);
    vg_image_stream_close(s);
}

/* ---- carving ---- */

typedef struct mem_src {
    const uint8_t *p;
    uint64_t n, pos;
} mem_src;

static ssize_t pull_mem(void *ctx, void *buf, size_t n, char *why, size_t cap)
{
    mem_src *m = ctx;
    (void)why, (void)cap;
    if (n > m->n - m->pos)
        n = (size_t)(m->n - m->pos);
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

typedef struct carve_ctx {
    vg_reader *r;
    const vg_image_job *j;
    vg_job_emit_fn emit;
    void *ud;
} carve_ctx;

static int on_carved(void *ud, const vg_carved *hit)
{
    carve_ctx *c = ud;
    char name[96];
    int len = snprintf(name, sizeof name, "carved@%" PRIu64 ".%s", hit->offset, hit->type ? hit->type : "bin");
    vg_result *res = job_result(c->j, name, (size_t)len);
    mem_src m = {hit->data, hit->length, 0};
    if (!res) { /* said in its place; carving goes on */
        c->emit(c->ud, NULL);
        return 0;
    }
    res->item.carved = 1;
    res->item.carved_offset = hit->offset;
    vg_reader_stream(c->r, res, pull_mem, &m, c->emit, c->ud);
    return 0;
}

static void carve_job(vg_reader *r, const vg_image_job *j, vg_job_emit_fn emit, void *ud)
{
    const vigil_scan_opts *o = vg_reader_opts(r);
    vg_image_extent *ext = NULL;
    vg_carve_counts counts = {0};
    carve_ctx c = {r, j, emit, ud};
    vg_result *rec;
    vg_image *im;
    char why[256];
    size_t n = 0;
    int rc = -1;
    if ((im = image_for(r, j->image, why, sizeof why)) &&
        vg_image_unallocated(&ext, &n, im, j->ref.region, why, sizeof why) == 0)
        rc = vg_image_carve(im, ext, n, o->carve_max_size, o->stop, on_carved, &c, &counts, why, sizeof why);
    free(ext);
    if (rc < 0 && !(o->stop && *o->stop)) {
        const char *chain[1] = {j->image};
        vg_result *e = vg_result_new(j->label, strlen(j->label), chain, 1);
        if (e) {
            e->item.type = VIGIL_ITEM_FILESYSTEM;
            e->item.in_image = 1;
            e->item.verdict = VIGIL_VERDICT_ERROR;
            vg_result_error(e, "unallocated space not carved: %s", why);
        }
        emit(ud, e);
    }
    if ((rec = vg_result_new_record()) != NULL) {
        rec->record->unallocated_bytes = counts.bytes_scanned;
        rec->record->carve_candidates = counts.candidates;
        rec->record->carve_rejected = counts.rejected;
        emit(ud, rec);
    }
}

/* ---- the image's self-check ---- */

static void verify_job(vg_image_job *j, vg_job_emit_fn emit, void *ud)
{
    vigil_image_verification *v = calloc(1, sizeof *v);
    vg_image_check *chk = NULL;
    vg_result *rec;
    char msg[300] = "";
    int rc = -1;
    if (!v || !(v->image = strdup(j->image))) {
        free(v);
        return;
    }
    if (!j->verify) {
        v->result = VIGIL_IMAGE_NO_HASH;
        snprintf(msg, sizeof msg, "raw image: no stored hash to verify against");
    } else {
        chk = vg_verify_finish(j->verify, &rc);
        j->verify = NULL;
    }
    if (chk) {
        v->has_md5 = chk->has_md5;
        v->has_sha1 = chk->has_sha1;
        memcpy(v->md5_stored, chk->md5_stored, 16);
        memcpy(v->md5_computed, chk->md5_computed, 16);
        memcpy(v->sha1_stored, chk->sha1_stored, 20);
        memcpy(v->sha1_computed, chk->sha1_computed, 20);
        v->media_size = chk->media_size;
        v->bytes_read = chk->bytes_read;
        v->checksum_errors = chk->checksum_errors;
        if (rc < 0 || chk->read_failed) {
            v->result = VIGIL_IMAGE_UNREADABLE;
            snprintf(msg, sizeof msg, "%s", chk->why);
        } else if (!chk->has_md5 && !chk->has_sha1) {
            v->result = VIGIL_IMAGE_NO_HASH;
            snprintf(msg, sizeof msg, "the image stores no MD5 or SHA-1");
        } else {
            int md5_bad = chk->has_md5 && memcmp(chk->md5_stored, chk->md5_computed, 16);
            int sha1_bad = chk->has_sha1 && memcmp(chk->sha1_stored, chk->sha1_computed, 20);
            v->result = md5_bad || sha1_bad || chk->checksum_errors ? VIGIL_IMAGE_MISMATCH : VIGIL_IMAGE_VERIFIED;
            if (v->result == VIGIL_IMAGE_MISMATCH) {
                int k = snprintf(msg, sizeof msg, "%s%s", md5_bad ? "stored MD5 differs from the media's; " : "",
                                 sha1_bad ? "stored SHA-1 differs from the media's; " : "");
                if (chk->checksum_errors && k >= 0 && (size_t)k < sizeof msg)
                    snprintf(msg + k, sizeof msg - (size_t)k, "%u chunk(s) failed their checksum; ",
                             chk->checksum_errors);
                msg[strlen(msg) - 2] = '\0'; /* the last "; " */
            }
        }
        free(chk);
    } else if (j->verify == NULL && rc < 0 && !msg[0]) {
        v->result = VIGIL_IMAGE_UNREADABLE;
        snprintf(msg, sizeof msg, "out of memory");
    }
    if (msg[0])
        v->error = strdup(msg);
    if (!(rec = vg_result_new_record())) {
        vg_image_verification_free(v);
        return;
    }
    rec->record->verification = v;
    emit(ud, rec);
}

void vg_reader_image(vg_reader *r, vg_image_job *j, vg_job_emit_fn emit, void *ud)
{
    switch (j->kind) {
    case VG_JOB_FILE: read_file_job(r, j, emit, ud); break;
    case VG_JOB_CARVE: carve_job(r, j, emit, ud); break;
    case VG_JOB_VERIFY: verify_job(j, emit, ud); break;
    }
}
