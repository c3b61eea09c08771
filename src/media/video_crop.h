/*
 * Borders of a video frame: letterbox and pillarbox bars (black or any flat
 * colour) added when a video is re-framed. PDQ sees the whole picture, so a
 * bar would move every frame's hash far from the original's. A frame with bars
 * gets a second hash of the picture between them, which matching tries too.
 */
#ifndef VG_MEDIA_VIDEO_CROP_H
#define VG_MEDIA_VIDEO_CROP_H
#include <stdint.h>

/*
 * Find flat bars at the edges of the w x h luma plane. When there are some,
 * copy the rectangle between them to out (room for w x h floats) row after
 * row, set *cw and *ch and return 1; else return 0 and copy nothing. A frame
 * that is flat all over, or whose bars would leave under 40% of a side, has none.
 */
int vg_luma_crop_borders(const float *luma, uint32_t w, uint32_t h, float *out, uint32_t *cw, uint32_t *ch);

#endif
