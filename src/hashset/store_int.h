/* Internal view of the store for modules that read its tables (index builder). */
#ifndef VG_HASHSET_STORE_INT_H
#define VG_HASHSET_STORE_INT_H
#include <sqlite3.h>
#include "vigil/hashset.h"

struct vigil_store {
    sqlite3 *db;
    char *path;
    int readonly;
};

/* Run SQL with no result rows; "what: sqlite message" into err on failure. */
int vg_store_exec(vigil_store *st, const char *sql, const char *what, vigil_error *err);
/* The counter bumped by every change to any hash set (the index records it). */
int vg_store_generation(int64_t *out, vigil_store *st, vigil_error *err);
int vg_store_bump_generation(vigil_store *st, vigil_error *err);
/* Path of the index file that belongs to the store: "<db>.idx". */
char *vg_store_index_path(const vigil_store *st);

#endif
