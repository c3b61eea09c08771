/*
 * Animated pictures: how many frames a GIF or an animated WebP holds, found
 * by walking its blocks (GIF) or chunks (WebP) without decoding any pixel,
 * so a scan can tell an animation (hashed as a video) from a still cheaply.
 */
#ifndef VG_MEDIA_ANIM_FRAMES_H
#define VG_MEDIA_ANIM_FRAMES_H
#include <stddef.h>
#include <stdint.h>

/* 1 when head (n bytes) starts a GIF or a WebP with the animation flag: a picture that may animate. */
int vg_anim_head(const uint8_t *head, size_t n);

/*
 * The frames of the GIF or animated WebP in p (n bytes), or read from fd
 * (size bytes) with pread, counted up to max: 0 when it is neither, the
 * frames before the damage when its structure breaks.
 */
unsigned vg_anim_frames_mem(const uint8_t *p, size_t n, unsigned max);
unsigned vg_anim_frames_fd(int fd, uint64_t size, unsigned max);

/* Where a GIF's blocks stop short of its trailer (vg_anim_gif_end_*). */
typedef struct vg_gif_end {
    unsigned frames;  /* whole frames before the damage */
    unsigned started; /* frames begun, a cut one included */
    char why[160];    /* "the file ends inside frame 3 (at offset N, 2 whole frames before)" */
} vg_gif_end;

/*
 * Whether the GIF in p (n bytes), or read from fd (size bytes), is cut or
 * damaged: 0 when its blocks run to the trailer (or it is no GIF), 1 when the
 * file ends first or a byte starts no block, out saying where.
 */
int vg_anim_gif_end_mem(vg_gif_end *out, const uint8_t *p, size_t n);
int vg_anim_gif_end_fd(vg_gif_end *out, int fd, uint64_t size);

#endif
