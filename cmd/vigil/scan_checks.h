/* What vigil scan checks and says around the scan itself, so that nothing looks clean by mistake:
 * roots that cannot be read, no sets or no PDQ to compare with, the sets compared, error items. */
#ifndef VIGIL_SCAN_CHECKS_H
#define VIGIL_SCAN_CHECKS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "vigil/vigil.h"

/* Every root must exist and open for reading; else "vigil: scan: ROOT: why" and the exit status
 * of an input error (0 when all can be read). */
int scan_check_roots(const char *const *paths, size_t npaths);
/* No sets: "vigil: scan: no hash sets in PATH: ..." and the input error's status; else 0. */
int scan_check_sets(const char *sets_path, size_t nsets);
/* Say on stderr that near matching is off when the sets hold no PDQ entries. */
void scan_note_pdq(const vigil_hashset_info *sets, size_t nsets);
/* "vigil: scan: compared with 2 sets: NAME vN (E entries, P PDQ), ..." on f. */
void scan_print_sets(FILE *f, const vigil_hashset_info *sets, size_t nsets);

/* Error items are named on stderr, the first SCAN_ERROR_LINES of them; the rest are counted. */
enum { SCAN_ERROR_LINES = 20 };
typedef struct scan_errors {
    uint64_t seen;
    int quiet;
} scan_errors;
void scan_error_item(scan_errors *e, const vigil_item *it);
/* "... and N more error items (see the JSONL)" when some were not named. */
void scan_errors_finish(const scan_errors *e);

#endif
