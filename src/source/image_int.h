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

/* A raw image (split .001 sets included) read through our own O_NOATIME descriptors. */
TSK_IMG_INFO *vg_image_open_raw(const char *path, char *why, size_t cap);
/* The same over n bytes in memory (lent: they must outlive the image). */
TSK_IMG_INFO *vg_image_open_mem_img(const uint8_t *p, size_t n);

#endif
