/* The inside of a vg_image, shared by the files of the image source. */
#ifndef VG_SOURCE_IMAGE_INT_H
#define VG_SOURCE_IMAGE_INT_H
#include <tsk/libtsk.h>

#include "source/image.h"

struct vg_image {
    TSK_IMG_INFO *img;
    TSK_VS_INFO *vs;           /* NULL: no volume system, one region at offset 0 */
    vg_image_region *regions;
    TSK_FS_INFO **fs;          /* per region; NULL unless VG_REGION_FS */
    size_t n, cap;
    int ewf;
    char tail_why[256];        /* non-empty: the end of the media cannot be read */
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
/* An EWF image through our own libewf handle: reads over a bad chunk fail. */
TSK_IMG_INFO *vg_image_open_ewf(const char *path, char *why, size_t cap);
/* The same over n bytes in memory (lent: they must outlive the image). */
TSK_IMG_INFO *vg_image_open_mem_img(const uint8_t *p, size_t n);

#endif
