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
#include "source/volume_crypt.h"
#include "source/volume_unlock.h"

/* The EWF signatures (EWF1 "EVF", EWF2 "EVF2") at byte 0. */
int vg_image_is_ewf_file(const char *path)
{
    uint8_t b[8];
    vg_image_head h = {b, sizeof b, NULL};
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOATIME);
    ssize_t n;
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return 0;
    n = pread(fd, b, sizeof b, 0);
    close(fd);
    return n == (ssize_t)sizeof b && vg_image_format_of(&h) == VG_FORMAT_EWF;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

int vg_image_detect(const char *path)
{
    vg_image_format f;
    int disk;
    if (vg_image_probe(path, &f, &disk) < 0)
        return 0;
    if (f != VG_FORMAT_RAW || disk)
        return 1;
    return has_suffix(path, ".001") || has_suffix(path, ".dd") || has_suffix(path, ".raw") || has_suffix(path, ".img");
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

static int add_region_in(vg_image *im, const vg_image_region *r, TSK_FS_INFO *fs, TSK_IMG_INFO *inner)
{
    if (im->n == im->cap) {
        size_t ncap = im->cap ? im->cap * 2 : 8;
        vg_image_region *p = realloc(im->regions, ncap * sizeof *p);
        TSK_FS_INFO **q;
        TSK_IMG_INFO **in;
        if (!p)
            return -1;
        im->regions = p;
        q = realloc(im->fs, ncap * sizeof *q);
        if (!q)
            return -1;
        im->fs = q;
        if (!(in = realloc(im->inner, ncap * sizeof *in)))
            return -1;
        im->inner = in;
        im->cap = ncap;
    }
    im->regions[im->n] = *r;
    im->fs[im->n] = fs;
    im->inner[im->n] = inner;
    im->n++;
    return 0;
}

static int add_region(vg_image *im, const vg_image_region *r, TSK_FS_INFO *fs)
{
    return add_region_in(im, r, fs, NULL);
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
    TSK_FS_INFO *fs;
    const char *msg;
    *several = 0;
    /* opened from a descriptor, each type in turn: TSK's detection opens a file beside the image
       (YAFFS2's config), which a sandboxed worker may not */
    if (!im->by_fd &&
        ((fs = open_type(im, part, off, TSK_FS_TYPE_DETECT)) != NULL || tsk_error_get_errno() != TSK_ERR_FS_UNKTYPE))
        return fs;
    /* TSK says "Cannot determine file system type (EXT2/3/4 or FAT)" when two signatures match;
       the part in parentheses is its errstr */
    msg = im->by_fd ? NULL : tsk_error_get_errstr();
    if (!im->by_fd && (!msg || !strstr(msg, " or ")))
        return NULL;
    if (msg)
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
    if (im->by_fd)
        tsk_error_set_errstr("no file system recognised");
    else
        tsk_error_set_errstr("signatures of %s, and none of them opens", several);
    return NULL;
}

/* The encryption of the volume at image offset off, by its first sector. */
static vg_crypt_kind crypt_at(vg_image *im, uint64_t off)
{
    uint8_t sector[512];
    if (tsk_img_read(im->img, (TSK_OFF_T)off, (char *)sector, sizeof sector) != (ssize_t)sizeof sector) {
        tsk_error_reset();
        return VG_CRYPT_NONE;
    }
    return vg_crypt_detect(sector, sizeof sector);
}

/* An encrypted volume: with keys, its plaintext's file system (not carved: its blocks are not the
 * image's); without, or when no key opens it, one encrypted region saying so. */
static int open_encrypted(vg_image *im, vg_image_region *r, vg_crypt_kind crypt, const char *name)
{
    TSK_IMG_INFO *inner;
    TSK_FS_INFO *fs;
    snprintf(r->label, sizeof r->label, "%s (offset %llu, %s)", name, (unsigned long long)r->offset,
             vg_crypt_tag(crypt));
    r->kind = VG_REGION_ENCRYPTED;
    r->error_kind = VIGIL_ERROR_ENCRYPTED;
    if (!im->nkeys) {
        snprintf(r->why, sizeof r->why, "%s encrypted volume: its files cannot be read without its key "
                 "(--key-file)", vg_crypt_name(crypt));
        return add_region(im, r, NULL);
    }
    if (!(inner = vg_volume_unlock(im->img, r->offset, r->length, crypt, im->keys, im->nkeys, &r->error_kind, r->why,
                                   sizeof r->why)))
        return add_region(im, r, NULL);
    r->decrypted = 1;
    r->error_kind = VIGIL_ERROR_OTHER;
    if (!(fs = tsk_fs_open_img(inner, 0, TSK_FS_TYPE_DETECT))) {
        r->kind = VG_REGION_BAD_FS;
        tsk_why(r->why, sizeof r->why, "encrypted volume opened with a key, but no file system could be opened in it");
        tsk_img_close(inner);
        return add_region(im, r, NULL);
    }
    r->kind = VG_REGION_FS;
    snprintf(r->label, sizeof r->label, "%s (offset %llu, %s, %s)", name, (unsigned long long)r->offset,
             vg_crypt_tag(crypt), fs_name(fs));
    if (add_region_in(im, r, fs, inner) < 0) {
        tsk_fs_close(fs);
        tsk_img_close(inner);
        return -1;
    }
    return 0;
}

/*
 * Why no file system opened, as an error kind: corrupt when TSK found one damaged (a bad magic,
 * inode or block number) or the partition type names one; unsupported for a type TSK does not
 * read; other when nothing is recognised (unformatted space, random data). Before tsk_why resets.
 */
static vigil_error_kind bad_fs_kind(const TSK_VS_PART_INFO *part)
{
    switch (tsk_error_get_errno()) {
    case TSK_ERR_FS_INODE_COR:
    case TSK_ERR_FS_MAGIC:
    case TSK_ERR_FS_CORRUPT:
    case TSK_ERR_FS_BLK_NUM:
    case TSK_ERR_FS_INODE_NUM:
    case TSK_ERR_FS_RECOVER:
        return VIGIL_ERROR_CORRUPT;
    case TSK_ERR_FS_UNSUPTYPE:
        return VIGIL_ERROR_UNSUPPORTED;
    default:
        return type_of_part(part) != TSK_FS_TYPE_DETECT ? VIGIL_ERROR_CORRUPT : VIGIL_ERROR_OTHER;
    }
}

/* A volume whose first sectors carry a file system's signature yet did not open: damaged, or one
 * TSK does not read. Said in r's why and kind; nothing when there is no signature. */
static void signature_says(vg_image *im, vg_image_region *r, uint64_t off)
{
    uint8_t *b = malloc(VG_FS_SIGNATURE_BYTES);
    ssize_t n = b ? tsk_img_read(im->img, (TSK_OFF_T)off, (char *)b, VG_FS_SIGNATURE_BYTES) : -1;
    const char *sig;
    int readable;
    size_t k = strlen(r->why);
    tsk_error_reset();
    if (n > 0 && (sig = vg_image_fs_signature(b, (size_t)n, &readable)) != NULL) {
        r->error_kind = readable ? VIGIL_ERROR_CORRUPT : VIGIL_ERROR_UNSUPPORTED;
        snprintf(r->why + k, sizeof r->why - k, readable ? "; its first sectors carry the %s signature: it is damaged"
                                                         : "; its first sectors carry the %s signature, a file system "
                                                           "that is not read", sig);
    }
    free(b);
}

/* A file system at offset off (length len), or the reason it is none. */
static int open_fs_at(vg_image *im, const TSK_VS_PART_INFO *part, uint64_t off, uint64_t len, const char *name)
{
    vg_image_region r = {0};
    uint64_t size = (uint64_t)im->img->size;
    TSK_FS_INFO *fs;
    char several[64];
    vg_crypt_kind crypt;
    r.offset = off;
    r.length = len;
    if (off + len > size || off >= size) {
        r.kind = VG_REGION_BAD_FS;
        r.error_kind = VIGIL_ERROR_CORRUPT; /* the table, or the image cut short */
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
    if ((crypt = crypt_at(im, off)) != VG_CRYPT_NONE) /* not a damaged file system: an encrypted one */
        return open_encrypted(im, &r, crypt, name);
    fs = open_fs(im, part, off, several, sizeof several);
    if (!fs) {
        r.kind = VG_REGION_BAD_FS;
        r.error_kind = bad_fs_kind(part);
        snprintf(r.label, sizeof r.label, "%s (offset %llu)", name, (unsigned long long)off);
        tsk_why(r.why, sizeof r.why, "no file system could be opened");
        if (r.error_kind == VIGIL_ERROR_OTHER) /* the image could not give its bytes: its damage, if it says so */
            r.error_kind = vg_image_error_kind(r.why);
        if (r.error_kind == VIGIL_ERROR_OTHER)
            signature_says(im, &r, off);
        if (type_of_part(part) != TSK_FS_TYPE_DETECT) { /* the table says one is there: it is damaged */
            size_t k = strlen(r.why);
            snprintf(r.why + k, sizeof r.why - k, "; its partition type (%s) names one", part->desc);
        }
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
    if (im->tail_why[0]) /* the reader said already what the media lost */
        return;
    if (im->img->size > 0 && tsk_img_read(im->img, off, sector, sizeof sector) != (ssize_t)sizeof sector) {
        char what[128];
        snprintf(what, sizeof what, "media incomplete: byte %lld of %lld cannot be read%s", (long long)off,
                 (long long)im->img->size, im->format == VG_FORMAT_EWF ? " (a segment file missing?)" : "");
        tsk_why(im->tail_why, sizeof im->tail_why, what);
    }
    tsk_error_reset();
}

const char *vg_image_damage(const vg_image *im)
{
    return im->tail_why[0] ? im->tail_why : NULL;
}

/* Volumes and file systems of an opened TSK image; im owns img from here. On success *out is im,
   whose keys were lent for the opening only; on failure im is closed. */
static int open_layout(vg_image *im, vg_image **out, char *why, size_t cap)
{
    check_tail(im);
    /* A GPT disk also carries a protective MBR: open it as GPT directly (detection tries both).
       A whole-disk encrypted volume's boot sector is no partition table, whatever it looks like. */
    if (crypt_at(im, 0) == VG_CRYPT_NONE) {
        im->vs = tsk_vs_open(im->img, 0, TSK_VS_TYPE_GPT);
        if (!im->vs)
            im->vs = tsk_vs_open(im->img, 0, TSK_VS_TYPE_DETECT);
    }
    tsk_error_reset();
    if ((im->vs ? open_volumes(im) : open_fs_at(im, NULL, 0, (uint64_t)im->img->size, "fs")) < 0) {
        vg_image_close(im);
        return snprintf(why, cap, "out of memory"), -1;
    }
    im->keys = NULL;
    im->nkeys = 0;
    *out = im;
    return 0;
}

static int open_image(vg_image **out, const char *path, vg_image_format format, const char *const *keys,
                      size_t nkeys, char *why, size_t cap)
{
    vg_image *im;
    int encrypted = 0;
    *out = NULL;
    if (!vg_image_format_supported(format, why, cap))
        return VG_IMAGE_UNSUPPORTED;
    if (!(im = calloc(1, sizeof *im)))
        return snprintf(why, cap, "out of memory"), -1;
    im->format = format;
    im->keys = keys;
    im->nkeys = nkeys;
    switch (format) {
    case VG_FORMAT_EWF: im->img = vg_image_open_ewf(path, why, cap); break;
    case VG_FORMAT_VHD:
    case VG_FORMAT_VHDX: im->img = vg_image_open_vhdi(path, why, cap); break;
    case VG_FORMAT_VMDK: im->img = vg_image_open_vmdk(path, why, cap); break;
    case VG_FORMAT_QCOW: im->img = vg_image_open_qcow(path, &encrypted, im->tail_why, sizeof im->tail_why, why, cap); break;
    default: im->img = vg_image_open_raw(path, why, cap); break;
    }
    if (!im->img) {
        free(im);
        return encrypted ? VG_IMAGE_ENCRYPTED : -1;
    }
    return open_layout(im, out, why, cap);
}

int vg_image_open_as(vg_image **out, const char *path, vg_image_format format, char *why, size_t cap)
{
    return open_image(out, path, format, NULL, 0, why, cap);
}

int vg_image_open_keys(vg_image **out, const char *path, const char *const *keys, size_t nkeys, char *why,
                       size_t cap)
{
    vg_image_format format;
    int disk;
    *out = NULL;
    if (vg_image_probe(path, &format, &disk) < 0)
        return snprintf(why, cap, "cannot open image: %s: %s", path, strerror(errno)), -1;
    return open_image(out, path, format, keys, nkeys, why, cap);
}

int vg_image_open(vg_image **out, const char *path, char *why, size_t cap)
{
    return vg_image_open_keys(out, path, NULL, 0, why, cap);
}

int vg_image_open_fd(vg_image **out, int fd, const char *name, const char *const *keys, size_t nkeys, char *why,
                     size_t cap)
{
    vg_image *im = calloc(1, sizeof *im);
    *out = NULL;
    if (!im)
        return snprintf(why, cap, "out of memory"), -1;
    im->format = VG_FORMAT_RAW;
    im->by_fd = 1;
    im->keys = keys;
    im->nkeys = nkeys;
    if (!(im->img = vg_image_open_raw_fd(fd, name, why, cap))) {
        free(im);
        return -1;
    }
    return open_layout(im, out, why, cap);
}

int vg_image_open_mem(vg_image **out, const uint8_t *p, size_t n, char *why, size_t cap)
{
    vg_image *im = calloc(1, sizeof *im);
    *out = NULL;
    if (!im || !(im->img = vg_image_open_mem_img(p, n))) {
        free(im);
        return snprintf(why, cap, "cannot open image in memory"), -1;
    }
    return open_layout(im, out, why, cap);
}

void vg_image_close(vg_image *im)
{
    if (!im)
        return;
    for (size_t i = 0; i < im->n; i++) {
        if (im->fs[i])
            tsk_fs_close(im->fs[i]);
        if (im->inner[i]) /* after the file system read through it */
            tsk_img_close(im->inner[i]);
    }
    if (im->vs)
        tsk_vs_close(im->vs);
    if (im->img)
        tsk_img_close(im->img);
    free(im->regions);
    free(im->fs);
    free(im->inner);
    free(im);
}

int vg_image_is_ewf(const vg_image *im)
{
    return im->format == VG_FORMAT_EWF;
}

vg_image_format vg_image_format_get(const vg_image *im)
{
    return im->format;
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
