/*
 * The known videos of one set version on disk: `<segment>.vpdq` beside the
 * set's segment file, written once and never changed, like the segment
 * (docs/index-format.md has the layout). It holds each video's name as the
 * list gave it and its frames (decode index, seconds, quality, PDQ hash) in
 * the list's order, so that an export gives the list back.
 */
#ifndef VG_SEGMENT_KNOWN_VIDEOS_H
#define VG_SEGMENT_KNOWN_VIDEOS_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"
#include "vigil/vpdq.h"

#define VG_KV_MAGIC "VGVPDQ\r\n"
#define VG_KV_VERSION 1
#define VG_KV_SUFFIX ".vpdq"
#define VG_KV_HEADER 128        /* bytes */
#define VG_KV_VIDEO 24          /* bytes a video: name offset u64, name length u32, reserved u32, frames u64 */
#define VG_KV_FRAME 56          /* bytes a frame: index u64, seconds f64, quality u32, reserved u32, hash 32 */
#define VG_KV_NAME_MAX 4096

/* "<seg_path>.vpdq", malloc'd. */
char *vg_kv_path(const char *seg_path);

/* Write list to `<seg_path>.vpdq`: a temporary file in the same folder, synced, then renamed, so
 * a reader sees the whole file or none. VIGIL_EINPUT for a video without frames or a name that
 * is empty, over VG_KV_NAME_MAX bytes or holds a NUL; VIGIL_ESTORE naming the file on I/O errors. */
int vg_kv_write(const char *seg_path, const vigil_vpdq_list *list, vigil_error *err);

/* Check the whole file in data[0..n) (magic, version, sizes, both checksums, every field in its
 * range) and append its videos to list. VIGIL_ESTORE "label: why" when refused. */
int vg_kv_parse(vigil_vpdq_list *list, const void *data, size_t n, const char *label, vigil_error *err);

/* Read and parse `<seg_path>.vpdq`: VIGIL_ENOTFOUND when there is none, else as vg_kv_parse. */
int vg_kv_read(vigil_vpdq_list *list, const char *seg_path, vigil_error *err);

/* Videos and frames from the header alone (its checksum checked): 0, VIGIL_ENOTFOUND when there
 * is no file, VIGIL_ESTORE when its header is refused. */
int vg_kv_count(uint64_t *videos, uint64_t *frames, const char *seg_path, vigil_error *err);

/* Remove `<seg_path>.vpdq` if there is one. */
void vg_kv_unlink(const char *seg_path);

#endif
