/*
 * Video decoding for vPDQ: FFmpeg's demuxers and decoders over bytes or a
 * descriptor (a custom AVIOContext, no path is ever opened, nested files are
 * refused), first video stream only, one decoder thread, frames handed to the
 * caller when a sampling instant (every N seconds of stream time) is reached.
 */
#ifndef VG_MEDIA_VIDEO_DECODE_H
#define VG_MEDIA_VIDEO_DECODE_H
#include <stddef.h>
#include <stdint.h>
#include <libavutil/frame.h>
#include "vigil/vpdq.h"

/* A sampled frame; return non-zero to stop (with err set). */
typedef int (*vg_video_frame_fn)(void *ud, const AVFrame *frame, uint64_t index, double seconds,
                                 vigil_error *err);

typedef struct vg_video_src {
    const uint8_t *data; /* bytes, or NULL to read fd */
    int fd;
    uint64_t size;
} vg_video_src;

/*
 * Decode src, calling fn for each sampled frame; fills out's decoded,
 * duration, width, height, codec and limit. VIGIL_EINPUT with the reason.
 */
int vg_video_decode(vigil_vpdq *out, const vg_video_src *src, const vigil_vpdq_opts *o, vg_video_frame_fn fn,
                    void *ud, vigil_error *err);

/*
 * The sampling rule: 1 when a frame at stream time t is due (t has reached
 * *next), and *next moves to the first multiple of every after t, so a jump
 * in time skips the instants it covers rather than hashing them late.
 */
int vg_video_sample_due(double t, double *next, double every);

/* Animated WebP (libwebp's decoder; FFmpeg 5.1 has none): the same callback and limits. */
int vg_video_is_animated_webp(const uint8_t *p, size_t n);
int vg_video_decode_webp(vigil_vpdq *out, const uint8_t *p, size_t n, const vigil_vpdq_opts *o, vg_video_frame_fn fn,
                         void *ud, vigil_error *err);

#endif
