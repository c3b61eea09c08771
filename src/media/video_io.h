/*
 * An AVIOContext over bytes in memory or an open descriptor read with pread:
 * FFmpeg never opens a path for vigil (parser workers may not open files).
 */
#ifndef VG_MEDIA_VIDEO_IO_H
#define VG_MEDIA_VIDEO_IO_H
#include <libavformat/avio.h>
#include "media/video_decode.h"

typedef struct vg_video_io {
    vg_video_src src;
    uint64_t pos;
    int read_error; /* errno of a failed pread, 0 if none */
} vg_video_io;

/* An AVIOContext reading io (which must outlive it); NULL when out of memory. */
AVIOContext *vg_video_io_open(vg_video_io *io);
void vg_video_io_close(AVIOContext **ctx);

#endif
