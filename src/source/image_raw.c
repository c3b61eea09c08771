/*
 * Raw images (single file or split .001, .002, ...) handed to TSK through its
 * external image interface, read with our own descriptors: opened O_RDONLY
 * with O_NOATIME where the kernel allows it, so reading evidence leaves its
 * access time as it was. TSK's own raw reader opens without O_NOATIME.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/image_int.h"

#define MAX_SEGMENTS 100000

typedef struct raw_img {
    vg_ext_img base;          /* first: TSK casts to its TSK_IMG_INFO */
    const uint8_t *mem;       /* an image in memory (fuzzing), instead of segments */
    int *fd;
    uint64_t *start;          /* image offset of each segment's first byte */
    size_t n;
    char *name;               /* info.images[0] points here (TSK looks at the name, e.g. for yaffs2) */
    char *names[1];
} raw_img;

static int open_noatime(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOATIME);
    if (fd < 0 && errno == EPERM) /* O_NOATIME is for the owner (or root) only */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    return fd;
}

static ssize_t raw_read(TSK_IMG_INFO *info, TSK_OFF_T off, char *buf, size_t len)
{
    raw_img *r = (raw_img *)info;
    size_t done = 0;
    size_t lo = 0, hi = r->n;
    if (off < 0 || off >= info->size)
        return 0;
    if (r->mem) {
        if (len > (uint64_t)(info->size - off))
            len = (size_t)(info->size - off);
        memcpy(buf, r->mem + off, len);
        return (ssize_t)len;
    }
    while (hi - lo > 1) { /* the segment holding off */
        size_t mid = (lo + hi) / 2;
        if (r->start[mid] <= (uint64_t)off)
            lo = mid;
        else
            hi = mid;
    }
    while (done < len && lo < r->n && (uint64_t)off + done < (uint64_t)info->size) {
        uint64_t pos = (uint64_t)off + done, seg_end = lo + 1 < r->n ? r->start[lo + 1] : (uint64_t)info->size;
        size_t want = len - done;
        ssize_t got;
        if (pos >= seg_end) {
            lo++;
            continue;
        }
        if (want > seg_end - pos)
            want = (size_t)(seg_end - pos);
        do
            got = pread(r->fd[lo], buf + done, want, (off_t)(pos - r->start[lo]));
        while (got < 0 && errno == EINTR);
        if (got <= 0) {
            char why[160];
            if (got < 0)
                snprintf(why, sizeof why, "read error at image byte %llu: %s", (unsigned long long)pos, strerror(errno));
            else /* a segment shorter than when it was opened */
                snprintf(why, sizeof why, "image ends early: no data at image byte %llu", (unsigned long long)pos);
            vg_ext_img_fail(info, why);
            return -1;
        }
        done += (size_t)got;
    }
    return (ssize_t)done;
}

static void raw_close(TSK_IMG_INFO *info)
{
    raw_img *r = (raw_img *)info;
    for (size_t i = 0; i < r->n; i++)
        close(r->fd[i]);
    free(r->fd);
    free(r->start);
    free(r->name);
    free(r);
}

static void raw_stat(TSK_IMG_INFO *info, FILE *f)
{
    fprintf(f, "raw image, %zu segment(s), %lld bytes\n", ((raw_img *)info)->n, (long long)info->size);
}

/* The next name of a split set: x.001 -> x.002; 0 when path is not numbered so. */
static int next_name(char *name)
{
    size_t n = strlen(name);
    char *p = name + n - 1;
    if (n < 4 || name[n - 4] != '.')
        return 0;
    for (int i = 0; i < 3; i++)
        if (name[n - 1 - i] < '0' || name[n - 1 - i] > '9')
            return 0;
    while (p >= name + n - 3) {
        if (*p < '9') {
            (*p)++;
            return 1;
        }
        *p-- = '0';
    }
    return 0; /* .999 was the last */
}

