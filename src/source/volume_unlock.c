/*
 * Encrypted volumes opened with keys: a libbfio handle over a byte range of
 * the TSK image feeds libluksde or libbde, whose reads of plaintext become a
 * TSK image (image_vdisk.c's glue), so the file system inside is read as any.
 */
#include <libbde.h>
#include <libbfio.h>
#include <libluksde.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/image_int.h"
#include "source/volume_luks2.h"
#include "source/volume_unlock.h"

/* ---- the volume's bytes, as libbfio reads them ---- */

typedef struct range_io {
    TSK_IMG_INFO *img;
    uint64_t off, len, pos;
    int open;
} range_io;

static int rio_free(intptr_t **io, libbfio_error_t **e)
{
    (void)e;
    free(*io);
    *io = NULL;
    return 1;
}

static int rio_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **e)
{
    range_io *c;
    (void)e;
    if (!src)
        return *dst = NULL, 1;
    if (!(c = malloc(sizeof *c)))
        return -1;
    *c = *(range_io *)src;
    *dst = (intptr_t *)c;
    return 1;
}

static int rio_open(intptr_t *io, int flags, libbfio_error_t **e)
{
    (void)e;
    if (flags & LIBBFIO_ACCESS_FLAG_WRITE)
        return -1; /* evidence is never written */
    ((range_io *)io)->open = 1;
    return 1;
}

static int rio_close(intptr_t *io, libbfio_error_t **e)
{
    (void)e;
    ((range_io *)io)->open = 0;
    return 0;
}

static ssize_t rio_read(intptr_t *io, uint8_t *buf, size_t n, libbfio_error_t **e)
{
    range_io *r = (range_io *)io;
    ssize_t got;
    (void)e;
    if (r->pos >= r->len)
        return 0;
    if (n > r->len - r->pos)
        n = (size_t)(r->len - r->pos);
    got = tsk_img_read(r->img, (TSK_OFF_T)(r->off + r->pos), (char *)buf, n);
    if (got < 0) {
        tsk_error_reset();
        return -1;
    }
    r->pos += (uint64_t)got;
    return got;
}

static ssize_t rio_write(intptr_t *io, const uint8_t *buf, size_t n, libbfio_error_t **e)
{
    (void)io, (void)buf, (void)n, (void)e;
    return -1;
}

static off64_t rio_seek(intptr_t *io, off64_t off, int whence, libbfio_error_t **e)
{
    range_io *r = (range_io *)io;
    int64_t base = whence == SEEK_CUR ? (int64_t)r->pos : whence == SEEK_END ? (int64_t)r->len : 0;
    (void)e;
    if (base + off < 0)
        return -1;
    r->pos = (uint64_t)(base + off);
    return (off64_t)r->pos;
}

static int rio_exists(intptr_t *io, libbfio_error_t **e)
{
    (void)io, (void)e;
    return 1;
}

static int rio_is_open(intptr_t *io, libbfio_error_t **e)
{
    (void)e;
    return ((range_io *)io)->open;
}

static int rio_get_size(intptr_t *io, size64_t *size, libbfio_error_t **e)
{
    (void)e;
    *size = ((range_io *)io)->len;
    return 1;
}

static libbfio_handle_t *range_handle(TSK_IMG_INFO *img, uint64_t off, uint64_t len)
{
    range_io *r = calloc(1, sizeof *r);
    libbfio_handle_t *h = NULL;
    if (!r)
        return NULL;
    *r = (range_io){img, off, len, 0, 0};
    if (libbfio_handle_initialize(&h, (intptr_t *)r, rio_free, rio_clone, rio_open, rio_close, rio_read, rio_write,
                                  rio_seek, rio_exists, rio_is_open, rio_get_size,
                                  LIBBFIO_FLAG_IO_HANDLE_MANAGED | LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION,
                                  NULL) != 1) {
        free(r);
        return NULL;
    }
    return h;
}

/* ---- LUKS ---- */

typedef struct luks_vol {
    libluksde_volume_t *v;
    libbfio_handle_t *io;
} luks_vol;

static ssize_t luks_read(void *h, void *buf, size_t n, uint64_t off, char *msg, size_t cap)
{
    libluksde_error_t *e = NULL;
    ssize_t got = libluksde_volume_read_buffer_at_offset(((luks_vol *)h)->v, buf, n, (off64_t)off, &e);
    if (got < 0) {
        msg[0] = '\0';
        if (e) {
            libluksde_error_sprint(e, msg, cap);
            libluksde_error_free(&e);
        }
        vg_vdisk_oneline(msg);
    }
    return got;
}

static void luks_close(void *h)
{
    luks_vol *l = h;
    if (l->v) {
        libluksde_volume_close(l->v, NULL);
        libluksde_volume_free(&l->v, NULL);
    }
    if (l->io)
        libbfio_handle_free(&l->io, NULL);
    free(l);
}

static const vg_vdisk_ops luks_ops = {"LUKS volume", luks_read, luks_close};

