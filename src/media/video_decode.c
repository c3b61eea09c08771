/*
 * Video decoding for vPDQ. The container is probed from the bytes and only
 * the demuxers of the formats vigil calls video are accepted (no playlists,
 * concat lists or image sequences that would name other files); any attempt
 * to open a nested resource is refused. Frames are sampled by presentation
 * time, not by frame count, so variable frame rates sample evenly.
 * What makes a video an error: a container that does not parse, no video
 * stream, an encrypted stream, packets that do not decode, or a stream that
 * ends well before the duration its container declares (a truncated file), or
 * a GIF whose blocks stop before its trailer.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libavutil/encryption_info.h>

#include "core/heartbeat.h"
#include "media/anim_frames.h"
#include "media/lazy_av.h"
#include "media/video_decode.h"
#include "media/video_io.h"

/* Demuxers (FFmpeg's names) of the containers vigil hashes as video. */
static const char *const video_demuxers[] = {
    "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpegts", "flv", "asf", "gif", "mpeg", NULL,
};

static int refuse_nested(struct AVFormatContext *s, AVIOContext **pb, const char *url, int flags,
                         AVDictionary **options)
{
    (void)s, (void)pb, (void)url, (void)flags, (void)options;
    return AVERROR(EPERM);
}

static int allowed_demuxer(const AVInputFormat *f)
{
    for (int i = 0; video_demuxers[i]; i++)
        if (strcmp(f->name, video_demuxers[i]) == 0)
            return 1;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *av_why(int rc, char *buf, size_t cap)
{
    av_strerror(rc, buf, cap);
    return buf;
}

typedef struct decode_run {
    AVFormatContext *fmt;
    AVCodecContext *codec;
    AVStream *st;
    AVFrame *frame;
    AVPacket *pkt;
    const vigil_vpdq_opts *o;
    vigil_vpdq *out;
    vg_video_frame_fn fn;
    void *ud;
    double started, fps;
    int64_t start_pts;   /* the stream time that counts as 0 */
    double next_sample;  /* stream time of the next frame to hash */
    double last_seconds; /* of the last decoded frame */
    uint64_t bad_packets, packets;
    double first_bad;    /* stream time of the first packet that did not decode */
    int stopped;         /* a limit ended it */
} decode_run;

int vg_video_sample_due(double t, double *next, double every)
{
    /* half a millisecond of slack: a frame at 30/30 s computed as 0.99999... is still due at 1 s */
    if (t + 0.0005 < *next)
        return 0;
    *next = every * (floor((t + 0.0005) / every) + 1.0);
    return 1;
}

static double frame_seconds(decode_run *r, const AVFrame *f)
{
    int64_t pts = f->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) /* no timestamps at all: count frames at the nominal rate */
        return r->fps > 0 ? (double)r->out->decoded / r->fps : (double)r->out->decoded;
    if (r->start_pts == AV_NOPTS_VALUE)
        r->start_pts = pts;
    return (double)(pts - r->start_pts) * av_q2d(r->st->time_base);
}

static void stop_at(decode_run *r, const char *fmt, double v)
{
    snprintf(r->out->limit, sizeof r->out->limit, fmt, v);
    r->stopped = 1;
}

/* Every frame the decoder has ready: sample, hash, check the limits. */
static int drain(decode_run *r, vigil_error *err)
{
    for (;;) {
        int rc = avcodec_receive_frame(r->codec, r->frame);
        double t;
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0) {
            if (r->bad_packets++ == 0)
                r->first_bad = r->last_seconds;
            return 0;
        }
        vg_heartbeat(); /* a parser worker decoding a long video is moving, not stuck */
        t = frame_seconds(r, r->frame);
        if (r->frame->decode_error_flags || (r->frame->flags & AV_FRAME_FLAG_CORRUPT)) {
            if (r->bad_packets++ == 0)
                r->first_bad = t;
        }
        r->out->decoded++;
        if (t > r->last_seconds)
            r->last_seconds = t;
        if (t > r->o->max_video_seconds) {
            stop_at(r, "stopped at --max-video-seconds (%.0f s)", r->o->max_video_seconds);
            av_frame_unref(r->frame);
            return 0;
        }
        if (vg_video_sample_due(t, &r->next_sample, r->o->every)) {
            if (r->fn(r->ud, r->frame, r->out->decoded - 1, t < 0 ? 0 : t, err)) {
                av_frame_unref(r->frame);
                return -1;
            }
            if (r->out->n >= r->o->max_frames) {
                stop_at(r, "stopped at --max-frames (%.0f)", (double)r->o->max_frames);
                av_frame_unref(r->frame);
                return 0;
            }
        }
        av_frame_unref(r->frame);
        if (r->o->max_decode_seconds > 0 && now_s() - r->started > r->o->max_decode_seconds) {
            stop_at(r, "stopped after %.0f s of decoding (the decode time limit)", r->o->max_decode_seconds);
            return 0;
        }
    }
}

