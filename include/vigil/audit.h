/*
 * The audit log: every change and every read of a case's details, and every change to the
 * known-hash sets (import, replace, remove, dispute, undispute), append-only and
 * hash-chained (each event's SHA-256 covers the one before it), each event carrying the
 * digest of its object's rows after it; the head can be signed with a key kept outside the
 * database (docs/audit.md). It lives with the case registry (the same SQLite file, or
 * PostgreSQL).
 */
#ifndef VIGIL_AUDIT_H
#define VIGIL_AUDIT_H
#include <stdint.h>
#include "vigil/cases.h"

typedef struct vigil_audit_report {
    int64_t events;           /* events checked */
    int64_t bad_seq;          /* first bad event, 0 if intact */
    char why[256];
    char head[65];            /* digest of the last event */
    int64_t objects;          /* objects whose rows were compared with their last event */
    int64_t unchecked;        /* objects whose state the log does not hold (hash sets, older events) */
    int64_t checkpoints;      /* signed checkpoints checked (vigil_audit_verify_anchored) */
    int anchored;             /* every event is covered by a good signed checkpoint */
} vigil_audit_report;

/* Check the whole chain, then replay it against the tables: the state recorded by each
 * object's last event must be the digest of its rows now, and every row of the units, users
 * and cases tables must belong to an object of the log. Returns 0 with bad_seq == 0 when
 * intact, 0 with bad_seq and why set when an event was altered, removed or reordered or a
 * table was changed outside vigil, < 0 when the check could not run:
 * VIGIL_EDENIED for users other than admins and national officers, VIGIL_ESTORE,
 * VIGIL_ENOMEM, VIGIL_EINTERNAL (SHA-256 failed). */
int vigil_audit_verify(vigil_audit_report *out, vigil_registry *reg, const vigil_actor *who,
                       vigil_error *err);

/* vigil_audit_verify, then the signed checkpoints: those in anchor_path (NULL: the file
 * audit.checkpoints beside pub_path) and in the database, checked with the Ed25519 public
 * key in pub_path. bad_seq and why are set when a signature is bad, the log is shorter than
 * a checkpoint, an event differs from the head a checkpoint signed, events follow the last
 * checkpoint, or there is no checkpoint. The codes of vigil_audit_verify, and VIGIL_EINPUT
 * for a public key file that cannot be read. */
int vigil_audit_verify_anchored(vigil_audit_report *out, vigil_registry *reg, const vigil_actor *who,
                                const char *pub_path, const char *anchor_path, vigil_error *err);

/* Write a new Ed25519 key pair: DIR/audit.key (mode 0600, the secret) and DIR/audit.pub;
 * DIR is made when missing. VIGIL_EEXISTS when either file exists (a key is never
 * overwritten), VIGIL_ESTORE when a file cannot be written. */
int vigil_audit_keygen(const char *dir, vigil_error *err);

/* Sign the log's head with the secret key in key_path: the checkpoint goes to the table
 * audit_checkpoints and to the anchor file audit.checkpoints beside the key. When only_new,
 * nothing is written if the last checkpoint already covers the head. *seq_out: the event
 * signed, 0 when nothing was. Any user may do it (holding the key is the permission).
 * VIGIL_EINPUT for a key file that is not one, VIGIL_ESTATE when the chain's head does not
 * match the log, VIGIL_ESTORE. */
int vigil_audit_checkpoint(int64_t *seq_out, vigil_registry *reg, const char *key_path, int only_new,
                           vigil_error *err);

/* One event of the log as vigil_audit_list reads it. */
typedef struct vigil_audit_event {
    int64_t seq;
    char at[24];              /* when it was recorded */
    char event_at[24];        /* when it happened, if given apart (--at); else "" */
    char who[64];
    char action[32];
    char object[96];          /* "case:3", "unit:R05", "user:r1", "cases" (an import), a hash set */
    char *detail;             /* may be NULL */
} vigil_audit_event;

typedef struct vigil_audit_filter {
    const char *object;       /* only this object; NULL: any */
    const char *user;         /* only events by this user; NULL: any */
    int64_t since;            /* only events recorded at or after it (seconds); 0: all */
} vigil_audit_filter;

/* Who did what, oldest first: admins and national officers see every event, other users the
 * events of the cases they may see (on PostgreSQL the database decides that through
 * vigil_audit_visible, as the log itself is hidden from them). *out is owned by the caller
 * (vigil_audit_events_free). VIGIL_ESTORE, VIGIL_ENOMEM. */
int vigil_audit_list(vigil_audit_event **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                     const vigil_audit_filter *f, vigil_error *err);
void vigil_audit_events_free(vigil_audit_event *v, size_t n);

/* A request a front end (vigil serve) refused, as one event "serve.refused" by who (a user's
 * name, "key:NAME", or NULL for nobody): object "case:N" for a route of case N, else
 * "route:PATH"; detail "METHOD PATH: STATUS reason". Never a request's body: the caller gives
 * none. VIGIL_ESTORE, VIGIL_ENOMEM. */
int vigil_audit_refusal(vigil_registry *reg, const char *who, const char *method, const char *path, unsigned status,
                        const char *reason, vigil_error *err);

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