static TSK_IMG_INFO *open_luks(TSK_IMG_INFO *img, uint64_t off, uint64_t len, const char *const *keys, size_t n,
                               char *why, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        luks_vol *l = calloc(1, sizeof *l);
        size64_t size = 0;
        int locked = 1;
        if (!l || !(l->io = range_handle(img, off, len)) || libluksde_volume_initialize(&l->v, NULL) != 1) {
            if (l)
                luks_close(l);
            return snprintf(why, cap, "out of memory"), NULL;
        }
        if (libluksde_volume_set_utf8_password(l->v, (const uint8_t *)keys[i], strlen(keys[i]), NULL) == 1 &&
            libluksde_volume_open_file_io_handle(l->v, l->io, LIBLUKSDE_OPEN_READ, NULL) == 1 &&
            libluksde_volume_is_locked(l->v, NULL) == 0 && libluksde_volume_get_size(l->v, &size, NULL) == 1)
            locked = 0;
        if (!locked)
            return vg_vdisk_img(&luks_ops, l, size, 512, "LUKS volume", why, cap);
        luks_close(l);
    }
    snprintf(why, cap, "LUKS encrypted volume: none of the %zu key(s) given opens it", n);
    return NULL;
}

/* The LUKS version, from the big-endian field after the magic; 0 when it cannot be read. */
static unsigned luks_version(TSK_IMG_INFO *img, uint64_t off)
{
    uint8_t b[8];
    if (tsk_img_read(img, (TSK_OFF_T)off, (char *)b, sizeof b) != (ssize_t)sizeof b) {
        tsk_error_reset();
        return 0;
    }
    return (unsigned)(b[6] << 8 | b[7]);
}

/* ---- BitLocker ---- */

typedef struct bde_vol {
    libbde_volume_t *v;
    libbfio_handle_t *io;
} bde_vol;

static ssize_t bde_read(void *h, void *buf, size_t n, uint64_t off, char *msg, size_t cap)
{
    libbde_error_t *e = NULL;
    ssize_t got = libbde_volume_read_buffer_at_offset(((bde_vol *)h)->v, buf, n, (off64_t)off, &e);
    if (got < 0) {
        msg[0] = '\0';
        if (e) {
            libbde_error_sprint(e, msg, cap);
            libbde_error_free(&e);
        }
        vg_vdisk_oneline(msg);
    }
    return got;
}

static void bde_close(void *h)
{
    bde_vol *b = h;
    if (b->v) {
        libbde_volume_close(b->v, NULL);
        libbde_volume_free(&b->v, NULL);
    }
    if (b->io)
        libbfio_handle_free(&b->io, NULL);
    free(b);
}

static const vg_vdisk_ops bde_ops = {"BitLocker volume", bde_read, bde_close};

/* A recovery key is eight groups of six digits joined by '-'; anything else is a password. */
static int is_recovery_key(const char *k)
{
    if (strlen(k) != 55)
        return 0;
    for (int i = 0; i < 55; i++)
        if (i % 7 == 6 ? k[i] != '-' : (k[i] < '0' || k[i] > '9'))
            return 0;
    return 1;
}

static TSK_IMG_INFO *open_bde(TSK_IMG_INFO *img, uint64_t off, uint64_t len, const char *const *keys, size_t n,
                              char *why, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        bde_vol *b = calloc(1, sizeof *b);
        size64_t size = 0;
        int set, locked = 1;
        if (!b || !(b->io = range_handle(img, off, len)) || libbde_volume_initialize(&b->v, NULL) != 1) {
            if (b)
                bde_close(b);
            return snprintf(why, cap, "out of memory"), NULL;
        }
        set = is_recovery_key(keys[i])
                  ? libbde_volume_set_utf8_recovery_password(b->v, (const uint8_t *)keys[i], strlen(keys[i]), NULL)
                  : libbde_volume_set_utf8_password(b->v, (const uint8_t *)keys[i], strlen(keys[i]), NULL);
        if (set == 1 && libbde_volume_open_file_io_handle(b->v, b->io, LIBBDE_OPEN_READ, NULL) == 1 &&
            libbde_volume_is_locked(b->v, NULL) == 0 && libbde_volume_get_size(b->v, &size, NULL) == 1)
            locked = 0;
        if (!locked)
            return vg_vdisk_img(&bde_ops, b, size, 512, "BitLocker volume", why, cap);
        bde_close(b);
    }
    snprintf(why, cap, "BitLocker encrypted volume: none of the %zu key(s) given opens it", n);
    return NULL;
}

TSK_IMG_INFO *vg_volume_unlock(TSK_IMG_INFO *img, uint64_t off, uint64_t len, vg_crypt_kind kind,
                               const char *const *keys, size_t n, vigil_error_kind *error, char *why, size_t cap)
{
    *error = VIGIL_ERROR_ENCRYPTED;
    switch (kind) {
    case VG_CRYPT_LUKS:
        return luks_version(img, off) == 2 ? vg_luks2_open(img, off, len, keys, n, error, why, cap)
                                           : open_luks(img, off, len, keys, n, why, cap);
    case VG_CRYPT_BITLOCKER:
    case VG_CRYPT_BITLOCKER_TOGO: return open_bde(img, off, len, keys, n, why, cap);
    default:
        snprintf(why, cap, "%s encrypted volume: vigil cannot open this kind with a key yet", vg_crypt_name(kind));
        return NULL;
    }
}
