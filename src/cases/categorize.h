/* Internal: the unit's own hash sets made from its decisions (own_sets.c, for categorize.c). */
#ifndef VG_CASES_CATEGORIZE_H
#define VG_CASES_CATEGORIZE_H
#include <stddef.h>
#include <stdint.h>
#include "cases/reg.h"
#include "vigil/categorize.h"

/* The unit a case's categorized items belong to: the case's owner. */
typedef struct vg_own_unit_t {
    int64_t id;
    char code[32];
} vg_own_unit_t;

/* The owner unit of case_id (VIGIL_ENOTFOUND for an unknown case). */
int vg_own_unit(vg_own_unit_t *out, vigil_registry *reg, int64_t case_id, vigil_error *err);
/* "unit:CODE" for kind illegal, "unit:CODE:interest" for interest. */
void vg_own_set_name(char *out, size_t cap, const char *unit_code, vigil_hashset_kind kind);
/* Make the sets of unit in st again from the decisions on all its cases (an empty one removed),
 * as changes by who in the registry's audit log, and remove the per-case sets an older vigil
 * wrote for those cases; res gets their names and sizes, and how many per-case sets went. */
int vg_own_sets_make(vigil_categorize_result *res, vigil_registry *reg, vigil_store *st, const vigil_actor *who,
                     const vg_own_unit_t *unit, vigil_error *err);

#endif
