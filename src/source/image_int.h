/* The inside of a vg_image, shared by the files of the image source. */
#ifndef VG_SOURCE_IMAGE_INT_H
#define VG_SOURCE_IMAGE_INT_H
#include <tsk/libtsk.h>

#include "source/image.h"
#include "source/image_format.h"

struct vg_image {
    TSK_IMG_INFO *img;
    TSK_VS_INFO *vs;           /* NULL: no volume system, one region at offset 0 */
    vg_image_region *regions;
    TSK_FS_INFO **fs;          /* per region; NULL unless VG_REGION_FS */
    TSK_IMG_INFO **inner;      /* per region: an opened encrypted volume's plaintext, under fs; or NULL */
    const char *const *keys;   /* lent while opening (--key-file); never kept or written */
    size_t nkeys;
    size_t n, cap;
    vg_image_format format;
    int by_fd;                 /* opened from a descriptor: TSK must not look for files beside it */
    char tail_why[320];        /* non-empty: the media is damaged (a qcow file cut short, or its end unreadable) */
};

/* Our readers under TSK (raw, memory, EWF) start with this. TSK does not always pass a failed
 * image read on (some file reads fill the gap with zeros), so failures are also counted here
 * and the file reader checks the count around each read. */
typedef struct vg_ext_img {
    TSK_IMG_INFO info;        /* first: TSK casts to it */
    uint64_t read_errors;
    char read_why[200];
} vg_ext_img;

/* Count a failed read on img (ours) with why; also sets TSK's error. */
void vg_ext_img_fail(TSK_IMG_INFO *img, const char *why);

/* A raw image (split .001 sets included) read through our own O_NOATIME descriptors. */
TSK_IMG_INFO *vg_image_open_raw(const char *path, char *why, size_t cap);
/* A raw image over a descriptor already open (a file found inside a scanned folder, read by a
 * worker that may open nothing): name is what TSK is told; fd is duplicated, not taken. */
TSK_IMG_INFO *vg_image_open_raw_fd(int fd, const char *name, char *why, size_t cap);
/* An EWF image through our own libewf handle: reads over a bad chunk fail. */
TSK_IMG_INFO *vg_image_open_ewf(const char *path, char *why, size_t cap);
/* The same over n bytes in memory (lent: they must outlive the image). */
TSK_IMG_INFO *vg_image_open_mem_img(const uint8_t *p, size_t n);

/* A virtual disk library's handle under TSK (image_vdisk.c): read n bytes at a media offset
 * (bytes read, or -1 with msg), and close the handle with everything it holds. */
typedef struct vg_vdisk_ops {
    const char *name;          /* "VHD", "VMDK", "qcow": for messages */
    ssize_t (*read)(void *h, void *buf, size_t n, uint64_t off, char *msg, size_t cap);
    void (*close)(void *h);
} vg_vdisk_ops;
/* Wrap an opened handle of size bytes of media; h is closed on failure. */
TSK_IMG_INFO *vg_vdisk_img(const vg_vdisk_ops *ops, void *h, uint64_t size, unsigned sector, const char *path,
                           char *why, size_t cap);
/* Where a file named in an image (a parent, an extent) is: its stored relative name, or its
 * last part, in the image's folder. 0 when it exists there; -1 with out set to where it was
 * looked for. Absolute stored names are never followed elsewhere. */
int vg_vdisk_beside(char *out, size_t cap, const char *image_path, const char *stored);
/* A library's error text on one line, without its trailing full stop. */
void vg_vdisk_oneline(char *s);
/* Add to a libyal library's message the first line of its backtrace, the cause it started from
 * ("... unable to open file (libqcow_io_handle_read_file_header: unsupported format version: 9)"). */
void vg_vdisk_cause(char *msg, size_t cap, const char *trace);

/* The virtual disk readers. Each fails with why naming what is missing or wrong; qcow also says
 * when the image is encrypted (*encrypted = 1), and in damage (else "") when clusters its files
 * map lie past their end (reads of them fail). */
TSK_IMG_INFO *vg_image_open_vhdi(const char *path, char *why, size_t cap);
TSK_IMG_INFO *vg_image_open_vmdk(const char *path, char *why, size_t cap);
TSK_IMG_INFO *vg_image_open_qcow(const char *path, int *encrypted, char *damage, size_t dcap, char *why, size_t cap);

#endif