static int is_encrypted(const AVStream *st, const AVPacket *pkt)
{
    size_t n;
    if (pkt)
        return av_packet_get_side_data(pkt, AV_PKT_DATA_ENCRYPTION_INFO, &n) != NULL;
    return av_stream_get_side_data(st, AV_PKT_DATA_ENCRYPTION_INIT_INFO, &n) != NULL;
}

static int read_packets(decode_run *r, vigil_error *err)
{
    char why[128];
    int rc;
    while (!r->stopped && (rc = av_read_frame(r->fmt, r->pkt)) >= 0) {
        if (r->pkt->stream_index != r->st->index) {
            av_packet_unref(r->pkt);
            continue;
        }
        if (is_encrypted(r->st, r->pkt)) {
            av_packet_unref(r->pkt);
            return vigil_error_set(err, VIGIL_EINPUT, "encrypted video stream (Common Encryption), cannot decode");
        }
        r->packets++;
        if (r->pkt->flags & AV_PKT_FLAG_CORRUPT) {
            if (r->bad_packets++ == 0)
                r->first_bad = r->last_seconds;
        }
        rc = avcodec_send_packet(r->codec, r->pkt);
        av_packet_unref(r->pkt);
        if (rc < 0 && rc != AVERROR(EAGAIN)) {
            if (r->bad_packets++ == 0)
                r->first_bad = r->last_seconds;
        }
        if (drain(r, err) < 0)
            return -1;
    }
    if (r->stopped)
        return 0;
    if (rc != AVERROR_EOF)
        return vigil_error_set(err, VIGIL_EINPUT, "read error at %.1f s: %s", r->last_seconds,
                               av_why(rc, why, sizeof why));
    avcodec_send_packet(r->codec, NULL); /* flush the frames the decoder still holds */
    return drain(r, err);
}

static int open_stream(decode_run *r, vigil_error *err)
{
    char why[128];
    const AVCodec *dec = NULL;
    int idx = -1, rc;
    if ((rc = avformat_find_stream_info(r->fmt, NULL)) < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "damaged video container: %s", av_why(rc, why, sizeof why));
    for (unsigned i = 0; i < r->fmt->nb_streams; i++) {
        AVStream *s = r->fmt->streams[i];
        int video = s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
                    !(s->disposition & AV_DISPOSITION_ATTACHED_PIC); /* cover art is not the video */
        if (video && idx < 0)
            idx = (int)i;
        else
            s->discard = AVDISCARD_ALL; /* audio and later video streams are never read */
    }
    if (idx < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "no video stream");
    r->st = r->fmt->streams[idx];
    if (is_encrypted(r->st, NULL))
        return vigil_error_set(err, VIGIL_EINPUT, "encrypted video stream (Common Encryption), cannot decode");
    dec = avcodec_find_decoder(r->st->codecpar->codec_id);
    if (!dec)
        return vigil_error_set(err, VIGIL_EINPUT, "no decoder for the video codec '%s'",
                               avcodec_get_name(r->st->codecpar->codec_id));
    snprintf(r->out->codec, sizeof r->out->codec, "%s", dec->name);
    if (!(r->codec = avcodec_alloc_context3(dec)))
        return vigil_error_set(err, VIGIL_ENOMEM, "video: out of memory");
    if (avcodec_parameters_to_context(r->codec, r->st->codecpar) < 0)
        return vigil_error_set(err, VIGIL_ENOMEM, "video: out of memory");
    r->codec->thread_count = 1; /* no threads of its own: the worker's sandbox and the scan's pool decide */
    if ((rc = avcodec_open2(r->codec, dec, NULL)) < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "cannot open the %s decoder: %s", dec->name,
                               av_why(rc, why, sizeof why));
    r->out->width = (uint32_t)r->codec->width;
    r->out->height = (uint32_t)r->codec->height;
    r->fps = av_q2d(r->st->avg_frame_rate) > 0 ? av_q2d(r->st->avg_frame_rate) : av_q2d(r->st->r_frame_rate);
    r->start_pts = r->st->start_time;
    return 0;
}

