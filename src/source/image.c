/*
 * Opening a disk image with libtsk: detection by content, the image itself
 * (TSK finds split raw and EWF segments by name), its volume system and the
 * file system of every partition, listed as regions in table order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tsk/libtsk.h>
#include <unistd.h>

#include "source/image.h"
#include "source/image_int.h"

#define DETECT_BYTES (40 * 1024)

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

static int at(const uint8_t *b, size_t n, size_t off, const char *sig, size_t len)
{
    return off + len <= n && !memcmp(b + off, sig, len);
}

/* The EWF signatures (EWF1 "EVF", EWF2 "EVF2") at byte 0. */
static int ewf_signature(const uint8_t *b, size_t n)
{
    return at(b, n, 0, "EVF\x09\x0d\x0a\xff\x00", 8) || at(b, n, 0, "EVF2\x0d\x0a\x81\x00", 8);
}

int vg_image_is_ewf_file(const char *path)
{
    uint8_t b[8];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOATIME);
    ssize_t n;
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return 0;
    n = pread(fd, b, sizeof b, 0);
    close(fd);
    return n == (ssize_t)sizeof b && ewf_signature(b, sizeof b);
}

int vg_image_detect(const char *path)
{
    uint8_t b[DETECT_BYTES];
    ssize_t got;
    size_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return 0;
    got = pread(fd, b, sizeof b, 0);
    close(fd);
    if (got <= 0)
        return 0;
    n = (size_t)got;
    if (ewf_signature(b, n))
        return 1;
    if (has_suffix(path, ".001") || has_suffix(path, ".dd") || has_suffix(path, ".raw") || has_suffix(path, ".img"))
        return 1;
    return at(b, n, 512, "EFI PART", 8) || at(b, n, 4096, "EFI PART", 8) ||   /* GPT */
           at(b, n, 3, "NTFS    ", 8) || at(b, n, 3, "EXFAT   ", 8) ||
           at(b, n, 54, "FAT12   ", 8) || at(b, n, 54, "FAT16   ", 8) || at(b, n, 82, "FAT32   ", 8) ||
           at(b, n, 1080, "\x53\xef", 2) ||                                   /* ext2/3/4 */
           at(b, n, 1024, "H+", 2) || at(b, n, 1024, "HX", 2) ||               /* HFS+ / HFSX */
           at(b, n, 32769, "CD001", 5) ||                                     /* ISO 9660 */
           (at(b, n, 510, "\x55\xaa", 2) && n >= 512 && (b[446] == 0x00 || b[446] == 0x80) &&
            b[450] != 0); /* an MBR whose first entry is in use */
}

