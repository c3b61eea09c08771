/*
 * vPDQ: PDQ over video frames sampled in time (docs/vpdq.md). Decoding goes
 * through FFmpeg's libraries over bytes or a descriptor the caller already
 * holds (never a path: parser workers may not open files), one thread, first
 * video stream only. Matching follows the reference's rules (quality >= 50,
 * duplicate frame hashes dropped, distance <= 31) plus the compilation rule.
 */
#ifndef VIGIL_VPDQ_H
#define VIGIL_VPDQ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "vigil/error.h"
#include "vigil/pdq.h"

/*
 * One sampled frame: its decode index, its time from the stream's start, its
 * hash of the whole frame (the reference's), and for a frame with letterbox
 * or pillarbox bars the hash of the picture between them, which matching
 * tries as well (never written to lists: they hold the reference's hashes).
 */
typedef struct vigil_vpdq_frame {
    uint64_t frame;
    double seconds;
    int quality;
    vigil_pdq_hash hash;
    int has_alt;
    vigil_pdq_hash alt;
} vigil_vpdq_frame;

typedef struct vigil_vpdq_opts {
    double every;              /* seconds between sampled frames (> 0; default 1) */
    double max_video_seconds;  /* stop at this stream time (default 4 hours) */
    uint64_t max_frames;       /* stop after this many sampled frames (default 20000) */
    double max_decode_seconds; /* stop after this much wall time decoding (default 600; 0: none) */
    int luma;                  /* 1: the decoder's luma plane straight into PDQ, no RGB24 frame: a little
                                  cheaper, hashes a few bits off the reference's (docs/vpdq.md) */
    int keep_borders;          /* 1: no second hash with letterbox and pillarbox bars cut off */
} vigil_vpdq_opts;

void vigil_vpdq_opts_init(vigil_vpdq_opts *o);

/* The frames of one video and what stopped it early, if anything. */
typedef struct vigil_vpdq {
    vigil_vpdq_frame *frames;
    size_t n, cap;
    uint64_t decoded;     /* frames decoded (sampled or not) */
    double duration;      /* of the video stream as read (seconds) */
    uint32_t width, height;
    char codec[32];
    char limit[96];       /* "" or why hashing stopped before the end (a limit) */
} vigil_vpdq;

/*
 * vPDQ of the video in data[0..n) or, with data NULL, in the open file fd
 * (read with pread from offset 0, size bytes). VIGIL_EINPUT with the reason
 * ("not a video", "truncated at 12.0 s of 30.0 s", "encrypted stream", ...);
 * out is then disposed. Animated GIF and WebP count as video.
 */
int vigil_vpdq_mem(vigil_vpdq *out, const void *data, size_t n, const vigil_vpdq_opts *o, vigil_error *err);
int vigil_vpdq_fd(vigil_vpdq *out, int fd, uint64_t size, const vigil_vpdq_opts *o, vigil_error *err);
void vigil_vpdq_dispose(vigil_vpdq *v);
/* Median quality of the frames (0 when none). */
int vigil_vpdq_quality_median(const vigil_vpdq *v);

/* Matching -------------------------------------------------------------- */

typedef struct vigil_vpdq_match_opts {
    int min_quality;       /* frames below are dropped (50) */
    int max_distance;      /* a frame matches within this distance (31) */
    double query_percent;  /* near when this share of the query's frames match (80) */
    double target_percent; /* or this share of the known video's frames appear in the query (80) */
    double gap;            /* matched frames closer than this (seconds) join one time range (default 2) */
} vigil_vpdq_match_opts;

void vigil_vpdq_match_opts_init(vigil_vpdq_match_opts *o);

typedef struct vigil_vpdq_range {
    double from, to; /* seconds */
} vigil_vpdq_range;

typedef struct vigil_vpdq_match {
    double query_percent;  /* share of the query's kept frames that match a frame of the known video */
    double target_percent; /* share of the known video's kept frames that match one of the query */
    size_t query_kept, target_kept;
    int near;              /* either share reached its threshold */
    vigil_vpdq_range *query_ranges, *target_ranges; /* matching time ranges, in time order */
    size_t n_query_ranges, n_target_ranges;
} vigil_vpdq_match;

/*
 * Compare a query video's frames with a known video's. Frames need not be in
 * time order. VIGIL_ENOMEM only.
 */
int vigil_vpdq_compare(vigil_vpdq_match *out, const vigil_vpdq_frame *query, size_t nq,
                       const vigil_vpdq_frame *known, size_t nk, const vigil_vpdq_match_opts *o,
                       vigil_error *err);
void vigil_vpdq_match_dispose(vigil_vpdq_match *m);
/* Time ranges as "0.0-12.0;30.0-31.0" into out (truncated to cap). */
void vigil_vpdq_ranges_text(char *out, size_t cap, const vigil_vpdq_range *r, size_t n);

/* vpdq hash lists ------------------------------------------------------- */

/* A video of a list: its name and its frames; for a known video of a hash set
   (vigil_matchers_known_videos) also the set's name, kind (vigil_hashset_kind),
   category and version, all NULL / 0 for a list read from a file. */
typedef struct vigil_vpdq_video {
    char *name;
    vigil_vpdq_frame *frames;
    size_t n, cap;
    char *set, *category;
    int kind;
    int version;
} vigil_vpdq_video;

typedef struct vigil_vpdq_list {
    vigil_vpdq_video *videos;
    size_t n, cap;
} vigil_vpdq_list;

/*
 * Read a vpdq list: vigil's "frame,hash,quality,seconds,path" lines grouped
 * by path, or the reference's per-video "frame,quality,hash,timestamp" file
 * (the video named by default_name). Lines starting with '#' and empty lines
 * are skipped. Appends to list. VIGIL_EINPUT "NAME:LINE: why" on a bad line.
 */
int vigil_vpdq_list_read(vigil_vpdq_list *list, FILE *f, const char *file_name, const char *default_name,
                         vigil_error *err);
/* The same over bytes (fuzz targets). */
int vigil_vpdq_list_parse(vigil_vpdq_list *list, const char *data, size_t n, const char *file_name,
                          const char *default_name, vigil_error *err);
void vigil_vpdq_list_dispose(vigil_vpdq_list *list);
/* One vigil vpdq line: "frame,hash,quality,seconds,path" (the path escaped as in docs/output.md). */
int vigil_vpdq_write_line(FILE *f, const vigil_vpdq_frame *fr, const char *path, size_t path_len);

#endif
