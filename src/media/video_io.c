/*
 * The read and seek callbacks of vigil's AVIOContext: bytes in memory or
 * pread on the caller's descriptor, bounded by the size the caller gave.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "media/lazy_av.h"
#include "media/video_io.h"

#define IO_BUF 65536

static int io_read(void *opaque, uint8_t *buf, int len)
{
    vg_video_io *io = opaque;
    uint64_t left = io->src.size - io->pos;
    size_t want = (uint64_t)len < left ? (size_t)len : (size_t)left;
    if (want == 0)
        return AVERROR_EOF;
    if (io->src.data) {
        memcpy(buf, io->src.data + io->pos, want);
    } else {
        ssize_t got;
        do
            got = pread(io->src.fd, buf, want, (off_t)io->pos);
        while (got < 0 && errno == EINTR);
        if (got < 0) {
            io->read_error = errno;
            return AVERROR(errno);
        }
        if (got == 0)
            return AVERROR_EOF;
        want = (size_t)got;
    }
    io->pos += want;
    return (int)want;
}

static int64_t io_seek(void *opaque, int64_t offset, int whence)
{
    vg_video_io *io = opaque;
    int64_t base;
    switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return (int64_t)io->src.size;
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)io->pos; break;
    case SEEK_END: base = (int64_t)io->src.size; break;
    default: return AVERROR(EINVAL);
    }
    if (offset < -base || base + offset > (int64_t)io->src.size)
        return AVERROR(EINVAL);
    io->pos = (uint64_t)(base + offset);
    return (int64_t)io->pos;
}

AVIOContext *vg_video_io_open(vg_video_io *io)
{
    uint8_t *buf = av_malloc(IO_BUF);
    AVIOContext *ctx;
    if (!buf)
        return NULL;
    io->pos = 0;
    io->read_error = 0;
    ctx = avio_alloc_context(buf, IO_BUF, 0, io, io_read, NULL, io_seek);
    if (!ctx)
        av_free(buf);
    return ctx;
}

void vg_video_io_close(AVIOContext **ctx)
{
    if (!*ctx)
        return;
    av_freep(&(*ctx)->buffer);
    avio_context_free(ctx);
}