static double declared_duration(const decode_run *r)
{
    if (r->st->duration != AV_NOPTS_VALUE && r->st->duration > 0)
        return (double)r->st->duration * av_q2d(r->st->time_base);
    if (r->fmt->duration != AV_NOPTS_VALUE && r->fmt->duration > 0)
        return (double)r->fmt->duration / AV_TIME_BASE;
    return 0;
}

/* After the last packet: a damaged or cut-short stream is an error, whatever was hashed. */
static int check_complete(decode_run *r, vigil_error *err)
{
    double declared = declared_duration(r);
    double frame = r->fps > 0 ? 1.0 / r->fps : 0;
    r->out->duration = r->last_seconds + frame;
    if (r->out->decoded == 0)
        return vigil_error_set(err, VIGIL_EINPUT, "corrupt video stream: no frame decodes (%llu packets)",
                               (unsigned long long)r->packets);
    /* the container's index or header promises more than the file holds */
    if (!r->stopped && declared > 0 && r->out->duration + 1.0 < declared && r->out->duration < 0.9 * declared)
        return vigil_error_set(err, VIGIL_EINPUT, "truncated video: the stream ends at %.1f s of the %.1f s declared",
                               r->out->duration, declared);
    if (r->bad_packets)
        return vigil_error_set(err, VIGIL_EINPUT, "corrupt video stream: %llu of %llu packets do not decode, the first at %.1f s",
                               (unsigned long long)r->bad_packets, (unsigned long long)r->packets, r->first_bad);
    return 0;
}

/* A GIF has no duration to compare with: its blocks must run to the trailer (anim_frames.h). */
static int check_gif_whole(const AVInputFormat *ifmt, const vg_video_src *src, vigil_error *err)
{
    vg_gif_end end;
    int cut;
    if (strcmp(ifmt->name, "gif") != 0)
        return 0;
    cut = src->data ? vg_anim_gif_end_mem(&end, src->data, (size_t)src->size)
                    : vg_anim_gif_end_fd(&end, src->fd, src->size);
    return cut ? vigil_error_set(err, VIGIL_EINPUT, "truncated GIF: %s", end.why) : 0;
}

int vg_video_decode(vigil_vpdq *out, const vg_video_src *src, const vigil_vpdq_opts *o, vg_video_frame_fn fn,
                    void *ud, vigil_error *err)
{
    vg_video_io io = {.src = *src};
    decode_run r = {.o = o, .out = out, .fn = fn, .ud = ud, .started = now_s()};
    AVIOContext *pb = NULL;
    const AVInputFormat *ifmt = NULL;
    char why[128];
    int rc;
    if (vg_av_load(why, sizeof why) < 0)
        return vigil_error_set(err, VIGIL_EINTERNAL, "video: %s", why);
    if (!(pb = vg_video_io_open(&io)) || !(r.fmt = avformat_alloc_context()) || !(r.frame = av_frame_alloc()) ||
        !(r.pkt = av_packet_alloc())) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "video: out of memory");
        goto done;
    }
    if ((rc = av_probe_input_buffer2(pb, &ifmt, "", NULL, 0, 0)) < 0 || !ifmt) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "not a video container FFmpeg recognises");
        goto done;
    }
    if (!allowed_demuxer(ifmt)) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "not a video container vigil hashes (%s)", ifmt->name);
        goto done;
    }
    r.fmt->pb = pb;
    r.fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    r.fmt->io_open = refuse_nested;
    if ((rc = avformat_open_input(&r.fmt, "", ifmt, NULL)) < 0) { /* frees fmt on failure */
        rc = vigil_error_set(err, VIGIL_EINPUT, "damaged or truncated %s container: %s", ifmt->name,
                             av_why(rc, why, sizeof why));
        goto done;
    }
    if ((rc = open_stream(&r, err)) < 0 || (rc = read_packets(&r, err)) < 0 ||
        (rc = check_gif_whole(ifmt, src, err)) < 0 || (rc = check_complete(&r, err)) < 0)
        goto done;
    if (io.read_error) {
        errno = io.read_error;
        rc = vigil_error_set(err, VIGIL_EINPUT, "read error: %m");
    }
done:
    avcodec_free_context(&r.codec);
    avformat_close_input(&r.fmt);
    av_frame_free(&r.frame);
    av_packet_free(&r.pkt);
    vg_video_io_close(&pb);
    return rc < 0 ? rc : 0;
}
