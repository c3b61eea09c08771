/*
 * qcow (version 1, 2 and 3) images through libqcow. An image with a backing
 * file reads through to it, which must lie beside the image and be a qcow
 * image itself; an encrypted image is said to be one.
 */
#include <libqcow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/image_int.h"

#define MAX_CHAIN 16

typedef struct qcow_chain {
    libqcow_file_t *f[MAX_CHAIN]; /* f[0] the image, f[i + 1] the backing file of f[i] */
    int n;
} qcow_chain;

static void err_text(char *msg, size_t cap, libqcow_error_t *e)
{
    msg[0] = '\0';
    if (e) {
        libqcow_error_sprint(e, msg, cap);
        libqcow_error_free(&e);
    }
    vg_vdisk_oneline(msg);
}

static ssize_t qcow_read(void *h, void *buf, size_t n, uint64_t off, char *msg, size_t cap)
{
    libqcow_error_t *e = NULL;
    ssize_t got = libqcow_file_read_buffer_at_offset(((qcow_chain *)h)->f[0], buf, n, (off64_t)off, &e);
    if (got < 0)
        err_text(msg, cap, e);
    return got;
}

static void qcow_close(void *h)
{
    qcow_chain *c = h;
    for (int i = 0; i < c->n; i++) {
        libqcow_file_close(c->f[i], NULL);
        libqcow_file_free(&c->f[i], NULL);
    }
    free(c);
}

static const vg_vdisk_ops qcow_ops = {"qcow", qcow_read, qcow_close};

static int open_link(qcow_chain *c, const char *path, int *encrypted, char *why, size_t cap)
{
    libqcow_error_t *e = NULL;
    libqcow_file_t *f = NULL;
    uint32_t method = 0;
    size_t name_size = 0;
    char msg[200], stored[1024], backing[4096];
    int pi;
    if (c->n == MAX_CHAIN)
        return snprintf(why, cap, "cannot open image: more than %d qcow backing files in a chain", MAX_CHAIN), -1;
    if (libqcow_file_initialize(&f, &e) != 1 || libqcow_file_open(f, path, LIBQCOW_OPEN_READ, &e) != 1) {
        err_text(msg, sizeof msg, e);
        if (f)
            libqcow_file_free(&f, NULL);
        return snprintf(why, cap, "cannot open image: %s: %s", path, msg), -1;
    }
    c->f[c->n++] = f;
    if (libqcow_file_get_encryption_method(f, &method, NULL) == 1 && method != LIBQCOW_ENCRYPTION_METHOD_NONE) {
        *encrypted = 1;
        return snprintf(why, cap, "encrypted qcow image (%s): %s cannot be read without its key",
                        method == LIBQCOW_ENCRYPTION_METHOD_LUKS ? "LUKS" : "AES-128-CBC", path), -1;
    }
    if (libqcow_file_get_utf8_backing_filename_size(f, &name_size, NULL) != 1 || name_size <= 1)
        return 0; /* no backing file */
    if (name_size > sizeof stored ||
        libqcow_file_get_utf8_backing_filename(f, (uint8_t *)stored, sizeof stored, NULL) != 1)
        return snprintf(why, cap, "cannot open image: qcow %s: backing file name unreadable", path), -1;
    if (vg_vdisk_beside(backing, sizeof backing, path, stored) < 0)
        return snprintf(why, cap, "cannot open image: qcow %s: its backing file %s (stored as '%s') is missing",
                        path, backing, stored), -1;
    pi = c->n;
    if (open_link(c, backing, encrypted, why, cap) < 0)
        return -1;
    if (libqcow_file_set_parent_file(f, c->f[pi], &e) != 1) {
        err_text(msg, sizeof msg, e);
        return snprintf(why, cap, "cannot open image: %s: backing file %s does not fit: %s", path, backing, msg), -1;
    }
    return 0;
}

TSK_IMG_INFO *vg_image_open_qcow(const char *path, int *encrypted, char *why, size_t cap)
{
    qcow_chain *c = calloc(1, sizeof *c);
    size64_t size = 0;
    *encrypted = 0;
    if (!c)
        return snprintf(why, cap, "out of memory"), NULL;
    if (open_link(c, path, encrypted, why, cap) < 0) {
        qcow_close(c);
        return NULL;
    }
    if (libqcow_file_get_media_size(c->f[0], &size, NULL) != 1)
        size = 0;
    return vg_vdisk_img(&qcow_ops, c, size, 512, path, why, cap);
}
