/*
 * Animated WebP as video: FFmpeg 5.1 has no demuxer for it, so libwebp's own
 * animation decoder composes the frames (RGBA canvases) and each sampled one
 * goes to the same frame callback as FFmpeg's frames, alpha ignored as PDQ
 * ignores it on pictures. A WebP without animation is a picture, not a video.
 */
#include <string.h>
#include <webp/demux.h>

#include "media/lazy_av.h"
#include "media/video_decode.h"

int vg_video_is_animated_webp(const uint8_t *p, size_t n)
{
    /* RIFF....WEBPVP8X with the animation flag (docs: WebP container, extended format) */
    return n >= 21 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBPVP8X", 8) == 0 && (p[20] & 0x02);
}

int vg_video_decode_webp(vigil_vpdq *out, const uint8_t *p, size_t n, const vigil_vpdq_opts *o, vg_video_frame_fn fn,
                         void *ud, vigil_error *err)
{
    WebPData data = {p, n};
    WebPAnimDecoderOptions opt;
    WebPAnimDecoder *dec;
    WebPAnimInfo info;
    AVFrame *frame;
    double start = 0, next = 0;
    int rc = 0;
    if (!WebPAnimDecoderOptionsInit(&opt))
        return vigil_error_set(err, VIGIL_EINTERNAL, "webp: libwebp version mismatch");
    opt.color_mode = MODE_RGBA;
    opt.use_threads = 0;
    if (!(dec = WebPAnimDecoderNew(&data, &opt)))
        return vigil_error_set(err, VIGIL_EINPUT, "damaged animated WebP");
    if (!WebPAnimDecoderGetInfo(dec, &info) || !(frame = av_frame_alloc())) {
        WebPAnimDecoderDelete(dec);
        return vigil_error_set(err, VIGIL_ENOMEM, "video: out of memory");
    }
    snprintf(out->codec, sizeof out->codec, "webp");
    out->width = info.canvas_width;
    out->height = info.canvas_height;
    frame->width = (int)info.canvas_width;
    frame->height = (int)info.canvas_height;
    frame->format = AV_PIX_FMT_RGBA;
    frame->linesize[0] = frame->width * 4;
    while (WebPAnimDecoderHasMoreFrames(dec)) {
        uint8_t *buf;
        int end_ms;
        if (!WebPAnimDecoderGetNext(dec, &buf, &end_ms)) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "corrupt animated WebP: frame %llu does not decode",
                                 (unsigned long long)out->decoded);
            break;
        }
        out->decoded++;
        if (start > o->max_video_seconds) {
            snprintf(out->limit, sizeof out->limit, "stopped at --max-video-seconds (%.0f s)", o->max_video_seconds);
            break;
        }
        if (vg_video_sample_due(start, &next, o->every)) {
            frame->data[0] = buf;
            if ((rc = fn(ud, frame, out->decoded - 1, start, err)) != 0)
                break;
            if (out->n >= o->max_frames) {
                snprintf(out->limit, sizeof out->limit, "stopped at --max-frames (%.0f)", (double)o->max_frames);
                break;
            }
        }
        start = end_ms / 1000.0; /* the timestamp libwebp gives is where the frame ends */
    }
    out->duration = start;
    frame->data[0] = NULL;
    av_frame_free(&frame);
    WebPAnimDecoderDelete(dec);
    return rc < 0 ? rc : rc ? -1 : 0;
}
