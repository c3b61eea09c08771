/*
 * What a caller outside src/hashset may do with a store's audit: point it at a log.
 * The registry uses it so that changes to the hash sets land in the case registry's log.
 */
#ifndef VG_HASHSET_STORE_AUDIT_H
#define VG_HASHSET_STORE_AUDIT_H
#include "core/time.h"
#include "store/db.h"
#include "vigil/hashset.h"

/* Record later changes in the audit log in db (not owned; open until the store closes). */
int vg_store_set_audit(vigil_store *st, vg_db *db, const vg_clock *clock, const char *who, vigil_error *err);
/* Allow only the changes in ops (bits 1 << vigil_hashset_op); the others fail with VIGIL_EDENIED
   before they commit. A store starts allowing every change. */
void vg_store_set_policy(vigil_store *st, unsigned ops);

#endif
