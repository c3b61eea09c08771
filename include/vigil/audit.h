/*
 * The audit log: every change and every read of a case's details, and every change to the
 * known-hash sets (import, replace, remove, dispute, undispute), append-only and
 * hash-chained (each event's SHA-256 covers the one before it). It lives with the case
 * registry (the same SQLite file, or PostgreSQL).
 */
#ifndef VIGIL_AUDIT_H
#define VIGIL_AUDIT_H
#include <stdint.h>
#include "vigil/cases.h"

typedef struct vigil_audit_report {
    int64_t events;           /* events checked */
    int64_t bad_seq;          /* first bad event, 0 if intact */
    char why[256];
} vigil_audit_report;

/* Check the whole chain. Returns 0 with bad_seq == 0 when intact, 0 with bad_seq and why set
 * when an event was altered, removed or reordered, < 0 when the check could not run:
 * VIGIL_EDENIED for users other than admins and national officers, VIGIL_ESTORE,
 * VIGIL_ENOMEM, VIGIL_EINTERNAL (SHA-256 failed). */
int vigil_audit_verify(vigil_audit_report *out, vigil_registry *reg, const vigil_actor *who,
                       vigil_error *err);

typedef struct vigil_store vigil_store;

/*
 * Record every later change that st makes to its hash sets in reg's audit log under who's
 * name (actions hashset.import, hashset.replace, hashset.remove, hashset.dispute and
 * hashset.undispute), and hold st to the access policy for who (vigil_hashset_authorize):
 * a change who may not make fails with VIGIL_EDENIED before it commits, and nothing of it
 * stays. When both are in one SQLite file the event is written in the same transaction as
 * the change; otherwise it is held in an open transaction of the log and committed right
 * after the change (a failure then is reported, the change stays).
 * reg must stay open until st is closed. VIGIL_ENOMEM, or VIGIL_ESTORE.
 */
int vigil_audit_hashsets(vigil_store *st, vigil_registry *reg, const vigil_actor *who, vigil_error *err);

#endif
