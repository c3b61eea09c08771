/*
 * qcow (version 1, 2 and 3) images through libqcow. An image with a backing
 * file reads through to it, which must lie beside the image and be a qcow
 * image itself; an encrypted image is said to be one. Each file's tables are
 * read first (qcow_check.h): what a cut file no longer holds is refused here,
 * as a read error, before libqcow copies past its buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <libqcow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/image_int.h"
#include "source/qcow_check.h"

#define MAX_CHAIN 16

typedef struct qcow_chain {
    libqcow_file_t *f[MAX_CHAIN]; /* f[0] the image, f[i + 1] the backing file of f[i] */
    vg_qcow_lost lost[MAX_CHAIN]; /* per file: media its file no longer holds */
    int n;
} qcow_chain;

static void err_text(char *msg, size_t cap, libqcow_error_t *e)
{
    char trace[1024] = "";
    msg[0] = '\0';
    if (e) {
        libqcow_error_sprint(e, msg, cap);
        libqcow_error_backtrace_sprint(e, trace, sizeof trace);
        libqcow_error_free(&e);
    }
    vg_vdisk_oneline(msg);
    vg_vdisk_cause(msg, cap, trace);
}

static ssize_t qcow_read(void *h, void *buf, size_t n, uint64_t off, char *msg, size_t cap)
{
    qcow_chain *c = h;
    libqcow_error_t *e = NULL;
    ssize_t got;
    /* a backing file's lost clusters count too, even where the image above may hold its own copy */
    for (int i = 0; i < c->n; i++)
        if (vg_qcow_lost_hits(&c->lost[i], off, n)) {
            snprintf(msg, cap, "its data lies past the end of a cut qcow file (%s)", i ? "a backing file" : "the image");
            return -1;
        }
    got = libqcow_file_read_buffer_at_offset(((qcow_chain *)h)->f[0], buf, n, (off64_t)off, &e);
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
        vg_qcow_lost_free(&c->lost[i]);
    }
    free(c);
}

static const vg_vdisk_ops qcow_ops = {"qcow", qcow_read, qcow_close};

static long long fd_pread(void *ud, void *buf, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(*(int *)ud, (char *)buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    return (long long)got;
}

/* The tables of the file at path (opened by libqcow already): its lost media in *lost, or -1 with why. */
static int check_tables(vg_qcow_lost *lost, const char *path, char *why, size_t cap)
{
    char msg[200];
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME), rc;
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(why, cap, "cannot open image: %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    rc = vg_qcow_check(lost, fd_pread, &fd, (uint64_t)st.st_size, msg, sizeof msg);
    close(fd);
    if (rc < 0)
        snprintf(why, cap, "cannot open image: %s: corrupt: %s", path, msg);
    return rc;
}

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
    if (check_tables(&c->lost[c->n - 1], path, why, cap) < 0)
        return -1;
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

/* What the files of the chain lost, said once for the image: how many clusters, and from where. */
static void say_lost(const qcow_chain *c, const char *path, char *damage, size_t dcap)
{
    uint64_t clusters = 0, first = UINT64_MAX;
    damage[0] = '\0';
    for (int i = 0; i < c->n; i++)
        if (c->lost[i].n) {
            clusters += c->lost[i].clusters;
            if (c->lost[i].ranges[0][0] < first)
                first = c->lost[i].ranges[0][0];
        }
    if (clusters)
        snprintf(damage, dcap, "qcow image %s cut short or its tables damaged: %llu cluster(s) of media, the first "
                 "at media byte %llu, lie past the end of its file%s; reads there fail, the rest is read",
                 path, (unsigned long long)clusters, (unsigned long long)first, c->n > 1 ? " or a backing file's" : "");
}

TSK_IMG_INFO *vg_image_open_qcow(const char *path, int *encrypted, char *damage, size_t dcap, char *why, size_t cap)
{
    qcow_chain *c = calloc(1, sizeof *c);
    size64_t size = 0;
    *encrypted = 0;
    damage[0] = '\0';
    if (!c)
        return snprintf(why, cap, "out of memory"), NULL;
    if (open_link(c, path, encrypted, why, cap) < 0) {
        qcow_close(c);
        return NULL;
    }
    if (libqcow_file_get_media_size(c->f[0], &size, NULL) != 1)
        size = 0;
    say_lost(c, path, damage, dcap);
    return vg_vdisk_img(&qcow_ops, c, size, 512, path, why, cap);
}
