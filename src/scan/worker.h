/*
 * A worker process and its proxy. Every reader thread of an isolated scan owns
 * one: the thread opens each file itself and hands the descriptor over; the
 * worker parses it (digests, libmagic, picture decoders, libarchive) and sends
 * the results back, which the thread emits as if it had read them. A worker
 * that crashes, stops making progress for the item timeout, or passes its
 * memory cap costs only what it was working on: an error item names it, and a
 * fresh worker takes the next file.
 */
#ifndef VG_SCAN_WORKER_H
#define VG_SCAN_WORKER_H
#include <signal.h>
#include "scan/image_job.h"
#include "scan/reader.h"
#include "vigil/scan.h"

typedef struct vg_worker vg_worker;

/* Fork a worker for a scan with options o (kept by reference) and wait until it is ready;
 * VIGIL_EINTERNAL saying why when it cannot start. The disk images named as the scan's paths
 * (images, kept by reference) are opened by the worker before its sandbox closes. */
int vg_worker_new(vg_worker **out, const vigil_scan_opts *o, const char *const *images, size_t nimages,
                  vigil_error *err);
/* Read entry e, emitting its results in order: local reads in this process what needs no parser (a
 * file that did not open, a file whose head shows nothing a parser opens: parse_need.h), the worker
 * the rest. cancel (or o->stop) set ends the work at once. Where it was read: */
enum { VG_READ_NONE, VG_READ_HERE, VG_READ_WORKER }; /* none: it did not open (an error item) */
int vg_worker_file(vg_worker *w, vg_reader *local, const vg_entry *e, vg_emit_fn emit, void *ud,
                   volatile sig_atomic_t *cancel);
/* Read a disk-image job through the worker likewise (a verify job is read here, by local). */
void vg_worker_image(vg_worker *w, vg_reader *local, vg_image_job *j, vg_emit_fn emit, void *ud,
                     volatile sig_atomic_t *cancel);
/* Kill the worker now (the scan stops); its proxy returns within a poll. */
void vg_worker_kill(vg_worker *w);
void vg_worker_free(vg_worker *w);

/* "1 GiB", "512 MiB", "300 KiB": a byte count as the summary and errors write it. */
void vg_worker_size_text(char *out, size_t cap, uint64_t bytes);

#endif
