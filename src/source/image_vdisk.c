/*
 * Virtual disks (VHD, VHDX, VMDK, qcow) handed to TSK through its external
 * image interface: one small reader per library (image_vhdi.c, image_vmdk.c,
 * image_qcow.c) behind the same glue, so partitions, file systems, deleted
 * files and carving see the virtual disk's media exactly as a raw image's.
 * Also here: finding a differencing image's parent, or a descriptor's
 * extents, beside the image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/image_int.h"

typedef struct vdisk_img {
    vg_ext_img base;          /* first: TSK casts to its TSK_IMG_INFO */
    const vg_vdisk_ops *ops;
    void *h;
    char *name;
    char *names[1];
} vdisk_img;

static ssize_t vdisk_read(TSK_IMG_INFO *info, TSK_OFF_T off, char *buf, size_t len)
{
    vdisk_img *r = (vdisk_img *)info;
    char msg[128] = "", why[256];
    ssize_t n;
    if (off < 0 || off >= info->size)
        return 0;
    if (len > (uint64_t)(info->size - off))
        len = (size_t)(info->size - off);
    n = r->ops->read(r->h, buf, len, (uint64_t)off, msg, sizeof msg);
    if (n < 0) {
        snprintf(why, sizeof why, "%s read error at media byte %lld%s%s", r->ops->name, (long long)off,
                 msg[0] ? ": " : "", msg);
        vg_ext_img_fail(info, why);
        return -1;
    }
    return n;
}

static void vdisk_close(TSK_IMG_INFO *info)
{
    vdisk_img *r = (vdisk_img *)info;
    r->ops->close(r->h);
    free(r->name);
    free(r);
}

static void vdisk_stat(TSK_IMG_INFO *info, FILE *f)
{
    fprintf(f, "%s image, %lld bytes of media\n", ((vdisk_img *)info)->ops->name, (long long)info->size);
}

TSK_IMG_INFO *vg_vdisk_img(const vg_vdisk_ops *ops, void *h, uint64_t size, unsigned sector, const char *path,
                           char *why, size_t cap)
{
    vdisk_img *r = calloc(1, sizeof *r);
    TSK_IMG_INFO *img;
    if (!r || !(r->name = strdup(path))) {
        free(r);
        ops->close(h);
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    if (size == 0) {
        snprintf(why, cap, "cannot open image: %s media of 0 bytes", ops->name);
        goto fail;
    }
    r->ops = ops;
    r->h = h;
    r->names[0] = r->name;
    r->base.info.images = r->names;
    r->base.info.num_img = 1;
    img = tsk_img_open_external(r, (TSK_OFF_T)size, sector ? sector : 512, vdisk_read, vdisk_close, vdisk_stat);
    if (!img) {
        snprintf(why, cap, "cannot open image: %s", tsk_error_get());
        goto fail;
    }
    return img;
fail:
    ops->close(h);
    free(r->name);
    free(r);
    return NULL;
}

void vg_vdisk_oneline(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '.'))
        s[--n] = '\0';
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

void vg_vdisk_cause(char *msg, size_t cap, const char *trace)
{
    char first[256];
    size_t n = strcspn(trace, "\n"), k;
    if (n >= sizeof first)
        n = sizeof first - 1;
    memcpy(first, trace, n);
    first[n] = '\0';
    vg_vdisk_oneline(first);
    if (!first[0] || strstr(msg, first))
        return;
    k = strlen(msg);
    snprintf(msg + k, cap - k, " (%s)", first);
}

/* The last part of a name stored by any system: after the last '/' or '\'. */
static const char *base_name(const char *s)
{
    const char *b = s;
    for (const char *p = s; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return b;
}

/* Stored names that point somewhere else on the machine are not followed: only beside the image. */
static int is_absolute(const char *s)
{
    return s[0] == '/' || s[0] == '\\' || (s[0] && s[1] == ':');
}

int vg_vdisk_beside(char *out, size_t cap, const char *image_path, const char *stored)
{
    const char *slash = strrchr(image_path, '/');
    int dir_len = slash ? (int)(slash - image_path + 1) : 0;
    int n;
    if (!is_absolute(stored) && !strstr(stored, "..")) { /* relative to the image: as stored */
        n = snprintf(out, cap, "%.*s%s", dir_len, image_path, stored);
        for (char *p = out + dir_len; n > 0 && (size_t)n < cap && *p; p++)
            if (*p == '\\')
                *p = '/';
        if (n > 0 && (size_t)n < cap && access(out, F_OK) == 0)
            return 0;
    }
    n = snprintf(out, cap, "%.*s%s", dir_len, image_path, base_name(stored));
    if (n < 0 || (size_t)n >= cap || !*base_name(stored))
        return -1;
    return access(out, F_OK) == 0 ? 0 : -1;
}
