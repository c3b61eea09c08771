/* vigil case items: a case's items as a table, JSON or CSV on stdout. */
#ifndef VIGIL_CLI_CASE_ITEMS_OUT_H
#define VIGIL_CLI_CASE_ITEMS_OUT_H
#include "vigil/vigil.h"

/* format: NULL or "table", "json", "csv"; 0 or a vigil_code with err set. */
int case_items_print(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *verdict,
                     const char *format, vigil_error *err);

#endif
