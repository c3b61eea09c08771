/*
 * Videos in the scan: a file on disk, an archive member or a file inside a
 * disk image whose first bytes start a video container is decoded (FFmpeg, first video stream) and its sampled frames
 * hashed with PDQ, as vigil vpdq does, in whatever process reads the file (a
 * parser worker, or the scan itself with --no-isolation).
 */
#ifndef VG_SCAN_READER_VIDEO_H
#define VG_SCAN_READER_VIDEO_H
#include <stddef.h>
#include <stdint.h>
#include "scan/result.h"
#include "vigil/scan.h"

/* 1 when head (n bytes) starts a container the scan hashes as video. */
int vg_video_head(const uint8_t *head, size_t n);

/* 1 when head starts a video container or a picture that may animate (GIF, animated WebP). */
int vg_video_or_anim_head(const uint8_t *head, size_t n);

/*
 * vPDQ of the video (or the GIF or WebP of more than one frame) in the open
 * file fd (size bytes) into res: vpdq_state,
 * frame count, median quality, or VIGIL_VPDQ_FAILED with the reason in its
 * error (error_kind "encrypted" for an encrypted stream). Nothing when vPDQ
 * is off or head is not a video. A file with no video stream (audio in a
 * video container) is no video: nothing is set.
 */
void vg_reader_video(const vigil_scan_opts *o, vg_result *res, int fd, uint64_t size, const uint8_t *head,
                     size_t n);

/* The same for the bytes of an archive member or a file inside a disk image, spooled: data
 * (size bytes) in memory, or the temporary file fd when data is NULL. */
void vg_reader_video_src(const vigil_scan_opts *o, vg_result *res, const uint8_t *data, int fd, uint64_t size,
                         const uint8_t *head, size_t n);

#endif
