/*
 * FFmpeg, loaded when the first video is hashed rather than when vigil starts.
 *
 * libavformat and libavcodec bring in about a hundred shared libraries (every codec Debian
 * builds in); relocating them cost each vigil command some 50 ms of CPU, although only scans
 * and `vigil vpdq` ever decode a video. Code that includes this header calls FFmpeg by its usual
 * names, each redirected below to the table that vg_av_load() fills (the way SQLite's loadable
 * extensions reach SQLite). Call vg_av_load() at every entry point before the first FFmpeg call;
 * once it has succeeded, every name listed here is valid for the life of the process.
 */
#ifndef VG_MEDIA_LAZY_AV_H
#define VG_MEDIA_LAZY_AV_H

#include <stddef.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/* Every FFmpeg function vigil calls, with the library that defines it. */
#define VG_AV_FUNCTIONS(X)                                                                                          \
    X(avutil, av_frame_alloc) X(avutil, av_frame_free) X(avutil, av_frame_unref) X(avutil, av_free)                  \
    X(avutil, av_freep) X(avutil, av_get_pix_fmt_name) X(avutil, av_log_set_level) X(avutil, av_malloc)             \
    X(avutil, av_pix_fmt_desc_get) X(avutil, av_strerror)                                                           \
    X(avcodec, av_packet_alloc) X(avcodec, av_packet_free) X(avcodec, av_packet_get_side_data)                      \
    X(avcodec, av_packet_unref) X(avcodec, avcodec_alloc_context3) X(avcodec, avcodec_find_decoder)                 \
    X(avcodec, avcodec_free_context) X(avcodec, avcodec_get_name) X(avcodec, avcodec_open2)                         \
    X(avcodec, avcodec_parameters_to_context) X(avcodec, avcodec_receive_frame) X(avcodec, avcodec_send_packet)     \
    X(avcodec, avcodec_version)                                                                                     \
    X(avformat, av_probe_input_buffer2) X(avformat, av_read_frame) X(avformat, av_stream_get_side_data)             \
    X(avformat, avformat_alloc_context) X(avformat, avformat_close_input) X(avformat, avformat_find_stream_info)     \
    X(avformat, avformat_open_input) X(avformat, avformat_version) X(avformat, avio_alloc_context)                  \
    X(avformat, avio_context_free)                                                                                  \
    X(swscale, sws_freeContext) X(swscale, sws_getCachedContext) X(swscale, sws_scale) X(swscale, swscale_version)

typedef struct vg_av_table {
#define VG_AV_SLOT(lib, fn) __typeof__(fn) *fn;
    VG_AV_FUNCTIONS(VG_AV_SLOT)
#undef VG_AV_SLOT
} vg_av_table;

/* The loaded table; NULL until vg_av_load() has succeeded. */
extern const vg_av_table *vg_av;

/* Load FFmpeg once per process (thread-safe); 0, or -1 with why ("cannot load libavcodec.so.59:
 * ..."), the same answer on every later call. */
int vg_av_load(char *why, size_t cap);

#ifndef VG_LAZY_TABLES
#define av_frame_alloc (vg_av->av_frame_alloc)
#define av_frame_free (vg_av->av_frame_free)
#define av_frame_unref (vg_av->av_frame_unref)
#define av_free (vg_av->av_free)
#define av_freep (vg_av->av_freep)
#define av_get_pix_fmt_name (vg_av->av_get_pix_fmt_name)
#define av_log_set_level (vg_av->av_log_set_level)
#define av_malloc (vg_av->av_malloc)
#define av_pix_fmt_desc_get (vg_av->av_pix_fmt_desc_get)
#define av_strerror (vg_av->av_strerror)
#define av_packet_alloc (vg_av->av_packet_alloc)
#define av_packet_free (vg_av->av_packet_free)
#define av_packet_get_side_data (vg_av->av_packet_get_side_data)
#define av_packet_unref (vg_av->av_packet_unref)
#define avcodec_alloc_context3 (vg_av->avcodec_alloc_context3)
#define avcodec_find_decoder (vg_av->avcodec_find_decoder)
#define avcodec_free_context (vg_av->avcodec_free_context)
#define avcodec_get_name (vg_av->avcodec_get_name)
#define avcodec_open2 (vg_av->avcodec_open2)
#define avcodec_parameters_to_context (vg_av->avcodec_parameters_to_context)
#define avcodec_receive_frame (vg_av->avcodec_receive_frame)
#define avcodec_send_packet (vg_av->avcodec_send_packet)
#define avcodec_version (vg_av->avcodec_version)
#define av_probe_input_buffer2 (vg_av->av_probe_input_buffer2)
#define av_read_frame (vg_av->av_read_frame)
#define av_stream_get_side_data (vg_av->av_stream_get_side_data)
#define avformat_alloc_context (vg_av->avformat_alloc_context)
#define avformat_close_input (vg_av->avformat_close_input)
#define avformat_find_stream_info (vg_av->avformat_find_stream_info)
#define avformat_open_input (vg_av->avformat_open_input)
#define avformat_version (vg_av->avformat_version)
#define avio_alloc_context (vg_av->avio_alloc_context)
#define avio_context_free (vg_av->avio_context_free)
#define sws_freeContext (vg_av->sws_freeContext)
#define sws_getCachedContext (vg_av->sws_getCachedContext)
#define sws_scale (vg_av->sws_scale)
#define swscale_version (vg_av->swscale_version)
#endif

#endif
