/*
 * Picture carver: finds JPEG, PNG, GIF, BMP and WebP pictures in raw bytes
 * (the unallocated space of a disk image) by signature AND structure, and
 * reports only those that the image decoders (vigil/image.h) also decode.
 * Noise never becomes a picture: a candidate that fails a check is counted
 * as rejected. One vg_carve call is single-threaded and keeps no global
 * state, so calls on different images may run in parallel.
 */
#ifndef VG_CARVE_CARVE_H
#define VG_CARVE_CARVE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/error.h"

/* Default largest picture carved (a candidate claiming more is rejected). */
#define VG_CARVE_MAX_SIZE_DEFAULT (64ULL << 20)

/* Image byte ranges to carve, in image order; their concatenation is one stream. */
typedef struct vg_carve_extent {
    uint64_t offset, length;
} vg_carve_extent;

/*
 * Read up to n bytes at image offset into buf: the count read (short reads
 * are retried), 0 at the end of the image, -1 on error (errno kept).
 */
typedef ssize_t (*vg_carve_pread_fn)(void *ctx, void *buf, size_t n, uint64_t offset);

typedef struct vg_carve_hit {
    uint64_t offset;      /* image offset of the first byte */
    uint64_t length;      /* bytes of the picture in the stream */
    const char *type;     /* "jpeg", "png", "gif", "bmp", "webp" */
    const char *mime;     /* "image/jpeg", ... */
    const uint8_t *data;  /* the picture's length bytes, valid during on_hit only */
    unsigned fragments;   /* extents the picture spans: 1 when contiguous in the image */
} vg_carve_hit;

typedef struct vg_carve_stats {
    uint64_t bytes_scanned;  /* stream bytes looked at (the sum of the extents when run to the end) */
    uint64_t candidates;     /* signatures found (outside pictures already carved) */
    uint64_t carved;         /* candidates that passed structure and decode: on_hit was called */
    uint64_t rejected;       /* candidates that failed; candidates = carved + rejected */
} vg_carve_stats;

typedef struct vg_carve_opts {
    uint64_t max_size;   /* largest picture, 0 = VG_CARVE_MAX_SIZE_DEFAULT (64 MiB) */
    volatile int *stop;  /* when set and *stop becomes non-zero, vg_carve returns VIGIL_ESTATE */
} vg_carve_opts;

/*
 * Carve the stream made of ext[0..n) read through rd(ctx, ...), calling
 * on_hit(ud, hit, err) for each picture in stream order. on_hit returns 0 to
 * go on, <0 to stop (with err set): vg_carve then returns that code. data is
 * valid during the call only. After a hit, scanning resumes after its last
 * byte, so pictures embedded in a carved one (an Exif thumbnail in a JPEG's
 * APP1) are not carved again; a rejected candidate's insides are scanned.
 * Memory: one 4 MiB window plus at most max_size for one candidate.
 * Returns 0, VIGIL_EINPUT "carve: read error at image offset N: why" when rd
 * fails or the image ends inside an extent, VIGIL_ESTATE when stopped,
 * VIGIL_ENOMEM; stats (may be NULL) holds the counts so far in every case.
 * o may be NULL.
 */
int vg_carve(const vg_carve_extent *ext, size_t n, vg_carve_pread_fn rd, void *ctx, const vg_carve_opts *o,
             int (*on_hit)(void *ud, const vg_carve_hit *hit, vigil_error *err), void *ud,
             vg_carve_stats *stats, vigil_error *err);

#endif
