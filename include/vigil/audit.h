/*
 * The audit log: every change and every read of a case's details, append-only and
 * hash-chained (each event's SHA-256 covers the one before it).
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

#endif
