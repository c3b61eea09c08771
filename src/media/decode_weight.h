/*
 * How much memory decoding a picture holds at once, read from its header
 * before anything is decoded, so that a scan can keep two large decodes from
 * running side by side. The encoded size says little: a 5 MB WebP of
 * 4096 x 4096 decodes into a 50 MB RGB buffer, and a progressive JPEG keeps
 * every DCT coefficient of the picture (2 bytes each), while a baseline JPEG
 * or a PNG that is not interlaced streams its rows through small buffers.
 */
#ifndef VG_MEDIA_DECODE_WEIGHT_H
#define VG_MEDIA_DECODE_WEIGHT_H
#include <stddef.h>

/*
 * Bytes the decoder of the picture in p[0..n) holds (whole-picture buffers
 * of the format's decoder), plus the n encoded bytes; n alone when the header
 * does not say (formats whose size is not read here, or a damaged header).
 */
size_t vg_image_decode_weight(const void *p, size_t n);

#endif
