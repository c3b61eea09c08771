/*
 * A reader turns one walked entry into results: it reads the file once for
 * its digests and type, matches it, and opens it as an archive when it is
 * one. Each reader thread owns one vg_reader.
 */
#ifndef VG_SCAN_READER_H
#define VG_SCAN_READER_H
#include <sys/stat.h>
#include "scan/result.h"
#include "vigil/scan.h"

typedef struct vg_reader vg_reader;

/* Where results go, in the order they are produced. NULL says that an item was found but
 * could not be recorded (out of memory): the sink reports an error item in its place. */
typedef void (*vg_emit_fn)(void *ud, vg_result *r);

/* A walked entry to read. */
typedef struct vg_entry {
    const char *path;
    size_t path_len;
    const struct stat *st;   /* NULL if the walker could not stat it */
    int err;                 /* errno from the walker */
    int is_dir;              /* a directory the walker could not read */
    int follow;              /* a symlink named as a root */
} vg_entry;

int vg_reader_new(vg_reader **out, const vigil_scan_opts *o, vigil_error *err);
void vg_reader_free(vg_reader *r);

/* Results for an entry that needs no reading (special files, walker errors); NULL if none. */
vg_result *vg_reader_special(const vg_entry *e, int read_link_targets);
/* Read a regular file and emit its result, then its archive members. */
void vg_reader_file(vg_reader *r, const vg_entry *e, vg_emit_fn emit, void *ud);
/* The two halves of vg_reader_file, for a file opened in one process and read in another: open e
 * as vg_reader_file would (the fd, or -1 with errno); read it from fd (which is taken over), or
 * with fd < 0 emit the error item that open_errno explains. */
int vg_reader_open_entry(const vg_entry *e, const vigil_scan_opts *o);
void vg_reader_file_fd(vg_reader *r, const vg_entry *e, int fd, int open_errno, vg_emit_fn emit, void *ud);
/* Read the file on fd (opened by vg_reader_open_entry) here when no third-party parser would touch its
 * bytes (parse_need.h): 1 when it was read and its item emitted (fd is taken over); 0 when its head
 * says a parser must read it: nothing emitted, nothing past the head read, fd still open and
 * rewound to the start, for a worker. No parser runs in here whatever the file holds. */
int vg_reader_file_own(vg_reader *r, const vg_entry *e, int fd, vg_emit_fn emit, void *ud);
/* After vg_reader_file_own left a file of size bytes to a worker: what decoding it as a picture will
 * hold (decode_weight.h, from the head read), 0 when it is no picture or PDQ is off. */
size_t vg_reader_head_decode_weight(const vg_reader *r, uint64_t size);

/* An ordered byte source: bytes read into buf (at most n), 0 at the end, -1 with why. */
typedef ssize_t (*vg_pull_fn)(void *ctx, void *buf, size_t n, char *why, size_t cap);
/* Read res's bytes from pull exactly as a file's (digests, type, picture, verdict), emit res
 * (which is handed over), then the members of the archive it is, inside res's containers. */
void vg_reader_stream(vg_reader *r, vg_result *res, vg_pull_fn pull, void *ctx, vg_emit_fn emit, void *ud);

typedef struct vg_image_cache vg_image_cache;
/* This reader's disk image handles (reader_image.c keeps them); its options. */
vg_image_cache **vg_reader_images(vg_reader *r);
const vigil_scan_opts *vg_reader_opts(const vg_reader *r);
/* From now on this reader may open nothing by name (a sandboxed worker's); vg_reader_no_open says so. */
void vg_reader_forbid_open(vg_reader *r);
int vg_reader_no_open(const vg_reader *r);

#endif
