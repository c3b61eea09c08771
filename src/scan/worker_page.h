/*
 * What a worker process shares with its proxy thread, and the calls the
 * readers make to fill it. The page is mapped shared before the worker is
 * forked: the worker bumps progress as it reads and says what it is working
 * on (the item, its containers, the parser layer), so that after a crash or
 * a kill the proxy can name what was lost. Outside a worker every call here
 * does nothing.
 */
#ifndef VG_SCAN_WORKER_PAGE_H
#define VG_SCAN_WORKER_PAGE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/heartbeat.h"

#define VG_WORKER_WHERE 3072

typedef struct vg_worker_page {
    volatile uint64_t progress;   /* moves while the worker gets on with its item */
    volatile int oom;             /* an allocation failed: a death after it is "over memory" */
    volatile int archive;         /* where names an archive being listed, not one item being read */
    volatile int in_image;        /* the entry is a disk-image job */
    volatile uint32_t depth;      /* containers in where, before the item */
    char layer[32];               /* the parser at work: "reader", "libarchive", "libmagic", ... */
    char where[VG_WORKER_WHERE];  /* containers then the item, each NUL-terminated */
} vg_worker_page;

/* The page of this process when it is a worker; NULL in the scanning process. */
extern vg_worker_page *vg_worker_self;

/* The worker moved on (the page's progress counter is the heartbeat's, core/heartbeat.h). */
static inline void vg_worker_progress(void)
{
    vg_heartbeat();
}

/* The item now being read (archive == 0) or the archive now being listed (archive == 1). */
void vg_worker_note(const char *const *chain, size_t depth, const char *path, int archive);
/* The parser now at work; returns the one before, to put back. */
const char *vg_worker_layer(const char *layer);
/* An allocation failed in this worker. */
void vg_worker_note_oom(void);
/* A temporary file for spooling: tmpfile() outside a worker; inside, one the proxy opens for it. */
FILE *vg_spool_tmpfile(void);

/* Test builds only (tests/support/fault.c): a parser's entry, where a fault can be made to happen. */
void vg_fault_point(const char *parser) __attribute__((weak));
static inline void vg_fault(const char *parser)
{
    if (vg_fault_point)
        vg_fault_point(parser);
}

#endif
