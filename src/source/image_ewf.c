/*
 * EWF images (E01) handed to TSK through its external image interface, read
 * with our own libewf handle. libewf hands back a chunk whose checksum fails
 * as zeros and only records it; TSK's own EWF reader would pass those zeros
 * on as file content. Here a read that touches a recorded bad chunk fails,
 * so the file in it becomes an error item instead of a silently wrong digest.
 */
#include <libewf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/image_int.h"

typedef struct ewf_img {
    vg_ext_img base;          /* first: TSK casts to its TSK_IMG_INFO */
    libewf_handle_t *h;
    uint32_t sector;          /* bytes per sector, for the checksum error ranges */
    char *name;
    char *names[1];
} ewf_img;

static void set_tsk_error(TSK_IMG_INFO *info, const char *what, libewf_error_t *e)
{
    char msg[120] = "", why[200];
    if (e) {
        libewf_error_sprint(e, msg, sizeof msg);
        libewf_error_free(&e);
    }
    for (char *p = msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    snprintf(why, sizeof why, "%s%s%s", what, msg[0] ? ": " : "", msg);
    vg_ext_img_fail(info, why);
}

/* The first recorded bad chunk overlapping [off, off+len), as a byte range; 0 if none. */
static int bad_range(ewf_img *r, uint64_t off, uint64_t len, uint64_t *from, uint64_t *to)
{
    uint32_t n = 0;
    if (libewf_handle_get_number_of_checksum_errors(r->h, &n, NULL) != 1)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t s, k;
        if (libewf_handle_get_checksum_error(r->h, i, &s, &k, NULL) != 1)
            continue;
        s *= r->sector;
        k *= r->sector;
        if (s < off + len && off < s + k) {
            *from = s;
            *to = s + k;
            return 1;
        }
    }
    return 0;
}

static ssize_t ewf_read(TSK_IMG_INFO *info, TSK_OFF_T off, char *buf, size_t len)
{
    ewf_img *r = (ewf_img *)info;
    libewf_error_t *e = NULL;
    uint64_t from, to;
    ssize_t n;
    if (off < 0 || off >= info->size)
        return 0;
    n = libewf_handle_read_random(r->h, buf, len, (off64_t)off, &e);
    if (n < 0) {
        char what[96];
        snprintf(what, sizeof what, "E01 read error at media byte %lld", (long long)off);
        set_tsk_error(info, what, e);
        return -1;
    }
    if (n > 0 && bad_range(r, (uint64_t)off, (uint64_t)n, &from, &to)) {
        char what[160];
        snprintf(what, sizeof what, "E01 media bytes %llu-%llu unreadable: chunk checksum error or segment "
                 "file missing", (unsigned long long)from, (unsigned long long)to - 1);
        set_tsk_error(info, what, NULL);
        return -1;
    }
    return n;
}

static void ewf_close(TSK_IMG_INFO *info)
{
    ewf_img *r = (ewf_img *)info;
    libewf_handle_close(r->h, NULL);
    libewf_handle_free(&r->h, NULL);
    free(r->name);
    free(r);
}

static void ewf_stat(TSK_IMG_INFO *info, FILE *f)
{
    fprintf(f, "EWF image, %lld bytes of media\n", (long long)info->size);
}

static void ewf_why(char *why, size_t cap, const char *what, libewf_error_t *e)
{
    char msg[320] = "", trace[1024] = "";
    if (e) {
        libewf_error_sprint(e, msg, sizeof msg);
        libewf_error_backtrace_sprint(e, trace, sizeof trace);
        libewf_error_free(&e);
    }
    vg_vdisk_oneline(msg);
    vg_vdisk_cause(msg, sizeof msg, trace);
    snprintf(why, cap, "%s: %s", what, msg[0] ? msg : "unknown error");
}

TSK_IMG_INFO *vg_image_open_ewf(const char *path, char *why, size_t cap)
{
    ewf_img *r = calloc(1, sizeof *r);
    libewf_error_t *e = NULL;
    char **names = NULL;
    int nnames = 0;
    size64_t size = 0;
    TSK_IMG_INFO *img;
    if (!r || !(r->name = strdup(path))) {
        free(r);
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &names, &nnames, &e) != 1) {
        ewf_why(why, cap, "cannot open image: no segment files", e);
        goto fail;
    }
    if (libewf_handle_initialize(&r->h, &e) != 1 || libewf_handle_open(r->h, names, nnames, LIBEWF_OPEN_READ, &e) != 1 ||
        libewf_handle_get_media_size(r->h, &size, &e) != 1 ||
        libewf_handle_get_bytes_per_sector(r->h, &r->sector, &e) != 1) {
        ewf_why(why, cap, "cannot open image", e);
        goto fail;
    }
    libewf_glob_free(names, nnames, NULL);
    names = NULL;
    /* Bad chunks are recorded (and read as zeros) only in this mode; ewf_read then refuses them. */
    libewf_handle_set_read_zero_chunk_on_error(r->h, 1, NULL);
    if (!r->sector)
        r->sector = 512;
    r->names[0] = r->name;
    r->base.info.images = r->names;
    r->base.info.num_img = 1;
    img = tsk_img_open_external(r, (TSK_OFF_T)size, r->sector, ewf_read, ewf_close, ewf_stat);
    if (!img) {
        snprintf(why, cap, "cannot open image: %s", tsk_error_get());
        goto fail;
    }
    return img;
fail:
    if (names)
        libewf_glob_free(names, nnames, NULL);
    if (r->h) {
        libewf_handle_close(r->h, NULL);
        libewf_handle_free(&r->h, NULL);
    }
    free(r->name);
    free(r);
    return NULL;
}
