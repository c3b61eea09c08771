/*
 * Disk images in the scan pipeline. The walker thread opens an image once to
 * list its files (vg_image_enumerate); each becomes a job in walk order. A
 * reader thread reads a job's bytes through its own handle on the image
 * (TSK handles are not shared between threads), kept in its vg_image_cache.
 */
#ifndef VG_SCAN_IMAGE_JOB_H
#define VG_SCAN_IMAGE_JOB_H
#include "scan/result.h"
#include "source/image.h"
#include "source/image_verify.h"
#include "vigil/scan.h"

typedef enum {
    VG_JOB_FILE,      /* read one file (or data stream) of a file system */
    VG_JOB_CARVE,     /* carve the unallocated space of one region */
    VG_JOB_VERIFY,    /* wait for the image's self-check and report it */
} vg_job_kind;

typedef struct vg_verify_task vg_verify_task;

typedef struct vg_image_job {
    vg_job_kind kind;
    char *image;               /* the image path as named */
    char *label;               /* the region's label: the second container */
    char *path;                /* VG_JOB_FILE: path inside the file system */
    size_t path_len;
    vg_image_ref ref;
    vigil_item_type type;
    uint64_t size;
    int allocated, reallocated;
    vigil_fs_time times[VIGIL_TIME__COUNT];
    vg_verify_task *verify;    /* VG_JOB_VERIFY */
} vg_image_job;

void vg_image_job_free(vg_image_job *j);
/* Wait for a self-check to end; returns its result (malloc'd, NULL when out of memory), frees t. */
vg_image_check *vg_verify_finish(vg_verify_task *t, int *rc);

/* Where enumeration puts its output, in order: a job to read, or a result
 * already complete (an error item). Exactly one is non-NULL; ownership passes.
 * A non-zero return stops the enumeration. */
typedef int (*vg_job_sink)(void *ud, vg_image_job *job, vg_result *ready);

/* List the image at path as jobs and results. Nothing fails here: an image
 * that does not open is an error item. Returns the sink's non-zero value or 0. */
int vg_image_enumerate(const char *path, const vigil_scan_opts *o, vg_job_sink sink, void *ud);
/* The same for an image already opened (a file found inside a scanned folder): no self-check. */
int vg_image_enumerate_opened(vg_image *im, const char *path, const vigil_scan_opts *o, vg_job_sink sink, void *ud);

/* Reader side (reader_image.c). */
typedef struct vg_reader vg_reader;
typedef struct vg_image_cache vg_image_cache;
/* As vg_emit_fn: NULL says an item could not be recorded (out of memory). */
typedef void (*vg_job_emit_fn)(void *ud, vg_result *r);
void vg_reader_image(vg_reader *r, vg_image_job *j, vg_job_emit_fn emit, void *ud);
/* Open the image at path now and keep it for the reader's life (a worker, before its sandbox
 * closes); a failure to open is kept too and reported by the jobs. -1 out of memory. */
int vg_reader_image_preopen(vg_reader *r, const char *path);
void vg_image_cache_free(vg_image_cache *c);
/* Lend the reader an image already open, under path, until vg_reader_image_drop closes it. -1 out
 * of memory (im stays the caller's). */
int vg_reader_image_lend(vg_reader *r, const char *path, vg_image *im);
void vg_reader_image_drop(vg_reader *r, const char *path);
/* After a file on disk was read and its item emitted: when its content (head, n bytes) is a disk
 * image, its files are read from fd and emitted nested under it (reader_nested.c). */
void vg_reader_nested_image(vg_reader *r, int fd, const char *path, uint64_t size, const uint8_t *head, size_t n,
                            vg_job_emit_fn emit, void *ud);
/* 1 when vg_reader_nested_image would do more than return at once: the content carries a disk or
 * container signature (read from head and the file's last bytes; vigil's own checks, no parser). */
int vg_nested_image_candidate(int fd, uint64_t size, const uint8_t *head, size_t n);

#endif
