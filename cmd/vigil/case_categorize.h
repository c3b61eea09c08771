/* vigil case categorize: an investigator's decisions on a case's items, and its unit's own hash sets. */
#ifndef VIGIL_CLI_CASE_CATEGORIZE_H
#define VIGIL_CLI_CASE_CATEGORIZE_H
#include "vigil/vigil.h"

/* One decision (digest, category, series) or the decisions of a CSV file (from); the store at
 * cli.sets gets the unit's own sets. 0 or a vigil_code with err set. */
int case_categorize_run(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *digest,
                        const char *category, const char *series, const char *from, vigil_error *err);

#endif
