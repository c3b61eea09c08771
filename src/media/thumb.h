/*
 * Thumbnails for the report, made from the picture the scan already decoded
 * for PDQ: area-averaged down to at most VG_THUMB_SIDE pixels on the longest
 * side, with the aspect of the picture as stored, and encoded as JPEG.
 */
#ifndef VG_MEDIA_THUMB_H
#define VG_MEDIA_THUMB_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/image.h"

#define VG_THUMB_SIDE 160
#define VG_THUMB_QUALITY 70

/* The thumbnail size of a src_w x src_h picture: never larger than the picture, at least 1 x 1. */
void vg_thumb_size(uint32_t *w, uint32_t *h, uint32_t src_w, uint32_t src_h);

/*
 * A JPEG thumbnail of img (decoded with or without the PDQ 512 rule: the aspect
 * comes from src_width x src_height). On success *jpeg is malloc'd, *len bytes.
 * VIGIL_EINPUT for an empty picture, VIGIL_ENOMEM, VIGIL_EINTERNAL when the
 * encoder fails.
 */
int vg_thumb_jpeg(unsigned char **jpeg, size_t *len, const vigil_image *img, vigil_error *err);

#endif
