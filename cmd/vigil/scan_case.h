/* vigil scan --store CASE: every item of the scan stored with a case of the registry, in one
 * transaction that commits only when the scan completes (docs/links.md). */
#ifndef VIGIL_CLI_SCAN_CASE_H
#define VIGIL_CLI_SCAN_CASE_H
#include <pthread.h>
#include "vigil/vigil.h"

typedef struct scan_case {
    vigil_registry *reg;      /* NULL: not storing */
    vigil_case_store *store;  /* used by the writer thread only, until it is joined */
    int64_t id;
    int failed, oom;          /* storing failed: err says why (set by the writer) */
    vigil_error err;
    pthread_t thread;
    pthread_mutex_t mu;       /* guards the queue, failed and closing */
    pthread_cond_t nonempty, space;
    struct queued *head, *tail;
    size_t queued;
    int started, closing;
    int running;              /* the writer thread exists: made at the first item, after the scan
                                 has forked its parser workers (a fork while another thread holds
                                 an allocator's lock leaves the child stuck on it) */
} scan_case;

/* Open the registry (--db) as the caller and start storing with case arg (an id); 0, or the exit
 * status after saying why (an unknown or hidden case, a user who may not change it). */
int scan_case_open(scan_case *sc, const char *arg);
/* Hand one item to the writer (waiting while the queue is full); 1 when storing failed (the scan
 * stops), else 0. Called from the scan's sink thread. */
int scan_case_item(scan_case *sc, const vigil_item *it);
/* Commit when complete is set and nothing failed, else store nothing; says what it did on stderr
 * unless quiet. Returns rc, or the exit status of the storing failure when rc is 0. */
int scan_case_finish(scan_case *sc, int complete, int quiet, int rc);

#endif
