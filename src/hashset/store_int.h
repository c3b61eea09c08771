/*
 * Internal view of the store for the modules of src/hashset that read or write
 * its tables and segments. Modules outside src/hashset see hashset/catalog.h.
 */
#ifndef VG_HASHSET_STORE_INT_H
#define VG_HASHSET_STORE_INT_H
#include <sqlite3.h>
#include "core/time.h"
#include "hashset/catalog.h"
#include "hashset/store_audit.h"
#include "store/db.h"
#include "vigil/hashset.h"

struct vigil_store {
    sqlite3 *db;
    char *path;
    int readonly;
    int lock_fd;        /* held while this handle writes segments; -1 otherwise */
    /* the audit log that changes are recorded in (vg_store_set_audit); NULL: none */
    vg_db *audit_db;    /* the log's database, the caller's */
    vg_db *audit_here;  /* this store's own connection, when the log is in the same file */
    vg_clock audit_clock;
    char *audit_who;
    int audit_held;     /* an event waits in audit_db's open transaction for our commit */
    unsigned denied;    /* changes the access policy refuses (1 << vigil_hashset_op; vg_store_set_policy) */
};

/* Run SQL with no result rows; "what: sqlite message" into err on failure. */
int vg_store_exec(vigil_store *st, const char *sql, const char *what, vigil_error *err);
/* The counter bumped by every change to any hash set. */
int vg_store_generation(int64_t *out, vigil_store *st, vigil_error *err);
int vg_store_bump_generation(vigil_store *st, vigil_error *err);
/* "<db>.sets", the folder of segment files (malloc'd); vg_store_segment_path names a file in it. */
char *vg_store_sets_dir(const vigil_store *st);
/*
 * Take the store's writer lock (one import, remove or reindex at a time),
 * creating the segment folder, and clear what an interrupted writer left:
 * temporary folders and segments no set refers to.
 */
int vg_store_lock(vigil_store *st, vigil_error *err);
void vg_store_unlock(vigil_store *st);

/* Open for writing even when entry rows of an older vigil are left to convert (upgrade.c only). */
int vg_store_open_for_upgrade(vigil_store **out, const char *path, vigil_error *err);
/* 1 if the store still has the entry rows of a version 1 or 2 store (hash_entry). */
int vg_store_has_entry_rows(vigil_store *st);

/* Inside the store's write transaction, before its COMMIT: the event for this change. When the
 * log is in this file it joins the transaction; otherwise it waits in a transaction of the
 * log's database until vg_store_audit_settle. No-op without an audit log. */
int vg_store_audit(vigil_store *st, const char *action, const char *object, const char *detail,
                   vigil_error *err);
/* Who a change is recorded as in the catalog: the audit log's user when there is a log (so that
   the catalog and the log name the same person), else the caller's who. */
const char *vg_store_actor(const vigil_store *st, const char *who);
/* After the store's COMMIT (committed = 1) or ROLLBACK: commit or drop a waiting event. */
int vg_store_audit_settle(vigil_store *st, int committed, vigil_error *err);

#endif
