/*
 * The walker's side of a disk image: open it once, turn every file of every
 * file system into a job, every region that cannot be read into an error
 * item, and add the carving and self-check jobs when they were asked for.
 * The EWF self-check runs on a thread of its own from the start, so it
 * overlaps the reading of the files; the last job of the image waits for it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scan/image_job.h"
#include "source/image_verify.h"

struct vg_verify_task {
    pthread_t tid;
    char *path;
    volatile sig_atomic_t *stop;
    vg_image_check check;
    int rc;
};

static void *verify_main(void *arg)
{
    vg_verify_task *t = arg;
    t->rc = vg_image_verify(&t->check, t->path, t->stop);
    return NULL;
}

static vg_verify_task *verify_start(const char *path, volatile sig_atomic_t *stop)
{
    vg_verify_task *t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path))) {
        free(t);
        return NULL;
    }
    t->stop = stop;
    if (pthread_create(&t->tid, NULL, verify_main, t) != 0) {
        free(t->path);
        free(t);
        return NULL;
    }
    return t;
}

vg_image_check *vg_verify_finish(vg_verify_task *t, int *rc)
{
    vg_image_check *c = malloc(sizeof *c);
    pthread_join(t->tid, NULL);
    if (c)
        *c = t->check;
    *rc = t->rc;
    free(t->path);
    free(t);
    return c;
}

void vg_image_job_free(vg_image_job *j)
{
    if (!j)
        return;
    if (j->verify) {
        int rc;
        free(vg_verify_finish(j->verify, &rc));
    }
    free(j->image);
    free(j->label);
    free(j->path);
    free(j);
}

static vg_image_job *job_new(vg_job_kind kind, const char *image, const char *label)
{
    vg_image_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->kind = kind;
    j->image = strdup(image);
    j->label = strdup(label ? label : "");
    if (!j->image || !j->label) {
        vg_image_job_free(j);
        return NULL;
    }
    return j;
}

/* An error item of the given kind for a region (or the image itself when label is NULL). */
static int kind_item(vg_job_sink sink, void *ud, const char *image, const char *label, vigil_error_kind kind,
                     const char *why)
{
    const char *chain[1] = {image};
    vg_result *r = label ? vg_result_new(label, strlen(label), chain, 1) : vg_result_new(image, strlen(image), NULL, 0);
    if (!r)
        return 1;
    r->item.type = label ? VIGIL_ITEM_FILESYSTEM : VIGIL_ITEM_IMAGE;
    r->item.verdict = VIGIL_VERDICT_ERROR;
    r->item.in_image = 1;
    r->item.error_kind = kind;
    vg_result_error(r, "%s", why);
    return sink(ud, NULL, r);
}

static int error_item(vg_job_sink sink, void *ud, const char *image, const char *label, const char *why)
{
    return kind_item(sink, ud, image, label, VIGIL_ERROR_OTHER, why);
}

/* A walk that failed part way: the file system is damaged (or the media under it), unless memory ran out. */
static vigil_error_kind walk_error_kind(const char *why)
{
    return strstr(why, "out of memory") ? VIGIL_ERROR_OTHER : VIGIL_ERROR_CORRUPT;
}

typedef struct enum_ctx {
    const char *image;
    const vg_image_region *region;
    vg_job_sink sink;
    void *ud;
} enum_ctx;

static int on_file(void *ud, const vg_image_file *f)
{
    enum_ctx *c = ud;
    vg_image_job *j = job_new(VG_JOB_FILE, c->image, c->region->label);
    if (!j || !(j->path = malloc(f->path_len + 1))) {
        vg_image_job_free(j);
        return 1;
    }
    memcpy(j->path, f->path, f->path_len);
    j->path[f->path_len] = '\0';
    j->path_len = f->path_len;
    j->ref = f->ref;
    j->type = f->type;
    j->size = f->size;
    j->allocated = f->allocated;
    j->reallocated = f->reallocated;
    memcpy(j->times, f->times, sizeof j->times);
    return c->sink(c->ud, j, NULL);
}

