/*
 * VMDK images through libvmdk: a monolithic sparse file, or a descriptor with
 * its extent files (split sparse, flat). Every extent named by the descriptor
 * must lie beside it, and a snapshot's parent (parentFileNameHint) too; what is
 * missing fails the open with its name. A monolithic sparse file names itself
 * as its extent: renamed (as evidence files are), it is its own extent still.
 */
#include <errno.h>
#include <fcntl.h>
#include <libbfio.h>
#include <libvmdk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/image_int.h"

#define MAX_CHAIN 16

typedef struct vmdk_chain {
    libvmdk_handle_t *h[MAX_CHAIN]; /* h[0] the image, h[i + 1] the parent of h[i] */
    libbfio_pool_t *pool[MAX_CHAIN]; /* a renamed monolithic file as its own extent, else NULL */
    int n;
} vmdk_chain;

static void err_text(char *msg, size_t cap, libvmdk_error_t *e)
{
    char trace[1024] = "";
    msg[0] = '\0';
    if (e) {
        libvmdk_error_sprint(e, msg, cap);
        libvmdk_error_backtrace_sprint(e, trace, sizeof trace);
        libvmdk_error_free(&e);
    }
    vg_vdisk_oneline(msg);
    vg_vdisk_cause(msg, cap, trace);
}

static ssize_t vmdk_read(void *h, void *buf, size_t n, uint64_t off, char *msg, size_t cap)
{
    libvmdk_error_t *e = NULL;
    ssize_t got = libvmdk_handle_read_buffer_at_offset(((vmdk_chain *)h)->h[0], buf, n, (off64_t)off, &e);
    if (got < 0)
        err_text(msg, cap, e);
    return got;
}

static void vmdk_close(void *h)
{
    vmdk_chain *c = h;
    for (int i = 0; i < c->n; i++) {
        libvmdk_handle_close(c->h[i], NULL);
        libvmdk_handle_free(&c->h[i], NULL);
        if (c->pool[i])
            libbfio_pool_free(&c->pool[i], NULL);
    }
    free(c);
}

static const vg_vdisk_ops vmdk_ops = {"VMDK", vmdk_read, vmdk_close};

/* 1 when the file at path is a sparse extent itself (starts "KDMV"), with its descriptor inside. */
static int is_sparse_file(const char *path)
{
    char magic[4];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOATIME), ok;
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return 0;
    ok = pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic && !memcmp(magic, "KDMV", 4);
    close(fd);
    return ok;
}

/* Every extent file the descriptor names, beside it: 0, or 1 when the only extent is the
 * (renamed) file itself; -1 with why naming the first missing. */
static int check_extents(libvmdk_handle_t *h, const char *path, char *why, size_t cap)
{
    int n = 0;
    if (libvmdk_handle_get_number_of_extents(h, &n, NULL) != 1 || n <= 0)
        return snprintf(why, cap, "cannot open image: VMDK %s lists no extents", path), -1;
    for (int i = 0; i < n; i++) {
        libvmdk_extent_descriptor_t *d = NULL;
        char name[1024] = "", where[4096];
        int type = 0, ok;
        if (libvmdk_handle_get_extent_descriptor(h, i, &d, NULL) != 1)
            return snprintf(why, cap, "cannot open image: VMDK %s: extent %d unreadable", path, i + 1), -1;
        ok = libvmdk_extent_descriptor_get_type(d, &type, NULL) == 1 &&
             (type == LIBVMDK_EXTENT_TYPE_ZERO ||
              libvmdk_extent_descriptor_get_utf8_filename(d, (uint8_t *)name, sizeof name, NULL) == 1);
        libvmdk_extent_descriptor_free(&d, NULL);
        if (!ok)
            return snprintf(why, cap, "cannot open image: VMDK %s: extent %d names no file", path, i + 1), -1;
        if (type != LIBVMDK_EXTENT_TYPE_ZERO && vg_vdisk_beside(where, sizeof where, path, name) < 0) {
            if (n == 1 && type == LIBVMDK_EXTENT_TYPE_SPARSE && is_sparse_file(path))
                return 1;
            return snprintf(why, cap, "cannot open image: VMDK %s: extent file %s (stored as '%s') is missing",
                            path, where, name), -1;
        }
    }
    return 0;
}

