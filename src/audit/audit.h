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

/* The same with state: the hex SHA-256 of the object's rows after the change (NULL: none). */
int vg_audit_append_state(vg_db *db, const vg_clock *clock, const char *who, const char *action,
                          const char *object, const char *detail, const char *state, int64_t event_at,
                          vigil_error *err);

/* Many events of one action by one user at once (an import): the same chain as n appends,
 * written in multi-row INSERTs. */
typedef struct vg_audit_ev {
    const char *object, *detail, *state;
} vg_audit_ev;
int vg_audit_append_many(vg_db *db, const vg_clock *clock, const char *who, const char *action,
                         const vg_audit_ev *ev, size_t n, vigil_error *err);

/* Digest of an event's fields seq, at, event_at, who, action, object, detail, state, prev
 * (NULL: SQL NULL) into out (hex). Scheme 2 hashes each field as its byte length len[i] (or
 * strlen when len is NULL) and its bytes; scheme 1 (events before schema version 2) used
 * strlen and had no state. -1 when SHA-256 fails. */
int vg_audit_digest(char out[65], int scheme, const char *const *f, const size_t *len);

/* The first event of scheme 2 (meta('audit_v2_from'), 1 when absent). */
int vg_audit_v2_from(vg_db *db, int64_t *out, vigil_error *err);

/* Check the whole chain: 0 with out->bad_seq == 0 when intact, 0 with bad_seq and why set
 * when an event was altered, removed or reordered, < 0 when the check could not run. */
int vg_audit_verify(vigil_audit_report *out, vg_db *db, vigil_error *err);

/* Signed checkpoints (audit/checkpoint.c). Sign the head (database identity, seq, head digest,
 * time) with the Ed25519 secret key in key_path, store it in audit_checkpoints and append it
 * to the anchor file beside the key; when only_new, nothing is signed if the newest checkpoint
 * already covers the head (*seq_out = 0 then). */
int vg_audit_checkpoint(int64_t *seq_out, vg_db *db, const vg_clock *clock, const char *key_path, int only_new,
                        vigil_error *err);
/* Check the checkpoints in the anchor file (and the database's table) against the log whose
 * chain out describes (vg_audit_verify ran first and found it intact); a failure fills
 * out->bad_seq and out->why. */
int vg_audit_check_anchor(vigil_audit_report *out, vg_db *db, const char *pub_path, const char *anchor_path,
                          vigil_error *err);

#endif
