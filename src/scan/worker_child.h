/*
 * The worker process: what it does once forked. It makes its own reader,
 * loads what needs files (the libmagic database, the UTF-8 locale), caps its
 * address space, drops the system calls it must never make (seccomp), says
 * it is ready, then reads the entries its proxy hands it, one at a time, and
 * sends every result back.
 */
#ifndef VG_SCAN_WORKER_CHILD_H
#define VG_SCAN_WORKER_CHILD_H
#include <stdint.h>
#include "scan/worker_page.h"
#include "vigil/scan.h"

/* Exit statuses of a worker that could not get ready. */
enum { VG_WORKER_EXIT_READER = 3, VG_WORKER_EXIT_LIMIT, VG_WORKER_EXIT_SECCOMP, VG_WORKER_EXIT_PROTOCOL };

void vg_worker_child_main(int sock, vg_worker_page *pg, const vigil_scan_opts *o, uint64_t memory_cap,
                          const char *const *images, size_t nimages) __attribute__((noreturn));

/* Drop what a worker must never do: open files, run programs, use the network, make processes,
 * signal others. A forbidden call kills the process (SIGSYS). 0 or -1. */
int vg_worker_seccomp(void);

#endif
