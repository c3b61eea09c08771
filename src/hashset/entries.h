/* Reading the entries of a set back as records, for exporters and checks. */
#ifndef VG_HASHSET_ENTRIES_H
#define VG_HASHSET_ENTRIES_H
#include "formats/record.h"

/*
 * Call cb for every entry of the current version of set_name (every set when
 * NULL), in the segment's row order, as a record whose strings are lent for
 * the call. cb returns 0 to go on, <0 (err set) to stop. VIGIL_ENOTFOUND for
 * an unknown set.
 */
int vg_store_foreach_entry(vigil_store *st, const char *set_name,
                           int (*cb)(void *ud, const vg_hs_record *r, const char *set, vigil_error *err), void *ud,
                           vigil_error *err);

#endif
