/* Internal: the registry handle and the helpers shared by the files of src/cases/. */
#ifndef VG_CASES_REG_H
#define VG_CASES_REG_H
#include "audit/audit.h"
#include "core/time.h"
#include "store/db.h"
#include "vigil/audit.h"
#include "vigil/cases.h"

struct vigil_registry {
    vg_db *db;
    vigil_config cfg;
    vg_clock clock;     /* the time audit events carry */
    char last_change[256]; /* one line about the last change made (vigil_registry_last_change) */
};

/* The case tables; the audit log has a schema of its own (vg_audit_schema). */
extern const vg_schema vg_cases_schema;
/* Bring the audit log's and the case registry's schemas up to date. */
int vg_cases_migrate(vg_db *db, vigil_error *err);
/* PostgreSQL: the group role, grants, row-level security and helpers of docs/access.md, applied
 * when the schemas' versions or the policy changed since last time; SQLite: nothing. */
int vg_access_apply(vg_db *db, vigil_error *err);
/* PostgreSQL: VIGIL_EDENIED naming the session's role when it may not read the registry at all
 * (no vigil user's role); SQLite: 0. */
int vg_access_check(vg_db *db, vigil_error *err);
/* PostgreSQL: drop the roles of the registered users (tests start afresh with vg_cases_wipe). */
int vg_access_drop_roles(vg_db *db, vigil_error *err);
/* Drop every registry table and create them afresh (tests start a PostgreSQL database so). */
int vg_cases_wipe(vg_db *db, vigil_error *err);

/* Append an audit event as who inside the caller's transaction. event_at: 0 = same as now. */
int vg_reg_audit(vigil_registry *reg, const vigil_actor *who, const char *action,
                 const char *object, const char *detail, int64_t event_at, vigil_error *err);
/* The same for a read of an object hidden from who (another unit's case named by a link or a
 * series): no state, since on PostgreSQL who's view of its rows is empty, not its rows; audit
 * verify checks the object against its last event with a state. */
int vg_reg_audit_hidden(vigil_registry *reg, const vigil_actor *who, const char *action, const char *object,
                        const char *detail, vigil_error *err);

/* The state of object ("case:N", "unit:CODE", "user:NAME") in db: hex SHA-256 of its rows
 * (docs/audit.md); *known = 0 and out empty for objects of other kinds (hash sets). */
int vg_reg_state(char out[65], int *known, vg_db *db, const char *object, vigil_error *err);

/* One event of action per case ids[i] (detail: details[i], or none), each with its state,
 * written in bulk (an import). */
int vg_reg_audit_cases(vigil_registry *reg, const vigil_actor *who, const char *action, const int64_t *ids,
                       const char *const *details, size_t n, vigil_error *err);

/* Actions checked by the access policy. */
typedef enum {
    VG_ACT_ADMIN,       /* add units and users, verify the audit log */
    VG_ACT_STATS,
    VG_ACT_UNITS,       /* list units */
    VG_ACT_CASE_NEW,    /* unit = the new case's owner */
    VG_ACT_CASE_OWNER,  /* refer, change status: unit = owner */
    VG_ACT_CASE_ANSWER, /* accept, decline, return: unit = receiving unit */
    VG_ACT_CASE_READ,   /* show: see vg_policy_can_read */
} vg_action;

/* 0 if allowed, else VIGIL_EDENIED with a message naming the user and the action. */
int vg_policy_check(const vigil_actor *who, vg_action act, int64_t unit_id, const char *what,
                    vigil_error *err);
/* May who read case_id's details (own unit, or a referral addressed to it)? */
int vg_policy_can_read(vigil_registry *reg, const vigil_actor *who, int64_t case_id, vigil_error *err);
/* Whole-registry visibility: admin and national officers. */
int vg_policy_sees_all(const vigil_actor *who);
/* The refusal for a case this user may not see: "case N: no such case, or not visible to user
   'U'". An unknown id gets the same answer, word for word, for users who do not see every case,
   so that no one learns which case ids exist; every case verb checks this before anything else. */
int vg_policy_deny_case(const vigil_actor *who, int64_t case_id, vigil_error *err);

/* The hash-set policy (hashset_policy.c): defaults, a "hashset.<op> = roles" line, and the
   mask of vigil_hashset_op bits (1 << op) who may do. */
void vg_hashset_policy_defaults(vigil_config *cfg);
int vg_hashset_policy_line(vigil_config *cfg, const char *op, const char *value, const char *path, int ln,
                           vigil_error *err);
unsigned vg_hashset_policy_ops(const vigil_registry *reg, const vigil_actor *who);

/* Look up a unit by code: VIGIL_ENOTFOUND "unknown unit 'X'". */
int vg_unit_by_code(vigil_unit *out, vigil_registry *reg, const char *code, vigil_error *err);
int vg_unit_by_id(vigil_unit *out, vigil_registry *reg, int64_t id, vigil_error *err);

/* Lifecycle rules, pure functions shared by the online commands and the importer. */
int vg_status_next_ok(const char *from, const char *to);

/* Event dates (dates.c): not before prev (the case's previous event; 0: none), by day, and not
 * after now by more than VG_DATE_AHEAD_DAYS days. 0, or -1 with why naming the dates. */
#define VG_DATE_AHEAD_DAYS 1
int vg_event_date_check(int64_t t, int64_t prev, int64_t now, char *why, size_t cap);
/* The same for an event at t on case case_id (0: a new case) in the registry: VIGIL_EINPUT
 * "case N: date ... is before the case's previous event (...)" or "... is in the future". */
int vg_case_date_check(vigil_registry *reg, int64_t case_id, int64_t t, vigil_error *err);
int vg_case_type_index(const char *s);

/* The case's history (history.c): append an event at t inside the caller's transaction, or
 * load them all, oldest first, into c->history. */
int vg_case_event(vigil_registry *reg, const vigil_actor *who, int64_t case_id, int64_t t, const char *event,
                  const char *detail, vigil_error *err);
int vg_case_history_load(vigil_case *c, vigil_registry *reg, vigil_error *err);

#endif
