/*
 * Messages between a proxy thread and its worker process over a stream
 * socket: a header (type, payload length), the payload, and at most one file
 * descriptor passed along with the header.
 */
#ifndef VG_SCAN_WORKER_PROTO_H
#define VG_SCAN_WORKER_PROTO_H
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

enum {
    VG_MSG_FILE = 1,   /* proxy -> worker: read this entry (payload vg_msg_entry + path; fd) */
    VG_MSG_RESULT,     /* worker -> proxy: one result (result_wire.h) */
    VG_MSG_LOST,       /* worker -> proxy: an item that could not be recorded */
    VG_MSG_DONE,       /* worker -> proxy: the entry is finished */
    VG_MSG_TMP,        /* worker -> proxy: a temporary file, please */
    VG_MSG_TMP_FD,     /* proxy -> worker: here it is (fd; none when it could not be made) */
    VG_MSG_JOB,        /* proxy -> worker: read this disk-image job (job_wire.h) */
};

typedef struct vg_msg_hdr {
    uint32_t type;
    uint32_t pad;
    uint64_t len;
} vg_msg_hdr;

typedef struct vg_msg_entry {
    struct stat st;
    uint64_t path_len;
    int32_t has_st, err, is_dir, follow;
} vg_msg_entry;

/* Send one message (fd >= 0 goes with it); 0 or -1 (errno). */
int vg_msg_send(int sock, uint32_t type, const void *p, size_t n, int fd);
/* Receive a header and the fd sent with it (*fd = -1 when none); 1, 0 at the end, -1 (errno). */
int vg_msg_recv_hdr(int sock, vg_msg_hdr *h, int *fd);
/* Read exactly n bytes; 0 or -1 (errno, or EPIPE at a premature end). */
int vg_msg_read(int sock, void *p, size_t n);

#endif