static void tsk_why(char *why, size_t cap, const char *what)
{
    const char *msg = tsk_error_get();
    snprintf(why, cap, "%s: %s", what, msg && *msg ? msg : "not recognised");
    /* TSK's messages end with a newline or carry several lines: keep one line. */
    for (char *p = why; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    tsk_error_reset();
}

static int add_region(vg_image *im, const vg_image_region *r, TSK_FS_INFO *fs)
{
    if (im->n == im->cap) {
        size_t ncap = im->cap ? im->cap * 2 : 8;
        vg_image_region *p = realloc(im->regions, ncap * sizeof *p);
        TSK_FS_INFO **q;
        if (!p)
            return -1;
        im->regions = p;
        q = realloc(im->fs, ncap * sizeof *q);
        if (!q)
            return -1;
        im->fs = q;
        im->cap = ncap;
    }
    im->regions[im->n] = *r;
    im->fs[im->n] = fs;
    im->n++;
    return 0;
}

static const char *fs_name(const TSK_FS_INFO *fs)
{
    const char *s = tsk_fs_type_toname(fs->ftype);
    return s ? s : "unknown";
}

static TSK_FS_INFO *open_type(vg_image *im, const TSK_VS_PART_INFO *part, uint64_t off, TSK_FS_TYPE_ENUM t)
{
    return part ? tsk_fs_open_vol(part, t) : tsk_fs_open_img(im->img, (TSK_OFF_T)off, t);
}

/* The file system a partition's type names, or TSK_FS_TYPE_DETECT when it names none. */
static TSK_FS_TYPE_ENUM type_of_part(const TSK_VS_PART_INFO *part)
{
    const char *d = part && part->desc ? part->desc : "";
    if (strstr(d, "NTFS"))
        return TSK_FS_TYPE_NTFS;
    if (strstr(d, "FAT"))
        return TSK_FS_TYPE_FAT_DETECT;
    if (strstr(d, "Linux"))
        return TSK_FS_TYPE_EXT_DETECT;
    if (strstr(d, "HFS"))
        return TSK_FS_TYPE_HFS_DETECT;
    return TSK_FS_TYPE_DETECT;
}

/*
 * A volume that carries several file-system signatures (a stale FAT boot
 * sector in front of an ext volume, say) is not skipped: the partition type's
 * file system is tried first, then each candidate, FAT last because its boot
 * sector is the one most often left behind; the first that opens wins and
 * *several says which signatures were seen. NULL with TSK's error otherwise.
 */
static TSK_FS_INFO *open_fs(vg_image *im, const TSK_VS_PART_INFO *part, uint64_t off, char *several, size_t cap)
{
    static const TSK_FS_TYPE_ENUM order[] = {TSK_FS_TYPE_NTFS, TSK_FS_TYPE_EXFAT, TSK_FS_TYPE_EXT_DETECT,
                                             TSK_FS_TYPE_HFS_DETECT, TSK_FS_TYPE_ISO9660, TSK_FS_TYPE_FFS_DETECT,
                                             TSK_FS_TYPE_FAT_DETECT};
    TSK_FS_TYPE_ENUM hint = type_of_part(part);
    TSK_FS_INFO *fs = open_type(im, part, off, TSK_FS_TYPE_DETECT);
    const char *msg;
    *several = 0;
    if (fs || tsk_error_get_errno() != TSK_ERR_FS_UNKTYPE)
        return fs;
    /* TSK says "Cannot determine file system type (EXT2/3/4 or FAT)" when two signatures match;
       the part in parentheses is its errstr */
    msg = tsk_error_get_errstr();
    if (!msg || !strstr(msg, " or "))
        return NULL;
    snprintf(several, cap, "%s", msg);
    if (hint != TSK_FS_TYPE_DETECT) {
        tsk_error_reset();
        if ((fs = open_type(im, part, off, hint)) != NULL)
            return fs;
    }
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (order[i] == hint)
            continue;
        tsk_error_reset();
        if ((fs = open_type(im, part, off, order[i])) != NULL)
            return fs;
    }
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_FS_UNKTYPE);
    tsk_error_set_errstr("signatures of %s, and none of them opens", several);
    return NULL;
}

/* A file system at offset off (length len), or the reason it is none. */
static int open_fs_at(vg_image *im, const TSK_VS_PART_INFO *part, uint64_t off, uint64_t len, const char *name)
{
    vg_image_region r = {0};
    uint64_t size = (uint64_t)im->img->size;
    TSK_FS_INFO *fs;
    char several[64];
    r.offset = off;
    r.length = len;
    if (off + len > size || off >= size) {
        r.kind = VG_REGION_BAD_FS;
        snprintf(r.label, sizeof r.label, "%s (offset %llu)", name, (unsigned long long)off);
        snprintf(r.why, sizeof r.why, "partition table entry points past the end of the image "
                 "(sectors up to byte %llu, image has %llu bytes)", (unsigned long long)(off + len),
                 (unsigned long long)size);
        if (off < size) /* what the image still holds of it can be carved */
            r.length = size - off;
        else
            r.length = 0;
        return add_region(im, &r, NULL);
    }
    fs = open_fs(im, part, off, several, sizeof several);
    if (!fs) {
        r.kind = VG_REGION_BAD_FS;
        snprintf(r.label, sizeof r.label, "%s (offset %llu)", name, (unsigned long long)off);
        tsk_why(r.why, sizeof r.why, "no file system could be opened");
        return add_region(im, &r, NULL);
    }
    r.kind = VG_REGION_FS;
    if (several[0]) /* the volume says which of its signatures it was read as */
        snprintf(r.label, sizeof r.label, "%s (offset %llu, %s; signatures of %s)", name, (unsigned long long)off,
                 fs_name(fs), several);
    else
        snprintf(r.label, sizeof r.label, "%s (offset %llu, %s)", name, (unsigned long long)off, fs_name(fs));
    if (add_region(im, &r, fs) < 0) {
        tsk_fs_close(fs);
        return -1;
    }
    return 0;
}

