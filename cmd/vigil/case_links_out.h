/* The links of cases in `case show` and `case list --linked`: who else holds the same files. */
#ifndef VIGIL_CLI_CASE_LINKS_OUT_H
#define VIGIL_CLI_CASE_LINKS_OUT_H
#include "vigil/vigil.h"

/* "links:" and one line per linked case (another unit's: "also held by ..."); 0 or a code. */
int case_links_show(vigil_registry *reg, const vigil_actor *who, int64_t case_id, vigil_error *err);
/* The cases of the list that are linked, each with what it is linked to. */
int case_links_list(vigil_registry *reg, const vigil_actor *who, const vigil_case_row *rows, size_t n,
                    vigil_error *err);

#endif
