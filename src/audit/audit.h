/*
 * Internal: the audit log over a database handle. The log knows nothing of cases or hash
 * sets; the modules above it append their events (src/cases/, src/hashset/) and the public
 * vigil_audit_verify checks the policy before it calls vg_audit_verify.
 */
#ifndef VG_AUDIT_AUDIT_H
#define VG_AUDIT_AUDIT_H
#include <stdint.h>
#include "core/time.h"
#include "store/db.h"
#include "vigil/audit.h"

/* The audit table and its chain head in meta('audit_head'); migrate with vg_db_migrate. */
extern const vg_schema vg_audit_schema;

/* Append one event inside the caller's transaction (on PostgreSQL it locks the chain head
 * until that transaction ends). at = clock's now (NULL: the system clock); event_at: when
 * the recorded act happened, 0 = same as at. who, action and object are required. */
int vg_audit_append(vg_db *db, const vg_clock *clock, const char *who, const char *action,
                    const char *object, const char *detail, int64_t event_at, vigil_error *err);

/* Check the whole chain: 0 with out->bad_seq == 0 when intact, 0 with bad_seq and why set
 * when an event was altered, removed or reordered, < 0 when the check could not run. */
int vg_audit_verify(vigil_audit_report *out, vg_db *db, vigil_error *err);

#endif