static int add_segment(raw_img *r, const char *path, uint64_t *total, char *why, size_t cap)
{
    struct stat st;
    int fd = open_noatime(path), *fds;
    uint64_t *starts;
    if (fd < 0)
        return snprintf(why, cap, "cannot open image: %s: %s", path, strerror(errno)), -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return snprintf(why, cap, "cannot open image: %s: not a regular file", path), -1;
    }
    fds = realloc(r->fd, (r->n + 1) * sizeof *fds);
    if (fds)
        r->fd = fds;
    starts = realloc(r->start, (r->n + 1) * sizeof *starts);
    if (starts)
        r->start = starts;
    if (!fds || !starts) {
        close(fd);
        return snprintf(why, cap, "out of memory"), -1;
    }
    r->fd[r->n] = fd;
    r->start[r->n] = *total;
    r->n++;
    *total += (uint64_t)st.st_size;
    return 0;
}

TSK_IMG_INFO *vg_image_open_raw(const char *path, char *why, size_t cap)
{
    raw_img *r = calloc(1, sizeof *r);
    char *seg = NULL;
    uint64_t total = 0;
    TSK_IMG_INFO *img;
    if (!r || !(r->name = strdup(path)) || !(seg = strdup(path))) {
        free(r ? r->name : NULL);
        free(r);
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    if (add_segment(r, path, &total, why, cap) < 0)
        goto fail;
    /* x.001: every next number that exists is the next segment (what TSK's raw reader does). */
    while (r->n < MAX_SEGMENTS && next_name(seg) && access(seg, F_OK) == 0)
        if (add_segment(r, seg, &total, why, cap) < 0)
            goto fail;
    free(seg);
    seg = NULL;
    r->names[0] = r->name;
    r->base.info.images = r->names;
    r->base.info.num_img = 1;
    img = tsk_img_open_external(r, (TSK_OFF_T)total, 512, raw_read, raw_close, raw_stat);
    if (!img) {
        snprintf(why, cap, "cannot open image: %s", tsk_error_get());
        goto fail;
    }
    return img;
fail:
    free(seg);
    for (size_t i = 0; i < r->n; i++)
        close(r->fd[i]);
    free(r->fd);
    free(r->start);
    free(r->name);
    free(r);
    return NULL;
}

TSK_IMG_INFO *vg_image_open_raw_fd(int fd, const char *name, char *why, size_t cap)
{
    raw_img *r = calloc(1, sizeof *r);
    struct stat st;
    TSK_IMG_INFO *img;
    if (!r || !(r->name = strdup(name)) || !(r->fd = malloc(sizeof *r->fd)) || !(r->start = calloc(1, sizeof *r->start))) {
        snprintf(why, cap, "out of memory");
        goto fail;
    }
    if (fstat(fd, &st) < 0 || (r->fd[0] = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
        snprintf(why, cap, "cannot open image: %s: %s", name, strerror(errno));
        goto fail;
    }
    r->n = 1;
    r->names[0] = r->name;
    r->base.info.images = r->names;
    r->base.info.num_img = 1;
    img = tsk_img_open_external(r, (TSK_OFF_T)st.st_size, 512, raw_read, raw_close, raw_stat);
    if (img)
        return img;
    snprintf(why, cap, "cannot open image: %s", tsk_error_get());
fail:
    if (r && r->n)
        close(r->fd[0]);
    if (r) {
        free(r->fd);
        free(r->start);
        free(r->name);
    }
    free(r);
    return NULL;
}

TSK_IMG_INFO *vg_image_open_mem_img(const uint8_t *p, size_t n)
{
    raw_img *r = calloc(1, sizeof *r);
    TSK_IMG_INFO *img;
    if (!r || !(r->name = strdup("memory"))) {
        free(r);
        return NULL;
    }
    r->mem = p;
    r->names[0] = r->name;
    r->base.info.images = r->names;
    r->base.info.num_img = 1;
    img = tsk_img_open_external(r, (TSK_OFF_T)n, 512, raw_read, raw_close, raw_stat);
    if (!img) {
        free(r->name);
        free(r);
    }
    return img;
}

void vg_ext_img_fail(TSK_IMG_INFO *img, const char *why)
{
    vg_ext_img *x = (vg_ext_img *)img;
    x->read_errors++;
    snprintf(x->read_why, sizeof x->read_why, "%s", why);
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ);
    tsk_error_set_errstr("%s", why);
}
