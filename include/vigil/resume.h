/*
 * Resuming an interrupted scan: the earlier scan JSONL is read into a lookup
 * of the files on disk it finished (path, size, modification and change
 * times), so that a new scan over the same roots with the same options emits
 * their stored lines instead of reading them again.
 */
#ifndef VIGIL_RESUME_H
#define VIGIL_RESUME_H
#include <stddef.h>
#include "vigil/error.h"
#include "vigil/hashset.h"
#include "vigil/scan.h"

typedef struct vigil_resume vigil_resume;

/* Read an earlier scan JSONL. A torn last line is ignored. VIGIL_EINPUT "path: line N: what"
 * for a line that is not a scan item or has no summary (nothing can be checked then),
 * VIGIL_ESTORE when it cannot be read, VIGIL_ENOMEM. */
int vigil_resume_load(vigil_resume **out, const char *path, vigil_error *err);
void vigil_resume_free(vigil_resume *r);

/* The roots and the options that change results, as the JSON object the summary keeps
 * under "scan"; NULL when out of memory. Caller frees. */
char *vigil_scan_params_json(const char *const *roots, size_t nroots, const vigil_scan_opts *o);

/* Refuse to resume when the roots, an option that changes results, or the hash sets (name,
 * kind, version) differ from the earlier scan's: VIGIL_EUSAGE "path: what differs". */
int vigil_resume_check(const vigil_resume *r, const char *const *roots, size_t nroots, const vigil_scan_opts *o,
                       const vigil_hashset_info *sets, size_t nsets, vigil_error *err);

/* Files on disk the earlier scan finished (with their archive members), and item lines kept. */
size_t vigil_resume_units(const vigil_resume *r);
size_t vigil_resume_items(const vigil_resume *r);

#endif
