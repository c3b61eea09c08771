/*
 * A disk-image job on the wire, from a proxy to its worker: the job's plain
 * fields as laid out, then its strings by value. Only file and carve jobs
 * travel; a verify job waits on a thread of the scanning process.
 */
#ifndef VG_SCAN_JOB_WIRE_H
#define VG_SCAN_JOB_WIRE_H
#include "core/buf.h"
#include "scan/image_job.h"

void vg_job_wire_put(vg_buf *b, const vg_image_job *j);
/* A new job (free with vg_image_job_free); NULL when the bytes are inconsistent or memory runs out. */
vg_image_job *vg_job_wire_get(const void *p, size_t n);

#endif
