/*
 * VHD and VHDX images through libvhdi. A differencing image reads through to
 * its parent, which must lie beside it (by its stored relative name or its
 * last part); a missing parent fails the open with the name looked for.
 */
#include <libvhdi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/image_int.h"

#define MAX_CHAIN 16

typedef struct vhdi_chain {
    libvhdi_file_t *f[MAX_CHAIN]; /* f[0] the image, f[i + 1] the parent of f[i] */
    int n;
} vhdi_chain;

static void err_text(char *msg, size_t cap, libvhdi_error_t *e)
{
    char trace[1024] = "";
    msg[0] = '\0';
    if (e) {
        libvhdi_error_sprint(e, msg, cap);
        libvhdi_error_backtrace_sprint(e, trace, sizeof trace);
        libvhdi_error_free(&e);
    }
    vg_vdisk_oneline(msg);
    vg_vdisk_cause(msg, cap, trace);
}

static ssize_t vhdi_read(void *h, void *buf, size_t n, uint64_t off, char *msg, size_t cap)
{
    libvhdi_error_t *e = NULL;
    ssize_t got = libvhdi_file_read_buffer_at_offset(((vhdi_chain *)h)->f[0], buf, n, (off64_t)off, &e);
    if (got < 0)
        err_text(msg, cap, e);
    return got;
}

static void vhdi_close(void *h)
{
    vhdi_chain *c = h;
    for (int i = 0; i < c->n; i++) { /* the child first: it reads through its parent */
        libvhdi_file_close(c->f[i], NULL);
        libvhdi_file_free(&c->f[i], NULL);
    }
    free(c);
}

static const vg_vdisk_ops vhd_ops = {"VHD", vhdi_read, vhdi_close};
static const vg_vdisk_ops vhdx_ops = {"VHDX", vhdi_read, vhdi_close};

/* Open path as link c->n of the chain, then its parents. */
static int open_link(vhdi_chain *c, const char *path, char *why, size_t cap)
{
    libvhdi_error_t *e = NULL;
    libvhdi_file_t *f = NULL;
    uint32_t type = 0;
    size_t name_size = 0;
    char msg[200], stored[1024], parent[4096];
    int pi;
    if (c->n == MAX_CHAIN)
        return snprintf(why, cap, "cannot open image: more than %d differencing VHDs in a chain", MAX_CHAIN), -1;
    if (libvhdi_file_initialize(&f, &e) != 1 || libvhdi_file_open(f, path, LIBVHDI_OPEN_READ, &e) != 1) {
        err_text(msg, sizeof msg, e);
        if (f)
            libvhdi_file_free(&f, NULL);
        return snprintf(why, cap, "cannot open image: %s: %s", path, msg), -1;
    }
    c->f[c->n++] = f;
    if (libvhdi_file_get_disk_type(f, &type, NULL) != 1 || type != LIBVHDI_DISK_TYPE_DIFFERENTIAL)
        return 0;
    if (libvhdi_file_get_utf8_parent_filename_size(f, &name_size, NULL) != 1 || name_size == 0 ||
        name_size > sizeof stored ||
        libvhdi_file_get_utf8_parent_filename(f, (uint8_t *)stored, sizeof stored, NULL) != 1)
        return snprintf(why, cap, "cannot open image: differencing VHD %s names no parent", path), -1;
    if (vg_vdisk_beside(parent, sizeof parent, path, stored) < 0)
        return snprintf(why, cap, "cannot open image: differencing VHD %s: its parent %s (stored as '%s') is "
                        "missing", path, parent, stored), -1;
    pi = c->n; /* f's parent is the next link, its own parents after it */
    if (open_link(c, parent, why, cap) < 0)
        return -1;
    if (libvhdi_file_set_parent_file(f, c->f[pi], &e) != 1) {
        err_text(msg, sizeof msg, e);
        return snprintf(why, cap, "cannot open image: %s: parent %s does not fit: %s", path, parent, msg), -1;
    }
    return 0;
}

TSK_IMG_INFO *vg_image_open_vhdi(const char *path, char *why, size_t cap)
{
    vhdi_chain *c = calloc(1, sizeof *c);
    size64_t size = 0;
    uint32_t sector = 512;
    int type = 0;
    if (!c)
        return snprintf(why, cap, "out of memory"), NULL;
    if (open_link(c, path, why, cap) < 0) {
        vhdi_close(c);
        return NULL;
    }
    if (libvhdi_file_get_media_size(c->f[0], &size, NULL) != 1)
        size = 0;
    if (libvhdi_file_get_bytes_per_sector(c->f[0], &sector, NULL) != 1 || sector < 512 || sector > 4096)
        sector = 512;
    libvhdi_file_get_file_type(c->f[0], &type, NULL);
    return vg_vdisk_img(type == LIBVHDI_FILE_TYPE_VHDX ? &vhdx_ops : &vhd_ops, c, size, sector, path, why, cap);
}
