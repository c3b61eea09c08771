/*
 * Disk images through The Sleuth Kit: raw (single or split .001/.002...),
 * E01/Ex01 (libewf under TSK), VHD/VHDX (libvhdi), VMDK (libvmdk) and qcow
 * (libqcow), told apart by content (source/image_format.h). An opened image is a list of regions: each
 * file system TSK opened (in a partition or at offset 0), each partition it
 * could not open, and the space no partition covers. Files are walked per
 * region and read back by their metadata address, so every reader thread can
 * open its own handle: one vg_image is used by one thread at a time.
 */
#ifndef VG_SOURCE_IMAGE_H
#define VG_SOURCE_IMAGE_H
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "source/image_format.h"
#include "vigil/item.h"

typedef struct vg_image vg_image;

typedef enum {
    VG_REGION_FS = 0,        /* a file system TSK opened */
    VG_REGION_BAD_FS,        /* a partition (or the whole image) whose file system did not open: why says so */
    VG_REGION_UNPARTITIONED, /* space of the volume system outside every partition */
    VG_REGION_ENCRYPTED,     /* an encrypted volume (BitLocker, LUKS, FileVault 2): why names it */
} vg_region_kind;

typedef struct vg_image_region {
    vg_region_kind kind;
    char label[160];         /* "p2 (offset 1048576, ntfs)", "fs (offset 0, ext4)", "unpartitioned" */
    uint64_t offset, length; /* bytes in the image */
    char why[256];           /* VG_REGION_BAD_FS: the reason; VG_REGION_ENCRYPTED: which encryption */
    vigil_error_kind error_kind; /* VG_REGION_BAD_FS: corrupt (a table entry past the end, a file system the
                                    partition type names or TSK finds damaged), unsupported, or other;
                                    VG_REGION_ENCRYPTED: encrypted, or unsupported or corrupt when a key
                                    was given but the volume cannot be opened (a LUKS 2 reencryption,
                                    a damaged header) */
    int decrypted;           /* inside an encrypted volume opened with a key: its blocks are not the image's */
} vg_image_region;

/* The error kind of an image-layer message (an image that does not open, a damaged one, a file
 * read that failed): corrupt, unsupported or other (image_error.c). */
vigil_error_kind vg_image_error_kind(const char *msg);

/* 1 when the root path should be opened as a disk image: a container signature
 * (EWF, VHD, VHDX, VMDK, qcow, or one recognised but not read: DMG, VDI...), a
 * split raw name (.001), a raw name (.dd .raw .img) or a volume system, file
 * system or encrypted volume signature in its first sectors. Reads at most
 * 40 KiB and the last 512 bytes, without atime. */
int vg_image_detect(const char *path);
/* 1 when the file starts with an EWF (E01, Ex01) signature. */
int vg_image_is_ewf_file(const char *path);

/* Open path read-only (its other segments, extents and parents are found
 * beside it). On failure returns -1 with why ("cannot open image: ..."), or
 * VG_IMAGE_UNSUPPORTED for a format recognised but not read, or
 * VG_IMAGE_ENCRYPTED for an encrypted container (qcow with a key). */
enum { VG_IMAGE_UNSUPPORTED = -2, VG_IMAGE_ENCRYPTED = -3 };
int vg_image_open(vg_image **out, const char *path, char *why, size_t cap);
/* The same, opening encrypted volumes with one of the n keys (passwords, recovery keys), which
 * are lent for the call only and never written anywhere. */
int vg_image_open_keys(vg_image **out, const char *path, const char *const *keys, size_t nkeys, char *why,
                       size_t cap);
/* The same, taking the container format as given (fuzzing a format's reader). */
int vg_image_open_as(vg_image **out, const char *path, vg_image_format format, char *why, size_t cap);
/* A raw image over fd (duplicated), named name: a file found inside a scanned folder, opened where
 * nothing may be opened by name. Containers (E01, virtual disks) are not read so: -1 with why. */
int vg_image_open_fd(vg_image **out, int fd, const char *name, const char *const *keys, size_t nkeys, char *why,
                     size_t cap);
/* The same over n bytes in memory, which must outlive the image (fuzzing, tests). */
int vg_image_open_mem(vg_image **out, const uint8_t *p, size_t n, char *why, size_t cap);
void vg_image_close(vg_image *im);

int vg_image_is_ewf(const vg_image *im);
vg_image_format vg_image_format_get(const vg_image *im);
/* Why the image is incomplete (its last sector cannot be read, e.g. an EWF segment missing), or NULL. */
const char *vg_image_damage(const vg_image *im);
uint64_t vg_image_size(const vg_image *im);
size_t vg_image_nregions(const vg_image *im);
const vg_image_region *vg_image_region_at(const vg_image *im, size_t i);

/* Read from the image itself (for carving); -1 on a read error. */
ssize_t vg_image_pread(vg_image *im, void *buf, size_t n, uint64_t offset);

/* A file's content by address: which region, metadata entry and attribute. */
typedef struct vg_image_ref {
    size_t region;
    uint64_t inum;
    uint16_t attr_id;
    int has_attr_id;         /* 0: the file's default attribute */
} vg_image_ref;

/* One entry of a file system walk, lent to the callback. */
typedef struct vg_image_file {
    const char *path;        /* inside the file system, no leading slash; ADS as "name:stream" */
    size_t path_len;
    vg_image_ref ref;
    vigil_item_type type;
    uint64_t size;
    int allocated;           /* 0: a deleted name or metadata entry */
    int reallocated;         /* a deleted name whose metadata now belongs to another file */
    vigil_fs_time times[VIGIL_TIME__COUNT];
} vg_image_file;

typedef int (*vg_image_file_fn)(void *ud, const vg_image_file *f);

/* Walk every file of region i (allocated and deleted, recursively); the
 * callback's non-zero return stops the walk. Returns 0, the callback's value,
 * or -1 with why when the walk failed part way. */
int vg_image_walk(vg_image *im, size_t region, vg_image_file_fn fn, void *ud, volatile sig_atomic_t *stop,
                  char *why, size_t cap);

/* The unallocated space of region i as image byte ranges, in order, merged (none for a region
 * inside an opened encrypted volume).
 * On success *out is malloc'd (caller frees). */
typedef struct vg_image_extent {
    uint64_t offset, length;
} vg_image_extent;
int vg_image_unallocated(vg_image_extent **out, size_t *n, vg_image *im, size_t region, char *why, size_t cap);

/* Reading one file's content in order. */
typedef struct vg_image_stream vg_image_stream;
int vg_image_stream_open(vg_image_stream **out, vg_image *im, const vg_image_ref *ref, uint64_t *size,
                         char *why, size_t cap);
/* Bytes read (0 at the end) or -1 with why. */
ssize_t vg_image_stream_read(vg_image_stream *s, void *buf, size_t n, char *why, size_t cap);
void vg_image_stream_close(vg_image_stream *s);

#endif
