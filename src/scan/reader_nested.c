/*
 * Disk images found inside a scanned folder: a file whose content is a raw
 * disk (a partition table, a file-system or encrypted-volume signature) is
 * opened from the descriptor it was read through, by the reader (in a worker:
 * inside the sandbox, which may open nothing by name), and its files are read
 * as those of an image named on the command line, nested under the file: their
 * containers are the file, then the volume. A file with such a signature in
 * which no file system or encrypted volume opens stays a plain file. Container
 * formats (E01, virtual disks) need their other files opened by name: they are
 * an `unsupported` item saying to name them on the command line.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scan/image_job.h"
#include "scan/reader.h"
#include "scan/worker_page.h"
#include "source/image.h"

#define TAIL_MIN ((uint64_t)1 << 20) /* smaller files are no disk image with a footer (a fixed VHD's) */

typedef struct nested {
    vg_reader *r;
    vg_job_emit_fn emit;
    void *ud;
} nested;

static int stopped(const vg_reader *r)
{
    const vigil_scan_opts *o = vg_reader_opts(r);
    return o->stop && __atomic_load_n(o->stop, __ATOMIC_RELAXED);
}

/* Every job is read at once, in walk order, while the file system is walked. */
static int on_job(void *ud, vg_image_job *job, vg_result *ready)
{
    nested *c = ud;
    if (ready) {
        c->emit(c->ud, ready);
    } else {
        const char *chain[2] = {job->image, job->label ? job->label : ""};
        if (job->path)
            vg_worker_note(chain, 2, job->path, 0);
        else
            vg_worker_note(chain, 1, chain[1], 1);
        vg_reader_image(c->r, job, c->emit, c->ud);
        vg_image_job_free(job);
    }
    return stopped(c->r);
}

static void unsupported(const char *path, vg_image_format f, vg_job_emit_fn emit, void *ud)
{
    vg_result *r = vg_result_new(path, strlen(path), NULL, 0);
    char why[300];
    if (r) {
        if (vg_image_format_supported(f, why, sizeof why))
            snprintf(why, sizeof why, "%s disk image inside a folder: its file systems are not read (they are "
                     "when it is named on the command line)", vg_image_format_name(f));
        r->item.type = VIGIL_ITEM_IMAGE;
        r->item.verdict = VIGIL_VERDICT_ERROR;
        r->item.error_kind = VIGIL_ERROR_UNSUPPORTED;
        vg_result_error(r, "%s", why);
    }
    emit(ud, r);
}

/* 1 when a file system or an encrypted volume opened in im: it is a disk. */
static int holds_volumes(const vg_image *im)
{
    for (size_t i = 0; i < vg_image_nregions(im); i++) {
        vg_region_kind k = vg_image_region_at(im, i)->kind;
        if (k == VG_REGION_FS || k == VG_REGION_ENCRYPTED)
            return 1;
    }
    return 0;
}

/* The container format of the file on fd by its head and, when it is large enough, its last bytes. */
static vg_image_format format_of(int fd, uint64_t size, const uint8_t *head, size_t n)
{
    uint8_t tail[512];
    vg_image_head h = {head, n, NULL};
    if (size >= TAIL_MIN && pread(fd, tail, sizeof tail, (off_t)(size - sizeof tail)) == (ssize_t)sizeof tail)
        h.tail = tail;
    return vg_image_format_of(&h);
}

int vg_nested_image_candidate(int fd, uint64_t size, const uint8_t *head, size_t n)
{
    return format_of(fd, size, head, n) != VG_FORMAT_RAW || vg_image_disk_signature(head, n);
}

void vg_reader_nested_image(vg_reader *r, int fd, const char *path, uint64_t size, const uint8_t *head, size_t n,
                            vg_job_emit_fn emit, void *ud)
{
    const vigil_scan_opts *o = vg_reader_opts(r);
    vg_image_format f = format_of(fd, size, head, n);
    vg_image *im = NULL;
    const char *layer;
    char why[320];
    if (f == VG_FORMAT_RAW && !vg_image_disk_signature(head, n))
        return;
    layer = vg_worker_layer("disk image"); /* the file's own item goes out first */
    vg_worker_note(NULL, 0, path, 0);
    if (f != VG_FORMAT_RAW) {
        unsupported(path, f, emit, ud);
    } else if (vg_image_open_fd(&im, fd, path, o->keys, o->nkeys, why, sizeof why) < 0) {
        vg_result *e = vg_result_new(path, strlen(path), NULL, 0);
        if (e) {
            e->item.type = VIGIL_ITEM_IMAGE;
            e->item.verdict = VIGIL_VERDICT_ERROR;
            vg_result_error(e, "%s", why);
        }
        emit(ud, e);
    } else if (!holds_volumes(im)) {
        vg_image_close(im); /* a signature by chance: a plain file */
    } else if (vg_reader_image_lend(r, path, im) < 0) {
        vg_image_close(im);
        emit(ud, NULL);
    } else {
        nested c = {r, emit, ud};
        vg_image_enumerate_opened(im, path, o, on_job, &c);
        vg_reader_image_drop(r, path);
    }
    vg_worker_layer(layer);
}
