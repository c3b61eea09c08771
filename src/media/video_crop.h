/*
 * Borders of a video frame: letterbox and pillarbox bars (black or any flat
 * colour) added when a video is re-framed. PDQ sees the whole picture, so a
 * bar would move every frame's hash far from the original's; the bars are
 * cut off before hashing, the same way on known and seized videos.
 */
#ifndef VG_MEDIA_VIDEO_CROP_H
#define VG_MEDIA_VIDEO_CROP_H
#include <stdint.h>

/*
 * Cut the flat bars off the w x h luma plane in place (the kept rectangle
 * moved to the start, row after row) and update *w and *h. A frame that is
 * flat all over, or whose bars would leave under 40% of a side, is left whole.
 */
void vg_luma_crop_borders(float *luma, uint32_t *w, uint32_t *h);

#endif
