/* Internal: the case's own hash sets made from its decisions (own_sets.c, for categorize.c). */
#ifndef VG_CASES_CATEGORIZE_H
#define VG_CASES_CATEGORIZE_H
#include <stddef.h>
#include <stdint.h>
#include "cases/reg.h"
#include "vigil/categorize.h"

/* "case-N" for kind illegal, "case-N-interest" for interest. */
void vg_own_set_name(char *out, size_t cap, int64_t case_id, vigil_hashset_kind kind);
/* Make the sets of case_id in st again from all its decisions (an empty one removed), as
 * changes by who in the registry's audit log; res gets their names and sizes. */
int vg_own_sets_make(vigil_categorize_result *res, vigil_registry *reg, vigil_store *st, const vigil_actor *who,
                     int64_t case_id, vigil_error *err);

#endif
