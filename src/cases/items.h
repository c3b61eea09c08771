/* Internal: helpers shared by the files that store and read a case's items. */
#ifndef VG_CASES_ITEMS_H
#define VG_CASES_ITEMS_H
#include <stddef.h>
#include <stdint.h>
#include "cases/reg.h"

/* n bytes as valid UTF-8 text: bytes that are not (and controls) written \xNN, '\' as \\;
 * a new string (free()), NULL when out of memory. */
char *vg_case_text(const char *s, size_t n);

/* The case as its items' writer needs it: visible to who, and who may change it (its owner unit,
 * admins, national officers); VIGIL_ENOTFOUND for an unknown case (users who see every case). */
int vg_case_writable(vigil_registry *reg, const vigil_actor *who, int64_t case_id, vigil_error *err);

#endif
