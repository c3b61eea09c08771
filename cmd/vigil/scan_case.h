/* vigil scan --store CASE: every item of the scan stored with a case of the registry, in one
 * transaction that commits only when the scan completes (docs/links.md). */
#ifndef VIGIL_CLI_SCAN_CASE_H
#define VIGIL_CLI_SCAN_CASE_H
#include "vigil/vigil.h"

typedef struct scan_case {
    vigil_registry *reg;
    vigil_case_store *store;  /* NULL: not storing */
    int64_t id;
    int failed;               /* storing failed: err says why */
    vigil_error err;
} scan_case;

/* Open the registry (--db) as the caller and start storing with case arg (an id); 0, or the exit
 * status after saying why (an unknown or hidden case, a user who may not change it). */
int scan_case_open(scan_case *sc, const char *arg);
/* Store one item; 1 when storing failed (the scan stops), else 0. */
int scan_case_item(scan_case *sc, const vigil_item *it);
/* Commit when complete is set and nothing failed, else store nothing; says what it did on stderr
 * unless quiet. Returns rc, or the exit status of the storing failure when rc is 0. */
int scan_case_finish(scan_case *sc, int complete, int quiet, int rc);

#endif