/* The file itself as the one extent, through a file pool of our own. */
static int open_self_extent(vmdk_chain *c, libvmdk_handle_t *h, const char *path, libvmdk_error_t **e)
{
    libbfio_handle_t *f = NULL;
    libbfio_pool_t **pool = &c->pool[c->n - 1];
    int entry = 0;
    if (libbfio_pool_initialize(pool, 0, 1, NULL) != 1 || libbfio_file_initialize(&f, NULL) != 1 ||
        libbfio_file_set_name(f, path, strlen(path), NULL) != 1 ||
        libbfio_pool_append_handle(*pool, &entry, f, LIBBFIO_OPEN_READ, NULL) != 1) {
        if (f)
            libbfio_handle_free(&f, NULL);
        return -1;
    }
    return libvmdk_handle_open_extent_data_files_file_io_pool(h, *pool, e) == 1 ? 0 : -1;
}

static int open_link(vmdk_chain *c, const char *path, char *why, size_t cap)
{
    libvmdk_error_t *e = NULL;
    libvmdk_handle_t *h = NULL;
    const char *slash = strrchr(path, '/');
    size_t name_size = 0;
    char msg[200], stored[1024], parent[4096];
    int pi, self;
    if (c->n == MAX_CHAIN)
        return snprintf(why, cap, "cannot open image: more than %d VMDK snapshots in a chain", MAX_CHAIN), -1;
    if (libvmdk_handle_initialize(&h, &e) != 1 || libvmdk_handle_open(h, path, LIBVMDK_OPEN_READ, &e) != 1) {
        err_text(msg, sizeof msg, e);
        if (h)
            libvmdk_handle_free(&h, NULL);
        return snprintf(why, cap, "cannot open image: %s: %s", path, msg), -1;
    }
    c->h[c->n++] = h;
    if ((self = check_extents(h, path, why, cap)) < 0)
        return -1;
    if (self ? open_self_extent(c, h, path, &e) < 0
             : libvmdk_handle_set_extent_data_files_path(h, slash ? path : ".", slash ? (size_t)(slash - path) : 1,
                                                         &e) != 1 ||
                   libvmdk_handle_open_extent_data_files(h, &e) != 1) {
        err_text(msg, sizeof msg, e);
        return snprintf(why, cap, "cannot open image: VMDK %s: its extent files: %s", path, msg), -1;
    }
    if (libvmdk_handle_get_utf8_parent_filename_size(h, &name_size, NULL) != 1 || name_size <= 1)
        return 0; /* not a snapshot */
    if (name_size > sizeof stored ||
        libvmdk_handle_get_utf8_parent_filename(h, (uint8_t *)stored, sizeof stored, NULL) != 1)
        return snprintf(why, cap, "cannot open image: VMDK snapshot %s: parent name unreadable", path), -1;
    if (vg_vdisk_beside(parent, sizeof parent, path, stored) < 0)
        return snprintf(why, cap, "cannot open image: VMDK snapshot %s: its parent %s (stored as '%s') is missing",
                        path, parent, stored), -1;
    pi = c->n;
    if (open_link(c, parent, why, cap) < 0)
        return -1;
    if (libvmdk_handle_set_parent_handle(h, c->h[pi], &e) != 1) {
        err_text(msg, sizeof msg, e);
        return snprintf(why, cap, "cannot open image: %s: parent %s does not fit: %s", path, parent, msg), -1;
    }
    return 0;
}

TSK_IMG_INFO *vg_image_open_vmdk(const char *path, char *why, size_t cap)
{
    vmdk_chain *c = calloc(1, sizeof *c);
    size64_t size = 0;
    if (!c)
        return snprintf(why, cap, "out of memory"), NULL;
    if (open_link(c, path, why, cap) < 0) {
        vmdk_close(c);
        return NULL;
    }
    if (libvmdk_handle_get_media_size(c->h[0], &size, NULL) != 1)
        size = 0;
    return vg_vdisk_img(&vmdk_ops, c, size, 512, path, why, cap);
}