static int enumerate_region(vg_image *im, size_t i, const char *path, const vigil_scan_opts *o, vg_job_sink sink,
                            void *ud)
{
    const vg_image_region *reg = vg_image_region_at(im, i);
    char why[256];
    int rc = 0;
    if (reg->kind == VG_REGION_BAD_FS) {
        rc = kind_item(sink, ud, path, reg->label, reg->error_kind, reg->why);
    } else if (reg->kind == VG_REGION_ENCRYPTED) {
        return kind_item(sink, ud, path, reg->label, reg->error_kind ? reg->error_kind : VIGIL_ERROR_ENCRYPTED,
                         reg->why); /* nothing to carve */
    } else if (reg->kind == VG_REGION_FS) {
        enum_ctx c = {path, reg, sink, ud};
        rc = vg_image_walk(im, i, on_file, &c, o->stop, why, sizeof why);
        if (rc < 0) /* damage part way: what was listed stays, the rest is named */
            rc = kind_item(sink, ud, path, reg->label, walk_error_kind(why), why);
    }
    if (rc == 0 && o->carve && reg->length > 0 && !reg->decrypted) {
        vg_image_job *j = job_new(VG_JOB_CARVE, path, reg->label);
        if (!j)
            return 1;
        j->ref.region = i;
        rc = sink(ud, j, NULL);
    }
    return rc;
}

/* Records and error items of the image as a whole, then every region's files and carving. */
int vg_image_enumerate_opened(vg_image *im, const char *path, const vigil_scan_opts *o, vg_job_sink sink, void *ud)
{
    vg_result *rec;
    int rc = 0;
    if ((rec = vg_result_new_record()) != NULL) {
        rec->record->images = 1;
        rc = sink(ud, NULL, rec);
    }
    if (rc == 0 && vg_image_damage(im)) /* said once; what can be read is still scanned */
        rc = kind_item(sink, ud, path, NULL, VIGIL_ERROR_CORRUPT, vg_image_damage(im));
    for (size_t i = 0; i < vg_image_nregions(im) && rc == 0; i++)
        rc = enumerate_region(im, i, path, o, sink, ud);
    return rc;
}

int vg_image_enumerate(const char *path, const vigil_scan_opts *o, vg_job_sink sink, void *ud)
{
    vg_image *im = NULL;
    vg_image_job *verify = NULL;
    char why[320], damage[320];
    int rc = 0, damaged = vg_image_is_ewf_file(path) && vg_ewf_damaged(path, damage, sizeof damage);
    if (damaged && !strncmp(damage, "not the first", 13))
        return error_item(sink, ud, path, NULL, damage);
    if ((rc = vg_image_open_keys(&im, path, o->keys, o->nkeys, why, sizeof why)) < 0)
        return kind_item(sink, ud, path, NULL, rc == VG_IMAGE_UNSUPPORTED ? VIGIL_ERROR_UNSUPPORTED
                                              : rc == VG_IMAGE_ENCRYPTED  ? VIGIL_ERROR_ENCRYPTED
                                                                          : vg_image_error_kind(why), why);
    if (damaged) /* said once; what the segments hold is still read, reads past them fail */
        rc = kind_item(sink, ud, path, NULL, VIGIL_ERROR_CORRUPT, damage);
    if (o->verify_image) {
        verify = job_new(VG_JOB_VERIFY, path, NULL);
        if (verify && vg_image_is_ewf(im))
            verify->verify = verify_start(path, o->stop);
    }
    if (rc == 0)
        rc = vg_image_enumerate_opened(im, path, o, sink, ud);
    vg_image_close(im);
    if (verify) {
        if (rc == 0)
            rc = sink(ud, verify, NULL);
        else
            vg_image_job_free(verify);
    }
    return rc;
}