static int open_volumes(vg_image *im)
{
    unsigned index = 0;
    for (TSK_PNUM_T i = 0; i < im->vs->part_count; i++) {
        const TSK_VS_PART_INFO *p = tsk_vs_part_get(im->vs, i);
        uint64_t off, len;
        if (!p)
            continue;
        off = (uint64_t)p->start * im->vs->block_size + (uint64_t)im->vs->offset;
        len = (uint64_t)p->len * im->vs->block_size;
        if (p->flags & TSK_VS_PART_FLAG_ALLOC) {
            char name[32];
            snprintf(name, sizeof name, "p%u", ++index);
            if (open_fs_at(im, p, off, len, name) < 0)
                return -1;
        } else if ((p->flags & TSK_VS_PART_FLAG_UNALLOC) && off < (uint64_t)im->img->size) {
            vg_image_region r = {.kind = VG_REGION_UNPARTITIONED, .offset = off, .length = len};
            if (off + len > (uint64_t)im->img->size)
                r.length = (uint64_t)im->img->size - off;
            snprintf(r.label, sizeof r.label, "unpartitioned (offset %llu)", (unsigned long long)off);
            if (add_region(im, &r, NULL) < 0)
                return -1;
        }
    }
    return 0;
}

/* An EWF set missing its last segments opens, but its media ends early: read the last sector. */
static void check_tail(vg_image *im)
{
    char sector[512];
    TSK_OFF_T off = im->img->size > 512 ? im->img->size - 512 : 0;
    if (im->img->size > 0 && tsk_img_read(im->img, off, sector, sizeof sector) != (ssize_t)sizeof sector) {
        char what[128];
        snprintf(what, sizeof what, "media incomplete: byte %lld of %lld cannot be read%s", (long long)off,
                 (long long)im->img->size, im->ewf ? " (a segment file missing?)" : "");
        tsk_why(im->tail_why, sizeof im->tail_why, what);
    }
    tsk_error_reset();
}

const char *vg_image_damage(const vg_image *im)
{
    return im->tail_why[0] ? im->tail_why : NULL;
}

/* Volumes and file systems of an opened TSK image; im owns img from here. */
static int open_layout(vg_image *im, char *why, size_t cap)
{
    check_tail(im);
    /* A GPT disk also carries a protective MBR: open it as GPT directly (detection tries both). */
    im->vs = tsk_vs_open(im->img, 0, TSK_VS_TYPE_GPT);
    if (!im->vs)
        im->vs = tsk_vs_open(im->img, 0, TSK_VS_TYPE_DETECT);
    tsk_error_reset();
    if ((im->vs ? open_volumes(im) : open_fs_at(im, NULL, 0, (uint64_t)im->img->size, "fs")) < 0)
        return snprintf(why, cap, "out of memory"), -1;
    return 0;
}

int vg_image_open(vg_image **out, const char *path, char *why, size_t cap)
{
    vg_image *im = calloc(1, sizeof *im);
    *out = NULL;
    if (!im)
        return snprintf(why, cap, "out of memory"), -1;
    if ((im->ewf = vg_image_is_ewf_file(path)) != 0) {
        im->img = vg_image_open_ewf(path, why, cap);
    } else {
        im->img = vg_image_open_raw(path, why, cap);
    }
    if (!im->img) {
        free(im);
        return -1;
    }
    if (open_layout(im, why, cap) < 0) {
        vg_image_close(im);
        return -1;
    }
    *out = im;
    return 0;
}

int vg_image_open_mem(vg_image **out, const uint8_t *p, size_t n, char *why, size_t cap)
{
    vg_image *im = calloc(1, sizeof *im);
    *out = NULL;
    if (!im || !(im->img = vg_image_open_mem_img(p, n))) {
        free(im);
        return snprintf(why, cap, "cannot open image in memory"), -1;
    }
    if (open_layout(im, why, cap) < 0) {
        vg_image_close(im);
        return -1;
    }
    *out = im;
    return 0;
}

void vg_image_close(vg_image *im)
{
    if (!im)
        return;
    for (size_t i = 0; i < im->n; i++)
        if (im->fs[i])
            tsk_fs_close(im->fs[i]);
    if (im->vs)
        tsk_vs_close(im->vs);
    if (im->img)
        tsk_img_close(im->img);
    free(im->regions);
    free(im->fs);
    free(im);
}

int vg_image_is_ewf(const vg_image *im)
{
    return im->ewf;
}

uint64_t vg_image_size(const vg_image *im)
{
    return (uint64_t)im->img->size;
}

size_t vg_image_nregions(const vg_image *im)
{
    return im->n;
}

const vg_image_region *vg_image_region_at(const vg_image *im, size_t i)
{
    return i < im->n ? &im->regions[i] : NULL;
}

ssize_t vg_image_pread(vg_image *im, void *buf, size_t n, uint64_t offset)
{
    if (offset >= (uint64_t)im->img->size)
        return 0;
    if (n > (uint64_t)im->img->size - offset)
        n = (size_t)((uint64_t)im->img->size - offset);
    return tsk_img_read(im->img, (TSK_OFF_T)offset, buf, n);
}
